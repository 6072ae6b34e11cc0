//! One writer per data directory: an exclusive advisory lock on `DATA/.shelf-lock`.
//!
//! The index, the blobs and the site assume a single writer: the server's writer thread, or
//! one command. Two processes on one data directory (a `shelf serve` and a `shelf add`, two
//! servers) would interleave commits and site writes, and each start's repair would undo the
//! other's half-written work. So every command that writes holds this lock for its whole life.
//! It is an `flock`: the kernel drops it when the process ends, however it ends, so a
//! SIGKILLed server leaves no stale lock behind.
//!
//! The file stays empty: a refused command, which promises to change nothing, must not
//! write to the data directory. Who holds the lock is asked of the kernel instead.

use std::{
    fs::{self, File, OpenOptions, TryLockError},
    io,
    os::unix::fs::MetadataExt as _,
    path::{Path, PathBuf},
};

/// The lock file's name in the data directory.
pub const LOCK_FILE: &str = ".shelf-lock";

/// The data directory's lock, held until dropped.
#[derive(Debug)]
pub struct DataLock {
    /// The open lock file; closing it releases the lock.
    _file: File,
}

/// Why the lock was not taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another process holds it.
    #[error(
        "another Shelf process is using the data directory {}: {} is locked{holder}; stop that process, or wait for it to finish",
        data.display(),
        path.display()
    )]
    Taken {
        data: PathBuf,
        path: PathBuf,
        /// `" by pid N (its command line)"`, or empty when the system does not say.
        holder: String,
    },
    /// The file could not be created or locked.
    #[error("cannot lock the data directory with {}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

impl DataLock {
    /// Takes the lock of the data directory `data` (created if missing) without waiting.
    ///
    /// # Errors
    /// [`LockError::Taken`] naming the holder when another process has it; I/O errors.
    pub fn acquire(data: &Path) -> Result<Self, LockError> {
        let path = data.join(LOCK_FILE);
        let io = |source| LockError::Io {
            path: path.clone(),
            source,
        };
        fs::create_dir_all(data).map_err(io)?;
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => Ok(DataLock { _file: file }),
            Err(TryLockError::WouldBlock) => Err(LockError::Taken {
                data: data.to_owned(),
                holder: holder(&file)
                    .map(|h| format!(" by {h}"))
                    .unwrap_or_default(),
                path,
            }),
            Err(TryLockError::Error(e)) => Err(io(e)),
        }
    }
}

/// Who holds the `flock` on `file`, as Linux's `/proc/locks` says: `pid N (command line)`.
/// `None` elsewhere, or when it cannot be told.
fn holder(file: &File) -> Option<String> {
    let inode = file.metadata().ok()?.ino();
    let locks = fs::read_to_string("/proc/locks").ok()?;
    // "1: FLOCK  ADVISORY  WRITE 1234 fe:00:5333029 0 EOF" (waiters have "->" second).
    // Matched on the inode alone: under overlay filesystems the device `stat` reports is not
    // always the one the kernel prints.
    let suffix = format!(":{inode}");
    let pid = locks.lines().find_map(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        match fields.as_slice() {
            [_, "FLOCK", _, _, pid, device, ..] if device.ends_with(&suffix) => Some(*pid),
            _ => None,
        }
    })?;
    let command = fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
    let command: Vec<String> = command
        .split(|b| *b == 0)
        .filter(|arg| !arg.is_empty())
        .map(|arg| String::from_utf8_lossy(arg).into_owned())
        .collect();
    Some(if command.is_empty() {
        format!("pid {pid}")
    } else {
        format!("pid {pid} ({})", command.join(" "))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_refused_until_the_first_lets_go() {
        let dir = tempfile::tempdir().expect("tempdir");
        let data = dir.path().join("data");
        let first = DataLock::acquire(&data).expect("first");
        let refused = DataLock::acquire(&data).expect_err("taken");
        let text = refused.to_string();
        assert!(
            text.contains(&format!("by pid {} (", std::process::id())) && text.contains(LOCK_FILE),
            "{text}"
        );
        drop(first);
        DataLock::acquire(&data).expect("free again");
        assert_eq!(
            fs::read(data.join(LOCK_FILE)).expect("lock file"),
            b"",
            "nothing is written to the data directory"
        );
    }
}
