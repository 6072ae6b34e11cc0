//! The static site: which files a change touches, what they contain, and the one writer
//! that puts them on a target.
//!
//! [`docs`] makes the JSON documents, [`render`] the HTML pages, [`assets`] the shipped CSS,
//! JS and icons; [`plan`] lists every file a package or the registry as a whole produces;
//! [`writer`] is the only code that writes output, through a [`crate::target::Target`].
//! Nothing here reads git or the blob store directly: callers hand in records and paths.

pub mod assets;
pub mod docs;
pub mod layout;
pub mod nginx;
pub mod plan;
pub mod render;
pub mod writer;

pub use layout::{Kind, Layout};
