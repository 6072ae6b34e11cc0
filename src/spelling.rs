//! How the file systems a package is unpacked on compare names: Windows (NTFS) and macOS
//! (APFS and HFS+, in their default case-insensitive form) take two spellings for one
//! name when they differ only in case or Unicode normalisation. Every protocol's archive
//! checks refuse two entries those systems would unpack to one file (the Serverless zip,
//! npm's tarball), through [`fold`].

use unicode_normalization::UnicodeNormalization as _;

/// `component` as case-insensitive, normalisation-insensitive file systems compare it,
/// appended to `out`.
///
/// NTFS compares names through its upcase table (a simple uppercase, one character to one);
/// APFS and HFS+, in their default case-insensitive form, ignore both case and Unicode
/// normalisation. Canonical composition (NFC) makes `café` one name whether it arrived
/// precomposed or as `e` plus a combining accent. Uppercasing each character and then
/// lowercasing it is close enough to both foldings: it merges what the upcase table merges,
/// including pairs a lowercase mapping alone keeps apart (`ς` and `σ`, `ı` and `i`, `ſ` and
/// `s`, `µ` and `μ`), and the few pairs it merges beyond that (`ß` and `ss`, `ﬁ` and `fi`)
/// Unicode's full case folding merges too; refusing such a pair in one package costs nobody
/// anything. Per character, because `str::to_lowercase` spells a final sigma by its
/// neighbours. Decomposing first keeps combining marks apart from their letters while the
/// case changes, as Unicode's canonical caseless match does.
pub fn fold_into(out: &mut String, component: &str) {
    // ASCII is its own normal form and folds to its lowercase; most names are ASCII, and
    // the Unicode iterators cost a microsecond a component in a debug build.
    if component.is_ascii() {
        out.extend(component.chars().map(|c| c.to_ascii_lowercase()));
    } else {
        out.extend(
            component
                .nfd()
                .flat_map(char::to_uppercase)
                .flat_map(char::to_lowercase)
                .nfc(),
        );
    }
}

/// [`fold_into`] a new string.
#[must_use]
pub fn fold(component: &str) -> String {
    let mut folded = String::with_capacity(component.len());
    fold_into(&mut folded, component);
    folded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_and_normalisation_fold_alike() {
        assert_eq!(fold("README.md"), fold("Readme.md"));
        assert_eq!(fold("caf\u{e9}.js"), fold("cafe\u{301}.js"));
        assert_eq!(fold("\u{3c2}"), fold("\u{3a3}"));
        assert_ne!(fold("a.js"), fold("b.js"));
    }
}
