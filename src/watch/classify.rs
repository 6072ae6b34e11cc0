//! Raw file-system events as the registry's own changes: a pure function of paths.

use std::{
    collections::BTreeSet,
    path::{Component, Path, PathBuf},
};

use notify::EventKind;

use crate::{index::repo::CONFIG_FILE, protocols::package_of, site::protocol::PackageId};

/// The folders being watched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Roots {
    /// The index's working tree (its `.git/` included).
    pub index: PathBuf,
    /// The template folder, when templates are overridden.
    pub templates: Option<PathBuf>,
    /// The asset folder, when assets are overridden.
    pub assets: Option<PathBuf>,
}

/// What changed, as far as the site is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// `config.json` changed: every URL may have changed, so everything is rebuilt.
    Config,
    /// These packages' files changed in the working tree: only they, and the registry-wide
    /// files, are rebuilt.
    Packages(BTreeSet<PackageId>),
    /// A ref moved in `.git/` (a commit, `git pull`, a merge, a reset): the packages whose
    /// files differ between the last `HEAD` seen and the new one are rebuilt, and the
    /// history-derived files (the change feed, the exported index) follow the new `HEAD`.
    Head,
    /// A template or an asset changed: the pages are rendered again.
    Presentation,
}

/// What one path is to the watcher.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seen {
    /// The index's `config.json`.
    Config,
    /// The file of a package.
    Package(PackageId),
    /// A ref or `HEAD` in `.git/`.
    Ref,
    /// A template or asset file.
    Presentation,
    /// Anything else: git's objects, logs, staging area and lock files, editors' swap and
    /// backup files, files that are not at a package's shard path, folders.
    Ignored,
}

/// Whether an event of this kind can mean changed content. Opening or closing a file (which
/// the registry itself does when it reads the index) cannot.
#[must_use]
pub fn is_relevant(kind: &EventKind) -> bool {
    !matches!(kind, EventKind::Access(_))
}

/// The changes a batch of (debounced) event paths amounts to, each at most once, in the
/// order they should be applied: the index's working tree (`Config`, which covers every
/// package, or `Packages`), then `Head`, then `Presentation`.
#[must_use]
pub fn classify(paths: &[PathBuf], roots: &Roots) -> Vec<Change> {
    let (mut config, mut head, mut presentation) = (false, false, false);
    let mut packages = BTreeSet::new();
    for path in paths {
        match classify_path(path, roots) {
            Seen::Config => config = true,
            Seen::Package(name) => {
                packages.insert(name);
            }
            Seen::Ref => head = true,
            Seen::Presentation => presentation = true,
            Seen::Ignored => {}
        }
    }
    let mut changes = Vec::new();
    if config {
        changes.push(Change::Config);
    } else if !packages.is_empty() {
        changes.push(Change::Packages(packages));
    }
    if head {
        changes.push(Change::Head);
    }
    if presentation {
        changes.push(Change::Presentation);
    }
    changes
}

/// What one path is. Template and asset folders are checked first, so they may sit inside
/// the index's folder.
#[must_use]
pub fn classify_path(path: &Path, roots: &Roots) -> Seen {
    for root in [&roots.templates, &roots.assets].into_iter().flatten() {
        if let Some(rel) = relative(path, root) {
            let name = rel.rsplit('/').next().unwrap_or_default();
            return if rel.is_empty() || is_scratch(name) {
                Seen::Ignored
            } else {
                Seen::Presentation
            };
        }
    }
    match relative(path, &roots.index) {
        Some(rel) => classify_index_path(&rel),
        None => Seen::Ignored,
    }
}

/// What a `/`-separated path relative to the index's root is.
#[must_use]
pub fn classify_index_path(rel: &str) -> Seen {
    if let Some(git) = rel.strip_prefix(".git/") {
        let is_ref = git == "HEAD" || git == "packed-refs" || git.starts_with("refs/");
        // A ref is written to `NAME.lock` and renamed; the rename reports the final name.
        return if is_ref && !git.ends_with(".lock") {
            Seen::Ref
        } else {
            Seen::Ignored
        };
    }
    if rel == CONFIG_FILE {
        return Seen::Config;
    }
    // Editors' swap and backup files have other names, so they are not at a shard path.
    package_of(rel).map_or(Seen::Ignored, Seen::Package)
}

/// `path` below `root` as a `/`-separated string (`""` for the root itself).
fn relative(path: &Path, root: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let mut parts = Vec::new();
    for component in rel.components() {
        match component {
            Component::Normal(part) => parts.push(part.to_str()?),
            // `..` and friends would leave the root: not a path below it.
            _ => return None,
        }
    }
    Some(parts.join("/"))
}

/// Files editors write next to the one being edited (`.x.swp`, `x~`, vim's `4913` probe,
/// Emacs's `.#x`), which are not templates or assets.
fn is_scratch(name: &str) -> bool {
    name.starts_with('.') || name.ends_with('~') || name == "4913"
}

#[cfg(test)]
mod tests {
    use notify::event::{AccessKind, AccessMode, CreateKind, ModifyKind, RemoveKind};

    use super::*;

    fn roots() -> Roots {
        Roots {
            index: "/data/index".into(),
            templates: Some("/theme/templates".into()),
            assets: Some("/theme/assets".into()),
        }
    }

    fn packages(names: &[&str]) -> Change {
        Change::Packages(
            names
                .iter()
                .map(|n| crate::serverless::ops::package_id(n))
                .collect(),
        )
    }

    /// Every kind of path a watcher meets, with what the batch made of it amounts to.
    #[test]
    fn events_become_changes() {
        let table: &[(&str, &[&str], Vec<Change>)] = &[
            ("nothing", &[], vec![]),
            (
                "a package file",
                &["/data/index/he/ll/hello"],
                vec![packages(&["hello"])],
            ),
            ("a short name", &["/data/index/1/a"], vec![packages(&["a"])]),
            (
                "a three-letter name",
                &["/data/index/3/a/abc"],
                vec![packages(&["abc"])],
            ),
            (
                "two packages, one twice",
                &[
                    "/data/index/he/ll/hello",
                    "/data/index/fc/-h/fc-http",
                    "/data/index/he/ll/hello",
                ],
                vec![packages(&["fc-http", "hello"])],
            ),
            ("config", &["/data/index/config.json"], vec![Change::Config]),
            (
                "config covers packages",
                &["/data/index/he/ll/hello", "/data/index/config.json"],
                vec![Change::Config],
            ),
            ("HEAD moved", &["/data/index/.git/HEAD"], vec![Change::Head]),
            (
                "a commit on main",
                &[
                    "/data/index/.git/objects/ab/cdef",
                    "/data/index/.git/index",
                    "/data/index/.git/logs/HEAD",
                    "/data/index/.git/refs/heads/main.lock",
                    "/data/index/.git/refs/heads/main",
                ],
                vec![Change::Head],
            ),
            (
                "a fetch",
                &["/data/index/.git/refs/remotes/origin/main"],
                vec![Change::Head],
            ),
            (
                "packed refs",
                &["/data/index/.git/packed-refs"],
                vec![Change::Head],
            ),
            (
                "a pull: files and refs",
                &[
                    "/data/index/.git/ORIG_HEAD",
                    "/data/index/.git/FETCH_HEAD",
                    "/data/index/he/ll/hello",
                    "/data/index/.git/refs/heads/main",
                ],
                vec![packages(&["hello"]), Change::Head],
            ),
            (
                "git internals only",
                &[
                    "/data/index/.git/index.lock",
                    "/data/index/.git/objects/pack/x",
                ],
                vec![],
            ),
            (
                "editor scratch files",
                &[
                    "/data/index/he/ll/.hello.swp",
                    "/data/index/he/ll/hello~",
                    "/data/index/he/ll/4913",
                    "/data/index/he/ll/.#hello",
                ],
                vec![],
            ),
            ("not at its shard path", &["/data/index/he/hello"], vec![]),
            (
                "a shard folder",
                &["/data/index/he/ll", "/data/index/he"],
                vec![],
            ),
            (
                "other files in the index",
                &["/data/index/README.md", "/data/index/.github/ci.yml"],
                vec![],
            ),
            ("not canonical", &["/data/index/my/_p/my_pkg"], vec![]),
            ("the index root", &["/data/index"], vec![]),
            (
                "a template",
                &["/theme/templates/package.html"],
                vec![Change::Presentation],
            ),
            (
                "an asset",
                &["/theme/assets/style.css"],
                vec![Change::Presentation],
            ),
            (
                "a template's swap file",
                &["/theme/templates/.package.html.swp"],
                vec![],
            ),
            (
                "outside every root",
                &["/data/site/hello/index.html", "/elsewhere"],
                vec![],
            ),
            (
                "a sibling of the index",
                &["/data/index2/he/ll/hello"],
                vec![],
            ),
            (
                "everything at once",
                &[
                    "/theme/templates/base.html",
                    "/data/index/.git/HEAD",
                    "/data/index/he/ll/hello",
                ],
                vec![packages(&["hello"]), Change::Head, Change::Presentation],
            ),
        ];
        for (case, paths, expected) in table {
            let paths: Vec<PathBuf> = paths.iter().map(PathBuf::from).collect();
            assert_eq!(&classify(&paths, &roots()), expected, "{case}");
        }
    }

    #[test]
    fn templates_inside_the_index_folder_are_templates() {
        let roots = Roots {
            index: "/data".into(),
            templates: Some("/data/theme".into()),
            assets: None,
        };
        assert_eq!(
            classify_path(Path::new("/data/theme/home.html"), &roots),
            Seen::Presentation
        );
    }

    #[test]
    fn only_access_events_are_irrelevant() {
        let table = [
            (EventKind::Access(AccessKind::Open(AccessMode::Read)), false),
            (
                EventKind::Access(AccessKind::Close(AccessMode::Write)),
                false,
            ),
            (EventKind::Create(CreateKind::File), true),
            (EventKind::Modify(ModifyKind::Any), true),
            (EventKind::Remove(RemoveKind::File), true),
            (EventKind::Any, true),
        ];
        for (kind, relevant) in table {
            assert_eq!(is_relevant(&kind), relevant, "{kind:?}");
        }
    }
}
