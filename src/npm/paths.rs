//! What npm's files are: packuments (`npm/{name}`, a document that is also the folder of
//! the package's tarballs), tarballs (`npm/{name}/-/{basename}-{version}.tgz`), dist-tags
//! (`npm/-/package/{name}/dist-tags`) and the package's page (`npm/{name}/-/index.html`).
//! `{name}` is `@scope/name` for a scoped package: two path segments.

use super::docs::PREFIX;
use crate::output::{Class, Kind, PathRules};

/// npm's path rules.
pub struct NpmPaths;

/// The one instance, for registration.
pub static PATHS: NpmPaths = NpmPaths;

/// The package-name part of `rest` (the path after `npm/`) and what follows it, when it
/// starts with a package name: one segment, or two for `@scope/name`.
fn split_name(rest: &str) -> Option<(&str, &str)> {
    let segments = if rest.starts_with('@') { 2 } else { 1 };
    let mut end = 0;
    for n in 0..segments {
        let from = if n == 0 { 0 } else { end + 1 };
        let next = rest.get(from..)?.find('/').map_or(rest.len(), |i| from + i);
        if next == from {
            return None;
        }
        end = next;
    }
    let name = &rest[..end];
    // `-` is npm's folder of registry-wide endpoints, never a package.
    (!name.starts_with('-')).then(|| (name, &rest[end..]))
}

impl PathRules for NpmPaths {
    fn class_of(&self, logical: &str) -> Option<Class> {
        let rest = logical.strip_prefix(PREFIX)?.strip_prefix('/')?;
        if rest.starts_with("-/") {
            // `-/package/{name}/dist-tags`: JSON, changed by any publish or dist-tag.
            return Some(Class::revalidate(Kind::Json));
        }
        let (_, after) = split_name(rest)?;
        Some(match after {
            // The packument (also served as `…/index.json` in the dir layout).
            "" | "/index.json" => Class::revalidate(Kind::Json),
            "/-/" | "/-/index.html" => Class::revalidate(Kind::Html),
            // A version's tarball never changes: its number is never reused.
            tarball if tarball.starts_with("/-/") && tarball.ends_with(".tgz") => {
                Class::immutable(Kind::Binary)
            }
            // Anything else under a package is typed by position, never by a name an author
            // chose.
            _ => Class::revalidate(Kind::Json),
        })
    }

    fn is_folder_document(&self, logical: &str) -> bool {
        logical
            .strip_prefix(PREFIX)
            .and_then(|rest| rest.strip_prefix('/'))
            .and_then(split_name)
            .is_some_and(|(_, after)| after.is_empty())
    }
}

/// The key prefixes one package's files live under: its packument (an exact key in the
/// keys layout), the folder below it (tarballs, the page, the dir layout's `index.json`),
/// and its dist-tags.
#[must_use]
pub fn package_scope(name: &str) -> Vec<String> {
    vec![
        format!("{PREFIX}/{name}"),
        format!("{PREFIX}/{name}/"),
        format!("{PREFIX}/-/package/{name}/"),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::{Cache, Layout, RegistryPaths, Rules};

    static RULES: Rules = Rules::new(&[&PATHS, &RegistryPaths]);

    #[test]
    fn packuments_are_folder_documents_and_tarballs_are_immutable() {
        for (path, key) in [
            ("npm/express", "npm/express/index.json"),
            ("npm/@acme/widget", "npm/@acme/widget/index.json"),
            (
                "npm/express/-/express-1.0.0.tgz",
                "npm/express/-/express-1.0.0.tgz",
            ),
            (
                "npm/-/package/express/dist-tags",
                "npm/-/package/express/dist-tags",
            ),
        ] {
            assert_eq!(Layout::Dir.key(path, &RULES), key);
        }
        let class = RULES.class_of("npm/@acme/widget/-/widget-1.0.0.tgz");
        assert_eq!((class.kind, class.cache), (Kind::Binary, Cache::Immutable));
        assert_eq!(RULES.class_of("npm/express").kind, Kind::Json);
        assert_eq!(RULES.class_of("npm/express/index.json").kind, Kind::Json);
        assert_eq!(RULES.class_of("npm/express/-/index.html").kind, Kind::Html);
        assert_eq!(RULES.class_of("npm/express/readme.html").kind, Kind::Json);
        assert!(!RULES.is_folder_document("npm/-/package"));
        assert!(!RULES.is_folder_document("npm/@acme"));
    }
}
