//! The Serverless Devs protocol: the Serverless Registry Model's read API, the paths the
//! `s` client reads, and their zips.

pub mod api;
pub mod docs;
pub mod ops;
pub mod package;
pub mod paths;
pub mod plan;
pub mod protocol;
pub mod record;

pub use protocol::{NAME, SERVERLESS};
