//! npm package names: the rules a *new* package's name must follow, and where the package's
//! index file lives.
//!
//! [`NpmName::parse`] ports `validate-npm-package-name` (v5/v6) as npm applies it to new
//! packages (`validForNewPackages`: no errors *and* no warnings), checked in the order that
//! package checks them so the first problem npm would name is the one reported:
//!
//! 1. not empty;
//! 2. no leading `.` and no leading `_`;
//! 3. no leading or trailing white space;
//! 4. not a reserved name ([`RESERVED_NAMES`], compared in lower case);
//! 5. not the name of a Node.js core module ([`CORE_MODULES`], compared in lower case);
//! 6. at most [`MAX_NAME_LENGTH`] characters (UTF-16 code units, as JavaScript counts);
//! 7. no capital letters;
//! 8. none of the "special characters" `~'!()*`;
//! 9. URL-friendly: the name, or for `@scope/name` each of its two parts, is unchanged by
//!    `encodeURIComponent`, which leaves only `A-Z a-z 0-9 - _ . ! ~ * ' ( )` alone.
//!
//! After rules 7 and 8, a valid name holds only `a-z 0-9 - _ .`, plus the `@` and the one `/`
//! of a scoped name, so it is ASCII and safe in a URL path and a file name.
//!
//! Where npm's validator is looser than its registry, Shelf follows the registry, because the
//! name becomes folder and file names in the index (see [`shard_path`]):
//! - npm checks the special characters only in the part after the `/`; Shelf checks the scope
//!   too (npm's registry only has scopes that are user or organisation names, and `*` is not a
//!   valid file name on Windows);
//! - npm checks the leading `.` only at the start of the whole name, so it accepts `@./x`,
//!   `@../x` and `@scope/..`; Shelf refuses a leading `.` in either part of a scoped name,
//!   which would otherwise climb out of the index folder. A leading `_` stays allowed there,
//!   as npm allows it.
//! - npm's validator accepts a leading `-` (`-foo`, `-`), which its registry refuses for new
//!   packages; Shelf refuses it too, because `npm/-/` is the folder of npm's endpoints
//!   (`-/v1/search`, `-/user/…`), and a package `-foo` would share a first segment's shape
//!   with them (issue 23: such a publish once stopped the registry).
//! - npm gives "name can only contain URL-friendly characters" for every malformed scoped
//!   name; Shelf says which part is wrong.

use std::fmt;
use std::str::FromStr;

/// The longest name npm accepts for a new package, in characters (UTF-16 code units).
pub const MAX_NAME_LENGTH: usize = 214;

/// Names npm refuses outright (its "blacklist"), compared in lower case.
pub const RESERVED_NAMES: &[&str] = &["node_modules", "favicon.ico"];

/// The Node.js core modules (`require('module').builtinModules`, without the `_`-prefixed
/// internals, which rule 2 refuses anyway, and the `a/b` forms, which are not valid unscoped
/// names). A package by one of these names would be shadowed by the core module; npm refuses
/// them for new packages.
pub const CORE_MODULES: &[&str] = &[
    "assert",
    "async_hooks",
    "buffer",
    "child_process",
    "cluster",
    "console",
    "constants",
    "crypto",
    "dgram",
    "diagnostics_channel",
    "dns",
    "domain",
    "events",
    "fs",
    "http",
    "http2",
    "https",
    "inspector",
    "module",
    "net",
    "os",
    "path",
    "perf_hooks",
    "process",
    "punycode",
    "querystring",
    "readline",
    "repl",
    "stream",
    "string_decoder",
    "sys",
    "timers",
    "tls",
    "trace_events",
    "tty",
    "url",
    "util",
    "v8",
    "vm",
    "wasi",
    "worker_threads",
    "zlib",
];

/// The characters npm no longer allows in new names, though `encodeURIComponent` keeps them.
const SPECIAL_CHARACTERS: &[char] = &['~', '\'', '!', '(', ')', '*'];

/// Why a name is not a valid name for a new npm package. The messages follow npm's own.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NpmNameError {
    /// The name is the empty string.
    #[error("name length must be greater than zero")]
    Empty,
    /// The name starts with `.`.
    #[error("name cannot start with a period")]
    LeadingPeriod,
    /// The name starts with `_`.
    #[error("name cannot start with an underscore")]
    LeadingUnderscore,
    /// The name starts with `-` (Shelf follows npm's registry; module documentation).
    #[error("name cannot start with a hyphen")]
    LeadingHyphen,
    /// The name starts or ends with white space.
    #[error("name cannot contain leading or trailing spaces")]
    LeadingOrTrailingSpaces,
    /// The name is one of [`RESERVED_NAMES`].
    #[error("{name} is a blacklisted name")]
    Reserved {
        /// The reserved name, in lower case.
        name: String,
    },
    /// The name is one of [`CORE_MODULES`].
    #[error("{name} is a core module name")]
    CoreModule {
        /// The core module's name.
        name: String,
    },
    /// The name is longer than [`MAX_NAME_LENGTH`].
    #[error("name can no longer contain more than 214 characters (this one has {length})")]
    TooLong {
        /// The name's length in UTF-16 code units.
        length: usize,
    },
    /// The name has an upper-case letter.
    #[error("name can no longer contain capital letters")]
    Capitals,
    /// The name has one of `~'!()*`.
    #[error("name can no longer contain special characters (\"~'!()*\"); it has {character:?}")]
    SpecialCharacter {
        /// The first special character found.
        character: char,
    },
    /// The name has a character `encodeURIComponent` would escape.
    #[error("name can only contain URL-friendly characters; {character:?} is not one")]
    NotUrlFriendly {
        /// The first such character.
        character: char,
    },
    /// An unscoped name with a `/`.
    #[error("name can only contain a slash as a scoped name, @scope/name")]
    SlashWithoutScope,
    /// `@scope` with no `/name` after it.
    #[error("scoped name {name:?} has no package name after the scope: it must be @scope/name")]
    ScopeWithoutName {
        /// The whole name.
        name: String,
    },
    /// `@/name`.
    #[error("the scope of a scoped name cannot be empty (@/name)")]
    EmptyScope,
    /// `@scope/`.
    #[error("the package name after the scope cannot be empty (@scope/)")]
    EmptyScopedName,
    /// `@a/b/c`.
    #[error("a scoped name has exactly one slash, between scope and name (@scope/name)")]
    TooManySlashes,
    /// `@.x/y` or `@x/.y` (Shelf's rule; see the module documentation).
    #[error("the {part:?} part of a scoped name cannot start with a period")]
    PartLeadingPeriod {
        /// The scope (without `@`) or the name after the `/`.
        part: String,
    },
}

/// A valid name for a new npm package, such as `express` or `@acme/widget`.
///
/// Only [`NpmName::parse`] (and [`NpmName::from_url_segment`], [`FromStr`]) make one, so
/// holding one means the name passed every rule of the module documentation: it is ASCII,
/// lower case, and every character is one of `a-z 0-9 - _ .`, plus `@` and `/` in a scoped
/// name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NpmName {
    name: String,
    /// The byte index of the `/` of a scoped name.
    slash: Option<usize>,
}

impl NpmName {
    /// Checks `name` against npm's rules for new packages.
    ///
    /// # Errors
    /// The first rule the name breaks, in the order of the module documentation.
    pub fn parse(name: &str) -> Result<NpmName, NpmNameError> {
        if name.is_empty() {
            return Err(NpmNameError::Empty);
        }
        if name.starts_with('.') {
            return Err(NpmNameError::LeadingPeriod);
        }
        if name.starts_with('_') {
            return Err(NpmNameError::LeadingUnderscore);
        }
        if name.starts_with('-') {
            return Err(NpmNameError::LeadingHyphen);
        }
        // JavaScript's trim() removes Unicode white space and the BOM.
        let is_space = |c: char| c.is_whitespace() || c == '\u{feff}';
        if name.trim_matches(is_space) != name {
            return Err(NpmNameError::LeadingOrTrailingSpaces);
        }
        let lower = name.to_lowercase();
        if let Some(reserved) = RESERVED_NAMES.iter().find(|r| **r == lower) {
            return Err(NpmNameError::Reserved {
                name: (*reserved).to_owned(),
            });
        }
        if let Some(core) = CORE_MODULES.iter().find(|c| **c == lower) {
            return Err(NpmNameError::CoreModule {
                name: (*core).to_owned(),
            });
        }
        let length = name.encode_utf16().count();
        if length > MAX_NAME_LENGTH {
            return Err(NpmNameError::TooLong { length });
        }
        if lower != name {
            return Err(NpmNameError::Capitals);
        }
        if let Some(character) = name.chars().find(|c| SPECIAL_CHARACTERS.contains(c)) {
            return Err(NpmNameError::SpecialCharacter { character });
        }
        let slash = match name.strip_prefix('@') {
            Some(rest) => Some(check_scoped(name, rest)? + 1),
            None => {
                if name.contains('/') {
                    return Err(NpmNameError::SlashWithoutScope);
                }
                check_url_friendly(name)?;
                None
            }
        };
        Ok(NpmName {
            name: name.to_owned(),
            slash,
        })
    }

    /// Parses a name as it appears in a URL path: `@scope%2fname`, `@scope%2Fname`,
    /// `%40scope%2fname` or `@scope/name`, or an unscoped name as it is.
    ///
    /// Only `%2f`/`%2F` (`/`) and `%40` (`@`) are decoded, in one pass; any other `%` stays and
    /// is refused by [`NpmName::parse`], so nothing is decoded twice.
    ///
    /// # Errors
    /// As [`NpmName::parse`], on the decoded name.
    pub fn from_url_segment(segment: &str) -> Result<NpmName, NpmNameError> {
        let mut decoded = String::with_capacity(segment.len());
        let mut rest = segment;
        while let Some(percent) = rest.find('%') {
            decoded.push_str(&rest[..percent]);
            let escape = rest.get(percent..percent + 3);
            let replacement = match escape {
                Some("%2f" | "%2F") => Some('/'),
                Some("%40") => Some('@'),
                _ => None,
            };
            match replacement {
                Some(character) => {
                    decoded.push(character);
                    rest = &rest[percent + 3..];
                }
                None => {
                    decoded.push('%');
                    rest = &rest[percent + 1..];
                }
            }
        }
        decoded.push_str(rest);
        NpmName::parse(&decoded)
    }

    /// The whole name, such as `express` or `@acme/widget`.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.name
    }

    /// The scope of a scoped name *with* its `@`, as npm writes it (`@acme` for
    /// `@acme/widget`); `None` for an unscoped name.
    #[must_use]
    pub fn scope(&self) -> Option<&str> {
        self.slash.and_then(|slash| self.name.get(..slash))
    }

    /// The name without its scope: `widget` for `@acme/widget`, the whole name for an
    /// unscoped one. npm names tarballs `{basename}-{version}.tgz`.
    #[must_use]
    pub fn basename(&self) -> &str {
        self.slash
            .and_then(|slash| self.name.get(slash + 1..))
            .unwrap_or(&self.name)
    }
}

/// Checks the part of a scoped name after its `@` and returns the index of its `/` in it.
fn check_scoped(name: &str, rest: &str) -> Result<usize, NpmNameError> {
    let Some((scope, basename)) = rest.split_once('/') else {
        return Err(NpmNameError::ScopeWithoutName {
            name: name.to_owned(),
        });
    };
    if basename.contains('/') {
        return Err(NpmNameError::TooManySlashes);
    }
    if scope.is_empty() {
        return Err(NpmNameError::EmptyScope);
    }
    if basename.is_empty() {
        return Err(NpmNameError::EmptyScopedName);
    }
    check_url_friendly(scope)?;
    check_url_friendly(basename)?;
    // Stops `@../x` and `@scope/..`, which npm's validator lets through: the scope is a folder
    // of the index and the name a file in it, so `..` would climb out of it (and `.x` would
    // be a hidden file).
    for part in [scope, basename] {
        if part.starts_with('.') {
            return Err(NpmNameError::PartLeadingPeriod {
                part: part.to_owned(),
            });
        }
    }
    Ok(scope.len())
}

/// `encodeURIComponent(part) === part`: only `A-Z a-z 0-9 - _ . ! ~ * ' ( )`.
fn check_url_friendly(part: &str) -> Result<(), NpmNameError> {
    let friendly = |c: char| {
        c.is_ascii_alphanumeric()
            || matches!(c, '-' | '_' | '.' | '!' | '~' | '*' | '\'' | '(' | ')')
    };
    match part.chars().find(|c| !friendly(*c)) {
        Some(character) => Err(NpmNameError::NotUrlFriendly { character }),
        None => Ok(()),
    }
}

impl fmt::Display for NpmName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

impl AsRef<str> for NpmName {
    fn as_ref(&self) -> &str {
        &self.name
    }
}

impl FromStr for NpmName {
    type Err = NpmNameError;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        NpmName::parse(name)
    }
}

/// Where the package's index file lives, relative to the index's `npm/` folder.
///
/// Unscoped names are sharded as crates.io shards crate names, so that no folder holds more
/// than a few thousand entries:
///
/// | name         | path                  |
/// | ------------ | --------------------- |
/// | `a`          | `1/a`                 |
/// | `ab`         | `2/ab`                |
/// | `abc`        | `3/a/abc`             |
/// | `express`    | `ex/pr/express`       |
/// | `lodash.merge` | `lo/da/lodash.merge` |
///
/// A scoped name goes under a folder named after its scope, `@` included, holding the same
/// sharding of the name after the `/`: `@acme/widget` → `@acme/wi/dg/widget`, `@acme/a` →
/// `@acme/1/a`. Scope folders start with `@`, which no unscoped name or shard does, so the two
/// never meet.
///
/// One departure from crates.io, whose names have no `.`: a `.` in a *shard folder* is
/// written `_` (`ab..cd` → `ab/__/ab..cd`), so that no shard is the folder `..` and none ends
/// in a dot that Windows would strip. The file itself keeps the full name, so two names never
/// share a file. Names are ASCII (see [`NpmName`]), so the slicing below is by character; it
/// still cannot panic.
#[must_use]
pub fn shard_path(name: &NpmName) -> String {
    let basename = name.basename();
    let shards = shard(basename);
    match name.scope() {
        Some(scope) => format!("{scope}/{shards}"),
        None => shards,
    }
}

/// The crates.io-style sharding of one name (see [`shard_path`]).
fn shard(name: &str) -> String {
    let folder = |range: std::ops::Range<usize>| -> String {
        name.get(range)
            .unwrap_or_default()
            .chars()
            .map(|c| if c == '.' { '_' } else { c })
            .collect()
    };
    match name.len() {
        0..=2 => format!("{}/{name}", name.len()),
        3 => format!("3/{}/{name}", folder(0..1)),
        _ => format!("{}/{}/{name}", folder(0..2), folder(2..4)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn long(length: usize) -> String {
        "a".repeat(length)
    }

    #[test]
    fn valid_names_parse() {
        for name in [
            "express",
            "@acme/widget",
            "a",
            "lodash.merge",
            "left-pad",
            "under_score",
            "da-sh-",
            "@acme/-dash",
            "1234",
            "@types/node",
            "@acme/_private",
            "@a/b",
            "test",
            "http-proxy",
            "fsevents",
        ] {
            let parsed = NpmName::parse(name);
            assert!(parsed.is_ok(), "{name}: {parsed:?}");
            assert_eq!(parsed.map(|n| n.to_string()).ok().as_deref(), Some(name));
        }
        assert!(NpmName::parse(&long(214)).is_ok());
        // 214 including the scope.
        assert!(NpmName::parse(&format!("@s/{}", long(211))).is_ok());
    }

    #[test]
    fn invalid_names_name_their_problem() {
        use NpmNameError as E;
        let cases: Vec<(String, NpmNameError)> = vec![
            ("".into(), E::Empty),
            ("UPPER".into(), E::Capitals),
            ("Express".into(), E::Capitals),
            ("@Acme/widget".into(), E::Capitals),
            (".hidden".into(), E::LeadingPeriod),
            (".".into(), E::LeadingPeriod),
            ("..".into(), E::LeadingPeriod),
            ("_x".into(), E::LeadingUnderscore),
            ("-dash".into(), E::LeadingHyphen),
            ("-".into(), E::LeadingHyphen),
            ("-foo".into(), E::LeadingHyphen),
            (" x".into(), E::LeadingOrTrailingSpaces),
            ("x ".into(), E::LeadingOrTrailingSpaces),
            ("x\n".into(), E::LeadingOrTrailingSpaces),
            (
                "@acme".into(),
                E::ScopeWithoutName {
                    name: "@acme".into(),
                },
            ),
            ("@acme/".into(), E::EmptyScopedName),
            ("@/x".into(), E::EmptyScope),
            ("@".into(), E::ScopeWithoutName { name: "@".into() }),
            ("a/b".into(), E::SlashWithoutScope),
            ("@a/b/c".into(), E::TooManySlashes),
            ("@a//c".into(), E::TooManySlashes),
            (
                "http".into(),
                E::CoreModule {
                    name: "http".into(),
                },
            ),
            ("fs".into(), E::CoreModule { name: "fs".into() }),
            (
                "HTTP".into(),
                E::CoreModule {
                    name: "http".into(),
                },
            ),
            (
                "worker_threads".into(),
                E::CoreModule {
                    name: "worker_threads".into(),
                },
            ),
            (
                "node_modules".into(),
                E::Reserved {
                    name: "node_modules".into(),
                },
            ),
            (
                "favicon.ico".into(),
                E::Reserved {
                    name: "favicon.ico".into(),
                },
            ),
            (
                "Node_Modules".into(),
                E::Reserved {
                    name: "node_modules".into(),
                },
            ),
            ("café".into(), E::NotUrlFriendly { character: 'é' }),
            ("with space".into(), E::NotUrlFriendly { character: ' ' }),
            ("a@b".into(), E::NotUrlFriendly { character: '@' }),
            ("a%2fb".into(), E::NotUrlFriendly { character: '%' }),
            ("a:b".into(), E::NotUrlFriendly { character: ':' }),
            ("a\\b".into(), E::NotUrlFriendly { character: '\\' }),
            ("@ac me/x".into(), E::NotUrlFriendly { character: ' ' }),
            ("@acme/wid get".into(), E::NotUrlFriendly { character: ' ' }),
            ("x!".into(), E::SpecialCharacter { character: '!' }),
            ("x~y".into(), E::SpecialCharacter { character: '~' }),
            ("it's".into(), E::SpecialCharacter { character: '\'' }),
            ("f(x)".into(), E::SpecialCharacter { character: '(' }),
            ("a*".into(), E::SpecialCharacter { character: '*' }),
            ("@sc*pe/x".into(), E::SpecialCharacter { character: '*' }),
            ("@../x".into(), E::PartLeadingPeriod { part: "..".into() }),
            ("@./x".into(), E::PartLeadingPeriod { part: ".".into() }),
            (
                "@acme/..".into(),
                E::PartLeadingPeriod { part: "..".into() },
            ),
            (
                "@acme/.x".into(),
                E::PartLeadingPeriod { part: ".x".into() },
            ),
            (long(215), E::TooLong { length: 215 }),
            (format!("@s/{}", long(212)), E::TooLong { length: 215 }),
        ];
        for (name, expected) in cases {
            assert_eq!(NpmName::parse(&name), Err(expected), "{name:?}");
        }
    }

    #[test]
    fn messages_say_what_is_wrong() {
        let message = |name: &str| NpmName::parse(name).err().map(|e| e.to_string());
        assert_eq!(
            message("UPPER").as_deref(),
            Some("name can no longer contain capital letters")
        );
        assert_eq!(
            message("http").as_deref(),
            Some("http is a core module name")
        );
        assert_eq!(
            message("café").as_deref(),
            Some("name can only contain URL-friendly characters; 'é' is not one")
        );
        assert_eq!(
            message(&long(215)).as_deref(),
            Some("name can no longer contain more than 214 characters (this one has 215)")
        );
    }

    #[test]
    fn parts_of_names() {
        let scoped = NpmName::parse("@acme/widget").ok();
        assert_eq!(scoped.as_ref().and_then(NpmName::scope), Some("@acme"));
        assert_eq!(scoped.as_ref().map(NpmName::basename), Some("widget"));
        assert_eq!(scoped.as_ref().map(NpmName::as_str), Some("@acme/widget"));
        let plain = NpmName::parse("express").ok();
        assert_eq!(plain.as_ref().and_then(NpmName::scope), None);
        assert_eq!(plain.as_ref().map(NpmName::basename), Some("express"));
        assert_eq!(
            "left-pad".parse::<NpmName>().map(|n| n.to_string()),
            Ok("left-pad".into())
        );
    }

    #[test]
    fn url_segments_decode_the_scope_slash_only() {
        let decoded = |segment: &str| NpmName::from_url_segment(segment).map(|n| n.to_string());
        for segment in [
            "@acme%2fwidget",
            "@acme%2Fwidget",
            "@acme/widget",
            "%40acme%2fwidget",
            "%40acme/widget",
        ] {
            assert_eq!(decoded(segment), Ok("@acme/widget".into()), "{segment}");
        }
        assert_eq!(decoded("express"), Ok("express".into()));
        // No second decoding: `%252f` is `%2f` in the URL, and stays a literal `%`.
        assert_eq!(
            decoded("@acme%252fwidget"),
            Err(NpmNameError::ScopeWithoutName {
                name: "@acme%252fwidget".into()
            })
        );
        assert_eq!(
            decoded("a%20b"),
            Err(NpmNameError::NotUrlFriendly { character: '%' })
        );
        assert_eq!(
            decoded("abc%"),
            Err(NpmNameError::NotUrlFriendly { character: '%' })
        );
        assert_eq!(
            decoded("abc%2"),
            Err(NpmNameError::NotUrlFriendly { character: '%' })
        );
        // Multi-byte text after a `%` is not sliced in half.
        assert_eq!(
            decoded("a%é"),
            Err(NpmNameError::NotUrlFriendly { character: '%' })
        );
        assert_eq!(decoded("@acme%2fUPPER"), Err(NpmNameError::Capitals));
        assert_eq!(decoded("a%2fb"), Err(NpmNameError::SlashWithoutScope));
        assert_eq!(decoded("@a%2fb%2fc"), Err(NpmNameError::TooManySlashes));
    }

    #[test]
    fn shard_paths() {
        let path = |name: &str| NpmName::parse(name).map(|n| shard_path(&n));
        let cases = [
            ("a", "1/a"),
            ("ab", "2/ab"),
            ("abc", "3/a/abc"),
            ("abcd", "ab/cd/abcd"),
            ("express", "ex/pr/express"),
            ("lodash.merge", "lo/da/lodash.merge"),
            ("ab..cd", "ab/__/ab..cd"),
            ("a.b", "3/a/a.b"),
            ("ab.c", "ab/_c/ab.c"),
            ("@acme/widget", "@acme/wi/dg/widget"),
            ("@acme/a", "@acme/1/a"),
            ("@acme/ab", "@acme/2/ab"),
            ("@acme/abc", "@acme/3/a/abc"),
            ("@acme/_x", "@acme/2/_x"),
        ];
        for (name, expected) in cases {
            assert_eq!(path(name), Ok(expected.to_owned()), "{name}");
        }
    }

    #[test]
    fn no_shard_climbs_out() {
        // Every component of every shard path of a sample of awkward names is a plain name.
        for name in ["ab..", "a..b", "x-..-", "@a/b..c", "@a-b/x.y.z", "a_.b"] {
            let Ok(parsed) = NpmName::parse(name) else {
                panic!("{name} should be valid");
            };
            let path = shard_path(&parsed);
            for part in path.split('/') {
                assert!(
                    !part.is_empty() && part != "." && part != "..",
                    "{name}: {path}"
                );
            }
        }
    }

    #[test]
    fn shard_never_panics_on_raw_text() {
        // `shard` is private and only sees valid names, but it must not panic on any text.
        for text in ["", "é", "éé", "aé", "日本語", "ab日本"] {
            let _ = shard(text);
        }
    }
}
