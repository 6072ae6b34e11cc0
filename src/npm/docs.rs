//! The npm documents a package's record becomes: its packument (what `npm install` reads),
//! its dist-tags, and its search entry. Pure: a record and the registry's config in,
//! documents out.

use serde::Serialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::{
    name::NpmName,
    record::{NpmRecord, VersionLine},
};
use crate::{
    index::IndexConfig,
    site::docs::SearchEntry,
    text::{DESCRIPTION_CAP, LIST_CAP, LIST_ITEM_CAP, clip},
};

/// The URL path under the base URL where npm is served: the registry URL a user gives npm
/// is `{base_url}/npm/`.
pub const PREFIX: &str = "npm";

/// A package's packument: `GET /npm/{name}`, the full document (npm takes it for the
/// abbreviated one it asks for too).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Packument {
    /// The package name.
    #[serde(rename = "_id")]
    pub id: String,
    /// A revision: changes whenever the package's record does (`npm owner` and
    /// `npm unpublish` send it back).
    #[serde(rename = "_rev")]
    pub rev: String,
    /// The package name.
    pub name: String,
    /// The latest version's description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<Value>,
    /// Tag → version.
    #[serde(rename = "dist-tags")]
    pub dist_tags: Map<String, Value>,
    /// Version → its manifest with `dist`.
    pub versions: Map<String, Value>,
    /// `created`, `modified`, and each version's publish time.
    pub time: Map<String, Value>,
    /// The package's maintainers.
    pub maintainers: Vec<Person>,
    /// The latest version's readme.
    pub readme: String,
    /// The latest version's license, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub license: Option<Value>,
    /// The latest version's keywords, when it has any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keywords: Option<Value>,
}

/// An account, as npm names one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Person {
    /// The account name.
    pub name: String,
    /// Its e-mail address (npm prints `name <email>`).
    pub email: String,
}

/// The absolute URL of a version's tarball.
#[must_use]
pub fn tarball_url(config: &IndexConfig, name: &NpmName, version: &str) -> String {
    config.url(&tarball_path(name, version))
}

/// The logical path of a version's tarball: `npm/{name}/-/{basename}-{version}.tgz`.
#[must_use]
pub fn tarball_path(name: &NpmName, version: &str) -> String {
    format!("{PREFIX}/{name}/-/{}-{version}.tgz", name.basename())
}

/// The version's document in the packument: its manifest, `_id`, `dist`, the publisher and
/// the deprecation message.
#[must_use]
pub fn version_doc(name: &NpmName, line: &VersionLine, config: &IndexConfig) -> Value {
    let mut doc = line.manifest.clone();
    doc.insert("name".into(), Value::from(name.as_str()));
    doc.insert("version".into(), Value::from(line.version.as_str()));
    doc.insert(
        "_id".into(),
        Value::from(format!("{name}@{}", line.version)),
    );
    let mut dist = Map::new();
    dist.insert(
        "tarball".into(),
        Value::from(tarball_url(config, name, &line.version)),
    );
    dist.insert("integrity".into(), Value::from(line.integrity.as_str()));
    dist.insert("shasum".into(), Value::from(line.shasum.as_str()));
    dist.insert("fileCount".into(), Value::from(line.file_count));
    dist.insert("unpackedSize".into(), Value::from(line.unpacked_size));
    doc.insert("dist".into(), Value::Object(dist));
    let mut user = Map::new();
    user.insert("name".into(), Value::from(line.publisher.as_str()));
    doc.insert("_npmUser".into(), Value::Object(user));
    match line.deprecated.as_deref().filter(|m| !m.is_empty()) {
        Some(message) => doc.insert("deprecated".into(), Value::from(message)),
        None => doc.remove("deprecated"),
    };
    Value::Object(doc)
}

/// The record's revision: how many lines it has and a digest of its text.
#[must_use]
pub fn revision(record: &NpmRecord) -> String {
    let digest = hex::encode(Sha256::digest(record.to_text().as_bytes()));
    format!("{}-{}", record.versions.len() + 1, &digest[..32])
}

/// The packument, or `None` when no version is live (every file of the package goes).
#[must_use]
pub fn packument(record: &NpmRecord, config: &IndexConfig) -> Option<Packument> {
    let name = NpmName::parse(&record.package.name).ok()?;
    let newest = record.live().next_back()?;
    let head = record.latest().unwrap_or(newest);
    let mut versions = Map::new();
    let mut time = Map::new();
    let created = record
        .versions
        .first()
        .map_or_else(String::new, |l| l.created_at.clone());
    time.insert("created".into(), Value::from(created));
    let modified = record
        .versions
        .iter()
        .flat_map(|l| [Some(&l.created_at), l.deleted_at.as_ref()])
        .flatten()
        .max()
        .cloned()
        .unwrap_or_default();
    time.insert("modified".into(), Value::from(modified));
    for line in record.live() {
        versions.insert(line.version.clone(), version_doc(&name, line, config));
        time.insert(line.version.clone(), Value::from(line.created_at.as_str()));
    }
    let maintainers = (record.people().into_iter())
        .map(|(name, email)| Person { name, email })
        .collect();
    Some(Packument {
        id: name.to_string(),
        rev: revision(record),
        name: name.to_string(),
        description: head.manifest.get("description").cloned(),
        dist_tags: record.package.dist_tags.clone(),
        versions,
        time,
        maintainers,
        readme: head.readme.clone(),
        license: head.manifest.get("license").cloned(),
        keywords: head.manifest.get("keywords").cloned(),
    })
}

/// The package's entry in `-/search.json` and the home page; `None` when no version is live.
#[must_use]
pub fn search_entry(record: &NpmRecord) -> Option<SearchEntry> {
    let newest = record.live().next_back()?;
    let head = record.latest().unwrap_or(newest);
    let text = |key: &str| {
        head.manifest
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let keywords: Vec<String> = head
        .manifest
        .get("keywords")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .take(LIST_CAP)
        .map(|k| clip(k, LIST_ITEM_CAP).to_owned())
        .collect();
    let mut extra = Map::new();
    extra.insert("protocol".into(), Value::from("npm"));
    extra.insert(
        "page".into(),
        Value::from(format!("{PREFIX}/{}/-/", record.package.name)),
    );
    Some(SearchEntry {
        name: record.package.name.clone(),
        kind: "npm".to_owned(),
        description: clip(&text("description"), DESCRIPTION_CAP).to_owned(),
        tags: keywords,
        provider: Vec::new(),
        latest: record.latest().map(|l| l.version.clone()),
        updated: newest.created_at.clone(),
        category: String::new(),
        people: record.people(),
        extra,
    })
}
