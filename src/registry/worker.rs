//! The one writer: a thread that owns the [`Registry`] and runs changes one at a time.
//!
//! Every change to the index (publish, yank, delete) is a job sent to this thread, so
//! commits land in the order the jobs arrive and two racing publishes of one version are
//! decided by whichever job runs first. The repository handle is not `Sync`, and a single
//! owner is what makes "one commit per change, linear history" true by construction.
//!
//! Jobs that queue up while one runs form a batch: each is its own commit, then the commits
//! are made durable by one `syncfs` and the files of the batch's packages are written once
//! for all of them ([`Registry::defer_writes`], [`Registry::flush`]: a group commit), and
//! only then does any of them get its answer. So a publish is still answered after its
//! commit and the files its clients read exist, and many concurrent publishers share the
//! cost of writing them.
//!
//! One change whose files cannot be written (a folder where one of its files goes, a name
//! whose paths clash) never fails the others: the flush reports the packages it could not
//! write, and the jobs that changed them are refused. Their commits are taken out of the
//! batch's history ([`crate::index::IndexRepo::drop_commits`]; the others are applied again
//! on the base, unchanged: nothing of the batch was answered, pushed or exported yet), what
//! they did besides is undone ([`Registry::on_refused`]: a claim, an audit entry), the files
//! a refused new package wrote go, and each hears [`WriterGone::refused`]. Every other
//! job of the batch is answered as written.
//!
//! The files derived from every package or from the history (home page, search document,
//! change feed, `-/index.git/`), and git's staging area, no client needs to install what
//! was published, so no answer waits for them: they stay owed ([`Registry::write_derived`])
//! after a batch's answers until no job has arrived for [`LINGER`], or until they have been
//! owed for [`DERIVED_LAG`] while jobs keep arriving, when they are written right after
//! a batch's answers (the moment a client that waits for each answer is busiest with its
//! next request). So one write of them serves every batch of a burst, and a publisher that
//! sends its next version as soon as the last is answered (a release script, a CI job)
//! does not find the writer busy with them. They lag an answer by [`LINGER`] plus the time
//! they take to write (10 to 20 ms at a thousand packages) when the writer is otherwise
//! idle, and by at most [`DERIVED_LAG`] plus one batch under load.
//! `-/index.git/info/refs` is the last of them written: once it names a commit, every
//! derived file includes that commit. A server killed in between leaves packages whose
//! index files changed since the last build, and the build every start runs writes them
//! ([`super::inputs`]); the recovery before it puts the staging area back to `HEAD`
//! ([`super::recover`]).
//!
//! What a server's start left owed (the history's files, which
//! [`Registry::build_at_start`] leaves to this thread so the server listens first) is
//! written as soon as the thread runs. A write of the derived files that leaves some owed
//! (git's lock on the staging area held by a `git status` someone runs in the index, a disk
//! full for a moment) is tried again after [`RETRY_FIRST`], doubling up to [`RETRY_MAX`],
//! until it succeeds or a job comes: no derived file stays stale for want of a publish.
//!
//! The writer also counts the site's generations ([`WriterHandle::generation`]): odd while a
//! batch or the derived files are being written (files may be half written), even once
//! they are written, so a reader that keeps files in memory knows when to look at the disk
//! again.
//!
//! Before each job the writer puts back to `HEAD` whatever an earlier job's failed index
//! write could not take back itself ([`Registry::repair_interrupted_write`]), so no job reads
//! or commits another's half-done change.

use std::{
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
        mpsc,
    },
    thread,
    time::{Duration, Instant},
};

use tokio::sync::oneshot;

use super::{Registry, RegistryError};
use crate::site::protocol::PackageId;

/// Sends a job's result to its caller; told whether the batch's files were written.
type Delivery = Box<dyn FnOnce(Outcome) + Send>;

/// How a job's change ended, for its delivery.
enum Outcome {
    /// Its commit and files exist (or it changed nothing).
    Done,
    /// The batch's files could not be written: its commit stands, unanswered.
    Unwritten,
    /// Its files could not be written, so its commits were taken back: nothing changed.
    Refused(String),
}
type Job = Box<dyn FnOnce(&mut Registry) -> Delivery + Send>;

/// Most jobs in one batch, so the first of them does not wait behind too many others.
const MAX_BATCH: usize = 64;

/// How long the derived files may stay owed while jobs keep arriving (module docs).
pub const DERIVED_LAG: Duration = Duration::from_millis(500);

/// How long the writer waits for another job before writing the derived files a batch
/// left owed (module docs): longer than a client on the same network takes to send its
/// next publish once answered, even one that does something else in between (publishes
/// to a second registry, runs its next step), short next to anything a person would
/// notice. At 10 ms, a client alternating between Shelf and another registry (the
/// benchmark's npm phase) found the writer busy with them on most publishes: they take
/// 10 to 15 ms at a few hundred packages, most of it the history's files.
pub const LINGER: Duration = Duration::from_millis(50);

/// How long after a write of the derived files that left some owed the writer tries
/// again, doubling each time up to [`RETRY_MAX`], while no job arrives.
pub const RETRY_FIRST: Duration = Duration::from_millis(50);

/// The longest wait between tries of the derived files ([`RETRY_FIRST`]).
pub const RETRY_MAX: Duration = Duration::from_secs(5);

/// A cheap, cloneable handle to the writer thread.
#[derive(Clone)]
pub struct WriterHandle {
    jobs: mpsc::Sender<Job>,
    generation: Arc<AtomicU64>,
}

/// The writer thread has stopped (it panicked, or the server is shutting down), or the
/// site could not be written after a change: [`WriterGone::refused`] says why when the
/// change was taken back.
#[derive(Debug, thiserror::Error, Default)]
#[error("{}", match refused {
    Some(why) => format!("the change was refused and nothing was committed: {why}"),
    None => "the registry writer has stopped".to_owned(),
})]
pub struct WriterGone {
    /// Why the change's files could not be written, when its commits were taken back.
    pub refused: Option<String>,
}

impl WriterHandle {
    /// The site's generation: odd while the writer is changing files, even when they are
    /// as the last batch left them. A file read at an even generation is current for as
    /// long as the generation stays the same.
    #[must_use]
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Starts the writer thread, which owns `registry` until every handle is dropped.
    ///
    /// # Errors
    /// The thread could not be spawned.
    pub fn spawn(registry: Registry) -> std::io::Result<Self> {
        let (jobs, queue) = mpsc::channel::<Job>();
        let generation = Arc::new(AtomicU64::new(0));
        let counter = generation.clone();
        thread::Builder::new()
            .name("shelf-writer".into())
            .spawn(move || {
                let mut registry = registry;
                // A job taken from the queue while deciding whether the derived files wait.
                let mut next: Option<Job> = None;
                let mut owed_since: Option<Instant> = None;
                // After a write of the derived files that left some owed (a lock held by
                // a `git status` run by hand, a full disk), how long until the next try.
                // What the start left owed (the history's files, `build_at_start`) is
                // written at once.
                let mut retry: Option<Duration> = registry.derived_owed().then_some(Duration::ZERO);
                loop {
                    let first = match (next.take(), retry) {
                        (Some(job), _) => Some(job),
                        (None, None) => queue.recv().ok(),
                        (None, Some(wait)) => match queue.recv_timeout(wait) {
                            Ok(job) => Some(job),
                            Err(mpsc::RecvTimeoutError::Timeout) => {
                                counter.fetch_add(1, Ordering::SeqCst);
                                write_derived(&mut registry);
                                counter.fetch_add(1, Ordering::SeqCst);
                                retry = registry
                                    .derived_owed()
                                    .then(|| (wait * 2).clamp(RETRY_FIRST, RETRY_MAX));
                                continue;
                            }
                            Err(mpsc::RecvTimeoutError::Disconnected) => None,
                        },
                    };
                    let Some(first) = first else {
                        break;
                    };
                    let batch: Vec<Job> = std::iter::once(first)
                        .chain(queue.try_iter().take(MAX_BATCH - 1))
                        .collect();
                    // Odd from before the first job to after the last file: whatever a
                    // reader kept from before is stale from here on.
                    counter.fetch_add(1, Ordering::SeqCst);
                    let deliveries = run_batch(&mut registry, batch);
                    counter.fetch_add(1, Ordering::SeqCst);
                    for (delivery, outcome) in deliveries {
                        delivery(outcome);
                    }
                    if registry.derived_owed() {
                        let since = *owed_since.get_or_insert_with(Instant::now);
                        let wait = LINGER.min(DERIVED_LAG.saturating_sub(since.elapsed()));
                        next = queue.recv_timeout(wait).ok();
                        if next.is_none() || since.elapsed() >= DERIVED_LAG {
                            counter.fetch_add(1, Ordering::SeqCst);
                            let started = Instant::now();
                            write_derived(&mut registry);
                            counter.fetch_add(1, Ordering::SeqCst);
                            tracing::debug!(
                                took = ?started.elapsed(),
                                owed_for = ?since.elapsed(),
                                "derived files written"
                            );
                            owed_since = None;
                            retry = registry.derived_owed().then_some(RETRY_FIRST);
                        }
                    }
                }
                // Every handle is gone (the server is stopping): nothing stays owed (and the
                // registry's index, dropped with this thread, waits for the replaced files
                // to be freed).
                if registry.derived_owed() {
                    write_derived(&mut registry);
                }
            })?;
        Ok(WriterHandle { jobs, generation })
    }

    /// Runs `job` on the writer thread after every job sent before it, and returns its
    /// result once the files of its change are written.
    ///
    /// # Errors
    /// [`WriterGone`] when the thread has stopped, or when the files of the batch the job
    /// ran in could not be written (its commit stands; the next change rebuilds the site).
    pub async fn run<T, F>(&self, job: F) -> Result<T, WriterGone>
    where
        T: Send + 'static,
        F: FnOnce(&mut Registry) -> T + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let boxed: Job = Box::new(move |registry| {
            let result = job(registry);
            Box::new(move |outcome| {
                // Without its files a change is not done: the caller hears `WriterGone`.
                // The caller may also have gone away (client disconnected); the job ran.
                let _ = reply.send(match outcome {
                    Outcome::Done => Ok(result),
                    Outcome::Unwritten => Err(WriterGone::default()),
                    Outcome::Refused(why) => Err(WriterGone { refused: Some(why) }),
                });
            })
        });
        self.jobs.send(boxed).map_err(|_| WriterGone::default())?;
        answer.await.map_err(|_| WriterGone::default())?
    }

    /// Writes the derived files the changes so far owe, after every job sent before: for a
    /// server stopping, and a test that reads them right after an answer.
    ///
    /// # Errors
    /// [`WriterGone`] when the thread has stopped; the inner error is the writes'.
    pub async fn settle(&self) -> Result<Result<(), RegistryError>, WriterGone> {
        self.run(|registry| registry.write_derived().map(|_| ()))
            .await
    }
}

/// Writes the derived files the last batches owe; a failure is logged (the next change
/// then rebuilds everything).
fn write_derived(registry: &mut Registry) {
    use std::panic::{AssertUnwindSafe, catch_unwind};
    match catch_unwind(AssertUnwindSafe(|| registry.write_derived())) {
        Ok(Ok(_)) => {}
        Ok(Err(e)) => tracing::error!(
            "writing the registry-wide and history files failed: {:#}",
            anyhow::Error::from(e)
        ),
        Err(_) => tracing::error!("writing the registry-wide and history files panicked"),
    }
}

/// A job of a batch that ran: its delivery, and what the batch needs to refuse it.
struct Ran {
    delivery: Delivery,
    /// Whether it left files to write.
    changed: bool,
    /// `HEAD` before and after it.
    commits: (Option<git2::Oid>, Option<git2::Oid>),
    /// The packages it changed.
    packages: Vec<PackageId>,
    /// What takes back its other effects (database rows), should it be refused.
    undo: Vec<super::Undo>,
}

/// Runs a batch and writes its files; each job's delivery and how its change ended.
///
/// A package whose files cannot be written fails only the changes to it: their commits
/// are taken out of the batch's history and whatever else they did is undone
/// ([`Registry::refuse`], [`Registry::on_refused`]), so they answer that nothing
/// changed, and the batch's other changes are answered as written.
fn run_batch(registry: &mut Registry, batch: Vec<Job>) -> Vec<(Delivery, Outcome)> {
    use std::panic::{AssertUnwindSafe, catch_unwind};
    registry.defer_writes();
    let started = Instant::now();
    let jobs = batch.len();
    let base = registry.index().head().ok();
    let mut ran = Vec::with_capacity(batch.len());
    for job in batch {
        // Whatever the job before left half-done in the index goes back to HEAD first.
        registry.repair_interrupted_write();
        let before = registry.deferred_len();
        let head = registry.index().head().ok();
        // A job that panics (a bug) fails alone: its caller sees `WriterGone`, and the
        // thread goes on with the jobs behind it.
        let delivery = catch_unwind(AssertUnwindSafe(|| job(registry)));
        let undo = registry.take_undo();
        match delivery {
            Ok(delivery) => ran.push(Ran {
                delivery,
                changed: registry.deferred_len() > before,
                commits: (head, registry.index().head().ok()),
                packages: registry.deferred_since(before),
                undo,
            }),
            Err(_) => tracing::error!("a registry job panicked; continuing with the next one"),
        }
    }
    let took = started.elapsed();
    let flushed = match catch_unwind(AssertUnwindSafe(|| registry.flush())) {
        Ok(Ok(flushed)) => Some(flushed),
        Ok(Err(e)) => {
            tracing::error!(
                "writing the site after {} changes failed: {:#}",
                ran.len(),
                anyhow::Error::from(e)
            );
            None
        }
        Err(_) => {
            tracing::error!("writing the site panicked");
            None
        }
    };
    let flush_took = started.elapsed() - took;
    tracing::debug!(jobs, ran = ?took, flushed = ?flush_took, "batch written");
    let Some(flushed) = flushed else {
        return (ran.into_iter())
            .map(|job| {
                let outcome = if job.changed {
                    Outcome::Unwritten
                } else {
                    Outcome::Done
                };
                (job.delivery, outcome)
            })
            .collect();
    };
    let refused = match base {
        Some(base) if !flushed.failed.is_empty() => {
            refuse(registry, base, &mut ran, &flushed.failed)
        }
        _ => Vec::new(),
    };
    (ran.into_iter()
        .zip(refused.into_iter().chain(std::iter::repeat(None))))
    .map(|(job, refused)| match refused {
        Some(why) => (job.delivery, Outcome::Refused(why)),
        None => (job.delivery, Outcome::Done),
    })
    .collect()
}

/// Refuses the jobs of `ran` that changed a package of `failed` (and, so that no kept
/// commit stands on a taken-back one, every job that shares a package with a refused
/// one): their commits go, their undos run. Returns, job by job, why it was refused.
fn refuse(
    registry: &mut Registry,
    base: git2::Oid,
    ran: &mut [Ran],
    failed: &[super::build::Failed],
) -> Vec<Option<String>> {
    let mut refused: Vec<Option<String>> = vec![None; ran.len()];
    let mut packages: Vec<PackageId> = failed.iter().map(|f| f.id.clone()).collect();
    loop {
        let mut grew = false;
        for (job, why) in ran.iter().zip(refused.iter_mut()) {
            if why.is_some() || !job.packages.iter().any(|p| packages.contains(p)) {
                continue;
            }
            let reason = (failed.iter())
                .find(|f| job.packages.contains(&f.id))
                .map_or_else(
                    || "it changed a package whose files could not be written".to_owned(),
                    |f| format!("its files could not be written ({})", f.describe()),
                );
            *why = Some(reason);
            for package in &job.packages {
                if !packages.contains(package) {
                    packages.push(package.clone());
                    grew = true;
                }
            }
        }
        if !grew {
            break;
        }
    }
    let mut drop = std::collections::HashSet::new();
    for (job, why) in ran.iter().zip(&refused) {
        if why.is_none() {
            continue;
        }
        if let (before, Some(after)) = job.commits {
            match registry.index().line(before, after) {
                Ok(line) => drop.extend(line),
                Err(e) => tracing::error!("listing a refused change's commits: {e}"),
            }
        }
    }
    let failed_too: Vec<super::build::Failed> = (packages.iter())
        .filter(|p| !failed.iter().any(|f| &f.id == *p))
        .map(|p| super::build::Failed {
            id: p.clone(),
            error: RegistryError::PackageNotFound(p.canonical.clone()),
            keys: Vec::new(),
        })
        .collect();
    let all: Vec<&super::build::Failed> = failed.iter().chain(&failed_too).collect();
    if let Err(e) = registry.refuse(base, &drop, &all) {
        // The commits stand: the changes are not answered as done, and their files are
        // owed (the next build writes them, or reports them again).
        tracing::error!(
            "taking back changes whose files could not be written failed: {:#}",
            anyhow::Error::from(e)
        );
        return refused
            .into_iter()
            .map(|why| why.map(|_| "its files could not be written".to_owned()))
            .collect();
    }
    for (job, why) in ran.iter_mut().zip(&refused) {
        if why.is_some() {
            for undo in job.undo.drain(..) {
                undo();
            }
        }
    }
    refused
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::Options;

    #[tokio::test]
    async fn jobs_run_in_order_and_a_panic_fails_only_its_job() {
        let dir = tempfile::tempdir().expect("tempdir");
        let registry = Registry::open(&Options::new(dir.path())).expect("open");
        let writer = WriterHandle::spawn(registry).expect("spawn");
        let first = writer.run(|r| r.config().map(|c| c.v).unwrap_or(0));
        let second = writer.run(|_| -> u32 { panic!("a bug") });
        let third = writer.run(|_| 3);
        assert_eq!(first.await.expect("ran"), 1);
        assert!(second.await.is_err());
        assert_eq!(third.await.expect("still running"), 3);
    }
}
