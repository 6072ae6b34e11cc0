//! Output targets: where the one site writer's files land.
//!
//! A target stores bytes under keys and knows how to tell an unchanged file from a changed
//! one in its own terms (bytes on disk, later object metadata), so that a rebuild writes
//! nothing that did not change. [`dir::DirTarget`] is a directory; [`memory::MemoryTarget`]
//! keeps keys in memory for tests of the keys layout.

pub mod dir;
pub mod memory;
pub mod purge;
pub mod s3;

use std::{io, path::Path};

pub use dir::DirTarget;
pub use memory::MemoryTarget;

/// What a write did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The key now holds new content.
    Written,
    /// The key already held this content; nothing was touched.
    Unchanged,
}

/// A place the site is written to, addressed by `/`-separated keys without a leading slash.
pub trait Target: Send + Sync {
    /// Stores `bytes` at `key` unless the key already holds exactly these bytes. Readers
    /// never see a partial file.
    ///
    /// # Errors
    /// I/O errors of the target.
    fn put(&self, key: &str, bytes: &[u8]) -> io::Result<Outcome>;

    /// Stores the blob file at `blob` under `key` (a zipball), by reference where the target
    /// can (a hard link), else by copy.
    ///
    /// # Errors
    /// I/O errors of the target.
    fn put_blob(&self, key: &str, blob: &Path) -> io::Result<Outcome>;

    /// Removes `key`; `false` when it was not there.
    ///
    /// # Errors
    /// I/O errors of the target.
    fn remove(&self, key: &str) -> io::Result<bool>;

    /// Every key that starts with `prefix` (`""` lists everything).
    ///
    /// # Errors
    /// I/O errors of the target.
    fn list(&self, prefix: &str) -> io::Result<Vec<String>>;
}

/// Opens the target a `--target` spec names (`s3://BUCKET/PREFIX`).
///
/// # Errors
/// An unknown scheme, or the store cannot be configured.
pub fn open_remote(spec: &str, _options: &crate::registry::Options) -> io::Result<Box<dyn Target>> {
    Err(io::Error::other(format!(
        "unsupported target {spec:?}: the S3 target is not built yet"
    )))
}

/// A shared target is a target: the server and a test can hold the same one.
impl<T: Target + ?Sized> Target for std::sync::Arc<T> {
    fn put(&self, key: &str, bytes: &[u8]) -> io::Result<Outcome> {
        (**self).put(key, bytes)
    }

    fn put_blob(&self, key: &str, blob: &Path) -> io::Result<Outcome> {
        (**self).put_blob(key, blob)
    }

    fn remove(&self, key: &str) -> io::Result<bool> {
        (**self).remove(key)
    }

    fn list(&self, prefix: &str) -> io::Result<Vec<String>> {
        (**self).list(prefix)
    }
}
