//! The index as a git repository: reading package files and committing changes.
//!
//! Every change is one file and one commit: the commit is built from `HEAD`'s tree with that
//! one path replaced (so nothing else the working tree might hold is ever committed), then the
//! file is written, staged, and the branch moved. A failure at any step puts the file back to
//! `HEAD`, so the working tree is clean after every operation, successful or not, and
//! `git clone` of the repository is a complete copy of the index.

use std::{
    cell::RefCell,
    fs,
    io::{self, Write},
    path::{Path, PathBuf},
};

use git2::{Oid, Repository, Signature};

use super::IndexConfig;

/// Who a commit is attributed to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Author {
    /// Display name (the publisher's account name).
    pub name: String,
    /// E-mail address.
    pub email: String,
}

impl Author {
    /// An author for an account name with no known e-mail address.
    #[must_use]
    pub fn named(name: &str) -> Self {
        Author {
            name: name.to_owned(),
            email: format!("{name}@users.shelf.invalid"),
        }
    }
}

/// Why an index operation failed.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("git operation on the index failed")]
    Git(#[from] git2::Error),
    #[error("reading or writing the index failed")]
    Io(#[from] io::Error),
    #[error("index file {path} is invalid")]
    Invalid {
        path: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    #[error("the index's config.json is invalid")]
    Config(#[source] serde_json::Error),
    #[error("an earlier write to the index was interrupted and could not be taken back yet")]
    Interrupted,
    #[error("injected failure at {0:?} (a test asked for it)")]
    Injected(WriteStep),
}

/// What git's `index.lock` holds while Shelf keeps it ([`IndexRepo::defer_stage`]).
pub const STAGE_LOCK_NOTE: &str = "Shelf holds this lock: git's staging area (.git/index) \
lags HEAD by the last commits, whose files it has not listed yet. Shelf removes it once it \
has; if Shelf was killed, its next start does. Committing by hand before that would take \
back those files: to do it anyway, remove this file and run `git reset` first.\n";

/// The file holding the registry's settings, at the index root.
pub const CONFIG_FILE: &str = "config.json";

/// An open index repository.
pub struct IndexRepo {
    pub(super) repo: Repository,
    root: PathBuf,
    /// The file of a write that failed and could not be put back to `HEAD` (or that
    /// panicked half-way), until [`IndexRepo::repair_interrupted`] does.
    interrupted: RefCell<Option<String>>,
    /// Failures a test asked for ([`IndexRepo::fail_next_write`]).
    faults: RefCell<Vec<(WriteStep, Fault)>>,
    /// While set, commits update the staging area in memory and leave writing it
    /// ([`IndexRepo::write_stage`]); `Some(true)` once one did.
    stage_deferred: std::cell::Cell<Option<bool>>,
    /// Whether this handle holds git's `index.lock` while the staging area's file lags
    /// (see [`IndexRepo::defer_stage`]).
    holds_stage_lock: std::cell::Cell<bool>,
    /// Commits whose objects and branch may still be only in the page cache, until
    /// [`IndexRepo::sync`].
    unsynced: std::cell::Cell<bool>,
    /// While set, commits leave being made durable to [`IndexRepo::sync`].
    sync_deferred: std::cell::Cell<bool>,
}

impl Drop for IndexRepo {
    /// A command that committed leaves no replaced file behind ([`crate::reap`]).
    fn drop(&mut self) {
        crate::reap::drain();
    }
}

impl IndexRepo {
    /// Opens the index at `root`, creating it (with `config.json` for `base_url`) when it
    /// does not exist yet.
    ///
    /// # Errors
    /// Git and I/O errors.
    pub fn open_or_init(root: &Path, base_url: &str) -> Result<Self, IndexError> {
        if root.join(".git").exists() {
            return Ok(Self::with(Repository::open(root)?, root));
        }
        fs::create_dir_all(root)?;
        let mut opts = git2::RepositoryInitOptions::new();
        opts.initial_head("main");
        let index = Self::with(Repository::init_opts(root, &opts)?, root);
        let config = IndexConfig::new(base_url);
        index.write_config(&config, "Initialize index", &Author::named("shelf"))?;
        Ok(index)
    }

    fn with(repo: Repository, root: &Path) -> Self {
        IndexRepo {
            repo,
            root: root.to_owned(),
            interrupted: RefCell::new(None),
            faults: RefCell::new(Vec::new()),
            stage_deferred: std::cell::Cell::new(None),
            holds_stage_lock: std::cell::Cell::new(false),
            unsynced: std::cell::Cell::new(false),
            sync_deferred: std::cell::Cell::new(false),
        }
    }

    /// The working tree's root.
    #[must_use]
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The registry settings.
    ///
    /// # Errors
    /// I/O errors, or [`IndexError::Config`] when the file is not valid.
    pub fn config(&self) -> Result<IndexConfig, IndexError> {
        let text = fs::read(self.root.join(CONFIG_FILE))?;
        serde_json::from_slice(&text).map_err(IndexError::Config)
    }

    /// Rewrites `config.json` in one commit.
    ///
    /// # Errors
    /// Git and I/O errors.
    pub fn write_config(
        &self,
        config: &IndexConfig,
        message: &str,
        author: &Author,
    ) -> Result<Oid, IndexError> {
        let mut text = serde_json::to_vec_pretty(config).map_err(IndexError::Config)?;
        text.push(b'\n');
        self.commit_file(CONFIG_FILE, &text, message, author)
    }

    /// The bytes of the file at `rel` in the working tree; `None` when there is none. Reads
    /// files only (no git), so threads may call [`read_file`] at once.
    ///
    /// # Errors
    /// I/O errors other than the file being absent.
    pub fn read_file(&self, rel: &str) -> Result<Option<Vec<u8>>, IndexError> {
        read_file(&self.root, rel)
    }

    /// Commits `bytes` as the file `rel` (one commit, see [`IndexRepo::commit_file`]).
    ///
    /// # Errors
    /// Git and I/O errors; the working tree is back at `HEAD` after any of them.
    pub fn write_file(
        &self,
        rel: &str,
        bytes: &[u8],
        message: &str,
        author: &Author,
    ) -> Result<Oid, IndexError> {
        self.commit_file(rel, bytes, message, author)
    }

    /// Paths of the working tree that differ from `HEAD` (modified, added, deleted or
    /// untracked, ignored files aside): empty when the tree is clean, as every command
    /// leaves it.
    ///
    /// # Errors
    /// Git errors.
    pub fn dirty_paths(&self) -> Result<Vec<String>, IndexError> {
        let mut options = git2::StatusOptions::new();
        options
            .include_untracked(true)
            .recurse_untracked_dirs(true)
            .include_ignored(false)
            // Files whose content matched but whose times did not (a copied or restored
            // index) are hashed once, not on every status.
            .update_index(true);
        let statuses = self.repo.statuses(Some(&mut options))?;
        Ok(statuses
            .iter()
            .filter(|s| s.status() != git2::Status::CURRENT)
            .map(|s| String::from_utf8_lossy(s.path_bytes()).into_owned())
            .collect())
    }

    /// From now until [`IndexRepo::write_stage`], commits leave the staging area's file
    /// (`.git/index`, which lists every file of the index: a megabyte and its SHA-1 at
    /// 10,000 packages) to be written once for all of them; nothing Shelf runs reads the
    /// file in between (the staging area in memory is current).
    ///
    /// While the file lags `HEAD`, this handle holds git's own lock on it
    /// (`.git/index.lock`, [`STAGE_LOCK_NOTE`] inside), so no git command can stage or
    /// commit from the stale file: a hand-made `git commit -a` would otherwise take back the
    /// files the last commits added. A server killed in between leaves the lock and the
    /// stale file; git then refuses to commit ("Unable to create '…/index.lock': File
    /// exists"), and the recovery every start runs removes the lock and puts the staging
    /// area back to `HEAD` ([`crate::registry::recover`]).
    pub fn defer_stage(&self) {
        if self.stage_deferred.get().is_none() {
            self.stage_deferred.set(Some(false));
        }
    }

    /// Whether a commit since [`IndexRepo::defer_stage`] left the staging area's file to
    /// [`IndexRepo::write_stage`].
    #[must_use]
    pub fn stage_pending(&self) -> bool {
        self.stage_deferred.get() == Some(true)
    }

    /// Writes the staging area the commits since [`IndexRepo::defer_stage`] changed, and
    /// stops deferring.
    ///
    /// # Errors
    /// Git errors writing it (it stays deferred, to be written by the next call).
    pub fn write_stage(&self) -> Result<(), IndexError> {
        if self.stage_pending() {
            self.write_index(&mut self.repo.index()?)?;
        }
        self.stage_deferred.set(None);
        Ok(())
    }

    /// Takes git's lock on the staging area's file while it lags (see
    /// [`IndexRepo::defer_stage`]). Best effort: a git command holding it right now only
    /// means the next [`IndexRepo::write_index`] fails and is retried.
    fn hold_stage_lock(&self) {
        if self.holds_stage_lock.get() {
            return;
        }
        let lock = self.repo.path().join("index.lock");
        match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&lock)
            .and_then(|mut file| file.write_all(STAGE_LOCK_NOTE.as_bytes()))
        {
            Ok(()) => self.holds_stage_lock.set(true),
            Err(e) => tracing::warn!(
                "cannot hold {} while git's staging area lags HEAD: {e}",
                lock.display()
            ),
        }
    }

    /// Writes the staging area's file from `stage` (this repository's, in memory), letting
    /// go of the lock this handle held for it first (libgit2 takes it to write).
    fn write_index(&self, stage: &mut git2::Index) -> Result<(), IndexError> {
        if self.holds_stage_lock.replace(false) {
            match fs::remove_file(self.repo.path().join("index.lock")) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e.into()),
                _ => {}
            }
        }
        let written = stage.write();
        if written.is_err() && self.stage_pending() {
            self.hold_stage_lock();
        }
        written?;
        if self.stage_pending() {
            // Everything in memory is written: what was owed is paid.
            self.stage_deferred.set(Some(false));
        }
        Ok(())
    }

    /// From now until [`IndexRepo::sync`], commits leave being made durable to it, so that
    /// a batch of commits pays for one `syncfs`.
    pub fn defer_sync(&self) {
        self.sync_deferred.set(true);
    }

    /// Makes the commits since the last call durable and stops deferring that
    /// ([`IndexRepo::defer_sync`]): libgit2 writes objects, the branch and
    /// its log without `fsync`, so until then a power failure could take back a commit the
    /// caller was told of. One `syncfs` of the repository's filesystem covers every file of
    /// every commit since (a group commit: a batch of publishes pays for one), where an
    /// `fsync` of each object, folder, branch and log would cost about fifteen per commit.
    ///
    /// # Errors
    /// The filesystem's I/O error: the commits stand, but may not survive a power failure.
    pub fn sync(&self) -> Result<(), IndexError> {
        self.sync_deferred.set(false);
        if self.unsynced.replace(false) {
            let git = fs::File::open(self.repo.path())?;
            if let Err(e) = rustix::fs::syncfs(&git) {
                self.unsynced.set(true);
                return Err(io::Error::from(e).into());
            }
        }
        Ok(())
    }

    /// Every file of `HEAD`'s tree with the id of its content, in the tree's order: what
    /// the index holds, read from git's trees alone (no file of the working tree is read).
    ///
    /// # Errors
    /// Git errors.
    pub fn head_files(&self) -> Result<Vec<(String, Oid)>, IndexError> {
        let tree = self.repo.head()?.peel_to_tree()?;
        let mut files = Vec::new();
        tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
            if entry.kind() == Some(git2::ObjectType::Blob) {
                let name = String::from_utf8_lossy(entry.name_bytes());
                files.push((format!("{dir}{name}"), entry.id()));
            }
            git2::TreeWalkResult::Ok
        })?;
        Ok(files)
    }

    /// The commit HEAD points at.
    ///
    /// # Errors
    /// Git errors (an index always has at least its first commit).
    pub fn head(&self) -> Result<Oid, IndexError> {
        Ok(self.repo.head()?.peel_to_commit()?.id())
    }

    /// Whether a write was interrupted (a failure whose repair also failed, or a panic)
    /// and left the working tree or the staging area ahead of `HEAD`.
    #[must_use]
    pub fn is_interrupted(&self) -> bool {
        self.interrupted.borrow().is_some()
    }

    /// Puts the file of an interrupted write back to `HEAD`, working tree and staging area
    /// both. The writer calls it before every job, so a job never reads, and never commits,
    /// what a failed one left.
    ///
    /// # Errors
    /// Git and I/O errors; the write stays marked interrupted, and the next write refuses to
    /// start until a repair succeeds.
    pub fn repair_interrupted(&self) -> Result<Option<String>, IndexError> {
        let Some(rel) = self.interrupted.borrow().clone() else {
            return Ok(None);
        };
        self.restore(&rel)?;
        self.interrupted.replace(None);
        Ok(Some(rel))
    }

    /// Makes the next write fail at `step` (once), to prove a failure anywhere in a write
    /// leaves the index at `HEAD`. For tests; a running registry never sets it.
    #[doc(hidden)]
    pub fn fail_next_write(&self, step: WriteStep, fault: Fault) {
        self.faults.borrow_mut().push((step, fault));
    }

    /// Fails (or panics) here when a test asked for it.
    fn step(&self, step: WriteStep) -> Result<(), IndexError> {
        let mut faults = self.faults.borrow_mut();
        let Some(at) = faults.iter().position(|(s, _)| *s == step) else {
            return Ok(());
        };
        let (_, fault) = faults.remove(at);
        drop(faults);
        match fault {
            Fault::Error => Err(IndexError::Injected(step)),
            Fault::Panic => panic!("injected panic at {step:?}"),
        }
    }

    /// Commits `bytes` as the file `rel`: one commit whose tree is `HEAD`'s with that one
    /// path replaced, so nothing but this change is ever committed, whatever the working
    /// tree holds.
    ///
    /// Everything that can be refused (the signatures: libgit2 refuses `<`, `>` and line
    /// breaks in names and e-mails) and every git object is made before anything a reader
    /// sees changes; then the working tree file, the staging area, and last the branch, moved
    /// only if nobody moved it meanwhile. A failure after the file is written puts the file
    /// and its staging entry back to `HEAD` before returning; if even that fails, the write is
    /// left marked [interrupted](Self::is_interrupted) for the writer to repair.
    fn commit_file(
        &self,
        rel: &str,
        bytes: &[u8],
        message: &str,
        author: &Author,
    ) -> Result<Oid, IndexError> {
        // A write that could not be taken back blocks the next one: its record was read from
        // a working tree that may hold the failed change.
        if self.is_interrupted() {
            return Err(IndexError::Interrupted);
        }
        self.step(WriteStep::Signature)?;
        let committer = Signature::now("Shelf", "shelf@localhost")?;
        let author = Signature::now(&author.name, &author.email)?;
        let parent = self.head_commit()?;
        // The new tree is the parent's with one path replaced: only the trees along that path
        // are written. (`Index::write_tree` rebuilds and checks every tree of the index when
        // its tree cache is cold, which made one commit cost 157 ms at 10,000 packages.)
        self.step(WriteStep::Blob)?;
        let blob = self.repo.blob(bytes)?;
        self.step(WriteStep::Tree)?;
        let base = match &parent {
            Some(commit) => commit.tree()?,
            None => self.repo.find_tree(self.repo.treebuilder(None)?.write()?)?,
        };
        let mut update = git2::build::TreeUpdateBuilder::new();
        update.upsert(rel, blob, git2::FileMode::Blob);
        let tree = self
            .repo
            .find_tree(update.create_updated(&self.repo, &base)?)?;
        self.step(WriteStep::Commit)?;
        let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
        // No ref names it yet: if what follows fails, it is an unreachable object, which
        // nothing reads and `git gc` removes.
        let oid = self
            .repo
            .commit(None, &author, &committer, message, &tree, &parents)?;

        self.interrupted.replace(Some(rel.to_owned()));
        let parent_id = parent.as_ref().map(git2::Commit::id);
        match self.land(rel, bytes, oid, parent_id, message) {
            Ok(()) => {
                self.interrupted.replace(None);
                self.unsynced.set(true);
                // Alone, a commit is made durable now; in a batch, once for all of them.
                if !self.sync_deferred.get() {
                    self.sync()?;
                }
                Ok(oid)
            }
            Err(error) => {
                match self.restore(rel) {
                    Ok(()) => {
                        self.interrupted.replace(None);
                    }
                    Err(repair) => tracing::error!(
                        "a failed index write could not be taken back ({repair}); the \
                         writer repairs it before the next change"
                    ),
                }
                Err(error)
            }
        }
    }

    /// The visible half of a commit: the file, its staging entry, then the branch.
    fn land(
        &self,
        rel: &str,
        bytes: &[u8],
        oid: Oid,
        parent: Option<Oid>,
        message: &str,
    ) -> Result<(), IndexError> {
        self.step(WriteStep::WorkingFile)?;
        let path = self.root.join(rel);
        let dir = path
            .parent()
            .ok_or_else(|| io::Error::other("index path has no parent"))?;
        fs::create_dir_all(dir)?;
        // Not synced by itself: the commit holds these bytes, and the `syncfs` that makes
        // the commit durable ([`IndexRepo::sync`]) covers this file too.
        let mut temp = tempfile::NamedTempFile::new_in(dir)?;
        temp.write_all(bytes)?;
        // The old file is freed by the reaper's thread, not by this rename.
        crate::reap::replace(&path, self.repo.path(), || {
            temp.persist(&path).map(drop).map_err(|e| e.error)
        })?;

        // The staging area follows the working tree, so `git status` stays clean.
        self.step(WriteStep::Stage)?;
        let mut stage = self.repo.index()?;
        stage.add_path(Path::new(rel))?;
        match self.stage_deferred.get() {
            Some(_) => {
                self.hold_stage_lock();
                self.stage_deferred.set(Some(true));
            }
            None => self.write_index(&mut stage)?,
        }

        self.step(WriteStep::Branch)?;
        let reflog = format!("commit: {}", message.lines().next().unwrap_or_default());
        match parent {
            // Moved only from the commit this one was built on (libgit2 compares and swaps).
            Some(_) => {
                let mut head = self.repo.head()?;
                let file = head.name().ok().map(|name| self.repo.path().join(name));
                match file {
                    // libgit2 renames the branch's lock over its file: the reaper frees it.
                    Some(file) => crate::reap::replace(&file, self.repo.path(), || {
                        head.set_target(oid, &reflog)
                    })
                    .map(drop)?,
                    None => drop(head.set_target(oid, &reflog)?),
                }
            }
            None => {
                let head = self.repo.find_reference("HEAD")?;
                let branch = head.symbolic_target()?.unwrap_or("refs/heads/main");
                self.repo.reference(branch, oid, false, &reflog)?;
            }
        }
        Ok(())
    }

    /// The commits on `to`'s first-parent line after `from` (all of them back to the first
    /// when `from` is `None`), newest first.
    ///
    /// # Errors
    /// Git errors; `from` not on the line.
    pub fn line(&self, from: Option<Oid>, to: Oid) -> Result<Vec<Oid>, IndexError> {
        let mut line = Vec::new();
        let mut at = self.repo.find_commit(to)?;
        while Some(at.id()) != from {
            line.push(at.id());
            match at.parent(0) {
                Ok(parent) => at = parent,
                Err(_) if from.is_none() => break,
                Err(e) => return Err(e.into()),
            }
        }
        Ok(line)
    }

    /// Takes the commits `drop` out of the history since `base` (an ancestor of `HEAD` on
    /// its first-parent line): the branch is moved to a chain rebuilt from `base` with
    /// every other commit of the line applied again in order (its author, committer,
    /// message and the files it changed, so a kept commit changes exactly what it
    /// changed before), and the files the dropped commits changed are put back as the
    /// new `HEAD` has them, in the working tree and the staging area. Returns those
    /// files' paths.
    ///
    /// For the writer ([`crate::registry::worker`]) refusing a change of a batch whose
    /// files could not be written: the batch's commits are not yet answered, pushed or
    /// exported, so nobody has seen them. The caller makes sure no kept commit changed a
    /// file a dropped one changed (it then refuses that change too).
    ///
    /// # Errors
    /// Git and I/O errors; `base` not on `HEAD`'s first-parent line.
    pub fn drop_commits(
        &self,
        base: Oid,
        drop: &std::collections::HashSet<Oid>,
    ) -> Result<Vec<String>, IndexError> {
        let head = self.head()?;
        let mut line = Vec::new();
        let mut at = self.repo.find_commit(head)?;
        while at.id() != base {
            let parent = at.parent(0).map_err(|_| {
                io::Error::other(format!("{base} is not an ancestor of HEAD ({head})"))
            })?;
            line.push(at);
            at = parent;
        }
        line.reverse();
        let mut tip = at;
        let mut dropped = std::collections::BTreeSet::new();
        for commit in line {
            let before = commit.parent(0)?.tree()?;
            let after = commit.tree()?;
            let diff = self
                .repo
                .diff_tree_to_tree(Some(&before), Some(&after), None)?;
            let mut update = git2::build::TreeUpdateBuilder::new();
            for delta in diff.deltas() {
                let new = delta.new_file();
                let old = delta.old_file();
                let path = new
                    .path()
                    .or_else(|| old.path())
                    .map(|p| p.to_string_lossy().into_owned())
                    .unwrap_or_default();
                if drop.contains(&commit.id()) {
                    dropped.insert(path);
                } else if delta.status() == git2::Delta::Deleted {
                    update.remove(&path);
                } else {
                    let mode = match new.mode() {
                        git2::FileMode::BlobExecutable => git2::FileMode::BlobExecutable,
                        _ => git2::FileMode::Blob,
                    };
                    update.upsert(&path, new.id(), mode);
                }
            }
            if drop.contains(&commit.id()) {
                continue;
            }
            let tree = self
                .repo
                .find_tree(update.create_updated(&self.repo, &tip.tree()?)?)?;
            let message = String::from_utf8_lossy(commit.message_bytes()).into_owned();
            let id = self.repo.commit(
                None,
                &commit.author(),
                &commit.committer(),
                &message,
                &tree,
                &[&tip],
            )?;
            tip = self.repo.find_commit(id)?;
        }
        if tip.id() != head {
            let mut reference = self.repo.head()?;
            reference.set_target(tip.id(), "shelf: a refused change taken back")?;
            self.unsynced.set(true);
        }
        let dropped: Vec<String> = dropped.into_iter().collect();
        for rel in &dropped {
            self.restore(rel)?;
        }
        if !self.sync_deferred.get() {
            self.sync()?;
        }
        Ok(dropped)
    }

    /// The commit `HEAD` names; `None` before the first commit.
    fn head_commit(&self) -> Result<Option<git2::Commit<'_>>, IndexError> {
        match self.repo.head() {
            Ok(head) => Ok(Some(head.peel_to_commit()?)),
            Err(e)
                if e.code() == git2::ErrorCode::UnbornBranch
                    || e.code() == git2::ErrorCode::NotFound =>
            {
                Ok(None)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Puts `rel` back as `HEAD` has it, in the working tree and the staging area (removed
    /// from both when `HEAD` has no such file).
    fn restore(&self, rel: &str) -> Result<(), IndexError> {
        self.step(WriteStep::Restore)?;
        let path = self.root.join(rel);
        let head = self.head_commit()?;
        let committed = match &head {
            Some(commit) => match commit.tree()?.get_path(Path::new(rel)) {
                Ok(entry) => Some(self.repo.find_blob(entry.id())?.content().to_vec()),
                Err(e) if e.code() == git2::ErrorCode::NotFound => None,
                Err(e) => return Err(e.into()),
            },
            None => None,
        };
        let mut stage = self.repo.index()?;
        match committed {
            Some(bytes) => {
                let dir = path
                    .parent()
                    .ok_or_else(|| io::Error::other("index path has no parent"))?;
                let mut temp = tempfile::NamedTempFile::new_in(dir)?;
                temp.write_all(&bytes)?;
                temp.as_file().sync_all()?;
                temp.persist(&path).map_err(|e| e.error)?;
                stage.add_path(Path::new(rel))?;
            }
            None => {
                match fs::remove_file(&path) {
                    Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e.into()),
                    _ => {}
                }
                match stage.remove_path(Path::new(rel)) {
                    Err(e) if e.code() != git2::ErrorCode::NotFound => return Err(e.into()),
                    _ => {}
                }
            }
        }
        self.write_index(&mut stage)?;
        Ok(())
    }
}

/// The steps of an index write, in order, where a test can make one fail
/// ([`IndexRepo::fail_next_write`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteStep {
    /// Making the author's and committer's signatures.
    Signature,
    /// Writing the file's git blob.
    Blob,
    /// Writing the new trees.
    Tree,
    /// Writing the commit object.
    Commit,
    /// Writing the file into the working tree.
    WorkingFile,
    /// Updating the staging area.
    Stage,
    /// Moving the branch to the new commit.
    Branch,
    /// Putting a failed write's file back to `HEAD`.
    Restore,
}

impl WriteStep {
    /// Every step of a write, in order (not [`WriteStep::Restore`], which follows a failure).
    pub const ALL: [WriteStep; 7] = [
        WriteStep::Signature,
        WriteStep::Blob,
        WriteStep::Tree,
        WriteStep::Commit,
        WriteStep::WorkingFile,
        WriteStep::Stage,
        WriteStep::Branch,
    ];
}

/// How an injected failure shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The step returns an error.
    Error,
    /// The step panics (a bug), which the writer thread survives.
    Panic,
}

/// The bytes of the file at `rel` under the working tree `root`; `None` when there is none.
///
/// # Errors
/// I/O errors other than the file being absent.
pub fn read_file(root: &Path, rel: &str) -> Result<Option<Vec<u8>>, IndexError> {
    match fs::read(root.join(rel)) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn git(root: &Path, args: &[&str]) -> std::process::Output {
        std::process::Command::new("git")
            .arg("-C")
            .arg(root)
            .args(["-c", "user.name=Hand", "-c", "user.email=hand@example.com"])
            .args(args)
            .output()
            .expect("git runs (apt-get install -y git)")
    }

    #[test]
    fn a_lagging_staging_area_is_locked_against_hand_commits_until_written() {
        let dir = tempfile::tempdir().expect("tempdir");
        let index = IndexRepo::open_or_init(dir.path(), "http://localhost").expect("init");
        let author = Author::named("alice");
        index.defer_stage();
        index.defer_sync();
        index
            .write_file("ne/w-/new-package", b"{}\n", "Publish new-package", &author)
            .expect("commit");
        index.sync().expect("sync");
        let lock = dir.path().join(".git/index.lock");
        assert!(index.stage_pending());
        assert_eq!(fs::read_to_string(&lock).expect("held"), STAGE_LOCK_NOTE);
        // The file on disk lacks the new package: a commit from it would drop the file.
        let refused = git(dir.path(), &["commit", "-q", "--allow-empty", "-am", "x"]);
        assert!(!refused.status.success());
        assert!(String::from_utf8_lossy(&refused.stderr).contains("index.lock"));

        index.write_stage().expect("written");
        assert!(!lock.exists());
        assert!(!index.stage_pending());
        let status = git(
            dir.path(),
            &["status", "--porcelain", "--untracked-files=all"],
        );
        assert_eq!(String::from_utf8_lossy(&status.stdout), "");
        let made = git(dir.path(), &["commit", "-q", "--allow-empty", "-am", "x"]);
        assert!(made.status.success(), "{made:?}");
        let files = git(dir.path(), &["ls-tree", "-r", "--name-only", "HEAD"]);
        assert!(String::from_utf8_lossy(&files.stdout).contains("ne/w-/new-package"));
    }
}
