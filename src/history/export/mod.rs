//! The index as a repository a static host can serve to `git clone` (`-/index.git/`).
//!
//! Git's "dumb" HTTP protocol needs no git server: a client reads `HEAD`, `info/refs` and
//! `objects/info/packs`, then downloads the `.idx` of every pack it lacks and the packs that
//! hold the objects it needs. So a copy of the index made of those files, put on nginx, S3
//! or GitHub Pages next to the rest of the site, is cloneable and pullable.
//!
//! The packs live in a bare mirror, `DATA/index-export/mirror.git`, whose branches record
//! what has been exported. After each commit, [`files`] writes one small pack holding only
//! the objects the new commits added (found by comparing each new commit's tree with its
//! parent's, never by walking the whole tree), so a publish costs the same whatever the size
//! of the registry; when there are more than [`MAX_PACKS`] packs the small ones are merged
//! (a geometric roll-up, [`packing::rollup`]). The first export is one pack of everything,
//! which depends only on the index, unless the index adopted packs of its history
//! ([`crate::index::packs`]; the registry has it adopt the mirror's): a first export into an
//! empty data folder then starts from those, and packs only the commits since
//! ([`exported`] is what the registry hands the index). Nothing needs a `git` binary (an S3-only deployment
//! has none): the packs Shelf plans (a publish's, the full one) are written by [`pack`],
//! each object whole or as a delta against the same path's object in the parent commit,
//! so no delta search runs and a full export is linear in the history's bytes (the full
//! one planned and written in the same pass over the history, [`walk`]); merges of
//! small packs copy their entries as they are ([`pack::concatenate`]), and only packs that
//! hold one object twice are merged by libgit2, single-threaded. Either way the same
//! objects give the same bytes.
//!
//! The pack files reach the site as blobs through hard links named by their SHA-256
//! (`DATA/index-export/blobs/`), so every target recognises an unchanged pack without
//! uploading or copying it again. They land before the files that name them (the list of
//! packs, the refs, `HEAD`: [`crate::history::ScopedFiles::pointers`]), so a client never
//! reads a ref whose objects are not there yet, and a merged pack's parts go only after.
//!
//! This module reads the index repository and owns `DATA/index-export/`; it never writes
//! the index, and the site files it returns go through the registry's one writer.

mod files;
mod mirror;
pub mod pack;
mod packing;
mod server_info;
mod walk;

pub use files::{Exported, MAX_PACKS, exported, files};
pub use mirror::EXPORT_DIR;

#[cfg(test)]
mod tests;
