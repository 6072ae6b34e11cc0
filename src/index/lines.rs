//! What every protocol's record file shares: a first line for the package (or repository),
//! then one line per version (or manifest), each a JSON object carrying its format version
//! `v`, read from the working tree. What the lines mean is the protocol's.

use std::path::Path;

use serde::{Serialize, de::DeserializeOwned};
use serde_json::Value;

use super::{IndexError, repo::read_file};

/// Why a record file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// The file has no line.
    #[error("the file has no first line")]
    Empty,
    /// A line is not JSON, or not the shape of its line.
    #[error("line {line} is not a valid index line")]
    Invalid {
        /// 1-based line number.
        line: usize,
        #[source]
        source: serde_json::Error,
    },
    /// Written by a newer Shelf.
    #[error("line {line} has format version {found}; this Shelf reads version {reads}")]
    Newer {
        /// 1-based line number.
        line: usize,
        /// The format found.
        found: u32,
        /// The newest this Shelf reads.
        reads: u32,
    },
}

/// Line `line` (1-based) of a file, refused when its `v` is newer than `format`.
fn parse_line<T: DeserializeOwned>(text: &str, line: usize, format: u32) -> Result<T, FileError> {
    let invalid = |source| FileError::Invalid { line, source };
    let value: Value = serde_json::from_str(text).map_err(invalid)?;
    let found = value.get("v").and_then(Value::as_u64).unwrap_or(0);
    if found > u64::from(format) {
        return Err(FileError::Newer {
            line,
            found: u32::try_from(found).unwrap_or(u32::MAX),
            reads: format,
        });
    }
    serde_json::from_value(value).map_err(invalid)
}

/// A record file's first line and the lines after it (blank lines skipped).
///
/// # Errors
/// [`FileError`] naming the first line that is not valid.
pub fn parse_file<H: DeserializeOwned, L: DeserializeOwned>(
    text: &str,
    format: u32,
) -> Result<(H, Vec<L>), FileError> {
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let (n, first) = lines.next().ok_or(FileError::Empty)?;
    let head = parse_line(first, n + 1, format)?;
    let rest = lines
        .map(|(n, line)| parse_line(line, n + 1, format))
        .collect::<Result<_, _>>()?;
    Ok((head, rest))
}

/// A record file's text: the first line, then each of `lines`, each ending in a newline.
#[must_use]
pub fn to_text<H: Serialize, L: Serialize>(head: &H, lines: &[L]) -> String {
    let mut text = String::new();
    // Lines are plain data; serialising them cannot fail.
    text.push_str(&serde_json::to_string(head).unwrap_or_default());
    text.push('\n');
    for line in lines {
        text.push_str(&serde_json::to_string(line).unwrap_or_default());
        text.push('\n');
    }
    text
}

/// The record file `rel` of the working tree at `root`, parsed by `parse`; `None` when
/// there is no such file.
///
/// # Errors
/// I/O errors, [`IndexError::Invalid`] for a file that is not UTF-8 or that `parse`
/// refuses.
pub fn read_record<T, E>(
    root: &Path,
    rel: &str,
    parse: impl FnOnce(&str) -> Result<T, E>,
) -> Result<Option<T>, IndexError>
where
    E: std::error::Error + Send + Sync + 'static,
{
    let Some(bytes) = read_file(root, rel)? else {
        return Ok(None);
    };
    let invalid = |source: Box<dyn std::error::Error + Send + Sync>| IndexError::Invalid {
        path: rel.to_owned(),
        source,
    };
    let text = String::from_utf8(bytes).map_err(|e| invalid(Box::new(e)))?;
    parse(&text).map(Some).map_err(|e| invalid(Box::new(e)))
}
