//! The audit log: who did what, when, from where. Written in the same transaction as the
//! change it records where there is one; never updated or deleted by Shelf.

use rusqlite::{Connection, Row, params, types::Type};
use time::OffsetDateTime;

use super::{DbError, users::User};
use crate::clock;

/// One entry, as `GET /audit` shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct AuditEntry {
    /// Row id; pages go backwards from it (`?before=`).
    pub id: i64,
    /// When, RFC 3339 in UTC.
    pub at: String,
    /// The acting account's name at the time (`""` when nobody was authenticated).
    pub username: String,
    /// What happened: `login`, `login_failed`, `token_create`, `publish`, …
    pub action: String,
    /// What it happened to: a username, `hello@1.0.0`, a token id, …
    pub target: String,
    /// Anything else worth keeping, as a JSON object.
    pub details: serde_json::Value,
    /// The client's address.
    pub ip: String,
}

/// Records an action by `user` (or by nobody, for failed logins and registrations).
///
/// # Errors
/// SQLite errors.
pub fn record(
    conn: &Connection,
    at: i64,
    user: Option<&User>,
    action: &str,
    target: &str,
    details: &serde_json::Value,
    ip: &str,
) -> Result<i64, DbError> {
    conn.execute(
        "INSERT INTO audit_log (at, user_id, username, action, target, details, ip)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            at,
            user.map(|u| u.id),
            user.map_or("", |u| u.username.as_str()),
            action,
            target,
            details.to_string(),
            ip
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Removes the entry `id` [`record`] returned: for a change the writer refused after it
/// was recorded (nothing happened, so nothing is logged as done).
///
/// # Errors
/// SQLite errors.
pub fn forget(conn: &Connection, id: i64) -> Result<(), DbError> {
    conn.execute("DELETE FROM audit_log WHERE id = ?1", params![id])?;
    Ok(())
}

fn from_row(row: &Row<'_>) -> rusqlite::Result<AuditEntry> {
    let at: i64 = row.get(1)?;
    let at = OffsetDateTime::from_unix_timestamp(at)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(1, Type::Integer, Box::new(e)))?;
    let details: String = row.get(5)?;
    let details = serde_json::from_str(&details)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(5, Type::Text, Box::new(e)))?;
    Ok(AuditEntry {
        id: row.get(0)?,
        at: clock::rfc3339(at),
        username: row.get(2)?,
        action: row.get(3)?,
        target: row.get(4)?,
        details,
        ip: row.get(6)?,
    })
}

/// Up to `limit` entries older than `before_id` (all when `None`), newest first.
///
/// # Errors
/// SQLite errors, or a stored entry whose time or details cannot be read.
pub fn list(
    conn: &Connection,
    before_id: Option<i64>,
    limit: u32,
) -> Result<Vec<AuditEntry>, DbError> {
    let mut statement = conn.prepare(
        "SELECT id, at, username, action, target, details, ip FROM audit_log
         WHERE ?1 IS NULL OR id < ?1 ORDER BY id DESC LIMIT ?2",
    )?;
    let rows = statement.query_map(params![before_id, limit], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::db::{Db, users};

    #[test]
    fn records_and_pages_newest_first() {
        let db = Db::open_in_memory().expect("db");
        db.with(|conn| {
            let alice =
                users::create(conn, "alice", "a@example.com", "$h", false, 0)?.expect("new");
            record(
                conn,
                1_609_746_083,
                None,
                "login_failed",
                "alice",
                &json!({}),
                "10.0.0.1",
            )?;
            record(
                conn,
                1_609_746_084,
                Some(&alice),
                "login",
                "alice",
                &json!({"token_id": 1}),
                "10.0.0.1",
            )?;
            record(
                conn,
                1_609_746_085,
                Some(&alice),
                "logout",
                "",
                &json!({}),
                "10.0.0.2",
            )?;

            let all = list(conn, None, 10)?;
            assert_eq!(
                all.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
                ["logout", "login", "login_failed"]
            );
            let login = &all[1];
            assert_eq!(login.at, "2021-01-04T07:41:24Z");
            assert_eq!(login.username, "alice");
            assert_eq!(login.target, "alice");
            assert_eq!(login.details, json!({"token_id": 1}));
            assert_eq!(login.ip, "10.0.0.1");
            assert_eq!(all[2].username, "", "nobody authenticated");

            let first_page = list(conn, None, 2)?;
            assert_eq!(first_page.len(), 2);
            let rest = list(conn, Some(first_page[1].id), 2)?;
            assert_eq!(rest.len(), 1);
            assert_eq!(rest[0].action, "login_failed");
            assert!(list(conn, Some(rest[0].id), 2)?.is_empty());
            Ok(())
        })
        .expect("queries");
    }
}
