//! What every protocol's record file shares: JSON lines, each carrying its format version
//! `v`, read from the working tree. What the lines mean is the protocol's.

use std::path::Path;

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::{IndexError, repo::read_file};

/// Why one line could not be read.
#[derive(Debug, thiserror::Error)]
pub enum LineError {
    /// Not JSON, or not the shape of its line.
    #[error(transparent)]
    Invalid(#[from] serde_json::Error),
    /// Written by a newer Shelf.
    #[error("format version {found}; this Shelf reads version {reads}")]
    Newer {
        /// The format found.
        found: u32,
        /// The newest this Shelf reads.
        reads: u32,
    },
}

/// One line, refused when its `v` is newer than `format`.
///
/// # Errors
/// [`LineError`].
pub fn parse_line<T: DeserializeOwned>(text: &str, format: u32) -> Result<T, LineError> {
    let value: Value = serde_json::from_str(text)?;
    let found = value.get("v").and_then(Value::as_u64).unwrap_or(0);
    if found > u64::from(format) {
        return Err(LineError::Newer {
            found: u32::try_from(found).unwrap_or(u32::MAX),
            reads: format,
        });
    }
    Ok(serde_json::from_value(value)?)
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
