//! The Serverless protocol's HTTP API: announcing a release and sending its zip
//! ([`releases`], [`uploads`]), deleting, yanking and maintainers ([`packages`]), ratings
//! ([`ratings`]), `GET /search` (the SRM's search, answered from memory: [`search`]), and
//! the official `s` client's own API ([`s_client`]). Built on the shared pieces of
//! [`crate::api`] (authentication, the error shape, rate limits); reads are files.

pub mod packages;
pub mod ratings;
pub mod releases;
pub mod s_client;
pub mod search;
pub mod uploads;

use std::sync::Arc;

use utoipa_axum::router::OpenApiRouter;

use crate::api::App;

/// Every route of the protocol, described.
pub fn routes() -> OpenApiRouter<Arc<App>> {
    OpenApiRouter::new()
        .merge(releases::routes())
        .merge(uploads::routes())
        .merge(packages::routes())
        .merge(s_client::routes())
        .merge(ratings::routes())
        .merge(search::routes())
}
