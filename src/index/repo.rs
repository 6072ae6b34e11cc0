//! The index as a git repository: reading package files and committing changes.
//!
//! Every change writes one file of the working tree, stages it and commits it, so that the
//! working tree is clean after every operation and `git clone` of the repository is a
//! complete copy of the index.

use std::{
    fs,
    io::{self, Write},
    path::{Path, PathBuf},
};

use git2::{Oid, Repository, Signature};

use super::{
    IndexConfig,
    line::{LineError, PackageRecord},
    shard_path,
};

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
    Line {
        path: String,
        #[source]
        source: LineError,
    },
    #[error("the index's config.json is invalid")]
    Config(#[source] serde_json::Error),
}

/// The file holding the registry's settings, at the index root.
pub const CONFIG_FILE: &str = "config.json";

/// An open index repository.
pub struct IndexRepo {
    repo: Repository,
    root: PathBuf,
}

impl IndexRepo {
    /// Opens the index at `root`, creating it (with `config.json` for `base_url`) when it
    /// does not exist yet.
    ///
    /// # Errors
    /// Git and I/O errors.
    pub fn open_or_init(root: &Path, base_url: &str) -> Result<Self, IndexError> {
        if root.join(".git").exists() {
            let repo = Repository::open(root)?;
            return Ok(IndexRepo {
                repo,
                root: root.to_owned(),
            });
        }
        fs::create_dir_all(root)?;
        let mut opts = git2::RepositoryInitOptions::new();
        opts.initial_head("main");
        let repo = Repository::init_opts(root, &opts)?;
        let index = IndexRepo {
            repo,
            root: root.to_owned(),
        };
        let config = IndexConfig::new(base_url);
        index.write_config(&config, "Initialize index", &Author::named("shelf"))?;
        Ok(index)
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

    /// A package's record, by canonical name; `None` when it has no file.
    ///
    /// # Errors
    /// I/O errors, or [`IndexError::Line`] when a line is not valid.
    pub fn read(&self, canonical: &str) -> Result<Option<PackageRecord>, IndexError> {
        read_record(&self.root, canonical)
    }

    /// Writes a package's file and commits it.
    ///
    /// # Errors
    /// Git and I/O errors.
    pub fn write(
        &self,
        canonical: &str,
        record: &PackageRecord,
        message: &str,
        author: &Author,
    ) -> Result<Oid, IndexError> {
        self.commit_file(
            &shard_path(canonical),
            record.to_text().as_bytes(),
            message,
            author,
        )
    }

    /// The canonical names of every package file in the working tree, sorted.
    ///
    /// # Errors
    /// I/O errors walking the tree.
    pub fn packages(&self) -> Result<Vec<String>, IndexError> {
        let mut names = Vec::new();
        let walk = walkdir::WalkDir::new(&self.root)
            .min_depth(2)
            .max_depth(3)
            .into_iter()
            .filter_entry(|e| e.file_name() != ".git");
        for entry in walk {
            let entry = entry.map_err(io::Error::other)?;
            if !entry.file_type().is_file() {
                continue;
            }
            let Ok(rel) = entry.path().strip_prefix(&self.root) else {
                continue;
            };
            let rel = rel.to_string_lossy();
            let name = entry.file_name().to_string_lossy();
            // Only files at their own shard path are packages (not READMEs or stray files).
            if shard_path(&name) == rel {
                names.push(name.into_owned());
            }
        }
        names.sort();
        Ok(names)
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
            .include_ignored(false);
        let statuses = self.repo.statuses(Some(&mut options))?;
        Ok(statuses
            .iter()
            .filter(|s| s.status() != git2::Status::CURRENT)
            .map(|s| String::from_utf8_lossy(s.path_bytes()).into_owned())
            .collect())
    }

    /// The commit HEAD points at.
    ///
    /// # Errors
    /// Git errors (an index always has at least its first commit).
    pub fn head(&self) -> Result<Oid, IndexError> {
        Ok(self.repo.head()?.peel_to_commit()?.id())
    }

    fn commit_file(
        &self,
        rel: &str,
        bytes: &[u8],
        message: &str,
        author: &Author,
    ) -> Result<Oid, IndexError> {
        let path = self.root.join(rel);
        let dir = path
            .parent()
            .ok_or_else(|| io::Error::other("index path has no parent"))?;
        fs::create_dir_all(dir)?;
        let mut temp = tempfile::NamedTempFile::new_in(dir)?;
        temp.write_all(bytes)?;
        temp.as_file().sync_all()?;
        temp.persist(&path).map_err(|e| e.error)?;

        // The staging area follows the working tree, so `git status` stays clean.
        let mut stage = self.repo.index()?;
        stage.add_path(Path::new(rel))?;
        stage.write()?;
        let parent = match self.repo.head() {
            Ok(head) => Some(head.peel_to_commit()?),
            Err(e)
                if e.code() == git2::ErrorCode::UnbornBranch
                    || e.code() == git2::ErrorCode::NotFound =>
            {
                None
            }
            Err(e) => return Err(e.into()),
        };
        // The new tree is the parent's with one path replaced: only the trees along that path
        // are written. (`Index::write_tree` rebuilds and checks every tree of the index when
        // its tree cache is cold, which made one commit cost 157 ms at 10,000 packages.)
        let blob = self.repo.blob(bytes)?;
        let base = match &parent {
            Some(commit) => commit.tree()?,
            None => self.repo.find_tree(self.repo.treebuilder(None)?.write()?)?,
        };
        let mut update = git2::build::TreeUpdateBuilder::new();
        update.upsert(rel, blob, git2::FileMode::Blob);
        let tree = self
            .repo
            .find_tree(update.create_updated(&self.repo, &base)?)?;
        let committer = Signature::now("Shelf", "shelf@localhost")?;
        let author = Signature::now(&author.name, &author.email)?;
        let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
        Ok(self
            .repo
            .commit(Some("HEAD"), &author, &committer, message, &tree, &parents)?)
    }
}

/// A package's record from the index's working tree at `root`, `None` when it has no file.
/// Reads files only (no git), so threads can call it at once (a full build does).
///
/// # Errors
/// I/O errors, and [`IndexError::Line`] for a line that does not parse.
pub fn read_record(root: &Path, canonical: &str) -> Result<Option<PackageRecord>, IndexError> {
    let rel = shard_path(canonical);
    let text = match fs::read_to_string(root.join(&rel)) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    PackageRecord::parse(&text)
        .map(Some)
        .map_err(|source| IndexError::Line { path: rel, source })
}
