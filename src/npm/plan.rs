//! The files of one npm package, in the order readers may meet them: each version's
//! tarball, then the dist-tags and the page, and the packument last, so a packument never
//! names a tarball that is not there yet.

use serde::Serialize;
use serde_json::{Map, Value};

use super::{
    docs::{self, PREFIX, Packument},
    name::NpmName,
    record::NpmRecord,
};
use crate::{
    output::{Content, OutFile},
    site::{
        plan::Context,
        render::{RenderError, markdown_to_safe_html},
    },
};

/// The context of `npm-package.html`.
#[derive(Debug, Serialize)]
pub struct NpmPage<'a> {
    /// The registry's `-/config.json`.
    pub config: &'a crate::site::docs::RegistryConfig,
    /// The packument.
    pub package: &'a Packument,
    /// The registry URL to give npm (`{base_url}/npm/`).
    pub registry: String,
    /// Live versions, newest first: version, time, tags naming it, deprecation, tarball.
    pub versions: Vec<PageVersion>,
    /// The latest version's README, sanitised.
    pub readme_html: String,
}

/// One version on the page.
#[derive(Debug, Serialize)]
pub struct PageVersion {
    /// The version.
    pub version: String,
    /// When it was published.
    pub created_at: String,
    /// The dist-tags naming it.
    pub tags: Vec<String>,
    /// Its deprecation message, if any.
    pub deprecated: Option<String>,
    /// Its tarball's URL.
    pub tarball: String,
    /// Its tarball's size.
    pub size: u64,
}

/// Every file of one package; empty when no version is live (so all its files go).
///
/// # Errors
/// Template errors.
pub fn package_files(record: &NpmRecord, cx: &Context<'_>) -> Result<Vec<OutFile>, RenderError> {
    let Some(packument) = docs::packument(record, cx.config) else {
        return Ok(Vec::new());
    };
    let Ok(name) = NpmName::parse(&record.package.name) else {
        return Ok(Vec::new());
    };
    let mut files = Vec::new();
    for line in record.live() {
        files.push(OutFile {
            path: docs::tarball_path(&name, &line.version),
            content: Content::Blob(cx.blobs.path(&line.sha256)),
        });
    }
    files.push(OutFile::json(
        format!("{PREFIX}/-/package/{name}/dist-tags"),
        &record.package.dist_tags,
    ));
    let tags_of = |version: &str| -> Vec<String> {
        record
            .package
            .dist_tags
            .iter()
            .filter(|(_, v)| v.as_str() == Some(version))
            .map(|(tag, _)| tag.clone())
            .collect()
    };
    let page = NpmPage {
        config: &cx.registry,
        package: &packument,
        registry: cx.config.url(&format!("{PREFIX}/")),
        versions: record
            .live()
            .rev()
            .map(|line| PageVersion {
                version: line.version.clone(),
                created_at: line.created_at.clone(),
                tags: tags_of(&line.version),
                deprecated: line.deprecated.clone().filter(|m| !m.is_empty()),
                tarball: docs::tarball_url(cx.config, &name, &line.version),
                size: line.size,
            })
            .collect(),
        readme_html: markdown_to_safe_html(&packument.readme),
    };
    files.push(OutFile {
        path: format!("{PREFIX}/{name}/-/index.html"),
        content: Content::Bytes(cx.renderer.npm_package(&page)?.into_bytes()),
    });
    files.push(OutFile::json(format!("{PREFIX}/{name}"), &packument));
    Ok(files)
}

/// npm's path templates in `-/config.json`.
#[must_use]
pub fn config_paths() -> Map<String, Value> {
    let mut paths = Map::new();
    for (key, path) in [
        ("npm_registry", "npm/"),
        ("npm_packument", "npm/{name}"),
        ("npm_tarball", "npm/{name}/-/{basename}-{version}.tgz"),
        ("npm_dist_tags", "npm/-/package/{name}/dist-tags"),
        ("npm_page", "npm/{name}/-/"),
    ] {
        paths.insert(key.to_owned(), Value::from(path));
    }
    paths
}
