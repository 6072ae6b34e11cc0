//! One run of the mirror: read what changed at the origin, write it to the copy.

use std::{
    collections::{BTreeMap, BTreeSet},
    fmt, fs, io,
    path::{Path, PathBuf},
};

use base64::{Engine, engine::general_purpose::STANDARD as BASE64};
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use sha2::{Digest, Sha256, Sha512};

use super::{
    fetch::{Fetch, FetchError, Fetched, Validators},
    plan::{
        self, FeedHead, FeedPage, PackageDoc, Packument, RegistryDoc, SearchDoc, SearchEntry,
        Since, TarballFile, ZipFile,
    },
};
use crate::{
    npm::name::NpmName,
    output::{DirTarget, Outcome, Target},
    progress::{Progress, Tally},
};

/// The mirror's state file in the output folder. Its name starts with `.shelf-`, which
/// `shelf serve --site` never serves.
pub const STATE_FILE: &str = ".shelf-mirror.json";

/// The largest document read (a zip's limit is its size from the documents).
const DOCUMENT_LIMIT: u64 = 256 << 20;

/// The largest npm tarball read (packuments give no size; the hash is checked after).
const TARBALL_LIMIT: u64 = 1 << 30;

/// The largest git pack read from `-/index.git/`.
const PACK_LIMIT: u64 = 4 << 30;

/// The site format this mirror understands (`v` of `-/config.json`).
const FORMAT: u32 = 1;

/// Why a mirror run failed. Nothing is recorded in the state file then, so the next run
/// tries the same files again.
#[derive(Debug, thiserror::Error)]
pub enum MirrorError {
    #[error(transparent)]
    Fetch(#[from] FetchError),
    #[error("{0} is missing at the origin")]
    Missing(String),
    #[error("{path} at the origin is not a valid document")]
    Document {
        path: String,
        #[source]
        source: serde_json::Error,
    },
    #[error("the origin's site format is version {0}; this Shelf mirrors version {FORMAT}")]
    Format(u32),
    #[error(
        "{algorithm} mismatch for {path}: the documents say {expected}, the download is {actual}; it was not written"
    )]
    Checksum {
        algorithm: &'static str,
        path: String,
        expected: String,
        actual: String,
    },
    #[error("writing the mirror failed")]
    Io(#[from] io::Error),
}

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Documents (and feed pages, git files) downloaded.
    pub fetched: usize,
    /// Zips downloaded (each verified against its SHA-256).
    pub zips: usize,
    /// Files asked about but not downloaded: unchanged at the origin (304), or immutable
    /// (a zip, a full feed page, a git pack) and already here. Packages the feed says did
    /// not change are not asked about at all.
    pub skipped: usize,
    /// Files removed because the origin no longer has them.
    pub removed: usize,
    /// The feed's sequence number the copy is now at (`None`: the origin has no feed).
    pub seq: Option<u64>,
    /// Whether every package was read (a first run, a changed `config.json`, a rewritten
    /// history, or an origin without a feed).
    pub full: bool,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "fetched {} files, {} zips, skipped {}, removed {}",
            self.fetched, self.zips, self.skipped, self.removed
        )?;
        match self.seq {
            Some(seq) => write!(f, " (at change {seq}")?,
            None => write!(f, " (the origin has no change feed")?,
        }
        f.write_str(if self.full { ", full pass)" } else { ")" })
    }
}

/// What the state file remembers between runs.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct State {
    /// Format of this file.
    v: u32,
    /// The origin's base URL.
    origin: String,
    /// The last change copied.
    seq: u64,
    /// Its commit.
    commit: String,
    /// How each document was served, by logical path, to ask whether it changed.
    #[serde(default)]
    validators: BTreeMap<String, Validators>,
    /// The SHA-256 each zip here was verified to have, by key.
    #[serde(default)]
    verified: BTreeMap<String, String>,
}

/// A document read from the origin (or, when it did not change, from the copy).
struct Document {
    logical: String,
    key: String,
    bytes: Vec<u8>,
    validators: Validators,
    /// Downloaded now (else it is the copy's own bytes).
    fresh: bool,
}

/// Brings the copy in `out` up to date with the origin `fetch` reads (`origin` names it in
/// the state file: a different origin starts a full pass).
///
/// # Errors
/// [`MirrorError`]: the origin cannot be read, a document is invalid, a zip's SHA-256 does
/// not match its documents, or the copy cannot be written.
pub fn mirror(
    fetch: &impl Fetch,
    origin: &str,
    out: &Path,
    progress: &dyn Progress,
) -> Result<Summary, MirrorError> {
    let target = DirTarget::new(out)?;
    let previous = read_state(&out.join(STATE_FILE))
        .filter(|s| s.v == FORMAT && s.origin == origin)
        .unwrap_or_default();
    let mut run = Run {
        fetch,
        target,
        root: out.to_owned(),
        // Packages this run does not visit keep what was known of their files.
        validators: previous.validators.clone(),
        verified: previous.verified.clone(),
        previous,
        expected: BTreeSet::new(),
        summary: Summary::default(),
        progress,
    };
    let (seq, commit) = run.all()?;
    // What is known of files no longer here is forgotten.
    let mut validators = run.validators;
    validators.retain(|logical, _| out.join(plan::key_of(logical)).is_file());
    let mut verified = run.verified;
    verified.retain(|key, _| out.join(key).is_file());
    let state = State {
        v: FORMAT,
        origin: origin.to_owned(),
        seq: seq.unwrap_or(0),
        commit,
        validators,
        verified,
    };
    write_state(&out.join(STATE_FILE), &state)?;
    run.summary.seq = seq;
    Ok(run.summary)
}

struct Run<'a, F> {
    fetch: &'a F,
    target: DirTarget,
    root: PathBuf,
    previous: State,
    /// Validators of the documents, as known after this run.
    validators: BTreeMap<String, Validators>,
    /// Verified zips, as known after this run.
    verified: BTreeMap<String, String>,
    /// Keys this run wrote or confirmed.
    expected: BTreeSet<String>,
    summary: Summary,
    /// Told how many packages are done.
    progress: &'a dyn Progress,
}

impl<F: Fetch> Run<'_, F> {
    /// The whole run; returns the feed position reached.
    fn all(&mut self) -> Result<(Option<u64>, String), MirrorError> {
        let config = self
            .document("-/config.json")?
            .ok_or_else(|| MirrorError::Missing("-/config.json".into()))?;
        let registry: RegistryDoc = parse(&config)?;
        if registry.v != FORMAT {
            return Err(MirrorError::Format(registry.v));
        }
        let paths = registry.paths;
        let feed = self.document(crate::history::feed::HEAD_PATH)?;
        let head: Option<FeedHead> = feed.as_ref().map(parse).transpose()?;

        let since = match &head {
            Some(head) if self.previous.seq > 0 => {
                let mut changes = Vec::new();
                for n in head.pages_after(self.previous.seq) {
                    let page: FeedPage = parse(&self.immutable_document(&head.page(n))?)?;
                    changes.extend(page.changes);
                }
                changes.extend(head.changes.iter().cloned());
                plan::changes_since(self.previous.seq, &self.previous.commit, &changes)
            }
            _ => Since::Everything,
        };
        let search_doc = self
            .document(&paths.search)?
            .ok_or_else(|| MirrorError::Missing(paths.search.clone()))?;
        let search: SearchDoc = parse(&search_doc)?;
        let full = since == Since::Everything;
        self.summary.full = full;
        // The packages to read, by protocol. The feed names a changed package without its
        // protocol, so a changed name is looked for as both (one more 404 for the other).
        let (names, npm_names): (BTreeSet<String>, BTreeSet<String>) = match since {
            Since::Everything => {
                let (npm, others): (Vec<_>, Vec<_>) =
                    search.packages.into_iter().partition(SearchEntry::is_npm);
                (
                    others.into_iter().map(|p| p.name).collect(),
                    npm.into_iter().map(|p| p.name).collect(),
                )
            }
            Since::Packages(names) => (names.clone(), names),
            Since::Nothing => (BTreeSet::new(), BTreeSet::new()),
        };
        let total = (names.len() + npm_names.len()) as u64;
        self.progress.stage("packages", "packages", Some(total));
        let mut done = 0;
        for name in &names {
            self.package(&paths, name)?;
            done += 1;
            self.report(done);
        }
        for name in &npm_names {
            self.npm_package(&paths, name)?;
            done += 1;
            self.report(done);
        }
        self.progress.stage("registry-wide files", "files", None);

        let assets: Vec<String> = crate::site::assets::assets(None)
            .unwrap_or_default()
            .into_iter()
            .map(|(name, _)| name)
            .collect();
        for logical in plan::registry_documents(&paths, &assets) {
            if logical == paths.search {
                continue;
            }
            if let Some(document) = self.document(&logical)? {
                self.store(document)?;
            }
        }
        self.index_git()?;
        if let Some(head) = head.as_ref().filter(|_| full) {
            // Pages never change within one history, but a full pass may follow a rewritten
            // one: each is asked about rather than trusted.
            for n in 0..head.pages {
                let page = head.page(n);
                let document = self
                    .document(&page)?
                    .ok_or_else(|| MirrorError::Missing(page.clone()))?;
                self.store(document)?;
            }
        }
        self.store(search_doc)?;
        if let Some(feed) = feed {
            self.store(feed)?;
        }
        self.store(config)?;
        if full {
            self.remove_stale("")?;
        }
        Ok(match head {
            Some(head) => (Some(head.seq), head.commit),
            None => (None, String::new()),
        })
    }

    /// Tells the progress `done` packages are.
    fn report(&self, done: u64) {
        let s = &self.summary;
        self.progress.tally(Tally {
            done,
            files: (s.fetched + s.zips + s.skipped) as u64,
            written: (s.fetched + s.zips + s.removed) as u64,
            bytes: 0,
        });
    }

    /// One package: its document, its zips (each verified before any document is written),
    /// then its documents; files of versions it no longer has are removed.
    fn package(&mut self, paths: &plan::PathTemplates, name: &str) -> Result<(), MirrorError> {
        let logical = plan::package_document(paths, name);
        let Some(index) = self.document(&logical)? else {
            // Deleted at the origin: every file of it goes.
            for prefix in plan::package_scope(name) {
                self.remove_stale(&prefix)?;
            }
            return Ok(());
        };
        let doc: PackageDoc = parse(&index)?;
        let files = plan::package_files(paths, &doc);
        for zip in &files.zips {
            self.zip(zip)?;
        }
        let mut documents = Vec::with_capacity(files.documents.len());
        for logical in &files.documents {
            documents.push(
                self.document(logical)?
                    .ok_or_else(|| MirrorError::Missing(logical.clone()))?,
            );
        }
        for document in documents {
            self.store(document)?;
        }
        self.store(index)?;
        for prefix in plan::package_scope(&doc.name) {
            self.remove_stale(&prefix)?;
        }
        Ok(())
    }

    /// One npm package: its packument, its tarballs (each verified against the packument's
    /// `integrity` before any document is written), its dist-tags and page, the packument
    /// last; files of versions it no longer has are removed. A name npm would refuse is
    /// no npm package's (a Serverless name the feed named, or a hostile origin's).
    fn npm_package(&mut self, paths: &plan::PathTemplates, name: &str) -> Result<(), MirrorError> {
        let Ok(name) = NpmName::parse(name) else {
            return Ok(());
        };
        let name = name.as_str();
        let scope = plan::npm_scope(paths, name);
        let Some(packument) = self.document(&plan::npm_packument(paths, name))? else {
            for prefix in scope {
                self.remove_stale(&prefix)?;
            }
            return Ok(());
        };
        let mut doc: Packument = parse(&packument)?;
        // Its files are named by the name asked for, never by what the document says.
        doc.name = name.to_owned();
        let files = plan::npm_files(paths, &doc);
        for tarball in &files.tarballs {
            self.tarball(tarball)?;
        }
        let mut documents = Vec::with_capacity(files.documents.len());
        for logical in &files.documents {
            documents.push(
                self.document(logical)?
                    .ok_or_else(|| MirrorError::Missing(logical.clone()))?,
            );
        }
        for document in documents {
            self.store(document)?;
        }
        self.store(packument)?;
        for prefix in scope {
            self.remove_stale(&prefix)?;
        }
        Ok(())
    }

    /// An npm tarball: kept when the copy's was verified to have the packument's
    /// `integrity`, else downloaded and verified before it is written.
    fn tarball(&mut self, tarball: &TarballFile) -> Result<(), MirrorError> {
        let key = plan::key_of(&tarball.path);
        let here = self.root.join(&key);
        if self.previous.verified.get(&key) == Some(&tarball.integrity) && here.is_file() {
            self.summary.skipped += 1;
        } else {
            let bytes = match self.fetch.get(&tarball.path, None, TARBALL_LIMIT)? {
                Fetched::Body(bytes, _) => bytes,
                Fetched::NotModified | Fetched::NotFound => {
                    return Err(MirrorError::Missing(tarball.path.clone()));
                }
            };
            let actual = format!("sha512-{}", BASE64.encode(Sha512::digest(&bytes)));
            if actual != tarball.integrity {
                return Err(MirrorError::Checksum {
                    algorithm: "SHA-512",
                    path: tarball.path.clone(),
                    expected: tarball.integrity.clone(),
                    actual,
                });
            }
            self.target.put(&key, &bytes)?;
            self.summary.zips += 1;
        }
        self.verified.insert(key.clone(), tarball.integrity.clone());
        self.expected.insert(key);
        Ok(())
    }

    /// `-/index.git/`, the index as a repository for `git clone`, when the origin has it.
    fn index_git(&mut self) -> Result<(), MirrorError> {
        let Some(refs) = self.document("-/index.git/info/refs")? else {
            return Ok(());
        };
        self.store(refs)?;
        for logical in ["-/index.git/HEAD", "-/index.git/objects/info/packs"] {
            let document = self
                .document(logical)?
                .ok_or_else(|| MirrorError::Missing(logical.to_owned()))?;
            if logical.ends_with("packs") {
                let text = String::from_utf8_lossy(&document.bytes).into_owned();
                // `P pack-<hash>.pack`, one a line; each has its `.idx`. A pack's name is
                // its content's hash, so one already here is the same pack.
                for pack in text.lines().filter_map(|l| l.strip_prefix("P ")) {
                    let pack = pack.trim();
                    if pack.contains('/') || !pack.ends_with(".pack") {
                        continue;
                    }
                    let idx = format!("{}.idx", pack.trim_end_matches(".pack"));
                    for file in [pack, idx.as_str()] {
                        self.immutable(&format!("-/index.git/objects/pack/{file}"), PACK_LIMIT)?;
                    }
                }
            }
            self.store(document)?;
        }
        self.remove_stale("-/index.git/")
    }

    /// Reads a document, asking the origin whether it changed since last time.
    fn document(&mut self, logical: &str) -> Result<Option<Document>, MirrorError> {
        let key = plan::key_of(logical);
        let here = self.root.join(&key);
        let known = self
            .previous
            .validators
            .get(logical)
            .filter(|_| here.is_file())
            .cloned();
        match self.fetch.get(logical, known.as_ref(), DOCUMENT_LIMIT)? {
            Fetched::Body(bytes, validators) => {
                self.summary.fetched += 1;
                Ok(Some(Document {
                    logical: logical.to_owned(),
                    key,
                    bytes,
                    validators,
                    fresh: true,
                }))
            }
            Fetched::NotModified => match (fs::read(&here), known) {
                (Ok(bytes), Some(validators)) => {
                    self.summary.skipped += 1;
                    Ok(Some(Document {
                        logical: logical.to_owned(),
                        key,
                        bytes,
                        validators,
                        fresh: false,
                    }))
                }
                // Gone from the copy meanwhile: ask for the file itself.
                _ => match self.fetch.get(logical, None, DOCUMENT_LIMIT)? {
                    Fetched::Body(bytes, validators) => {
                        self.summary.fetched += 1;
                        Ok(Some(Document {
                            logical: logical.to_owned(),
                            key,
                            bytes,
                            validators,
                            fresh: true,
                        }))
                    }
                    Fetched::NotModified | Fetched::NotFound => Ok(None),
                },
            },
            Fetched::NotFound => Ok(None),
        }
    }

    /// Writes a document read by [`Self::document`] (only when it was downloaded).
    fn store(&mut self, document: Document) -> io::Result<()> {
        if document.fresh {
            self.target.put(&document.key, &document.bytes)?;
        }
        if document.validators.is_empty() {
            self.validators.remove(&document.logical);
        } else {
            self.validators
                .insert(document.logical, document.validators);
        }
        self.expected.insert(document.key);
        Ok(())
    }

    /// A file that never changes once published (a full feed page, a git pack): read from
    /// the copy when it is here, else downloaded and written.
    fn immutable(&mut self, logical: &str, limit: u64) -> Result<Vec<u8>, MirrorError> {
        let key = plan::key_of(logical);
        self.expected.insert(key.clone());
        if let Ok(bytes) = fs::read(self.root.join(&key)) {
            self.summary.skipped += 1;
            return Ok(bytes);
        }
        match self.fetch.get(logical, None, limit)? {
            Fetched::Body(bytes, _) => {
                self.summary.fetched += 1;
                self.target.put(&key, &bytes)?;
                Ok(bytes)
            }
            Fetched::NotModified | Fetched::NotFound => Err(MirrorError::Missing(logical.into())),
        }
    }

    fn immutable_document(&mut self, logical: &str) -> Result<Document, MirrorError> {
        let bytes = self.immutable(logical, DOCUMENT_LIMIT)?;
        Ok(Document {
            logical: logical.to_owned(),
            key: plan::key_of(logical),
            bytes,
            validators: Validators::default(),
            fresh: false,
        })
    }

    /// A zip: kept when the copy's was verified to have the SHA-256 the documents give,
    /// else downloaded and verified before it is written.
    fn zip(&mut self, zip: &ZipFile) -> Result<(), MirrorError> {
        let key = plan::key_of(&zip.path);
        let here = self.root.join(&key);
        let verified = self.previous.verified.get(&key) == Some(&zip.sha256)
            && fs::metadata(&here).is_ok_and(|m| m.len() == zip.size);
        if verified {
            self.summary.skipped += 1;
        } else {
            // One byte over the size is read, so a longer zip fails on its hash (named as
            // such) rather than on the limit; a much longer one fails on the limit.
            let bytes = match self
                .fetch
                .get(&zip.path, None, zip.size.saturating_add(1))?
            {
                Fetched::Body(bytes, _) => bytes,
                Fetched::NotModified | Fetched::NotFound => {
                    return Err(MirrorError::Missing(zip.path.clone()));
                }
            };
            let actual = hex::encode(Sha256::digest(&bytes));
            if actual != zip.sha256 {
                return Err(MirrorError::Checksum {
                    algorithm: "SHA-256",
                    path: zip.path.clone(),
                    expected: zip.sha256.clone(),
                    actual,
                });
            }
            if self.target.put(&key, &bytes)? == Outcome::Written {
                tracing::debug!(path = %zip.path, "zip written");
            }
            self.summary.zips += 1;
        }
        self.verified.insert(key.clone(), zip.sha256.clone());
        self.expected.insert(key);
        Ok(())
    }

    /// Removes every file under `prefix` this run did not write or confirm (never the state
    /// file, nor a write in progress).
    fn remove_stale(&mut self, prefix: &str) -> Result<(), MirrorError> {
        for key in self.target.list(prefix)? {
            if key.starts_with(".shelf-") || self.expected.contains(&key) {
                continue;
            }
            if self.target.remove(&key)? {
                self.summary.removed += 1;
            }
        }
        Ok(())
    }
}

fn parse<T: DeserializeOwned>(document: &Document) -> Result<T, MirrorError> {
    serde_json::from_slice(&document.bytes).map_err(|source| MirrorError::Document {
        path: document.logical.clone(),
        source,
    })
}

fn read_state(path: &Path) -> Option<State> {
    serde_json::from_slice(&fs::read(path).ok()?).ok()
}

fn write_state(path: &Path, state: &State) -> io::Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| io::Error::other("the state file has no folder"))?;
    let mut temp = tempfile::Builder::new()
        .prefix(".shelf-tmp-")
        .tempfile_in(dir)?;
    // In memory first: straight to the file, serde_json makes one write(2) per token.
    let mut bytes = serde_json::to_vec_pretty(state)?;
    bytes.push(b'\n');
    io::Write::write_all(&mut temp, &bytes)?;
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
