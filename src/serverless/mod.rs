//! The Serverless Devs protocol: the Serverless Registry Model's read API, the paths the
//! `s` client reads, and their zips.

pub mod package;
pub mod paths;
pub mod record;
