//! A directory as a target: the `dir` layout on a local filesystem.

use std::{
    collections::HashSet,
    fs,
    io::{self, Write},
    os::unix::fs::{MetadataExt, PermissionsExt},
    path::{Path, PathBuf},
    sync::{Arc, Mutex, PoisonError},
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use super::{Listing, Outcome, Target, is_folder};

/// Prefix of temporary files. They are never served, and a full build removes those an
/// interrupted write left behind: they are listed like any key, and nothing produces them.
pub const TEMP_PREFIX: &str = ".shelf-tmp-";

/// The folder under the root where replacements are written before they are renamed into
/// place (the same filesystem, so the rename is atomic): one place to clear after a writer
/// was killed ([`DirTarget::clear_temporaries`]), whatever the size of the site. A file
/// that was not there needs none: it is written with no name and linked at its key
/// ([`DirTarget`]'s `create`).
///
/// It holds [`TEMP_FOLDERS`] folders, and each file's temporary goes into the one its path
/// hashes to. The folder is marked as a top of directory hierarchies (`chattr +T`), so ext4
/// places those folders, and so the inodes made in them, in different block groups. That
/// matters on ext4 without a journal, which skips every inode freed in the last 30 seconds
/// when it looks for a free one (`recently_deleted`): a site replaces its files all the
/// time, each replacement frees an inode, and with every temporary made in one folder,
/// every new file had to walk past all of those freed in one group (on this project's
/// machine, ~0.5–0.9 ms a file under steady publishing against ~0.12 ms spread out).
pub const TEMP_DIR: &str = ".shelf-tmp";

/// How many folders [`TEMP_DIR`] spreads temporary files over.
pub const TEMP_FOLDERS: u64 = 16;

/// Writes files under a root directory, atomically (a new file written with no name and
/// linked at its key, a replacement written to a temporary file and renamed over it),
/// leaving files whose bytes did not change untouched so their mtime and inode stay.
///
/// A *checking* target ([`DirTarget::checking`]) writes and removes nothing: it answers
/// `Written` for each key whose bytes differ or are missing and `true` for each key it would
/// remove, so a build through it reports exactly the drift between the folder and the index.
#[derive(Debug, Clone)]
pub struct DirTarget {
    root: PathBuf,
    checking: bool,
    /// Folders this target made or found, so a write does not ask the filesystem again
    /// (`create_dir_all` is a `mkdir` and a `stat` per level: two thirds of a full build's
    /// system calls). Forgotten when a removal prunes a folder, and when a write finds one
    /// gone (removed behind the target's back).
    folders: Arc<Mutex<HashSet<PathBuf>>>,
    /// Whether replaced files go to [`crate::reap`] ([`Target::reap_replaced`]).
    reaping: Arc<std::sync::atomic::AtomicBool>,
}

impl DirTarget {
    /// A target writing below `root` (created if missing).
    ///
    /// # Errors
    /// I/O errors creating the directory.
    pub fn new(root: &Path) -> io::Result<Self> {
        fs::create_dir_all(root)?;
        Ok(DirTarget {
            root: root.to_owned(),
            checking: false,
            folders: Arc::default(),
            reaping: Arc::default(),
        })
    }

    /// A target that compares against the folder at `root` and changes nothing (see the
    /// type's documentation).
    #[must_use]
    pub fn checking(root: &Path) -> Self {
        DirTarget {
            root: root.to_owned(),
            checking: true,
            folders: Arc::default(),
            reaping: Arc::default(),
        }
    }

    /// The directory written to.
    #[must_use]
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn path(&self, key: &str) -> PathBuf {
        self.root.join(key)
    }

    /// Removes what writes killed half-way left in `root`'s temporary folder (and in its
    /// [`TEMP_FOLDERS`]); returns the files removed.
    ///
    /// # Errors
    /// I/O errors other than the folder's absence.
    pub fn clear_temporaries(root: &Path) -> io::Result<Vec<PathBuf>> {
        let mut removed = Vec::new();
        clear_files(&root.join(TEMP_DIR), &mut removed, true)?;
        Ok(removed)
    }

    /// Makes `dir` (and its parents) unless this target knows it exists.
    fn folder(&self, dir: &Path) -> io::Result<()> {
        let mut known = self.folders.lock().unwrap_or_else(PoisonError::into_inner);
        if !known.contains(dir) {
            fs::create_dir_all(dir)?;
            known.insert(dir.to_owned());
        }
        Ok(())
    }

    /// Forgets every folder it knew: one may have gone.
    fn forget_folders(&self) {
        self.folders
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    /// The folder `dest`'s temporary file is made in (created when missing, see
    /// [`TEMP_DIR`]); `dest`'s folder is made too, for the rename.
    fn temp_dir(&self, dest: &Path) -> io::Result<PathBuf> {
        use std::hash::{Hash as _, Hasher as _};
        let dir = dest
            .parent()
            .ok_or_else(|| io::Error::other("key has no parent"))?;
        self.folder(dir)?;
        let top = self.root.join(TEMP_DIR);
        if !self.knows(&top) {
            self.folder(&top)?;
            // A hint to ext4's allocator, added to the folder's flags (its `extents` one
            // among them); other filesystems refuse it, which changes nothing.
            if let Ok(folder) = fs::File::open(&top)
                && let Ok(flags) = rustix::fs::ioctl_getflags(&folder)
                && !flags.contains(rustix::fs::IFlags::TOPDIR)
            {
                let _ = rustix::fs::ioctl_setflags(&folder, flags | rustix::fs::IFlags::TOPDIR);
            }
        }
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        dest.hash(&mut hasher);
        let temp = top.join(format!("{:x}", hasher.finish() % TEMP_FOLDERS));
        self.folder(&temp)?;
        Ok(temp)
    }

    /// Whether this target made or found `dir` already.
    fn knows(&self, dir: &Path) -> bool {
        self.folders
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .contains(dir)
    }

    fn temp_in(&self, dest: &Path) -> io::Result<tempfile::NamedTempFile> {
        tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .tempfile_in(self.temp_dir(dest)?)
    }

    /// Renames a finished temporary file over `dest`. A folder that went missing since
    /// this target made it is made again, once.
    /// While [reaping](Target::reap_replaced), the file it replaces is kept linked in the
    /// temporary's folder and freed by [`crate::reap`]'s thread, not by the rename.
    fn persist<F>(&self, temp: tempfile::NamedTempFile<F>, dest: &Path) -> io::Result<()> {
        let folder = temp.path().parent().map(Path::to_owned).unwrap_or_default();
        let rename = || match temp.persist(dest) {
            Ok(_) => Ok(()),
            Err(e) if e.error.kind() == io::ErrorKind::NotFound => {
                self.forget_folders();
                self.temp_dir(dest)?;
                e.file.persist(dest).map(drop).map_err(|e| e.error)
            }
            Err(e) => Err(e.error),
        };
        if !self.reaping.load(std::sync::atomic::Ordering::Relaxed) {
            return rename();
        }
        crate::reap::replace(dest, &folder, rename)
    }

    /// Makes the file `dest`, which was not there, holding `bytes`: written as a file with
    /// no name (`O_TMPFILE`) in `dest`'s folder, then linked at `dest`, so a reader sees
    /// all of it or nothing, as with a rename, at half the cost: no temporary name to make
    /// and remove, and no rename between folders, which Linux runs one at a time for the
    /// whole filesystem. `false` when that cannot be done here (a filesystem without
    /// `O_TMPFILE`, no `/proc`) or `dest` appeared meanwhile: the caller writes it the
    /// usual way.
    fn create(&self, dest: &Path, bytes: &[u8]) -> io::Result<bool> {
        use rustix::{
            fs::{AtFlags, CWD, Mode, OFlags},
            io::Errno,
        };
        use std::os::fd::AsRawFd as _;
        let dir = dest
            .parent()
            .ok_or_else(|| io::Error::other("key has no parent"))?;
        self.folder(dir)?;
        let flags = OFlags::WRONLY | OFlags::TMPFILE | OFlags::CLOEXEC;
        let mut file = match rustix::fs::open(dir, flags, Mode::from_raw_mode(0o644)) {
            Ok(fd) => fs::File::from(fd),
            Err(Errno::NOENT) => return Err(io::ErrorKind::NotFound.into()),
            Err(_) => return Ok(false),
        };
        file.write_all(bytes)?;
        // The mode asked for went through the umask; the site is read by a web server's user.
        file.set_permissions(fs::Permissions::from_mode(0o644))?;
        let named = format!("/proc/self/fd/{}", file.as_raw_fd());
        match rustix::fs::linkat(CWD, named.as_str(), CWD, dest, AtFlags::SYMLINK_FOLLOW) {
            Ok(()) => Ok(true),
            Err(Errno::NOENT) if dir.exists() => Ok(false),
            Err(Errno::NOENT) => Err(io::ErrorKind::NotFound.into()),
            Err(Errno::EXIST | Errno::PERM | Errno::ACCESS | Errno::XDEV) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// Runs `make` (which makes a file in a folder this target made), and once more after
    /// forgetting the known folders when it finds one missing.
    fn again_if_gone<T>(&self, make: impl Fn() -> io::Result<T>) -> io::Result<T> {
        match make() {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                self.forget_folders();
                make()
            }
            other => other,
        }
    }
}

/// Gives the file at `path` the modification time `like` has (a copy of a blob).
fn stamp_like(path: &Path, like: &fs::Metadata) -> io::Result<()> {
    fs::OpenOptions::new()
        .write(true)
        .open(path)?
        .set_modified(like.modified()?)
}

/// What is at a key before a write: nothing, the same bytes, or other bytes last modified at
/// `mtime`.
enum Existing {
    Absent,
    Same,
    Other { mtime: SystemTime },
}

fn existing(path: &Path, bytes: &[u8]) -> io::Result<Existing> {
    match fs::metadata(path) {
        Ok(meta)
            if meta.is_file() && meta.len() == bytes.len() as u64 && fs::read(path)? == bytes =>
        {
            Ok(Existing::Same)
        }
        Ok(meta) => Ok(Existing::Other {
            mtime: meta.modified()?,
        }),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Existing::Absent),
        Err(e) => Err(e),
    }
}

/// The mtime a rewritten file gets: now, or if now falls in the same whole second as the
/// replaced file's mtime (or before it), the start of the next second.
///
/// `rsync -a` skips a file whose size and mtime match, comparing mtimes in whole seconds by
/// default. A document rewritten with the same size within the second of the last copy
/// (`releases/latest` going from `1.0.0` to `1.0.1`) would otherwise be skipped by a mirror.
fn rewrite_mtime(previous: SystemTime, now: SystemTime) -> SystemTime {
    let secs = |t: SystemTime| {
        t.duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0)
    };
    if secs(now) > secs(previous) {
        now
    } else {
        UNIX_EPOCH + Duration::from_secs(secs(previous) + 1)
    }
}

impl Target for DirTarget {
    fn writes_on_caller(&self) -> bool {
        true
    }

    fn reap_replaced(&self, on: bool) {
        self.reaping.store(on, std::sync::atomic::Ordering::Relaxed);
    }

    fn put(&self, key: &str, bytes: &[u8]) -> io::Result<Outcome> {
        let dest = self.path(key);
        let before = existing(&dest, bytes)?;
        if matches!(before, Existing::Same) {
            return Ok(Outcome::Unchanged);
        }
        if self.checking {
            return Ok(Outcome::Written);
        }
        if matches!(before, Existing::Absent) && self.again_if_gone(|| self.create(&dest, bytes))? {
            return Ok(Outcome::Written);
        }
        let mut temp = self.again_if_gone(|| self.temp_in(&dest))?;
        temp.write_all(bytes)?;
        // Temporary files are created owner-only; the site is read by a web server's user.
        temp.as_file()
            .set_permissions(fs::Permissions::from_mode(0o644))?;
        if let Existing::Other { mtime } = before {
            let now = temp.as_file().metadata()?.modified()?;
            let mtime = rewrite_mtime(mtime, now);
            if mtime != now {
                temp.as_file().set_modified(mtime)?;
            }
        }
        self.persist(temp, &dest)?;
        Ok(Outcome::Written)
    }

    fn put_blob(&self, key: &str, blob: &Path) -> io::Result<Outcome> {
        let dest = self.path(key);
        let source = fs::metadata(blob)?;
        match fs::metadata(&dest) {
            Ok(existing) if existing.dev() == source.dev() && existing.ino() == source.ino() => {
                return Ok(Outcome::Unchanged);
            }
            // A copy this target made (the site is on another filesystem) carries the blob's
            // modification time: hashing a large blob (the index export's pack) on every
            // publish is what this saves.
            Ok(existing)
                if !self.checking
                    && existing.dev() != source.dev()
                    && existing.len() == source.len()
                    && existing.modified().ok() == source.modified().ok() =>
            {
                return Ok(Outcome::Unchanged);
            }
            // Another copy, or another file with the same bytes: the blob's file name is its
            // hash. On the blob's own filesystem the file is linked again anyway (cheaper
            // than hashing it next time).
            Ok(existing)
                if existing.len() == source.len()
                    && (self.checking || existing.dev() != source.dev())
                    && blob.file_name().and_then(|n| n.to_str())
                        == Some(crate::blob::sha256_of(&dest)?.as_str()) =>
            {
                if !self.checking {
                    stamp_like(&dest, &source)?;
                }
                return Ok(Outcome::Unchanged);
            }
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                if self.checking {
                    return Ok(Outcome::Written);
                }
                // Nothing there: one link makes it, whole (as [`DirTarget::create`] does).
                let linked = self.again_if_gone(|| {
                    let dir = dest.parent().unwrap_or(&self.root);
                    self.folder(dir)?;
                    match fs::hard_link(blob, &dest) {
                        Err(e) if e.kind() == io::ErrorKind::NotFound && !dir.exists() => Err(e),
                        linked => Ok(linked.is_ok()),
                    }
                })?;
                if linked {
                    return Ok(Outcome::Written);
                }
            }
            Err(e) => return Err(e),
        }
        if self.checking {
            return Ok(Outcome::Written);
        }
        // Link under a fresh temporary name, then rename over the key: atomic for readers.
        let linked = self.again_if_gone(|| {
            tempfile::Builder::new()
                .prefix(TEMP_PREFIX)
                .make_in(self.temp_dir(&dest)?, |path| {
                    if fs::hard_link(blob, path).is_ok() {
                        return Ok(());
                    }
                    // Another filesystem: copy instead, with the blob's modification time.
                    fs::copy(blob, path)?;
                    fs::set_permissions(path, fs::Permissions::from_mode(0o644))?;
                    stamp_like(path, &source)
                })
        })?;
        self.persist(linked, &dest)?;
        Ok(Outcome::Written)
    }

    fn remove(&self, key: &str) -> io::Result<bool> {
        let path = self.path(key);
        if self.checking {
            return Ok(path.is_file());
        }
        match fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
            Err(e) => return Err(e),
        }
        // Prune folders left empty, so a deleted package leaves no trace for rsync to copy.
        let mut dir = path.parent();
        while let Some(d) = dir {
            if d == self.root || fs::remove_dir(d).is_err() {
                break;
            }
            self.forget_folders();
            dir = d.parent();
        }
        Ok(true)
    }

    fn list_stamped(&self, scope: &[String]) -> io::Result<Listing> {
        let mut listing = Listing::default();
        for entry in scope {
            if is_folder(entry) {
                for key in self.list(entry)? {
                    listing.insert(key, None);
                }
            } else if fs::symlink_metadata(self.path(entry)).is_ok_and(|m| m.is_file()) {
                // One key: a stat, not a listing of its folder.
                listing.insert(entry.clone(), None);
            }
        }
        Ok(listing)
    }

    fn list(&self, prefix: &str) -> io::Result<Vec<String>> {
        // Walk only the deepest folder the prefix names, then filter by the full prefix.
        let start = match prefix.rfind('/') {
            Some(i) => self.root.join(&prefix[..i]),
            None => self.root.clone(),
        };
        if !start.exists() {
            return Ok(Vec::new());
        }
        let mut keys = Vec::new();
        // Folders that cannot hold a key under the prefix are not entered: a prefix naming a
        // file at the root (`index.html`) must not walk the whole site, which would make every
        // publish cost as much as the registry is large.
        let root = &self.root;
        let may_hold = |entry: &walkdir::DirEntry| {
            if !entry.file_type().is_dir() {
                return true;
            }
            let Ok(rel) = entry.path().strip_prefix(root) else {
                return true;
            };
            let folder = format!("{}/", rel.to_string_lossy().replace('\\', "/"));
            folder == "/" || folder.starts_with(prefix) || prefix.starts_with(&folder)
        };
        for entry in walkdir::WalkDir::new(&start)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(may_hold)
        {
            let entry = entry.map_err(io::Error::other)?;
            if !entry.file_type().is_file() {
                continue;
            }
            let Ok(rel) = entry.path().strip_prefix(&self.root) else {
                continue;
            };
            let key = rel.to_string_lossy().replace('\\', "/");
            // Temporary files are listed too: only the one writer makes them, after listing,
            // so one found here is left by an interrupted write and goes with the next sync
            // of its scope.
            if key.starts_with(prefix) {
                keys.push(key);
            }
        }
        Ok(keys)
    }
}

/// Removes the files in `dir` (and, when `deeper`, in the folders it holds, one level
/// down) into `removed`; an absent folder holds none.
fn clear_files(dir: &Path, removed: &mut Vec<PathBuf>, deeper: bool) -> io::Result<()> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            if deeper {
                clear_files(&path, removed, false)?;
            }
        } else {
            fs::remove_file(&path)?;
            removed.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Folders are made once and then trusted: one removed behind the target's back (by
    /// hand, or by a removal that pruned it) is made again by the next write into it.
    #[test]
    fn the_temporaries_folder_keeps_the_flags_a_folder_has() {
        use rustix::fs::{IFlags, ioctl_getflags};
        let dir = tempfile::tempdir().expect("tempdir");
        let target = DirTarget::new(dir.path()).expect("target");
        target.put("p/a.json", b"{}").expect("put");
        // A replacement goes through the temporaries' folder (a new file needs none).
        target.put("p/a.json", b"[]").expect("replace");
        let plain = dir.path().join("plain");
        fs::create_dir(&plain).expect("mkdir");
        // A filesystem without inode flags has none to keep.
        let Ok(expected) = ioctl_getflags(fs::File::open(&plain).expect("open")) else {
            return;
        };
        let temp = fs::File::open(dir.path().join(TEMP_DIR)).expect("open");
        let flags = ioctl_getflags(temp).expect("flags");
        assert!(
            flags.contains(expected),
            "{flags:?} lost some of {expected:?}"
        );
        assert!(
            flags
                .difference(expected)
                .difference(IFlags::TOPDIR)
                .is_empty()
        );
    }

    #[test]
    fn a_folder_removed_behind_the_targets_back_is_made_again() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = DirTarget::new(dir.path()).expect("target");
        target.put("p/releases/1.json", b"one").expect("put");
        fs::remove_dir_all(dir.path().join("p")).expect("remove by hand");
        target.put("p/releases/2.json", b"two").expect("put after");
        assert_eq!(
            fs::read(dir.path().join("p/releases/2.json")).expect("read"),
            b"two"
        );
        // A replacement goes through the temporaries' folder, made again when it went.
        target.put("p/releases/2.json", b"TWO").expect("replace");
        fs::remove_dir_all(dir.path().join(TEMP_DIR)).expect("remove the temporaries");
        target
            .put("p/releases/2.json", b"Two")
            .expect("replace again");
        assert_eq!(
            fs::read(dir.path().join("p/releases/2.json")).expect("read"),
            b"Two"
        );
        let blob = dir.path().join("blob");
        fs::write(&blob, b"zip").expect("blob");
        fs::remove_dir_all(dir.path().join("p")).expect("remove again");
        target
            .put_blob("p/zipball/1", &blob)
            .expect("put_blob after");
        assert_eq!(
            fs::read(dir.path().join("p/zipball/1")).expect("read"),
            b"zip"
        );
        let other = dir.path().join("other");
        fs::write(&other, b"zap").expect("blob");
        fs::remove_dir_all(dir.path().join(TEMP_DIR)).expect("remove the temporaries");
        target
            .put_blob("p/zipball/1", &other)
            .expect("put_blob over another");
        assert_eq!(
            fs::read(dir.path().join("p/zipball/1")).expect("read"),
            b"zap"
        );
        // A removal that prunes the folder is known to the target.
        assert!(target.remove("p/zipball/1").expect("remove"));
        assert!(
            !dir.path().join("p").exists(),
            "its last file's folders are pruned"
        );
        target
            .put("p/releases/3.json", b"three")
            .expect("put into a pruned folder");
        assert!(dir.path().join("p/releases/3.json").is_file());
    }

    /// A new file is made whole under its name (no temporary file), readable by the web
    /// server's user whatever the umask.
    #[test]
    fn a_new_file_is_linked_whole_with_the_sites_mode() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = DirTarget::new(dir.path()).expect("target");
        let written = target.put("p/releases/1.json", b"one").expect("put");
        assert!(matches!(written, Outcome::Written));
        let path = dir.path().join("p/releases/1.json");
        assert_eq!(fs::read(&path).expect("read"), b"one");
        let mode = fs::metadata(&path).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o644);
        assert!(
            !dir.path().join(TEMP_DIR).exists(),
            "nothing went through the temporaries"
        );
        let again = target.put("p/releases/1.json", b"one").expect("put again");
        assert!(matches!(again, Outcome::Unchanged));
    }

    #[test]
    fn a_prefix_lists_only_its_keys() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = DirTarget::new(dir.path()).expect("target");
        for key in [
            "index.html",
            "index.htmlx",
            "a/index.html",
            "-/config.json",
            "-/index.git/HEAD",
            "-/assets/x.css",
        ] {
            target.put(key, b"x").expect("put");
        }
        let list = |prefix: &str| target.list(prefix).expect("list");
        assert_eq!(list("index.html"), ["index.html", "index.htmlx"]);
        let scope = |entries: &[&str]| -> Vec<String> {
            let entries: Vec<String> = entries.iter().map(|e| (*e).to_owned()).collect();
            let listing = target.list_stamped(&entries).expect("list");
            listing.keys().map(str::to_owned).collect()
        };
        // A scope's exact entries are exactly those keys; folders are everything below.
        assert_eq!(
            scope(&["index.html", "-/assets/", "-/404.json"]),
            ["-/assets/x.css", "index.html"]
        );
        assert_eq!(scope(&["a/"]), ["a/index.html"]);
        assert_eq!(list("-/config.json"), ["-/config.json"]);
        assert_eq!(list("-/assets/"), ["-/assets/x.css"]);
        assert_eq!(list("a/"), ["a/index.html"]);
        assert_eq!(
            list("-/"),
            ["-/assets/x.css", "-/config.json", "-/index.git/HEAD"]
        );
    }

    #[test]
    fn unchanged_bytes_keep_the_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = DirTarget::new(dir.path()).expect("target");
        assert_eq!(
            target.put("a/b.json", b"{}").expect("put"),
            Outcome::Written
        );
        let ino = fs::metadata(dir.path().join("a/b.json"))
            .expect("meta")
            .ino();
        assert_eq!(
            target.put("a/b.json", b"{}").expect("put"),
            Outcome::Unchanged
        );
        assert_eq!(
            fs::metadata(dir.path().join("a/b.json"))
                .expect("meta")
                .ino(),
            ino
        );
        assert_eq!(
            target.put("a/b.json", b"[]").expect("put"),
            Outcome::Written
        );
        assert_eq!(target.list("a/").expect("list"), vec!["a/b.json"]);
        assert!(target.remove("a/b.json").expect("remove"));
        assert!(!dir.path().join("a").exists(), "empty folder pruned");
    }

    #[test]
    fn a_rewrite_never_keeps_the_whole_second_of_the_file_it_replaces() {
        let t = |secs: u64, nanos: u32| UNIX_EPOCH + Duration::new(secs, nanos);
        for (previous, now, expected) in [
            // A later second: the clock's time.
            (t(100, 900), t(101, 5), t(101, 5)),
            // The same second: the next one.
            (t(100, 1), t(100, 999), t(101, 0)),
            // A previous bump put the file ahead of the clock: one further.
            (t(101, 0), t(100, 500), t(102, 0)),
        ] {
            assert_eq!(rewrite_mtime(previous, now), expected);
        }

        let dir = tempfile::tempdir().expect("tempdir");
        let target = DirTarget::new(dir.path()).expect("target");
        let whole = |key: &str| {
            fs::metadata(dir.path().join(key))
                .expect("meta")
                .modified()
                .expect("mtime")
                .duration_since(UNIX_EPOCH)
                .expect("after 1970")
                .as_secs()
        };
        target.put("latest", b"1.0.0").expect("put");
        let first = whole("latest");
        // Same size, written at once: well inside the same second.
        target.put("latest", b"1.0.1").expect("put");
        assert!(whole("latest") > first, "rsync's quick check must see it");
    }

    #[test]
    fn blobs_are_hard_linked() {
        let dir = tempfile::tempdir().expect("tempdir");
        let blob = dir.path().join("blob");
        fs::write(&blob, b"zip").expect("write");
        let target = DirTarget::new(&dir.path().join("site")).expect("target");
        assert_eq!(
            target.put_blob("p/zipball/1.0.0", &blob).expect("put"),
            Outcome::Written
        );
        let linked = fs::metadata(dir.path().join("site/p/zipball/1.0.0")).expect("meta");
        assert_eq!(linked.ino(), fs::metadata(&blob).expect("meta").ino());
        assert_eq!(
            target.put_blob("p/zipball/1.0.0", &blob).expect("put"),
            Outcome::Unchanged
        );
        // The same bytes under another inode, on the blob's filesystem: linked again.
        let key = dir.path().join("site/p/zipball/1.0.0");
        fs::remove_file(&key).expect("remove");
        fs::write(&key, b"zip").expect("a copy");
        assert_eq!(
            target.put_blob("p/zipball/1.0.0", &blob).expect("put"),
            Outcome::Written
        );
        let relinked = fs::metadata(&key).expect("meta");
        assert_eq!(relinked.ino(), fs::metadata(&blob).expect("meta").ino());
    }

    #[test]
    fn blobs_copied_to_another_filesystem_are_known_by_size_and_time() {
        // /dev/shm is a tmpfs on Linux: another filesystem than the temporary folder's.
        let shm = Path::new("/dev/shm");
        assert!(
            shm.is_dir(),
            "the test needs /dev/shm (a tmpfs), which Linux mounts"
        );
        let dir = tempfile::tempdir().expect("tempdir");
        let site = tempfile::tempdir_in(shm).expect("a folder in /dev/shm");
        // Named by its SHA-256, as the blob store names blobs.
        let name = {
            use sha2::Digest as _;
            hex::encode(sha2::Sha256::digest(b"zip bytes"))
        };
        let blob = dir.path().join(name);
        fs::write(&blob, b"zip bytes").expect("write");
        let same_fs = |a: &Path, b: &Path| {
            fs::metadata(a).expect("meta").dev() == fs::metadata(b).expect("meta").dev()
        };
        assert!(!same_fs(dir.path(), site.path()), "two filesystems");
        let target = DirTarget::new(site.path()).expect("target");
        let key = site.path().join("p/zipball/1.0.0");
        assert_eq!(
            target.put_blob("p/zipball/1.0.0", &blob).expect("put"),
            Outcome::Written
        );
        let copied = fs::metadata(&key).expect("meta");
        let source = fs::metadata(&blob).expect("meta");
        assert_eq!(
            copied.modified().ok(),
            source.modified().ok(),
            "the blob's time"
        );
        assert_eq!(
            target.put_blob("p/zipball/1.0.0", &blob).expect("put"),
            Outcome::Unchanged
        );
        assert_eq!(fs::metadata(&key).expect("meta").ino(), copied.ino());
        // Other bytes of the same size and another time: hashed, found different, copied.
        fs::remove_file(&key).expect("remove");
        fs::write(&key, b"zip BYTES").expect("other bytes");
        assert_eq!(
            target.put_blob("p/zipball/1.0.0", &blob).expect("put"),
            Outcome::Written
        );
        assert_eq!(fs::read(&key).expect("read"), b"zip bytes");
        // The same bytes with another time: hashed, found equal, stamped for next time.
        fs::remove_file(&key).expect("remove");
        fs::write(&key, b"zip bytes").expect("same bytes");
        assert_eq!(
            target.put_blob("p/zipball/1.0.0", &blob).expect("put"),
            Outcome::Unchanged
        );
        let stamped = fs::metadata(&key).expect("meta");
        assert_eq!(stamped.modified().ok(), source.modified().ok());
    }
}
