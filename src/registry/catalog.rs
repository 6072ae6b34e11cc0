//! Every package's summary, in memory: the input of the registry-wide files and the
//! answer to `GET /search`.
//!
//! The writer thread fills it from the index once and then updates one entry per change;
//! the API reads it concurrently. A clone is a handle to the same catalog. Each entry keeps
//! its JSON as `-/search.json` holds it, so the document that lists every package is put
//! together after a publish from bytes already made ([`Catalog::search_document`]): a
//! change serialises its own entry, not the registry's.

use std::{
    collections::BTreeMap,
    sync::{Arc, PoisonError, RwLock},
};

use crate::site::docs::SearchEntry;

/// (package name, protocol) → the package's search entry: sorted by name, the protocols'
/// packages side by side.
#[derive(Clone, Default)]
pub struct Catalog {
    inner: Arc<RwLock<Option<BTreeMap<Key, Cached>>>>,
}

/// An entry and its JSON in `-/search.json`.
struct Cached {
    entry: SearchEntry,
    json: Box<[u8]>,
}

impl Cached {
    fn new(entry: SearchEntry) -> Self {
        // A struct of strings and string-keyed maps always serialises.
        let json = serde_json::to_vec(&entry).unwrap_or_default().into();
        Cached { entry, json }
    }
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
        let cached = entries
            .into_iter()
            .map(|(key, entry)| (key, Cached::new(entry)))
            .collect();
        *self.inner.write().unwrap_or_else(PoisonError::into_inner) = Some(cached);
    }

    /// Sets (`Some`) or removes (`None`) one package's entry.
    pub fn set(&self, protocol: &'static str, name: &str, entry: Option<SearchEntry>) {
        let mut inner = self.inner.write().unwrap_or_else(PoisonError::into_inner);
        let map = inner.get_or_insert_with(BTreeMap::new);
        let key = (name.to_owned(), protocol);
        match entry {
            Some(entry) => map.insert(key, Cached::new(entry)),
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
                .map(|(_, cached)| &cached.entry)),
            None => f(&mut std::iter::empty()),
        }
    }

    /// Runs `f` over the entries without copying them.
    pub fn read<T>(&self, f: impl FnOnce(&mut dyn Iterator<Item = &SearchEntry>) -> T) -> T {
        let inner = self.inner.read().unwrap_or_else(PoisonError::into_inner);
        match inner.as_ref() {
            Some(map) => f(&mut map.values().map(|cached| &cached.entry)),
            None => f(&mut std::iter::empty()),
        }
    }

    /// `-/search.json` of these entries, from each entry's JSON kept since it last changed:
    /// the bytes [`crate::site::docs::search_document`] makes from the entries themselves.
    #[must_use]
    pub fn search_document(&self) -> Vec<u8> {
        let inner = self.inner.read().unwrap_or_else(PoisonError::into_inner);
        let parts: Vec<&[u8]> = inner
            .as_ref()
            .map(|map| map.values().map(|cached| &*cached.json).collect())
            .unwrap_or_default();
        crate::site::docs::join_search_document(&parts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::docs::search_document;

    fn entry(name: &str, extra: bool) -> SearchEntry {
        let mut more = serde_json::Map::new();
        if extra {
            more.insert("protocol".into(), "npm".into());
        }
        SearchEntry {
            name: name.into(),
            kind: "Component".into(),
            description: "a \"quoted\" description, ünïcode".into(),
            tags: vec!["a".into()],
            provider: vec![],
            latest: Some("1.0.0".into()),
            updated: "2026-11-30T00:00:00Z".into(),
            category: "web".into(),
            people: Vec::new(),
            extra: more,
        }
    }

    #[test]
    fn the_kept_json_makes_the_same_document_as_the_entries() {
        let catalog = Catalog::default();
        let empty: Vec<&SearchEntry> = Vec::new();
        assert_eq!(catalog.search_document(), search_document(&empty));
        catalog.set("serverless", "b", Some(entry("b", false)));
        catalog.set("npm", "a", Some(entry("a", true)));
        catalog.set("serverless", "c", Some(entry("c", false)));
        catalog.set("serverless", "c", None);
        let entries = catalog.entries();
        let borrowed: Vec<&SearchEntry> = entries.iter().collect();
        assert_eq!(catalog.search_document(), search_document(&borrowed));
    }
}
