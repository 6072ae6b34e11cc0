//! The state every handler shares, and the server's settings.

use std::{path::PathBuf, sync::Arc, time::Duration};

use time::OffsetDateTime;

use super::limits::RateLimits;
pub use super::limits::{Quota, RateSettings};
use crate::{
    auth::signature::NonceCache,
    blob::BlobStore,
    config::{
        DEFAULT_BODY_TIMEOUT_SECS, DEFAULT_HEADER_TIMEOUT_SECS, DEFAULT_MAX_BLOB_BYTES,
        DEFAULT_MAX_TARBALL_BYTES,
    },
    db::Db,
    index::IndexConfig,
    registry::{Catalog, Options, Registry, worker::WriterHandle},
    serverless::package::archive::Limits,
};

/// How many password hashes may run at once. Each Argon2 hash holds 19 MiB for tens of
/// milliseconds; without a bound, a flood of logins from many addresses would hold that
/// much per blocking thread (hundreds of them).
pub const MAX_CONCURRENT_HASHES: usize = 16;

/// Whether anyone may create an account over the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Registration {
    /// `POST /register` is open to everyone.
    #[default]
    Open,
    /// Accounts are made by `shelf user add` only; `POST /register` answers 403.
    Closed,
}

/// The server's settings (everything else comes from the registry's options).
#[derive(Debug, Clone)]
pub struct Settings {
    /// Open or closed registration.
    pub registration: Registration,
    /// Lifetime of a login token (default 30 days).
    pub token_ttl: Duration,
    /// How far a signed request's timestamp may be from the server's clock, and how long its
    /// nonce is remembered (default 10 s).
    pub signature_window: Duration,
    /// How long an upload URL from `POST /releases` stays valid (default 1 hour).
    pub upload_ttl: Duration,
    /// Largest JSON request body (default 1 MiB); zips have their own limit.
    pub max_json_bytes: usize,
    /// Most nonces of verified signed requests remembered at once (one key holds at most a
    /// tenth); past it, that key's signed requests are refused with 503 until old ones
    /// expire, because forgetting an unexpired nonce would allow a replay.
    pub nonce_capacity: usize,
    /// Most uploads one account may have announced (`POST /releases`) and not yet sent;
    /// past it, 429 until one is sent or expires (default 20, the default hourly publish
    /// quota). Each keeps at most the capped release text, so this bounds what an account
    /// can make the database hold.
    pub max_pending_uploads: usize,
    /// Request quotas.
    pub rates: RateSettings,
    /// How long a client may take to send a request's headers, counted from when the
    /// server starts waiting for them, so also how long a keep-alive connection may sit
    /// idle between requests (default 10 s). Then the connection is closed.
    pub header_timeout: Duration,
    /// How long a request body may go without a byte arriving while a handler waits for
    /// it (the request then fails with 408), and how long a response may wait for the
    /// client to take a byte (the connection is then closed). Default 30 s.
    pub body_timeout: Duration,
    /// Most connections served at once; `None` derives it from the open-file limit (see
    /// [`super::server::connections_for`]).
    pub max_connections: Option<u32>,
    /// Where OCI clients get tokens (the challenge's realm); `None` for
    /// `{api_url}/v2/token`.
    pub token_realm: Option<String>,
    /// The largest blob a protocol's blob upload takes (OCI), in bytes (default 8 GiB).
    pub max_blob_bytes: u64,
    /// The largest package tarball a publish document may carry (npm), in bytes (default
    /// 64 MiB).
    pub max_tarball_bytes: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            registration: Registration::Open,
            token_ttl: Duration::from_secs(30 * 24 * 3600),
            signature_window: Duration::from_secs(10),
            upload_ttl: Duration::from_secs(3600),
            max_json_bytes: 1 << 20,
            nonce_capacity: 100_000,
            max_pending_uploads: 20,
            rates: RateSettings::default(),
            header_timeout: Duration::from_secs(DEFAULT_HEADER_TIMEOUT_SECS),
            body_timeout: Duration::from_secs(DEFAULT_BODY_TIMEOUT_SECS),
            max_connections: None,
            token_realm: None,
            max_blob_bytes: DEFAULT_MAX_BLOB_BYTES,
            max_tarball_bytes: DEFAULT_MAX_TARBALL_BYTES,
        }
    }
}

/// Where the current time comes from: the system clock, or a test's.
pub type Clock = Arc<dyn Fn() -> OffsetDateTime + Send + Sync>;

/// What every handler shares (behind an `Arc`).
pub struct App {
    /// Server settings.
    pub settings: Settings,
    /// Accounts, tokens, keys, uploads, maintainers, audit log.
    pub db: Db,
    /// The one writer of the index and the site.
    pub writer: WriterHandle,
    /// Every package's summary, kept current by the writer; `/search` reads it.
    pub catalog: Catalog,
    /// Nonces of signed requests seen within the window.
    pub nonces: Arc<NonceCache>,
    /// Rate limiters.
    pub limits: RateLimits,
    /// The generated site (dir layout), served for every GET no route takes; `None` when
    /// the site is written to a remote target (`--target s3://…`), which serves the reads.
    pub site: Option<PathBuf>,
    /// The index's settings: base URL, zipball URL template, API URL.
    pub config: IndexConfig,
    /// The index's working tree, for a first look at a package's record from outside the
    /// writer (which looks again before it commits).
    pub index_root: PathBuf,
    /// The blob store, where uploads are staged while they stream in (outside the writer,
    /// so a slow upload holds up no one).
    pub blobs: BlobStore,
    /// Limits on incoming zips.
    pub zip_limits: Limits,
    /// Slots for password hashing ([`MAX_CONCURRENT_HASHES`]): each Argon2
    /// hash holds 19 MiB, so a flood of logins must queue rather than exhaust memory.
    pub password_hashing: Arc<tokio::sync::Semaphore>,
    /// The clock.
    pub clock: Clock,
    /// The site's small files kept in memory while the writer changes nothing.
    pub files: super::files::FileCache,
    /// The server's secret (`DATA/secret`, made once): the key of credentials the server
    /// signs itself (OCI's bearer tokens).
    pub secret: Vec<u8>,
    /// Passwords verified a moment ago ([`crate::auth::password::Verified`]).
    pub verified: crate::auth::password::Verified,
}

/// The server's secret at `path`, made (32 random bytes, readable by the owner only) when
/// there is none.
///
/// # Errors
/// I/O errors, or a file that is not 32 bytes.
pub fn server_secret(path: &std::path::Path) -> anyhow::Result<Vec<u8>> {
    use std::{io::Write as _, os::unix::fs::PermissionsExt as _};
    match std::fs::read(path) {
        Ok(bytes) if bytes.len() == SECRET_LEN => return Ok(bytes),
        Ok(bytes) => anyhow::bail!(
            "{} holds {} bytes, not the {SECRET_LEN} of a server secret; remove it to make a new one",
            path.display(),
            bytes.len()
        ),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e.into()),
    }
    let mut secret = vec![0u8; SECRET_LEN];
    getrandom::fill(&mut secret).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    let dir = path.parent().unwrap_or(std::path::Path::new("."));
    let mut file = tempfile::NamedTempFile::new_in(dir)?;
    file.as_file()
        .set_permissions(std::fs::Permissions::from_mode(0o600))?;
    file.write_all(&secret)?;
    file.as_file().sync_all()?;
    match file.persist_noclobber(path) {
        Ok(_) => {}
        // Another process made it first: that file is the secret.
        Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(e.error.into()),
    }
    Ok(std::fs::read(path)?)
}

/// The size of the server's secret.
const SECRET_LEN: usize = 32;

/// The system clock.
#[must_use]
pub fn system_clock() -> Clock {
    Arc::new(crate::clock::now)
}

impl App {
    /// Opens everything the server needs: the registry (whose site is first brought up to
    /// date: the packages whose index files changed since the last build, see
    /// [`crate::registry::inputs`]), the database at `DATA/shelf.db`, and the writer thread.
    ///
    /// # Errors
    /// The registry or database cannot be opened, or the site cannot be built.
    pub fn open(options: &Options, settings: Settings, clock: Clock) -> anyhow::Result<Arc<App>> {
        let mut registry = Registry::open(options)?;
        // The history's files wait for the writer: the server listens first.
        registry.build_at_start()?;
        let catalog = registry.catalog()?;
        let config = registry.config()?;
        let blobs = registry.blobs().clone();
        let index_root = registry.index().root().to_owned();
        let db_file = options.data.join("shelf.db");
        // The writer's batch `syncfs`s the index's filesystem before its answers, which
        // covers the database's commits made in its jobs too when it lives there.
        let db = Db::open(&db_file)?.synced_with(&db_file, &index_root);
        let writer = WriterHandle::spawn(registry)?;
        Ok(Arc::new(App {
            nonces: NonceCache::new(settings.nonce_capacity),
            limits: RateLimits::new(&settings.rates),
            settings,
            db,
            writer,
            catalog,
            site: options.target.is_none().then(|| options.site_dir()),
            config,
            index_root,
            blobs,
            zip_limits: options.limits.clone(),
            password_hashing: Arc::new(tokio::sync::Semaphore::new(MAX_CONCURRENT_HASHES)),
            clock,
            secret: server_secret(&options.data.join("secret"))?,
            verified: crate::auth::password::Verified::default(),
            files: super::files::FileCache::default(),
        }))
    }

    /// The current time.
    #[must_use]
    pub fn now(&self) -> OffsetDateTime {
        (self.clock)()
    }

    /// Records a change in the audit log from the writer, before its answer (the batch's
    /// `syncfs` makes it durable with the commit); the entry goes again if the writer then
    /// refuses the change ([`Registry::on_refused`]).
    ///
    /// # Errors
    /// The database's.
    #[allow(clippy::too_many_arguments)]
    pub fn audit_change(
        self: &Arc<Self>,
        registry: &mut Registry,
        at: i64,
        user: &crate::db::users::User,
        action: &str,
        target: &str,
        details: &serde_json::Value,
        ip: &str,
    ) -> Result<(), crate::db::DbError> {
        use crate::db::audit;
        let id = self
            .db
            .with_synced_later(|c| audit::record(c, at, Some(user), action, target, details, ip))?;
        let app = self.clone();
        registry.on_refused(move || {
            if let Err(e) = app.db.with(|c| audit::forget(c, id)) {
                tracing::error!("removing the audit entry of a refused change: {e}");
            }
        });
        Ok(())
    }
}
