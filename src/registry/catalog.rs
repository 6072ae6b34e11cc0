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

/// (package name, protocol) → the package's search entry: sorted by name, the protocols'
/// packages side by side.
#[derive(Clone, Default)]
pub struct Catalog {
    inner: Arc<RwLock<Option<BTreeMap<Key, SearchEntry>>>>,
}

/// A catalog key: the package's name as published, and its protocol.
pub type Key = (String, &'static str);

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
    pub fn replace(&self, entries: BTreeMap<Key, SearchEntry>) {
        *self.inner.write().unwrap_or_else(PoisonError::into_inner) = Some(entries);
    }

    /// Sets (`Some`) or removes (`None`) one package's entry.
    pub fn set(&self, protocol: &'static str, name: &str, entry: Option<SearchEntry>) {
        let mut inner = self.inner.write().unwrap_or_else(PoisonError::into_inner);
        let map = inner.get_or_insert_with(BTreeMap::new);
        let key = (name.to_owned(), protocol);
        match entry {
            Some(entry) => map.insert(key, entry),
            None => map.remove(&key),
        };
    }

    /// Whether a package of `protocol` whose name `canonical` maps to the same canonical
    /// form is in the catalog.
    #[must_use]
    pub fn contains(
        &self,
        protocol: &str,
        canonical: &str,
        canonical_of: impl Fn(&str) -> String,
    ) -> bool {
        let inner = self.inner.read().unwrap_or_else(PoisonError::into_inner);
        inner.as_ref().is_some_and(|map| {
            map.keys()
                .any(|(name, p)| *p == protocol && canonical_of(name) == canonical)
        })
    }

    /// Every entry, sorted by name.
    #[must_use]
    pub fn entries(&self) -> Vec<SearchEntry> {
        self.read(|entries| entries.cloned().collect())
    }

    /// Runs `f` over one protocol's entries, sorted by name, without copying them.
    pub fn read_in<T>(
        &self,
        protocol: &str,
        f: impl FnOnce(&mut dyn Iterator<Item = &SearchEntry>) -> T,
    ) -> T {
        let inner = self.inner.read().unwrap_or_else(PoisonError::into_inner);
        match inner.as_ref() {
            Some(map) => f(&mut map
                .iter()
                .filter(|((_, p), _)| *p == protocol)
                .map(|(_, entry)| entry)),
            None => f(&mut std::iter::empty()),
        }
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
