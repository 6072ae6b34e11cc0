//! Every package's summary, in memory: the input of the registry-wide files and the
//! answer to `GET /search`.
//!
//! The writer thread fills it from the index once and then updates one entry per change;
//! the API reads it concurrently. A clone is a handle to the same catalog.

use std::{
    collections::BTreeMap,
    sync::{Arc, PoisonError, RwLock},
};

use crate::site::docs::SearchEntry;

/// Package name → its search entry, sorted by name.
#[derive(Clone, Default)]
pub struct Catalog {
    inner: Arc<RwLock<Option<BTreeMap<String, SearchEntry>>>>,
}

impl Catalog {
    /// Whether it has been filled from the index.
    #[must_use]
    pub fn is_loaded(&self) -> bool {
        self.inner
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .is_some()
    }

    /// Replaces every entry.
    pub fn replace(&self, entries: BTreeMap<String, SearchEntry>) {
        *self.inner.write().unwrap_or_else(PoisonError::into_inner) = Some(entries);
    }

    /// Sets (`Some`) or removes (`None`) one package's entry.
    pub fn set(&self, name: &str, entry: Option<SearchEntry>) {
        let mut inner = self.inner.write().unwrap_or_else(PoisonError::into_inner);
        let map = inner.get_or_insert_with(BTreeMap::new);
        match entry {
            Some(entry) => map.insert(name.to_owned(), entry),
            None => map.remove(name),
        };
    }

    /// Whether a package with this canonical name (`_` written as `-`) is in the catalog.
    #[must_use]
    pub fn contains_canonical(&self, canonical: &str) -> bool {
        let inner = self.inner.read().unwrap_or_else(PoisonError::into_inner);
        inner
            .as_ref()
            .is_some_and(|map| map.keys().any(|name| name.replace('_', "-") == canonical))
    }

    /// Every entry, sorted by name.
    #[must_use]
    pub fn entries(&self) -> Vec<SearchEntry> {
        self.read(|entries| entries.cloned().collect())
    }

    /// Runs `f` over the entries without copying them.
    pub fn read<T>(&self, f: impl FnOnce(&mut dyn Iterator<Item = &SearchEntry>) -> T) -> T {
        let inner = self.inner.read().unwrap_or_else(PoisonError::into_inner);
        match inner.as_ref() {
            Some(map) => f(&mut map.values()),
            None => f(&mut std::iter::empty()),
        }
    }
}
