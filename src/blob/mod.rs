//! The content-addressed blob store: zips stored by their SHA-256, never modified.
//!
//! An incoming zip is first *staged*: streamed to a temporary file in the store while it is
//! hashed and its size capped. Checks read the staged file; only an accepted zip is moved to
//! its address, so a rejected one leaves the store as it was. Blobs are made read-only
//! because the site hard-links them as zipballs: writing through a link would corrupt every
//! copy at once.

use std::{
    fs::{self, File},
    io::{self, BufWriter, Read, Write},
    os::unix::fs::PermissionsExt as _,
    path::{Path, PathBuf},
    thread,
};

use sha2::{Digest, Sha256};
use tempfile::NamedTempFile;

/// The lowercase hex SHA-256 of the file at `path` (a blob's address, a zipball's digest).
///
/// # Errors
/// I/O errors opening or reading the file.
pub fn sha256_of(path: &Path) -> io::Result<String> {
    let mut hasher = Sha256::new();
    io::copy(&mut File::open(path)?, &mut hasher)?;
    Ok(hex::encode(hasher.finalize()))
}

/// The folder of upload sessions ([`BlobStore::sessions`]).
const SESSIONS: &str = "uploads";

/// The folder of digests of other algorithms than SHA-256 ([`BlobStore::alias`]).
const ALIASES: &str = "aliases";

/// The folder of who holds which blob ([`BlobStore::hold`]).
const HELD: &str = "held";

/// The folder of the upload sessions' owners ([`BlobStore::session_owners`]).
const SESSION_OWNERS: &str = "upload-owners";

/// The folder of fresh markers ([`BlobStore::mark_fresh`]).
const FRESH: &str = "fresh";

/// Whether `name` is a lowercase hex SHA-256 (a blob's address).
#[must_use]
pub fn is_sha256(name: &str) -> bool {
    name.len() == 64
        && name
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The file saying every stored blob is readable by all ([`BlobStore::open`]).
const READABLE_MARKER: &str = ".readable";

/// A blob store rooted at a directory (`data/blobs`).
#[derive(Debug, Clone)]
pub struct BlobStore {
    root: PathBuf,
}

/// Why staging a zip failed.
#[derive(Debug, thiserror::Error)]
pub enum StageError {
    /// The stream was longer than the cap; reading stopped at the cap.
    #[error("the zip is larger than the limit of {limit} bytes")]
    TooLarge { limit: u64 },
    /// Reading the stream or writing the temporary file failed.
    #[error("could not stage the upload")]
    Io(#[from] io::Error),
}

/// A zip streamed into the store but not yet given its address.
#[derive(Debug)]
pub struct Staged {
    file: NamedTempFile,
    /// Lowercase hex SHA-256 of the bytes.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
    /// Whether its bytes are on disk already ([`Staged::sync`]).
    synced: bool,
    /// The `fsync` [`Staged::start_sync`] runs on a thread of its own.
    syncing: Option<thread::JoinHandle<io::Result<()>>>,
}

impl Staged {
    /// Makes the staged bytes durable now, so that [`BlobStore::commit`], which runs on the
    /// registry's one writer, has no `fsync` left to wait for: an upload calls this on its
    /// own thread once the stream is whole.
    ///
    /// # Errors
    /// The filesystem's I/O error.
    pub fn sync(&mut self) -> io::Result<()> {
        if let Some(syncing) = self.syncing.take() {
            syncing
                .join()
                .map_err(|_| io::Error::other("the thread syncing a staged blob panicked"))??;
            self.synced = true;
        }
        if !self.synced {
            self.file.as_file().sync_all()?;
            self.synced = true;
        }
        Ok(())
    }

    /// Starts [`Staged::sync`] on a thread of its own, so that the disk writes the bytes
    /// while the upload is checked and waits for the writer; [`Staged::sync`] (and so
    /// [`BlobStore::commit`]) then waits only for what is left. A publish whose client
    /// waits for each answer (`npm publish`) saves most of an `fsync` this way.
    ///
    /// # Errors
    /// I/O errors sharing the file with that thread, or starting it.
    pub fn start_sync(&mut self) -> io::Result<()> {
        if self.synced || self.syncing.is_some() {
            return Ok(());
        }
        let file = self.file.as_file().try_clone()?;
        let syncing = thread::Builder::new()
            .name("blob-sync".to_owned())
            .spawn(move || file.sync_all())?;
        self.syncing = Some(syncing);
        Ok(())
    }

    /// The staged file, opened for reading from the start.
    ///
    /// # Errors
    /// I/O errors reopening the temporary file.
    pub fn open(&self) -> io::Result<File> {
        self.file.reopen()
    }
}

/// A staging file being written ([`BlobStore::stager`]): hashed and capped as bytes arrive,
/// removed if dropped unfinished.
pub struct Stager {
    out: BufWriter<NamedTempFile>,
    hasher: Sha256,
    size: u64,
    limit: u64,
}

impl Write for Stager {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let size = self.size.saturating_add(buf.len() as u64);
        if size > self.limit {
            // Stops the writer that feeds it; `finish` says why.
            self.size = size;
            return Err(io::Error::new(
                io::ErrorKind::FileTooLarge,
                format!("larger than the limit of {} bytes", self.limit),
            ));
        }
        self.out.write_all(buf)?;
        self.hasher.update(buf);
        self.size = size;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

impl Stager {
    /// The staged file, hashed.
    ///
    /// # Errors
    /// [`StageError::TooLarge`] past the limit; I/O errors flushing.
    pub fn finish(self) -> Result<Staged, StageError> {
        if self.size > self.limit {
            return Err(StageError::TooLarge { limit: self.limit });
        }
        let file = self.out.into_inner().map_err(|e| e.into_error())?;
        Ok(Staged {
            file,
            sha256: hex::encode(self.hasher.finalize()),
            size: self.size,
            synced: false,
            syncing: None,
        })
    }
}

impl BlobStore {
    /// Opens (creating if needed) a store at `root`.
    ///
    /// # Errors
    /// I/O errors creating the directories.
    pub fn open(root: &Path) -> io::Result<Self> {
        fs::create_dir_all(root.join("tmp"))?;
        let store = BlobStore {
            root: root.to_owned(),
        };
        store.make_readable()?;
        Ok(store)
    }

    /// Blobs stored before they were made readable to all were 0400, which a web server
    /// running as another user cannot read through the site's hard links: made 0444 once,
    /// then a marker file says it is done, so opening the store stays O(1).
    fn make_readable(&self) -> io::Result<()> {
        let marker = self.root.join(READABLE_MARKER);
        if marker.exists() {
            return Ok(());
        }
        for entry in walkdir::WalkDir::new(&self.root).min_depth(3).max_depth(3) {
            let entry = entry.map_err(io::Error::other)?;
            if !entry.file_type().is_file() {
                continue;
            }
            let mode = entry
                .metadata()
                .map_err(io::Error::other)?
                .permissions()
                .mode();
            if mode & 0o044 != 0o044 {
                fs::set_permissions(entry.path(), fs::Permissions::from_mode(0o444))?;
            }
        }
        fs::write(marker, b"")
    }

    /// The folder of upload sessions: files a protocol appends an upload to across requests
    /// (OCI's chunked uploads), then stages with [`BlobStore::stage_file`]. On the store's
    /// filesystem, so staging one is a rename.
    ///
    /// # Errors
    /// I/O errors creating the folder.
    pub fn sessions(&self) -> io::Result<PathBuf> {
        let dir = self.root.join(SESSIONS);
        fs::create_dir_all(&dir)?;
        Ok(dir)
    }

    /// The folder recording whose each upload session is: `{account}/{session id}`, an
    /// empty file per session, beside [`BlobStore::sessions`] (its markers of sessions gone
    /// are removed as the account's sessions are counted).
    ///
    /// # Errors
    /// I/O errors creating the folder.
    pub fn session_owners(&self) -> io::Result<PathBuf> {
        let dir = self.root.join(SESSION_OWNERS);
        fs::create_dir_all(&dir)?;
        Ok(dir)
    }

    /// Records that something about to be named by an index line uses this blob (a client
    /// found it there and will not upload it again): the garbage collection then counts it
    /// as fresh for its grace period, as it counts a blob just stored. The blob itself is
    /// not touched (the site hard-links it; its time is what mirrors compare).
    ///
    /// # Errors
    /// I/O errors writing the marker.
    pub fn mark_fresh(&self, sha256: &str) -> io::Result<()> {
        let dir = self.root.join(FRESH);
        fs::create_dir_all(&dir)?;
        let marker = dir.join(sha256);
        let file = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&marker)?;
        file.set_modified(std::time::SystemTime::now())
    }

    /// Records that `holder` (a protocol's namespace, such as `oci/team/app`) holds the
    /// blob: it was uploaded or mounted there. The store is shared by every protocol and
    /// repository, but a holder may read, and have its records name, only what it holds
    /// (or what its own records already name): what another repository, or a deleted
    /// version of another protocol, left in the store is no one else's.
    ///
    /// # Errors
    /// I/O errors writing the marker.
    pub fn hold(&self, holder: &str, sha256: &str) -> io::Result<()> {
        let dir = self.holdings(holder);
        fs::create_dir_all(&dir)?;
        fs::write(dir.join(sha256), b"")
    }

    /// Whether `holder` holds the blob ([`BlobStore::hold`]) and the store has it.
    #[must_use]
    pub fn holds(&self, holder: &str, sha256: &str) -> bool {
        self.holdings(holder).join(sha256).is_file() && self.contains(sha256)
    }

    /// Whether any holder under `namespace` (`oci`: any repository) holds the blob: for a
    /// mount that names no repository to mount from (the spec's automatic cross-mount).
    /// Walks the namespace's markers, so it costs one look per holder.
    #[must_use]
    pub fn held_in(&self, namespace: &str, sha256: &str) -> bool {
        if !self.contains(sha256) {
            return false;
        }
        walkdir::WalkDir::new(self.root.join(HELD).join(namespace))
            .into_iter()
            .filter_map(Result::ok)
            .any(|e| e.file_type().is_file() && e.file_name() == std::ffi::OsStr::new(sha256))
    }

    /// Records that the digest `algorithm:encoded` (`sha512:…`) names the blob `sha256`,
    /// whose bytes the caller verified against it.
    ///
    /// # Errors
    /// I/O errors writing the alias.
    pub fn alias(&self, algorithm: &str, encoded: &str, sha256: &str) -> io::Result<()> {
        let dir = self.root.join(ALIASES).join(algorithm);
        fs::create_dir_all(&dir)?;
        let mut temp = tempfile::NamedTempFile::new_in(&dir)?;
        temp.write_all(sha256.as_bytes())?;
        temp.persist(dir.join(encoded)).map_err(|e| e.error)?;
        Ok(())
    }

    /// The blob the digest `algorithm:encoded` is an alias of ([`BlobStore::alias`]).
    #[must_use]
    pub fn resolve(&self, algorithm: &str, encoded: &str) -> Option<String> {
        if encoded.is_empty() || !encoded.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let text =
            fs::read_to_string(self.root.join(ALIASES).join(algorithm).join(encoded)).ok()?;
        let sha256 = text.trim();
        is_sha256(sha256).then(|| sha256.to_owned())
    }

    /// Removes the holders' markers and the aliases of blobs no longer stored (after a
    /// garbage collection).
    ///
    /// # Errors
    /// I/O errors removing them (a missing folder is none).
    pub fn forget_gone(&self) -> io::Result<()> {
        for entry in walkdir::WalkDir::new(self.root.join(HELD))
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
        {
            if let Some(name) = entry.file_name().to_str()
                && !self.contains(name)
            {
                fs::remove_file(entry.path())?;
            }
        }
        for entry in walkdir::WalkDir::new(self.root.join(ALIASES))
            .into_iter()
            .filter_map(Result::ok)
            // An alias being written beside them (its temporary file) is not one yet.
            .filter(|e| {
                e.file_type().is_file() && !e.file_name().to_string_lossy().starts_with('.')
            })
        {
            let target = fs::read_to_string(entry.path()).unwrap_or_default();
            if !self.contains(target.trim()) {
                fs::remove_file(entry.path())?;
            }
        }
        Ok(())
    }

    /// The folder of `holder`'s markers: `held/{holder}/_/`. No name component is `_`
    /// (OCI's start with a letter or digit), so one holder's markers never lie among
    /// another's folders (`a` and `a/b`).
    fn holdings(&self, holder: &str) -> PathBuf {
        let mut dir = self.root.join(HELD);
        for part in holder.split('/').filter(|p| !p.is_empty() && *p != "..") {
            dir.push(part);
        }
        dir.join("_")
    }

    /// When the blob was last stored or marked fresh; `None` when it is not stored.
    #[must_use]
    pub fn freshness(&self, sha256: &str) -> Option<std::time::SystemTime> {
        let stored = fs::metadata(self.path(sha256)).ok()?.modified().ok()?;
        let marked = fs::metadata(self.root.join(FRESH).join(sha256))
            .and_then(|m| m.modified())
            .ok();
        Some(marked.map_or(stored, |m| m.max(stored)))
    }

    /// Every stored blob's SHA-256, sorted.
    ///
    /// # Errors
    /// I/O errors walking the store.
    pub fn list(&self) -> io::Result<Vec<String>> {
        let mut found = Vec::new();
        for entry in walkdir::WalkDir::new(&self.root).min_depth(3).max_depth(3) {
            let entry = entry.map_err(io::Error::other)?;
            let Some(name) = entry.file_name().to_str() else {
                continue;
            };
            let in_shards = entry
                .path()
                .strip_prefix(&self.root)
                .ok()
                .and_then(|rel| rel.components().next())
                .is_some_and(|c| c.as_os_str().len() == 2);
            if entry.file_type().is_file() && in_shards && is_sha256(name) {
                found.push(name.to_owned());
            }
        }
        found.sort();
        Ok(found)
    }

    /// Removes a blob nothing names and its fresh marker (the garbage collection's sweep).
    ///
    /// # Errors
    /// I/O errors other than the blob being absent.
    pub fn remove_unreferenced(&self, sha256: &str) -> io::Result<()> {
        let _ = fs::remove_file(self.root.join(FRESH).join(sha256));
        self.remove_unnamed(sha256)
    }

    /// Files of the store's working folders (staging, upload sessions, fresh markers) last
    /// changed before `before`: what a crash or an abandoned upload left.
    ///
    /// # Errors
    /// I/O errors listing the folders.
    pub fn leftovers(&self, before: std::time::SystemTime) -> io::Result<Vec<PathBuf>> {
        let mut old = Vec::new();
        for folder in ["tmp", SESSIONS, FRESH] {
            let Ok(entries) = fs::read_dir(self.root.join(folder)) else {
                continue;
            };
            for entry in entries {
                let entry = entry?;
                let modified = entry.metadata().and_then(|m| m.modified());
                if modified.is_ok_and(|m| m < before) {
                    old.push(entry.path());
                }
            }
        }
        old.sort();
        Ok(old)
    }

    /// Where the blob with this SHA-256 lives: `ab/cd/abcd…`, two levels of sharding so no
    /// directory grows past 65,536 entries.
    #[must_use]
    pub fn path(&self, sha256: &str) -> PathBuf {
        let (a, b) = (
            &sha256[..2.min(sha256.len())],
            &sha256[2.min(sha256.len())..4.min(sha256.len())],
        );
        self.root.join(a).join(b).join(sha256)
    }

    /// Streams `reader` into a temporary file, hashing it and refusing it once it passes
    /// `limit` bytes (the rest of the stream is not read).
    ///
    /// # Errors
    /// [`StageError::TooLarge`] past the limit; I/O errors otherwise.
    pub fn stage(&self, reader: impl Read, limit: u64) -> Result<Staged, StageError> {
        let file = NamedTempFile::new_in(self.root.join("tmp"))?;
        let mut hasher = Sha256::new();
        let mut out = BufWriter::with_capacity(64 * 1024, file.as_file());
        // One byte past the limit tells "exactly at the limit" from "over it".
        let mut limited = reader.take(limit.saturating_add(1));
        let mut buf = vec![0u8; 64 * 1024];
        let mut size = 0u64;
        loop {
            let n = match limited.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e.into()),
            };
            size += n as u64;
            if size > limit {
                return Err(StageError::TooLarge { limit });
            }
            hasher.update(&buf[..n]);
            out.write_all(&buf[..n])?;
        }
        out.flush()?;
        drop(out);
        Ok(Staged {
            file,
            sha256: hex::encode(hasher.finalize()),
            size,
            synced: false,
            syncing: None,
        })
    }

    /// Stages a file already written elsewhere on the store's filesystem (an upload that
    /// arrived in pieces): moved into staging rather than copied, and hashed as it is read
    /// unless the caller hashed the bytes as they arrived (`hashed`: SHA-256 and size, taken
    /// when the size is the file's). The file is gone from `path` whatever the outcome.
    ///
    /// # Errors
    /// [`StageError::TooLarge`] past the limit; I/O errors.
    pub fn stage_file(
        &self,
        path: &Path,
        limit: u64,
        hashed: Option<(String, u64)>,
    ) -> Result<Staged, StageError> {
        let staging = tempfile::Builder::new()
            .make_in(self.root.join("tmp"), |p| fs::rename(path, p))
            .inspect_err(|_| {
                let _ = fs::remove_file(path);
            })?;
        let temp_path = staging.into_temp_path();
        let mut file = File::open(&temp_path)?;
        let on_disk = file.metadata()?.len();
        if on_disk > limit {
            return Err(StageError::TooLarge { limit });
        }
        let (sha256, size) = match hashed {
            Some((sha256, size)) if size == on_disk => (sha256, size),
            _ => {
                let mut hasher = Sha256::new();
                let size = io::copy(&mut (&mut file).take(limit.saturating_add(1)), &mut hasher)?;
                (hex::encode(hasher.finalize()), size)
            }
        };
        let file = NamedTempFile::from_parts(File::open(&temp_path)?, temp_path);
        Ok(Staged {
            file,
            sha256,
            size,
            synced: false,
            syncing: None,
        })
    }

    /// A staging file to write to (where the bytes arrive through a writer rather than a
    /// reader: an npm tarball decoded from its base64), capped at `limit` bytes.
    ///
    /// # Errors
    /// I/O errors creating the temporary file.
    pub fn stager(&self, limit: u64) -> io::Result<Stager> {
        let file = NamedTempFile::new_in(self.root.join("tmp"))?;
        Ok(Stager {
            out: BufWriter::with_capacity(64 * 1024, file),
            hasher: Sha256::new(),
            size: 0,
            limit,
        })
    }

    /// Gives a staged zip its address. Idempotent: an existing blob with that hash is kept.
    ///
    /// # Errors
    /// I/O errors syncing or moving the file.
    pub fn commit(&self, mut staged: Staged) -> io::Result<PathBuf> {
        let dest = self.path(&staged.sha256);
        if dest.exists() {
            // Uploaded again: as fresh as a new blob for the garbage collection's grace.
            self.mark_fresh(&staged.sha256)?;
            return Ok(dest);
        }
        if let Some(parent) = dest.parent() {
            fs::create_dir_all(parent)?;
        }
        // Durable before it is named: the index will point at it once the commit lands.
        staged.sync()?;
        // Read-only for everyone: staging files are created owner-only (0600), and the site's
        // hard links share this mode, so a web server running as another user (nginx's
        // workers) must be able to read it.
        staged
            .file
            .as_file()
            .set_permissions(fs::Permissions::from_mode(0o444))?;
        staged.file.persist(&dest).map_err(|e| e.error)?;
        Ok(dest)
    }

    /// Whether a blob with this SHA-256 is stored.
    #[must_use]
    pub fn contains(&self, sha256: &str) -> bool {
        self.path(sha256).is_file()
    }

    /// Removes a blob that nothing names: one a publish stored before its index commit
    /// failed. Never call it for a blob an index line names.
    ///
    /// # Errors
    /// I/O errors other than the blob being absent.
    pub fn remove_unnamed(&self, sha256: &str) -> io::Result<()> {
        match fs::remove_file(self.path(sha256)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blobs_an_older_shelf_stored_owner_only_are_made_readable_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        let old = dir.path().join("ab/cd/abcd");
        fs::create_dir_all(old.parent().expect("parent")).expect("mkdir");
        fs::write(&old, b"zip").expect("write");
        fs::set_permissions(&old, fs::Permissions::from_mode(0o400)).expect("chmod");
        BlobStore::open(dir.path()).expect("open");
        let mode = fs::metadata(&old).expect("stat").permissions().mode() & 0o777;
        assert_eq!(mode, 0o444);
        assert!(dir.path().join(READABLE_MARKER).exists());
    }

    #[test]
    fn stages_hashes_and_caps() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = BlobStore::open(dir.path()).expect("open");
        // No limit at all must not wrap around to "nothing allowed".
        let staged = store.stage(&b"abc"[..], u64::MAX).expect("stage");
        assert_eq!(
            staged.sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(staged.size, 3);
        let path = store.commit(staged).expect("commit");
        assert_eq!(fs::read(&path).expect("read"), b"abc");
        let mode = fs::metadata(&path).expect("stat").permissions().mode();
        assert_eq!(
            mode & 0o777,
            0o444,
            "read-only, and readable by a web server"
        );
        assert!(
            store.stage(&b"abc"[..], 3).is_ok(),
            "exactly at the limit is accepted"
        );
        assert!(matches!(
            store.stage(&b"abcd"[..], 3),
            Err(StageError::TooLarge { limit: 3 })
        ));
        assert_eq!(
            fs::read_dir(dir.path().join("tmp")).expect("tmp").count(),
            0,
            "refused uploads leave nothing"
        );
    }
}
