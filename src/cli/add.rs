//! `shelf add ZIP`: check a zip and publish it from the command line.

use std::{fs::File, path::PathBuf};

use anyhow::Context as _;

use crate::{
    clock,
    registry::{Options, Registry},
};

/// Arguments of `shelf add`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The package zip.
    pub zip: PathBuf,
    /// A file whose text becomes the release notes.
    #[arg(long)]
    pub notes: Option<PathBuf>,
    /// Account name recorded as the publisher (default: $SHELF_PUBLISHER, else $USER).
    #[arg(long)]
    pub publisher: Option<String>,
}

/// Runs `shelf add`.
///
/// # Errors
/// An unreadable file, a refused zip, or a failed write.
pub fn run(options: &Options, args: &Args) -> anyhow::Result<()> {
    let notes = match &args.notes {
        Some(path) => std::fs::read_to_string(path)
            .with_context(|| format!("cannot read release notes {}", path.display()))?,
        None => String::new(),
    };
    let zip =
        File::open(&args.zip).with_context(|| format!("cannot open {}", args.zip.display()))?;
    let mut registry = Registry::open(options)?;
    let publisher = super::local_publisher(args.publisher.as_deref());
    let published = registry
        .add(zip, &notes, &publisher, clock::now())
        .with_context(|| format!("{} was not added", args.zip.display()))?;
    println!(
        "Published {}@{} ({} bytes, sha256 {})",
        published.name, published.version, published.size, published.sha256
    );
    println!("  release: {}", published.release_url);
    println!("  zipball: {}", published.zipball_url);
    println!("  page:    {}", published.page_url);
    println!(
        "  files:   {} written, {} removed",
        published.stats.written.len(),
        published.stats.removed.len()
    );
    if let Some(requests) = registry.target_requests() {
        println!("  store:   {requests}");
    }
    Ok(())
}
