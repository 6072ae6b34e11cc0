//! The registry: one walk from a zip to published files, and the other index changes.
//!
//! `add` goes zip → checks ([`crate::serverless::package`]) → blob ([`crate::blob`]) → index line and
//! commit ([`crate::index`]) → plan of changed files, rendering and the writer
//! ([`crate::site`]) → target ([`crate::output`]). Nothing is written before every check
//! passed, and a call returns success only after the commit and the files exist.
//! [`worker`] runs all of it on one thread, in order, for the server.
//! One process writes a data directory at a time ([`lock`]), and a server starting after a
//! crash first clears away what the killed one left ([`recover`]).

pub mod catalog;
pub mod check;
pub mod hooks;
pub mod lock;
pub mod recover;
pub mod worker;

pub use catalog::Catalog;
use hooks::Hooks;

use std::{
    collections::BTreeMap,
    io::{self, BufReader, Read},
    path::{Path, PathBuf},
};

use rayon::prelude::*;
use time::OffsetDateTime;

use crate::{
    blob::{BlobStore, StageError, Staged},
    clock,
    config::DEFAULT_BASE_URL,
    index::{
        IndexConfig, IndexRepo,
        config::normalize_base_url,
        repo::{Author, IndexError},
    },
    output::{
        DirTarget, Layout, Target,
        writer::{SyncStats, Writer},
    },
    serverless::package::{
        NameError, PackageName, Version, VersionError,
        archive::{self, ArchiveError, Inspected, Limits},
    },
    serverless::paths::package_prefixes,
    serverless::record::{
        self as line, FieldError, IndexLine, LINE_FORMAT, PackageRecord, RecordStore, read_record,
    },
    site::{
        assets,
        docs::{self, SearchEntry},
        plan::{self, Context},
        render::{RenderError, Renderer},
    },
};

/// How to open a registry.
#[derive(Debug, Clone)]
pub struct Options {
    /// The data directory: `index/`, `blobs/`, and `site/` unless `out` says otherwise.
    pub data: PathBuf,
    /// A base URL to record in the index; `None` keeps the recorded one.
    pub base_url: Option<String>,
    /// Where the site is written; `data/site` when `None`.
    pub out: Option<PathBuf>,
    /// How logical paths are stored.
    pub layout: Layout,
    /// A folder of templates overriding the embedded ones.
    pub templates: Option<PathBuf>,
    /// A folder of site assets overriding the embedded ones.
    pub assets: Option<PathBuf>,
    /// Limits on incoming zips.
    pub limits: Limits,
    /// Where the site goes instead of a directory: `s3://BUCKET/PREFIX`.
    pub target: Option<String>,
    /// Endpoint of an S3-compatible store (else the standard AWS configuration decides).
    pub s3_endpoint: Option<String>,
    /// A webhook given the changed paths after each write (CDN purges).
    pub purge_url: Option<String>,
    /// A command given the changed paths after each write (CDN purges).
    pub purge_command: Option<String>,
    /// A git remote the index is pushed to after each commit.
    pub index_remote: Option<String>,
}

impl Options {
    /// Defaults for a data directory.
    #[must_use]
    pub fn new(data: &Path) -> Self {
        Options {
            data: data.to_owned(),
            base_url: None,
            out: None,
            layout: Layout::Dir,
            templates: None,
            assets: None,
            limits: Limits::default(),
            target: None,
            s3_endpoint: None,
            purge_url: None,
            purge_command: None,
            index_remote: None,
        }
    }

    /// The site directory these options write to.
    #[must_use]
    pub fn site_dir(&self) -> PathBuf {
        self.out.clone().unwrap_or_else(|| self.data.join("site"))
    }
}

/// Why a registry operation failed. The first group are the caller's mistakes (an API
/// answers them with a 4xx); the rest are the registry's own failures.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error("the zip is larger than the limit of {limit} bytes")]
    TooLarge { limit: u64 },
    #[error(transparent)]
    Archive(#[from] ArchiveError),
    #[error(transparent)]
    Name(#[from] NameError),
    #[error(transparent)]
    Version(#[from] VersionError),
    #[error(transparent)]
    Field(#[from] FieldError),
    #[error("{name}@{version} already exists; a published version cannot be replaced")]
    VersionExists { name: String, version: String },
    #[error("{name}@{version} was deleted; a version number is never used twice")]
    VersionDeleted { name: String, version: String },
    #[error(
        "the name {name:?} is taken by the package {existing:?} ('-' and '_' count as the same)"
    )]
    NameTaken { name: String, existing: String },
    #[error("package {0:?} not found")]
    PackageNotFound(String),
    #[error("version {version} of package {name:?} not found")]
    VersionNotFound { name: String, version: String },
    #[error(
        "the keys layout stores one key for both a list and its folder, which a directory cannot hold; write it to an object store, or use --layout dir"
    )]
    KeysLayoutOnDirectory,
    #[error(transparent)]
    Index(#[from] IndexError),
    #[error("writing the site failed")]
    Io(#[from] io::Error),
    #[error("rendering a page failed")]
    Render(#[from] RenderError),
}

impl RegistryError {
    /// Whether the caller caused the error (bad input) rather than the registry.
    #[must_use]
    pub fn is_client_error(&self) -> bool {
        match self {
            RegistryError::TooLarge { .. }
            | RegistryError::Archive(_)
            | RegistryError::Name(_)
            | RegistryError::Version(_)
            | RegistryError::Field(_)
            | RegistryError::VersionExists { .. }
            | RegistryError::VersionDeleted { .. }
            | RegistryError::NameTaken { .. }
            | RegistryError::PackageNotFound(_)
            | RegistryError::VersionNotFound { .. }
            | RegistryError::KeysLayoutOnDirectory => true,
            RegistryError::Index(_) | RegistryError::Io(_) | RegistryError::Render(_) => false,
        }
    }
}

impl From<StageError> for RegistryError {
    fn from(e: StageError) -> Self {
        match e {
            StageError::TooLarge { limit } => RegistryError::TooLarge { limit },
            StageError::Io(e) => RegistryError::Io(e),
        }
    }
}

/// What a successful `add` published.
#[derive(Debug, Clone)]
pub struct Published {
    /// Package name.
    pub name: String,
    /// Version.
    pub version: String,
    /// SHA-256 of the zip.
    pub sha256: String,
    /// Size of the zip.
    pub size: u64,
    /// The index commit.
    pub commit: String,
    /// URL of the version's release document.
    pub release_url: String,
    /// URL of the zip.
    pub zipball_url: String,
    /// URL of the package page.
    pub page_url: String,
    /// The files the publish changed.
    pub stats: SyncStats,
}

/// An open registry: index, blobs, and the site writer's target.
pub struct Registry {
    index: IndexRepo,
    blobs: BlobStore,
    target: Box<dyn Target>,
    layout: Layout,
    renderer: Renderer,
    assets: Vec<(String, Vec<u8>)>,
    limits: Limits,
    /// Every package's search entry by name: the input of the registry-wide files and of
    /// `/search`. Loaded from the index on first need, then kept up to date by each change,
    /// so a change costs one package's work plus writing the registry-wide files.
    catalog: Catalog,
    /// Set when the base URL changed: every URL in the site is stale until a full build.
    needs_full_build: bool,
    /// What runs after each write: CDN purges, pushing the index to a remote.
    hooks: Hooks,
    /// The data directory.
    data: PathBuf,
    /// The template and asset folders overriding the embedded ones, for reloading.
    presentation: (Option<PathBuf>, Option<PathBuf>),
    /// Changed packages whose files wait for [`Registry::flush`]; `None` when every change
    /// writes its files at once. The writer thread defers within a batch of queued jobs.
    deferred: Option<Vec<PackageRecord>>,
}

impl Registry {
    /// Opens the registry in `opts.data`, creating what is missing, writing to the directory
    /// `opts.site_dir()`.
    ///
    /// # Errors
    /// I/O and git errors; [`RegistryError::KeysLayoutOnDirectory`].
    pub fn open(opts: &Options) -> Result<Self, RegistryError> {
        if let Some(spec) = &opts.target {
            let target = crate::output::open_remote(spec, opts.s3_endpoint.as_deref())?;
            let mut opts = opts.clone();
            // Object stores hold a list and its folder as two keys.
            opts.layout = Layout::Keys;
            return Self::open_with_target(&opts, target);
        }
        if opts.layout == Layout::Keys {
            return Err(RegistryError::KeysLayoutOnDirectory);
        }
        let target = DirTarget::new(&opts.site_dir())?;
        Self::open_with_target(opts, Box::new(target))
    }

    /// Opens the registry writing to any target.
    ///
    /// # Errors
    /// I/O and git errors.
    pub fn open_with_target(
        opts: &Options,
        target: Box<dyn Target>,
    ) -> Result<Self, RegistryError> {
        let base_url = opts.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL);
        let index = IndexRepo::open_or_init(&opts.data.join("index"), base_url)?;
        let mut needs_full_build = false;
        if let Some(url) = &opts.base_url {
            let mut config = index.config()?;
            let url = normalize_base_url(url);
            if config.base_url != url {
                config.base_url.clone_from(&url);
                index.write_config(
                    &config,
                    &format!("Set base URL to {url}"),
                    &Author::named("shelf"),
                )?;
                needs_full_build = true;
            }
        }
        Ok(Registry {
            index,
            blobs: BlobStore::open(&opts.data.join("blobs"))?,
            target,
            layout: opts.layout,
            renderer: Renderer::new(opts.templates.as_deref())?,
            assets: assets::assets(opts.assets.as_deref())?,
            limits: opts.limits.clone(),
            catalog: Catalog::default(),
            needs_full_build,
            hooks: Hooks::from_options(opts),
            data: opts.data.clone(),
            presentation: (opts.templates.clone(), opts.assets.clone()),
            deferred: None,
        })
    }

    /// Reads the templates and site assets again (after they changed on disk) and rewrites
    /// the site with them; only files whose bytes change are written.
    ///
    /// # Errors
    /// Template errors (the site is left as it was), I/O errors.
    pub fn reload_presentation(&mut self) -> Result<SyncStats, RegistryError> {
        let (templates, assets_dir) = &self.presentation;
        // Both are loaded before either replaces the current one: a broken template leaves
        // the registry rendering with the last good set.
        let renderer = Renderer::new(templates.as_deref())?;
        let shipped = assets::assets(assets_dir.as_deref())?;
        self.renderer = renderer;
        self.assets = shipped;
        self.build_all()
    }

    /// The index's settings.
    ///
    /// # Errors
    /// I/O errors or an invalid `config.json`.
    pub fn config(&self) -> Result<IndexConfig, RegistryError> {
        Ok(self.index.config()?)
    }

    /// What the target has sent so far, when it is a remote one (see
    /// [`Target::requests_sent`]).
    #[must_use]
    pub fn target_requests(&self) -> Option<String> {
        self.target.requests_sent()
    }

    /// Puts the index back to `HEAD` after a write that failed half-way and could not take
    /// itself back (or panicked). The writer thread calls it before every job, so no job
    /// reads or commits what another left; when the repair fails too, writes are refused
    /// ([`IndexError::Interrupted`]) until one succeeds.
    pub fn repair_interrupted_write(&self) {
        match self.index.repair_interrupted() {
            Ok(Some(rel)) => {
                tracing::warn!("put {rel} back to HEAD after an interrupted index write");
            }
            Ok(None) => {}
            Err(e) => tracing::error!(
                "cannot put the index back to HEAD after an interrupted write: {:#}",
                anyhow::Error::from(e)
            ),
        }
    }

    /// The index repository.
    #[must_use]
    pub fn index(&self) -> &IndexRepo {
        &self.index
    }

    /// Checks a zip and publishes it: blob, index line, commit, then the package's files and
    /// the registry-wide files. `notes` become the release notes (`body`).
    ///
    /// # Errors
    /// A client error when the zip or its version is refused (nothing is written then);
    /// an I/O, git or render error otherwise.
    pub fn add(
        &mut self,
        zip: impl Read,
        notes: &str,
        publisher: &Author,
        now: OffsetDateTime,
    ) -> Result<Published, RegistryError> {
        let staged = self.blobs.stage(zip, self.limits.max_zip_bytes)?;
        let inspected = inspect_staged(&staged, &self.limits)?;
        let release = Release {
            notes: notes.to_owned(),
            ..Release::default()
        };
        self.publish(staged, &inspected, &release, publisher, now, |_| {
            Ok::<(), RegistryError>(())
        })
    }

    /// Whether `name@version` could be published now: the name is not taken under another
    /// spelling and the version number was never used. `authorize` sees the package's
    /// record (`None` for a new name) and may refuse.
    ///
    /// # Errors
    /// The reason it cannot be published.
    pub fn check_publishable<E: From<RegistryError>>(
        &self,
        name: &PackageName,
        version: &Version,
        authorize: impl FnOnce(Option<&PackageRecord>) -> Result<(), E>,
    ) -> Result<(), E> {
        let record = self
            .index
            .read(&name.canonical())
            .map_err(RegistryError::from)?;
        if let Some(record) = &record {
            check_new_version(record, name.as_str(), version)?;
        }
        authorize(record.as_ref())
    }

    /// Publishes a staged, inspected zip: the version check, `authorize` (which sees the
    /// package's record, `None` for a new name, and may refuse), the blob, the index line
    /// and its commit, then the files. Everything that can refuse runs before anything is
    /// written.
    ///
    /// # Errors
    /// A client error when the version or the caller is refused; I/O, git or render errors.
    pub fn publish<E: From<RegistryError>>(
        &mut self,
        staged: Staged,
        inspected: &Inspected,
        release: &Release,
        publisher: &Author,
        now: OffsetDateTime,
        authorize: impl FnOnce(Option<&PackageRecord>) -> Result<(), E>,
    ) -> Result<Published, E> {
        let manifest = &inspected.manifest;
        let (name, version) = (
            manifest.name.as_str().to_owned(),
            manifest.version.to_string(),
        );
        let canonical = manifest.name.canonical();
        let existing = self.index.read(&canonical).map_err(RegistryError::from)?;
        if let Some(record) = &existing {
            check_new_version(record, &name, &manifest.version)?;
        }
        authorize(existing.as_ref())?;
        let mut record = existing.unwrap_or(PackageRecord { lines: Vec::new() });

        let (sha256, size) = (staged.sha256.clone(), staged.size);
        let or = |own: &str, given: &str| {
            if own.is_empty() {
                given.to_owned()
            } else {
                own.to_owned()
            }
        };
        let or_list = |own: &[String], given: &[String]| {
            if own.is_empty() {
                given.to_vec()
            } else {
                own.to_vec()
            }
        };
        let (readme, readme_truncated) = match &release.readme {
            Some(text) if !text.is_empty() => line::cap_readme(text),
            _ => (inspected.readme.clone(), inspected.readme_truncated),
        };
        let line = IndexLine {
            v: LINE_FORMAT,
            name: name.clone(),
            version: version.clone(),
            kind: manifest.kind.as_str().to_owned(),
            description: or(&manifest.description, &release.description),
            home: or(&manifest.home, &release.home),
            provider: or_list(&manifest.provider, &release.provider),
            tags: or_list(&manifest.tags, &release.tags),
            category: manifest.category.clone(),
            edition: manifest.edition.clone(),
            sha256: sha256.clone(),
            size,
            created_at: clock::rfc3339(now),
            body: release.notes.clone(),
            readme,
            readme_truncated,
            service: or_map(&manifest.service, &release.service),
            commands: or_map(&manifest.commands, &release.commands),
            properties: or_map(&manifest.properties, &release.properties),
            parameters: manifest.parameters.clone(),
            dependencies: manifest.dependencies.clone(),
            yanked: false,
            publisher: publisher.name.clone(),
            deleted_at: None,
            extra: serde_json::Map::new(),
        };
        line.check_caps().map_err(RegistryError::from)?;
        record.lines.push(line);
        // A blob this publish adds goes again if its commit fails, so a refused or failed
        // publish leaves the store as it found it.
        let new_blob = !self.blobs.contains(&sha256);
        self.blobs.commit(staged).map_err(RegistryError::from)?;
        let written = self.index.write(
            &canonical,
            &record,
            &format!("Publish {name}@{version}"),
            publisher,
        );
        let commit = match written {
            Ok(commit) => commit,
            Err(error) => {
                if new_blob && let Err(e) = self.blobs.remove_unnamed(&sha256) {
                    tracing::warn!("cannot remove the blob of a failed publish: {e}");
                }
                return Err(RegistryError::from(error).into());
            }
        };
        let stats = self.regenerate(&[record])?;
        let config = self.index.config().map_err(RegistryError::from)?;
        Ok(Published {
            release_url: config.url(&format!("{name}/releases/tags/{version}")),
            zipball_url: config.zipball_url(&name, &version),
            page_url: config.url(&format!("{name}/")),
            name,
            version,
            sha256,
            size,
            commit: commit.to_string(),
            stats,
        })
    }

    /// The blob store (for staging uploads outside the writer).
    #[must_use]
    pub fn blobs(&self) -> &BlobStore {
        &self.blobs
    }

    /// Whether a package with this name (any spelling) has ever been published: its record.
    ///
    /// # Errors
    /// Index errors.
    pub fn record(&self, name: &PackageName) -> Result<Option<PackageRecord>, RegistryError> {
        Ok(self.index.read(&name.canonical())?)
    }

    /// Yanks (`yanked = true`) or un-yanks a version. Returns `false`, committing nothing,
    /// when the version already was in that state.
    ///
    /// # Errors
    /// Client errors for an unknown package or version; I/O, git or render errors.
    pub fn set_yanked(
        &mut self,
        name: &str,
        version: &str,
        yanked: bool,
        actor: &Author,
    ) -> Result<bool, RegistryError> {
        let (canonical, mut record, version) = self.find_version(name, version)?;
        let name = record.name().unwrap_or(name).to_owned();
        let Some(line) = record.find_mut(&version).filter(|l| l.is_live()) else {
            return Err(RegistryError::VersionNotFound {
                name,
                version: version.to_string(),
            });
        };
        if line.yanked == yanked {
            return Ok(false);
        }
        line.yanked = yanked;
        let verb = if yanked { "Yank" } else { "Unyank" };
        self.index.write(
            &canonical,
            &record,
            &format!("{verb} {name}@{version}"),
            actor,
        )?;
        self.regenerate(&[record])?;
        Ok(true)
    }

    /// Deletes one version (`Some`) or every version of a package (`None`). Lines stay as
    /// tombstones so the numbers are never used again; the files are removed from the site.
    ///
    /// # Errors
    /// Client errors for an unknown package or version; I/O, git or render errors.
    pub fn delete(
        &mut self,
        name: &str,
        version: Option<&str>,
        actor: &Author,
        now: OffsetDateTime,
    ) -> Result<SyncStats, RegistryError> {
        let parsed = PackageName::parse(name)?;
        let canonical = parsed.canonical();
        let mut record = self.live_record(&canonical, name)?;
        let name = record.name().unwrap_or(name).to_owned();
        let stamp = clock::rfc3339(now);
        let message = if let Some(version) = version {
            let version = Version::parse(version)?;
            let Some(line) = record.find_mut(&version).filter(|l| l.is_live()) else {
                return Err(RegistryError::VersionNotFound {
                    name,
                    version: version.to_string(),
                });
            };
            line.deleted_at = Some(stamp);
            format!("Delete {name}@{version}")
        } else {
            for line in record.lines.iter_mut().filter(|l| l.is_live()) {
                line.deleted_at = Some(stamp.clone());
            }
            format!("Delete {name}")
        };
        self.index.write(&canonical, &record, &message, actor)?;
        self.regenerate(&[record])
    }

    /// Rewrites the site. `None` rebuilds everything and removes every file nothing
    /// produces; `Some(names)` rewrites only those packages' files plus the registry-wide
    /// files. Files whose bytes did not change are not touched.
    ///
    /// # Errors
    /// Invalid names; I/O, git or render errors.
    pub fn build(&mut self, only: Option<&[String]>) -> Result<SyncStats, RegistryError> {
        let Some(names) = only.filter(|_| !self.needs_full_build) else {
            return self.build_all();
        };
        let mut records = Vec::new();
        for raw in names {
            let canonical = PackageName::parse(raw)?.canonical();
            match self.index.read(&canonical)? {
                Some(record) => records.push(record),
                None => return Err(RegistryError::PackageNotFound(raw.clone())),
            }
        }
        self.regenerate(&records)
    }

    fn find_version(
        &self,
        name: &str,
        version: &str,
    ) -> Result<(String, PackageRecord, Version), RegistryError> {
        let canonical = PackageName::parse(name)?.canonical();
        let version = Version::parse(version)?;
        let record = self.live_record(&canonical, name)?;
        Ok((canonical, record, version))
    }

    fn live_record(&self, canonical: &str, name: &str) -> Result<PackageRecord, RegistryError> {
        self.index
            .read(canonical)?
            .filter(|r| r.live().next().is_some())
            .ok_or_else(|| RegistryError::PackageNotFound(name.to_owned()))
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
        for canonical in self.index.packages()? {
            if let Some(entry) = self
                .index
                .read(&canonical)?
                .as_ref()
                .and_then(docs::search_entry)
            {
                catalog.insert(entry.name.clone(), entry);
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
        let Some(records) = self.deferred.take() else {
            return Ok(SyncStats::default());
        };
        if records.is_empty() {
            return Ok(SyncStats::default());
        }
        let mut latest: Vec<PackageRecord> = Vec::with_capacity(records.len());
        for record in records.into_iter().rev() {
            let same = |other: &PackageRecord| {
                other.name().map(canonical_of) == record.name().map(canonical_of)
            };
            if !latest.iter().any(same) {
                latest.push(record);
            }
        }
        latest.reverse();
        self.regenerate(&latest)
            .inspect_err(|_| self.needs_full_build = true)
    }

    /// Rewrites the files of `records` and the registry-wide files (or defers that, see
    /// [`Registry::defer_writes`]).
    fn regenerate(&mut self, records: &[PackageRecord]) -> Result<SyncStats, RegistryError> {
        if let Some(deferred) = &mut self.deferred {
            deferred.extend_from_slice(records);
            return Ok(SyncStats::default());
        }
        if self.needs_full_build {
            return self.build_all();
        }
        self.load_catalog()?;
        let config = self.index.config()?;
        let cx = Context::new(&config, &self.renderer, &self.blobs, &self.assets);
        let writer = Writer::new(&*self.target, self.layout, crate::protocols::RULES);
        let mut stats = SyncStats::default();
        // Where the time goes, for an operator wondering why publishes got slow.
        let mut timer = PhaseTimer::start();
        for record in records {
            let Some(name) = record.name() else { continue };
            let files = plan::package_files(record, &cx)?;
            stats.absorb(writer.sync_scope(&package_prefixes(name), files)?);
            self.catalog.set(name, docs::search_entry(record));
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

    fn build_all(&mut self) -> Result<SyncStats, RegistryError> {
        let config = self.index.config()?;
        let cx = Context::new(&config, &self.renderer, &self.blobs, &self.assets);
        let writer = Writer::new(&*self.target, self.layout, crate::protocols::RULES);
        // The whole site is listed once and written in batches; what nothing wrote goes.
        let mut sync = writer.begin(&[String::new()])?;
        let mut catalog = BTreeMap::new();
        let root = self.index.root().to_owned();
        let names = self.index.packages()?;
        // Packages are read and rendered on every core, a slice at a time (so memory holds
        // one slice's files, not the site's), and written in order: a package's files must
        // reach the target in the order the plan gives (`latest` last), or a reader could
        // see a `latest` its list does not hold yet.
        for slice in names.chunks(BUILD_SLICE) {
            let planned: Vec<Result<_, RegistryError>> = slice
                .par_iter()
                .map(|canonical| {
                    let Some(record) = read_record(&root, canonical)? else {
                        return Ok(None);
                    };
                    let files = plan::package_files(&record, &cx)?;
                    Ok(Some((files, docs::search_entry(&record))))
                })
                .collect();
            for package in planned.into_iter().filter_map(Result::transpose) {
                let (files, entry) = package?;
                sync.write(files)?;
                if let Some(entry) = entry {
                    catalog.insert(entry.name.clone(), entry);
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

/// How many packages a full build renders at once (a slice's files are held in memory).
const BUILD_SLICE: usize = 256;

/// What a publisher says about a release besides the zip: notes, and values for fields the
/// zip's `publish.yaml` leaves empty (the zip wins where it has a value).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Release {
    /// Release notes (`body`).
    pub notes: String,
    /// A readme to use instead of the zip's.
    pub readme: Option<String>,
    /// Description, when publish.yaml has none.
    pub description: String,
    /// Home page, when publish.yaml has none.
    pub home: String,
    /// Tags, when publish.yaml has none.
    pub tags: Vec<String>,
    /// Providers, when publish.yaml has none.
    pub provider: Vec<String>,
    /// `Service`, when publish.yaml has none.
    pub service: serde_json::Map<String, serde_json::Value>,
    /// `Commands`, when publish.yaml has none.
    pub commands: serde_json::Map<String, serde_json::Value>,
    /// `Properties`, when publish.yaml has none.
    pub properties: serde_json::Map<String, serde_json::Value>,
}

/// Runs the zip checks on a staged upload.
///
/// # Errors
/// [`RegistryError::Archive`] naming the problem, or I/O errors reading the staged file.
pub fn inspect_staged(staged: &Staged, limits: &Limits) -> Result<Inspected, RegistryError> {
    Ok(archive::inspect(BufReader::new(staged.open()?), limits)?)
}

fn or_map(
    own: &serde_json::Map<String, serde_json::Value>,
    given: &serde_json::Map<String, serde_json::Value>,
) -> serde_json::Map<String, serde_json::Value> {
    if own.is_empty() {
        given.clone()
    } else {
        own.clone()
    }
}

fn check_new_version(
    record: &PackageRecord,
    name: &str,
    version: &Version,
) -> Result<(), RegistryError> {
    if let Some(existing) = record.name().filter(|n| *n != name) {
        return Err(RegistryError::NameTaken {
            name: name.to_owned(),
            existing: existing.to_owned(),
        });
    }
    match record.find(version) {
        Some(line) if line.is_live() => Err(RegistryError::VersionExists {
            name: name.to_owned(),
            version: version.to_string(),
        }),
        Some(_) => Err(RegistryError::VersionDeleted {
            name: name.to_owned(),
            version: version.to_string(),
        }),
        None => Ok(()),
    }
}

/// The canonical form of a record's name, as its index file is named.
fn canonical_of(name: &str) -> String {
    PackageName::parse(name).map_or_else(|_| name.to_owned(), |n| n.canonical())
}
