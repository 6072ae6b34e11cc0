//! Which files the registry as a whole produces, and what every protocol's plan is given.
//!
//! The registry owns `index.html` and `-/`; each protocol plans its packages' files itself
//! (the Serverless ones: [`crate::serverless::plan`]). A change to a package regenerates that
//! package's files plus the registry's; nothing else is touched. Everything here is pure:
//! entries in, files out.

use serde_json::{Map, Value};

use super::{
    docs::{self, RegistryConfig, SearchEntry},
    nginx,
    render::{HomePage, RenderError, Renderer},
};
use crate::{
    blob::BlobStore,
    index::IndexConfig,
    output::{Content, OutFile},
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
    /// The protocols' blocks of `-/nginx.conf`.
    pub nginx: String,
}

impl<'a> Context<'a> {
    /// The context for the index's settings `config`; `paths` are the protocols' path
    /// templates for `-/config.json`, `nginx` their blocks of `-/nginx.conf`.
    #[must_use]
    pub fn new(
        config: &'a IndexConfig,
        renderer: &'a Renderer,
        blobs: &'a BlobStore,
        assets: &'a [(String, Vec<u8>)],
        paths: Map<String, Value>,
        nginx: String,
    ) -> Self {
        Context {
            config,
            registry: docs::registry_config(config, paths),
            renderer,
            blobs,
            assets,
            nginx,
        }
    }
}

/// The registry-wide files, from every package's search entry sorted by name and their
/// `-/search.json` ([`docs::search_document`], or the catalog's, which keeps each entry's
/// JSON).
///
/// # Errors
/// Template errors.
pub fn registry_files(
    entries: &[&SearchEntry],
    search: Vec<u8>,
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
        OutFile::json(CONFIG_PATH.into(), &cx.registry),
        OutFile {
            path: "-/search.json".into(),
            content: Content::Bytes(search),
        },
        OutFile::json(
            "-/404.json".into(),
            &serde_json::json!({ "error": "Not found" }),
        ),
        OutFile {
            path: "-/nginx.conf".into(),
            content: Content::Bytes(nginx::config(&cx.nginx).into_bytes()),
        },
    ];
    files.extend(cx.assets.iter().map(|(name, bytes)| OutFile {
        path: format!("-/assets/{name}"),
        content: Content::Bytes(bytes.clone()),
    }));
    Ok(files)
}

/// The registry's settings for clients, written by every build.
pub const CONFIG_PATH: &str = "-/config.json";

/// The keys registry-wide files own (for removing stale ones). Exact keys (a sync stats
/// them, never lists their folder) and `-/assets/` only: `-/changes…` and `-/index.git/`
/// under the same folder belong to the history files, which a registry-wide sync must never
/// remove.
#[must_use]
pub fn registry_scope() -> Vec<String> {
    [
        "index.html",
        CONFIG_PATH,
        "-/search.json",
        "-/404.json",
        "-/nginx.conf",
        "-/assets/",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect()
}
