//! Placeholder: the index as a dumb-HTTP git repository (`-/index.git/`), being written.

use std::path::Path;

use crate::{
    index::IndexRepo,
    registry::{RegistryError, history::ScopedFiles},
};

/// The exported repository's files.
///
/// # Errors
/// Git and I/O errors.
pub fn files(_index: &IndexRepo, _data: &Path, _full: bool) -> Result<ScopedFiles, RegistryError> {
    Ok(ScopedFiles {
        scope: Vec::new(),
        files: Vec::new(),
    })
}
