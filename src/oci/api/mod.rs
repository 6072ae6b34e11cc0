//! OCI's HTTP API, under `/v2/` (OCI clients take no path prefix): the token endpoint
//! ([`token`]), blob uploads ([`uploads`]), manifests ([`manifests`]) and the reads
//! `shelf serve` answers from the generated files ([`reads`]), as a static host would.
//!
//! One route takes every path under `/v2/` and reads it from its end, as the spec's paths
//! are read (a repository name has slashes): `…/blobs/uploads/`, `…/blobs/uploads/{id}`,
//! `…/blobs/{digest}`, `…/manifests/{reference}`, `…/tags/list`, `…/referrers/{digest}`.
//! Every request is authenticated with a bearer token from [`token`]; without one, or
//! without the access it needs, the answer is 401 with the challenge that tells the client
//! where to get one. Errors are the spec's document, `{"errors": [{"code", "message"}]}`,
//! with the status [`OciError`] decides.

pub mod manifests;
pub mod reads;
pub mod token;
pub mod uploads;

use std::sync::Arc;

use axum::{
    Router,
    body::Body,
    extract::State,
    http::{HeaderName, HeaderValue, Method, Request, StatusCode, header, request::Parts},
    response::{IntoResponse, Response},
    routing::any,
};
use serde::Serialize;

use super::{name::RepoName, ops::Refusal};
use crate::{
    api::{App, error::ApiError},
    registry::RegistryError,
};

/// The header every `/v2/` answer carries.
pub const API_VERSION: HeaderName = HeaderName::from_static("docker-distribution-api-version");
/// Its value.
const REGISTRY_2: HeaderValue = HeaderValue::from_static("registry/2.0");
/// The digest of a blob or manifest answered.
pub const CONTENT_DIGEST: HeaderName = HeaderName::from_static("docker-content-digest");

/// Every OCI route.
pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/v2", any(root))
        .route("/v2/", any(root))
        .route("/v2/{*rest}", any(dispatch))
}

/// An error in the spec's shape.
#[derive(Debug, Clone)]
pub struct OciError {
    /// The status.
    pub status: StatusCode,
    /// The spec's code (`MANIFEST_UNKNOWN`, …).
    pub code: &'static str,
    /// What is wrong, for a person.
    pub message: String,
    /// The challenge of a 401 (`Bearer realm=…`).
    pub challenge: Option<String>,
    /// Seconds to wait (429, 503).
    pub retry_after: Option<u64>,
}

#[derive(Serialize)]
struct ErrorDocument<'a> {
    errors: [ErrorEntry<'a>; 1],
}

#[derive(Serialize)]
struct ErrorEntry<'a> {
    code: &'a str,
    message: &'a str,
}

impl OciError {
    /// An error with a status, a code and a message.
    #[must_use]
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        OciError {
            status,
            code,
            message: message.into(),
            challenge: None,
            retry_after: None,
        }
    }

    /// 400 with `code`.
    #[must_use]
    pub fn bad(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// 404 with `code`.
    #[must_use]
    pub fn unknown(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, code, message)
    }
}

impl From<ApiError> for OciError {
    fn from(e: ApiError) -> Self {
        let code = match e.status.as_u16() {
            401 => "UNAUTHORIZED",
            403 => "DENIED",
            404 => "NAME_UNKNOWN",
            405 => "UNSUPPORTED",
            413 => "SIZE_INVALID",
            429 => "TOOMANYREQUESTS",
            400..=499 => "UNSUPPORTED",
            _ => "UNKNOWN",
        };
        OciError {
            status: e.status,
            code,
            message: e.message,
            challenge: None,
            retry_after: e.retry_after,
        }
    }
}

impl From<crate::db::DbError> for OciError {
    fn from(e: crate::db::DbError) -> Self {
        ApiError::from(e).into()
    }
}

impl From<RegistryError> for OciError {
    fn from(e: RegistryError) -> Self {
        ApiError::from(e).into()
    }
}

impl From<Refusal> for OciError {
    fn from(r: Refusal) -> Self {
        let (status, code) = match &r {
            Refusal::BlobUnknown(_) | Refusal::ManifestUnknown(_) => {
                (StatusCode::BAD_REQUEST, "MANIFEST_BLOB_UNKNOWN")
            }
            Refusal::SizeMismatch { .. } => (StatusCode::BAD_REQUEST, "MANIFEST_INVALID"),
            Refusal::Unknown(_) => (StatusCode::NOT_FOUND, "MANIFEST_UNKNOWN"),
            Refusal::TagImmutable { .. } | Refusal::Referenced(_) => {
                (StatusCode::CONFLICT, "DENIED")
            }
        };
        OciError::new(status, code, r.to_string())
    }
}

impl From<super::name::NameError> for OciError {
    fn from(e: super::name::NameError) -> Self {
        let code = match e {
            super::name::NameError::Repository(_) => "NAME_INVALID",
            super::name::NameError::Tag(_) => "MANIFEST_INVALID",
            super::name::NameError::Digest(_) => "DIGEST_INVALID",
        };
        OciError::bad(code, e.to_string())
    }
}

impl IntoResponse for OciError {
    fn into_response(self) -> Response {
        let doc = ErrorDocument {
            errors: [ErrorEntry {
                code: self.code,
                message: &self.message,
            }],
        };
        let mut response = (self.status, axum::Json(doc)).into_response();
        let headers = response.headers_mut();
        headers.insert(API_VERSION, REGISTRY_2);
        if let Some(challenge) = self.challenge.and_then(|c| HeaderValue::try_from(c).ok()) {
            headers.insert(header::WWW_AUTHENTICATE, challenge);
        }
        if let Some(after) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(after));
        }
        response
    }
}

/// The query parameter `key` of the request, decoded.
fn query(parts: &Parts, key: &str) -> Option<String> {
    form_urlencoded::parse(parts.uri.query().unwrap_or_default().as_bytes())
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

/// A path under `/v2/`, read from its end.
#[derive(Debug, PartialEq, Eq)]
pub enum Route {
    /// `token`: the token endpoint.
    Token,
    /// `{name}/blobs/uploads/`.
    StartUpload(RepoName),
    /// `{name}/blobs/uploads/{id}`.
    Upload(RepoName, String),
    /// `{name}/blobs/{digest}`.
    Blob(RepoName, String),
    /// `{name}/manifests/{reference}`.
    Manifest(RepoName, String),
    /// `{name}/tags/list`.
    Tags(RepoName),
    /// `{name}/referrers/{digest}`.
    Referrers(RepoName, String),
    /// `{name}/-/`: the repository's page.
    Page(RepoName),
}

/// Reads `rest` (the decoded path after `/v2/`).
///
/// # Errors
/// 404 for a path that is none of the API's, 400 `NAME_INVALID` for a repository name
/// outside the grammar.
pub fn route(rest: &str) -> Result<Route, OciError> {
    if rest == "token" {
        return Ok(Route::Token);
    }
    let segments: Vec<&str> = rest.split('/').collect();
    let (name_len, make): (usize, Box<dyn FnOnce(RepoName) -> Route>) = match segments.as_slice() {
        [name @ .., "blobs", "uploads", ""] | [name @ .., "blobs", "uploads"] => {
            (name.len(), Box::new(Route::StartUpload))
        }
        [name @ .., "blobs", "uploads", id] => {
            let id = (*id).to_owned();
            (name.len(), Box::new(move |n| Route::Upload(n, id)))
        }
        [name @ .., "blobs", digest] => {
            let digest = (*digest).to_owned();
            (name.len(), Box::new(move |n| Route::Blob(n, digest)))
        }
        [name @ .., "manifests", reference] => {
            let reference = (*reference).to_owned();
            (name.len(), Box::new(move |n| Route::Manifest(n, reference)))
        }
        [name @ .., "tags", "list"] => (name.len(), Box::new(Route::Tags)),
        [name @ .., "-", ""] => (name.len(), Box::new(Route::Page)),
        [name @ .., "referrers", digest] => {
            let digest = (*digest).to_owned();
            (name.len(), Box::new(move |n| Route::Referrers(n, digest)))
        }
        _ => return Err(not_an_endpoint()),
    };
    if name_len == 0 {
        return Err(not_an_endpoint());
    }
    let name = segments[..name_len].join("/");
    Ok(make(RepoName::parse(&name)?))
}

fn not_an_endpoint() -> OciError {
    OciError::unknown(
        "NAME_UNKNOWN",
        "No such endpoint of the OCI distribution API",
    )
}

/// `/v2/`: 200 with a valid token (or none needed: a static host answers it for anyone),
/// else the challenge, which is how a client learns where tokens come from
/// (`docker login` relies on it).
async fn root(State(app): State<Arc<App>>, request: Request<Body>) -> Response {
    let (parts, _) = request.into_parts();
    let answer = match token::bearer(&app, &parts) {
        Ok(_) => {
            let mut response = (StatusCode::OK, axum::Json(serde_json::json!({}))).into_response();
            response.headers_mut().insert(API_VERSION, REGISTRY_2);
            return response;
        }
        Err(e) => e,
    };
    answer.into_response()
}

/// The method a path does not take.
fn method_not_allowed(allow: &'static str) -> Response {
    let mut response = OciError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "UNSUPPORTED",
        format!("This path takes {allow}"),
    )
    .into_response();
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static(allow));
    response
}

async fn dispatch(State(app): State<Arc<App>>, request: Request<Body>) -> Response {
    let (parts, body) = request.into_parts();
    let raw = parts.uri.path().strip_prefix("/v2/").unwrap_or_default();
    let rest = percent_encoding::percent_decode_str(raw).decode_utf8_lossy();
    let route = match route(&rest) {
        Ok(route) => route,
        Err(e) => return e.into_response(),
    };
    let answer = handle(&app, &parts, route, body).await;
    let mut response = answer.unwrap_or_else(IntoResponse::into_response);
    response.headers_mut().insert(API_VERSION, REGISTRY_2);
    response
}

async fn handle(
    app: &Arc<App>,
    parts: &Parts,
    route: Route,
    body: Body,
) -> Result<Response, OciError> {
    let method = &parts.method;
    let read = *method == Method::GET || *method == Method::HEAD;
    match route {
        Route::Token if read => token::issue(app, parts).await,
        Route::Token => Ok(method_not_allowed("GET, HEAD")),
        Route::StartUpload(name) if *method == Method::POST => {
            uploads::start(app, parts, name, body).await
        }
        Route::StartUpload(_) => Ok(method_not_allowed("POST")),
        Route::Upload(name, id) => match *method {
            Method::PATCH => uploads::patch(app, parts, name, &id, body).await,
            Method::PUT => uploads::finish(app, parts, name, &id, body).await,
            Method::GET => uploads::status(app, parts, name, &id).await,
            Method::DELETE => uploads::cancel(app, parts, name, &id).await,
            _ => Ok(method_not_allowed("GET, PATCH, PUT, DELETE")),
        },
        Route::Blob(name, digest) if read => reads::blob(app, parts, name, &digest).await,
        Route::Blob(..) => Ok(method_not_allowed("GET, HEAD")),
        Route::Manifest(name, reference) => match *method {
            Method::GET | Method::HEAD => reads::manifest(app, parts, name, &reference).await,
            Method::PUT => manifests::put(app, parts, name, &reference, body).await,
            Method::DELETE => manifests::delete(app, parts, name, &reference).await,
            _ => Ok(method_not_allowed("GET, HEAD, PUT, DELETE")),
        },
        Route::Tags(name) if read => reads::tags(app, parts, name).await,
        Route::Referrers(name, digest) if read => reads::referrers(app, parts, name, &digest).await,
        Route::Page(name) if read => reads::page(app, parts, &name).await,
        Route::Tags(_) | Route::Referrers(..) | Route::Page(_) => {
            Ok(method_not_allowed("GET, HEAD"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_read_from_their_end() {
        let name = |n: &str| RepoName::parse(n).expect("valid");
        let d = format!("sha256:{}", "a".repeat(64));
        assert_eq!(route("token").expect("valid"), Route::Token);
        assert_eq!(
            route("a/b/blobs/uploads/").expect("valid"),
            Route::StartUpload(name("a/b"))
        );
        assert_eq!(
            route("a/blobs/uploads/x1").expect("valid"),
            Route::Upload(name("a"), "x1".into())
        );
        assert_eq!(
            route(&format!("a/b/c/blobs/{d}")).expect("valid"),
            Route::Blob(name("a/b/c"), d.clone())
        );
        assert_eq!(
            route("lib/x/manifests/latest").expect("valid"),
            Route::Manifest(name("lib/x"), "latest".into())
        );
        assert_eq!(route("x/tags/list").expect("valid"), Route::Tags(name("x")));
        assert_eq!(
            route(&format!("x/referrers/{d}")).expect("valid"),
            Route::Referrers(name("x"), d)
        );
        assert_eq!(
            route("lib/x/-/").expect("valid"),
            Route::Page(name("lib/x"))
        );
        assert_eq!(
            route("Bad/tags/list").expect_err("refused").code,
            "NAME_INVALID"
        );
        assert_eq!(
            route("tags/list").expect_err("refused").status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            route("x/other").expect_err("refused").status,
            StatusCode::NOT_FOUND
        );
    }
}
