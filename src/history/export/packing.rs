//! Which objects a pack holds: the small pack of a publish and the full pack of a rebuild
//! (planned here, each object with its delta base, and written by [`super::pack`]), and the
//! merge of small packs that keeps their number down ([`rollup`]; copied by
//! [`super::pack::concatenate`], or written by libgit2 when an object is in two packs).

use std::{
    collections::HashSet,
    fs::File,
    io::{self, Read},
    path::Path,
};

use git2::{ObjectType, Oid, PackBuilder, Repository, Sort, Tree};

use super::pack::{IdxEntry, Planned};
use crate::{
    index::IndexError,
    progress::{Progress, Tally},
};

/// Plans every object reachable from `tips` and not from `exported`: the commits
/// a revwalk finds from `tips` hiding `exported`, and for each of them the trees and blobs
/// that differ from its first parent's tree. Subtrees whose id did not change are skipped
/// whole, so a commit that changes one file costs its path's few trees and one blob, however
/// large the index is. (libgit2's `insert_walk` would instead mark every object of the
/// hidden commits' trees, a walk of the whole index per publish.)
///
/// Exported commits unknown to `repo` (history rewritten and collected since) are not
/// hidden; their replacements are packed from the first commit the walk finds.
/// With `exported` empty this is every object reachable from `tips`: a full pack. Each tree
/// and blob is planned with its delta base: the object at its path in the commit's first
/// parent.
///
/// # Errors
/// Git errors reading the repository.
pub fn plan_new(
    repo: &Repository,
    tips: &[Oid],
    exported: &[Oid],
    progress: &dyn Progress,
) -> Result<Vec<Planned>, git2::Error> {
    let mut plan = Vec::new();
    let mut walk = repo.revwalk()?;
    // Oldest first: the order objects are inserted in is the order of the pack, and a fixed
    // order is what makes the full pack of one index always the same bytes.
    walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)?;
    for tip in tips {
        walk.push(*tip)?;
    }
    for old in exported {
        if repo.find_commit(*old).is_ok() {
            walk.hide(*old)?;
        }
    }
    let mut seen = HashSet::new();
    for (done, id) in (1..).zip(walk) {
        let commit = repo.find_commit(id?)?;
        progress.tally(Tally {
            done,
            ..Tally::default()
        });
        plan.push(Planned {
            id: commit.id(),
            base: None,
        });
        // A parent is either exported (its objects are in the published packs) or walked
        // before this commit (its objects are in this pack): only the differences are new.
        let base = if commit.parent_count() > 0 {
            Some(commit.parent(0)?.tree()?)
        } else {
            None
        };
        insert_changed(repo, &mut plan, base.as_ref(), &commit.tree()?, &mut seen)?;
    }
    Ok(plan)
}

/// Inserts `tree` and, recursively, the entries that differ from `base` at the same path.
/// `seen` holds what this pack already has: a tree already in it had all of its objects
/// covered then.
fn insert_changed(
    repo: &Repository,
    plan: &mut Vec<Planned>,
    base: Option<&Tree<'_>>,
    tree: &Tree<'_>,
    seen: &mut HashSet<Oid>,
) -> Result<(), git2::Error> {
    if base.is_some_and(|b| b.id() == tree.id()) || !seen.insert(tree.id()) {
        return Ok(());
    }
    plan.push(Planned {
        id: tree.id(),
        base: base.map(Tree::id),
    });
    for entry in tree.iter() {
        let id = entry.id();
        let old = base.and_then(|b| b.get_name_bytes(entry.name_bytes()));
        if old.as_ref().is_some_and(|o| o.id() == id) {
            continue;
        }
        match entry.kind() {
            Some(ObjectType::Tree) => {
                let subtree = repo.find_tree(id)?;
                let old_subtree = match old.filter(|o| o.kind() == Some(ObjectType::Tree)) {
                    Some(o) => Some(repo.find_tree(o.id())?),
                    None => None,
                };
                insert_changed(repo, plan, old_subtree.as_ref(), &subtree, seen)?;
            }
            // The same path's previous version is the delta base.
            Some(ObjectType::Blob) if seen.insert(id) => {
                let base = old.filter(|o| o.kind() == Some(ObjectType::Blob));
                plan.push(Planned {
                    id,
                    base: base.map(|o| o.id()),
                });
            }
            // A blob already in this pack; or a submodule, whose commits live in another
            // repository (the index has none).
            _ => {}
        }
    }
    Ok(())
}

/// Writes the pack `builder` holds into `dir` (`pack-<hash>.pack` and `.idx`) and returns
/// its base name (`pack-<hash>`), or `None` when it holds no object.
///
/// # Errors
/// Git and I/O errors writing it.
pub fn write(builder: &mut PackBuilder<'_>, dir: &Path) -> Result<Option<String>, IndexError> {
    if builder.object_count() == 0 {
        return Ok(None);
    }
    // One thread: the delta search then depends only on the objects, so one index always
    // gives the same pack (and pack name).
    builder.set_threads(1);
    builder.write(dir, 0o444)?;
    let hash = builder
        .name()?
        .ok_or_else(|| io::Error::other("libgit2 wrote a pack but gave it no name"))?;
    Ok(Some(format!("pack-{hash}")))
}

/// The first bytes of a version 2 pack index.
const IDX_MAGIC: [u8; 4] = [0xff, b't', b'O', b'c'];
/// Magic, version, and the 256 cumulative counts of the fan-out table.
const IDX_HEADER: usize = 8 + 256 * 4;
/// Bytes of a SHA-1 object id.
const OID_BYTES: usize = 20;

/// How many objects a pack holds, from its `.idx` (the last fan-out entry).
///
/// # Errors
/// I/O errors, or `InvalidData` when it is not a version 2 index.
pub fn idx_object_count(idx: &Path) -> io::Result<u32> {
    let mut header = vec![0u8; IDX_HEADER];
    File::open(idx)?.read_exact(&mut header)?;
    parse_count(&header)
}

/// Every object id a pack holds, from its `.idx`, in id order.
///
/// # Errors
/// I/O errors, or `InvalidData` when it is not a version 2 index.
pub fn idx_object_ids(idx: &Path) -> io::Result<Vec<Oid>> {
    Ok(idx_entries(idx)?.into_iter().map(|(id, _, _)| id).collect())
}

/// Every object of a pack from its `.idx` (version 2), in id order: its id, the CRC-32 of its
/// entry and the entry's offset in the pack.
///
/// # Errors
/// I/O errors, or `InvalidData` when it is not a version 2 index.
pub fn idx_entries(idx: &Path) -> io::Result<Vec<IdxEntry>> {
    let mut bytes = Vec::new();
    File::open(idx)?.read_to_end(&mut bytes)?;
    let count = usize::try_from(parse_count(&bytes)?).map_err(io::Error::other)?;
    let truncated = || io::Error::new(io::ErrorKind::InvalidData, "pack index is truncated");
    let word = |at: usize| -> io::Result<u32> {
        let b = bytes.get(at..at + 4).ok_or_else(truncated)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    };
    let crcs = IDX_HEADER + count * OID_BYTES;
    let offsets = crcs + count * 4;
    let large = offsets + count * 4;
    let mut entries = Vec::with_capacity(count);
    for i in 0..count {
        let at = IDX_HEADER + i * OID_BYTES;
        let raw = bytes.get(at..at + OID_BYTES).ok_or_else(truncated)?;
        let id = Oid::from_bytes(raw).map_err(io::Error::other)?;
        let small = word(offsets + i * 4)?;
        // Offsets past 2 GiB are in a table of 8-byte ones after the 4-byte ones.
        let offset = if small & 0x8000_0000 == 0 {
            u64::from(small)
        } else {
            let at = large + (small & 0x7fff_ffff) as usize * 8;
            let b: [u8; 8] = bytes
                .get(at..at + 8)
                .and_then(|b| b.try_into().ok())
                .ok_or_else(truncated)?;
            u64::from_be_bytes(b)
        };
        entries.push((id, word(crcs + i * 4)?, offset));
    }
    Ok(entries)
}

fn parse_count(bytes: &[u8]) -> io::Result<u32> {
    let invalid = |why: &str| io::Error::new(io::ErrorKind::InvalidData, why.to_owned());
    if bytes.get(..4) != Some(&IDX_MAGIC[..]) || bytes.get(4..8) != Some(&[0, 0, 0, 2][..]) {
        return Err(invalid("not a version 2 pack index"));
    }
    let last = bytes
        .get(IDX_HEADER - 4..IDX_HEADER)
        .ok_or_else(|| invalid("pack index is truncated"))?;
    let mut count = [0u8; 4];
    count.copy_from_slice(last);
    Ok(u32::from_be_bytes(count))
}

/// How many of the smallest packs to merge into one: `weights` are object counts, smallest
/// first. After the merge every pack is at least twice as heavy as all lighter packs
/// together (git's `repack --geometric=2`), so the big old packs are left alone and an
/// object is rewritten about log2(objects) times over the registry's life. Returns 0 when
/// the packs already form such a progression, else at least 2.
#[must_use]
pub fn rollup(weights: &[u64]) -> usize {
    let mut lighter = 0u64;
    let mut merge = 0;
    for (i, &weight) in weights.iter().enumerate() {
        if i > 0 && weight < lighter.saturating_mul(2) {
            merge = i + 1;
        }
        lighter = lighter.saturating_add(weight);
    }
    merge
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rollup_merges_small_packs_and_keeps_the_big_one() {
        // Twenty publishes after a full build: the small packs merge, the base stays.
        let mut weights = vec![5u64; 20];
        weights.push(10_000);
        assert_eq!(rollup(&weights), 20);
        // A merged pack that outgrew half of the base goes with it.
        assert_eq!(rollup(&[5, 5, 6_000, 10_000]), 4);
        // A progression is left alone.
        assert_eq!(rollup(&[5, 12, 40, 10_000]), 0);
        assert_eq!(rollup(&[7]), 0);
        assert_eq!(rollup(&[]), 0);
        // Equal small packs merge.
        assert_eq!(rollup(&[5, 5]), 2);
    }

    #[test]
    fn idx_header_is_checked() {
        let mut header = vec![0u8; IDX_HEADER];
        assert!(parse_count(&header).is_err());
        header[..4].copy_from_slice(&IDX_MAGIC);
        header[7] = 2;
        header[IDX_HEADER - 1] = 9;
        assert_eq!(parse_count(&header).expect("valid header"), 9);
        assert!(parse_count(&header[..100]).is_err());
    }
}
