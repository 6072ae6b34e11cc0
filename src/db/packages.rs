//! Who may change a package (owners and maintainers) and the uploads announced by
//! `POST /releases`. Package names here are canonical (`_` written as `-`).

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use super::DbError;

/// A person's standing on a package.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// May publish, yank, delete, and manage maintainers.
    Owner,
    /// May publish, yank and delete.
    Maintainer,
}

impl Role {
    /// The spelling stored and accepted in requests.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Maintainer => "maintainer",
        }
    }

    /// Parses `owner` or `maintainer`.
    #[must_use]
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "owner" => Some(Role::Owner),
            "maintainer" => Some(Role::Maintainer),
            _ => None,
        }
    }
}

/// The user's role on the package, if any.
///
/// # Errors
/// SQLite errors.
pub fn role(conn: &Connection, package: &str, user_id: i64) -> Result<Option<Role>, DbError> {
    let raw: Option<String> = conn
        .query_row(
            "SELECT role FROM maintainers WHERE package = ?1 AND user_id = ?2",
            params![package, user_id],
            |r| r.get(0),
        )
        .optional()?;
    Ok(raw.as_deref().and_then(Role::parse))
}

/// Gives the user a role on the package (replacing any role they had).
///
/// # Errors
/// SQLite errors.
pub fn set_role(
    conn: &Connection,
    package: &str,
    user_id: i64,
    role: Role,
    now: i64,
    added_by: Option<i64>,
) -> Result<(), DbError> {
    conn.execute(
        "INSERT INTO maintainers (package, user_id, role, added_at, added_by) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (package, user_id) DO UPDATE SET role = excluded.role",
        params![package, user_id, role.as_str(), now, added_by],
    )?;
    Ok(())
}

/// Removes the user's role; `false` when they had none.
///
/// # Errors
/// SQLite errors.
pub fn remove(conn: &Connection, package: &str, user_id: i64) -> Result<bool, DbError> {
    Ok(conn.execute(
        "DELETE FROM maintainers WHERE package = ?1 AND user_id = ?2",
        params![package, user_id],
    )? > 0)
}

/// How many owners the package has.
///
/// # Errors
/// SQLite errors.
pub fn owner_count(conn: &Connection, package: &str) -> Result<i64, DbError> {
    Ok(conn.query_row(
        "SELECT COUNT(*) FROM maintainers WHERE package = ?1 AND role = 'owner'",
        params![package],
        |r| r.get(0),
    )?)
}

/// Makes the user the only owner of a package that is not in the index yet, dropping any
/// role left on the name: such rows can only come from a claim whose publish never landed
/// (a refused or interrupted one), as a published name keeps its index file forever.
///
/// # Errors
/// SQLite errors.
pub fn claim(conn: &mut Connection, package: &str, user_id: i64, now: i64) -> Result<(), DbError> {
    let tx = conn.transaction()?;
    tx.execute(
        "DELETE FROM maintainers WHERE package = ?1",
        params![package],
    )?;
    set_role(&tx, package, user_id, Role::Owner, now, Some(user_id))?;
    tx.commit()?;
    Ok(())
}

/// The accounts with a role on any package whose key starts with `prefix` (an npm scope's
/// packages: `npm:@acme/`).
///
/// # Errors
/// SQLite errors.
pub fn members_with_prefix(conn: &Connection, prefix: &str) -> Result<Vec<i64>, DbError> {
    // Compared as a prefix, not with LIKE: `_` and `%` are ordinary characters in names.
    let mut query = conn.prepare(
        "SELECT DISTINCT user_id FROM maintainers WHERE substr(package, 1, length(?1)) = ?1",
    )?;
    let ids = query.query_map(params![prefix], |r| r.get(0))?;
    Ok(ids.collect::<Result<_, _>>()?)
}

/// Every account with a role on `package`: (username, role).
///
/// # Errors
/// SQLite errors.
pub fn members(conn: &Connection, package: &str) -> Result<Vec<(String, Role)>, DbError> {
    let mut query = conn.prepare(
        "SELECT u.username, m.role FROM maintainers m JOIN users u ON u.id = m.user_id \
         WHERE m.package = ?1 ORDER BY m.added_at, u.username",
    )?;
    let rows = query.query_map(params![package], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (name, role) = row?;
        if let Some(role) = Role::parse(&role) {
            out.push((name, role));
        }
    }
    Ok(out)
}

/// The canonical names of the packages `user_id` owns or maintains.
///
/// # Errors
/// SQLite errors.
pub fn packages_of(conn: &Connection, user_id: i64) -> Result<Vec<String>, DbError> {
    let mut query = conn.prepare("SELECT package FROM maintainers WHERE user_id = ?1")?;
    let names = query.query_map(params![user_id], |r| r.get(0))?;
    Ok(names.collect::<Result<_, _>>()?)
}

/// An upload announced by `POST /releases`.
#[derive(Debug, Clone, PartialEq)]
pub struct Upload {
    /// The random id in the upload URL.
    pub id: String,
    /// Who announced it (only they may upload).
    pub user_id: i64,
    /// Package name as given.
    pub name: String,
    /// Version as given.
    pub version: String,
    /// What `POST /releases` said about the release, checked against the caps and with
    /// the readme cut (never the raw request: unknown fields are not kept).
    pub release: serde_json::Value,
    /// Unix seconds after which it is no longer accepted.
    pub expires_at: i64,
    /// When it was used, if it was.
    pub used_at: Option<i64>,
    /// The API key (an `s` client's code) that announced it, when the upload URL authorises
    /// itself: the official client sends the zip with no credentials.
    pub key_id: Option<String>,
}

/// Records an announced upload.
///
/// # Errors
/// SQLite errors.
pub fn create_upload(conn: &Connection, upload: &Upload, now: i64) -> Result<(), DbError> {
    conn.execute(
        "INSERT INTO uploads (id, user_id, name, version, release, created_at, expires_at, key_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![upload.id, upload.user_id, upload.name, upload.version, upload.release.to_string(), now, upload.expires_at, upload.key_id],
    )?;
    Ok(())
}

/// The upload with this id, used or not.
///
/// # Errors
/// SQLite errors.
pub fn upload(conn: &Connection, id: &str) -> Result<Option<Upload>, DbError> {
    Ok(conn
        .query_row(
            "SELECT id, user_id, name, version, release, expires_at, used_at, key_id FROM uploads WHERE id = ?1",
            params![id],
            |r| {
                let release: String = r.get(4)?;
                Ok(Upload {
                    id: r.get(0)?,
                    user_id: r.get(1)?,
                    name: r.get(2)?,
                    version: r.get(3)?,
                    release: serde_json::from_str(&release).unwrap_or(serde_json::Value::Null),
                    expires_at: r.get(5)?,
                    used_at: r.get(6)?,
                    key_id: r.get(7)?,
                })
            },
        )
        .optional()?)
}

/// Marks an upload used; `false` when it already was (so it is used once).
///
/// # Errors
/// SQLite errors.
pub fn mark_used(conn: &Connection, id: &str, now: i64) -> Result<bool, DbError> {
    Ok(conn.execute(
        "UPDATE uploads SET used_at = ?2 WHERE id = ?1 AND used_at IS NULL",
        params![id, now],
    )? == 1)
}

/// How many uploads `user_id` announced that are neither used nor expired at `now`, and
/// when the first of them expires.
///
/// # Errors
/// SQLite errors.
pub fn pending_uploads(
    conn: &Connection,
    user_id: i64,
    now: i64,
) -> Result<(usize, Option<i64>), DbError> {
    let (count, first): (i64, Option<i64>) = conn.query_row(
        "SELECT COUNT(*), MIN(expires_at) FROM uploads \
         WHERE user_id = ?1 AND used_at IS NULL AND expires_at >= ?2",
        params![user_id, now],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok((usize::try_from(count).unwrap_or(usize::MAX), first))
}

/// Forgets uploads that expired before `now`, used or not.
///
/// # Errors
/// SQLite errors.
pub fn purge_expired(conn: &Connection, now: i64) -> Result<usize, DbError> {
    Ok(conn.execute("DELETE FROM uploads WHERE expires_at < ?1", params![now])?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Db;

    #[test]
    fn roles_and_uploads() {
        let db = Db::open_in_memory().expect("db");
        db.with(|c| {
            c.execute("INSERT INTO users (username, email, password_hash, created_at) VALUES ('a', 'a@x', 'h', 0)", [])?;
            assert_eq!(role(c, "hello", 1)?, None);
            set_role(c, "hello", 1, Role::Maintainer, 1, None)?;
            set_role(c, "hello", 1, Role::Owner, 2, None)?;
            assert_eq!(role(c, "hello", 1)?, Some(Role::Owner));
            assert_eq!(owner_count(c, "hello")?, 1);
            assert!(remove(c, "hello", 1)?);
            assert!(!remove(c, "hello", 1)?);
            let up = Upload {
                id: "u1".into(),
                user_id: 1,
                name: "hello".into(),
                version: "1.0.0".into(),
                release: serde_json::json!({"name": "hello"}),
                expires_at: 100,
                used_at: None,
                key_id: Some("0123abcd".into()),
            };
            create_upload(c, &up, 10)?;
            assert_eq!(pending_uploads(c, 1, 50)?, (1, Some(100)));
            assert_eq!(upload(c, "u1")?, Some(up));
            assert!(mark_used(c, "u1", 20)?);
            assert!(!mark_used(c, "u1", 21)?, "used once");
            assert_eq!(purge_expired(c, 101)?, 1);
            assert_eq!(upload(c, "u1")?, None);
            Ok(())
        })
        .expect("db ops");
    }

    #[test]
    fn a_claim_replaces_roles_left_by_a_publish_that_never_landed() {
        let db = Db::open_in_memory().expect("db");
        db.with(|c| {
            for user in ["a", "b"] {
                c.execute(
                    "INSERT INTO users (username, email, password_hash, created_at) VALUES (?1, ?2, 'h', 0)",
                    params![user, format!("{user}@x")],
                )?;
            }
            claim(c, "hello", 1, 1)?;
            claim(c, "hello", 2, 2)?;
            assert_eq!(role(c, "hello", 1)?, None);
            assert_eq!(role(c, "hello", 2)?, Some(Role::Owner));
            assert_eq!(owner_count(c, "hello")?, 1);
            Ok(())
        })
        .expect("db ops");
    }
}
