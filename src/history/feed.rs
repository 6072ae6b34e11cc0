//! The change feed: `-/changes.json` and its pages `-/changes/{n}.json`.
//!
//! A mirror follows the registry by reading the feed instead of listing the site. The feed
//! is derived from the index's git history alone, so the same index always gives the same
//! feed: every commit on the first-parent chain of `HEAD` is one change, numbered from 1 at
//! the first commit (a merged pull request is one change, its merge commit; the commits it
//! brought in are not listed separately). A commit Shelf wrote is described by its message
//! (`Publish hello@1.2.0`, index/README.md 2.9; a protocol's own words, `npm: publish
//! hello@1.2.0`, as that protocol reads them, [`crate::site::protocol::Protocol::release_in_subject`]);
//! any other commit (a hand edit, a merge, an npm dist-tag) by the files it changed, which
//! costs a diff of its trees and a read of each record it changed.
//!
//! Changes are grouped in pages of [`PAGE_SIZE`]. A full page never changes again, so it is
//! written once (with an empty scope: nothing here ever removes it); the head document holds
//! the changes of the last, partial page and is rewritten after every commit. To keep the
//! cost of a publish independent of the history's length, the last change described and the
//! partial page are kept in `DATA/feed-state.json`: after a commit only the commits since
//! then are read. The state is a cache: a full build recomputes everything from the history.
//! It is written only once the files it describes are in the target
//! ([`super::ScopedFiles::written`]), and a start whose site lacks a page the state names
//! forgets the state ([`state_is_written`], [`crate::registry::recover`]), so a kill
//! between a page and its state never leaves the feed torn.
//!
//! This module reads the index repository and owns `DATA/feed-state.json`; it never writes
//! the index, and its files go through the registry's one writer.

use std::{collections::BTreeSet, fs, io, path::Path};

use git2::{Commit, Oid, Repository, Tree};
use serde::{Deserialize, Serialize};

use super::ScopedFiles;
use crate::{
    index::{IndexConfig, IndexError, repo::CONFIG_FILE},
    output::{Content, OutFile},
    protocols,
};

/// How many changes a full page holds.
pub const PAGE_SIZE: u64 = 1000;

/// The feed documents' format version, written in each as `v`.
pub const FEED_FORMAT: u32 = 1;

/// The head document's logical path.
pub const HEAD_PATH: &str = "-/changes.json";

/// The folder of the full pages.
const PAGE_PREFIX: &str = "-/changes/";

/// The template of a full page's logical path; `{n}` is the page number, from 0.
pub const PAGE_TEMPLATE: &str = "-/changes/{n}.json";

/// The state file, in the data directory.
pub const STATE_FILE: &str = "feed-state.json";

/// The logical path of page `n`.
#[must_use]
pub fn page_path(n: u64) -> String {
    PAGE_TEMPLATE.replace("{n}", &n.to_string())
}

/// What a change did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// A version was published (`Publish NAME@VERSION`).
    Publish,
    /// A version was yanked (`Yank NAME@VERSION`).
    Yank,
    /// A version was un-yanked (`Unyank NAME@VERSION`).
    Unyank,
    /// A version was deleted (`Delete NAME@VERSION`).
    Delete,
    /// Every version of a package was deleted (`Delete NAME`).
    DeletePackage,
    /// `config.json` changed (`Initialize index`, `Set base URL to …`, or any commit that
    /// touches it): every URL may have changed, so a mirror refreshes everything.
    Config,
    /// A commit Shelf did not write (a hand edit, a merged pull request) that changed the
    /// package files of `names`.
    Update,
}

/// One change: one commit of the index's first-parent history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// Position in the history: 1 for the first commit, one more for each later one.
    pub seq: u64,
    /// The commit's id (40 hex digits).
    pub commit: String,
    /// The commit time, RFC 3339 UTC with a `Z` and whole seconds.
    pub at: String,
    /// What the change did.
    pub action: Action,
    /// The package as published, for the actions that name one (`null` otherwise).
    pub name: Option<String>,
    /// The version, for the actions that name one (`null` otherwise).
    pub version: Option<String>,
    /// Every package whose documents the change may have changed, as published, sorted:
    /// `[name]` for Shelf's own changes, the changed files' packages for `update`, empty for
    /// `config` (which changes everything).
    pub names: Vec<String>,
}

/// `-/changes.json`: where the feed stands, and its last, partial page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeadDocument {
    /// Format version ([`FEED_FORMAT`]).
    pub v: u32,
    /// The newest change's `seq` (the number of changes).
    pub seq: u64,
    /// The newest change's commit: the index's `HEAD`.
    pub commit: String,
    /// How many changes a full page holds.
    pub page_size: u64,
    /// How many full pages there are: pages `0` to `pages - 1` exist.
    pub pages: u64,
    /// The template of a page's path, relative to the base URL (`{n}` from 0).
    pub page_path: String,
    /// The changes after the last full page, oldest first (fewer than `page_size`).
    pub changes: Vec<Change>,
}

/// `-/changes/{n}.json`: a full page, which never changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageDocument {
    /// Format version ([`FEED_FORMAT`]).
    pub v: u32,
    /// The page number: it holds changes `n * page_size + 1` to `(n + 1) * page_size`.
    pub page: u64,
    /// The changes, oldest first.
    pub changes: Vec<Change>,
}

/// What `DATA/feed-state.json` remembers between changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct State {
    /// Format version ([`FEED_FORMAT`]).
    v: u32,
    /// The page size the state was made with.
    page_size: u64,
    /// The newest change's `seq`.
    seq: u64,
    /// The newest change's commit.
    commit: String,
    /// The changes after the last full page.
    pending: Vec<Change>,
}

/// The change feed's files after a change (`full` for a full build): after a commit, the
/// head and any page the new commits completed; on a full build, every page and the head.
/// The feed holds no URL, so the index's settings do not enter it (the parameter keeps the
/// history-derived files' calls alike).
///
/// # Errors
/// Git and I/O errors.
pub fn files(
    index_root: &Path,
    data: &Path,
    _config: &IndexConfig,
    full: bool,
) -> Result<ScopedFiles, IndexError> {
    files_paged(index_root, data, full, PAGE_SIZE)
}

/// [`files`] with a page size of one's choosing (tests use small pages).
///
/// # Errors
/// Git and I/O errors.
pub fn files_paged(
    index_root: &Path,
    data: &Path,
    full: bool,
    page_size: u64,
) -> Result<ScopedFiles, IndexError> {
    let page_size = page_size.max(1);
    let repo = Repository::open(index_root)?;
    let head = repo.head()?.peel_to_commit()?.id();
    let state_path = data.join(STATE_FILE);
    let previous = if full {
        None
    } else {
        read_state(&state_path).filter(|s| s.v == FEED_FORMAT && s.page_size == page_size)
    };

    let (state, files, scope) = match previous {
        Some(previous) => match Oid::from_str(&previous.commit)
            .ok()
            .and_then(|stop| first_parents(&repo, head, Some(stop)).transpose())
            .transpose()?
        {
            Some(new) => {
                let changes = describe_all(&repo, &new, previous.seq)?;
                let (state, files) = append(previous, changes, page_size);
                (state, files, Vec::new())
            }
            // The recorded commit is no longer in the history (it was rewritten): start
            // over, and let the scope remove pages the shorter history no longer has.
            None => {
                let (state, files) = recompute(&repo, head, page_size)?;
                (state, files, vec![PAGE_PREFIX.into(), HEAD_PATH.into()])
            }
        },
        None => {
            let (state, files) = recompute(&repo, head, page_size)?;
            (state, files, Vec::new())
        }
    };
    // The state is written once the pages and the head are in the target
    // ([`ScopedFiles::written`]): a state saved first, then a kill, would say a page is
    // done that no later change writes.
    let mut state_bytes = serde_json::to_vec(&state).map_err(io::Error::other)?;
    state_bytes.push(b'\n');
    // The head names the pages: it lands after them.
    let (pointers, files) = files.into_iter().partition(|f| f.path == HEAD_PATH);
    Ok(ScopedFiles {
        scope,
        files,
        pointers,
        after: vec![(state_path, state_bytes)],
    })
}

/// Whether the site `site` (a directory) holds every full page the feed's state in `data`
/// says is written; `None` when there is no state. The start-up repair forgets a state
/// that names a page the site lacks (a kill between the two, or a site restored from an
/// older copy), so the next build writes the whole feed again.
#[must_use]
pub fn state_is_written(data: &Path, site: &Path) -> Option<bool> {
    let state = read_state(&data.join(STATE_FILE))?;
    let pages = state.seq / state.page_size.max(1);
    Some((0..pages).all(|n| site.join(page_path(n)).is_file()) && site.join(HEAD_PATH).is_file())
}

/// Every change from the first commit, as pages and a head.
fn recompute(
    repo: &Repository,
    head: Oid,
    page_size: u64,
) -> Result<(State, Vec<OutFile>), IndexError> {
    let commits = first_parents(repo, head, None)?.unwrap_or_default();
    let changes = describe_all(repo, &commits, 0)?;
    let empty = State {
        v: FEED_FORMAT,
        page_size,
        seq: 0,
        commit: String::new(),
        pending: Vec::new(),
    };
    Ok(append(empty, changes, page_size))
}

/// The state after `changes` (numbered after `state.seq`) and the files that changed: every
/// page they completed, and the head. Pure.
fn append(mut state: State, changes: Vec<Change>, page_size: u64) -> (State, Vec<OutFile>) {
    let mut files = Vec::new();
    for change in changes {
        state.seq = change.seq;
        state.commit.clone_from(&change.commit);
        state.pending.push(change);
        if state.pending.len() as u64 == page_size {
            let page = PageDocument {
                v: FEED_FORMAT,
                page: state.seq / page_size - 1,
                changes: std::mem::take(&mut state.pending),
            };
            files.push(json_file(page_path(page.page), &page));
        }
    }
    let head = HeadDocument {
        v: FEED_FORMAT,
        seq: state.seq,
        commit: state.commit.clone(),
        page_size,
        pages: state.seq / page_size,
        page_path: PAGE_TEMPLATE.into(),
        changes: state.pending.clone(),
    };
    files.push(json_file(HEAD_PATH.into(), &head));
    (state, files)
}

fn json_file(path: String, doc: &impl Serialize) -> OutFile {
    // Plain data (strings, numbers, lists); serialising it cannot fail.
    let mut bytes = serde_json::to_vec(doc).unwrap_or_default();
    bytes.push(b'\n');
    OutFile {
        path,
        content: Content::Bytes(bytes),
    }
}

/// The first-parent chain from `head` back to (not including) `stop`, oldest first; back to
/// the first commit when `stop` is `None`. `None` when `stop` is not on the chain.
fn first_parents(
    repo: &Repository,
    head: Oid,
    stop: Option<Oid>,
) -> Result<Option<Vec<Oid>>, IndexError> {
    let mut chain = Vec::new();
    let mut at = Some(repo.find_commit(head)?);
    while let Some(commit) = at {
        if Some(commit.id()) == stop {
            chain.reverse();
            return Ok(Some(chain));
        }
        chain.push(commit.id());
        at = commit.parents().next();
    }
    if stop.is_some() {
        return Ok(None);
    }
    chain.reverse();
    Ok(Some(chain))
}

fn describe_all(repo: &Repository, commits: &[Oid], after: u64) -> Result<Vec<Change>, IndexError> {
    commits
        .iter()
        .zip(after + 1..)
        .map(|(id, seq)| describe(repo, &repo.find_commit(*id)?, seq))
        .collect()
}

/// One commit as a change: from its message when Shelf wrote it, else from its diff.
fn describe(repo: &Repository, commit: &Commit<'_>, seq: u64) -> Result<Change, IndexError> {
    let at = time::OffsetDateTime::from_unix_timestamp(commit.time().seconds())
        .map(crate::clock::rfc3339)
        .unwrap_or_default();
    let message = commit.message().unwrap_or_default();
    let (action, name, version, names) = match parse_message(message) {
        Some((action, name, version)) => {
            let names = name.iter().cloned().collect();
            (action, name, version, names)
        }
        None => {
            let touched = touched(repo, commit)?;
            if touched.config {
                (Action::Config, None, None, Vec::new())
            } else {
                (
                    Action::Update,
                    None,
                    None,
                    touched.names.into_iter().collect(),
                )
            }
        }
    };
    Ok(Change {
        seq,
        commit: commit.id().to_string(),
        at,
        action,
        name,
        version,
        names,
    })
}

/// A Shelf commit message's action, package and version (index/README.md 2.9); `None` for a
/// message Shelf does not write, or whose name or version is not valid.
#[must_use]
pub fn parse_message(message: &str) -> Option<(Action, Option<String>, Option<String>)> {
    let subject = message.lines().next().unwrap_or_default().trim();
    if subject == "Initialize index" || subject.starts_with("Set base URL to ") {
        return Some((Action::Config, None, None));
    }
    // A protocol that writes its own words (`npm: publish …`) says what they mean.
    if let Some((verb, name, version)) = protocols::ALL
        .iter()
        .find_map(|p| p.release_in_subject(subject))
    {
        return Some((action(verb, version.is_some())?, Some(name), version));
    }
    let (verb, target) = subject.split_once(' ')?;
    let names = |name: &str, version: Option<&str>| {
        protocols::ALL
            .iter()
            .any(|p| p.names_a_release(name, version))
    };
    match target.split_once('@') {
        None if names(target, None) => Some((action(verb, false)?, Some(target.to_owned()), None)),
        Some((name, version)) if names(name, Some(version)) => Some((
            action(verb, true)?,
            Some(name.to_owned()),
            Some(version.to_owned()),
        )),
        _ => None,
    }
}

/// What a subject's verb (index/README.md 2.9) does, to one version or to a whole package.
fn action(verb: &str, one_version: bool) -> Option<Action> {
    match (verb, one_version) {
        ("Publish", true) => Some(Action::Publish),
        ("Yank", true) => Some(Action::Yank),
        ("Unyank", true) => Some(Action::Unyank),
        ("Delete", true) => Some(Action::Delete),
        ("Delete", false) => Some(Action::DeletePackage),
        _ => None,
    }
}

/// What a commit changed, compared with its first parent.
#[derive(Debug, Default)]
struct Touched {
    config: bool,
    names: BTreeSet<String>,
}

fn touched(repo: &Repository, commit: &Commit<'_>) -> Result<Touched, IndexError> {
    let new = commit.tree()?;
    let old = commit.parents().next().map(|p| p.tree()).transpose()?;
    let diff = repo.diff_tree_to_tree(old.as_ref(), Some(&new), None)?;
    let mut out = Touched::default();
    for delta in diff.deltas() {
        for file in [delta.old_file().path(), delta.new_file().path()]
            .into_iter()
            .flatten()
        {
            let Some(rel) = file.to_str() else { continue };
            if rel == CONFIG_FILE {
                out.config = true;
            } else if let Some(id) = protocols::package_of(rel) {
                let name = published_name(repo, &new, rel, id.protocol)
                    .or_else(|| {
                        let old = old.as_ref()?;
                        published_name(repo, old, rel, id.protocol)
                    })
                    .unwrap_or(id.canonical);
                out.names.insert(name);
            }
        }
    }
    Ok(out)
}

/// The name as published in `protocol`'s package file at `rel` of `tree`.
fn published_name(repo: &Repository, tree: &Tree<'_>, rel: &str, protocol: &str) -> Option<String> {
    let entry = tree.get_path(Path::new(rel)).ok()?;
    let blob = repo.find_blob(entry.id()).ok()?;
    let text = std::str::from_utf8(blob.content()).ok()?;
    protocols::named(protocol)?.published_name(text)
}

fn read_state(path: &Path) -> Option<State> {
    let bytes = fs::read(path).ok()?;
    serde_json::from_slice(&bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn npm_subjects_are_read_as_releases() {
        let read = |subject: &str| parse_message(subject);
        let some = |action, name: &str, version: Option<&str>| {
            Some((action, Some(name.to_owned()), version.map(str::to_owned)))
        };
        assert_eq!(
            read("npm: publish hello-npm@1.2.3"),
            some(Action::Publish, "hello-npm", Some("1.2.3"))
        );
        assert_eq!(
            read("npm: publish @scope/pkg@1.0.0-beta.1"),
            some(Action::Publish, "@scope/pkg", Some("1.0.0-beta.1"))
        );
        assert_eq!(
            read("npm: unpublish @scope/pkg@2.0.0"),
            some(Action::Delete, "@scope/pkg", Some("2.0.0"))
        );
        assert_eq!(
            read("npm: unpublish @scope/pkg"),
            some(Action::DeletePackage, "@scope/pkg", None)
        );
        // Other npm changes, and anything malformed, are read from the diff.
        for subject in [
            "npm: tag hello@1.0.0 beta",
            "npm: deprecate hello",
            "npm: publish hello",
            "npm: publish hello@not-a-version",
            "npm: publish -bad@1.0.0",
        ] {
            assert_eq!(read(subject), None, "{subject}");
        }
        // Serverless's own words are unchanged.
        assert_eq!(
            read("Publish hello@1.0.0"),
            some(Action::Publish, "hello", Some("1.0.0"))
        );
    }

    fn change(seq: u64) -> Change {
        Change {
            seq,
            commit: format!("{seq:040x}"),
            at: "2024-01-01T00:00:00Z".into(),
            action: Action::Publish,
            name: Some("hello".into()),
            version: Some(format!("1.0.{seq}")),
            names: vec!["hello".into()],
        }
    }

    fn empty(page_size: u64) -> State {
        State {
            v: FEED_FORMAT,
            page_size,
            seq: 0,
            commit: String::new(),
            pending: Vec::new(),
        }
    }

    fn paths(files: &[OutFile]) -> Vec<&str> {
        files.iter().map(|f| f.path.as_str()).collect()
    }

    #[test]
    fn messages_shelf_writes_are_understood() {
        /// What a message means: action, name, version.
        type Meaning = Option<(Action, Option<&'static str>, Option<&'static str>)>;
        let table: &[(&str, Meaning)] = &[
            (
                "Publish hello@1.2.0",
                Some((Action::Publish, Some("hello"), Some("1.2.0"))),
            ),
            (
                "Yank my_pkg@1.0.0-rc.1",
                Some((Action::Yank, Some("my_pkg"), Some("1.0.0-rc.1"))),
            ),
            (
                "Unyank a@0.0.1",
                Some((Action::Unyank, Some("a"), Some("0.0.1"))),
            ),
            (
                "Delete hello@1.2.0",
                Some((Action::Delete, Some("hello"), Some("1.2.0"))),
            ),
            (
                "Delete hello",
                Some((Action::DeletePackage, Some("hello"), None)),
            ),
            ("Initialize index", Some((Action::Config, None, None))),
            (
                "Set base URL to https://x.example",
                Some((Action::Config, None, None)),
            ),
            (
                "Publish hello@1.2.0\n\nbody",
                Some((Action::Publish, Some("hello"), Some("1.2.0"))),
            ),
            ("Merge pull request #3 from a/b", None),
            ("Publish hello@v1", None),
            ("Publish Hello@1.0.0", None),
            ("Delete two words", None),
            ("Rename hello@1.0.0", None),
            ("", None),
        ];
        for (message, expected) in table {
            let expected =
                expected.map(|(a, n, v)| (a, n.map(str::to_owned), v.map(str::to_owned)));
            assert_eq!(parse_message(message), expected, "{message:?}");
        }
    }

    #[test]
    fn package_files_are_recognised_by_their_shard_path() {
        let package_of = |rel| crate::protocols::package_of(rel).map(|id| id.canonical);
        assert_eq!(package_of("2/ab"), Some("ab".into()));
        assert_eq!(package_of("fc/-h/fc-http"), Some("fc-http".into()));
        assert_eq!(package_of("3/a/abc"), Some("abc".into()));
        assert_eq!(package_of("config.json"), None);
        assert_eq!(package_of("README"), None);
        assert_eq!(package_of("ab/cd/abcx"), None, "not at its own shard path");
        assert_eq!(
            package_of("my/_p/my_pkg"),
            None,
            "files are stored under canonical names"
        );
    }

    #[test]
    fn appending_completes_pages_and_rewrites_only_the_head() {
        let (state, files) = append(empty(3), (1..=2).map(change).collect(), 3);
        assert_eq!(paths(&files), ["-/changes.json"]);
        assert_eq!(state.pending.len(), 2);

        let (state, files) = append(state, (3..=7).map(change).collect(), 3);
        assert_eq!(
            paths(&files),
            ["-/changes/0.json", "-/changes/1.json", "-/changes.json"]
        );
        assert_eq!((state.seq, state.pending.len()), (7, 1));

        let Content::Bytes(bytes) = &files[1].content else {
            panic!("a page is bytes")
        };
        let page: PageDocument = serde_json::from_slice(bytes).expect("a page parses");
        assert_eq!(page.page, 1);
        assert_eq!(
            page.changes.iter().map(|c| c.seq).collect::<Vec<_>>(),
            [4, 5, 6]
        );
        let Content::Bytes(bytes) = &files[2].content else {
            panic!("the head is bytes")
        };
        let head: HeadDocument = serde_json::from_slice(bytes).expect("the head parses");
        assert_eq!((head.seq, head.pages, head.changes.len()), (7, 2, 1));
        assert_eq!(head.commit, format!("{:040x}", 7));
    }

    #[test]
    fn appending_in_steps_gives_the_same_files_as_at_once() {
        let (_, at_once) = append(empty(2), (1..=5).map(change).collect(), 2);
        let mut state = empty(2);
        let mut stepped = Vec::new();
        for seq in 1..=5 {
            let (next, files) = append(state, vec![change(seq)], 2);
            state = next;
            stepped.extend(files.into_iter().filter(|f| f.path != HEAD_PATH));
        }
        let (_, last) = append(state, Vec::new(), 2);
        stepped.extend(last);
        assert_eq!(stepped, at_once);
    }
}
