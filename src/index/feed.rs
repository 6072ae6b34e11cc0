//! Placeholder: the change feed (`-/changes.json`), being written.

use crate::{
    index::{IndexConfig, IndexRepo},
    registry::{RegistryError, history::ScopedFiles},
};

/// The change feed's files.
///
/// # Errors
/// Git errors.
pub fn files(
    _index: &IndexRepo,
    _config: &IndexConfig,
    _full: bool,
) -> Result<ScopedFiles, RegistryError> {
    Ok(ScopedFiles {
        scope: Vec::new(),
        files: Vec::new(),
    })
}
