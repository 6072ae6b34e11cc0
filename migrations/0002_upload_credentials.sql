-- Issue 10: uploads announced by the official `s` client, whose PUT of the zip carries no
-- credentials. `key_id` names the API key (an s-client code) that announced the upload; the
-- upload URL then authorises itself, for as long as that key is valid. NULL for uploads
-- announced with POST /releases, which must be sent with the same account's credentials.
ALTER TABLE uploads ADD COLUMN key_id TEXT;

-- Counting an account's pending uploads (the per-account cap) reads by user.
CREATE INDEX uploads_user ON uploads(user_id, used_at, expires_at);

-- Listing an account's packages (`s registry list --private`) reads maintainers by user.
CREATE INDEX maintainers_user ON maintainers(user_id);
