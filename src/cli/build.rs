//! `shelf build`: regenerate the static site from the index and blobs.

use std::time::Instant;

use super::progress::{Shown, Style};
use crate::registry::{Options, Registry};

/// Arguments of `shelf build`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Rebuild only these packages (plus the registry-wide files); default: everything.
    #[arg(long = "package", value_name = "NAME", num_args = 1..)]
    pub packages: Vec<String>,

    /// Plan every package and compare every file with the target, instead of trusting the
    /// record of the last build's inputs (`DATA/build-inputs/`) for the packages whose
    /// index files did not change. For a target that may have been changed by hand.
    #[arg(long, conflicts_with = "packages")]
    pub verify: bool,
}

/// Runs `shelf build`.
///
/// # Errors
/// Unknown packages, invalid index lines, failed writes.
pub fn run(options: &Options, args: &Args, style: Style) -> anyhow::Result<()> {
    let started = Instant::now();
    // As `serve` does on start: a killed writer's half-done work goes first (the data
    // directory's lock, taken in `cli::run`, says no other process is writing).
    let site = options.target.is_none().then(|| options.site_dir());
    for repaired in crate::registry::recover::recover(&options.data, site.as_deref())? {
        tracing::warn!("{repaired}");
    }
    let mut registry = Registry::open(options)?;
    let only = crate::serverless::ops::package_ids(&args.packages)?;
    let shown = Shown::new(style, "build");
    registry.set_progress(shown.clone());
    let stats = if args.verify {
        registry.build_verified()
    } else {
        registry.build((!only.is_empty()).then_some(only.as_slice()))
    };
    shown.finish();
    let stats = stats?;
    let untouched = if stats.untouched > 0 {
        format!(
            ", {} left alone (their inputs did not change since the last build; --verify \
             compares them too)",
            stats.untouched
        )
    } else {
        String::new()
    };
    println!(
        "Built {} in {:.2}s: {} written, {} unchanged, {} removed{untouched}",
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
    for failed in &stats.failed {
        println!("not built: {failed}");
    }
    anyhow::ensure!(
        stats.failed.is_empty(),
        "{} packages could not be built (the lines above say why); every other file is written",
        stats.failed.len()
    );
    Ok(())
}
