//! Caps on the free text a package carries, and cutting text to a cap: values every
//! protocol uses (a readme is cut; notes, descriptions and keywords over their cap are
//! refused; registry-wide documents clip what older records hold). index/README.md 2.5.

/// The longest readme kept in an index line, in bytes. Longer readmes are cut at a character
/// boundary (and `readme_truncated` is set) so that one package cannot make the index, which
/// every mirror clones, grow without bound. npm caps readmes at the same size.
pub const README_CAP: usize = 64 * 1024;

/// The longest release notes (`body`) a version may have, in bytes. Every version's notes
/// sit in the package's one file and in its release list, which are rewritten on each
/// publish, so unbounded notes made storage grow with the square of the versions.
pub const NOTES_CAP: usize = 64 * 1024;

/// The longest description, in bytes. It is copied into the registry-wide `-/search.json`
/// and the home page, so it is what bounds each package's share of them.
pub const DESCRIPTION_CAP: usize = 1024;

/// The longest home page URL or category, in bytes.
pub const SHORT_TEXT_CAP: usize = 2048;

/// Most entries in `tags` or `provider`.
pub const LIST_CAP: usize = 32;

/// The longest tag or provider, in bytes.
pub const LIST_ITEM_CAP: usize = 64;

/// The longest index line, in bytes: the readme and notes at their caps leave half of it for
/// the rest (the Serverless `Service`, `Commands`, `Properties`, `Parameters` and
/// `Dependencies` maps; an npm version's manifest). A package's file grows by at most this
/// much per version.
pub const LINE_CAP: usize = 256 * 1024;

/// A field of a release over its documented limit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FieldError {
    /// A text field is too long.
    #[error("{field} is {size} bytes, over the limit of {limit} bytes")]
    TooLong {
        /// The field, as publish.yaml or `POST /releases` name it.
        field: &'static str,
        /// Its size in bytes.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// A list has too many entries.
    #[error("{field} has {count} entries, over the limit of {limit}")]
    TooMany {
        /// The field.
        field: &'static str,
        /// How many entries it has.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// The whole line is too long (the publish.yaml maps, mostly).
    #[error(
        "the release's metadata is {size} bytes, over the limit of {limit} bytes for one \
         version (Service, Commands, Properties and Parameters count with the readme and notes)"
    )]
    LineTooLong {
        /// The line's size.
        size: usize,
        /// [`LINE_CAP`].
        limit: usize,
    },
}

/// The longest prefix of `text` of at most `cap` bytes that ends on a character boundary.
#[must_use]
pub fn clip(text: &str, cap: usize) -> &str {
    let mut end = cap.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// A readme cut to [`README_CAP`] bytes at a character boundary, and whether it was cut.
#[must_use]
pub fn cap_readme(text: &str) -> (String, bool) {
    let kept = clip(text, README_CAP);
    (kept.to_owned(), kept.len() < text.len())
}

/// Checks one text field against its cap.
///
/// # Errors
/// [`FieldError::TooLong`].
pub fn check_text(field: &'static str, value: &str, limit: usize) -> Result<(), FieldError> {
    if value.len() > limit {
        return Err(FieldError::TooLong {
            field,
            size: value.len(),
            limit,
        });
    }
    Ok(())
}

/// Checks a list field (`tags`, `provider`): at most [`LIST_CAP`] entries of at most
/// [`LIST_ITEM_CAP`] bytes.
///
/// # Errors
/// [`FieldError::TooMany`] or [`FieldError::TooLong`].
pub fn check_list(field: &'static str, values: &[String]) -> Result<(), FieldError> {
    if values.len() > LIST_CAP {
        return Err(FieldError::TooMany {
            field,
            count: values.len(),
            limit: LIST_CAP,
        });
    }
    values
        .iter()
        .try_for_each(|value| check_text(field, value, LIST_ITEM_CAP))
}
