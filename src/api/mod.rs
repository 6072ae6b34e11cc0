//! The HTTP side of `shelf serve`: the publish API and, behind it, the static site.
//!
//! Reads of package data are answered from the generated files exactly as a static host
//! would answer them (no index or database lookups), so what `shelf serve` shows is what
//! nginx or a bucket shows. Writes go through [`auth`] (who is calling, and may they), to
//! the handlers, to the one writer thread that commits and regenerates before answering.
//!
//! [`app`] holds the shared state; [`error`] is the JSON error shape; [`extract`] reads
//! bodies safely; [`crate::auth::signature`] and [`limits`] guard the door; [`accounts`]
//! and [`tokens`] are the endpoint groups every protocol shares (each protocol's own are in
//! its folder: [`crate::serverless::api`], [`crate::npm::api`], [`crate::oci::api`], which
//! answers in the OCI spec's error shape and authenticates with the bearer tokens of its
//! own token endpoint, signed with [`App::secret`]); [`files`] serves the site; [`server`] accepts connections and holds them to their deadlines;
//! [`openapi`] describes the API and is where the API's routes are assembled.

pub mod accounts;
pub mod answers;
pub mod app;
pub mod auth;
pub mod error;
pub mod extract;
pub mod files;
pub mod limits;
pub mod openapi;
pub mod server;
pub mod static_site;
pub mod testing;
pub mod tokens;

use std::sync::Arc;

use axum::Router;

pub use app::{App, Settings};

/// The whole router: the API routes ([`openapi::api`]), npm's and OCI's, and the static
/// site for everything else.
pub fn router(app: Arc<App>) -> Router {
    let (api, _) = openapi::api().split_for_parts();
    // npm's routes: its registration (one route under `/npm/`, see `crate::npm::api`).
    api.merge(crate::npm::api::routes())
        // OCI's: one route under `/v2/` (see `crate::oci::api`).
        .merge(crate::oci::api::routes())
        .fallback(files::serve)
        .with_state(app)
        .layer(files::compression())
}
