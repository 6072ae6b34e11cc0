//! Packs the index keeps of its own history.
//!
//! Every commit writes its objects loose, one file each: after 100,000 publishes the
//! index holds half a million of them, and anything that reads its whole history (a first
//! export of `-/index.git/`, a `git clone` of the index) opens every one. The export
//! already writes that history as packs (`DATA/index-export/`). The index *adopts* them:
//! [`IndexRepo::adopt_packs`] links them into `.git/objects/pack/` (git reads them as it
//! reads any pack) and records, in `.git/shelf-packs.json`, which packs they are and which
//! branch commits' histories they hold whole. A first export into an empty data folder
//! (a new machine, a new target) then starts from those packs ([`adopted`]) and packs only
//! the commits made since, so its cost follows what changed, not the registry's size.
//!
//! The record is written last, after the packs are durable, and names only packs Shelf
//! put there: packs git made (`git gc`, `git repack`) are never removed, and a record whose
//! packs went missing, or whose commits the branches no longer reach, is simply not used.
//! Loose objects a pack also holds stay where they are: git reads the pack first.

use std::{
    fs, io,
    path::{Path, PathBuf},
};

use git2::Oid;
use serde::{Deserialize, Serialize};

use super::{IndexError, IndexRepo};

/// The record of adopted packs, in the repository's git folder.
pub const RECORD: &str = "shelf-packs.json";

/// The packs an index adopted and what they hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdoptedPacks {
    /// Base names (`pack-<hash>`) of the packs, each a `.pack` and an `.idx` in
    /// `objects/pack/`.
    pub packs: Vec<String>,
    /// Branches (`refs/heads/…`) and the commits whose whole histories the packs hold.
    pub branches: Vec<(String, String)>,
}

impl AdoptedPacks {
    /// The branches with their commits parsed; `None` if one is not a commit id.
    #[must_use]
    pub fn branch_ids(&self) -> Option<Vec<(String, Oid)>> {
        self.branches
            .iter()
            .map(|(name, id)| Oid::from_str(id).ok().map(|id| (name.clone(), id)))
            .collect()
    }
}

/// The folder of a git folder's packs.
#[must_use]
pub fn pack_dir(git_dir: &Path) -> PathBuf {
    git_dir.join("objects").join("pack")
}

/// The packs the repository whose git folder is `git_dir` adopted, when its record is
/// there and readable and every pack it names is complete (else `None`: nothing to start
/// from).
#[must_use]
pub fn adopted(git_dir: &Path) -> Option<AdoptedPacks> {
    let bytes = fs::read(git_dir.join(RECORD)).ok()?;
    let record: AdoptedPacks = serde_json::from_slice(&bytes).ok()?;
    let dir = pack_dir(git_dir);
    let complete = record.packs.iter().all(|name| {
        ["pack", "idx"]
            .iter()
            .all(|ext| dir.join(format!("{name}.{ext}")).is_file())
    });
    (complete && record.branch_ids().is_some()).then_some(record)
}

impl IndexRepo {
    /// The packs this index adopted ([`adopted`]).
    #[must_use]
    pub fn adopted_packs(&self) -> Option<AdoptedPacks> {
        adopted(self.repo.path())
    }

    /// Adopts `packs` (base names, each with the folder holding its `.pack` and `.idx`),
    /// which hold the whole histories of `branches`: each is linked into
    /// `.git/objects/pack/` (copied where links cannot go), made durable, then recorded;
    /// packs the previous record named and these do not are removed after. See the
    /// module's essay.
    ///
    /// # Errors
    /// I/O errors; the previous record then stands (or none), and every pack it names.
    pub fn adopt_packs(
        &self,
        packs: &[(String, PathBuf)],
        branches: &[(String, Oid)],
    ) -> Result<(), IndexError> {
        let git_dir = self.repo.path();
        let dir = pack_dir(git_dir);
        fs::create_dir_all(&dir)?;
        for (name, from) in packs {
            place_pack(from, name, &dir, link_or_copy)?;
        }
        fs::File::open(&dir)?.sync_all()?;
        let previous = adopted(git_dir);
        let record = AdoptedPacks {
            packs: packs.iter().map(|(name, _)| name.clone()).collect(),
            branches: branches
                .iter()
                .map(|(name, id)| (name.clone(), id.to_string()))
                .collect(),
        };
        let bytes = serde_json::to_vec_pretty(&record).map_err(io::Error::other)?;
        let mut temp = tempfile::NamedTempFile::new_in(git_dir)?;
        io::Write::write_all(&mut temp, &bytes)?;
        temp.as_file().sync_all()?;
        temp.persist(git_dir.join(RECORD)).map_err(|e| e.error)?;
        fs::File::open(git_dir)?.sync_all()?;
        for stale in previous
            .iter()
            .flat_map(|p| &p.packs)
            .filter(|name| !record.packs.contains(name))
        {
            // The `.idx` first, so nothing finds a pack that is going.
            for ext in ["idx", "pack", "rev"] {
                match fs::remove_file(dir.join(format!("{stale}.{ext}"))) {
                    Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e.into()),
                    _ => {}
                }
            }
        }
        // libgit2 lists packs once; these came in behind its back.
        self.repo.odb()?.refresh()?;
        Ok(())
    }
}

/// Puts the pack `name` of the folder `from` into the folder `to` with `place` (a rename,
/// a link), the `.pack` first so that whoever finds an `.idx` finds its pack. A file
/// already there (same name, so same content) is kept, with its inode.
///
/// # Errors
/// Those of `place`.
pub fn place_pack(
    from: &Path,
    name: &str,
    to: &Path,
    place: impl Fn(&Path, &Path) -> io::Result<()>,
) -> io::Result<()> {
    for ext in ["pack", "idx"] {
        let file = format!("{name}.{ext}");
        let dest = to.join(&file);
        if !dest.exists() {
            place(&from.join(&file), &dest)?;
        }
    }
    Ok(())
}

/// Hard-links `from` at `dest`, or copies it there (through a temporary file, made
/// durable) where a link cannot go.
///
/// # Errors
/// I/O errors.
pub fn link_or_copy(from: &Path, dest: &Path) -> io::Result<()> {
    if fs::hard_link(from, dest).is_ok() {
        return Ok(());
    }
    let folder = dest.parent().unwrap_or(Path::new("."));
    let temp = tempfile::Builder::new()
        .prefix("tmp_shelf_")
        .tempfile_in(folder)?;
    fs::copy(from, temp.path())?;
    temp.as_file().sync_all()?;
    temp.persist(dest).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A folder holding the pack `name` (its bytes only need to be distinct).
    fn pack_in(dir: &Path, name: &str) -> (String, PathBuf) {
        fs::create_dir_all(dir).expect("mkdir");
        for ext in ["pack", "idx"] {
            fs::write(dir.join(format!("{name}.{ext}")), format!("{name} {ext}")).expect("write");
        }
        (name.to_owned(), dir.to_owned())
    }

    #[test]
    fn adopted_packs_are_linked_recorded_and_replaced_but_gits_own_stay() {
        let dir = tempfile::tempdir().expect("tempdir");
        let index =
            IndexRepo::open_or_init(&dir.path().join("index"), "http://localhost").expect("index");
        let git_dir = dir.path().join("index/.git");
        assert_eq!(index.adopted_packs(), None);
        let head = index.head().expect("head");
        let branches = [("refs/heads/main".to_owned(), head)];
        let export = dir.path().join("export");
        let (a, b) = (pack_in(&export, "pack-aa"), pack_in(&export, "pack-bb"));
        // A pack git made (`git gc`) is none of Shelf's business.
        pack_in(&pack_dir(&git_dir), "pack-git");

        index
            .adopt_packs(&[a.clone(), b.clone()], &branches)
            .expect("adopt");
        let record = index.adopted_packs().expect("recorded");
        assert_eq!(record.packs, ["pack-aa", "pack-bb"]);
        assert_eq!(record.branch_ids().expect("ids"), branches);
        let linked = pack_dir(&git_dir).join("pack-aa.pack");
        assert_eq!(fs::read(&linked).expect("linked"), b"pack-aa pack");
        use std::os::unix::fs::MetadataExt as _;
        assert_eq!(
            fs::metadata(&linked).expect("meta").ino(),
            fs::metadata(export.join("pack-aa.pack"))
                .expect("meta")
                .ino(),
            "a hard link"
        );

        // The export merged `aa` and `bb` into `cc`: the index follows.
        let c = pack_in(&export, "pack-cc");
        index.adopt_packs(&[c], &branches).expect("adopt again");
        assert_eq!(index.adopted_packs().expect("recorded").packs, ["pack-cc"]);
        let mut left: Vec<String> = fs::read_dir(pack_dir(&git_dir))
            .expect("list")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [
                "pack-cc.idx",
                "pack-cc.pack",
                "pack-git.idx",
                "pack-git.pack"
            ]
        );

        // A record whose pack went missing is not used.
        fs::remove_file(pack_dir(&git_dir).join("pack-cc.idx")).expect("remove");
        assert_eq!(index.adopted_packs(), None);
    }
}
