//! Typed answers that more than one endpoint group gives.

use serde::Serialize;
use utoipa::ToSchema;

/// The answer of a change: what was done.
#[derive(Debug, Serialize, ToSchema)]
pub struct Changed {
    /// What was done, for a person to read.
    pub message: String,
}
