//! Which files a mirror needs, from the documents it read: pure functions of values.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use crate::{output::Layout, protocols::RULES, serverless::paths::package_prefixes};

/// The path templates of `-/config.json` (index/README.md 3.5); a member the origin does not
/// send keeps its format-1 value.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct PathTemplates {
    /// The release list.
    pub releases: String,
    /// The latest release.
    pub latest: String,
    /// One release.
    pub tag: String,
    /// One release's zip.
    pub zipball: String,
    /// The package document.
    pub package: String,
    /// The package's HTML page.
    pub package_page: String,
    /// The v3 release list.
    pub v3_list: String,
    /// The v3 latest release.
    pub v3_latest: String,
    /// One v3 release.
    pub v3_tag: String,
    /// The search index.
    pub search: String,
    /// An npm package's packument.
    pub npm_packument: String,
    /// An npm version's tarball (`{basename}`: the name without its scope).
    pub npm_tarball: String,
    /// An npm package's dist-tags.
    pub npm_dist_tags: String,
    /// An npm package's HTML page.
    pub npm_page: String,
}

impl Default for PathTemplates {
    fn default() -> Self {
        PathTemplates {
            releases: "{name}/releases".into(),
            latest: "{name}/releases/latest".into(),
            tag: "{name}/releases/tags/{version}".into(),
            zipball: "{name}/zipball/{version}".into(),
            package: "{name}/index.json".into(),
            package_page: "{name}/".into(),
            v3_list: "v3/packages/{name}/release".into(),
            v3_latest: "v3/packages/{name}/release/latest".into(),
            v3_tag: "v3/packages/{name}/release/tags/{version}".into(),
            search: "-/search.json".into(),
            npm_packument: "npm/{name}".into(),
            npm_tarball: "npm/{name}/-/{basename}-{version}.tgz".into(),
            npm_dist_tags: "npm/-/package/{name}/dist-tags".into(),
            npm_page: "npm/{name}/-/".into(),
        }
    }
}

/// What the mirror reads of `-/config.json`.
#[derive(Debug, Clone, Deserialize)]
pub struct RegistryDoc {
    /// Format version; a mirror refuses one it does not know.
    pub v: u32,
    /// Where the documents are.
    #[serde(default)]
    pub paths: PathTemplates,
}

/// What the mirror reads of `-/search.json`.
#[derive(Debug, Clone, Deserialize)]
pub struct SearchDoc {
    /// Every package with a live version.
    pub packages: Vec<SearchEntry>,
}

/// One package of `-/search.json`.
#[derive(Debug, Clone, Deserialize)]
pub struct SearchEntry {
    /// Name as published.
    pub name: String,
    /// Its protocol, for every protocol but Serverless Devs (whose entries predate it).
    #[serde(default)]
    pub protocol: Option<String>,
}

impl SearchEntry {
    /// Whether the entry is an npm package.
    #[must_use]
    pub fn is_npm(&self) -> bool {
        self.protocol.as_deref() == Some(crate::npm::NAME)
    }
}

/// What the mirror reads of an npm packument.
#[derive(Debug, Clone, Deserialize)]
pub struct Packument {
    /// The package's name.
    pub name: String,
    /// Every live version, by number.
    #[serde(default)]
    pub versions: BTreeMap<String, NpmVersionDoc>,
}

/// What the mirror reads of one version of a packument.
#[derive(Debug, Clone, Deserialize)]
pub struct NpmVersionDoc {
    /// Where its tarball is and what it hashes to.
    pub dist: NpmDist,
}

/// A version's `dist`.
#[derive(Debug, Clone, Deserialize)]
pub struct NpmDist {
    /// `sha512-` and the tarball's SHA-512 in base64.
    pub integrity: String,
}

/// An npm tarball to have, and what it must hash to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TarballFile {
    /// Logical path.
    pub path: String,
    /// Expected `integrity` (`sha512-…`).
    pub integrity: String,
}

/// Every file of one npm package but its packument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NpmFiles {
    /// Documents' logical paths (the dist-tags, the page).
    pub documents: Vec<String>,
    /// The tarballs.
    pub tarballs: Vec<TarballFile>,
}

/// What the mirror reads of `{name}/index.json`.
#[derive(Debug, Clone, Deserialize)]
pub struct PackageDoc {
    /// Name as published.
    pub name: String,
    /// The latest version, if any.
    pub latest: Option<String>,
    /// Every live version.
    pub versions: Vec<VersionDoc>,
}

/// One version of `{name}/index.json`.
#[derive(Debug, Clone, Deserialize)]
pub struct VersionDoc {
    /// The version.
    pub tag_name: String,
    /// The zip's SHA-256, lowercase hex.
    pub sha256: String,
    /// The zip's size in bytes.
    pub size: u64,
}

/// A zip to have, and what it must hash to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZipFile {
    /// Logical path (relative to the base URL).
    pub path: String,
    /// Expected SHA-256, lowercase hex.
    pub sha256: String,
    /// Expected size in bytes.
    pub size: u64,
}

/// Every file of one package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageFiles {
    /// Documents' logical paths (the package document itself excluded: it was read first).
    pub documents: Vec<String>,
    /// The zips.
    pub zips: Vec<ZipFile>,
}

fn fill(template: &str, name: &str, version: &str) -> String {
    template
        .replace("{name}", name)
        .replace("{version}", version)
}

/// The logical path of the package document of `name`.
#[must_use]
pub fn package_document(paths: &PathTemplates, name: &str) -> String {
    fill(&paths.package, name, "")
}

/// Every file a package's document says the package has.
#[must_use]
pub fn package_files(paths: &PathTemplates, doc: &PackageDoc) -> PackageFiles {
    let name = doc.name.as_str();
    let mut documents = vec![
        fill(&paths.releases, name, ""),
        fill(&paths.v3_list, name, ""),
        fill(&paths.package_page, name, ""),
    ];
    if doc.latest.is_some() {
        documents.push(fill(&paths.latest, name, ""));
        documents.push(fill(&paths.v3_latest, name, ""));
    }
    let mut zips = Vec::new();
    for version in &doc.versions {
        let v = version.tag_name.as_str();
        documents.push(fill(&paths.tag, name, v));
        documents.push(fill(&paths.v3_tag, name, v));
        zips.push(ZipFile {
            path: fill(&paths.zipball, name, v),
            sha256: version.sha256.to_ascii_lowercase(),
            size: version.size,
        });
    }
    PackageFiles { documents, zips }
}

/// The logical path of the packument of the npm package `name`.
#[must_use]
pub fn npm_packument(paths: &PathTemplates, name: &str) -> String {
    fill(&paths.npm_packument, name, "")
}

/// Every file an npm packument says its package has.
#[must_use]
pub fn npm_files(paths: &PathTemplates, doc: &Packument) -> NpmFiles {
    let name = doc.name.as_str();
    let basename = name.rsplit('/').next().unwrap_or(name);
    let documents = vec![
        fill(&paths.npm_dist_tags, name, ""),
        fill(&paths.npm_page, name, ""),
    ];
    let tarballs = doc
        .versions
        .iter()
        .map(|(version, v)| TarballFile {
            path: fill(&paths.npm_tarball, name, version).replace("{basename}", basename),
            integrity: v.dist.integrity.clone(),
        })
        .collect();
    NpmFiles {
        documents,
        tarballs,
    }
}

/// The key prefixes an npm package's files live under (for removing the stale ones): its
/// folder (packument, page, tarballs) and its dist-tags' folder.
#[must_use]
pub fn npm_scope(paths: &PathTemplates, name: &str) -> [String; 2] {
    let folder = |logical: String| match logical.rfind('/') {
        Some(slash) => logical[..=slash].to_owned(),
        None => String::new(),
    };
    [
        format!("{}/", npm_packument(paths, name)),
        folder(fill(&paths.npm_dist_tags, name, "")),
    ]
}

/// The key prefixes a package's files live under (for removing the stale ones).
#[must_use]
pub fn package_scope(name: &str) -> [String; 2] {
    package_prefixes(name)
}

/// The registry-wide documents besides `-/config.json` and the feed: the home page, the
/// search index, the 404 body, the nginx configuration and the assets.
#[must_use]
pub fn registry_documents(paths: &PathTemplates, assets: &[String]) -> Vec<String> {
    let mut documents = vec![
        String::new(),
        paths.search.clone(),
        "-/404.json".to_owned(),
        "-/nginx.conf".to_owned(),
    ];
    documents.extend(assets.iter().map(|a| format!("-/assets/{a}")));
    documents
}

/// Where a logical path is stored in the dir layout: lists as `…/index.json`, folders (the
/// root, `{name}/`) as their `index.html`.
#[must_use]
pub fn key_of(logical: &str) -> String {
    if logical.is_empty() || logical.ends_with('/') {
        return format!("{logical}index.html");
    }
    Layout::Dir.key(logical, &RULES)
}

/// What the mirror reads of `-/changes.json`.
#[derive(Debug, Clone, Deserialize)]
pub struct FeedHead {
    /// The newest change's number.
    pub seq: u64,
    /// The newest change's commit.
    pub commit: String,
    /// Changes per full page.
    pub page_size: u64,
    /// Number of full pages.
    pub pages: u64,
    /// Page path template (`{n}`).
    pub page_path: String,
    /// Changes after the last full page.
    pub changes: Vec<FeedChange>,
}

/// What the mirror reads of a page `-/changes/{n}.json`.
#[derive(Debug, Clone, Deserialize)]
pub struct FeedPage {
    /// The changes.
    pub changes: Vec<FeedChange>,
}

/// What the mirror reads of one change. `action` stays a string so that an action a later
/// registry adds is not an error (it is treated as "everything may have changed").
#[derive(Debug, Clone, Deserialize)]
pub struct FeedChange {
    /// Its number.
    pub seq: u64,
    /// Its commit.
    pub commit: String,
    /// What it did.
    pub action: String,
    /// The packages it touched.
    #[serde(default)]
    pub names: Vec<String>,
}

impl FeedHead {
    /// The logical path of page `n`.
    #[must_use]
    pub fn page(&self, n: u64) -> String {
        self.page_path.replace("{n}", &n.to_string())
    }

    /// The pages a mirror that recorded change `seen` must read to learn what followed it:
    /// from the page holding `seen` (to check its commit) to the last full one.
    #[must_use]
    pub fn pages_after(&self, seen: u64) -> std::ops::Range<u64> {
        let size = self.page_size.max(1);
        let first = seen.saturating_sub(1) / size;
        first.min(self.pages)..self.pages
    }
}

/// What happened since a mirror's last run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Since {
    /// Nothing.
    Nothing,
    /// These packages (as published) changed.
    Packages(BTreeSet<String>),
    /// Anything may have changed: `config.json` changed, the feed does not hold the change
    /// recorded last (its history was rewritten), or a change is of an unknown kind.
    Everything,
}

/// What changed after change `seen` (whose commit was `commit`), from the changes read (the
/// pages [`FeedHead::pages_after`] names, then the head's).
#[must_use]
pub fn changes_since(seen: u64, commit: &str, changes: &[FeedChange]) -> Since {
    let anchored = seen == 0 || changes.iter().any(|c| c.seq == seen && c.commit == commit);
    if !anchored {
        return Since::Everything;
    }
    let mut names = BTreeSet::new();
    for change in changes.iter().filter(|c| c.seq > seen) {
        match change.action.as_str() {
            "publish" | "yank" | "unyank" | "delete" | "delete_package" | "update" => {
                names.extend(change.names.iter().cloned());
            }
            _ => return Since::Everything,
        }
    }
    if names.is_empty() {
        Since::Nothing
    } else {
        Since::Packages(names)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(seq: u64, action: &str, names: &[&str]) -> FeedChange {
        FeedChange {
            seq,
            commit: format!("c{seq}"),
            action: action.into(),
            names: names.iter().map(|n| (*n).to_owned()).collect(),
        }
    }

    #[test]
    fn a_package_has_its_documents_and_zips() {
        let doc = PackageDoc {
            name: "hello".into(),
            latest: Some("1.0.0".into()),
            versions: vec![VersionDoc {
                tag_name: "1.0.0".into(),
                sha256: "AB".into(),
                size: 3,
            }],
        };
        let files = package_files(&PathTemplates::default(), &doc);
        assert_eq!(
            files.documents,
            [
                "hello/releases",
                "v3/packages/hello/release",
                "hello/",
                "hello/releases/latest",
                "v3/packages/hello/release/latest",
                "hello/releases/tags/1.0.0",
                "v3/packages/hello/release/tags/1.0.0",
            ]
        );
        assert_eq!(files.zips[0].path, "hello/zipball/1.0.0");
        assert_eq!(files.zips[0].sha256, "ab");

        let yanked = PackageDoc {
            latest: None,
            ..doc
        };
        let files = package_files(&PathTemplates::default(), &yanked);
        assert!(!files.documents.iter().any(|d| d.ends_with("latest")));
    }

    #[test]
    fn keys_follow_the_dir_layout() {
        assert_eq!(key_of(""), "index.html");
        assert_eq!(key_of("hello/"), "hello/index.html");
        assert_eq!(key_of("hello/releases"), "hello/releases/index.json");
        assert_eq!(
            key_of("v3/packages/hello/release"),
            "v3/packages/hello/release/index.json"
        );
        assert_eq!(key_of("hello/releases/latest"), "hello/releases/latest");
        assert_eq!(key_of("-/search.json"), "-/search.json");
    }

    #[test]
    fn pages_to_read_start_at_the_one_holding_the_last_change_seen() {
        let head = FeedHead {
            seq: 25,
            commit: "c25".into(),
            page_size: 10,
            pages: 2,
            page_path: "-/changes/{n}.json".into(),
            changes: Vec::new(),
        };
        assert_eq!(head.pages_after(0), 0..2);
        assert_eq!(head.pages_after(10), 0..2, "change 10 is on page 0");
        assert_eq!(head.pages_after(11), 1..2);
        assert_eq!(head.pages_after(20), 1..2);
        assert_eq!(head.pages_after(21), 2..2, "in the head");
        assert_eq!(head.page(1), "-/changes/1.json");
    }

    #[test]
    fn what_changed_since_the_last_run() {
        let feed = [
            change(3, "publish", &["hello"]),
            change(4, "yank", &["world"]),
            change(5, "update", &["a", "hello"]),
        ];
        let table: &[(u64, &str, &[FeedChange], Since)] = &[
            (5, "c5", &feed, Since::Nothing),
            (
                3,
                "c3",
                &feed,
                Since::Packages(["a", "hello", "world"].map(String::from).into()),
            ),
            (
                4,
                "c4",
                &feed,
                Since::Packages(["a", "hello"].map(String::from).into()),
            ),
            (4, "other", &feed, Since::Everything),
            (9, "c9", &feed, Since::Everything),
            (
                3,
                "c3",
                &[change(3, "publish", &["x"]), change(4, "config", &[])],
                Since::Everything,
            ),
            (
                3,
                "c3",
                &[change(3, "publish", &["x"]), change(4, "rename", &["x"])],
                Since::Everything,
            ),
        ];
        for (seen, commit, changes, expected) in table {
            assert_eq!(
                &changes_since(*seen, commit, changes),
                expected,
                "{seen} {commit}"
            );
        }
    }
}
