//! The one writer: a thread that owns the [`Registry`] and runs changes one at a time.
//!
//! Every change to the index (publish, yank, delete) is a job sent to this thread, so
//! commits land in the order the jobs arrive and two racing publishes of one version are
//! decided by whichever job runs first. The repository handle is not `Sync`, and a single
//! owner is what makes "one commit per change, linear history" true by construction.

use std::{sync::mpsc, thread};

use tokio::sync::oneshot;

use super::Registry;

type Job = Box<dyn FnOnce(&mut Registry) + Send>;

/// A cheap, cloneable handle to the writer thread.
#[derive(Clone)]
pub struct WriterHandle {
    jobs: mpsc::Sender<Job>,
}

/// The writer thread has stopped (it panicked, or the server is shutting down).
#[derive(Debug, thiserror::Error)]
#[error("the registry writer has stopped")]
pub struct WriterGone;

impl WriterHandle {
    /// Starts the writer thread, which owns `registry` until every handle is dropped.
    ///
    /// # Errors
    /// The thread could not be spawned.
    pub fn spawn(registry: Registry) -> std::io::Result<Self> {
        let (jobs, queue) = mpsc::channel::<Job>();
        thread::Builder::new()
            .name("shelf-writer".into())
            .spawn(move || {
                let mut registry = registry;
                for job in queue {
                    // A job that panics (a bug) fails alone: its caller sees `WriterGone`,
                    // and the thread goes on with the jobs behind it.
                    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        job(&mut registry)
                    }));
                    if outcome.is_err() {
                        tracing::error!("a registry job panicked; continuing with the next one");
                    }
                }
            })?;
        Ok(WriterHandle { jobs })
    }

    /// Runs `job` on the writer thread after every job sent before it, and returns its
    /// result.
    ///
    /// # Errors
    /// [`WriterGone`] when the thread has stopped.
    pub async fn run<T, F>(&self, job: F) -> Result<T, WriterGone>
    where
        T: Send + 'static,
        F: FnOnce(&mut Registry) -> T + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let boxed: Job = Box::new(move |registry| {
            // The caller may have gone away (client disconnected); the job still ran.
            let _ = reply.send(job(registry));
        });
        self.jobs.send(boxed).map_err(|_| WriterGone)?;
        answer.await.map_err(|_| WriterGone)
    }
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
