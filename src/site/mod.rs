//! The static site: which files a change touches, and what they contain.
//!
//! [`docs`] makes the JSON documents, [`render`] the HTML pages, [`assets`] the shipped CSS,
//! JS and icons; [`plan`] lists every file a package or the registry as a whole produces,
//! which [`crate::output`]'s one writer puts on a target. Nothing here reads git or the blob
//! store directly: callers hand in records and paths.

pub mod assets;
pub mod docs;
pub mod nginx;
pub mod plan;
pub mod protocol;
pub mod render;
