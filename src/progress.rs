//! Progress of long work (a full build, a first export of the index, a check, a garbage
//! collection, a mirror): the code doing the work reports stages and counts through
//! [`Progress`]; how they are shown is the command line's business (a bar on a terminal,
//! a few plain lines elsewhere, nothing with `--quiet`), and the server shows nothing.
//!
//! Reporting is cheap (a call with a few numbers, which a drawer rate-limits), so the work
//! reports per item and never decides how often to draw.

use std::sync::Arc;

/// Where a stage is: absolute counts, `done` since the stage began, the files and bytes
/// since the work (one sync of a target, say) began.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Items done (packages, objects, blobs…: the unit the stage named).
    pub done: u64,
    /// Files planned so far.
    pub files: u64,
    /// Files written (or removed) so far: what differed.
    pub written: u64,
    /// Bytes planned or read so far.
    pub bytes: u64,
}

/// Told of the stages of long work and how far each is.
pub trait Progress: Send + Sync {
    /// A stage begins (and the previous one, if any, ended): what it does, the unit it
    /// counts, and how many it will take when that is known.
    fn stage(&self, name: &str, unit: &'static str, total: Option<u64>);

    /// How far the current stage is.
    fn tally(&self, tally: Tally);
}

/// Shows nothing: the server's, the tests', and `--quiet`'s.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Progress for Silent {
    fn stage(&self, _: &str, _: &'static str, _: Option<u64>) {}

    fn tally(&self, _: Tally) {}
}

/// A shared [`Progress`].
pub type Reporter = Arc<dyn Progress>;

/// A reporter that shows nothing.
#[must_use]
pub fn silent() -> Reporter {
    Arc::new(Silent)
}
