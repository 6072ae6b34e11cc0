//! The git-backed index: the registry's source of truth and its audit trail.
//!
//! One file per package at a crates.io-style sharded path, one JSON line per version in
//! publish order, `config.json` at the root. Every change is one commit. This module owns the
//! line format ([`line`]), where a package's file lives ([`shard`]), the registry's
//! `config.json` ([`config`]) and the git operations ([`repo`]). It never renders or serves.

pub mod config;
pub mod line;
pub mod remote;
pub mod repo;
pub mod shard;

pub use config::IndexConfig;
pub use line::{FieldError, IndexLine, PackageRecord, README_CAP};
pub use repo::{Author, IndexError, IndexRepo};
pub use shard::shard_path;
