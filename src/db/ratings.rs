//! Ratings of packages by accounts: one 1–5 rating (and comment) per account and package.
//! Community data about a package, not package metadata: the index never holds it.

use rusqlite::{Connection, params};

use super::DbError;

/// A package's ratings in sum.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Summary {
    /// How many accounts rated it.
    pub count: i64,
    /// Their mean rating, `None` when nobody rated it.
    pub average: Option<f64>,
}

/// Sets (or replaces) the account's rating of the package.
///
/// # Errors
/// SQLite errors.
pub fn set(
    conn: &Connection,
    package: &str,
    user_id: i64,
    rating: u8,
    comment: &str,
    now: i64,
) -> Result<(), DbError> {
    conn.execute(
        "INSERT INTO ratings (package, user_id, rating, comment, created_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (package, user_id) DO UPDATE SET rating = excluded.rating, comment = excluded.comment, created_at = excluded.created_at",
        params![package, user_id, rating, comment, now],
    )?;
    Ok(())
}

/// Removes the account's rating; `false` when there was none.
///
/// # Errors
/// SQLite errors.
pub fn remove(conn: &Connection, package: &str, user_id: i64) -> Result<bool, DbError> {
    Ok(conn.execute(
        "DELETE FROM ratings WHERE package = ?1 AND user_id = ?2",
        params![package, user_id],
    )? > 0)
}

/// The package's ratings in sum.
///
/// # Errors
/// SQLite errors.
pub fn summary(conn: &Connection, package: &str) -> Result<Summary, DbError> {
    Ok(conn.query_row(
        "SELECT COUNT(*), AVG(rating) FROM ratings WHERE package = ?1",
        params![package],
        |r| {
            Ok(Summary {
                count: r.get(0)?,
                average: r.get(1)?,
            })
        },
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Db;

    #[test]
    fn one_rating_per_account() {
        let db = Db::open_in_memory().expect("db");
        db.with(|c| {
            c.execute("INSERT INTO users (username, email, password_hash, created_at) VALUES ('a', 'a@x', 'h', 0), ('b', 'b@x', 'h', 0)", [])?;
            assert_eq!(summary(c, "hello")?, Summary { count: 0, average: None });
            set(c, "hello", 1, 2, "", 1)?;
            set(c, "hello", 1, 4, "better", 2)?;
            set(c, "hello", 2, 5, "", 3)?;
            assert_eq!(summary(c, "hello")?, Summary { count: 2, average: Some(4.5) });
            assert!(remove(c, "hello", 1)?);
            assert!(!remove(c, "hello", 1)?);
            assert!(c.execute("INSERT INTO ratings (package, user_id, rating, created_at) VALUES ('x', 1, 6, 0)", []).is_err(), "1 to 5 only");
            Ok(())
        })
        .expect("db ops");
    }
}
