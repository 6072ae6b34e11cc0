//! A target that keeps its keys in memory: for tests of the keys layout and of the writer.

use std::{
    collections::BTreeMap,
    fs, io,
    path::Path,
    sync::{Mutex, PoisonError},
};

use super::{Outcome, Target};

/// Keys and their bytes; zipballs are copied in.
#[derive(Debug, Default)]
pub struct MemoryTarget {
    files: Mutex<BTreeMap<String, Vec<u8>>>,
}

impl MemoryTarget {
    /// A snapshot of every key and its bytes.
    #[must_use]
    pub fn snapshot(&self) -> BTreeMap<String, Vec<u8>> {
        self.files
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn store(&self, key: &str, bytes: Vec<u8>) -> Outcome {
        let mut files = self.files.lock().unwrap_or_else(PoisonError::into_inner);
        if files.get(key) == Some(&bytes) {
            return Outcome::Unchanged;
        }
        files.insert(key.to_owned(), bytes);
        Outcome::Written
    }
}

impl Target for MemoryTarget {
    fn put(&self, key: &str, bytes: &[u8]) -> io::Result<Outcome> {
        Ok(self.store(key, bytes.to_vec()))
    }

    fn put_blob(&self, key: &str, blob: &Path) -> io::Result<Outcome> {
        Ok(self.store(key, fs::read(blob)?))
    }

    fn remove(&self, key: &str) -> io::Result<bool> {
        Ok(self
            .files
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(key)
            .is_some())
    }

    fn list(&self, prefix: &str) -> io::Result<Vec<String>> {
        let files = self.files.lock().unwrap_or_else(PoisonError::into_inner);
        Ok(files
            .keys()
            .filter(|k| k.starts_with(prefix))
            .cloned()
            .collect())
    }
}
