//! `shelf watch`: keeping the site in step with changes made outside the API.
//!
//! A `git pull`, a merged pull request or a hand edit changes the index without going
//! through [`crate::registry::Registry`]; a template edit changes how pages look. The
//! watcher turns debounced file-system events into [`Change`]s with a pure function
//! ([`classify`]), and [`session`] applies them: only the packages whose files changed are
//! rebuilt (plus the registry-wide and history-derived files), `config.json` means a full
//! build, a moved `HEAD` is compared with the last one seen, and templates are reloaded.
//!
//! This module only reads the index (it never commits) and writes the site through the
//! registry; it owns no file of its own.

pub mod classify;
pub mod session;

pub use classify::{Change, Roots, Seen, classify};
pub use session::{Report, Session, run};
