//! Which files a package, and the registry as a whole, produce.
//!
//! A package owns every file under `{name}/` and `v3/packages/{name}/`; the registry owns
//! `index.html` and `-/`. A change to a package regenerates that package's files plus the
//! registry's; nothing else is touched. Everything here is pure: records in, files out.

use super::{
    docs::{self, RegistryConfig, SearchEntry, SearchIndex, V3},
    nginx,
    render::{HomePage, PackagePage, RenderError, Renderer, markdown_to_safe_html},
};
use crate::{
    blob::BlobStore,
    index::IndexConfig,
    output::{Content, OutFile},
    serverless::record::PackageRecord,
};

/// How many recently updated packages the home page lists; the rest are found by search.
pub const HOME_RECENT: usize = 50;

/// Everything the plan needs besides the records.
pub struct Context<'a> {
    /// The index's configuration (base URL, zipball template).
    pub config: &'a IndexConfig,
    /// `-/config.json`, also handed to templates.
    pub registry: RegistryConfig,
    /// HTML renderer.
    pub renderer: &'a Renderer,
    /// The blob store zipballs link to.
    pub blobs: &'a BlobStore,
    /// Static assets, published under `-/assets/`.
    pub assets: &'a [(String, Vec<u8>)],
}

impl<'a> Context<'a> {
    /// The context for the index's settings `config`.
    #[must_use]
    pub fn new(
        config: &'a IndexConfig,
        renderer: &'a Renderer,
        blobs: &'a BlobStore,
        assets: &'a [(String, Vec<u8>)],
    ) -> Self {
        Context {
            config,
            registry: docs::registry_config(config),
            renderer,
            blobs,
            assets,
        }
    }
}

/// Every file of one package; empty when it has no live version (so all its files go).
///
/// # Errors
/// Template errors.
pub fn package_files(
    record: &PackageRecord,
    cx: &Context<'_>,
) -> Result<Vec<OutFile>, RenderError> {
    let Some(index) = docs::package_index(record, cx.config) else {
        return Ok(Vec::new());
    };
    let name = index.name.clone();
    let list = docs::release_list(record, cx.config);
    // Written in this order, each file a reader can get to names only files already there:
    // a version's zip and documents first, then the lists, then `latest`. Readers never see
    // a listed version answer 404 while a publish is being written.
    let mut files = Vec::new();
    for line in record.live() {
        let doc = docs::release(line, cx.config);
        let version = &line.version;
        files.push(OutFile {
            path: format!("{name}/zipball/{version}"),
            content: Content::Blob(cx.blobs.path(&line.sha256)),
        });
        files.push(OutFile::json(
            format!("{name}/releases/tags/{version}"),
            &doc,
        ));
        files.push(OutFile::json(
            format!("v3/packages/{name}/release/tags/{version}"),
            &V3 { body: &doc },
        ));
    }
    files.push(OutFile::json(format!("{name}/releases"), &list));
    files.push(OutFile::json(
        format!("v3/packages/{name}/release"),
        &V3 { body: &list },
    ));
    if let Some(latest) = record.latest() {
        let doc = docs::release(latest, cx.config);
        files.push(OutFile::json(
            format!("v3/packages/{name}/release/latest"),
            &V3 { body: &doc },
        ));
        files.push(OutFile::json(format!("{name}/releases/latest"), &doc));
    }
    // The page describes the latest version (the newest when none is latest), so its readme.
    let readme = record
        .latest()
        .or_else(|| record.live().next_back())
        .map(|l| l.readme.as_str())
        .unwrap_or_default();
    let page = PackagePage {
        config: &cx.registry,
        package: &index,
        readme_html: markdown_to_safe_html(readme),
    };
    files.push(OutFile {
        path: format!("{name}/index.html"),
        content: Content::Bytes(cx.renderer.package(&page)?.into_bytes()),
    });
    files.push(OutFile::json(format!("{name}/index.json"), &index));
    Ok(files)
}

/// The registry-wide files, from every package's search entry sorted by name.
///
/// # Errors
/// Template errors.
pub fn registry_files(
    entries: &[&SearchEntry],
    cx: &Context<'_>,
) -> Result<Vec<OutFile>, RenderError> {
    // Borrowed throughout: this runs after every publish, over every package.
    let mut recent: Vec<&SearchEntry> = entries.to_vec();
    // Newest first; the name breaks ties so the page is the same for the same index.
    let newest_first = |a: &&SearchEntry, b: &&SearchEntry| {
        b.updated.cmp(&a.updated).then_with(|| a.name.cmp(&b.name))
    };
    if recent.len() > HOME_RECENT {
        recent.select_nth_unstable_by(HOME_RECENT, newest_first);
        recent.truncate(HOME_RECENT);
    }
    recent.sort_by(newest_first);
    let home = HomePage {
        config: &cx.registry,
        recent: &recent,
        total: entries.len(),
    };
    let mut files = vec![
        OutFile {
            path: "index.html".into(),
            content: Content::Bytes(cx.renderer.home(&home)?.into_bytes()),
        },
        OutFile::json("-/config.json".into(), &cx.registry),
        OutFile::json(
            "-/search.json".into(),
            &SearchIndex {
                v: 1,
                packages: entries,
            },
        ),
        OutFile::json(
            "-/404.json".into(),
            &serde_json::json!({ "error": "Not found" }),
        ),
        OutFile {
            path: "-/nginx.conf".into(),
            content: Content::Bytes(nginx::config().into_bytes()),
        },
    ];
    files.extend(cx.assets.iter().map(|(name, bytes)| OutFile {
        path: format!("-/assets/{name}"),
        content: Content::Bytes(bytes.clone()),
    }));
    Ok(files)
}

/// The keys registry-wide files own (for removing stale ones). Exact keys (a sync stats
/// them, never lists their folder) and `-/assets/` only: `-/changes…` and `-/index.git/`
/// under the same folder belong to the history files, which a registry-wide sync must never
/// remove.
#[must_use]
pub fn registry_scope() -> Vec<String> {
    [
        "index.html",
        "-/config.json",
        "-/search.json",
        "-/404.json",
        "-/nginx.conf",
        "-/assets/",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect()
}
