//! Pushing the index to a git host after each commit (`--index-remote URL`).
//!
//! The push runs the real `git` (`git push URL refs/heads/main:refs/heads/main`), because
//! the operator's ssh keys, credential helpers and proxies are configured for it (and this
//! build's libgit2 has no network transports). It runs on a background thread, so a slow or
//! unreachable remote never delays a publish's answer. Pushes coalesce: commits that land
//! while a push runs are covered by one more push. A failed push is retried with backoff;
//! after the last attempt it is logged and recorded in `DATA/index-remote.status`, and the
//! next commit's push tries again. A push never touches the local index, so a commit is never
//! lost to a failing remote.
//!
//! Dropping the [`RemotePusher`] waits for the pending push (a CLI command that committed
//! exits only once the remote has the commit, or the failure is recorded).

use std::{
    fs,
    io::{self, Read, Write},
    path::{Path, PathBuf},
    process::{Command, ExitStatus, Stdio},
    sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError},
    thread::{self, JoinHandle},
    time::{Duration, Instant},
};

use serde::{Deserialize, Serialize};

use crate::clock;

/// The status file, in the data directory.
pub const STATUS_FILE: &str = "index-remote.status";

/// The branch pushed.
const REFSPEC: &str = "refs/heads/main:refs/heads/main";

/// What the operator can read about the pushes, in `DATA/index-remote.status` (JSON).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushStatus {
    /// The remote, with any password in its URL replaced by `***`.
    pub remote: String,
    /// Whether the latest push (after its retries) succeeded.
    pub ok: bool,
    /// When the latest attempt ended (RFC 3339, UTC).
    pub last_attempt: Option<String>,
    /// When a push last succeeded.
    pub last_success: Option<String>,
    /// The index commit the last successful push sent.
    pub last_pushed_commit: Option<String>,
    /// When a push last failed after all its retries.
    pub last_error_at: Option<String>,
    /// Why it failed (git's message). Kept after a later success, for the record; `ok` says
    /// whether it is current.
    pub last_error: Option<String>,
}

/// Why one push attempt failed.
#[derive(Debug, thiserror::Error)]
pub enum PushError {
    #[error("cannot run git; install it (apt-get install -y git)")]
    Spawn(#[source] io::Error),
    #[error("git push exited with {status}: {stderr}")]
    Failed { status: ExitStatus, stderr: String },
    #[error("waiting for git push failed")]
    Wait(#[source] io::Error),
    #[error("git push did not finish within {0:?} and was stopped")]
    TimedOut(Duration),
}

/// Something that can push a repository to a URL: the real `git`, or a fake in tests.
pub trait Transport: Send + Sync + 'static {
    /// Pushes the index's `main` branch from the repository at `index` to `url`.
    ///
    /// # Errors
    /// Why the push failed.
    fn push(&self, index: &Path, url: &str) -> Result<(), PushError>;
}

/// The real `git` binary.
#[derive(Debug, Clone)]
pub struct GitCommand {
    /// How long one push may take before it is stopped (a hung connection).
    pub timeout: Duration,
}

impl Default for GitCommand {
    fn default() -> Self {
        GitCommand {
            timeout: Duration::from_secs(300),
        }
    }
}

impl Transport for GitCommand {
    fn push(&self, index: &Path, url: &str) -> Result<(), PushError> {
        // `--git-dir` rather than `-C`: a relative remote path stays relative to where
        // shelf was started, as the operator wrote it.
        let mut child = Command::new("git")
            .arg("--git-dir")
            .arg(index.join(".git"))
            .args(["push", "--quiet", url, REFSPEC])
            // Never wait for a password on a terminal: a server has none to answer.
            .env("GIT_TERMINAL_PROMPT", "0")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(PushError::Spawn)?;
        // Read stderr on the side, so a chatty git never blocks on a full pipe.
        let reader = child.stderr.take().map(|mut stderr| {
            thread::spawn(move || {
                let mut text = String::new();
                let _ = stderr.read_to_string(&mut text);
                text
            })
        });
        let started = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().map_err(PushError::Wait)? {
                break status;
            }
            if started.elapsed() > self.timeout {
                // Our own child, by its handle.
                let _ = child.kill();
                let _ = child.wait();
                return Err(PushError::TimedOut(self.timeout));
            }
            thread::sleep(Duration::from_millis(50));
        };
        let stderr = reader
            .and_then(|r| r.join().ok())
            .unwrap_or_default()
            .trim()
            .to_owned();
        if status.success() {
            Ok(())
        } else {
            Err(PushError::Failed { status, stderr })
        }
    }
}

/// How failed pushes are retried.
#[derive(Debug, Clone, Copy)]
pub struct Retry {
    /// Attempts per push, the first included.
    pub attempts: u32,
    /// Wait after the first failure; doubled after each further one.
    pub first_delay: Duration,
}

impl Default for Retry {
    /// Three attempts over about three seconds: enough for a blip, short enough that a CLI
    /// command facing a dead remote does not hang; the next commit tries again anyway.
    fn default() -> Self {
        Retry {
            attempts: 3,
            first_delay: Duration::from_secs(1),
        }
    }
}

/// Pushes requested and done, counted; a push covers every request made before it started.
#[derive(Debug, Default)]
struct Queue {
    /// Requests so far.
    requested: u64,
    /// Requests covered by a finished push.
    finished: u64,
    /// Set when the pusher is dropped: the thread ends once nothing is pending.
    closing: bool,
}

/// What the background thread and the handle share.
struct Shared {
    queue: Mutex<Queue>,
    changed: Condvar,
    index: PathBuf,
    url: String,
    status: PathBuf,
    transport: Box<dyn Transport>,
    retry: Retry,
}

/// Pushes the index to a remote in the background after each commit.
pub struct RemotePusher {
    shared: Arc<Shared>,
    worker: Option<JoinHandle<()>>,
}

impl RemotePusher {
    /// A pusher of the index repository at `index` (`DATA/index`) to `url`, with the real
    /// `git`; its status goes to `DATA/index-remote.status`.
    #[must_use]
    pub fn new(index: &Path, url: &str) -> Self {
        let data = index.parent().unwrap_or_else(|| Path::new("."));
        Self::with_transport(
            index,
            url,
            &data.join(STATUS_FILE),
            Box::new(GitCommand::default()),
            Retry::default(),
        )
    }

    /// A pusher with any transport and retry policy, writing its status to `status`.
    #[must_use]
    pub fn with_transport(
        index: &Path,
        url: &str,
        status: &Path,
        transport: Box<dyn Transport>,
        retry: Retry,
    ) -> Self {
        let shared = Arc::new(Shared {
            queue: Mutex::new(Queue::default()),
            changed: Condvar::new(),
            index: index.to_owned(),
            url: url.to_owned(),
            status: status.to_owned(),
            transport,
            retry,
        });
        let for_thread = Arc::clone(&shared);
        let worker = thread::Builder::new()
            .name("shelf-index-remote".into())
            .spawn(move || for_thread.run());
        let worker = match worker {
            Ok(handle) => Some(handle),
            Err(e) => {
                // Without a thread, `push` pushes in the caller's thread instead.
                tracing::warn!(error = %e, "cannot start the index push thread; pushing inline");
                None
            }
        };
        RemotePusher { shared, worker }
    }

    /// Asks for a push of the index as it is now; returns at once. Requests made while a
    /// push runs are covered by one more push after it.
    pub fn push(&self) {
        let mut queue = self.shared.lock();
        queue.requested += 1;
        if self.worker.is_some() {
            self.shared.changed.notify_all();
            return;
        }
        let target = queue.requested;
        drop(queue);
        self.shared.push_with_retries();
        self.shared.lock().finished = target;
    }

    /// Waits until every push requested so far has finished (succeeded, or failed after its
    /// retries and been recorded).
    pub fn flush(&self) {
        let mut queue = self.shared.lock();
        let target = queue.requested;
        while queue.finished < target && self.worker.is_some() {
            queue = self
                .shared
                .changed
                .wait(queue)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }
}

impl Drop for RemotePusher {
    /// Finishes the pending push, then stops the thread.
    fn drop(&mut self) {
        self.flush();
        self.shared.lock().closing = true;
        self.shared.changed.notify_all();
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The background thread: one push per batch of requests.
    fn run(&self) {
        let mut queue = self.lock();
        loop {
            if queue.requested > queue.finished {
                let target = queue.requested;
                drop(queue);
                self.push_with_retries();
                queue = self.lock();
                queue.finished = target;
                self.changed.notify_all();
            } else if queue.closing {
                return;
            } else {
                queue = self
                    .changed
                    .wait(queue)
                    .unwrap_or_else(PoisonError::into_inner);
            }
        }
    }

    fn push_with_retries(&self) {
        let remote = redact(&self.url);
        // Read before pushing: the remote gets at least this commit.
        let commit = git2::Repository::open(&self.index)
            .and_then(|repo| repo.head()?.peel_to_commit().map(|c| c.id().to_string()))
            .ok();
        let mut delay = self.retry.first_delay;
        for attempt in 1..=self.retry.attempts.max(1) {
            let outcome = self.transport.push(&self.index, &self.url);
            let now = clock::rfc3339(clock::now());
            let mut status = self.read_status();
            status.remote.clone_from(&remote);
            status.last_attempt = Some(now.clone());
            match outcome {
                Ok(()) => {
                    status.ok = true;
                    status.last_success = Some(now);
                    status.last_pushed_commit.clone_from(&commit);
                    self.write_status(&status);
                    tracing::debug!(%remote, "pushed the index");
                    return;
                }
                Err(error) if attempt < self.retry.attempts => {
                    self.write_status(&status);
                    tracing::warn!(
                        %remote,
                        attempt,
                        error = %error,
                        "pushing the index failed; retrying in {delay:?}"
                    );
                    thread::sleep(delay);
                    delay = delay.saturating_mul(2);
                }
                Err(error) => {
                    status.ok = false;
                    status.last_error_at = Some(now);
                    status.last_error = Some(error.to_string());
                    self.write_status(&status);
                    tracing::error!(
                        %remote,
                        attempts = self.retry.attempts,
                        error = %error,
                        "pushing the index failed; the commit is kept locally and the next \
                         commit's push will try again (see {})",
                        self.status.display()
                    );
                }
            }
        }
    }

    fn read_status(&self) -> PushStatus {
        fs::read(&self.status)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }

    /// Writes the status file atomically; a failure is logged (it must not stop pushes).
    fn write_status(&self, status: &PushStatus) {
        let written = (|| -> io::Result<()> {
            let dir = self
                .status
                .parent()
                .ok_or_else(|| io::Error::other("status file has no folder"))?;
            fs::create_dir_all(dir)?;
            let mut bytes = serde_json::to_vec_pretty(status).map_err(io::Error::other)?;
            bytes.push(b'\n');
            let mut temp = tempfile::NamedTempFile::new_in(dir)?;
            temp.write_all(&bytes)?;
            temp.persist(&self.status).map_err(|e| e.error)?;
            Ok(())
        })();
        if let Err(error) = written {
            tracing::error!(path = %self.status.display(), %error, "cannot write the push status");
        }
    }
}

/// The URL with the password of `scheme://user:password@host/…` replaced by `***`, for logs
/// and the status file.
#[must_use]
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    let Some((userinfo, host)) = authority.rsplit_once('@') else {
        return url.to_owned();
    };
    let user = match userinfo.split_once(':') {
        Some((user, _)) => format!("{user}:***"),
        None => userinfo.to_owned(),
    };
    format!("{scheme}://{user}@{host}{path}")
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    /// A transport that fails its first `failures` pushes, and can hold each push until
    /// released.
    struct Fake {
        /// Pushes started.
        entered: Arc<AtomicU32>,
        /// Pushes finished.
        calls: Arc<AtomicU32>,
        failures: u32,
        gate: Option<Arc<(Mutex<bool>, Condvar)>>,
    }

    impl Transport for Fake {
        fn push(&self, _index: &Path, _url: &str) -> Result<(), PushError> {
            self.entered.fetch_add(1, Ordering::SeqCst);
            if let Some(gate) = &self.gate {
                let (open, cv) = &**gate;
                let mut open = open.lock().expect("gate lock");
                while !*open {
                    open = cv.wait(open).expect("gate wait");
                }
            }
            let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
            if n <= self.failures {
                Err(PushError::TimedOut(Duration::from_secs(1)))
            } else {
                Ok(())
            }
        }
    }

    fn fast() -> Retry {
        Retry {
            attempts: 3,
            first_delay: Duration::from_millis(1),
        }
    }

    fn pusher(dir: &Path, fake: Fake) -> RemotePusher {
        RemotePusher::with_transport(
            &dir.join("index"),
            "https://bot:s3cret@git.example.com/index.git",
            &dir.join(STATUS_FILE),
            Box::new(fake),
            fast(),
        )
    }

    fn status(dir: &Path) -> PushStatus {
        serde_json::from_slice(&fs::read(dir.join(STATUS_FILE)).expect("status file"))
            .expect("status JSON")
    }

    #[test]
    fn a_failed_push_is_retried_and_then_recorded() {
        let dir = tempfile::tempdir().expect("tempdir");
        let calls = Arc::new(AtomicU32::new(0));
        let fake = Fake {
            entered: Arc::new(AtomicU32::new(0)),
            calls: Arc::clone(&calls),
            failures: 2,
            gate: None,
        };
        let p = pusher(dir.path(), fake);
        p.push();
        p.flush();
        assert_eq!(
            calls.load(Ordering::SeqCst),
            3,
            "two failures, then success"
        );
        let s = status(dir.path());
        assert!(s.ok);
        assert!(s.last_success.is_some());
        assert!(s.last_error.is_none());
        assert_eq!(s.remote, "https://bot:***@git.example.com/index.git");
    }

    #[test]
    fn a_push_failing_every_attempt_is_recorded_and_the_next_one_tries_again() {
        let dir = tempfile::tempdir().expect("tempdir");
        let calls = Arc::new(AtomicU32::new(0));
        let fake = Fake {
            entered: Arc::new(AtomicU32::new(0)),
            calls: Arc::clone(&calls),
            failures: 3,
            gate: None,
        };
        let p = pusher(dir.path(), fake);
        p.push();
        p.flush();
        assert_eq!(calls.load(Ordering::SeqCst), 3);
        let s = status(dir.path());
        assert!(!s.ok);
        assert!(
            s.last_error
                .as_deref()
                .is_some_and(|e| e.contains("did not finish"))
        );
        assert!(s.last_success.is_none());

        p.push();
        drop(p);
        assert_eq!(
            calls.load(Ordering::SeqCst),
            4,
            "dropping waits for the push"
        );
        let s = status(dir.path());
        assert!(s.ok && s.last_success.is_some());
        assert!(
            s.last_error.is_some(),
            "the earlier failure stays on record"
        );
    }

    #[test]
    fn requests_during_a_push_are_covered_by_one_more_push() {
        let dir = tempfile::tempdir().expect("tempdir");
        let calls = Arc::new(AtomicU32::new(0));
        let gate = Arc::new((Mutex::new(false), Condvar::new()));
        let entered = Arc::new(AtomicU32::new(0));
        let fake = Fake {
            entered: Arc::clone(&entered),
            calls: Arc::clone(&calls),
            failures: 0,
            gate: Some(Arc::clone(&gate)),
        };
        let p = pusher(dir.path(), fake);
        p.push();
        // The thread has taken the first request once it waits in the gate.
        while entered.load(Ordering::SeqCst) == 0 {
            thread::yield_now();
        }
        for _ in 0..5 {
            p.push();
        }
        {
            let (open, cv) = &*gate;
            *open.lock().expect("gate lock") = true;
            cv.notify_all();
        }
        p.flush();
        assert_eq!(
            calls.load(Ordering::SeqCst),
            2,
            "the running push, then one push for the five requests made meanwhile"
        );
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact("https://user:tok@host.example/x.git"),
            "https://user:***@host.example/x.git"
        );
        assert_eq!(
            redact("https://host.example/a@b.git"),
            "https://host.example/a@b.git"
        );
        assert_eq!(
            redact("ssh://git@host.example/x.git"),
            "ssh://git@host.example/x.git"
        );
        assert_eq!(
            redact("git@github.com:org/index.git"),
            "git@github.com:org/index.git"
        );
        assert_eq!(redact("/srv/index.git"), "/srv/index.git");
    }
}
