//! The git-backed index: the registry's source of truth and its audit trail.
//!
//! Files at paths, committed one change at a time; `config.json` at the root. This module
//! owns where a package's file lives ([`shard`], crates.io-style), the registry's
//! `config.json` ([`config`]) and the git operations ([`repo`]: read a file, commit one file
//! as one change, put a failed write back, make commits durable: one `syncfs` after a commit,
//! or after a batch of them; the files a commit replaces are freed on a thread of their
//! own, [`crate::reap`]; adopt the export's packs of the history, [`packs`]), and the JSON lines every protocol's record file is made of
//! ([`lines`]). What a file holds is for the protocol that owns it to say (the
//! Serverless protocol's lines are [`crate::serverless::record`]). It never renders or
//! serves.

pub mod config;
pub mod lines;
pub mod packs;
pub mod remote;
pub mod repo;
pub mod shard;

pub use config::IndexConfig;
pub use repo::{Author, IndexError, IndexRepo};
pub use shard::shard_path;
