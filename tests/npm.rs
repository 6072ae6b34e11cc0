//! The npm protocol with the real `npm` client: against `shelf serve`, and against the
//! generated files behind nginx and in an S3 bucket with no Shelf process in the read path.

#[path = "npm/audit.rs"]
mod audit;
#[path = "npm/cli.rs"]
mod cli;
#[path = "npm/client.rs"]
mod client;
mod common;
#[path = "npm/static_hosts.rs"]
mod static_hosts;
