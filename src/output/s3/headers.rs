//! How long caches keep each object: the `Cache-Control` the S3 target stores with it.
//!
//! Two classes. Content that can never change at its URL is cached for a year and marked
//! `immutable`: zipballs, the per-version release documents (`{name}/releases/tags/{v}`,
//! `v3/packages/{name}/release/tags/{v}`; a version number is never reused), the full pages
//! of the change feed (`-/changes/{n}.json`, append-only), and the packs of the exported git
//! index (named by their hash). Everything else (latest, lists, search, config, HTML,
//! assets, the feed's head, git refs) may change with any publish, so caches
//! keep it a minute and then must revalidate; the purge hook tells a CDN sooner.
//!
//! A yank or a base-URL change does rewrite a release document. A CDN learns of it through
//! the purge hook; a browser or client that cached it keeps its copy until the year is out,
//! which is why the lists and `latest`, where yanks matter to resolution, are short-lived.

use crate::output::Kind;

/// For content that never changes at its URL.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// For content that may change with any publish.
pub const SHORT: &str = "public, max-age=60, must-revalidate";

/// The `Cache-Control` of a site key.
#[must_use]
pub fn cache_control(key: &str) -> &'static str {
    if Kind::of(key) == Kind::Zip {
        return IMMUTABLE;
    }
    let parts: Vec<&str> = key.split('/').collect();
    match parts.as_slice() {
        [_, "releases", "tags", _]
        | ["v3", "packages", _, "release", "tags", _]
        | ["-", "changes", _]
        | ["-", "index.git", "objects", "pack", _] => IMMUTABLE,
        _ => SHORT,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        for key in [
            "hello/zipball/1.0.0",
            "hello/releases/tags/1.0.0",
            "hello/releases/tags/1.0.0-rc.1",
            "v3/packages/hello/release/tags/1.0.0",
            "-/index.git/objects/pack/pack-0123abcd.pack",
            "-/changes/0.json",
        ] {
            assert_eq!(cache_control(key), IMMUTABLE, "{key}");
        }
        for key in [
            "hello/releases",
            "hello/releases/latest",
            "v3/packages/hello/release",
            "v3/packages/hello/release/latest",
            "hello/index.html",
            "hello/index.json",
            "index.html",
            "-/search.json",
            "-/config.json",
            "-/assets/style.css",
            "-/changes.json",
            "-/index.git/info/refs",
            "-/index.git/objects/info/packs",
            // Deeper than a tag document: not one.
            "hello/releases/tags/1.0.0/x",
        ] {
            assert_eq!(cache_control(key), SHORT, "{key}");
        }
    }
}
