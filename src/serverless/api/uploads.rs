//! Receiving a release's zip: `PUT /upload/{id}` (raw) and `POST /upload/{id}` (multipart
//! field `package`).
//!
//! The zip streams to a staging file while it is hashed (and, for signed requests, while its
//! signature is checked), is inspected, and only then goes to the one writer, which checks
//! the version and the caller's rights again, commits, regenerates the package's files and
//! the registry-wide files — and only then does the upload answer 200.

use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex, PoisonError},
};

use axum::{
    Json,
    body::Body,
    extract::{Path, State, rejection::PathRejection},
    http::{HeaderMap, StatusCode, header, request::Parts},
};
use bytes::Bytes;
use futures_util::{Stream, StreamExt, TryStreamExt};
use serde::Serialize;
use serde_json::json;
use tokio_util::io::{StreamReader, SyncIoBridge};
use utoipa::{
    IntoResponses, ToSchema,
    openapi::{RefOr, response::Response},
};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::api::{
    App,
    auth::{AuthedStream, Caller, PendingSignature},
    error::{ApiError, ErrorBody, chain},
    extract::{body_error, content_length},
    files,
    limits::client_ip,
    openapi::{AuthRefusals, BodyRefusals, refusals},
    server::{body_timeout, out_of_files},
};

use super::releases::{MODIFY_DENIED, ReleaseRequest, may_publish};
use crate::{
    auth::{account::check_email, scope::Action},
    blob::{StageError, Staged},
    db::{
        audit,
        packages::{self as owners, Upload},
        users,
    },
    index::Author,
    registry::Registry,
    serverless::ops::{Release, inspect_staged},
    serverless::package::Version,
    serverless::record::PackageRecord,
};

const INVALID_UPLOAD: &str = "Invalid upload URL";
const NO_FILE: &str = "No file uploaded";
/// `Retry-After` of an upload refused because the server was out of file descriptors.
const STAGING_RETRY_SECS: u64 = 5;
/// Room in a multipart form for the parts' headers and small fields beside the zip, so
/// that the zip itself meets the staging cap (and its 413) first.
const FORM_OVERHEAD: u64 = 64 << 10;

/// The routes of this group.
pub fn routes() -> OpenApiRouter<Arc<App>> {
    OpenApiRouter::new().routes(files::beside_site(routes!(upload_raw, upload_multipart)))
}

/// The form of `POST /upload/{id}`; other fields are read and ignored.
#[derive(ToSchema)]
#[allow(dead_code, reason = "describes the form that multer reads")]
struct UploadForm {
    /// The zip.
    #[schema(value_type = String, content_media_type = "application/zip")]
    package: Vec<u8>,
}

/// The upload named in the URL, if the caller may still use it.
async fn pending_upload(app: &App, caller: &Caller, id: String) -> Result<Upload, ApiError> {
    let now = app.now().unix_timestamp();
    let found = app.db.run(move |c| owners::upload(c, &id)).await?;
    found
        .filter(|u| u.used_at.is_none() && u.expires_at >= now && u.user_id == caller.user.id)
        .ok_or_else(|| ApiError::not_found(INVALID_UPLOAD))
}

fn upload_id(path: Result<Path<String>, PathRejection>) -> Result<String, ApiError> {
    path.map(|Path(id)| id)
        .map_err(|_| ApiError::not_found(INVALID_UPLOAD))
}

/// A signed request's signature, fed by a tap on the raw body stream.
type SharedSignature = Arc<Mutex<Option<PendingSignature>>>;

fn tap<S>(
    stream: S,
    signature: SharedSignature,
) -> impl Stream<Item = Result<Bytes, axum::Error>> + Send + 'static
where
    S: Stream<Item = Result<Bytes, axum::Error>> + Send + 'static,
{
    stream.map(move |chunk| {
        if let Ok(bytes) = &chunk
            && let Some(pending) = signature
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .as_mut()
        {
            pending.update(bytes);
        }
        chunk
    })
}

fn verify(signature: &SharedSignature) -> Result<(), ApiError> {
    match signature
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .take()
    {
        Some(pending) => pending.verify(),
        None => Ok(()),
    }
}

/// Streams `stream` into the blob store's staging area, capped at the zip limit.
async fn stage<S, E>(app: &App, stream: S) -> Result<Staged, ApiError>
where
    S: Stream<Item = Result<Bytes, E>> + Send + Unpin + 'static,
    E: std::error::Error + Send + Sync + 'static,
{
    // The body's error crosses the blocking reader whole, so that a stalled body is still
    // recognisable on the other side.
    let reader = StreamReader::new(stream.map_err(std::io::Error::other));
    let bridge = SyncIoBridge::new(reader);
    let (blobs, limit) = (app.blobs.clone(), app.zip_limits.max_zip_bytes);
    // Made durable on a thread of its own while the zip is inspected and the writer is
    // awaited, rather than on the writer when the blob is committed (which waits only for
    // what is left).
    let staged = tokio::task::spawn_blocking(move || {
        let mut staged = blobs.stage(bridge, limit)?;
        staged.start_sync()?;
        Ok(staged)
    })
    .await
    .map_err(|e| ApiError::internal(&e))?;
    staged.map_err(stage_error)
}

/// The answer to a failed staging. The temporary file is gone with the error and the
/// upload URL is not used up, so after a 408 or a 503 the same URL takes the zip.
fn stage_error(error: StageError) -> ApiError {
    match error {
        StageError::TooLarge { .. } => {
            ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, error.to_string())
        }
        StageError::Io(ref io) if body_timeout(io).is_some() => body_error(io),
        // Out of descriptors is a passing state of the server, not a fault of the upload.
        StageError::Io(ref io) if out_of_files(io) => ApiError::retry(
            StatusCode::SERVICE_UNAVAILABLE,
            "The server has too many files open; send the upload again shortly",
            STAGING_RETRY_SECS,
        ),
        StageError::Io(_) => {
            ApiError::bad_request(format!("Could not read the upload: {}", chain(&error)))
        }
    }
}

fn refuse_oversized(app: &App, headers: &HeaderMap) -> Result<(), ApiError> {
    let limit = app.zip_limits.max_zip_bytes;
    if content_length(headers).is_some_and(|n| n > limit) {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the zip is larger than the limit of {limit} bytes"),
        ));
    }
    Ok(())
}

/// Receives a raw zip for `upload` (its URL already checked for `caller`): refuses an
/// announced size over the limit, streams the body into the staging area (feeding a signed
/// request's signature as it goes), verifies the signature, then publishes.
///
/// # Errors
/// 400 for a bad zip, 401 for a bad signature, 408 for a stalled body, 413 past the limit,
/// 503 out of descriptors; the publish's own refusals.
pub(super) async fn receive_raw(
    app: Arc<App>,
    caller: Caller,
    parts: &Parts,
    body: Body,
    upload: Upload,
    pending: Option<PendingSignature>,
) -> Result<Uploaded, ApiError> {
    refuse_oversized(&app, &parts.headers)?;
    let signature: SharedSignature = Arc::new(Mutex::new(pending));
    let stream = tap(body.into_data_stream(), signature.clone());
    let staged = stage(&app, Box::pin(stream)).await?;
    verify(&signature)?;
    finish(app, caller, client_ip(parts), upload, staged).await
}

/// What sending an announced release's zip may answer about the zip and the upload, after
/// the refusals of every body (the 400 and 413 here say more than [`BodyRefusals`]').
struct UploadRefusals;

const UPLOAD_REFUSALS: &[(u16, &str)] = &[
    (400, "Not a package zip, or not the announced one"),
    (403, "The caller may no longer publish it"),
    (404, "Unknown, expired or used upload id"),
    (409, "The version was published meanwhile"),
    (413, "The zip is over the size limit"),
];

impl IntoResponses for UploadRefusals {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        refusals("ErrorBody", UPLOAD_REFUSALS)
    }
}

/// Sends the announced release's zip, as the body.
#[utoipa::path(
    put,
    path = "/upload/{id}",
    tag = "publishing",
    params(("id" = String, Path, description = "The id in the upload_url")),
    security(
        ("bearer" = []),
        ("apiKey" = [], "timestamp" = [], "nonce" = [], "signature" = []),
    ),
    request_body(content = String, content_type = "application/zip"),
    responses(
        AuthRefusals,
        BodyRefusals,
        (status = 200, description = "Published: committed, files written", body = Uploaded),
        UploadRefusals,
    ),
)]
async fn upload_raw(
    State(app): State<Arc<App>>,
    path: Result<Path<String>, PathRejection>,
    authed: AuthedStream,
) -> Result<Json<Uploaded>, ApiError> {
    let AuthedStream {
        caller,
        parts,
        body,
        pending,
    } = authed;
    let upload = pending_upload(&app, &caller, upload_id(path)?).await?;
    let uploaded = receive_raw(app, caller, &parts, body, upload, pending).await?;
    Ok(Json(uploaded))
}

/// Sends the announced release's zip, as the form field `package`.
#[utoipa::path(
    post,
    path = "/upload/{id}",
    tag = "publishing",
    params(("id" = String, Path, description = "The id in the upload_url")),
    security(
        ("bearer" = []),
        ("apiKey" = [], "timestamp" = [], "nonce" = [], "signature" = []),
    ),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses(
        AuthRefusals,
        BodyRefusals,
        (status = 200, description = "Published: committed, files written", body = Uploaded),
        UploadRefusals,
        (status = 415, description = "Not multipart/form-data", body = ErrorBody),
    ),
)]
async fn upload_multipart(
    State(app): State<Arc<App>>,
    path: Result<Path<String>, PathRejection>,
    authed: AuthedStream,
) -> Result<Json<Uploaded>, ApiError> {
    let AuthedStream {
        caller,
        parts,
        body,
        pending,
    } = authed;
    let upload = pending_upload(&app, &caller, upload_id(path)?).await?;
    refuse_oversized(&app, &parts.headers)?;
    let signature: SharedSignature = Arc::new(Mutex::new(pending));
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    // RFC 2046 boundaries are 1 to 70 characters: an empty one is no boundary at all.
    let boundary = multer::parse_boundary(content_type)
        .ok()
        .filter(|boundary| !boundary.is_empty())
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Expected multipart/form-data with a file field named \"package\"",
            )
        })?;
    // The package field is capped as it is staged, but other fields are read only to be
    // dropped: without a cap on the whole form, a client could stream into one forever.
    let form_limit = app.zip_limits.max_zip_bytes.saturating_add(FORM_OVERHEAD);
    let constraints =
        multer::Constraints::new().size_limit(multer::SizeLimit::new().whole_stream(form_limit));
    let mut multipart = multer::Multipart::with_constraints(
        tap(body.into_data_stream(), signature.clone()),
        boundary,
        constraints,
    );
    let bad_form = |e: multer::Error| match e {
        multer::Error::StreamSizeExceeded { limit } => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the form is larger than the limit of {limit} bytes"),
        ),
        e if body_timeout(&e).is_some() => body_error(&e),
        e => ApiError::bad_request(format!("Malformed multipart body: {e}")),
    };
    let mut staged = None;
    while let Some(field) = multipart.next_field().await.map_err(bad_form)? {
        if field.name() == Some("package") && staged.is_none() {
            staged = Some(stage(&app, Box::pin(field)).await?);
        } else {
            // Other fields are read (the signature covers the whole body) and dropped.
            let mut field = field;
            while field.chunk().await.map_err(bad_form)?.is_some() {}
        }
    }
    verify(&signature)?;
    let staged = staged.ok_or_else(|| ApiError::bad_request(NO_FILE))?;
    Ok(Json(
        finish(app, caller, client_ip(&parts), upload, staged).await?,
    ))
}

/// Inspects a staged zip, checks it is the announced release, and publishes it.
async fn finish(
    app: Arc<App>,
    caller: Caller,
    ip: String,
    upload: Upload,
    staged: Staged,
) -> Result<Uploaded, ApiError> {
    if staged.size == 0 {
        return Err(ApiError::bad_request(NO_FILE));
    }
    let limits = app.zip_limits.clone();
    let (staged, inspected) = tokio::task::spawn_blocking(move || {
        let inspected = inspect_staged(&staged, &limits);
        (staged, inspected)
    })
    .await
    .map_err(|e| ApiError::internal(&e))?;
    let inspected = inspected?;
    let manifest = &inspected.manifest;
    let announced = format!("{}@{}", upload.name, upload.version);
    let found = format!("{}@{}", manifest.name, manifest.version);
    let same_version = Version::parse(&upload.version).is_ok_and(|v| v == manifest.version);
    if manifest.name.as_str() != upload.name || !same_version {
        return Err(ApiError::bad_request(format!(
            "publish.yaml says {found}, but the upload URL is for {announced}"
        )));
    }
    let request: ReleaseRequest =
        serde_json::from_value(upload.release.clone()).unwrap_or_default();
    let release = Release {
        notes: request.body,
        readme: Some(request.readme).filter(|r| !r.is_empty()),
        description: request.description,
        home: request.home,
        tags: request.tags,
        provider: request.provider,
        service: request.service,
        commands: request.command,
        properties: request.properties,
    };
    let canonical = manifest.name.canonical();
    let author = author_of(&caller.user);
    let now = app.now();
    let job_app = app.clone();
    let published = app
        .writer
        .run(move |registry: &mut Registry| -> Result<_, ApiError> {
            let at = now.unix_timestamp();
            let authorize = |record: Option<&PackageRecord>| {
                caller
                    .require(Action::Publish, &canonical)
                    .map_err(|_| ApiError::forbidden(MODIFY_DENIED))?;
                may_publish(&job_app, &caller, &canonical, record)?;
                // A new name is claimed before its commit, not after: a server killed
                // between the two would leave a package nobody may publish to. On the
                // writer thread, nothing can claim the name in between.
                if record.is_none() {
                    let user_id = caller.user.id;
                    job_app
                        .db
                        .with_synced_later(|c| owners::claim(c, &canonical, user_id, at))?;
                }
                Ok::<(), ApiError>(())
            };
            let published =
                registry.publish(staged, &inspected, &release, &author, now, authorize)?;
            let target = format!("{}@{}", published.name, published.version);
            let details = json!({
                "sha256": published.sha256,
                "size": published.size,
                "commit": published.commit,
            });
            job_app.db.with_synced_later(|c| {
                owners::mark_used(c, &upload.id, at)?;
                audit::record(c, at, Some(&caller.user), "publish", &target, &details, &ip)
            })?;
            Ok(published)
        })
        .await??;
    Ok(Uploaded {
        message: "Package uploaded successfully",
        name: published.name,
        version: published.version,
        sha256: published.sha256,
        size: published.size,
        release_url: published.release_url,
        zipball_url: published.zipball_url,
        page_url: published.page_url,
    })
}

/// The answer of an upload: what was published, and where.
#[derive(Debug, Serialize, ToSchema)]
pub struct Uploaded {
    /// "Package uploaded successfully".
    pub message: &'static str,
    /// Package name.
    pub name: String,
    /// Version.
    pub version: String,
    /// SHA-256 of the zip.
    pub sha256: String,
    /// Size of the zip in bytes.
    pub size: u64,
    /// URL of the version's release document.
    pub release_url: String,
    /// URL of the zip.
    pub zipball_url: String,
    /// URL of the package page.
    pub page_url: String,
}

/// The author an account's changes are committed as. An account registered before e-mail
/// addresses were checked as they are now may hold one git refuses; it is committed under
/// the account name alone rather than failing every write it makes.
pub(super) fn author_of(user: &users::User) -> Author {
    if check_email(&user.email).is_ok() {
        Author {
            name: user.username.clone(),
            email: user.email.clone(),
        }
    } else {
        Author::named(&user.username)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staging_errors_say_whether_to_retry() {
        let emfile = std::io::Error::from_raw_os_error(rustix::io::Errno::MFILE.raw_os_error());
        let busy = stage_error(StageError::Io(emfile));
        assert_eq!(busy.status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(busy.retry_after, Some(STAGING_RETRY_SECS));
        let stalled = axum::Error::new(crate::api::server::BodyTimeout(
            std::time::Duration::from_secs(30),
        ));
        let stalled = stage_error(StageError::Io(std::io::Error::other(stalled)));
        assert_eq!(stalled.status, StatusCode::REQUEST_TIMEOUT);
        assert_eq!(stalled.retry_after, None);
        let cut = stage_error(StageError::Io(std::io::Error::other("connection reset")));
        assert_eq!(cut.status, StatusCode::BAD_REQUEST);
        let large = stage_error(StageError::TooLarge { limit: 3 });
        assert_eq!(large.status, StatusCode::PAYLOAD_TOO_LARGE);
    }
}
