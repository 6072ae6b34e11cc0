//! Placeholder: pushing the index to a remote after each commit, being written.

use std::path::Path;

/// Pushes the index to a remote.
pub struct RemotePusher;

impl RemotePusher {
    /// A pusher of the repository at `index` to `url`.
    #[must_use]
    pub fn new(_index: &Path, _url: &str) -> Self {
        RemotePusher
    }

    /// Pushes (placeholder: does nothing yet).
    pub fn push(&self) {}
}
