//! `shelf build`: regenerate the static site from the index and blobs.

use std::time::Instant;

use crate::registry::{Options, Registry};

/// Arguments of `shelf build`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Rebuild only these packages (plus the registry-wide files); default: everything.
    #[arg(long = "package", value_name = "NAME", num_args = 1..)]
    pub packages: Vec<String>,
}

/// Runs `shelf build`.
///
/// # Errors
/// Unknown packages, invalid index lines, failed writes.
pub fn run(options: &Options, args: &Args) -> anyhow::Result<()> {
    let started = Instant::now();
    // As `serve` does on start: a killed writer's half-done work goes first (the data
    // directory's lock, taken in `cli::run`, says no other process is writing).
    for repaired in crate::registry::recover::recover(&options.data)? {
        tracing::warn!("{repaired}");
    }
    let mut registry = Registry::open(options)?;
    let only = crate::serverless::ops::package_ids(&args.packages)?;
    let stats = registry.build((!only.is_empty()).then_some(only.as_slice()))?;
    println!(
        "Built {} in {:.2}s: {} written, {} unchanged, {} removed",
        options
            .target
            .clone()
            .unwrap_or_else(|| options.site_dir().display().to_string()),
        started.elapsed().as_secs_f64(),
        stats.written.len(),
        stats.unchanged,
        stats.removed.len()
    );
    if let Some(requests) = registry.target_requests() {
        println!("Requests to the store: {requests}");
    }
    Ok(())
}
