//! `shelf serve`: the publish API and the static site on one port.

use std::{path::PathBuf, time::Duration};

use anyhow::Context as _;

use crate::{
    api::{self, App, Settings, app::Registration, app::system_clock, server},
    config::{
        DEFAULT_BODY_TIMEOUT_SECS, DEFAULT_HEADER_TIMEOUT_SECS, DEFAULT_LISTEN,
        DEFAULT_MAX_BLOB_BYTES, DEFAULT_MAX_TARBALL_BYTES, ENV_LISTEN,
    },
    registry::{Options, recover},
};

/// Arguments of `shelf serve`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to listen on (`127.0.0.1:0` picks a free port).
    #[arg(long, env = ENV_LISTEN, default_value = DEFAULT_LISTEN)]
    pub listen: String,
    /// Whether anyone may create an account with `POST /register`.
    #[arg(long, value_enum, default_value = "open")]
    pub registration: Registration,
    /// Lifetime of a login token, in days.
    #[arg(long, value_name = "DAYS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
    pub token_days: u64,
    /// How far a signed request's timestamp may be from the server's clock, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    pub signature_window: u64,
    /// How long an upload URL stays valid, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 3600, value_parser = clap::value_parser!(u64).range(1..))]
    pub upload_ttl: u64,
    /// Registrations allowed per IP per hour.
    #[arg(long, value_name = "N", default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..))]
    pub register_per_hour: u32,
    /// Login attempts allowed per username from one address per minute (an address gets
    /// four times this across usernames; a stranger's guesses never lock the account out
    /// elsewhere).
    #[arg(long, value_name = "N", default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..))]
    pub login_per_minute: u32,
    /// Publishes allowed per account per hour.
    #[arg(long, value_name = "N", default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..))]
    pub publish_per_hour: u32,
    /// Searches allowed per IP per minute.
    #[arg(long, value_name = "N", default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..))]
    pub search_per_minute: u32,
    /// Most uploads one account may have announced and not yet sent.
    #[arg(long, value_name = "N", default_value_t = 20, value_parser = super::positive_usize())]
    pub max_pending_uploads: usize,
    /// Serve this site directory as it is (a mirror, a copied site) instead of a registry:
    /// no index, no database, no API; every path answered as the registry's own server
    /// answers it.
    #[arg(long, value_name = "DIR")]
    pub site: Option<PathBuf>,
    /// Seconds a client may take to send a request's headers; also how long a keep-alive
    /// connection may sit idle between requests. Then the connection is closed.
    #[arg(
        long,
        value_name = "SECS",
        default_value_t = DEFAULT_HEADER_TIMEOUT_SECS,
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    pub header_timeout: u64,
    /// Seconds a request body may send nothing before the request fails with 408 (an
    /// upload URL stays usable), and a response may wait for the client to read it.
    #[arg(
        long,
        value_name = "SECS",
        default_value_t = DEFAULT_BODY_TIMEOUT_SECS,
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    pub body_timeout: u64,
    /// Most connections served at once; more wait to be accepted. Default: what the
    /// open-file limit (raised to its hard maximum) leaves room for, at most 4096.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_connections: Option<u32>,
    /// The URL OCI clients are sent to for a token (the realm of the challenge): the public
    /// URL of this server's `/v2/token`. Default: `{api_url}/v2/token` (the index's API
    /// URL, else its base URL).
    #[arg(long, value_name = "URL", env = crate::config::ENV_TOKEN_REALM)]
    pub token_realm: Option<String>,
    /// Collect the blob store's garbage this often, on the writer, between changes (as
    /// `shelf gc`; `15m`, `24h`). Default: never.
    #[arg(long, value_name = "DURATION", value_parser = super::gc::duration)]
    pub gc_every: Option<Duration>,
    /// The collection's grace period: unreferenced blobs stored or used less than this
    /// long ago are kept.
    #[arg(long, value_name = "DURATION", default_value = super::gc::DEFAULT_GRACE, value_parser = super::gc::duration)]
    pub gc_grace: Duration,
    /// Largest blob an OCI client may push, in bytes (8 GiB).
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_BLOB_BYTES, value_parser = clap::value_parser!(u64).range(1..))]
    pub max_blob_bytes: u64,
    /// Largest package tarball an npm publish may carry, in bytes (64 MiB).
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_TARBALL_BYTES, value_parser = clap::value_parser!(u64).range(1..))]
    pub max_tarball_bytes: u64,
}

impl Args {
    /// The server settings these flags describe.
    #[must_use]
    pub fn settings(&self) -> Settings {
        let minute = Duration::from_secs(60);
        let hour = Duration::from_secs(3600);
        let defaults = Settings::default();
        Settings {
            registration: self.registration,
            token_ttl: Duration::from_secs(self.token_days * 24 * 3600),
            signature_window: Duration::from_secs(self.signature_window),
            upload_ttl: Duration::from_secs(self.upload_ttl),
            max_pending_uploads: self.max_pending_uploads,
            rates: api::app::RateSettings {
                register: api::app::Quota {
                    count: self.register_per_hour,
                    per: hour,
                },
                login: api::app::Quota {
                    count: self.login_per_minute,
                    per: minute,
                },
                publish: api::app::Quota {
                    count: self.publish_per_hour,
                    per: hour,
                },
                search: api::app::Quota {
                    count: self.search_per_minute,
                    per: minute,
                },
            },
            header_timeout: Duration::from_secs(self.header_timeout),
            body_timeout: Duration::from_secs(self.body_timeout),
            max_connections: self.max_connections,
            token_realm: self.token_realm.clone(),
            max_blob_bytes: self.max_blob_bytes,
            max_tarball_bytes: self.max_tarball_bytes,
            ..defaults
        }
    }
}

/// Runs `shelf serve` until interrupted.
///
/// # Errors
/// The address cannot be bound, the data directory or database cannot be opened, or the
/// site cannot be built.
pub fn run(options: &Options, args: &Args) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    match &args.site {
        Some(site) => runtime.block_on(serve_site(site.clone(), args)),
        None => runtime.block_on(serve(options.clone(), args)),
    }
}

/// `--gc-every`: a collection on the writer every `every`, so that no commit comes between
/// its mark and its sweep.
async fn collect_garbage(app: std::sync::Arc<App>, every: Duration, grace: Duration) {
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticks.tick().await;
    loop {
        ticks.tick().await;
        match app
            .writer
            .run(move |registry| registry.gc(grace, false))
            .await
        {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => {
                tracing::error!(error = %crate::api::error::chain(&e), "garbage collection failed")
            }
            Err(_) => return,
        }
    }
}

/// `--site DIR`: the static files only.
async fn serve_site(site: PathBuf, args: &Args) -> anyhow::Result<()> {
    let listen = &args.listen;
    anyhow::ensure!(
        site.is_dir(),
        "{} is not a directory: --site serves a site folder",
        site.display()
    );
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    let local = listener.local_addr()?;
    println!("Shelf listening on http://{local}");
    let router = api::static_site::static_router(site);
    server::serve(
        listener,
        router,
        &args.settings(),
        server::shutdown_signal(),
    )
    .await;
    Ok(())
}

async fn serve(mut options: Options, args: &Args) -> anyhow::Result<()> {
    // Bind first: with port 0 the base URL of a new registry comes from the real port.
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    let local = listener.local_addr()?;
    let new_index = !options.data.join("index").join(".git").exists();
    if options.base_url.is_none() && new_index {
        options.base_url = Some(format!("http://{local}"));
    }
    let settings = args.settings();
    // A server killed mid-write left its half-done work; the data directory's lock (taken in
    // `cli::run`) says no other process is writing. Opening then builds the site (a no-op
    // when it is current; the packages a killed server was writing are seen as changed).
    let site = options.target.is_none().then(|| options.site_dir());
    let app = tokio::task::spawn_blocking(move || {
        for repaired in recover::recover(&options.data, site.as_deref())? {
            tracing::warn!("{repaired}");
        }
        App::open(&options, settings, system_clock())
    })
    .await??;
    let settings = app.settings.clone();
    if let Some(every) = args.gc_every {
        tokio::spawn(collect_garbage(app.clone(), every, args.gc_grace));
    }
    let writer = app.writer.clone();
    println!("Shelf listening on http://{local}");
    server::serve(
        listener,
        api::router(app),
        &settings,
        server::shutdown_signal(),
    )
    .await;
    // Stopped by a signal: the files the writer derives after its answers are written
    // before the process ends (a killed server leaves them to its next start's build).
    match writer.settle().await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => tracing::error!("writing the derived files before stopping: {e}"),
        Err(e) => tracing::error!("writing the derived files before stopping: {e}"),
    }
    Ok(())
}
