//! Replaced files freed off the writer's thread.
//!
//! Shelf replaces a file by renaming a finished one over it: every commit the package's
//! file in the index's working tree and the branch (`refs/heads/main`, which libgit2
//! renames from its lock), every batch the site files of its packages. The rename frees the
//! old file, and freeing is not free: on a filesystem mounted with `discard` (this
//! project's machine: ext4 without a journal) it waits for the device to discard the freed
//! blocks, and under many publishers that wait was most of what the writer thread and the
//! threads writing site files did (perf's `sched_switch` stacks: `ext4_evict_inode` →
//! `blkdev_issue_discard`). So [`replace`] first links the old file into a folder of the
//! same filesystem, renames, and hands the link to a thread of its own that unlinks it: the
//! rename frees nothing, and the wait happens there. Links a stopped process left behind
//! carry [`PREFIX`]; the recovery every start runs removes them
//! ([`crate::registry::recover`]: the index's in `.git/`, the site's among its temporary
//! files).

use std::{
    fs, io,
    path::{Path, PathBuf},
    sync::{
        Condvar, Mutex, OnceLock, PoisonError,
        atomic::{AtomicU64, Ordering},
        mpsc,
    },
};

/// The names of the links [`replace`] keeps until the reaper unlinks them.
pub const PREFIX: &str = ".shelf-old-";

/// Runs `rename` (which renames a finished file over `dest`) with `dest`'s old file kept
/// linked in `dir` (same filesystem) until the reaper thread unlinks it. Without an old
/// file, or when the link cannot be made, `rename` frees it itself as before.
///
/// # Errors
/// Those of `rename`.
pub fn replace<T, E>(
    dest: &Path,
    dir: &Path,
    rename: impl FnOnce() -> Result<T, E>,
) -> Result<T, E> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let link = dir.join(format!(
        "{PREFIX}{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let kept = fs::hard_link(dest, &link).is_ok();
    let renamed = rename();
    if kept {
        release(link);
    }
    renamed
}

/// Waits until every link handed to the reaper so far is unlinked.
pub fn drain() {
    if let Some(Some(reaper)) = REAPER.get() {
        let mut pending = reaper
            .pending
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        while *pending > 0 {
            pending = reaper
                .done
                .wait(pending)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }
}

struct Reaper {
    links: Mutex<mpsc::Sender<PathBuf>>,
    pending: Mutex<usize>,
    done: Condvar,
}

impl Reaper {
    /// One link fewer to wait for ([`drain`]).
    fn finished(&self) {
        *self.pending.lock().unwrap_or_else(PoisonError::into_inner) -= 1;
        self.done.notify_all();
    }
}

static REAPER: OnceLock<Option<Reaper>> = OnceLock::new();

/// Hands `link` to the reaper thread (started on first use); unlinks it here when the
/// thread cannot be started.
fn release(link: PathBuf) {
    let reaper = REAPER.get_or_init(|| {
        let (links, queue) = mpsc::channel::<PathBuf>();
        std::thread::Builder::new()
            .name("shelf-reaper".into())
            .spawn(move || {
                for link in queue {
                    unlink(&link);
                    if let Some(Some(reaper)) = REAPER.get() {
                        reaper.finished();
                    }
                }
            })
            .ok()?;
        Some(Reaper {
            links: Mutex::new(links),
            pending: Mutex::new(0),
            done: Condvar::new(),
        })
    });
    let Some(reaper) = reaper else {
        unlink(&link);
        return;
    };
    *reaper
        .pending
        .lock()
        .unwrap_or_else(PoisonError::into_inner) += 1;
    let sent = reaper
        .links
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .send(link);
    if let Err(mpsc::SendError(link)) = sent {
        unlink(&link);
        reaper.finished();
    }
}

fn unlink(link: &Path) {
    if let Err(e) = fs::remove_file(link)
        && e.kind() != io::ErrorKind::NotFound
    {
        tracing::warn!("cannot remove {}: {e}", link.display());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_replaced_file_is_unlinked_by_the_reaper_and_its_content_kept_until_then() {
        let dir = tempfile::tempdir().expect("tempdir");
        let dest = dir.path().join("file");
        fs::write(&dest, b"old").expect("old");
        let temp = dir.path().join("temp");
        fs::write(&temp, b"new").expect("new");
        replace(&dest, dir.path(), || fs::rename(&temp, &dest)).expect("replace");
        assert_eq!(fs::read(&dest).expect("read"), b"new");
        drain();
        let names: Vec<_> = fs::read_dir(dir.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names, ["file"], "the old file's link is gone");
        // Nothing to keep: the rename alone.
        let fresh = dir.path().join("fresh");
        fs::write(&temp, b"x").expect("temp");
        replace(&fresh, dir.path(), || fs::rename(&temp, &fresh)).expect("fresh");
        drain();
        assert_eq!(fs::read(&fresh).expect("read"), b"x");
    }
}
