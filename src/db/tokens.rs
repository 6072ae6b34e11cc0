//! Bearer tokens: the `tokens` table. Only a token's SHA-256 is stored
//! ([`crate::auth::token::hash_token`]); the token itself is shown once and never kept.

use rusqlite::{Connection, OptionalExtension, Row, params, types::Type};

use super::{
    DbError,
    users::{self, User},
};

/// A token's row, without its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRow {
    /// Row id (what `DELETE /tokens/{id}` names).
    pub id: i64,
    /// Owner.
    pub user_id: i64,
    /// Label given at creation (`""` for login tokens).
    pub name: String,
    /// Scope strings; `["*"]` is everything the user may do.
    pub scopes: Vec<String>,
    /// Made by `/login` or `/refresh_token` rather than `POST /tokens`.
    pub is_session: bool,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds; the token stops working at this instant.
    pub expires_at: i64,
    /// Unix seconds, when revoked.
    pub revoked_at: Option<i64>,
    /// Unix seconds of the last accepted request.
    pub last_used_at: Option<i64>,
}

/// The columns [`from_row`] reads (`t` is the tokens table).
const COLUMNS: &str = "t.id, t.user_id, t.name, t.scopes, t.is_session, t.created_at, t.expires_at, \
     t.revoked_at, t.last_used_at";

/// How many columns [`COLUMNS`] names.
const COLUMN_COUNT: usize = 9;

/// Reads a JSON array of scope strings stored in column `index`.
pub(crate) fn scopes_from(row: &Row<'_>, index: usize) -> rusqlite::Result<Vec<String>> {
    let text: String = row.get(index)?;
    serde_json::from_str(&text)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(index, Type::Text, Box::new(e)))
}

/// Stores scope strings as a JSON array.
pub(crate) fn scopes_to(scopes: &[String]) -> String {
    // A list of strings always serialises.
    serde_json::to_string(scopes).unwrap_or_else(|_| "[]".to_owned())
}

fn from_row(row: &Row<'_>) -> rusqlite::Result<TokenRow> {
    Ok(TokenRow {
        id: row.get(0)?,
        user_id: row.get(1)?,
        name: row.get(2)?,
        scopes: scopes_from(row, 3)?,
        is_session: row.get(4)?,
        created_at: row.get(5)?,
        expires_at: row.get(6)?,
        revoked_at: row.get(7)?,
        last_used_at: row.get(8)?,
    })
}

/// Stores a new token by its hash and returns its row id.
///
/// # Errors
/// SQLite errors (including a hash that exists, which 256 random bits make impossible).
#[expect(
    clippy::too_many_arguments,
    reason = "one argument per column; a struct would only rename them"
)]
pub fn insert(
    conn: &Connection,
    user_id: i64,
    token_hash: &str,
    name: &str,
    scopes: &[String],
    is_session: bool,
    now: i64,
    expires_at: i64,
) -> Result<i64, DbError> {
    conn.execute(
        "INSERT INTO tokens (user_id, token_hash, name, scopes, is_session, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            user_id,
            token_hash,
            name,
            scopes_to(scopes),
            is_session,
            now,
            expires_at
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

/// How stale a token's `last_used_at` may be before a lookup writes it again: a token used
/// on every request (a publishing CI job, npm's many calls) then costs a database write
/// (and its `fsync`) a minute, not one a request.
pub const LAST_USED_GRANULARITY: i64 = 60;

/// A token that exists, is not revoked and has not expired at `now`, with its user; updates
/// `last_used_at` when it is older than [`LAST_USED_GRANULARITY`].
///
/// # Errors
/// SQLite errors, or stored scopes that are not a JSON list of strings.
pub fn lookup(
    conn: &Connection,
    token_hash: &str,
    now: i64,
) -> Result<Option<(TokenRow, User)>, DbError> {
    let sql = format!(
        "SELECT {COLUMNS}, {users} FROM tokens t JOIN users u ON u.id = t.user_id
         WHERE t.token_hash = ?1 AND t.revoked_at IS NULL AND t.expires_at > ?2",
        users = users::COLUMNS
    );
    let found = conn
        .query_row(&sql, params![token_hash, now], |row| {
            Ok((from_row(row)?, users::from_row(row, COLUMN_COUNT)?))
        })
        .optional()?;
    let stale = |t: &TokenRow| {
        t.last_used_at
            .is_none_or(|at| at <= now - LAST_USED_GRANULARITY)
    };
    if let Some((token, _)) = found.as_ref().filter(|(t, _)| stale(t)) {
        conn.execute(
            "UPDATE tokens SET last_used_at = ?2 WHERE id = ?1",
            params![token.id, now],
        )?;
    }
    Ok(found)
}

/// The token with this row id, revoked or not.
///
/// # Errors
/// SQLite errors, or stored scopes that are not a JSON list of strings.
pub fn get(conn: &Connection, token_id: i64) -> Result<Option<TokenRow>, DbError> {
    let sql = format!("SELECT {COLUMNS} FROM tokens t WHERE t.id = ?1");
    Ok(conn.query_row(&sql, [token_id], from_row).optional()?)
}

/// Revokes a token (no effect if it already was).
///
/// # Errors
/// SQLite errors.
pub fn revoke(conn: &Connection, token_id: i64, now: i64) -> Result<(), DbError> {
    conn.execute(
        "UPDATE tokens SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
        params![token_id, now],
    )?;
    Ok(())
}

/// Revokes `user_id`'s token `token_id`; `false` when the user has no such unrevoked token
/// (so nobody can revoke, or learn about, another user's tokens), or when a concurrent
/// request revoked it first.
///
/// # Errors
/// SQLite errors.
pub fn revoke_own(
    conn: &Connection,
    user_id: i64,
    token_id: i64,
    now: i64,
) -> Result<bool, DbError> {
    let changed = conn.execute(
        "UPDATE tokens SET revoked_at = ?3
         WHERE id = ?1 AND user_id = ?2 AND revoked_at IS NULL",
        params![token_id, user_id, now],
    )?;
    Ok(changed == 1)
}

/// Revokes every unrevoked token of `user_id` except `keep_token_id`; returns how many.
///
/// # Errors
/// SQLite errors.
pub fn revoke_all_except(
    conn: &Connection,
    user_id: i64,
    keep_token_id: Option<i64>,
    now: i64,
) -> Result<usize, DbError> {
    Ok(conn.execute(
        "UPDATE tokens SET revoked_at = ?3
         WHERE user_id = ?1 AND revoked_at IS NULL AND (?2 IS NULL OR id <> ?2)",
        params![user_id, keep_token_id, now],
    )?)
}

/// The user's unrevoked tokens, expired ones included, newest first.
///
/// # Errors
/// SQLite errors, or stored scopes that are not a JSON list of strings.
pub fn list(conn: &Connection, user_id: i64) -> Result<Vec<TokenRow>, DbError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM tokens t WHERE t.user_id = ?1 AND t.revoked_at IS NULL
         ORDER BY t.id DESC"
    );
    let mut statement = conn.prepare(&sql)?;
    let rows = statement.query_map([user_id], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Names the token `id` (for tokens made through a client's own flow, such as
/// `npm token create`, so the owner can tell them apart in a list).
///
/// # Errors
/// SQLite errors.
pub fn set_name(conn: &Connection, id: i64, name: &str) -> Result<(), DbError> {
    conn.execute(
        "UPDATE tokens SET name = ?2 WHERE id = ?1",
        params![id, name],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Db;

    fn all() -> Vec<String> {
        vec!["*".to_owned()]
    }

    #[test]
    fn last_used_is_written_once_a_minute() {
        let db = Db::open_in_memory().expect("db");
        db.with(|conn| {
            let alice =
                users::create(conn, "alice", "a@example.com", "$h", false, 0)?.expect("new");
            let id = insert(conn, alice.id, "hash1", "", &all(), false, 100, 10_000)?;
            let used = |conn: &Connection| -> Result<Option<i64>, DbError> {
                Ok(get(conn, id)?.expect("row").last_used_at)
            };
            lookup(conn, "hash1", 150)?.expect("live");
            assert_eq!(used(conn)?, Some(150));
            lookup(conn, "hash1", 150 + LAST_USED_GRANULARITY - 1)?.expect("live");
            assert_eq!(
                used(conn)?,
                Some(150),
                "not written again within the minute"
            );
            lookup(conn, "hash1", 150 + LAST_USED_GRANULARITY)?.expect("live");
            assert_eq!(used(conn)?, Some(150 + LAST_USED_GRANULARITY));
            Ok(())
        })
        .expect("db");
    }

    #[test]
    fn lookup_honours_revocation_and_expiry() {
        let db = Db::open_in_memory().expect("db");
        db.with(|conn| {
            let alice =
                users::create(conn, "alice", "a@example.com", "$h", false, 0)?.expect("new");
            let id = insert(conn, alice.id, "hash1", "", &all(), true, 100, 200)?;

            let (row, user) = lookup(conn, "hash1", 150)?.expect("live");
            assert_eq!(user, alice);
            assert_eq!(row.id, id);
            assert_eq!(row.scopes, all());
            assert!(row.is_session);
            assert_eq!((row.created_at, row.expires_at), (100, 200));
            assert_eq!(get(conn, id)?.expect("row").last_used_at, Some(150));

            assert!(
                lookup(conn, "hash1", 200)?.is_none(),
                "expired at expires_at"
            );
            assert!(lookup(conn, "nope", 150)?.is_none());

            revoke(conn, id, 160)?;
            assert!(lookup(conn, "hash1", 170)?.is_none(), "revoked");
            assert_eq!(get(conn, id)?.expect("row").revoked_at, Some(160));
            revoke(conn, id, 180)?;
            assert_eq!(
                get(conn, id)?.expect("row").revoked_at,
                Some(160),
                "first revocation kept"
            );
            Ok(())
        })
        .expect("queries");
    }

    #[test]
    fn revocation_is_per_user_and_can_keep_one() {
        let db = Db::open_in_memory().expect("db");
        db.with(|conn| {
            let alice =
                users::create(conn, "alice", "a@example.com", "$h", false, 0)?.expect("new");
            let bob = users::create(conn, "bob", "b@example.com", "$h", false, 0)?.expect("new");
            let ci = vec!["publish:hello*".to_owned()];
            let a1 = insert(conn, alice.id, "a1", "", &all(), true, 1, 1000)?;
            let a2 = insert(conn, alice.id, "a2", "ci", &ci, false, 2, 1000)?;
            let a3 = insert(conn, alice.id, "a3", "", &all(), true, 3, 1000)?;
            let b1 = insert(conn, bob.id, "b1", "", &all(), true, 4, 1000)?;

            let listed = list(conn, alice.id)?;
            assert_eq!(
                listed.iter().map(|t| t.id).collect::<Vec<_>>(),
                [a3, a2, a1]
            );
            assert_eq!(listed[1].name, "ci");
            assert_eq!(listed[1].scopes, ci);
            assert!(!listed[1].is_session);

            assert!(!revoke_own(conn, bob.id, a1, 10)?, "not bob's");
            assert!(revoke_own(conn, alice.id, a1, 10)?);
            assert!(!revoke_own(conn, alice.id, a1, 11)?, "already revoked");

            assert_eq!(revoke_all_except(conn, alice.id, Some(a3), 12)?, 1);
            assert!(lookup(conn, "a2", 13)?.is_none());
            assert!(lookup(conn, "a3", 13)?.is_some());
            assert!(lookup(conn, "b1", 13)?.is_some(), "bob untouched");
            assert_eq!(list(conn, alice.id)?.len(), 1);

            assert_eq!(revoke_all_except(conn, bob.id, None, 14)?, 1);
            assert!(lookup(conn, "b1", 15)?.is_none());
            assert!(get(conn, b1)?.is_some());
            Ok(())
        })
        .expect("queries");
    }
}
