//! Where a document lands: logical URL paths, physical keys, and content types.
//!
//! A site is described by logical paths: the exact URL path a client requests, without the
//! leading slash (`hello/releases`). `releases` and `release` are both a document and a
//! folder (`hello/releases/latest` lives below it); [`Layout`] decides how that is stored.

/// How logical paths map to stored keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Layout {
    /// For filesystems: the lists are stored as `…/releases/index.json` and
    /// `…/release/index.json`, and a server answers the bare path with that file.
    #[default]
    Dir,
    /// For object stores: every logical path is its own key, so `hello/releases` and
    /// `hello/releases/latest` are two objects.
    Keys,
}

/// The file name the dir layout stores a list document under.
pub const LIST_FILE: &str = "index.json";

/// Whether `logical` is a list document that is also a folder.
#[must_use]
pub fn is_list(logical: &str) -> bool {
    let parts: Vec<&str> = logical.split('/').collect();
    matches!(
        parts.as_slice(),
        [_, "releases"] | ["v3", "packages", _, "release"]
    )
}

impl Layout {
    /// The stored key of a logical path.
    #[must_use]
    pub fn key(self, logical: &str) -> String {
        match self {
            Layout::Dir if is_list(logical) => format!("{logical}/{LIST_FILE}"),
            Layout::Dir | Layout::Keys => logical.to_owned(),
        }
    }
}

/// What a document is, which decides its content type (and, for object stores, its caching).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Json,
    Zip,
    Html,
    Css,
    Javascript,
    Svg,
    Text,
    /// Opaque bytes (the git files under `-/index.git/`).
    Binary,
}

impl Kind {
    /// The kind of a logical path or stored key. Extensionless documents are JSON except the
    /// zips under `{name}/zipball/`.
    #[must_use]
    pub fn of(path: &str) -> Kind {
        let parts: Vec<&str> = path.split('/').collect();
        // A package's documents are typed by where they sit, never by a name an author
        // chose: `tags/1.0.0-x.html` is a valid version, and typing it as HTML would run a
        // publisher's readme as a page on the registry's origin.
        match parts.as_slice() {
            [_, "zipball", _] => return Kind::Zip,
            // The git repository a static host serves for `git clone` (dumb HTTP).
            ["-", "index.git", ..] => return Kind::Binary,
            [_, "releases", ..] | ["v3", "packages", _, "release", ..] => return Kind::Json,
            _ => {}
        }
        let file = parts.last().copied().unwrap_or_default();
        match file.rsplit_once('.').map(|(_, ext)| ext) {
            Some("html") => Kind::Html,
            Some("css") => Kind::Css,
            Some("js") => Kind::Javascript,
            Some("svg") => Kind::Svg,
            Some("conf" | "txt") => Kind::Text,
            _ => Kind::Json,
        }
    }

    /// The `Content-Type` it is served with.
    #[must_use]
    pub fn content_type(self) -> &'static str {
        match self {
            Kind::Json => "application/json",
            Kind::Zip => "application/zip",
            Kind::Html => "text/html; charset=utf-8",
            Kind::Css => "text/css; charset=utf-8",
            Kind::Javascript => "text/javascript; charset=utf-8",
            Kind::Svg => "image/svg+xml",
            Kind::Text => "text/plain; charset=utf-8",
            Kind::Binary => "application/octet-stream",
        }
    }
}

/// The logical-path prefixes a package owns: everything under them is regenerated (and stale
/// files removed) when that package changes.
#[must_use]
pub fn package_prefixes(name: &str) -> [String; 2] {
    [format!("{name}/"), format!("v3/packages/{name}/")]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_index_files_in_dir_layout_only() {
        assert_eq!(
            Layout::Dir.key("hello/releases"),
            "hello/releases/index.json"
        );
        assert_eq!(
            Layout::Dir.key("v3/packages/hello/release"),
            "v3/packages/hello/release/index.json"
        );
        assert_eq!(
            Layout::Dir.key("hello/releases/latest"),
            "hello/releases/latest"
        );
        assert_eq!(Layout::Keys.key("hello/releases"), "hello/releases");
    }

    #[test]
    fn kinds() {
        assert_eq!(Kind::of("hello/zipball/1.0.0"), Kind::Zip);
        assert_eq!(Kind::of("hello/releases/tags/1.0.0"), Kind::Json);
        assert_eq!(Kind::of("hello/releases/index.json"), Kind::Json);
        assert_eq!(Kind::of("hello/index.html"), Kind::Html);
        assert_eq!(Kind::of("-/assets/style.css"), Kind::Css);
        assert_eq!(Kind::of("-/nginx.conf"), Kind::Text);
        for hostile in [
            "hello/releases/tags/1.0.0-x.html",
            "v3/packages/hello/release/tags/1.0.0-x.svg",
            "hello/zipball/1.0.0-x.js",
        ] {
            assert_ne!(Kind::of(hostile), Kind::Html, "{hostile}");
            assert!(
                matches!(Kind::of(hostile), Kind::Json | Kind::Zip),
                "{hostile}"
            );
        }
    }
}
