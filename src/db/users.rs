//! Accounts: the `users` table.

use rusqlite::{Connection, ErrorCode, OptionalExtension, Row, params};

use super::DbError;

/// An account, without its password hash (which only [`password_hash`] reads).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct User {
    /// Row id.
    pub id: i64,
    /// Login name: lowercase letters, digits, `-` and `_`.
    pub username: String,
    /// Email address, unique regardless of case.
    pub email: String,
    /// Whether the account may administer the registry.
    pub is_admin: bool,
}

/// The username or the email is already used by another account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("username or email already exists")]
pub struct Taken;

/// The columns [`from_row`] reads, for joins (`u` is the users table).
pub(crate) const COLUMNS: &str = "u.id, u.username, u.email, u.is_admin";

/// Reads a [`User`] from [`COLUMNS`] starting at column `first`.
pub(crate) fn from_row(row: &Row<'_>, first: usize) -> rusqlite::Result<User> {
    Ok(User {
        id: row.get(first)?,
        username: row.get(first + 1)?,
        email: row.get(first + 2)?,
        is_admin: row.get(first + 3)?,
    })
}

/// Creates an account. The caller has checked the username, email and password rules.
///
/// # Errors
/// SQLite errors. A username or email that exists (emails compared regardless of case) is
/// the inner `Err(Taken)`.
pub fn create(
    conn: &Connection,
    username: &str,
    email: &str,
    password_hash: &str,
    is_admin: bool,
    now: i64,
) -> Result<Result<User, Taken>, DbError> {
    let inserted = conn.execute(
        "INSERT INTO users (username, email, password_hash, is_admin, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![username, email, password_hash, is_admin, now],
    );
    match inserted {
        Ok(_) => Ok(Ok(User {
            id: conn.last_insert_rowid(),
            username: username.to_owned(),
            email: email.to_owned(),
            is_admin,
        })),
        // The only constraints on `users` that an insert can break are the two UNIQUE ones
        // (NOT NULLs are all bound), so a constraint failure means "taken".
        Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == ErrorCode::ConstraintViolation => {
            Ok(Err(Taken))
        }
        Err(e) => Err(e.into()),
    }
}

/// The account named `username` (exact match).
///
/// # Errors
/// SQLite errors.
pub fn find_by_name(conn: &Connection, username: &str) -> Result<Option<User>, DbError> {
    let sql = format!("SELECT {COLUMNS} FROM users u WHERE u.username = ?1");
    Ok(conn
        .query_row(&sql, [username], |row| from_row(row, 0))
        .optional()?)
}

/// The account with this id.
///
/// # Errors
/// SQLite errors.
pub fn find_by_id(conn: &Connection, user_id: i64) -> Result<Option<User>, DbError> {
    let sql = format!("SELECT {COLUMNS} FROM users u WHERE u.id = ?1");
    Ok(conn
        .query_row(&sql, [user_id], |row| from_row(row, 0))
        .optional()?)
}

/// The account's password hash (a PHC string), if the account exists.
///
/// # Errors
/// SQLite errors.
pub fn password_hash(conn: &Connection, user_id: i64) -> Result<Option<String>, DbError> {
    Ok(conn
        .query_row(
            "SELECT password_hash FROM users WHERE id = ?1",
            [user_id],
            |row| row.get(0),
        )
        .optional()?)
}

/// Replaces the account's password hash; `false` when there is no such account.
///
/// # Errors
/// SQLite errors.
pub fn set_password_hash(
    conn: &Connection,
    user_id: i64,
    password_hash: &str,
) -> Result<bool, DbError> {
    let changed = conn.execute(
        "UPDATE users SET password_hash = ?2 WHERE id = ?1",
        params![user_id, password_hash],
    )?;
    Ok(changed == 1)
}

/// Records a successful login at `now`.
///
/// # Errors
/// SQLite errors.
pub fn set_last_login(conn: &Connection, user_id: i64, now: i64) -> Result<(), DbError> {
    conn.execute(
        "UPDATE users SET last_login = ?2 WHERE id = ?1",
        params![user_id, now],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Db;

    #[test]
    fn creates_finds_and_refuses_duplicates() {
        let db = Db::open_in_memory().expect("db");
        db.with(|conn| {
            let alice =
                create(conn, "alice", "Alice@Example.com", "$hash", false, 10)?.expect("new");
            assert_eq!(find_by_name(conn, "alice")?, Some(alice.clone()));
            assert_eq!(find_by_id(conn, alice.id)?, Some(alice.clone()));
            assert_eq!(find_by_name(conn, "bob")?, None);
            assert_eq!(
                create(conn, "alice", "other@example.com", "$h", false, 11)?,
                Err(Taken),
                "same username"
            );
            assert_eq!(
                create(conn, "alice2", "alice@EXAMPLE.com", "$h", false, 11)?,
                Err(Taken),
                "same email in another case"
            );
            let admin = create(conn, "root", "root@example.com", "$h", true, 12)?.expect("new");
            assert!(admin.is_admin);
            assert_ne!(admin.id, alice.id);

            assert_eq!(password_hash(conn, alice.id)?.as_deref(), Some("$hash"));
            assert!(set_password_hash(conn, alice.id, "$new")?);
            assert_eq!(password_hash(conn, alice.id)?.as_deref(), Some("$new"));
            assert_eq!(password_hash(conn, 999)?, None);
            assert!(!set_password_hash(conn, 999, "$x")?);

            set_last_login(conn, alice.id, 20)?;
            let last: Option<i64> = conn.query_row(
                "SELECT last_login FROM users WHERE id = ?1",
                [alice.id],
                |r| r.get(0),
            )?;
            assert_eq!(last, Some(20));
            Ok(())
        })
        .expect("queries");
    }
}
