//! `shelf serve`: serve the registry over HTTP.

use std::sync::Arc;

use anyhow::Context as _;

use crate::{
    api::{self, AppState},
    config::{DEFAULT_LISTEN, ENV_LISTEN},
    registry::{Options, Registry},
};

/// Arguments of `shelf serve`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to listen on (`127.0.0.1:0` picks a free port).
    #[arg(long, env = ENV_LISTEN, default_value = DEFAULT_LISTEN)]
    pub listen: String,
}

/// Runs `shelf serve` until interrupted.
///
/// # Errors
/// The address cannot be bound, the data directory cannot be opened, or the site cannot be
/// built.
pub fn run(options: &Options, args: &Args) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(serve(options.clone(), args))
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
    let site = options.site_dir();
    let opened = options.clone();
    // A full build on start writes nothing when the site is current, and repairs it when
    // it is not (an interrupted write, a hand edit, a changed template).
    let stats = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
        let mut registry = Registry::open(&opened)?;
        Ok(registry.build(None)?)
    })
    .await??;
    tracing::info!(
        written = stats.written.len(),
        removed = stats.removed.len(),
        "site is current"
    );
    let app = api::router(Arc::new(AppState { site }));
    println!("Shelf listening on http://{local}");
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .context("the server failed")
}
