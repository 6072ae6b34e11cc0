//! Issue 10's defects, each with its regression test, through the real router (oneshot, no
//! port) or a real `shelf serve`. Every refused or failed request is also shown to leave the
//! index, the blob store and the site as they were ([`common::snapshot`]).

mod common;
#[path = "hardening/connections.rs"]
mod connections;
#[path = "hardening/index_writes.rs"]
mod index_writes;
#[path = "hardening/limits.rs"]
mod limits;
#[path = "hardening/nonces.rs"]
mod nonces;
#[path = "hardening/openapi.rs"]
mod openapi;
#[path = "hardening/partial_writes.rs"]
mod partial_writes;
#[path = "hardening/s_client.rs"]
mod s_client;
#[path = "hardening/site_writes.rs"]
mod site_writes;
