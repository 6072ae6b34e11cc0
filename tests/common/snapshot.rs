//! What "nothing changed" means after a refused request: the index is at the same commit
//! with a clean working tree, the blob store holds the same files, every byte of the site is
//! the same, and no temporary or half-written file is left anywhere in the data directory.

use std::{
    collections::BTreeMap,
    fs,
    path::{Path, PathBuf},
    thread,
    time::{Duration, Instant},
};

use super::{git_in, tree};

/// Prefixes of the files a write stages before renaming them into place: the site writer's
/// (`shelf::output::dir::TEMP_PREFIX`) and `tempfile`'s default, which the blob store's
/// staging area and the index writer use.
const TEMP_PREFIXES: [&str; 2] = [shelf::output::dir::TEMP_PREFIX, ".tmp"];

/// The state of a data directory.
#[derive(Debug, PartialEq, Eq)]
pub struct Snapshot {
    /// `git rev-parse HEAD` of the index.
    head: String,
    /// Every file under `blobs/` (paths only: blobs are named by their hash).
    blobs: Vec<String>,
    /// Every file of the site with its bytes.
    site: BTreeMap<String, Vec<u8>>,
}

impl Snapshot {
    /// Takes a snapshot, asserting the index's working tree is clean and nothing temporary
    /// is lying around.
    pub fn take(data: &Path) -> Snapshot {
        // What the writer derives after its last answers first (a refused request derives
        // nothing, so the snapshot after it needs no wait).
        super::settled(data);
        let index = data.join("index");
        let status = git_in(&index, &["status", "--porcelain", "--untracked-files=all"]);
        assert!(
            status.is_empty(),
            "the index working tree is dirty:\n{status}"
        );
        let left = leftovers(data);
        assert!(left.is_empty(), "temporary files left behind: {left:?}");
        Snapshot {
            head: git_in(&index, &["rev-parse", "HEAD"]).trim().to_owned(),
            blobs: tree(&data.join("blobs")).into_keys().collect(),
            site: tree(&data.join("site")),
        }
    }

    /// Asserts `data` is still as this snapshot saw it, naming what differs.
    pub fn assert_unchanged(&self, data: &Path, case: &str) {
        // A dropped connection's handler may still be unwinding on a blocking thread (its
        // staging file is removed when that thread lets go of it); wait for that, bounded.
        wait_for_no_leftovers(data, case);
        let now = Snapshot::take(data);
        assert_eq!(now.head, self.head, "{case}: the index has a new commit");
        assert_eq!(now.blobs, self.blobs, "{case}: the blob store changed");
        if now.site != self.site {
            let changed: Vec<&String> = self
                .site
                .keys()
                .chain(now.site.keys())
                .filter(|k| self.site.get(*k) != now.site.get(*k))
                .collect();
            panic!("{case}: the site changed: {changed:?}");
        }
    }
}

/// Files whose names mark them as temporary, anywhere under `data` (the blob store's
/// staging folder counts whatever the names).
pub fn leftovers(data: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![data.to_owned()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            let staging = dir == data.join("blobs/tmp");
            if staging || TEMP_PREFIXES.iter().any(|p| name.starts_with(p)) {
                out.push(path.clone());
            }
            // The index's own git objects are git's business, not a write's leftovers.
            if entry.file_type().is_ok_and(|t| t.is_dir()) && name != ".git" {
                stack.push(path);
            }
        }
    }
    out.sort();
    out
}

fn wait_for_no_leftovers(data: &Path, case: &str) {
    // Not a timing assertion: the bound only turns a hang into a failure with a message.
    let deadline = Instant::now() + Duration::from_secs(30);
    while !leftovers(data).is_empty() && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(20));
    }
    let left = leftovers(data);
    assert!(
        left.is_empty(),
        "{case}: temporary files left behind: {left:?}"
    );
}
