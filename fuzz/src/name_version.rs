//! Names and versions (`PackageName::parse`, `Version::parse`): index/README.md 1.1 and 1.2.
//!
//! The input is text; when it holds a newline, the two halves are also checked as a pair, for
//! the ordering properties.

use std::cmp::Ordering;

use shelf::serverless::package::{NameError, PackageName, Version, version};

/// Checks every property below on `data`; panics when one fails.
pub fn check(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    check_name(text);
    check_version(text);
    if let Some((a, b)) = text.split_once('\n') {
        for part in [a, b] {
            check_name(part);
            check_version(part);
        }
        check_pair(a, b);
    }
}

/// The rule of index/README.md 1.1, written out independently of the parser:
/// `^[a-z][a-z0-9_-]{0,63}$`.
fn follows_name_rule(raw: &str) -> bool {
    let bytes = raw.as_bytes();
    (1..=64).contains(&bytes.len())
        && bytes[0].is_ascii_lowercase()
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-' || *b == b'_')
}

/// A name is accepted exactly when it follows the rule and is not reserved; an accepted name
/// is kept as given, and its canonical form is itself a valid name with the same canonical
/// form, so the index path computed from either spelling is the same.
fn check_name(raw: &str) {
    let rule = follows_name_rule(raw);
    match PackageName::parse(raw) {
        Ok(name) => {
            assert!(rule, "accepted {raw:?}, which breaks the naming rule");
            assert_eq!(name.as_str(), raw);
            assert_eq!(name.to_string(), raw);
            let canonical = name.canonical();
            assert!(!canonical.contains('_'), "{canonical:?}");
            let again = PackageName::parse(&canonical)
                .unwrap_or_else(|e| panic!("canonical {canonical:?} of {raw:?} refused: {e}"));
            assert_eq!(again.canonical(), canonical);
            // The other spelling is the same package, so it must be accepted too.
            let other = PackageName::parse(&raw.replace('-', "_"))
                .unwrap_or_else(|e| panic!("other spelling of {raw:?} refused: {e}"));
            assert_eq!(other.canonical(), canonical);
        }
        Err(NameError::Reserved(given)) => {
            assert!(rule, "{raw:?} reported reserved but breaks the rule");
            assert_eq!(given, raw);
            // Reserved in canonical form, so both spellings are reserved.
            for spelling in [raw.replace('_', "-"), raw.replace('-', "_")] {
                assert!(
                    matches!(PackageName::parse(&spelling), Err(NameError::Reserved(_))),
                    "{raw:?} is reserved but {spelling:?} is not"
                );
            }
        }
        Err(error) => assert!(!rule, "refused {raw:?}, which follows the rule: {error}"),
    }
}

/// An accepted version is written exactly as given (so URLs and index lines agree with what
/// the author typed), carries no build metadata, fits 64 bytes and parses again to an equal
/// version.
fn check_version(raw: &str) {
    let Ok(version) = Version::parse(raw) else {
        return;
    };
    let text = version.to_string();
    assert_eq!(text, raw, "version {raw:?} is written differently");
    assert!(text.len() <= 64, "{text:?}");
    assert!(!text.contains('+'), "build metadata kept in {text:?}");
    assert!(
        text.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-'),
        "{text:?} holds a character that needs escaping in a URL"
    );
    let again = Version::parse(&text).unwrap_or_else(|e| panic!("{text:?} refused: {e}"));
    assert_eq!(again, version);
    assert_eq!(again.cmp(&version), Ordering::Equal);
    assert_eq!(version.is_prerelease(), text.contains('-'), "{text:?}");
}

/// Equality and ordering agree, ordering is antisymmetric, and "latest" of two picks the
/// higher stable version when there is one.
fn check_pair(a: &str, b: &str) {
    let (Ok(va), Ok(vb)) = (Version::parse(a), Version::parse(b)) else {
        return;
    };
    assert_eq!(va == vb, va.cmp(&vb) == Ordering::Equal, "{a:?} vs {b:?}");
    assert_eq!(va.cmp(&vb), vb.cmp(&va).reverse(), "{a:?} vs {b:?}");
    assert_eq!(
        va == vb,
        a == b,
        "{a:?} vs {b:?}: equal versions, different text"
    );
    let latest = version::latest([(&va, false), (&vb, false)]).expect("two live versions");
    let stable: Vec<&Version> = [&va, &vb]
        .into_iter()
        .filter(|v| !v.is_prerelease())
        .collect();
    let highest = if va >= vb { &va } else { &vb };
    let want = stable.into_iter().max().unwrap_or(highest);
    assert_eq!(latest, want, "latest of {a:?} and {b:?}");
    assert!(version::latest([(&va, true), (&vb, true)]).is_none());
}
