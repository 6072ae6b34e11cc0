//! A first export in one pass: the commits are walked oldest first and each new object is
//! written as soon as it is found, where [`super::packing::plan_new`] and [`super::pack::write`]
//! find every object first and then read each again to write it.
//!
//! The plan is the same (the objects in the same order, each against the same base), so the
//! pack is the same bytes; only the reading differs. A commit's objects are read once: its
//! trees are parsed from the bytes being written (not read again through libgit2 to compare
//! them with the parent's), and the parent's trees along the changed paths, written one
//! commit earlier, are still in memory as the delta bases and as what to compare with. At
//! 10,000 commits that is about five reads of a loose object per commit instead of thirteen.
//!
//! The number of objects is known only at the end, so the pack's header is written with
//! none and patched, and the pack hashed again from the file (a sequential read of the
//! pack, which the page cache still holds).

use std::{
    collections::{HashMap, VecDeque},
    rc::Rc,
};

use flate2::{Compress, Compression};
use git2::{ObjectType, Odb, Oid, Repository, Sort};

use super::pack::{MAX_DEPTH, PackFile, Written, encode_entry};
use crate::{
    index::IndexError,
    progress::{Progress, Tally},
};

/// At most this many bytes of recent objects are kept: the trees along the last commits'
/// paths and the blobs of the packages that changed last. A blob whose next version comes
/// a whole round of packages later is read again then (as [`super::pack::write`] reads a
/// base that did not fit); a quarter of its bound, because a full build renders packages
/// beside this, and its peak counts both.
const KEPT_BYTES: usize = 8 << 20;

/// Git's mode of a tree entry that is a tree (as a tree's bytes spell it).
const TREE_MODE: &[u8] = b"40000";
/// A submodule's mode: its commit lives in another repository.
const COMMIT_MODE: &[u8] = b"160000";

/// Writes every object reachable from `tips` as one pack in `dir`; its base name
/// (`pack-{checksum}`) and how many objects it holds, or `None` when there is none.
///
/// # Errors
/// Git errors reading objects (or an object that does not parse), I/O errors writing.
pub fn write_full(
    repo: &Repository,
    tips: &[Oid],
    dir: &std::path::Path,
    progress: &dyn Progress,
) -> Result<Option<(String, usize)>, IndexError> {
    let mut walk = repo.revwalk()?;
    // Oldest first, as the plan: the same order gives the same pack.
    walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)?;
    for tip in tips {
        walk.push(*tip)?;
    }
    let odb = repo.odb()?;
    let mut pack = Walker {
        odb: &odb,
        file: PackFile::begin(dir, 0)?,
        written: HashMap::new(),
        kept: HashMap::new(),
        order: VecDeque::new(),
        kept_bytes: 0,
        trees: HashMap::new(),
        z: Compress::new(Compression::default(), true),
        entry: Vec::new(),
    };
    for (done, id) in (1..).zip(walk) {
        pack.commit(id?)?;
        progress.tally(Tally {
            done,
            bytes: pack.file.out.written,
            ..Tally::default()
        });
    }
    if pack.written.is_empty() {
        return Ok(None);
    }
    let count = pack.written.len();
    let name = pack.file.finish_counted(dir, &pack.written)?;
    Ok(Some((name, count)))
}

/// The pack being written, and what it remembers of the objects written so far.
struct Walker<'r> {
    odb: &'r Odb<'r>,
    file: PackFile,
    written: HashMap<Oid, Written>,
    /// Bytes of recently written (or read) objects, up to [`KEPT_BYTES`], oldest first in
    /// `order`: the next commits' delta bases and the trees they are compared with.
    kept: HashMap<Oid, Rc<Vec<u8>>>,
    order: VecDeque<Oid>,
    kept_bytes: usize,
    /// The tree of every commit written (a parent's, when its child comes).
    trees: HashMap<Oid, Oid>,
    z: Compress,
    entry: Vec<u8>,
}

impl Walker<'_> {
    /// Writes a commit and whatever its tree adds to its first parent's.
    fn commit(&mut self, id: Oid) -> Result<(), IndexError> {
        if self.written.contains_key(&id) {
            return Ok(());
        }
        let object = self.odb.read(id)?;
        let (tree, parent) = commit_links(object.data())?;
        self.write(id, ObjectType::Commit, object.data(), None)?;
        drop(object);
        self.trees.insert(id, tree);
        let base = match parent {
            Some(parent) => match self.trees.get(&parent) {
                Some(tree) => Some(*tree),
                None => Some(commit_links(self.odb.read(parent)?.data())?.0),
            },
            None => None,
        };
        self.tree(base, tree)
    }

    /// Writes `tree` and, recursively, its entries that differ from `base` at the same
    /// path (as [`super::packing::plan_new`] plans them).
    fn tree(&mut self, base: Option<Oid>, tree: Oid) -> Result<(), IndexError> {
        if base == Some(tree) || self.written.contains_key(&tree) {
            return Ok(());
        }
        let bytes = self.bytes(tree)?;
        let old = match base {
            Some(b) => Some(self.bytes(b)?),
            None => None,
        };
        self.write(tree, ObjectType::Tree, &bytes, base)?;
        let old_entries = match &old {
            Some(o) => entries(o)?,
            None => Vec::new(),
        };
        let mut at = 0;
        for entry in entries(&bytes)? {
            // Both lists are in git's order: move along the old one to this name.
            while at < old_entries.len() && git_order(&old_entries[at], &entry).is_lt() {
                at += 1;
            }
            let previous = old_entries
                .get(at)
                .filter(|o| o.name == entry.name)
                .map(|o| (o.id, o.mode == TREE_MODE));
            if previous.is_some_and(|(id, _)| id == entry.id) {
                continue;
            }
            if entry.mode == TREE_MODE {
                let old_tree = previous.filter(|(_, is_tree)| *is_tree).map(|(id, _)| id);
                self.tree(old_tree, entry.id)?;
            } else if entry.mode != COMMIT_MODE && !self.written.contains_key(&entry.id) {
                // The same path's previous version is the delta base.
                let old_blob = previous.filter(|(_, is_tree)| !*is_tree).map(|(id, _)| id);
                let blob = self.bytes(entry.id)?;
                self.write(entry.id, ObjectType::Blob, &blob, old_blob)?;
            }
        }
        Ok(())
    }

    /// An object's bytes: kept, or read (and kept).
    fn bytes(&mut self, id: Oid) -> Result<Rc<Vec<u8>>, IndexError> {
        if let Some(bytes) = self.kept.get(&id) {
            return Ok(bytes.clone());
        }
        let bytes = Rc::new(self.odb.read(id)?.data().to_vec());
        self.keep(id, bytes.clone());
        Ok(bytes)
    }

    fn keep(&mut self, id: Oid, bytes: Rc<Vec<u8>>) {
        self.kept_bytes += bytes.len();
        if self.kept.insert(id, bytes).is_none() {
            self.order.push_back(id);
        }
        while self.kept_bytes > KEPT_BYTES {
            let Some(oldest) = self.order.pop_front() else {
                break;
            };
            if let Some(gone) = self.kept.remove(&oldest) {
                self.kept_bytes -= gone.len();
            }
        }
    }

    /// Appends one entry: whole, or as a delta against `base` when the pack holds it (not
    /// too deep) and a delta is smaller.
    fn write(
        &mut self,
        id: Oid,
        kind: ObjectType,
        data: &[u8],
        base: Option<Oid>,
    ) -> Result<(), IndexError> {
        let offset = self.file.out.written;
        let base = match base {
            Some(b) => match self.written.get(&b).filter(|w| w.depth < MAX_DEPTH) {
                Some(w) => Some((w.offset, w.depth, self.bytes(b)?)),
                None => None,
            },
            None => None,
        };
        let base = base
            .as_ref()
            .map(|(base_offset, depth, bytes)| (*base_offset, *depth, bytes.as_slice()));
        let depth = encode_entry(&mut self.z, &mut self.entry, kind, data, offset, base)?;
        let crc = crc32fast::hash(&self.entry);
        std::io::Write::write_all(&mut self.file.out, &self.entry)?;
        self.written.insert(id, Written { offset, crc, depth });
        if kind != ObjectType::Commit && !self.kept.contains_key(&id) {
            self.keep(id, Rc::new(data.to_vec()));
        }
        Ok(())
    }
}

/// A commit's tree and first parent, from its bytes.
fn commit_links(data: &[u8]) -> Result<(Oid, Option<Oid>), IndexError> {
    let mut tree = None;
    let mut parent = None;
    for line in data.split(|b| *b == b'\n') {
        if line.is_empty() {
            break;
        }
        if let Some(hex) = line.strip_prefix(b"tree ") {
            tree = Some(oid_hex(hex)?);
        } else if let Some(hex) = line.strip_prefix(b"parent ")
            && parent.is_none()
        {
            parent = Some(oid_hex(hex)?);
        }
    }
    let tree = tree.ok_or_else(|| malformed("a commit without a tree"))?;
    Ok((tree, parent))
}

fn oid_hex(hex: &[u8]) -> Result<Oid, IndexError> {
    let hex = std::str::from_utf8(hex).map_err(|_| malformed("an object id"))?;
    Ok(Oid::from_str(hex)?)
}

fn malformed(what: &str) -> IndexError {
    std::io::Error::new(
        std::io::ErrorKind::InvalidData,
        format!("{what} does not parse"),
    )
    .into()
}

/// One entry of a tree: `<mode> <name>\0<20-byte id>`.
struct Entry<'a> {
    mode: &'a [u8],
    name: &'a [u8],
    id: Oid,
}

/// A tree's entries, in its (git's) order.
fn entries(data: &[u8]) -> Result<Vec<Entry<'_>>, IndexError> {
    let mut out = Vec::new();
    let mut rest = data;
    while !rest.is_empty() {
        let space = rest
            .iter()
            .position(|b| *b == b' ')
            .ok_or_else(|| malformed("a tree entry"))?;
        let nul = rest
            .iter()
            .position(|b| *b == 0)
            .filter(|nul| *nul > space && nul + 21 <= rest.len())
            .ok_or_else(|| malformed("a tree entry"))?;
        out.push(Entry {
            mode: &rest[..space],
            name: &rest[space + 1..nul],
            id: Oid::from_bytes(&rest[nul + 1..nul + 21])?,
        });
        rest = &rest[nul + 21..];
    }
    Ok(out)
}

/// Git's order of tree entries: by name, a tree's name compared as if it ended in `/`.
fn git_order(a: &Entry<'_>, b: &Entry<'_>) -> std::cmp::Ordering {
    let key = |e: &Entry<'_>| {
        let slash: &[u8] = if e.mode == TREE_MODE { b"/" } else { b"" };
        e.name.iter().chain(slash).copied().collect::<Vec<u8>>()
    };
    // Most names differ before either ends: compare without allocating then.
    let common = a.name.len().min(b.name.len());
    match a.name[..common].cmp(&b.name[..common]) {
        std::cmp::Ordering::Equal => key(a).cmp(&key(b)),
        other => other,
    }
}
