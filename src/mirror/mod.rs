//! `shelf mirror`: a local copy of a remote Shelf registry, made from its static files alone.
//!
//! The copy starts from `-/config.json` (where everything is), `-/search.json` (every
//! package) and `-/changes.json` (the change feed, [`crate::history::feed`]), then reads each
//! package's `{name}/index.json` and every document and zip it names ([`plan`]), and each
//! npm package's packument (`npm/{name}`), its tarballs, dist-tags and page. Every zip is
//! checked against the SHA-256 its documents give, every tarball against its packument's
//! `integrity`, before it is written. A later run reads the feed from the last change it
//! copied and fetches only the packages changed since (the feed names a package without its
//! protocol, so a changed name is looked for as both), asking the origin whether each
//! document changed (`If-None-Match`); zips, tarballs, full feed pages and git packs never
//! change, so one already copied is never fetched again ([`sync`]).
//!
//! The copy is a dir-layout site, byte for byte the origin's: absolute URLs in it
//! (`zipball_url`, `base_url`) still name the origin. `shelf serve --site DIR` serves it.
//! The origin is read through the [`fetch::Fetch`] trait: HTTP for real, memory in tests.
//! This module writes only inside the output folder, including its state file
//! ([`sync::STATE_FILE`]).

pub mod fetch;
pub mod plan;
pub mod sync;

pub use fetch::{Fetch, Http};
pub use sync::{MirrorError, STATE_FILE, Summary, mirror};

#[cfg(test)]
mod tests;
