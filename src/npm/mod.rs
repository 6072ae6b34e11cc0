//! The npm protocol: `npm publish` through the API, `npm install` from static files.
//!
//! The model, below the registry: [`name`] decides which package names are valid and where
//! a package's index file lives; [`record`] is a package's file in the index (under `npm/`);
//! [`document`] splits a publish body into its document and its tarball as it streams;
//! [`tarball`] checks an uploaded `.tgz` before it is stored; [`docs`] and [`plan`] make
//! the files npm reads (packument, tarballs, dist-tags) and the package's page; [`paths`]
//! says what those files are; [`protocol`] is the registry's view of all that.
//!
//! Above the registry: [`ops`] are npm's changes (publish, dist-tag, deprecate, unpublish,
//! owners) on the one writer, and [`api`] the routes under `/npm/` that call them.

pub mod api;
pub mod docs;
pub mod document;
pub mod name;
pub mod ops;
pub mod paths;
pub mod plan;
pub mod protocol;
pub mod record;
pub mod tarball;

pub use protocol::{NAME, NPM};
