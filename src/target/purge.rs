//! Placeholder: CDN purge hooks, being written.

use crate::registry::Options;

/// The configured purge hooks.
pub struct Purge;

impl Purge {
    /// The hooks the options ask for, if any.
    #[must_use]
    pub fn from_options(_options: &Options) -> Option<Self> {
        None
    }

    /// Tells the hooks which paths changed.
    pub fn notify(&self, _paths: &[&str]) {}
}
