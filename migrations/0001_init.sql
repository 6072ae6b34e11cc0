-- Shelf's server state. Package metadata is NOT here: the git index is its only home, and
-- nothing in this database answers a read of package data.
-- Times are Unix seconds (UTC).

CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    username      TEXT    NOT NULL UNIQUE,
    email         TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT    NOT NULL,              -- Argon2id, PHC string
    is_admin      INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    last_login    INTEGER
);

-- Bearer tokens. Only the SHA-256 of a token is stored.
CREATE TABLE tokens (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash   TEXT    NOT NULL UNIQUE,        -- lowercase hex SHA-256 of the whole token
    name         TEXT    NOT NULL DEFAULT '',
    scopes       TEXT    NOT NULL,               -- JSON array of scope strings; ["*"] = all the user's rights
    is_session   INTEGER NOT NULL DEFAULT 0,     -- made by /login or /refresh_token
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    revoked_at   INTEGER,
    last_used_at INTEGER
);
CREATE INDEX tokens_user ON tokens(user_id);

-- API keys for signed requests. The secret is the HMAC key, so the server must keep it; it
-- is shown to its owner once and never travels again.
CREATE TABLE api_keys (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    key_id       TEXT    NOT NULL UNIQUE,        -- sent in X-Api-Key
    secret       TEXT    NOT NULL,
    name         TEXT    NOT NULL DEFAULT '',
    scopes       TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER,
    revoked_at   INTEGER,
    last_used_at INTEGER
);

-- Releases announced by POST /releases and waiting for their zip.
CREATE TABLE uploads (
    id         TEXT    PRIMARY KEY,              -- random; the last segment of upload_url
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name       TEXT    NOT NULL,
    version    TEXT    NOT NULL,
    release    TEXT    NOT NULL,                 -- the POST /releases body, as JSON
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
);

-- Who may change a package. `package` is the canonical name ('_' written as '-').
CREATE TABLE maintainers (
    package  TEXT    NOT NULL,
    user_id  INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role     TEXT    NOT NULL CHECK (role IN ('owner', 'maintainer')),
    added_at INTEGER NOT NULL,
    added_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    PRIMARY KEY (package, user_id)
);

CREATE TABLE ratings (
    package    TEXT    NOT NULL,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    rating     INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    comment    TEXT    NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    PRIMARY KEY (package, user_id)
);

-- Every login, token, key, publish, delete, yank and maintainer change.
CREATE TABLE audit_log (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    at       INTEGER NOT NULL,
    user_id  INTEGER REFERENCES users(id) ON DELETE SET NULL,
    username TEXT    NOT NULL DEFAULT '',        -- kept when the account is gone
    action   TEXT    NOT NULL,                   -- e.g. login, login_failed, token_create, publish
    target   TEXT    NOT NULL DEFAULT '',        -- e.g. hello@1.0.0
    details  TEXT    NOT NULL DEFAULT '{}',      -- JSON
    ip       TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log(at);
