//! The output: where generated files land, and the one writer that puts them there.
//!
//! A file to write is a value ([`file::OutFile`]: a logical path and its bytes or a blob);
//! [`layout`] maps a logical path to a stored key and says what a file is ([`Kind`]: its
//! content type and, for object stores, its caching); [`writer`] is the only code that writes
//! output, through a [`Target`]. A target stores bytes under keys and knows how to tell an
//! unchanged file from a changed one in its own terms (bytes on disk, object digests), so
//! that a rebuild writes nothing that did not change. [`dir::DirTarget`] is a directory;
//! [`memory::MemoryTarget`] keeps keys in memory for tests of the keys layout;
//! [`s3::S3Target`] is a bucket (`--target s3://…`). [`purge`] tells a CDN what changed after
//! each write.
//!
//! The writer hands targets whole batches ([`Target::list_stamped`] once per scope, then
//! [`Target::put_many`] and [`Target::remove_many`]) so that a remote target can compare
//! against one listing and upload concurrently; the one-key methods stay for simple callers.
//! Nothing here decides *what* is written (the plans of the site and the history do) or
//! reads the index.

pub mod class;
pub mod dir;
pub mod file;
pub mod layout;
pub mod memory;
pub mod purge;
pub mod s3;
pub mod target;
pub mod writer;

pub use class::{Cache, Class, PathRules, RegistryPaths, Rules};
pub use dir::DirTarget;
pub use file::{Content, OutFile};
pub use layout::{Kind, Layout};
pub use memory::MemoryTarget;
pub use s3::S3Target;
pub use target::{Body, Listing, Outcome, Put, Stamp, Target, in_scope, is_folder, open_remote};
