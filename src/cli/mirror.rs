//! `shelf mirror URL --out DIR`: copy a remote Shelf registry from its static files.

use std::path::PathBuf;

use anyhow::Context as _;

use super::progress::{Shown, Style};
use crate::mirror::{self, Http};

/// Arguments of `shelf mirror`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Base URL of the registry to copy (its static site: where `-/config.json` is).
    pub url: String,
    /// Folder the copy is written to (a dir-layout site; serve it with
    /// `shelf serve --site DIR`). Run again to bring it up to date.
    #[arg(long)]
    pub out: PathBuf,
}

/// Runs `shelf mirror` once and prints what it did:
/// `fetched N files, M zips, skipped K, removed R (at change S)`.
///
/// # Errors
/// The origin cannot be read, a zip does not match its SHA-256, or the copy cannot be
/// written; the state is then left as it was, so the next run tries again.
pub fn run(args: &Args, style: Style) -> anyhow::Result<()> {
    let origin = args.url.trim_end_matches('/');
    let shown = Shown::new(style, "mirror");
    let summary = mirror::mirror(&Http::new(origin), origin, &args.out, &*shown);
    shown.finish();
    let summary = summary
        .with_context(|| format!("mirroring {origin} into {} failed", args.out.display()))?;
    println!("{summary}");
    Ok(())
}
