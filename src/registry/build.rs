//! Writing the site: a change's packages plus the registry-wide files, a full build, and the
//! catalog both read from. Every package is planned by its protocol ([`Protocol`]); this
//! file knows no package format.

use std::collections::BTreeMap;

use rayon::prelude::*;

use super::{Catalog, Registry, RegistryError, inputs};
use crate::{
    history::ScopedFiles,
    index::IndexConfig,
    output::writer::{ScopeSync, SyncStats, Writer, WrittenNow},
    progress::{Progress, Silent, Tally},
    protocols,
    site::{
        docs::SearchEntry,
        plan::{self, Context},
        protocol::{PackageId, Planned},
    },
};

/// How many packages a full build renders at once (a slice's files are held in memory).
const BUILD_SLICE: usize = 32;

impl Registry {
    /// Rewrites the site. `None` brings everything up to date: the packages whose inputs
    /// changed since the last build of this target (see [`super::inputs`]), or, without a
    /// usable record of that build, every package, removing every file nothing produces.
    /// `Some(packages)` rewrites only those packages' files plus the registry-wide files.
    /// Files whose bytes did not change are not touched.
    ///
    /// # Errors
    /// An unknown package; I/O, git or render errors.
    pub fn build(&mut self, only: Option<&[PackageId]>) -> Result<SyncStats, RegistryError> {
        let Some(packages) = only.filter(|_| !self.needs_full_build) else {
            return self.build_everything(false);
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
        // These packages' index files did not change, so a record of the last build would
        // not see what this one leaves half-written if it stops.
        if let Some(record) = &self.inputs_record {
            inputs::forget(record)?;
        }
        self.regenerate(packages)
    }

    /// The build a server runs as it starts: [`Registry::build`] of everything that
    /// changed, except the history's files (change feed, `-/index.git/`, whose export may
    /// merge packs for seconds after many small commits), left owed to the writer thread,
    /// which writes them as soon as it runs ([`super::worker`]): the server listens first.
    ///
    /// # Errors
    /// As [`Registry::build`].
    pub fn build_at_start(&mut self) -> Result<SyncStats, RegistryError> {
        self.defer_history = true;
        let built = self.build(None);
        self.defer_history = false;
        built
    }

    /// Rebuilds everything and compares every file with the target, whatever the record
    /// of the last build says (`shelf build --verify`); records the inputs after.
    ///
    /// # Errors
    /// I/O, git or render errors.
    pub fn build_verified(&mut self) -> Result<SyncStats, RegistryError> {
        self.build_everything(true)
    }

    /// A full build, or only what changed when the record of the last build allows it.
    fn build_everything(&mut self, verify: bool) -> Result<SyncStats, RegistryError> {
        let Some(record) = self.inputs_record.clone() else {
            return Ok(self.build_all_counted()?.stats);
        };
        let config = self.index.config()?;
        let global = self.global_fingerprint(&config)?;
        let mut current = super::inputs::package_hashes(&self.index)?;
        let mut head = self.index.head()?.to_string();
        let previous = super::inputs::load(&record);
        super::inputs::forget(&record)?;
        let plan = if verify {
            inputs::Plan::Full("--verify")
        } else if self.needs_full_build {
            inputs::Plan::Full("the base URL changed")
        } else if !self.index.dirty_paths()?.is_empty() {
            inputs::Plan::Full("the index's working tree differs from HEAD")
        } else if !self.target_has_config()? {
            inputs::Plan::Full("the target has no -/config.json")
        } else {
            inputs::plan(previous.as_ref(), &global, &current, &head)
        };
        // The history's files are written again when the feed's state is gone (the
        // start-up repair forgets one that names a page the site lacks).
        let feed_state = self.data.join(crate::history::feed::STATE_FILE);
        let plan = match plan {
            inputs::Plan::Changed {
                changed,
                untouched,
                history,
            } => inputs::Plan::Changed {
                changed,
                untouched,
                history: history || !feed_state.exists(),
            },
            full @ inputs::Plan::Full(_) => full,
        };
        let (stats, files, registry_files) = match plan {
            inputs::Plan::Full(why) => {
                tracing::info!("building every package: {why}");
                let wrote = self.build_all_counted()?;
                for failure in &wrote.failed {
                    current.remove(&inputs::key(&failure.id));
                }
                let registry_files = wrote.registry_files.unwrap_or(0);
                (wrote.stats, wrote.files, registry_files)
            }
            inputs::Plan::Changed {
                changed,
                untouched,
                history,
            } => {
                tracing::info!(
                    changed = changed.len(),
                    untouched,
                    "building only what changed since the last build"
                );
                let previous = previous.unwrap_or_default();
                // A server starting leaves the history's files to its writer
                // ([`Registry::build_at_start`]); the record keeps the head they reached.
                let defer = history && self.defer_history;
                if defer {
                    head.clone_from(&previous.head);
                    self.derived_owed = true;
                }
                let Wrote {
                    mut stats,
                    files: counts,
                    registry_files,
                    failed,
                } = self.regenerate_counted(&changed, !changed.is_empty(), history && !defer)?;
                stats.untouched = untouched;
                // Not recorded as built: the next build tries them again.
                for failure in &failed {
                    tracing::error!("{}", failure.describe());
                    current.remove(&inputs::key(&failure.id));
                }
                let mut files: BTreeMap<String, usize> = (previous.packages.into_iter())
                    .map(|(key, package)| (key, package.files))
                    .collect();
                files.extend(counts);
                let registry_files = registry_files.unwrap_or(previous.registry_files);
                (stats, files, registry_files)
            }
        };
        let packages = current
            .into_iter()
            .map(|(key, hash)| {
                let files = files.get(&key).copied().unwrap_or(0);
                (key, inputs::PackageInputs { hash, files })
            })
            .collect();
        let record_of = inputs::Inputs {
            global,
            packages,
            registry_files,
            head,
        };
        inputs::save(&record, &record_of)?;
        Ok(stats)
    }

    /// What every file depends on besides the packages' records: Shelf itself, the index's
    /// settings, the templates and assets, the layout.
    fn global_fingerprint(&self, config: &IndexConfig) -> Result<String, RegistryError> {
        let config = serde_json::to_vec(config).map_err(std::io::Error::other)?;
        let stamp = inputs::binary_stamp();
        let layout = format!("{:?}", self.layout);
        let templates = match &self.presentation.0 {
            Some(dir) => inputs::folder_files(dir)?,
            None => Vec::new(),
        };
        let mut parts: Vec<&[u8]> = vec![stamp.as_bytes(), layout.as_bytes(), &config];
        for (name, bytes) in templates.iter().chain(&self.assets) {
            parts.push(name.as_bytes());
            parts.push(bytes);
        }
        Ok(inputs::fingerprint(parts))
    }

    /// Whether the target holds the registry's `-/config.json`: a target emptied by hand
    /// (its record then lies) lacks it.
    fn target_has_config(&self) -> Result<bool, RegistryError> {
        let key = self.layout.key(plan::CONFIG_PATH, &protocols::RULES);
        Ok(self
            .target
            .list_stamped(std::slice::from_ref(&key))?
            .contains(&key))
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
    /// each is still its own commit, and the package files are written once for all of
    /// them (the commits made durable by one `syncfs`); git's staging area
    /// ([`crate::index::IndexRepo::defer_stage`]) and the files derived from every package
    /// or from the history are left owed ([`Registry::write_derived`]). Under many
    /// concurrent publishers that is what a publish costs most, and what the callers wait
    /// for anyway.
    pub fn defer_writes(&mut self) {
        self.deferred.get_or_insert_with(Vec::new);
        self.index.defer_stage();
        self.index.defer_sync();
    }

    /// The packages changed since the changes waiting for [`Registry::flush`] numbered
    /// `from`.
    #[must_use]
    pub fn deferred_since(&self, from: usize) -> Vec<PackageId> {
        (self.deferred.as_ref())
            .and_then(|d| d.get(from..))
            .map(<[PackageId]>::to_vec)
            .unwrap_or_default()
    }

    /// Has `undo` run if the writer refuses the change now running, because its files
    /// could not be written ([`super::worker`]): for what a change does besides its
    /// commits (a database row). A change made outside a batch is never refused, and
    /// drops it.
    pub fn on_refused(&mut self, undo: impl FnOnce() + Send + 'static) {
        if self.deferred.is_some() {
            self.undo.push(Box::new(undo));
        }
    }

    /// What [`Registry::on_refused`] gathered for the change that just ran.
    pub(super) fn take_undo(&mut self) -> Vec<super::Undo> {
        std::mem::take(&mut self.undo)
    }

    /// How many changes wait for [`Registry::flush`].
    #[must_use]
    pub fn deferred_len(&self) -> usize {
        self.deferred.as_ref().map_or(0, Vec::len)
    }

    /// Makes the commits deferred since [`Registry::defer_writes`] durable (one `syncfs`,
    /// [`crate::index::IndexRepo::sync`]), writes the package files of every change
    /// (a package changed twice is written once, as it is now) and stops deferring. The
    /// registry-wide files (home page, search document) and the history's (change feed,
    /// `-/index.git/`) are owed from then until [`Registry::write_derived`]: no client of a
    /// protocol reads them to install what was published (the writer thread writes them
    /// after the answers, [`super::worker`]), and so is git's staging area, which no client
    /// reads either.
    ///
    /// A package whose files could not be written does not fail the flush: it is in
    /// [`Flushed::failed`], for the writer to refuse the changes behind it
    /// ([`Registry::refuse`]); every other package's files are written.
    ///
    /// # Errors
    /// Making the commits durable, listing the target; the next change then rebuilds
    /// everything, so nothing committed stays missing from the site.
    pub fn flush(&mut self) -> Result<Flushed, RegistryError> {
        // The batch's commits, durable before any of them is answered.
        let started = std::time::Instant::now();
        self.index.sync()?;
        tracing::debug!(took = ?started.elapsed(), "the batch's commits made durable");
        let Some(changed) = self.deferred.take() else {
            return Ok(Flushed::default());
        };
        if changed.is_empty() {
            return Ok(Flushed::default());
        }
        if self.needs_full_build {
            return Ok(Flushed {
                stats: self.build_everything(false)?,
                failed: Vec::new(),
            });
        }
        // Each package once, where it last changed.
        let mut latest: Vec<PackageId> = Vec::with_capacity(changed.len());
        for id in changed.into_iter().rev() {
            if !latest.contains(&id) {
                latest.push(id);
            }
        }
        latest.reverse();
        // The files the batch replaces are freed off this path (`crate::reap`); the
        // derived files' write waits for that first, so once they are written nothing
        // replaced is left.
        self.target.reap_replaced(true);
        let wrote = self.regenerate_counted(&latest, false, false);
        self.target.reap_replaced(false);
        let wrote = wrote.inspect_err(|_| self.needs_full_build = true)?;
        self.derived_owed = true;
        Ok(Flushed {
            stats: wrote.stats,
            failed: wrote.failed,
        })
    }

    /// Whether flushed changes still owe the registry-wide and history files, or git's
    /// staging area.
    #[must_use]
    pub fn derived_owed(&self) -> bool {
        self.derived_owed || self.index.stage_pending()
    }

    /// Writes what flushes left owed, once for all of them: git's staging area first, then
    /// the registry-wide files and the history's files (`-/index.git/info/refs` last: once
    /// it names a commit, everything derived from it is written).
    ///
    /// Until the staging area is written it lags `HEAD` (the commits and the working tree
    /// are current), and Shelf holds git's lock on it so that no hand-made commit starts
    /// from it; a server killed in that moment leaves both, which the recovery every start
    /// runs puts right ([`crate::index::IndexRepo::defer_stage`]).
    ///
    /// # Errors
    /// Those of the writes; they stay owed (and a full build is planned), so the writer
    /// tries again; a staging area that could not be written stays owed without failing
    /// the rest.
    pub fn write_derived(&mut self) -> Result<SyncStats, RegistryError> {
        crate::reap::drain();
        // A `git status` run by hand in the index holds git's lock for a moment: the
        // staging area then stays owed (the writer tries again), and the files derived from
        // the commits, which need no lock, are written all the same.
        if let Err(e) = self.index.write_stage() {
            tracing::warn!(
                "git's staging area could not be written yet, tried again shortly: {:#}",
                anyhow::Error::from(e)
            );
        }
        if !std::mem::take(&mut self.derived_owed) {
            return Ok(SyncStats::default());
        }
        let written = if self.needs_full_build {
            self.build_everything(false)
        } else {
            self.regenerate_counted(&[], true, true)
                .inspect_err(|_| self.needs_full_build = true)
                .map(|wrote| wrote.stats)
        };
        // Still owed until they are written: the writer tries again.
        if written.is_err() {
            self.derived_owed = true;
        }
        written
    }

    /// Takes back changes whose files could not be written ([`Flushed::failed`]): the
    /// commits `drop` go from the history since `base` ([`crate::index::IndexRepo::drop_commits`]),
    /// then each failed package's files are written again from the index as it is now
    /// (those of a package that no longer exists, a refused new one, are removed), and
    /// what runs after a write (pushing the index, purges) runs. Best effort past the
    /// index: a package whose files still cannot be written keeps what it has, logged.
    ///
    /// # Errors
    /// The index's, when the commits cannot be taken back (they then stand).
    pub fn refuse(
        &mut self,
        base: git2::Oid,
        drop: &std::collections::HashSet<git2::Oid>,
        failed: &[&Failed],
    ) -> Result<(), RegistryError> {
        let restored = self.index.drop_commits(base, drop)?;
        tracing::warn!(
            commits = drop.len(),
            files = ?restored,
            "took back changes whose files could not be written"
        );
        let ids: Vec<PackageId> = failed.iter().map(|f| f.id.clone()).collect();
        let again = self.regenerate_counted(&ids, false, false)?;
        let mut stats = again.stats;
        for failure in failed {
            // Unknown (the record cannot be read) counts as existing: nothing is removed.
            let exists = protocols::named(failure.id.protocol).is_some_and(|p| {
                (p.package_exists(self.index.root(), &failure.id.canonical)).unwrap_or(true)
            });
            if exists {
                continue;
            }
            // A refused new package: the files its plan named go (nothing else under its
            // folders, which may be another's).
            let keys: Vec<String> = (failure.keys.iter())
                .map(|path| self.layout.key(path, &protocols::RULES))
                .collect();
            match self.target.remove_many(&keys) {
                Ok(gone) => stats.removed.extend(
                    keys.into_iter()
                        .zip(gone)
                        .filter_map(|(key, gone)| gone.then_some(key)),
                ),
                Err(e) => tracing::error!(
                    "removing what the refused {} left: {e}",
                    inputs::key(&failure.id)
                ),
            }
        }
        for failure in &again.failed {
            tracing::error!(
                "the files of {} cannot be written back: {}",
                inputs::key(&failure.id),
                failure.describe()
            );
        }
        self.hooks.after_write(&stats);
        Ok(())
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
            return self.build_everything(false);
        }
        // A package that fails fails the whole call here (`shelf add`, `shelf build
        // --package`, `shelf watch`): nothing past the packages is written.
        self.all_or_nothing = true;
        let wrote = self.regenerate_counted(changed, true, true);
        self.all_or_nothing = false;
        let mut wrote = wrote?;
        match std::mem::take(&mut wrote.failed).into_iter().next() {
            Some(failure) => Err(failure.error),
            None => Ok(wrote.stats),
        }
    }

    /// [`Registry::regenerate`] now, with how many files each package made and, when
    /// `registry_wide`, how many registry-wide files there are (else they are left alone,
    /// as the history files are without `history`).
    fn regenerate_counted(
        &mut self,
        changed: &[PackageId],
        registry_wide: bool,
        history: bool,
    ) -> Result<Wrote, RegistryError> {
        if registry_wide || !changed.is_empty() {
            self.load_catalog()?;
        }
        let config = self.index.config()?;
        let cx = self.context(&config);
        let writer = Writer::new(&*self.target, self.layout, protocols::RULES);
        let mut stats = SyncStats::default();
        let mut counts = BTreeMap::new();
        // Where the time goes, for an operator wondering why publishes got slow.
        let mut timer = PhaseTimer::start();
        let root = self.index.root();
        let progress = self.progress.clone();
        progress.stage("packages", "packages", Some(changed.len() as u64));
        // A batch's packages are planned and written on every core (each into its own
        // scope, its files in the plan's order); one package stays on this thread.
        //
        // A package whose files cannot be planned or written fails alone: the others are
        // written, and the caller hears which failed ([`Failed`]): the writer refuses the
        // changes behind it, a build reports it.
        let one = |id: &PackageId| -> Result<Option<WrotePackage>, Box<Failed>> {
            let Some(protocol) = protocols::named(id.protocol) else {
                return Ok(None);
            };
            let failed = |keys: &[String]| {
                let keys = keys.to_vec();
                move |error: RegistryError| {
                    Box::new(Failed {
                        id: id.clone(),
                        error,
                        keys,
                    })
                }
            };
            let planned = protocol.plan(root, &id.canonical, &cx);
            let Some(planned) = planned.map_err(|e| failed(&[])(e.into()))? else {
                return Ok(None);
            };
            let Planned {
                name,
                scope,
                files,
                entry,
            } = planned;
            let keys: Vec<String> = files.iter().map(|f| f.path.clone()).collect();
            let count = files.len();
            let written = (|| -> Result<(Tally, SyncStats), RegistryError> {
                let mut sync = writer.begin(&scope)?;
                sync.write(files)?;
                let tally = sync.tally();
                Ok((tally, sync.finish()?))
            })();
            let (tally, stats) = written.map_err(failed(&keys))?;
            Ok(Some(WrotePackage {
                protocol: protocol.name(),
                name,
                entry,
                count,
                tally,
                stats,
            }))
        };
        let wrote: Vec<Result<Option<WrotePackage>, Box<Failed>>> = if changed.len() > 1 {
            changed.par_iter().map(one).collect()
        } else {
            changed.iter().map(one).collect()
        };
        let mut tally = Tally::default();
        let mut failed = Vec::new();
        for (id, package) in changed.iter().zip(wrote) {
            tally.done += 1;
            let package = match package {
                Ok(Some(package)) => package,
                Ok(None) => continue,
                Err(failure) => {
                    failed.push(*failure);
                    continue;
                }
            };
            counts.insert(inputs::key(id), package.count);
            stats.absorb(package.stats);
            tally.files += package.tally.files;
            tally.bytes += package.tally.bytes;
            tally.written = stats.written.len() as u64;
            progress.tally(tally);
            self.catalog
                .set(package.protocol, &package.name, package.entry);
        }
        let packages = timer.lap();
        if self.all_or_nothing && !failed.is_empty() {
            return Ok(Wrote {
                stats,
                files: counts,
                registry_files: None,
                failed,
            });
        }
        let mut registry_files = None;
        let mut registry_rendered = std::time::Duration::ZERO;
        if registry_wide {
            progress.stage("registry-wide files", "files", None);
            let search = self.catalog.search_document();
            let files = self.catalog.read(|entries| {
                let entries: Vec<&SearchEntry> = entries.collect();
                plan::registry_files(&entries, search, &cx)
            })?;
            registry_rendered = timer.lap();
            registry_files = Some(files.len());
            stats.absorb(writer.sync_scope(&plan::registry_scope(), files)?);
        }
        let registry_written = timer.lap();
        let histories = if history {
            progress.stage("history files", "files", None);
            crate::history::files(self.index.root(), &self.data, &config, false, &Silent)?
        } else {
            Vec::new()
        };
        let history_derived = timer.lap();
        for history in histories {
            let mut sync = writer.begin(&history.scope)?;
            let after = write_history(&mut sync, history)?;
            stats.absorb(sync.finish()?);
            self.history_written(&after)?;
        }
        if history {
            self.adopt_export_packs(false);
        }
        let history_written = timer.lap();
        if registry_files.is_some() && history {
            self.derived_owed = false;
        }
        for failure in &failed {
            stats.failed.push(failure.describe());
        }
        tracing::debug!(
            ?packages,
            ?registry_rendered,
            ?registry_written,
            ?history_derived,
            ?history_written,
            written = stats.written.len(),
            "site files regenerated"
        );
        // A batch whose changes the writer may yet refuse is not pushed or purged until
        // it has (`Registry::refuse`).
        if failed.is_empty() {
            self.hooks.after_write(&stats);
        }
        Ok(Wrote {
            stats,
            files: counts,
            registry_files,
            failed,
        })
    }

    /// Has the index adopt the export's packs ([`crate::index::packs`]) when it has none
    /// yet, when the export merged packs it holds, or (`full`, a full build) whenever they
    /// differ; a publish's small pack waits for the next merge, and a first export picks
    /// up the commits since. Best effort: the packs only spare a later first export work,
    /// so a failure is logged, and the index keeps what it had.
    fn adopt_export_packs(&self, full: bool) {
        let adopt = || -> Result<(), RegistryError> {
            let Some(exported) = crate::history::export::exported(&self.data)? else {
                return Ok(());
            };
            if let Some(record) = self.index.adopted_packs() {
                let held = |name: &String| exported.packs.iter().any(|(n, _)| n == name);
                let same = record.packs.len() == exported.packs.len()
                    && record.packs.iter().all(held)
                    && record.branch_ids().as_ref() == Some(&exported.branches);
                if same || (!full && record.packs.iter().all(held)) {
                    return Ok(());
                }
            }
            self.index
                .adopt_packs(&exported.packs, &exported.branches)?;
            let packs = exported.packs.len();
            tracing::debug!(packs, "the index adopted the export's packs");
            Ok(())
        };
        if let Err(e) = adopt() {
            let error = anyhow::Error::from(e);
            tracing::warn!(
                error = format!("{error:#}"),
                "the index could not adopt the export's packs"
            );
        }
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
        Ok(self.build_all_counted()?.stats)
    }

    /// Every package planned and every file compared; with how many files each package
    /// made and how many registry-wide files there are.
    fn build_all_counted(&mut self) -> Result<Wrote, RegistryError> {
        let config = self.index.config()?;
        let cx = self.context(&config);
        let writer = Writer::new(&*self.target, self.layout, protocols::RULES);
        // The whole site is listed once and written in batches; what nothing wrote goes.
        let mut sync = writer.begin(&[String::new()])?;
        let progress = self.progress.clone();
        let root = self.index.root().to_owned();
        let data = &self.data;
        // The history's files (a first export of the index reads every object of its
        // history) are derived on a thread of their own, opening the repository itself,
        // while the packages are rendered and written: the one is git reading and
        // compressing, the other mostly the kernel creating files, and neither needs the
        // other. They describe commits, which exist whatever the site holds yet; they are
        // written after the packages.
        //
        // libgit2 keeps the commits and trees it parses in a cache (up to 256 MiB): the
        // history is read once here, so while this runs it would only hold memory.
        git2::opts::enable_caching(false);
        let done = std::thread::scope(|threads| {
            let history = std::thread::Builder::new()
                .name("shelf-history".into())
                .spawn_scoped(threads, || {
                    crate::history::files(&root, data, &config, true, &Silent)
                })?;
            let packaged = write_packages(&root, &cx, &mut sync, &*progress);
            progress.stage("history files", "files", None);
            let histories = history
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            Ok::<_, RegistryError>((histories?, packaged?))
        });
        git2::opts::enable_caching(true);
        let (histories, packaged) = done?;
        let (mut catalog, counts, failed) = packaged;
        // A package whose files could not be planned keeps its files (`keep_under`) and
        // its entry in the registry-wide files, as the last good plan had it.
        for failure in &failed {
            let canonical = &failure.id.canonical;
            let kept = self.catalog.read_in(failure.id.protocol, |entries| {
                for entry in entries {
                    if entry.name.replace('_', "-").to_lowercase() == *canonical {
                        return Some(entry.clone());
                    }
                }
                None
            });
            if let Some(entry) = kept {
                catalog.insert((entry.name.clone(), failure.id.protocol), entry);
            }
        }
        let mut written_after = Vec::new();
        for history in histories {
            written_after.push(write_history(&mut sync, history)?);
        }
        self.adopt_export_packs(true);
        progress.stage("registry-wide files", "files", None);
        let entries: Vec<&SearchEntry> = catalog.values().collect();
        let search = crate::site::docs::search_document(&entries);
        let registry_files = plan::registry_files(&entries, search, &cx)?;
        let registry_count = registry_files.len();
        sync.write(registry_files)?;
        progress.tally(Tally {
            done: registry_count as u64,
            ..Tally::default()
        });
        let mut stats = sync.finish()?;
        for after in &written_after {
            self.history_written(after)?;
        }
        stats.failed.extend(failed.iter().map(Failed::describe));
        self.catalog.replace(catalog);
        self.needs_full_build = false;
        self.derived_owed = false;
        self.hooks.after_write(&stats);
        Ok(Wrote {
            stats,
            files: counts,
            registry_files: Some(registry_count),
            failed,
        })
    }
}

/// The catalog's entries by name and protocol, each package's count of files, and the
/// packages that failed.
type Packaged = (
    BTreeMap<(String, &'static str), SearchEntry>,
    BTreeMap<String, usize>,
    Vec<Failed>,
);

/// Plans and writes every package of every protocol into `sync` (a full build).
fn write_packages(
    root: &std::path::Path,
    cx: &Context<'_>,
    sync: &mut ScopeSync<'_, '_>,
    progress: &dyn Progress,
) -> Result<Packaged, RegistryError> {
    let mut catalog = BTreeMap::new();
    let mut counts = BTreeMap::new();
    let mut failed = Vec::new();
    let (lists, total) = protocols::packages(root)?;
    progress.stage("packages", "packages", Some(total));
    let mut done = 0;
    for (protocol, names) in lists {
        // Packages are read and rendered on every core, a slice at a time (so memory
        // holds one slice's files, not the site's), and written in order: a package's
        // files must reach the target in the order the plan gives (`latest` last), or a
        // reader could see a `latest` its list does not hold yet.
        //
        // On a local filesystem, where creating files is the kernel's work on the calling
        // thread, each package's files are also written on the thread that planned it
        // (several packages at once, each one's files in order); a remote target uploads
        // the batches concurrently itself.
        let on_caller = sync.writes_on_caller();
        for slice in names.chunks(BUILD_SLICE) {
            let shared = &*sync;
            // A package that cannot be planned or written fails alone (a server always
            // starts): it is logged and reported, the files it had stay when its plan
            // named its folders, and every other package is written.
            type Planning = Result<Option<PlannedHere>, (Vec<String>, RegistryError)>;
            let planned: Vec<Planning> = slice
                .par_iter()
                .map(|canonical| {
                    let planned = protocol.plan(root, canonical, cx);
                    let planned = planned.map_err(|e| (protocol.scope(canonical), e.into()))?;
                    let Some(planned) = planned else {
                        return Ok(None);
                    };
                    let Planned {
                        name,
                        files,
                        entry,
                        scope,
                    } = planned;
                    let count = files.len();
                    let files = if on_caller {
                        let now = shared.write_now(files);
                        PackageFiles::Written(now.map_err(|e| (scope, e.into()))?)
                    } else {
                        PackageFiles::Waiting(files)
                    };
                    Ok(Some((name, entry, count, files)))
                })
                .collect();
            for (canonical, package) in slice.iter().zip(planned) {
                let id = PackageId {
                    protocol: protocol.name(),
                    canonical: canonical.clone(),
                };
                let (name, entry, count, files) = match package {
                    Ok(Some(package)) => package,
                    Ok(None) => continue,
                    Err((scope, error)) => {
                        sync.keep_under(&scope);
                        let failure = Failed {
                            id,
                            error,
                            keys: Vec::new(),
                        };
                        tracing::error!("{}", failure.describe());
                        failed.push(failure);
                        continue;
                    }
                };
                counts.insert(inputs::key(&id), count);
                match files {
                    PackageFiles::Written(now) => sync.absorb(now),
                    PackageFiles::Waiting(files) => sync.write(files)?,
                }
                if let Some(entry) = entry {
                    catalog.insert((name, protocol.name()), entry);
                }
                done += 1;
                progress.tally(Tally {
                    done,
                    ..sync.tally()
                });
            }
        }
    }
    Ok((catalog, counts, failed))
}

/// A package a full build planned: its name, catalog entry, count of files, and the
/// files, written already or waiting for the batch.
type PlannedHere = (String, Option<SearchEntry>, usize, PackageFiles);

/// A package's files in a full build.
enum PackageFiles {
    /// Written by the thread that planned them ([`ScopeSync::write_now`]).
    Written(WrittenNow),
    /// For the batch ([`ScopeSync::write`]).
    Waiting(Vec<crate::output::OutFile>),
}

/// Hands a history's files to `sync`: the files, then (once those have reached the
/// target) the ones that name them. Returns what to do once the sync is finished
/// ([`Registry::history_written`]).
fn write_history(
    sync: &mut ScopeSync<'_, '_>,
    history: ScopedFiles,
) -> std::io::Result<ScopedFiles> {
    sync.write(history.files)?;
    sync.barrier()?;
    sync.write(history.pointers)?;
    Ok(ScopedFiles {
        scope: Vec::new(),
        files: Vec::new(),
        pointers: Vec::new(),
        after: history.after,
    })
}

impl Registry {
    /// What a history's files leave to do once they are in the target (the feed's state,
    /// [`ScopedFiles::written`]); nothing for a target that only compares (`shelf check`
    /// writes no page, so its state would lie).
    fn history_written(&self, after: &ScopedFiles) -> std::io::Result<()> {
        if self.inputs_record.is_none() {
            return Ok(());
        }
        after.written()
    }
}

/// One package a change wrote: what the catalog and the record of inputs keep of it.
struct WrotePackage {
    protocol: &'static str,
    name: String,
    entry: Option<SearchEntry>,
    count: usize,
    tally: Tally,
    stats: SyncStats,
}

/// What a build wrote, and what the record of its inputs keeps of it.
struct Wrote {
    stats: SyncStats,
    /// `{protocol}:{canonical}` → how many files the package made.
    files: BTreeMap<String, usize>,
    /// How many registry-wide files there are, when they were written.
    registry_files: Option<usize>,
    /// The packages whose files could not be planned or written (the others were).
    failed: Vec<Failed>,
}

/// What [`Registry::flush`] wrote, and the packages whose files it could not write.
#[derive(Debug, Default)]
pub struct Flushed {
    /// What changed.
    pub stats: SyncStats,
    /// The packages whose files could not be written (their changes are to be refused).
    pub failed: Vec<Failed>,
}

/// A package whose files could not be planned or written.
#[derive(Debug)]
pub struct Failed {
    /// The package.
    pub id: PackageId,
    /// Why.
    pub error: RegistryError,
    /// The paths its plan named, when it was planned (what a refused new package may
    /// have left, [`Registry::refuse`]).
    pub keys: Vec<String>,
}

impl Failed {
    /// `npm:-foo: writing the site failed: Is a directory (os error 21)`, for logs and
    /// [`SyncStats::failed`].
    #[must_use]
    pub fn describe(&self) -> String {
        let mut text = format!("{}: {}", inputs::key(&self.id), self.error);
        let mut source = std::error::Error::source(&self.error);
        while let Some(cause) = source {
            text.push_str(": ");
            text.push_str(&cause.to_string());
            source = cause.source();
        }
        text
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
