//! A directory as a target: the `dir` layout on a local filesystem.

use std::{
    fs::{self, File},
    io::{self, Read, Write},
    os::unix::fs::{MetadataExt, PermissionsExt},
    path::{Path, PathBuf},
};

use sha2::{Digest, Sha256};

use super::{Outcome, Target};

/// Prefix of temporary files; they are never listed as keys, so an interrupted write leaves
/// nothing a later build would mistake for content (and the next full build removes it).
const TEMP_PREFIX: &str = ".shelf-tmp-";

/// Writes files under a root directory, atomically (temporary file + rename), leaving files
/// whose bytes did not change untouched so their mtime and inode stay.
#[derive(Debug, Clone)]
pub struct DirTarget {
    root: PathBuf,
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
        })
    }

    /// The directory written to.
    #[must_use]
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn path(&self, key: &str) -> PathBuf {
        self.root.join(key)
    }

    fn temp_in(dest: &Path) -> io::Result<tempfile::NamedTempFile> {
        let dir = dest
            .parent()
            .ok_or_else(|| io::Error::other("key has no parent"))?;
        fs::create_dir_all(dir)?;
        tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .tempfile_in(dir)
    }
}

fn same_bytes(path: &Path, bytes: &[u8]) -> io::Result<bool> {
    match fs::metadata(path) {
        Ok(meta) if meta.is_file() && meta.len() == bytes.len() as u64 => {
            Ok(fs::read(path)? == bytes)
        }
        Ok(_) => Ok(false),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

fn sha256_of(path: &Path) -> io::Result<String> {
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            return Ok(hex::encode(hasher.finalize()));
        }
        hasher.update(&buf[..n]);
    }
}

impl Target for DirTarget {
    fn put(&self, key: &str, bytes: &[u8]) -> io::Result<Outcome> {
        let dest = self.path(key);
        if same_bytes(&dest, bytes)? {
            return Ok(Outcome::Unchanged);
        }
        let mut temp = Self::temp_in(&dest)?;
        temp.write_all(bytes)?;
        // Temporary files are created owner-only; the site is read by a web server's user.
        temp.as_file()
            .set_permissions(fs::Permissions::from_mode(0o644))?;
        temp.persist(&dest).map_err(|e| e.error)?;
        Ok(Outcome::Written)
    }

    fn put_blob(&self, key: &str, blob: &Path) -> io::Result<Outcome> {
        let dest = self.path(key);
        let source = fs::metadata(blob)?;
        match fs::metadata(&dest) {
            Ok(existing) if existing.dev() == source.dev() && existing.ino() == source.ino() => {
                return Ok(Outcome::Unchanged);
            }
            // A copy (the site is on another filesystem): the blob's file name is its hash.
            Ok(existing)
                if existing.len() == source.len()
                    && blob.file_name().and_then(|n| n.to_str())
                        == Some(sha256_of(&dest)?.as_str()) =>
            {
                return Ok(Outcome::Unchanged);
            }
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        let dir = dest
            .parent()
            .ok_or_else(|| io::Error::other("key has no parent"))?;
        fs::create_dir_all(dir)?;
        // Link under a fresh temporary name, then rename over the key: atomic for readers.
        let linked = tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .make_in(dir, |path| {
                if fs::hard_link(blob, path).is_ok() {
                    return Ok(());
                }
                // Another filesystem: copy instead.
                fs::copy(blob, path)?;
                fs::set_permissions(path, fs::Permissions::from_mode(0o644))
            })?;
        linked.persist(&dest).map_err(|e| e.error)?;
        Ok(Outcome::Written)
    }

    fn remove(&self, key: &str) -> io::Result<bool> {
        let path = self.path(key);
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
            dir = d.parent();
        }
        Ok(true)
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
        for entry in walkdir::WalkDir::new(&start).sort_by_file_name() {
            let entry = entry.map_err(io::Error::other)?;
            if !entry.file_type().is_file() {
                continue;
            }
            let Ok(rel) = entry.path().strip_prefix(&self.root) else {
                continue;
            };
            let key = rel.to_string_lossy().replace('\\', "/");
            let is_temp = entry.file_name().to_string_lossy().starts_with(TEMP_PREFIX);
            if key.starts_with(prefix) && !is_temp {
                keys.push(key);
            }
        }
        Ok(keys)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }
}
