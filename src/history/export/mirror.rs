//! The export's state on disk, `DATA/index-export/`: a bare mirror whose packs are the
//! published ones and whose branches say what they cover, and `blobs/`, the same pack files
//! under their SHA-256.

use std::{
    collections::{HashMap, HashSet},
    fs, io,
    os::unix::fs::MetadataExt,
    path::{Path, PathBuf},
};

use git2::{Oid, Repository, RepositoryInitOptions};

use crate::index::IndexError;

/// The export's folder in the data directory.
pub const EXPORT_DIR: &str = "index-export";

/// The files of one pack a mirror may hold, by extension. Only `.pack` and `.idx` are
/// published; the others (written by a `git repack` an operator may run) go with them.
const PACK_EXTENSIONS: [&str; 6] = ["idx", "pack", "rev", "keep", "bitmap", "mtimes"];

/// `DATA/index-export/`.
pub struct Mirror {
    /// The bare repository holding the published packs.
    git: PathBuf,
    /// Hard links to the published pack files, named by their SHA-256.
    blobs: PathBuf,
    /// Where packs are written before they are moved into the mirror.
    staging: PathBuf,
}

impl Mirror {
    /// Opens the mirror in `data`, creating an empty one when it does not exist.
    ///
    /// # Errors
    /// Git and I/O errors.
    pub fn open(data: &Path) -> Result<(Mirror, Repository), IndexError> {
        let root = data.join(EXPORT_DIR);
        let mirror = Mirror {
            git: root.join("mirror.git"),
            blobs: root.join("blobs"),
            staging: root.join("staging"),
        };
        let repo = if mirror.git.join("HEAD").exists() {
            Repository::open_bare(&mirror.git)?
        } else {
            let mut opts = RepositoryInitOptions::new();
            opts.bare(true).mkpath(true).initial_head("main");
            Repository::init_opts(&mirror.git, &opts)?
        };
        fs::create_dir_all(mirror.pack_dir())?;
        Ok((mirror, repo))
    }

    /// A new handle on the mirror repository, which sees the packs installed since the
    /// last one was opened.
    ///
    /// # Errors
    /// Git errors.
    pub fn reopen(&self) -> Result<Repository, git2::Error> {
        Repository::open_bare(&self.git)
    }

    /// The folder holding the packs.
    pub fn pack_dir(&self) -> PathBuf {
        self.git.join("objects").join("pack")
    }

    /// A fresh folder to write a pack into, on the mirror's filesystem (so moving the pack
    /// in is a rename). Removed when dropped.
    ///
    /// # Errors
    /// I/O errors.
    pub fn staging(&self) -> io::Result<tempfile::TempDir> {
        fs::create_dir_all(&self.staging)?;
        tempfile::tempdir_in(&self.staging)
    }

    /// The base names (`pack-<hash>`) of the complete packs (`.pack` and `.idx`), sorted.
    ///
    /// # Errors
    /// I/O errors.
    pub fn packs(&self) -> io::Result<Vec<String>> {
        let dir = self.pack_dir();
        let mut names = Vec::new();
        for entry in fs::read_dir(&dir)? {
            let file = entry?.file_name();
            let Some(base) = file.to_str().and_then(|f| f.strip_suffix(".idx")) else {
                continue;
            };
            if base.starts_with("pack-") && dir.join(format!("{base}.pack")).is_file() {
                names.push(base.to_owned());
            }
        }
        names.sort();
        Ok(names)
    }

    /// The `.idx` of a pack.
    pub fn idx(&self, name: &str) -> PathBuf {
        self.pack_dir().join(format!("{name}.idx"))
    }

    /// Moves the pack `name` written into `staged` into the mirror: the `.pack` first, so
    /// that whoever finds the `.idx` finds its pack. A pack already there (same name, so same
    /// content) is kept, and its files keep their inode.
    ///
    /// # Errors
    /// I/O errors.
    pub fn install(&self, staged: &Path, name: &str) -> io::Result<()> {
        crate::index::packs::place_pack(staged, name, &self.pack_dir(), |from, to| {
            fs::rename(from, to)
        })
    }

    /// Brings the pack `name` of the folder `from` (another repository's packs) into the
    /// mirror, linked (or copied where links cannot go): the `.pack` first, as
    /// [`Mirror::install`] does. A pack already there is kept.
    ///
    /// # Errors
    /// I/O errors.
    pub fn adopt(&self, from: &Path, name: &str) -> io::Result<()> {
        use crate::index::packs::{link_or_copy, place_pack};
        place_pack(from, name, &self.pack_dir(), link_or_copy)
    }

    /// Removes a pack: the `.idx` first, so nothing finds a pack that is going.
    ///
    /// # Errors
    /// I/O errors.
    pub fn remove(&self, name: &str) -> io::Result<()> {
        for ext in PACK_EXTENSIONS {
            match fs::remove_file(self.pack_dir().join(format!("{name}.{ext}"))) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// For each of `files` (pack files of the mirror), a path to the same bytes whose file
    /// name is their SHA-256 — the form the site writer expects of a blob: a target that
    /// copies rather than links (another filesystem, an object store) tells an unchanged
    /// file by that name, so an unchanged pack is never uploaded again. The links are found
    /// again by inode, so a pack is hashed once, when it first appears; links to packs that
    /// are gone are removed.
    ///
    /// # Errors
    /// I/O errors.
    pub fn blob_links(&self, files: &[PathBuf]) -> io::Result<Vec<PathBuf>> {
        fs::create_dir_all(&self.blobs)?;
        let mut by_inode = HashMap::new();
        for entry in fs::read_dir(&self.blobs)? {
            let entry = entry?;
            let meta = entry.metadata()?;
            by_inode.insert((meta.dev(), meta.ino()), entry.path());
        }
        let mut links = Vec::with_capacity(files.len());
        for file in files {
            let meta = fs::metadata(file)?;
            let link = match by_inode.get(&(meta.dev(), meta.ino())) {
                Some(link) => link.clone(),
                None => {
                    let link = self.blobs.join(crate::blob::sha256_of(file)?);
                    match fs::remove_file(&link) {
                        Ok(()) => {}
                        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                        Err(e) => return Err(e),
                    }
                    if fs::hard_link(file, &link).is_err() {
                        // No hard links here: a copy works, and is hashed again next time.
                        fs::copy(file, &link)?;
                    }
                    link
                }
            };
            links.push(link);
        }
        let used: HashSet<&PathBuf> = links.iter().collect();
        for stale in by_inode.values().filter(|p| !used.contains(p)) {
            fs::remove_file(stale)?;
        }
        Ok(links)
    }
}

/// The direct branches of `repo` (`refs/heads/*`) with their commits, sorted by name.
///
/// # Errors
/// Git errors.
pub fn branches(repo: &Repository) -> Result<Vec<(String, Oid)>, git2::Error> {
    let mut refs = Vec::new();
    for reference in repo.references_glob("refs/heads/*")? {
        let reference = reference?;
        if let (Ok(name), Some(id)) = (reference.name(), reference.target()) {
            refs.push((name.to_owned(), id));
        }
    }
    refs.sort();
    Ok(refs)
}

/// Makes the mirror's branches exactly `refs` (their objects must be in its packs).
///
/// # Errors
/// Git errors.
pub fn set_branches(mirror: &Repository, refs: &[(String, Oid)]) -> Result<(), git2::Error> {
    // Packs were just moved in behind libgit2's back.
    mirror.odb()?.refresh()?;
    for (name, id) in refs {
        mirror.reference(name, *id, true, "shelf: export")?;
    }
    for (name, _) in branches(mirror)? {
        if !refs.iter().any(|(n, _)| *n == name) {
            mirror.find_reference(&name)?.delete()?;
        }
    }
    Ok(())
}
