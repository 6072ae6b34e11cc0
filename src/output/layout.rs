//! Where a document lands: logical URL paths, physical keys, and content types.
//!
//! A site is described by logical paths: the exact URL path a client requests, without the
//! leading slash (`hello/releases`). Some are both a document and a folder
//! (`hello/releases/latest` lives below `hello/releases`; which ones is for the protocol that
//! owns them to say, [`super::class::PathRules`]); [`Layout`] decides how that is stored.

use super::class::Rules;

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

/// The file name the dir layout stores a document that is also a folder under.
pub const LIST_FILE: &str = "index.json";

impl Layout {
    /// The stored key of a logical path.
    #[must_use]
    pub fn key(self, logical: &str, rules: &Rules) -> String {
        match self {
            Layout::Dir if rules.is_folder_document(logical) => format!("{logical}/{LIST_FILE}"),
            Layout::Keys => rules
                .object_key(logical)
                .unwrap_or_else(|| logical.to_owned()),
            Layout::Dir => logical.to_owned(),
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
    /// A media type the file's own protocol names (an OCI manifest's, whose type is its
    /// content's, not its path's).
    Media(&'static str),
}

impl Kind {
    /// The kind a file name's extension says (`.html`, `.css`, …); JSON without one. Only
    /// for paths no protocol types by position (see [`super::class`]).
    #[must_use]
    pub fn by_extension(path: &str) -> Kind {
        let file = path.rsplit('/').next().unwrap_or_default();
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
            Kind::Media(media_type) => media_type,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::class::REGISTRY_ONLY;

    #[test]
    fn kinds_by_extension() {
        assert_eq!(Kind::by_extension("hello/index.html"), Kind::Html);
        assert_eq!(Kind::by_extension("-/assets/style.css"), Kind::Css);
        assert_eq!(Kind::by_extension("-/nginx.conf"), Kind::Text);
        assert_eq!(Kind::by_extension("-/search.json"), Kind::Json);
        assert_eq!(Kind::by_extension("a.b/latest"), Kind::Json);
    }

    #[test]
    fn keys_layout_keeps_paths() {
        assert_eq!(Layout::Keys.key("a/b", &REGISTRY_ONLY), "a/b");
        assert_eq!(Layout::Dir.key("a/b", &REGISTRY_ONLY), "a/b");
    }
}
