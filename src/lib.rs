//! Shelf: a static-first package registry.
//!
//! The flow of a publish is the shape of this crate: a zip is checked by [`package`], stored
//! by [`blob`], recorded as a line in the git-backed [`index`], turned into static documents by
//! [`site`] and written through one writer to a [`target`]. [`registry`] walks that path;
//! [`api`] serves the result over HTTP and [`cli`] drives it from the command line.

pub mod api;
pub mod auth;
pub mod blob;
pub mod cli;
pub mod client;
pub mod clock;
pub mod config;
pub mod db;
pub mod history;
pub mod index;
pub mod mirror;
pub mod npm;
pub mod output;
pub mod protocols;
pub mod registry;
pub mod serverless;
pub mod site;
pub mod watch;
