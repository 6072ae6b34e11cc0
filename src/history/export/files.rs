//! Bringing the mirror up to date with the index, and listing the files of `-/index.git/`.

use std::path::Path;

use git2::{Oid, Repository};

use super::{
    mirror::{self, Mirror},
    pack, packing,
    server_info::{self, Head},
    walk,
};
use crate::{
    history::ScopedFiles,
    index::IndexError,
    output::{Content, OutFile},
    progress::{Progress, Silent},
};

/// The logical folder of the exported repository in the site.
const PREFIX: &str = "-/index.git/";

/// Past this many packs, the smaller ones are merged ([`packing::rollup`]). The limit
/// weighs a first clone (a client fetches the `.idx` of every pack, about 1 KiB for each
/// small one) against a pull (a pull downloads whole packs, so a small pack left alone is
/// all a client that pulls after each publish ever fetches, while a merged one is fetched
/// again whole). At 20, a merge runs at most once every 20 publishes.
pub const MAX_PACKS: usize = 20;

/// Updates the exported copy of the index (`DATA/index-export/`) and returns every file of
/// `-/index.git/`: `HEAD`, `info/refs`, `objects/info/packs` and the packs.
///
/// The first export writes one pack of everything, which depends only on the index: the
/// same index exported afresh (with `DATA/index-export/` removed) gives the same files.
/// After that, a commit adds one pack with the objects it added, and the published packs
/// are never rewritten except by a merge past [`MAX_PACKS`]. A full build (`full`) exports
/// like a commit does, so a build with nothing new writes nothing (and a restart does not
/// make every client download a fresh pack); only a mirror past the limit, which the
/// publish path never leaves (an interrupted merge, an older Shelf), is repacked whole.
///
/// # Errors
/// Git and I/O errors.
pub fn files(
    index_root: &Path,
    data: &Path,
    full: bool,
    progress: &dyn Progress,
) -> Result<ScopedFiles, IndexError> {
    export(index_root, data, full, progress)
}

pub(super) fn export(
    index_root: &Path,
    data: &Path,
    full: bool,
    progress: &dyn Progress,
) -> Result<ScopedFiles, IndexError> {
    let source = Repository::open(index_root)?;
    let (mirror, mirror_repo) = Mirror::open(data)?;
    let heads = mirror::branches(&source)?;
    let new_tips = tips(&heads);
    let mut packs = mirror.packs()?;
    // The mirror's branches say what its packs cover; with no pack they cover nothing,
    // unless the index adopted packs of its history: a first export starts from those.
    let exported = if !packs.is_empty() {
        mirror::branches(&mirror_repo)?
    } else if let Some(seeded) = seed(&source, &mirror, &mirror_repo)? {
        packs = mirror.packs()?;
        seeded
    } else {
        Vec::new()
    };
    let changed = exported != heads;

    if packs.is_empty() || (full && packs.len() > MAX_PACKS) {
        replace_all(&source, &mirror, &packs, &new_tips, progress)?;
    } else if changed {
        let plan = packing::plan_new(&source, &new_tips, &tips(&exported), &Silent)?;
        let staged = mirror.staging()?;
        if let Some(name) = pack::write(&source.odb()?, &plan, staged.path(), &Silent)? {
            mirror.install(staged.path(), &name)?;
            tracing::debug!(
                pack = %name,
                objects = plan.len(),
                "exported the index's new objects"
            );
        }
        packs = mirror.packs()?;
        if packs.len() > MAX_PACKS {
            merge_small(&mirror, &packs)?;
        }
    }
    if changed || full {
        mirror::set_branches(&mirror_repo, &heads)?;
    }
    let head = match source.find_reference("HEAD")?.symbolic_target()? {
        Some(branch) => {
            // Best effort: the mirror's own HEAD only matters to someone cloning it directly.
            if mirror_repo.set_head(branch).is_err() {
                tracing::debug!(branch, "the export mirror has no such branch for HEAD");
            }
            Head::Branch(branch.to_owned())
        }
        None => Head::Detached(source.head()?.peel_to_commit()?.id()),
    };
    site_files(&mirror, &head, &heads)
}

/// Brings the packs the index adopted ([`crate::index::packs`]) into an empty mirror,
/// with the branches they cover; `None` (the mirror untouched) when the index adopted none,
/// or when a commit they cover is no longer in the index (its history was rewritten).
fn seed(
    source: &Repository,
    mirror: &Mirror,
    mirror_repo: &Repository,
) -> Result<Option<Vec<(String, Oid)>>, IndexError> {
    let Some(adopted) = crate::index::packs::adopted(source.path()) else {
        return Ok(None);
    };
    let Some(branches) = adopted.branch_ids() else {
        return Ok(None);
    };
    if branches
        .iter()
        .any(|(_, id)| source.find_commit(*id).is_err())
    {
        return Ok(None);
    }
    let from = crate::index::packs::pack_dir(source.path());
    for name in &adopted.packs {
        mirror.adopt(&from, name)?;
    }
    mirror::set_branches(mirror_repo, &branches)?;
    tracing::info!(
        packs = adopted.packs.len(),
        "the export starts from the packs the index adopted"
    );
    Ok(Some(branches))
}

/// The mirror's packs (each with the folder holding it) and the branches they cover, for
/// the index to adopt ([`crate::index::IndexRepo::adopt_packs`]); `None` before a first
/// export.
///
/// # Errors
/// Git and I/O errors.
pub fn exported(data: &Path) -> Result<Option<Exported>, IndexError> {
    if !data.join(mirror::EXPORT_DIR).join("mirror.git").exists() {
        return Ok(None);
    }
    let (mirror, repo) = Mirror::open(data)?;
    let packs = mirror.packs()?;
    if packs.is_empty() {
        return Ok(None);
    }
    let dir = mirror.pack_dir();
    Ok(Some(Exported {
        packs: packs.into_iter().map(|name| (name, dir.clone())).collect(),
        branches: mirror::branches(&repo)?,
    }))
}

/// What [`exported`] finds.
pub struct Exported {
    /// Base names of the packs, each with its folder.
    pub packs: Vec<(String, std::path::PathBuf)>,
    /// The branches the packs cover, with their commits.
    pub branches: Vec<(String, Oid)>,
}

/// Writes the full pack of `tips` and removes every other pack.
fn replace_all(
    source: &Repository,
    mirror: &Mirror,
    old: &[String],
    tips: &[Oid],
    progress: &dyn Progress,
) -> Result<(), IndexError> {
    // libgit2 keeps the commits and trees it parses in a process-wide cache (256 MiB by
    // its count, 650 MiB of resident memory at 100,000 commits): a full export parses each
    // once, so the cache only held memory. Off while it runs; nothing else reads git
    // meanwhile (the writer thread runs this, or a build while it renders packages, which
    // reads the index's files, not its objects).
    git2::opts::enable_caching(false);
    // Nor does it hash every object it reads to check its name (SHA-1 with collision
    // detection, a tenth of the export's time): the objects are the index's own, which
    // git reads without checking too, and the pack written has its own checksums.
    git2::opts::strict_hash_verification(false);
    progress.stage("exporting the index", "commits", None);
    let written = mirror
        .staging()
        .map_err(IndexError::from)
        .and_then(|staged| {
            let name = walk::write_full(source, tips, staged.path(), progress)?;
            Ok((staged, name))
        });
    git2::opts::enable_caching(true);
    git2::opts::strict_hash_verification(true);
    let (staged, written) = written?;
    let Some((name, objects)) = written else {
        return Ok(());
    };
    mirror.install(staged.path(), &name)?;
    for stale in old.iter().filter(|p| **p != name) {
        mirror.remove(stale)?;
    }
    tracing::info!(
        pack = %name,
        objects,
        replaced = old.len(),
        "exported the index as one pack"
    );
    Ok(())
}

/// Merges the packs [`packing::rollup`] picks into one (objects read from the mirror).
fn merge_small(mirror: &Mirror, packs: &[String]) -> Result<(), IndexError> {
    let mut weighed = Vec::with_capacity(packs.len());
    for name in packs {
        weighed.push((
            u64::from(packing::idx_object_count(&mirror.idx(name))?),
            name.clone(),
        ));
    }
    // Name breaks ties, so the choice depends only on the packs.
    weighed.sort();
    let weights: Vec<u64> = weighed.iter().map(|(w, _)| *w).collect();
    // Past the limit something is merged even if the packs happen to form a progression.
    let count = packing::rollup(&weights).max(packs.len() + 1 - MAX_PACKS);
    let mut chosen: Vec<&String> = weighed.iter().take(count).map(|(_, n)| n).collect();
    chosen.sort();

    // Copied entry by entry when no object is in two of them (the usual case): no delta
    // search, no compression.
    let mut packs = Vec::with_capacity(chosen.len());
    for name in &chosen {
        let entries = packing::idx_entries(&mirror.idx(name))?;
        packs.push((mirror.pack_dir().join(format!("{name}.pack")), entries));
    }
    let staged = mirror.staging()?;
    if let Some(merged) = pack::concatenate(&packs, staged.path())? {
        mirror.install(staged.path(), &merged)?;
        for name in chosen.into_iter().filter(|n| **n != merged) {
            mirror.remove(name)?;
        }
        tracing::debug!(pack = %merged, merged = count, "merged small packs of the exported index");
        return Ok(());
    }
    drop(staged);
    // A fresh handle: the mirror repository opened earlier has not seen the newest pack.
    let repo = mirror.reopen()?;
    let mut builder = repo.packbuilder()?;
    for name in &chosen {
        for id in packing::idx_object_ids(&mirror.idx(name))? {
            builder.insert_object(id, None)?;
        }
    }
    let staged = mirror.staging()?;
    let Some(merged) = packing::write(&mut builder, staged.path())? else {
        return Ok(());
    };
    mirror.install(staged.path(), &merged)?;
    for name in chosen.into_iter().filter(|n| **n != merged) {
        mirror.remove(name)?;
    }
    tracing::info!(
        pack = %merged,
        merged = count,
        objects = builder.object_count(),
        "merged small packs of the exported index"
    );
    Ok(())
}

/// Every file of `-/index.git/`.
fn site_files(
    mirror: &Mirror,
    head: &Head,
    heads: &[(String, Oid)],
) -> Result<ScopedFiles, IndexError> {
    let packs = mirror.packs()?;
    let mut pack_files = Vec::with_capacity(packs.len() * 2);
    let mut paths = Vec::with_capacity(packs.len() * 2);
    for name in &packs {
        for ext in ["pack", "idx"] {
            let file = format!("{name}.{ext}");
            paths.push(mirror.pack_dir().join(&file));
            pack_files.push(format!("{PREFIX}objects/pack/{file}"));
        }
    }
    let links = mirror.blob_links(&paths)?;
    let files = pack_files
        .into_iter()
        .zip(links)
        .map(|(path, link)| OutFile {
            path,
            content: Content::Blob(link),
        })
        .collect();
    // The packs land first, then the list of them, then the refs whose objects they hold,
    // last of all (so a reader that sees a ref finds everything else written).
    let pointers = vec![
        OutFile {
            path: format!("{PREFIX}objects/info/packs"),
            content: Content::Bytes(server_info::info_packs(&packs)),
        },
        OutFile {
            path: format!("{PREFIX}HEAD"),
            content: Content::Bytes(server_info::head(head)),
        },
        OutFile {
            path: format!("{PREFIX}info/refs"),
            content: Content::Bytes(server_info::info_refs(heads)),
        },
    ];
    Ok(ScopedFiles {
        scope: vec![PREFIX.to_owned()],
        files,
        pointers,
        after: Vec::new(),
    })
}

/// The distinct commits of `refs`, sorted.
fn tips(refs: &[(String, Oid)]) -> Vec<Oid> {
    let mut ids: Vec<Oid> = refs.iter().map(|(_, id)| *id).collect();
    ids.sort();
    ids.dedup();
    ids
}
