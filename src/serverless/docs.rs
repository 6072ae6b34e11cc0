//! The Serverless documents, as types, and how they are made from a package's record: the
//! SRM's release documents and lists, the v3 answers the `s` client reads, the package
//! document, and the package's search entry.
//!
//! Every function here is pure: index lines and the registry's config in, documents out.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::{
    index::IndexConfig,
    serverless::record::{self as line, IndexLine, PackageRecord},
    site::docs::SearchEntry,
};

/// One version, as `{name}/releases/latest`, `{name}/releases/tags/{version}` and (wrapped)
/// the v3 paths serve it. The fields from `name` to `home` are the SRM's; the rest are Shelf's.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Release {
    /// Package name.
    pub name: String,
    /// The version (SemVer).
    pub tag_name: String,
    /// Publish time, RFC 3339 UTC with `Z`.
    pub created_at: String,
    /// Absolute URL of the zip.
    pub zipball_url: String,
    /// Release notes.
    pub body: String,
    /// Package description.
    pub description: String,
    /// `Component`, `Plugin`, `Project` or `Application`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Cloud providers.
    pub provider: Vec<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// README (Markdown).
    pub readme: String,
    /// Home page URL.
    pub home: String,
    /// Category.
    pub category: String,
    /// Package model edition.
    pub edition: String,
    /// Lowercase hex SHA-256 of the zip.
    pub sha256: String,
    /// Size of the zip in bytes.
    pub size: u64,
    /// Yanked: downloadable, never latest.
    pub yanked: bool,
}

/// One item of the `{name}/releases` and v3 `release` lists.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReleaseListItem {
    /// The version.
    pub tag_name: String,
    /// Publish time, RFC 3339 UTC with `Z`.
    pub created_at: String,
    /// Absolute URL of the zip.
    pub zipball_url: String,
    /// Release notes.
    pub body: String,
    /// Lowercase hex SHA-256 of the zip.
    pub sha256: String,
    /// Size of the zip in bytes.
    pub size: u64,
    /// Yanked: downloadable, never latest.
    pub yanked: bool,
}

/// The Serverless Devs v3 client's envelope: every v3 answer is `{"body": …}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct V3<T> {
    /// The wrapped document.
    pub body: T,
}

/// `{name}/index.json`: the package with every live version, newest first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PackageIndex {
    /// Package name.
    pub name: String,
    /// Type of the latest version (of the newest one when none is latest).
    #[serde(rename = "type")]
    pub kind: String,
    /// Description of that version.
    pub description: String,
    /// Home page of that version.
    pub home: String,
    /// Providers of that version.
    pub provider: Vec<String>,
    /// Tags of that version.
    pub tags: Vec<String>,
    /// Category of that version.
    pub category: String,
    /// The latest version, if any version is eligible.
    pub latest: Option<String>,
    /// When the newest version was published.
    pub updated: String,
    /// Every live version, newest first.
    pub versions: Vec<Release>,
}

/// Path templates; `{name}` and `{version}` are replaced.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Paths {
    /// The release list.
    pub releases: &'static str,
    /// The latest release.
    pub latest: &'static str,
    /// One release.
    pub tag: &'static str,
    /// One release's zip.
    pub zipball: &'static str,
    /// The package document.
    pub package: &'static str,
    /// The package's HTML page.
    pub package_page: &'static str,
    /// The v3 release list.
    pub v3_list: &'static str,
    /// The v3 latest release.
    pub v3_latest: &'static str,
    /// One v3 release.
    pub v3_tag: &'static str,
}

/// The paths of the Serverless documents.
pub const PATHS: Paths = Paths {
    releases: "{name}/releases",
    latest: "{name}/releases/latest",
    tag: "{name}/releases/tags/{version}",
    zipball: "{name}/zipball/{version}",
    package: "{name}/index.json",
    package_page: "{name}/",
    v3_list: "v3/packages/{name}/release",
    v3_latest: "v3/packages/{name}/release/latest",
    v3_tag: "v3/packages/{name}/release/tags/{version}",
};

/// [`PATHS`] as the entries of `-/config.json`'s `paths`.
#[must_use]
pub fn config_paths() -> Map<String, Value> {
    match serde_json::to_value(PATHS) {
        Ok(Value::Object(map)) => map,
        // A struct of strings always serialises to an object.
        _ => Map::new(),
    }
}

/// The release document of one line.
#[must_use]
pub fn release(line: &IndexLine, config: &IndexConfig) -> Release {
    Release {
        name: line.name.clone(),
        tag_name: line.version.clone(),
        created_at: line.created_at.clone(),
        zipball_url: config.zipball_url(&line.name, &line.version),
        body: line.body.clone(),
        description: line.description.clone(),
        kind: line.kind.clone(),
        provider: line.provider.clone(),
        tags: line.tags.clone(),
        readme: line.readme.clone(),
        home: line.home.clone(),
        category: line.category.clone(),
        edition: line.edition.clone(),
        sha256: line.sha256.clone(),
        size: line.size,
        yanked: line.yanked,
    }
}

/// The list item of one line.
#[must_use]
pub fn list_item(line: &IndexLine, config: &IndexConfig) -> ReleaseListItem {
    ReleaseListItem {
        tag_name: line.version.clone(),
        created_at: line.created_at.clone(),
        zipball_url: config.zipball_url(&line.name, &line.version),
        body: line.body.clone(),
        sha256: line.sha256.clone(),
        size: line.size,
        yanked: line.yanked,
    }
}

/// The release list, newest publish first, yanked versions included (marked).
#[must_use]
pub fn release_list(record: &PackageRecord, config: &IndexConfig) -> Vec<ReleaseListItem> {
    record.live().rev().map(|l| list_item(l, config)).collect()
}

/// The line a package's summary is taken from: latest, else the newest live line.
fn headline(record: &PackageRecord) -> Option<&IndexLine> {
    record.latest().or_else(|| record.live().next_back())
}

/// `{name}/index.json`, or `None` when the package has no live version.
#[must_use]
pub fn package_index(record: &PackageRecord, config: &IndexConfig) -> Option<PackageIndex> {
    let head = headline(record)?;
    let newest = record.live().next_back()?;
    Some(PackageIndex {
        name: head.name.clone(),
        kind: head.kind.clone(),
        description: head.description.clone(),
        home: head.home.clone(),
        provider: head.provider.clone(),
        tags: head.tags.clone(),
        category: head.category.clone(),
        latest: record.latest().map(|l| l.version.clone()),
        updated: newest.created_at.clone(),
        versions: record.live().rev().map(|l| release(l, config)).collect(),
    })
}

/// The package's entry in `-/search.json`, or `None` when it has no live version.
#[must_use]
pub fn search_entry(record: &PackageRecord) -> Option<SearchEntry> {
    let head = headline(record)?;
    let newest = record.live().next_back()?;
    // Lines written since the caps existed are within them already; clipping here keeps an
    // older line's share of every registry-wide document bounded too.
    let list = |items: &[String]| -> Vec<String> {
        items
            .iter()
            .take(line::LIST_CAP)
            .map(|item| line::clip(item, line::LIST_ITEM_CAP).to_owned())
            .collect()
    };
    Some(SearchEntry {
        name: head.name.clone(),
        kind: head.kind.clone(),
        description: line::clip(&head.description, line::DESCRIPTION_CAP).to_owned(),
        tags: list(&head.tags),
        provider: list(&head.provider),
        latest: record.latest().map(|l| l.version.clone()),
        updated: newest.created_at.clone(),
        category: line::clip(&head.category, line::LIST_ITEM_CAP).to_owned(),
        people: Vec::new(),
        extra: Map::new(),
    })
}
