//! The server's SQLite database: accounts, tokens, API keys, pending uploads, maintainers,
//! ratings and the audit log. Package metadata never lives here (the git index owns it).
//!
//! One connection behind a mutex: SQLite has one writer anyway, every statement here is
//! small, and async callers go through [`Db::run`], which moves the work off the runtime.
//! Schema changes are the numbered files in `migrations/`, applied in order and tracked in
//! SQLite's `user_version`.

pub mod packages;
pub mod ratings;

pub mod audit;
pub mod keys;
pub mod tokens;
pub mod users;

use std::{
    path::Path,
    sync::{Arc, Mutex, PoisonError},
};

use rusqlite::Connection;

/// The migrations, in order; the database's `user_version` is how many have been applied.
const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/0001_init.sql"),
    include_str!("../../migrations/0002_upload_credentials.sql"),
];

/// Why a database call failed.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("database error")]
    Sqlite(#[from] rusqlite::Error),
    #[error("the database was written by a newer Shelf (schema {found}, this one knows {known})")]
    TooNew { found: usize, known: usize },
    #[error("database task failed")]
    Task(#[from] tokio::task::JoinError),
}

/// A handle to the database; clones share the connection.
#[derive(Clone)]
pub struct Db {
    conn: Arc<Mutex<Connection>>,
}

impl Db {
    /// Opens (creating if needed) the database at `path` and applies pending migrations.
    ///
    /// # Errors
    /// SQLite errors, or a database newer than this binary.
    pub fn open(path: &Path) -> Result<Self, DbError> {
        let conn = Connection::open(path)?;
        // WAL lets readers (a second `shelf` command) run while the server writes.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        Self::setup(conn)
    }

    /// An in-memory database (tests).
    ///
    /// # Errors
    /// SQLite errors.
    pub fn open_in_memory() -> Result<Self, DbError> {
        Self::setup(Connection::open_in_memory()?)
    }

    fn setup(mut conn: Connection) -> Result<Self, DbError> {
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        let applied: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
        let applied = usize::try_from(applied).unwrap_or(usize::MAX);
        if applied > MIGRATIONS.len() {
            return Err(DbError::TooNew {
                found: applied,
                known: MIGRATIONS.len(),
            });
        }
        for (number, sql) in MIGRATIONS.iter().enumerate().skip(applied) {
            let tx = conn.transaction()?;
            tx.execute_batch(sql)?;
            tx.pragma_update(
                None,
                "user_version",
                i64::try_from(number + 1).unwrap_or(i64::MAX),
            )?;
            tx.commit()?;
        }
        Ok(Db {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// Runs `f` with the connection, on the calling thread.
    ///
    /// # Errors
    /// Whatever `f` returns.
    pub fn with<T>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, DbError>,
    ) -> Result<T, DbError> {
        let mut conn = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
        f(&mut conn)
    }

    /// Runs `f` with the connection on a blocking thread, for async callers.
    ///
    /// # Errors
    /// Whatever `f` returns, or [`DbError::Task`] if it panicked.
    pub async fn run<T, F>(&self, f: F) -> Result<T, DbError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, DbError> + Send + 'static,
    {
        let db = self.clone();
        tokio::task::spawn_blocking(move || db.with(f)).await?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_apply_once_and_newer_schemas_are_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("shelf.db");
        Db::open(&path).expect("create");
        let db = Db::open(&path).expect("reopen applies nothing twice");
        let version: i64 = db
            .with(|c| Ok(c.pragma_query_value(None, "user_version", |r| r.get(0))?))
            .expect("version");
        assert_eq!(usize::try_from(version).expect("small"), MIGRATIONS.len());
        db.with(|c| Ok(c.pragma_update(None, "user_version", 99)?))
            .expect("bump");
        assert!(matches!(
            Db::open(&path),
            Err(DbError::TooNew { found: 99, .. })
        ));
    }
}
