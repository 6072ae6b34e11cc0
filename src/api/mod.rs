//! The HTTP side of `shelf serve`: one router, the static site behind it.
//!
//! Reads are answered from the generated files exactly as a static host would answer them
//! (no index or database lookups), so what `shelf serve` shows is what nginx or a bucket
//! shows. [`files`] serves the site; [`error`] is the JSON error shape every answer uses.

pub mod error;
pub mod files;

use std::{path::PathBuf, sync::Arc};

use axum::Router;
use tower_http::compression::{
    CompressionLayer,
    predicate::{DefaultPredicate, NotForContentType, Predicate},
};

/// What every handler shares.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The generated site, in the dir layout.
    pub site: PathBuf,
}

/// The whole router.
pub fn router(state: Arc<AppState>) -> Router {
    // Zips are already compressed; gzipping them again only burns CPU.
    let compress = DefaultPredicate::new().and(NotForContentType::const_new("application/zip"));
    Router::new()
        .fallback(files::serve)
        .with_state(state)
        .layer(CompressionLayer::new().compress_when(compress))
}
