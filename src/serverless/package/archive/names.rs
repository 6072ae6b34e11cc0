//! Names that every file system a package is unpacked on can hold as written, one file per
//! name: the rules Windows and macOS add to the ones every system shares.
//!
//! Does a real package need any of these names? No. Windows cannot create a file called
//! `aux.js` or `nul`, nor one with `:` or `?` in its name, by any tool, so a package that
//! holds one already fails to install there (or, with `:`, writes an NTFS stream instead of
//! a file); the names that turn up in published packages are accidents, such as a `nul`
//! left by a shell redirect on Windows or a stray `Readme.md` beside `README.md` (where one
//! silently replaces the other, so which content a user gets depends on their system).
//! Refusing them at publish time names the entry while the author can still rename it, and
//! the package then installs the same on every system. This holds for `node_modules` packed
//! with `--include-node-modules` too: a dependency shipping such a name is as broken.

use super::{ArchiveError, Entry};

/// Characters Windows refuses in a file name (besides the control characters, refused for
/// every system, and `\` and `/`, which separate folders there).
pub(super) const FORBIDDEN: [char; 7] = ['<', '>', ':', '"', '|', '?', '*'];

/// Whether Windows takes `component` for a device rather than a file. It compares only the
/// part before the first dot, less trailing spaces, in any case: `con`, `Aux.txt`,
/// `nul.tar.gz` and `con .js` all name a device, and opening one never creates a file.
pub(super) fn is_reserved_device(component: &str) -> bool {
    let stem = component
        .split('.')
        .next()
        .unwrap_or_default()
        .trim_end_matches(' ')
        .to_ascii_uppercase();
    // CONIN$ and CONOUT$ open the console as CON does. COM0 and LPT0 are on Microsoft's list
    // of reserved names although no port has that number; the superscript digits are there
    // because Windows reads ¹ ² ³ as 1 2 3 in port names.
    match stem.as_str() {
        "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$" => true,
        _ => stem
            .strip_prefix("COM")
            .or_else(|| stem.strip_prefix("LPT"))
            .is_some_and(|port| {
                let mut chars = port.chars();
                matches!(
                    (chars.next(), chars.next()),
                    (Some('0'..='9' | '¹' | '²' | '³'), None)
                )
            }),
    }
}

/// Refuses two entries that Windows or macOS would unpack to one path: a file or folder
/// spelled two ways (`README.md` and `Readme.md`; `café` precomposed and decomposed;
/// `Docs/a` and `docs/b`), and one path that is both a file and a folder (`readme` and
/// `README/x`, or `pkg` and `pkg/x`), including folders that only appear inside paths.
///
/// Sorting the folded paths puts every folder's contents in one run, right after the
/// folder, so comparing neighbours finds every clash. A map from each folded prefix to its
/// first spelling finds them in one pass, but a zip of deep names (`a/a/a/…`, 32,000
/// components in one 64 KiB name) holds millions of distinct prefixes: hashing them costs
/// the square of a name's length, and storing them many times the zip's size. The sort
/// costs O(n log n) comparisons and memory proportional to the names.
pub(super) fn check_spellings(entries: &[Entry]) -> Result<(), ArchiveError> {
    let mut keys: Vec<(String, usize)> = entries
        .iter()
        .enumerate()
        .map(|(index, entry)| (sort_key(path_of(entry)), index))
        .collect();
    keys.sort_unstable();
    for pair in keys.windows(2) {
        let [(first_key, first_index), (second_key, second_index)] = pair else {
            continue;
        };
        let (first, second) = (&entries[*first_index], &entries[*second_index]);
        let (first_path, second_path) = (path_of(first), path_of(second));
        let shared = first_key
            .split('\0')
            .zip(second_key.split('\0'))
            .take_while(|(a, b)| a == b)
            .count();
        let spelled_alike = first_path
            .split('/')
            .zip(second_path.split('/'))
            .take(shared)
            .all(|(a, b)| a == b);
        if !spelled_alike {
            // The message blames the later entry, as a reader unpacking in order would meet it.
            let (name, other) = if first_index < second_index {
                (second, first)
            } else {
                (first, second)
            };
            return Err(ArchiveError::CaseOrNormalizationCollision {
                name: name.name.clone(),
                other: other.name.clone(),
            });
        }
        // Spelled alike: one path twice, or a file that another entry's path needs as a
        // folder, on every system. A folder's contents sort after it, so `first` is the
        // outer path.
        let is_file = !first.name.ends_with('/');
        if first_key == second_key || (is_file && shared == first_key.split('\0').count()) {
            return Err(ArchiveError::DuplicateName {
                name: first_path.to_owned(),
            });
        }
    }
    Ok(())
}

/// The entry's path without the slash that marks a folder entry.
fn path_of(entry: &Entry) -> &str {
    entry.name.strip_suffix('/').unwrap_or(&entry.name)
}

/// `path` folded component by component, joined by NUL rather than `/`: NUL sorts below
/// every character a checked name can hold, so `a/x` sorts right after `a` and before
/// `a.md`, keeping a folder's contents next to it.
fn sort_key(path: &str) -> String {
    let mut key = String::with_capacity(path.len());
    for (index, component) in path.split('/').enumerate() {
        if index > 0 {
            key.push('\0');
        }
        crate::spelling::fold_into(&mut key, component);
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spelling::fold;

    #[test]
    fn reserved_devices_are_matched_on_the_stem_in_any_case() {
        for name in [
            "con",
            "CON",
            "Con",
            "prn",
            "aux",
            "nul",
            "aux.txt",
            "nul.js",
            "nul.tar.gz",
            "con .txt",
            "com1",
            "COM9",
            "lpt1",
            "LPT9.log",
            "com0",
            "com¹",
            "LPT³.txt",
            "conin$",
            "CONOUT$.x",
        ] {
            assert!(is_reserved_device(name), "{name:?}");
        }
        for name in [
            "console",
            "con_",
            "acon",
            "nul1",
            "com",
            "com10",
            "lpt",
            "com⁴",
            "auxiliary.js",
            ".con",
            "x.con",
            "con-fig",
            "",
        ] {
            assert!(!is_reserved_device(name), "{name:?}");
        }
    }

    /// Names of 20,000 components, the shape that makes a map of every prefix quadratic.
    #[test]
    fn deep_paths_are_compared_to_the_last_component() {
        let entry = |name: String| Entry {
            name,
            size: 0,
            central_header_start: 0,
        };
        let deep = "a/".repeat(20_000);
        let mut entries: Vec<_> = (0..50).map(|i| entry(format!("{i}/{deep}x"))).collect();
        entries.push(entry(format!("7/{deep}")));
        check_spellings(&entries).expect("one spelling per path");
        entries.push(entry(format!("7/{}A/x", "a/".repeat(19_999))));
        let err = check_spellings(&entries).expect_err("the last folder spelled twice");
        assert!(
            matches!(&err, ArchiveError::CaseOrNormalizationCollision { name, other }
                if name.ends_with("A/x") && *other == format!("7/{deep}x")),
            "{}",
            err.to_string().chars().take(100).collect::<String>()
        );
    }

    #[test]
    fn folding_merges_case_and_normalisation() {
        let same = [
            ("README.md", "readme.md"),
            ("caf\u{e9}.txt", "cafe\u{301}.txt"),
            ("CAF\u{c9}", "cafe\u{301}"),
            ("\u{3c3}", "\u{3c2}"),
            ("\u{3a3}", "\u{3c2}"),
            ("file", "f\u{131}le"),
            ("\u{17f}", "s"),
            ("\u{b5}", "\u{3bc}"),
            ("\u{212a}", "k"),
        ];
        for (a, b) in same {
            assert_eq!(sort_key(a), sort_key(b), "{a:?} {b:?}");
            assert_eq!(fold(a), fold(b), "{a:?} {b:?}");
        }
        assert_ne!(fold("readme"), fold("readme "));
        assert_ne!(fold("cafe"), fold("caf\u{e9}"));
    }
}
