//! What the Serverless protocol's files are: the SRM documents (`{name}/releases…`), the v3
//! documents the `s` client reads (`v3/packages/{name}/release…`) and the zips
//! (`{name}/zipball/{version}`).

use crate::output::{Class, Kind, PathRules};

/// The Serverless protocol's path rules.
pub struct ServerlessPaths;

/// The one instance, for registration.
pub static PATHS: ServerlessPaths = ServerlessPaths;

impl PathRules for ServerlessPaths {
    fn class_of(&self, logical: &str) -> Option<Class> {
        let parts: Vec<&str> = logical.split('/').collect();
        // A package's documents are typed by where they sit, never by a name an author
        // chose: `tags/1.0.0-x.html` is a valid version, and typing it as HTML would run a
        // publisher's readme as a page on the registry's origin.
        match parts.as_slice() {
            // A version's zip and documents never change: its number is never reused.
            [_, "zipball", _] => Some(Class::immutable(Kind::Zip)),
            [_, "releases", "tags", _] | ["v3", "packages", _, "release", "tags", _] => {
                Some(Class::immutable(Kind::Json))
            }
            [_, "releases", ..] | ["v3", "packages", _, "release", ..] => {
                Some(Class::revalidate(Kind::Json))
            }
            _ => None,
        }
    }

    fn is_folder_document(&self, logical: &str) -> bool {
        let parts: Vec<&str> = logical.split('/').collect();
        matches!(
            parts.as_slice(),
            [_, "releases"] | ["v3", "packages", _, "release"]
        )
    }
}

/// The logical-path prefixes a package owns: everything under them is regenerated (and stale
/// files removed) when that package changes.
#[must_use]
pub fn package_prefixes(name: &str) -> [String; 2] {
    [format!("{name}/"), format!("v3/packages/{name}/")]
}

/// The Serverless protocol's block of `-/nginx.conf`: the exact URLs the SRM and the `s`
/// client read, with the right file and content type, no redirect. The dir layout stores
/// `{name}/releases` as `{name}/releases/index.json`; a plain static server would answer
/// the bare path with a 301 to `…/releases/`, which the Serverless Devs client does not
/// follow.
pub const NGINX: &str = r#"
    # The lists are both a document and a folder: answer the bare path with the list file.
    location ~ ^/(?<list>[a-z][a-z0-9_-]*/releases|v3/packages/[a-z][a-z0-9_-]*/release)/?$ {
        try_files /$list/index.json =404;
    }

    # Zips, and a version's documents: they never change (a number is never reused).
    location ~ ^/[a-z][a-z0-9_-]*/zipball/[^/]+$ {
        types { }
        default_type application/zip;
        add_header X-Content-Type-Options nosniff always;
        add_header Cache-Control "public, max-age=31536000, immutable" always;
    }
    location ~ ^/([a-z][a-z0-9_-]*/releases|v3/packages/[a-z][a-z0-9_-]*/release)/tags/[^/]+$ {
        types { }
        default_type application/json;
        add_header X-Content-Type-Options nosniff always;
        add_header Cache-Control "public, max-age=31536000, immutable" always;
    }

    # A package's documents are JSON whatever their name looks like: `1.0.0-x.html` is a
    # valid version, and must never be served as a page.
    location ~ ^/([a-z][a-z0-9_-]*/releases|v3/packages/[a-z][a-z0-9_-]*/release)/ {
        types { }
        default_type application/json;
    }

    # A package's page, with or without the trailing slash.
    location ~ ^/(?<pkg>[a-z][a-z0-9_-]*)/?$ {
        default_type text/html;
        try_files /$pkg/index.html =404;
    }
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::{Cache, Layout, RegistryPaths, Rules};

    static RULES: Rules = Rules::new(&[&PATHS, &RegistryPaths]);

    #[test]
    fn lists_are_index_files_in_dir_layout_only() {
        assert_eq!(
            Layout::Dir.key("hello/releases", &RULES),
            "hello/releases/index.json"
        );
        assert_eq!(
            Layout::Dir.key("v3/packages/hello/release", &RULES),
            "v3/packages/hello/release/index.json"
        );
        assert_eq!(
            Layout::Dir.key("hello/releases/latest", &RULES),
            "hello/releases/latest"
        );
        assert_eq!(Layout::Keys.key("hello/releases", &RULES), "hello/releases");
    }

    #[test]
    fn kinds() {
        let kind = |path: &str| RULES.class_of(path).kind;
        assert_eq!(kind("hello/zipball/1.0.0"), Kind::Zip);
        assert_eq!(kind("hello/releases/tags/1.0.0"), Kind::Json);
        assert_eq!(kind("hello/releases/index.json"), Kind::Json);
        assert_eq!(kind("hello/index.html"), Kind::Html);
        assert_eq!(kind("-/assets/style.css"), Kind::Css);
        assert_eq!(kind("-/nginx.conf"), Kind::Text);
        for hostile in [
            "hello/releases/tags/1.0.0-x.html",
            "v3/packages/hello/release/tags/1.0.0-x.svg",
            "hello/zipball/1.0.0-x.js",
        ] {
            assert!(matches!(kind(hostile), Kind::Json | Kind::Zip), "{hostile}");
        }
    }

    #[test]
    fn cache_classes() {
        for key in [
            "hello/zipball/1.0.0",
            "hello/releases/tags/1.0.0",
            "hello/releases/tags/1.0.0-rc.1",
            "v3/packages/hello/release/tags/1.0.0",
            "-/index.git/objects/pack/pack-0123abcd.pack",
            "-/changes/0.json",
        ] {
            assert_eq!(RULES.class_of(key).cache, Cache::Immutable, "{key}");
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
            assert_eq!(RULES.class_of(key).cache, Cache::Revalidate, "{key}");
        }
    }
}
