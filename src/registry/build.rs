//! Writing the site: a change's packages plus the registry-wide files, a full build, and the
//! catalog both read from. Every package is planned by its protocol ([`Protocol`]); this
//! file knows no package format.

use std::collections::BTreeMap;

use rayon::prelude::*;

use super::{Catalog, Registry, RegistryError};
use crate::{
    output::writer::{SyncStats, Writer},
    protocols,
    site::{
        docs::SearchEntry,
        plan::{self, Context},
        protocol::{PackageId, Planned},
    },
};

/// How many packages a full build renders at once (a slice's files are held in memory).
const BUILD_SLICE: usize = 256;

impl Registry {
    /// Rewrites the site. `None` rebuilds everything and removes every file nothing
    /// produces; `Some(packages)` rewrites only those packages' files plus the
    /// registry-wide files. Files whose bytes did not change are not touched.
    ///
    /// # Errors
    /// An unknown package; I/O, git or render errors.
    pub fn build(&mut self, only: Option<&[PackageId]>) -> Result<SyncStats, RegistryError> {
        let Some(packages) = only.filter(|_| !self.needs_full_build) else {
            return self.build_all();
        };
        for id in packages {
            let known = protocols::named(id.protocol)
                .map(|p| p.package_exists(self.index.root(), &id.canonical))
                .transpose()?
                .unwrap_or(false);
            if !known {
                return Err(RegistryError::PackageNotFound(id.canonical.clone()));
            }
        }
        self.regenerate(packages)
    }

    /// The catalog, shared: the API answers `/search` from it while this registry updates it.
    ///
    /// # Errors
    /// Index errors while loading it the first time.
    pub fn catalog(&mut self) -> Result<Catalog, RegistryError> {
        self.load_catalog()?;
        Ok(self.catalog.clone())
    }

    fn load_catalog(&mut self) -> Result<(), RegistryError> {
        if self.catalog.is_loaded() {
            return Ok(());
        }
        let mut catalog = BTreeMap::new();
        let root = self.index.root();
        for protocol in protocols::ALL {
            for canonical in protocol.packages(root)? {
                if let Some(entry) = protocol.summary(root, &canonical)? {
                    catalog.insert((entry.name.clone(), protocol.name()), entry);
                }
            }
        }
        self.catalog.replace(catalog);
        Ok(())
    }

    /// From now until [`Registry::flush`], changes commit to the index but leave writing
    /// their files to the flush. The writer thread runs every job already queued this way:
    /// each is still its own commit, and the package files, registry-wide files, change feed
    /// and index export are written once for all of them. Under many concurrent publishers
    /// that is what a publish costs most, and what the callers wait for anyway.
    pub fn defer_writes(&mut self) {
        self.deferred.get_or_insert_with(Vec::new);
    }

    /// How many changes wait for [`Registry::flush`].
    #[must_use]
    pub fn deferred_len(&self) -> usize {
        self.deferred.as_ref().map_or(0, Vec::len)
    }

    /// Writes the files of every change deferred since [`Registry::defer_writes`] (a package
    /// changed twice is written once, as it is now) and stops deferring.
    ///
    /// # Errors
    /// Those of the writes; the next change then rebuilds everything, so nothing committed
    /// stays missing from the site.
    pub fn flush(&mut self) -> Result<SyncStats, RegistryError> {
        let Some(changed) = self.deferred.take() else {
            return Ok(SyncStats::default());
        };
        if changed.is_empty() {
            return Ok(SyncStats::default());
        }
        // Each package once, where it last changed.
        let mut latest: Vec<PackageId> = Vec::with_capacity(changed.len());
        for id in changed.into_iter().rev() {
            if !latest.contains(&id) {
                latest.push(id);
            }
        }
        latest.reverse();
        self.regenerate(&latest)
            .inspect_err(|_| self.needs_full_build = true)
    }

    /// Rewrites the files of the `changed` packages and the registry-wide files (or defers
    /// that, see [`Registry::defer_writes`]).
    ///
    /// # Errors
    /// I/O, git or render errors.
    pub fn regenerate(&mut self, changed: &[PackageId]) -> Result<SyncStats, RegistryError> {
        if let Some(deferred) = &mut self.deferred {
            deferred.extend_from_slice(changed);
            return Ok(SyncStats::default());
        }
        if self.needs_full_build {
            return self.build_all();
        }
        self.load_catalog()?;
        let config = self.index.config()?;
        let cx = self.context(&config);
        let writer = Writer::new(&*self.target, self.layout, protocols::RULES);
        let mut stats = SyncStats::default();
        // Where the time goes, for an operator wondering why publishes got slow.
        let mut timer = PhaseTimer::start();
        let root = self.index.root();
        for id in changed {
            let Some(protocol) = protocols::named(id.protocol) else {
                continue;
            };
            let Some(planned) = protocol.plan(root, &id.canonical, &cx)? else {
                continue;
            };
            let Planned {
                name,
                scope,
                files,
                entry,
            } = planned;
            stats.absorb(writer.sync_scope(&scope, files)?);
            self.catalog.set(protocol.name(), &name, entry);
        }
        let packages = timer.lap();
        let files = self.catalog.read(|entries| {
            let entries: Vec<&SearchEntry> = entries.collect();
            plan::registry_files(&entries, &cx)
        })?;
        stats.absorb(writer.sync_scope(&plan::registry_scope(), files)?);
        let registry_wide = timer.lap();
        let histories = crate::history::files(&self.index, &self.data, &config, false)?;
        let history_derived = timer.lap();
        for history in histories {
            stats.absorb(writer.sync_scope(&history.scope, history.files)?);
        }
        let history_written = timer.lap();
        tracing::debug!(
            ?packages,
            ?registry_wide,
            ?history_derived,
            ?history_written,
            written = stats.written.len(),
            "site files regenerated"
        );
        self.hooks.after_write(&stats);
        Ok(stats)
    }

    /// What every plan is given: the index's settings, the renderer, the blob store, the
    /// assets, and every protocol's path templates for `-/config.json`.
    fn context<'a>(&'a self, config: &'a crate::index::IndexConfig) -> Context<'a> {
        let mut paths = serde_json::Map::new();
        for protocol in protocols::ALL {
            paths.extend(protocol.config_paths());
        }
        // The later protocols' rules first: the Serverless ones (registered first) match any
        // first path segment, so the protocols under a fixed prefix (`npm/`) must precede
        // them in nginx, which takes the first regular expression that matches.
        let nginx: String = protocols::ALL.iter().rev().map(|p| p.nginx()).collect();
        Context::new(
            config,
            &self.renderer,
            &self.blobs,
            &self.assets,
            paths,
            nginx,
        )
    }

    pub(super) fn build_all(&mut self) -> Result<SyncStats, RegistryError> {
        let config = self.index.config()?;
        let cx = self.context(&config);
        let writer = Writer::new(&*self.target, self.layout, protocols::RULES);
        // The whole site is listed once and written in batches; what nothing wrote goes.
        let mut sync = writer.begin(&[String::new()])?;
        let mut catalog = BTreeMap::new();
        let root = self.index.root().to_owned();
        for protocol in protocols::ALL {
            let names = protocol.packages(&root)?;
            // Packages are read and rendered on every core, a slice at a time (so memory
            // holds one slice's files, not the site's), and written in order: a package's
            // files must reach the target in the order the plan gives (`latest` last), or a
            // reader could see a `latest` its list does not hold yet.
            for slice in names.chunks(BUILD_SLICE) {
                let planned: Vec<Result<Option<Planned>, RegistryError>> = slice
                    .par_iter()
                    .map(|canonical| Ok(protocol.plan(&root, canonical, &cx)?))
                    .collect();
                for package in planned.into_iter().filter_map(Result::transpose) {
                    let Planned {
                        name, files, entry, ..
                    } = package?;
                    sync.write(files)?;
                    if let Some(entry) = entry {
                        catalog.insert((name, protocol.name()), entry);
                    }
                }
            }
        }
        let entries: Vec<&SearchEntry> = catalog.values().collect();
        sync.write(plan::registry_files(&entries, &cx)?)?;
        for history in crate::history::files(&self.index, &self.data, &config, true)? {
            sync.write(history.files)?;
        }
        let stats = sync.finish()?;
        self.catalog.replace(catalog);
        self.needs_full_build = false;
        self.hooks.after_write(&stats);
        Ok(stats)
    }
}

/// Laps of a stopwatch, for debug logs.
struct PhaseTimer(std::time::Instant);

impl PhaseTimer {
    fn start() -> Self {
        PhaseTimer(std::time::Instant::now())
    }

    /// The time since the last lap (or the start).
    fn lap(&mut self) -> std::time::Duration {
        let now = std::time::Instant::now();
        now.duration_since(std::mem::replace(&mut self.0, now))
    }
}
