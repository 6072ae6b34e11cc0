//! The error shape of every answer: `{"error": "…"}` with a 4xx or 5xx status.
//!
//! Client errors carry a message that names the problem (with its causes, so "publish.yaml
//! is not a valid package manifest: … missing the required field Name" reaches the author).
//! Server errors log the whole chain and answer a generic message.

use axum::{
    Json,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};

use crate::{
    db::DbError,
    registry::{RegistryError, worker::WriterGone},
};

/// The body of every error answer.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// What is wrong, for a person to read.
    pub error: String,
}

/// An error answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Message for the client.
    pub message: String,
    /// Seconds to wait before retrying (sent as `Retry-After`, with 429 and 503).
    pub retry_after: Option<u64>,
}

impl ApiError {
    /// An error with a status and a message.
    #[must_use]
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
            retry_after: None,
        }
    }

    /// 400.
    #[must_use]
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    /// 401.
    #[must_use]
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, message)
    }

    /// 403.
    #[must_use]
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, message)
    }

    /// 404.
    #[must_use]
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }

    /// 409.
    #[must_use]
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, message)
    }

    /// A status with a `Retry-After`.
    #[must_use]
    pub fn retry(status: StatusCode, message: impl Into<String>, after_secs: u64) -> Self {
        ApiError {
            retry_after: Some(after_secs.max(1)),
            ..Self::new(status, message)
        }
    }

    /// 500: logs `error` with its whole chain; the client gets a generic message.
    #[must_use]
    pub fn internal(error: &(dyn std::error::Error + 'static)) -> Self {
        tracing::error!(error = %chain(error), "internal error");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error")
    }
}

/// An error and its causes, `: `-separated.
#[must_use]
pub fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let next = cause.to_string();
        // Some errors repeat their cause's text (`#[error(transparent)]`); say it once.
        if !text.ends_with(&next) {
            text.push_str(": ");
            text.push_str(&next);
        }
        source = cause.source();
    }
    text
}

impl From<DbError> for ApiError {
    fn from(error: DbError) -> Self {
        ApiError::internal(&error)
    }
}

/// The one place registry errors become HTTP answers. No `_` arm: a new error variant must
/// be given its status here.
impl From<RegistryError> for ApiError {
    fn from(error: RegistryError) -> Self {
        let message = chain(&error);
        match &error {
            RegistryError::TooLarge { .. } | RegistryError::Field(_) => {
                ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, message)
            }
            RegistryError::Archive(_) | RegistryError::Name(_) | RegistryError::Version(_) => {
                ApiError::bad_request(message)
            }
            RegistryError::VersionExists { .. }
            | RegistryError::VersionDeleted { .. }
            | RegistryError::NameTaken { .. } => ApiError::conflict(message),
            RegistryError::PackageNotFound(_) => ApiError::not_found("Package not found"),
            RegistryError::VersionNotFound { .. } => {
                ApiError::not_found("Package or version not found")
            }
            // Out of descriptors is a passing state of the server: the write changed nothing
            // (it puts the index back), so the same request may be sent again.
            RegistryError::Io(io) if super::server::out_of_files(io) => {
                tracing::warn!("a write ran out of file descriptors: {message}");
                ApiError::retry(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "The server has too many files open; send the request again shortly",
                    5,
                )
            }
            RegistryError::KeysLayoutOnDirectory
            | RegistryError::Index(_)
            | RegistryError::Io(_)
            | RegistryError::Render(_) => ApiError::internal(&error),
        }
    }
}

impl From<WriterGone> for ApiError {
    fn from(error: WriterGone) -> Self {
        match &error.refused {
            // The server's fault, and nothing changed: say so, so the client may retry.
            Some(_) => {
                tracing::error!(error = %error, "a change was refused");
                Self::new(StatusCode::INTERNAL_SERVER_ERROR, error.to_string())
            }
            None => ApiError::internal(&error),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: self.message,
        };
        let mut response = (self.status, Json(body)).into_response();
        if let Some(secs) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}
