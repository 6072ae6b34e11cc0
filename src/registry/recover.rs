//! Clearing away what a killed writer left in the data directory, before a server starts.
//!
//! A publish stages the upload in `blobs/tmp/`, names the blob, writes the package's index
//! file (temporary file, then rename), stages and commits it, then writes the site; it is
//! answered only after all of that. A kill (SIGKILL, a power cut) can stop it anywhere, and
//! leave:
//! - a staged upload in `blobs/tmp/`: deleted;
//! - a blob no line names: kept (harmless, content-addressed, and `check` ignores it);
//! - in the index, a temporary file, a package file written but not committed, a change
//!   staged but not committed, or git's own lock files (`index.lock`, `refs/heads/main.lock`),
//!   which would make every later commit fail: all taken back to `HEAD`. Nothing acknowledged
//!   is lost that way, because a publish is acknowledged only after its commit;
//! - a temporary file of the feed's state in the data directory: deleted;
//! - in the export's mirror (`index-export/`), git's lock files and half-written packs:
//!   deleted (the next export writes what they would have held);
//! - temporary site files (a directory target writes each file in `SITE/.shelf-tmp/`, then
//!   renames it into place): deleted;
//! - site files from before the commit: the build every start runs sees the package's
//!   index file changed since the last build ([`super::inputs`]) and rewrites them.
//!
//! Only files Shelf writes are touched (package files, `config.json`, temporary files); a
//! person's uncommitted file is left, and `shelf check` names it. The caller holds the data
//! directory's lock ([`super::lock`]), so no other Shelf process is half-way through a write.

use std::{
    fs, io,
    path::{Path, PathBuf},
};

use git2::{Repository, StatusOptions};

use super::RegistryError;
use crate::{history::export::EXPORT_DIR, index::repo::CONFIG_FILE};

/// Prefix of the temporary files `tempfile` makes for the index and the blob stage.
const TEMP_PREFIX: &str = ".tmp";

/// Repairs the data directory `data` and the site directory `site` (when the site is a
/// directory); returns one line per thing it removed or restored.
///
/// # Errors
/// I/O and git errors.
pub fn recover(data: &Path, site: Option<&Path>) -> Result<Vec<String>, RegistryError> {
    let mut done = Vec::new();
    if let Some(site) = site {
        for path in crate::output::DirTarget::clear_temporaries(site)? {
            let replaced = path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(crate::reap::PREFIX));
            done.push(if replaced {
                format!(
                    "removed a replaced site file not yet freed: {}",
                    path.display()
                )
            } else {
                format!(
                    "removed a site file left half-written when the server stopped: {}",
                    path.display()
                )
            });
        }
    }
    // A feed state naming a page the site lacks (a kill between the page and the state
    // of an older Shelf, a site restored from an older copy): forgotten, so the build
    // this start runs writes the whole feed again.
    if let Some(site) = site
        && crate::history::feed::state_is_written(data, site) == Some(false)
    {
        remove(&data.join(crate::history::feed::STATE_FILE))?;
        done.push(
            "the change feed's state named a page the site lacks: the feed is written again"
                .to_owned(),
        );
    }
    let stage = data.join("blobs").join("tmp");
    for path in files_in(&stage)? {
        remove(&path)?;
        done.push(format!(
            "removed an upload staged when the server stopped: {}",
            path.display()
        ));
    }
    // The data directory's own files (the feed's state) are written through a temporary
    // file beside them, then renamed.
    for path in files_in(data)? {
        if path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with(TEMP_PREFIX))
        {
            remove(&path)?;
            done.push(format!(
                "removed a temporary file left when the server stopped: {}",
                path.display()
            ));
        }
    }
    let index = data.join("index");
    if index.join(".git").is_dir() {
        recover_index(&index, &mut done)?;
    }
    recover_export(&data.join(EXPORT_DIR), &mut done)?;
    Ok(done)
}

/// Removes git's lock files (`index.lock`, `HEAD.lock`, `refs/heads/main.lock`…) from the
/// git directory `git`: a writer killed between taking and releasing one leaves it, and
/// every later write to that repository fails with "Locked".
fn remove_git_locks(git: &Path, done: &mut Vec<String>) -> Result<(), RegistryError> {
    let mut locks = files_in(git)?;
    for folder in ["refs", "logs"] {
        locks.extend(
            walkdir::WalkDir::new(git.join(folder))
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_file())
                .map(walkdir::DirEntry::into_path),
        );
    }
    for lock in locks
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "lock"))
    {
        remove(lock)?;
        done.push(format!("removed a stale git lock: {}", lock.display()));
    }
    Ok(())
}

fn recover_index(root: &Path, done: &mut Vec<String>) -> Result<(), RegistryError> {
    remove_git_locks(&root.join(".git"), done)?;
    let replaced = files_in(&root.join(".git"))?.into_iter().filter(|path| {
        path.file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with(crate::reap::PREFIX))
    });
    for link in replaced {
        remove(&link)?;
        done.push(format!(
            "removed a replaced file not yet freed: {}",
            link.display()
        ));
    }
    let repo = Repository::open(root).map_err(index_error)?;
    // An index whose first commit never landed has nothing to go back to; opening it again
    // fails loudly instead.
    let Ok(head) = repo.head().and_then(|h| h.peel_to_commit()) else {
        return Ok(());
    };
    let tree = head.tree().map_err(index_error)?;
    let mut options = StatusOptions::new();
    options
        .include_untracked(true)
        .recurse_untracked_dirs(true)
        .include_ignored(false);
    let dirty: Vec<String> = repo
        .statuses(Some(&mut options))
        .map_err(index_error)?
        .iter()
        .filter(|s| s.status() != git2::Status::CURRENT)
        .map(|s| String::from_utf8_lossy(s.path_bytes()).into_owned())
        .filter(|rel| is_shelfs(rel))
        .collect();
    if dirty.is_empty() {
        return Ok(());
    }
    for rel in &dirty {
        let path = root.join(rel);
        match tree.get_path(Path::new(rel)) {
            Ok(entry) => {
                let blob = repo.find_blob(entry.id()).map_err(index_error)?;
                fs::write(&path, blob.content())?;
                done.push(format!("restored {rel} in the index to its last commit"));
            }
            Err(_) => {
                remove(&path)?;
                done.push(format!(
                    "removed {rel} from the index: it was never committed"
                ));
            }
        }
    }
    // The staging area too: a change added but not committed would ride along in the next
    // commit, under another package's message.
    repo.reset_default(Some(head.as_object()), dirty.iter().map(String::as_str))
        .map_err(index_error)?;
    Ok(())
}

/// The `git clone` copy's mirror ([`crate::history::export`]): its git locks, and packs a
/// killed export was still writing in `staging/` (a pack counts only once it and its
/// `.idx` are in the mirror, so nothing published is lost with them).
fn recover_export(export: &Path, done: &mut Vec<String>) -> Result<(), RegistryError> {
    let git = export.join("mirror.git");
    if git.is_dir() {
        remove_git_locks(&git, done)?;
    }
    let staging = export.join("staging");
    let entries = match fs::read_dir(&staging) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    for entry in entries {
        let path = entry?.path();
        if path.is_dir() {
            fs::remove_dir_all(&path)?;
        } else {
            remove(&path)?;
        }
        done.push(format!(
            "removed a pack the export was writing when the server stopped: {}",
            path.display()
        ));
    }
    Ok(())
}

/// Whether Shelf writes the index file at `rel`: a package's file, the settings, or a
/// temporary file of either.
fn is_shelfs(rel: &str) -> bool {
    let file = rel.rsplit('/').next().unwrap_or(rel);
    rel == CONFIG_FILE
        || file.starts_with(TEMP_PREFIX)
        || crate::protocols::package_of(rel).is_some()
}

/// The files directly in `dir` (none when it does not exist).
fn files_in(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry?;
        if entry.file_type()?.is_file() {
            files.push(entry.path());
        }
    }
    files.sort();
    Ok(files)
}

fn remove(path: &Path) -> io::Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

fn index_error(e: git2::Error) -> RegistryError {
    RegistryError::Index(e.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        index::{Author, IndexRepo, shard_path},
        registry::{Options, Registry},
    };

    /// The paths `git status` lists.
    fn git_status(root: &Path) -> Vec<String> {
        let repo = Repository::open(root).expect("repo");
        let mut options = StatusOptions::new();
        options.include_untracked(true).recurse_untracked_dirs(true);
        repo.statuses(Some(&mut options))
            .expect("status")
            .iter()
            .map(|s| s.path().unwrap_or_default().to_owned())
            .collect()
    }

    /// The states a kill between "write the file" and "commit" leaves, each taken back to HEAD.
    #[test]
    fn uncommitted_work_of_a_killed_writer_goes_back_to_head() {
        let dir = tempfile::tempdir().expect("tempdir");
        let data = dir.path();
        let zip =
            crate::serverless::package::testing::ZipBuilder::package("hello", "1.0.0").build();
        let mut registry = Registry::open(&Options::new(data)).expect("open");
        registry
            .add(zip.as_slice(), "", &Author::named("a"), crate::clock::now())
            .expect("publish");
        drop(registry);
        let root = data.join("index");
        let committed = fs::read(root.join(shard_path("hello"))).expect("hello");

        // A second version written but not committed; a new package staged but not
        // committed; a temporary file; git's lock files; a staged upload.
        fs::write(root.join(shard_path("hello")), b"{torn").expect("write");
        let world = root.join(shard_path("world"));
        fs::create_dir_all(world.parent().expect("parent")).expect("mkdir");
        fs::write(&world, b"{}\n").expect("write");
        let repo = Repository::open(&root).expect("repo");
        let mut stage = repo.index().expect("index");
        stage
            .add_path(Path::new(&shard_path("world")))
            .expect("add");
        stage.write().expect("write index");
        fs::write(root.join("he/.tmpAbC123"), b"half").expect("temp");
        fs::write(root.join(".git/index.lock"), b"").expect("lock");
        // A replaced file the reaper had not freed yet (`crate::reap`).
        fs::write(root.join(".git/.shelf-old-1-1"), b"{}").expect("replaced");
        fs::create_dir_all(root.join(".git/refs/heads")).expect("mkdir");
        fs::write(root.join(".git/refs/heads/main.lock"), b"").expect("lock");
        fs::write(data.join("blobs/tmp/.tmpXyZ"), b"PK").expect("staged");
        fs::write(data.join(".tmpFeedState"), b"{\"v\"").expect("feed state temp");
        let mirror = data.join("index-export/mirror.git");
        fs::create_dir_all(mirror.join("refs/heads")).expect("mkdir");
        fs::write(mirror.join("refs/heads/main.lock"), b"").expect("mirror lock");
        fs::create_dir_all(data.join("index-export/staging/.tmpPack")).expect("staging");
        fs::write(
            data.join("index-export/staging/.tmpPack/pack-1.pack"),
            b"PACK",
        )
        .expect("pack");
        // A person's file is not Shelf's to remove.
        fs::write(root.join("NOTES.txt"), b"mine").expect("notes");
        // A site file a killed write left in the site's temporary folder.
        let site = data.join("site");
        let temp = site.join(crate::output::dir::TEMP_DIR);
        fs::create_dir_all(&temp).expect("site temp");
        fs::write(temp.join(".shelf-tmp-aB12"), b"{\"half").expect("site temp file");
        fs::create_dir_all(temp.join("3")).expect("a temporaries' folder");
        fs::write(temp.join("3/.shelf-old-1-2"), b"{}").expect("a replaced site file");
        fs::write(site.join("index.html"), b"<html>").expect("a site file");

        let done = recover(data, Some(&site)).expect("recover");
        assert_eq!(done.len(), 12, "{done:#?}");
        assert!(!root.join(".git/.shelf-old-1-1").exists());
        let left: Vec<_> = walkdir::WalkDir::new(&temp)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .collect();
        assert!(left.is_empty(), "{left:?}");
        assert!(
            site.join("index.html").exists(),
            "the site's own files stay"
        );
        assert!(!mirror.join("refs/heads/main.lock").exists());
        assert!(!data.join("index-export/staging/.tmpPack").exists());
        assert!(!data.join(".tmpFeedState").exists());
        assert_eq!(
            fs::read(root.join(shard_path("hello"))).expect("hello"),
            committed
        );
        assert!(!world.exists() && !root.join("he/.tmpAbC123").exists());
        assert!(!root.join(".git/index.lock").exists());
        assert_eq!(
            git_status(&root),
            ["NOTES.txt"],
            "only the person's file is left"
        );
        assert_eq!(
            fs::read_dir(data.join("blobs/tmp")).expect("tmp").count(),
            0
        );
        // And the next commit works.
        use crate::serverless::record::RecordStore as _;
        let index = IndexRepo::open_or_init(&root, "").expect("open");
        let record = index.read("hello").expect("read").expect("hello");
        index
            .write("hello", &record, "Again", &Author::named("a"))
            .expect("commit after recovery");
        // Dropping the handle waits for the reaper to free what the commit replaced.
        drop(index);
        let again = recover(data, Some(&site)).expect("again");
        assert!(again.is_empty(), "nothing left to do: {again:#?}");
    }
}
