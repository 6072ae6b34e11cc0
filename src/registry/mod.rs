//! The registry: the orchestration every protocol shares.
//!
//! A change goes protocol checks → blob ([`crate::blob`]) → index commit ([`crate::index`])
//! → the changed packages' plans, each by its protocol ([`crate::site::protocol`]), and the
//! registry-wide files ([`crate::site`]) → the one writer ([`crate::output`]). Nothing is
//! written before every check passed, and a call returns success only after the commit and
//! the files exist. [`build`] writes the site and keeps the [`catalog`], and after a build
//! of everything records its [`inputs`] so that the next plans only what changed (and has
//! the index adopt the history's packs, [`crate::index::packs`]); [`worker`] runs
//! every change on one thread, in order, for the server. One process writes a data
//! directory at a time ([`lock`]), a server starting after a crash first clears away what
//! the killed one left ([`recover`]), [`check`] says whether everything agrees, and [`gc`]
//! deletes the blobs nothing names any more. The
//! registry knows no package format: the protocols' own changes (the Serverless publish,
//! yank and delete are [`crate::serverless::ops`]) use its index, blobs and
//! [`Registry::regenerate`].

pub mod build;
pub mod catalog;
pub mod check;
pub mod gc;
pub mod hooks;
pub mod inputs;
pub mod lock;
pub mod recover;
pub mod worker;

pub use catalog::Catalog;
use hooks::Hooks;

use std::{
    io,
    path::{Path, PathBuf},
};

use crate::{
    blob::{BlobStore, StageError},
    config::DEFAULT_BASE_URL,
    index::{
        IndexConfig, IndexRepo,
        config::normalize_base_url,
        repo::{Author, IndexError},
    },
    output::{DirTarget, Layout, Target, writer::SyncStats},
    serverless::package::{NameError, VersionError, archive::ArchiveError, archive::Limits},
    site::{
        assets,
        protocol::{PackageId, PlanError},
        render::{RenderError, Renderer},
    },
    text::FieldError,
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
    /// The store's access key (else the standard AWS configuration decides).
    pub s3_keys: Option<crate::output::s3::Keys>,
    /// A webhook given the changed paths after each write (CDN purges).
    pub purge_url: Option<String>,
    /// Sent to the webhook as `Authorization: Bearer …`.
    pub purge_token: Option<String>,
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
            s3_keys: None,
            purge_url: None,
            purge_token: None,
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

impl From<PlanError> for RegistryError {
    fn from(e: PlanError) -> Self {
        match e {
            PlanError::Index(e) => RegistryError::Index(e),
            PlanError::Render(e) => RegistryError::Render(e),
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
    deferred: Option<Vec<PackageId>>,
    /// Whether flushed changes still owe the registry-wide and history files.
    derived_owed: bool,
    /// Where the inputs of the last build of this target are recorded ([`inputs`]); `None`
    /// when builds must neither trust nor write a record (`shelf check`).
    inputs_record: Option<PathBuf>,
    /// Told how far a build is (the command line draws it; silent by default).
    progress: crate::progress::Reporter,
    /// What takes back the running change's effects outside the index, should the writer
    /// refuse it ([`Registry::on_refused`]).
    undo: Vec<Undo>,
    /// While set, a package whose files fail stops a regeneration before the registry-wide
    /// and history files ([`Registry::regenerate`]).
    all_or_nothing: bool,
    /// While set, a build leaves the history's files owed ([`Registry::build_at_start`]).
    defer_history: bool,
}

/// Takes back one effect of a change the writer refused ([`Registry::on_refused`]).
pub type Undo = Box<dyn FnOnce() + Send>;

impl Registry {
    /// Opens the registry in `opts.data`, creating what is missing, writing to the directory
    /// `opts.site_dir()`.
    ///
    /// # Errors
    /// I/O and git errors; [`RegistryError::KeysLayoutOnDirectory`].
    pub fn open(opts: &Options) -> Result<Self, RegistryError> {
        if let Some(spec) = &opts.target {
            let target = crate::output::open_remote(
                spec,
                opts.s3_endpoint.as_deref(),
                opts.s3_keys.as_ref(),
            )?;
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
        let target_name = opts
            .target
            .clone()
            .unwrap_or_else(|| opts.site_dir().display().to_string());
        let layout = format!("{:?}", opts.layout);
        Ok(Registry {
            inputs_record: Some(inputs::record_path(&opts.data, &target_name, &layout)),
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
            derived_owed: false,
            progress: crate::progress::silent(),
            undo: Vec::new(),
            all_or_nothing: false,
            defer_history: false,
        })
    }

    /// Reports the stages of the builds (and a first export of the index) to `progress`.
    pub fn set_progress(&mut self, progress: crate::progress::Reporter) {
        self.progress = progress;
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

    /// Builds neither read nor write the record of their inputs from now on: every full
    /// build compares every file (`shelf check`, whose target only compares, must not
    /// leave a record for the real site).
    pub fn forget_inputs(&mut self) {
        self.inputs_record = None;
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

    /// The blob store (for staging uploads outside the writer).
    #[must_use]
    pub fn blobs(&self) -> &BlobStore {
        &self.blobs
    }

    /// Limits on incoming archives.
    #[must_use]
    pub fn limits(&self) -> &Limits {
        &self.limits
    }
}
