//! The watcher's I/O: file-system events in, registry rebuilds out.

use std::{
    collections::BTreeSet,
    path::{Path, PathBuf},
    sync::mpsc,
    time::Duration,
};

use anyhow::Context as _;
use git2::{Oid, Repository};
use notify_debouncer_full::{DebounceEventResult, new_debouncer, notify::RecursiveMode};

use super::classify::{self, Change, Roots, Seen};
use crate::{
    output::writer::SyncStats,
    registry::{Options, Registry, RegistryError},
    site::protocol::PackageId,
};

/// What one batch of changes did, for the log.
#[derive(Debug, Default)]
pub struct Report {
    /// What was rebuilt and what it wrote, one line each.
    pub done: Vec<String>,
    /// What failed, one line each (the site is left as it was for that step).
    pub failed: Vec<String>,
    /// The commit the index's `HEAD` was at when the batch was done (the site shows it,
    /// unless a step failed).
    pub head: Option<String>,
}

/// A registry kept in step with its index, templates and assets.
pub struct Session {
    registry: Registry,
    roots: Roots,
    /// The last commit `HEAD` was seen at.
    head: Option<Oid>,
    /// What a failed rebuild left to do: tried again with the next batch, so packages a
    /// pulled commit changed are rebuilt once an invalid file among them is fixed.
    pending: Pending,
}

/// Index work not done yet.
#[derive(Debug, Default)]
struct Pending {
    /// A full build.
    full: bool,
    /// These packages.
    packages: BTreeSet<PackageId>,
}

impl Session {
    /// Opens the registry (without building anything yet).
    ///
    /// # Errors
    /// The registry cannot be opened, or a watched folder does not exist.
    pub fn open(options: &Options) -> anyhow::Result<Self> {
        let registry = Registry::open(options)?;
        let head = Some(registry.index().head()?);
        let roots = Roots {
            index: absolute(&options.data.join("index"))?,
            templates: options.templates.as_deref().map(absolute).transpose()?,
            assets: options.assets.as_deref().map(absolute).transpose()?,
        };
        Ok(Session {
            registry,
            roots,
            head,
            pending: Pending::default(),
        })
    }

    /// The folders to watch.
    #[must_use]
    pub fn roots(&self) -> &Roots {
        &self.roots
    }

    /// Brings the site up to date with a full build (which writes only what differs).
    pub fn build_all(&mut self) -> Report {
        let mut report = Report::default();
        let built = self.registry.build(None);
        self.pending.full = built.is_err();
        record(&mut report, "built the site", built);
        report.head = self.head.map(|id| id.to_string());
        report
    }

    /// Applies a batch of changes: index changes first, then templates. A step that fails
    /// is reported and changes nothing (the registry checks every file it reads before
    /// writing any), and the next change tries again.
    pub fn apply(&mut self, changes: &[Change]) -> Report {
        let mut report = Report::default();
        let Pending {
            mut full,
            mut packages,
        } = std::mem::take(&mut self.pending);
        let mut moved = false;
        for change in changes {
            match change {
                Change::Config => full = true,
                Change::Packages(names) => packages.extend(names.iter().cloned()),
                Change::Head => match self.head_changes() {
                    Ok(Some((config, names))) => {
                        moved = true;
                        full |= config;
                        packages.extend(names);
                    }
                    Ok(None) => {}
                    Err(e) => report
                        .failed
                        .push(format!("reading the index's HEAD: {e:#}")),
                },
                Change::Presentation => {}
            }
        }
        // A package whose file is gone (removed by hand) has files only a full build removes.
        let index = self.roots.index.clone();
        full |= packages.iter().any(|id| {
            !crate::protocols::named(id.protocol)
                .is_some_and(|p| p.package_exists(&index, &id.canonical).unwrap_or(false))
        });
        if full {
            let built = self.registry.build(None);
            self.pending.full = built.is_err();
            record(&mut report, "rebuilt everything", built);
        } else if !packages.is_empty() || moved {
            let ids: Vec<PackageId> = packages.iter().cloned().collect();
            let names: Vec<&str> = ids.iter().map(|id| id.canonical.as_str()).collect();
            let what = if names.is_empty() {
                "followed the new HEAD".to_owned()
            } else {
                format!("rebuilt {}", names.join(", "))
            };
            let built = self.registry.build(Some(&ids));
            if built.is_err() {
                self.pending.packages = packages;
            }
            record(&mut report, &what, built);
        }
        if changes.contains(&Change::Presentation) {
            record(
                &mut report,
                "rendered the templates again",
                self.registry.reload_presentation(),
            );
        }
        report.head = self.head.map(|id| id.to_string());
        report
    }

    /// Whether `HEAD` moved since the last look, and if so whether `config.json` and which
    /// package files differ between the two commits.
    fn head_changes(&mut self) -> anyhow::Result<Option<(bool, BTreeSet<PackageId>)>> {
        let repo = Repository::open(&self.roots.index)?;
        let new = repo.head()?.peel_to_commit()?;
        if self.head == Some(new.id()) {
            return Ok(None);
        }
        let old = self
            .head
            .and_then(|id| repo.find_commit(id).ok())
            .map(|c| c.tree())
            .transpose()?;
        let Some(old) = old else {
            // The old commit is gone (a rewritten history, garbage collected): compare with
            // nothing, which is a full build.
            self.head = Some(new.id());
            return Ok(Some((true, BTreeSet::new())));
        };
        let diff = repo.diff_tree_to_tree(Some(&old), Some(&new.tree()?), None)?;
        let mut config = false;
        let mut names = BTreeSet::new();
        for delta in diff.deltas() {
            for path in [delta.old_file().path(), delta.new_file().path()]
                .into_iter()
                .flatten()
            {
                match path.to_str().map(classify::classify_index_path) {
                    Some(Seen::Config) => config = true,
                    Some(Seen::Package(name)) => {
                        names.insert(name);
                    }
                    _ => {}
                }
            }
        }
        self.head = Some(new.id());
        Ok(Some((config, names)))
    }
}

fn record(report: &mut Report, what: &str, result: Result<SyncStats, RegistryError>) {
    match result {
        Ok(stats) => report.done.push(format!(
            "{what}: {} written, {} removed",
            stats.written.len(),
            stats.removed.len()
        )),
        // `{:#}` names the file and the line: "index file he/ll/hello is invalid: line 3 …".
        Err(e) => report
            .failed
            .push(format!("{what} failed: {:#}", anyhow::Error::from(e))),
    }
}

fn absolute(path: &Path) -> anyhow::Result<PathBuf> {
    std::fs::canonicalize(path).with_context(|| format!("cannot find {}", path.display()))
}

/// Watches until the process ends: opens the registry, starts watching, builds the site,
/// calls `ready`, then applies
/// each debounced batch of changes and hands its report to `log`.
///
/// # Errors
/// The registry cannot be opened, or the folders cannot be watched. Failures
/// after that are reported through `log` and the watch goes on.
pub fn run(
    options: &Options,
    debounce: Duration,
    ready: impl FnOnce(&Roots),
    mut log: impl FnMut(&Report),
) -> anyhow::Result<()> {
    let mut session = Session::open(options)?;
    let (sender, events) = mpsc::channel::<DebounceEventResult>();
    let mut debouncer = new_debouncer(debounce, None, sender)?;
    let roots = session.roots().clone();
    debouncer
        .watch(&roots.index, RecursiveMode::Recursive)
        .with_context(|| format!("cannot watch {}", roots.index.display()))?;
    for folder in [&roots.templates, &roots.assets].into_iter().flatten() {
        debouncer
            .watch(folder, RecursiveMode::Recursive)
            .with_context(|| format!("cannot watch {}", folder.display()))?;
    }
    // Built after the watch started, so nothing that changes meanwhile is missed. A failure
    // (an invalid line already in the index) is reported like any later one: fixing the
    // file is a change, which rebuilds.
    log(&session.build_all());
    ready(&roots);
    for batch in events {
        let paths: Vec<PathBuf> = match batch {
            Ok(events) => events
                .iter()
                .filter(|e| classify::is_relevant(&e.kind))
                .flat_map(|e| e.paths.iter().cloned())
                .collect(),
            Err(errors) => {
                let failed = errors.iter().map(|e| format!("watching: {e}")).collect();
                log(&Report {
                    failed,
                    ..Report::default()
                });
                continue;
            }
        };
        let changes = classify::classify(&paths, &roots);
        if !changes.is_empty() {
            log(&session.apply(&changes));
        }
    }
    Ok(())
}
