//! API keys for signed requests: the `api_keys` table.
//!
//! Unlike a token, a key's secret is stored as it is: it is the HMAC key the server signs
//! with to check a request, so a hash would be of no use. It is shown to its owner once.

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::{
    DbError,
    tokens::{LAST_USED_GRANULARITY, scopes_from, scopes_to},
    users::{self, User},
};

/// A key's row, without its secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRow {
    /// Row id.
    pub id: i64,
    /// Owner.
    pub user_id: i64,
    /// Public id, sent in `X-Api-Key` (`sk_` and 16 hex digits).
    pub key_id: String,
    /// Label given at creation.
    pub name: String,
    /// Scope strings.
    pub scopes: Vec<String>,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds; `None` for a key that does not expire.
    pub expires_at: Option<i64>,
    /// Unix seconds of the last accepted request.
    pub last_used_at: Option<i64>,
}

/// The columns [`from_row`] reads (`k` is the api_keys table).
const COLUMNS: &str =
    "k.id, k.user_id, k.key_id, k.name, k.scopes, k.created_at, k.expires_at, k.last_used_at";

/// How many columns [`COLUMNS`] names.
const COLUMN_COUNT: usize = 8;

fn from_row(row: &Row<'_>) -> rusqlite::Result<KeyRow> {
    Ok(KeyRow {
        id: row.get(0)?,
        user_id: row.get(1)?,
        key_id: row.get(2)?,
        name: row.get(3)?,
        scopes: scopes_from(row, 4)?,
        created_at: row.get(5)?,
        expires_at: row.get(6)?,
        last_used_at: row.get(7)?,
    })
}

/// Stores a new key and returns its row id.
///
/// # Errors
/// SQLite errors (including a `key_id` that exists).
#[expect(
    clippy::too_many_arguments,
    reason = "one argument per column; a struct would only rename them"
)]
pub fn insert(
    conn: &Connection,
    user_id: i64,
    key_id: &str,
    secret: &str,
    name: &str,
    scopes: &[String],
    now: i64,
    expires_at: Option<i64>,
) -> Result<i64, DbError> {
    conn.execute(
        "INSERT INTO api_keys (user_id, key_id, secret, name, scopes, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            user_id,
            key_id,
            secret,
            name,
            scopes_to(scopes),
            now,
            expires_at
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

/// A key that exists, is not revoked and has not expired at `now`, with its secret and its
/// user; updates `last_used_at` (at most once a minute).
///
/// # Errors
/// SQLite errors, or stored scopes that are not a JSON list of strings.
pub fn lookup(
    conn: &Connection,
    key_id: &str,
    now: i64,
) -> Result<Option<(KeyRow, String, User)>, DbError> {
    let sql = format!(
        "SELECT {COLUMNS}, k.secret, {users} FROM api_keys k JOIN users u ON u.id = k.user_id
         WHERE k.key_id = ?1 AND k.revoked_at IS NULL
           AND (k.expires_at IS NULL OR k.expires_at > ?2)",
        users = users::COLUMNS
    );
    let found = conn
        .query_row(&sql, params![key_id, now], |row| {
            Ok((
                from_row(row)?,
                row.get(COLUMN_COUNT)?,
                users::from_row(row, COLUMN_COUNT + 1)?,
            ))
        })
        .optional()?;
    // Written at most once a minute, as a token's is.
    let stale = |at: Option<i64>| at.is_none_or(|at| at <= now - LAST_USED_GRANULARITY);
    if let Some((key, _, _)) = found.as_ref().filter(|(k, _, _)| stale(k.last_used_at)) {
        conn.execute(
            "UPDATE api_keys SET last_used_at = ?2 WHERE id = ?1",
            params![key.id, now],
        )?;
    }
    Ok(found)
}

/// Revokes `user_id`'s key `key_id`; `false` when the user has no such unrevoked key.
///
/// # Errors
/// SQLite errors.
pub fn revoke(conn: &Connection, user_id: i64, key_id: &str, now: i64) -> Result<bool, DbError> {
    let changed = conn.execute(
        "UPDATE api_keys SET revoked_at = ?3
         WHERE key_id = ?1 AND user_id = ?2 AND revoked_at IS NULL",
        params![key_id, user_id, now],
    )?;
    Ok(changed == 1)
}

/// The user's unrevoked keys, expired ones included, newest first.
///
/// # Errors
/// SQLite errors, or stored scopes that are not a JSON list of strings.
pub fn list(conn: &Connection, user_id: i64) -> Result<Vec<KeyRow>, DbError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM api_keys k WHERE k.user_id = ?1 AND k.revoked_at IS NULL
         ORDER BY k.id DESC"
    );
    let mut statement = conn.prepare(&sql)?;
    let rows = statement.query_map([user_id], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Db;

    #[test]
    fn lookup_honours_revocation_expiry_and_ownership() {
        let db = Db::open_in_memory().expect("db");
        db.with(|conn| {
            let alice =
                users::create(conn, "alice", "a@example.com", "$h", false, 0)?.expect("new");
            let bob = users::create(conn, "bob", "b@example.com", "$h", false, 0)?.expect("new");
            let scopes = vec!["publish:hello".to_owned()];
            let forever = insert(conn, alice.id, "sk_1", "s1", "ci", &scopes, 10, None)?;
            insert(
                conn,
                alice.id,
                "sk_2",
                "s2",
                "short",
                &scopes,
                10,
                Some(100),
            )?;

            let (key, secret, user) = lookup(conn, "sk_1", 1_000_000)?.expect("never expires");
            assert_eq!((key.id, key.key_id.as_str()), (forever, "sk_1"));
            assert_eq!(key.scopes, scopes);
            assert_eq!(key.name, "ci");
            assert_eq!(secret, "s1");
            assert_eq!(user, alice);

            assert!(lookup(conn, "sk_2", 99)?.is_some());
            assert!(lookup(conn, "sk_2", 100)?.is_none(), "expired");
            assert!(lookup(conn, "sk_x", 1)?.is_none());

            let listed = list(conn, alice.id)?;
            assert_eq!(listed.len(), 2);
            assert_eq!(listed[0].key_id, "sk_2");
            assert_eq!(listed[1].last_used_at, Some(1_000_000));

            assert!(!revoke(conn, bob.id, "sk_1", 20)?, "not bob's");
            assert!(revoke(conn, alice.id, "sk_1", 20)?);
            assert!(!revoke(conn, alice.id, "sk_1", 21)?, "already revoked");
            assert!(lookup(conn, "sk_1", 22)?.is_none());
            assert_eq!(list(conn, alice.id)?.len(), 1);
            Ok(())
        })
        .expect("queries");
    }
}
