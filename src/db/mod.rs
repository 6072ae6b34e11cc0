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
    /// Whether the database file is on the filesystem of the folder [`Db::synced_with`]
    /// named, so that a `syncfs` of that folder makes its commits durable.
    synced_with: bool,
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

    /// Tells the handle that whoever runs [`Db::with_synced_later`] makes `dir`'s filesystem
    /// durable (`syncfs`) before answering; `db` is the database file. Takes effect only
    /// when both are on one filesystem.
    #[must_use]
    pub fn synced_with(mut self, db: &Path, dir: &Path) -> Self {
        use std::os::unix::fs::MetadataExt as _;
        self.synced_with = match (std::fs::metadata(db), std::fs::metadata(dir)) {
            (Ok(db), Ok(dir)) => db.dev() == dir.dev(),
            _ => false,
        };
        self
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
            synced_with: false,
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

    /// [`Db::with`] for writes the caller makes durable itself: the writer thread's jobs,
    /// whose batch ends with a `syncfs` of the index's filesystem before any of them is
    /// answered ([`crate::index::IndexRepo::sync`]). Their commits skip their own `fsync`
    /// (`PRAGMA synchronous = NORMAL` for the call: SQLite's WAL stays consistent, and
    /// only a power failure before that `syncfs` could take them back); under many
    /// publishers those `fsync`s were most of the writer's waiting. Only a job that
    /// commits to the index calls it, after (or, for a claim, just before) its commit; a
    /// database on another filesystem ([`Db::synced_with`]) gets its `fsync`s as always.
    ///
    /// # Errors
    /// Whatever `f` returns, or SQLite's on switching the setting.
    pub fn with_synced_later<T>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, DbError>,
    ) -> Result<T, DbError> {
        if !self.synced_with {
            return self.with(f);
        }
        let mut conn = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
        let before: i64 = conn.pragma_query_value(None, "synchronous", |row| row.get(0))?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        let out = f(&mut conn);
        conn.pragma_update(None, "synchronous", before)?;
        out
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

    #[test]
    fn writes_synced_later_skip_their_fsync_only_beside_the_synced_folder() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("shelf.db");
        let synchronous = |c: &mut Connection| -> Result<i64, DbError> {
            Ok(c.pragma_query_value(None, "synchronous", |r| r.get(0))?)
        };
        // SQLite's default: every commit waits for its fsync (FULL, 2).
        let db = Db::open(&path)
            .expect("open")
            .synced_with(&path, dir.path());
        assert_eq!(db.with(synchronous).expect("read"), 2);
        assert_eq!(
            db.with_synced_later(synchronous).expect("read"),
            1,
            "NORMAL"
        );
        assert_eq!(db.with(synchronous).expect("read"), 2, "and back");
        // On another filesystem than the synced folder (procfs), nothing changes.
        let apart = Db::open(&path)
            .expect("open")
            .synced_with(&path, Path::new("/proc"));
        assert_eq!(apart.with_synced_later(synchronous).expect("read"), 2);
    }
}
