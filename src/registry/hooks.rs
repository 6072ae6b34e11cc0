//! What runs after each write of the site: a CDN purge with the changed paths, and pushing
//! the index to a remote. Neither can undo or fail a write that already happened: their
//! failures are retried and reported.

use super::Options;
use crate::{index::remote::RemotePusher, output::purge::Purge, output::writer::SyncStats};

/// The configured hooks.
pub struct Hooks {
    purge: Option<Purge>,
    remote: Option<RemotePusher>,
}

impl Hooks {
    /// The hooks the options ask for.
    #[must_use]
    pub fn from_options(options: &Options) -> Self {
        Hooks {
            purge: Purge::new(
                options.purge_url.clone(),
                options.purge_command.clone(),
                crate::protocols::RULES,
            )
            .map(|purge| purge.with_token(options.purge_token.clone())),
            remote: options
                .index_remote
                .as_deref()
                .map(|url| RemotePusher::new(&options.data.join("index"), url)),
        }
    }

    /// Runs after a write that changed `stats`.
    pub fn after_write(&self, stats: &SyncStats) {
        if let Some(purge) = &self.purge {
            let changed = stats.changed();
            if !changed.is_empty() {
                purge.notify(&changed);
            }
        }
        if let Some(remote) = &self.remote {
            remote.push();
        }
    }
}
