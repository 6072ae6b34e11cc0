//! Publishing and managing packages: `POST /releases`, uploads, delete, yank, maintainers.
//!
//! A publish is two requests, as the spec has it: `POST /releases` announces `name@version`
//! (checked: valid, new, and the caller may publish it) and answers an `upload_url`; the
//! zip is then sent to that URL (`PUT` raw, or `POST` multipart with the field `package`).
//! The zip streams to a staging file while it is hashed (and, for signed requests, while its
//! signature is checked), is inspected, and only then goes to the one writer, which checks
//! the version and the caller's rights again, commits, regenerates the package's files and
//! the registry-wide files — and only then does the upload answer 200.

use std::sync::{Arc, Mutex, PoisonError};

use axum::{
    Json, Router,
    extract::{Path, State, rejection::PathRejection},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
    routing::{delete, post, put},
};
use bytes::Bytes;
use futures_util::{Stream, StreamExt, TryStreamExt};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use tokio_util::io::{StreamReader, SyncIoBridge};

use super::{
    App,
    auth::{Authed, AuthedStream, Caller, PendingSignature},
    error::{ApiError, chain},
    extract::{content_length, parse_json},
    files,
    limits::{Limit, client_ip},
};
use crate::{
    auth::{account::check_email, scope::Action, token::new_upload_id},
    blob::{StageError, Staged},
    clock,
    db::{
        audit,
        packages::{self as owners, Role, Upload},
        users,
    },
    index::{Author, FieldError, PackageRecord, line},
    package::{PackageName, PackageType, Version},
    registry::{Registry, RegistryError, Release, inspect_staged},
};

const MODIFY_DENIED: &str = "You don't have permission to modify this package";
const DELETE_DENIED: &str = "You don't have permission to delete this package version";
const ADD_MAINTAINER_DENIED: &str = "You don't have permission to add maintainers to this package";
const REMOVE_MAINTAINER_DENIED: &str =
    "You don't have permission to remove maintainers from this package";
const NOT_A_MAINTAINER: &str = "User is not a maintainer of this package or is the owner";
const INVALID_UPLOAD: &str = "Invalid upload URL";
const NO_FILE: &str = "No file uploaded";
/// Room in a multipart form for the parts' headers and small fields beside the zip, so
/// that the zip itself meets the staging cap (and its 413) first.
const FORM_OVERHEAD: u64 = 64 << 10;

/// The routes of this group. Paths shared with the static site answer GET from the site.
pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/releases", post(create_release).fallback(files::serve))
        .route(
            "/upload/{id}",
            post(upload_multipart)
                .put(upload_raw)
                .fallback(files::serve),
        )
        .route(
            "/{name}/releases/tags/{version}",
            delete(delete_version).fallback(files::serve),
        )
        .route(
            "/{name}/releases/tags/{version}/yank",
            put(yank).delete(unyank).fallback(files::serve),
        )
        .route(
            "/{name}/maintainers",
            post(add_maintainer).fallback(files::serve),
        )
        .route(
            "/{name}/maintainers/{username}",
            delete(remove_maintainer).fallback(files::serve),
        )
}

/// The body of `POST /releases` (the spec's fields, plus `home`, `readme` and `body`). Once
/// checked, the same shape (with `type` canonical and the readme cut) is what the pending
/// upload keeps until the zip arrives.
#[derive(Debug, Default, Deserialize, Serialize)]
struct ReleaseRequest {
    name: Option<String>,
    version: Option<String>,
    #[serde(default)]
    description: String,
    #[serde(rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    provider: Vec<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    service: Map<String, Value>,
    #[serde(default)]
    command: Map<String, Value>,
    #[serde(default)]
    properties: Map<String, Value>,
    #[serde(default)]
    home: String,
    #[serde(default)]
    readme: String,
    #[serde(default)]
    body: String,
}

impl ReleaseRequest {
    /// Checks the free-text fields against the index's caps (413 naming the field), before
    /// anything is stored; the readme is cut to its cap as a zip's would be.
    fn check_caps(&mut self) -> Result<(), ApiError> {
        let too_large = |e: FieldError| ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, e.to_string());
        line::check_text("description", &self.description, line::DESCRIPTION_CAP)
            .and_then(|()| line::check_text("body (release notes)", &self.body, line::NOTES_CAP))
            .and_then(|()| line::check_text("home", &self.home, line::SHORT_TEXT_CAP))
            .and_then(|()| line::check_list("tags", &self.tags))
            .and_then(|()| line::check_list("provider", &self.provider))
            .map_err(too_large)?;
        self.readme = line::cap_readme(&self.readme).0;
        let maps = [&self.service, &self.command, &self.properties];
        let size: usize = maps
            .iter()
            .map(|map| serde_json::to_vec(map).map_or(0, |bytes| bytes.len()))
            .sum();
        if size > line::LINE_CAP / 2 {
            return Err(too_large(FieldError::TooLong {
                field: "service, command and properties",
                size,
                limit: line::LINE_CAP / 2,
            }));
        }
        Ok(())
    }
}

fn invalid(detail: impl std::fmt::Display) -> ApiError {
    ApiError::bad_request(format!("Invalid package data: {detail}"))
}

/// Whether `caller` may publish to a package whose record is `record` (`None`: a new name,
/// which anyone allowed to publish may claim). Runs on the writer thread, so the answer
/// cannot change before the commit.
fn may_publish(
    app: &App,
    caller: &Caller,
    canonical: &str,
    record: Option<&PackageRecord>,
) -> Result<(), ApiError> {
    if record.is_none() || caller.is_admin() {
        return Ok(());
    }
    let user_id = caller.user.id;
    let role = app.db.with(|c| owners::role(c, canonical, user_id))?;
    role.map(|_| ())
        .ok_or_else(|| ApiError::forbidden(MODIFY_DENIED))
}

async fn create_release(State(app): State<Arc<App>>, authed: Authed) -> Result<Response, ApiError> {
    let Authed {
        caller,
        body,
        parts,
    } = authed;
    app.limits
        .check(Limit::Publish, &format!("user:{}", caller.user.username))?;
    let mut request: ReleaseRequest = parse_json(&parts.headers, &body)?;
    let name = PackageName::parse(request.name.as_deref().unwrap_or_default()).map_err(invalid)?;
    let version =
        Version::parse(request.version.as_deref().unwrap_or_default()).map_err(invalid)?;
    let kind_given = request.kind.as_deref().unwrap_or("Component");
    let kind = PackageType::parse(kind_given).ok_or_else(|| {
        invalid(format!(
            "type must be Component, Plugin, Project or Application, not {kind_given:?}"
        ))
    })?;
    request.kind = Some(kind.as_str().to_owned());
    request.check_caps()?;
    let canonical = name.canonical();
    caller
        .require(Action::Publish, &canonical)
        .map_err(|_| ApiError::forbidden(MODIFY_DENIED))?;

    let check_app = app.clone();
    let check_caller = caller.clone();
    let (check_name, check_version, check_canonical) =
        (name.clone(), version.clone(), canonical.clone());
    app.writer
        .run(move |registry| {
            registry.check_publishable::<ApiError>(&check_name, &check_version, |record| {
                may_publish(&check_app, &check_caller, &check_canonical, record)
            })
        })
        .await??;

    let now = app.now();
    let expires = now + app.settings.upload_ttl;
    let upload = Upload {
        id: new_upload_id(),
        user_id: caller.user.id,
        name: name.to_string(),
        version: version.to_string(),
        release: serde_json::to_value(&request).unwrap_or(Value::Null),
        expires_at: expires.unix_timestamp(),
        used_at: None,
    };
    let upload_url = format!("{}/upload/{}", app.config.api_url(), upload.id);
    let (ip, user, target) = (
        client_ip(&parts),
        caller.user.clone(),
        format!("{name}@{version}"),
    );
    let at = now.unix_timestamp();
    let record = upload.clone();
    let max_pending = app.settings.max_pending_uploads;
    let refused = app
        .db
        .run(move |c| {
            owners::purge_expired(c, at)?;
            let (pending, first_expiry) = owners::pending_uploads(c, record.user_id, at)?;
            if pending >= max_pending {
                return Ok(Some(first_expiry.unwrap_or(at).saturating_sub(at)));
            }
            owners::create_upload(c, &record, at)?;
            audit::record(
                c,
                at,
                Some(&user),
                "release_create",
                &target,
                &json!({}),
                &ip,
            )?;
            Ok(None)
        })
        .await?;
    if let Some(wait) = refused {
        return Err(ApiError::retry(
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "This account has {max_pending} announced uploads waiting for their zip; \
                 send those, or wait until one expires"
            ),
            wait.unsigned_abs(),
        ));
    }
    let answer = json!({
        "name": name.as_str(),
        "tag_name": version.to_string(),
        "created_at": clock::rfc3339(now),
        "zipball_url": app.config.zipball_url(name.as_str(), &version.to_string()),
        "description": request.description,
        "type": kind.as_str(),
        "provider": request.provider,
        "tags": request.tags,
        "readme": request.readme,
        "home": request.home,
        "upload_url": upload_url,
        "upload_expires": clock::rfc3339(expires),
    });
    Ok((StatusCode::CREATED, Json(answer)).into_response())
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
    E: std::fmt::Display,
{
    let reader = StreamReader::new(stream.map_err(|e| std::io::Error::other(e.to_string())));
    let bridge = SyncIoBridge::new(reader);
    let (blobs, limit) = (app.blobs.clone(), app.zip_limits.max_zip_bytes);
    let staged = tokio::task::spawn_blocking(move || blobs.stage(bridge, limit))
        .await
        .map_err(|e| ApiError::internal(&e))?;
    staged.map_err(|e| match e {
        StageError::TooLarge { .. } => ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, e.to_string()),
        StageError::Io(_) => {
            ApiError::bad_request(format!("Could not read the upload: {}", chain(&e)))
        }
    })
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

/// An upload request, authenticated, its URL checked and its announced size within the
/// limit; the body not yet read.
struct IncomingUpload {
    caller: Caller,
    parts: axum::http::request::Parts,
    body: axum::body::Body,
    signature: SharedSignature,
    upload: Upload,
}

async fn incoming(
    app: &App,
    path: Result<Path<String>, PathRejection>,
    authed: AuthedStream,
) -> Result<IncomingUpload, ApiError> {
    let AuthedStream {
        caller,
        parts,
        body,
        pending,
    } = authed;
    let upload = pending_upload(app, &caller, upload_id(path)?).await?;
    refuse_oversized(app, &parts.headers)?;
    Ok(IncomingUpload {
        caller,
        parts,
        body,
        signature: Arc::new(Mutex::new(pending)),
        upload,
    })
}

async fn upload_raw(
    State(app): State<Arc<App>>,
    path: Result<Path<String>, PathRejection>,
    authed: AuthedStream,
) -> Result<Json<Value>, ApiError> {
    let IncomingUpload {
        caller,
        parts,
        body,
        signature,
        upload,
    } = incoming(&app, path, authed).await?;
    let staged = stage(
        &app,
        Box::pin(tap(body.into_data_stream(), signature.clone())),
    )
    .await?;
    verify(&signature)?;
    finish(app, caller, client_ip(&parts), upload, staged).await
}

async fn upload_multipart(
    State(app): State<Arc<App>>,
    path: Result<Path<String>, PathRejection>,
    authed: AuthedStream,
) -> Result<Json<Value>, ApiError> {
    let IncomingUpload {
        caller,
        parts,
        body,
        signature,
        upload,
    } = incoming(&app, path, authed).await?;
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
    finish(app, caller, client_ip(&parts), upload, staged).await
}

/// Inspects a staged zip, checks it is the announced release, and publishes it.
async fn finish(
    app: Arc<App>,
    caller: Caller,
    ip: String,
    upload: Upload,
    staged: Staged,
) -> Result<Json<Value>, ApiError> {
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
            let published = registry.publish(staged, &inspected, &release, &author, now, |record| {
                caller.require(Action::Publish, &canonical).map_err(|_| ApiError::forbidden(MODIFY_DENIED))?;
                may_publish(&job_app, &caller, &canonical, record)?;
                // A new name is claimed before its commit, not after: a server killed
                // between the two would leave a package nobody may publish to. On the
                // writer thread, nothing can claim the name in between.
                if record.is_none() {
                    job_app.db.with(|c| owners::claim(c, &canonical, caller.user.id, at))?;
                }
                Ok::<(), ApiError>(())
            })?;
            let target = format!("{}@{}", published.name, published.version);
            let details = json!({ "sha256": published.sha256, "size": published.size, "commit": published.commit });
            job_app.db.with(|c| {
                owners::mark_used(c, &upload.id, at)?;
                audit::record(c, at, Some(&caller.user), "publish", &target, &details, &ip)
            })?;
            Ok(published)
        })
        .await??;
    Ok(Json(json!({
        "message": "Package uploaded successfully",
        "name": published.name,
        "version": published.version,
        "sha256": published.sha256,
        "size": published.size,
        "release_url": published.release_url,
        "zipball_url": published.zipball_url,
        "page_url": published.page_url,
    })))
}

/// The author an account's changes are committed as. An account registered before e-mail
/// addresses were checked as they are now may hold one git refuses; it is committed under
/// the account name alone rather than failing every write it makes.
fn author_of(user: &users::User) -> Author {
    if check_email(&user.email).is_ok() {
        Author {
            name: user.username.clone(),
            email: user.email.clone(),
        }
    } else {
        Author::named(&user.username)
    }
}

/// Parses a package path; a name or version that cannot exist is simply not found.
fn package_path(
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<(PackageName, Version), ApiError> {
    let not_found = || ApiError::not_found("Package or version not found");
    let Path((name, version)) = path.map_err(|_| not_found())?;
    Ok((
        PackageName::parse(&name).map_err(|_| not_found())?,
        Version::parse(&version).map_err(|_| not_found())?,
    ))
}

/// Runs a change to an existing package on the writer: 404 when the package does not exist,
/// 403 unless the caller's scopes allow `action` and they maintain the package (or are an
/// administrator), then `change`, then an audit entry.
#[expect(
    clippy::too_many_arguments,
    reason = "one call site per endpoint, each naming every piece"
)]
async fn change_package<T: Send + 'static>(
    app: &Arc<App>,
    caller: Caller,
    ip: String,
    name: PackageName,
    action: Action,
    denied: &'static str,
    audit_action: &'static str,
    target: String,
    change: impl FnOnce(&mut Registry, &Author) -> Result<T, RegistryError> + Send + 'static,
) -> Result<T, ApiError> {
    let job_app = app.clone();
    let now = app.now().unix_timestamp();
    app.writer
        .run(move |registry: &mut Registry| -> Result<T, ApiError> {
            let canonical = name.canonical();
            let exists = registry
                .record(&name)?
                .is_some_and(|r| r.live().next().is_some());
            if !exists {
                return Err(ApiError::not_found("Package or version not found"));
            }
            caller
                .require(action, &canonical)
                .map_err(|_| ApiError::forbidden(denied))?;
            if !caller.is_admin() {
                let user_id = caller.user.id;
                let role = job_app.db.with(|c| owners::role(c, &canonical, user_id))?;
                if role.is_none() {
                    return Err(ApiError::forbidden(denied));
                }
            }
            let author = author_of(&caller.user);
            let out = change(registry, &author)?;
            job_app.db.with(|c| {
                audit::record(
                    c,
                    now,
                    Some(&caller.user),
                    audit_action,
                    &target,
                    &json!({}),
                    &ip,
                )
            })?;
            Ok(out)
        })
        .await?
}

async fn delete_version(
    State(app): State<Arc<App>>,
    path: Result<Path<(String, String)>, PathRejection>,
    authed: Authed,
) -> Result<StatusCode, ApiError> {
    let (name, version) = package_path(path)?;
    let ip = client_ip(&authed.parts);
    let target = format!("{name}@{version}");
    let now = app.now();
    change_package(
        &app,
        authed.caller,
        ip,
        name.clone(),
        Action::Delete,
        DELETE_DENIED,
        "delete",
        target,
        move |registry, author| {
            registry.delete(name.as_str(), Some(&version.to_string()), author, now)
        },
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn set_yanked(
    app: Arc<App>,
    path: Result<Path<(String, String)>, PathRejection>,
    authed: Authed,
    yanked: bool,
) -> Result<Json<Value>, ApiError> {
    let (name, version) = package_path(path)?;
    let ip = client_ip(&authed.parts);
    let target = format!("{name}@{version}");
    let (verb, audit_action) = if yanked {
        ("yank", "yank")
    } else {
        ("unyank", "unyank")
    };
    let denied = if yanked {
        "You don't have permission to yank this package version"
    } else {
        "You don't have permission to unyank this package version"
    };
    let version_text = version.to_string();
    let changed = change_package(
        &app,
        authed.caller,
        ip,
        name.clone(),
        Action::Yank,
        denied,
        audit_action,
        target.clone(),
        move |registry, author| registry.set_yanked(name.as_str(), &version_text, yanked, author),
    )
    .await?;
    let message = if changed {
        format!("{target}: {verb} done")
    } else {
        format!("{target} was already in that state")
    };
    Ok(Json(json!({ "message": message, "yanked": yanked })))
}

async fn yank(
    State(app): State<Arc<App>>,
    path: Result<Path<(String, String)>, PathRejection>,
    authed: Authed,
) -> Result<Json<Value>, ApiError> {
    set_yanked(app, path, authed, true).await
}

async fn unyank(
    State(app): State<Arc<App>>,
    path: Result<Path<(String, String)>, PathRejection>,
    authed: Authed,
) -> Result<Json<Value>, ApiError> {
    set_yanked(app, path, authed, false).await
}

#[derive(Debug, Deserialize)]
struct MaintainerRequest {
    username: Option<String>,
    role: Option<String>,
}

/// Checks the caller may manage maintainers of `name`: the package exists (404), the
/// credential allows it and the caller owns the package or is an administrator (403).
async fn may_manage(
    app: &App,
    caller: &Caller,
    name: &str,
    denied: &'static str,
) -> Result<String, ApiError> {
    let parsed = PackageName::parse(name).map_err(|_| ApiError::not_found("Package not found"))?;
    let canonical = parsed.canonical();
    let exists = app.catalog.contains_canonical(&canonical);
    if !exists {
        return Err(ApiError::not_found("Package not found"));
    }
    caller
        .require(Action::Maintainers, &canonical)
        .map_err(|_| ApiError::forbidden(denied))?;
    if !caller.is_admin() {
        let (package, user_id) = (canonical.clone(), caller.user.id);
        let role = app
            .db
            .run(move |c| owners::role(c, &package, user_id))
            .await?;
        if role != Some(Role::Owner) {
            return Err(ApiError::forbidden(denied));
        }
    }
    Ok(canonical)
}

async fn add_maintainer(
    State(app): State<Arc<App>>,
    path: Result<Path<String>, PathRejection>,
    authed: Authed,
) -> Result<Json<Value>, ApiError> {
    let Path(name) = path.map_err(|_| ApiError::not_found("Package not found"))?;
    let request: MaintainerRequest = parse_json(&authed.parts.headers, &authed.body)?;
    let username = request
        .username
        .map(|u| u.trim().to_owned())
        .filter(|u| !u.is_empty());
    let username =
        username.ok_or_else(|| ApiError::bad_request("Missing new maintainer username"))?;
    let role_text = request.role.unwrap_or_else(|| "maintainer".to_owned());
    let role = Role::parse(&role_text)
        .ok_or_else(|| ApiError::bad_request("role must be \"owner\" or \"maintainer\""))?;
    let caller = authed.caller;
    let canonical = may_manage(&app, &caller, &name, ADD_MAINTAINER_DENIED).await?;
    let (ip, now) = (client_ip(&authed.parts), app.now().unix_timestamp());
    let (who, target) = (username.clone(), name.clone());
    let added = app
        .db
        .run(move |c| {
            let Some(user) = users::find_by_name(c, &who)? else {
                return Ok(false);
            };
            owners::set_role(c, &canonical, user.id, role, now, Some(caller.user.id))?;
            let details = json!({ "username": user.username, "role": role.as_str() });
            audit::record(
                c,
                now,
                Some(&caller.user),
                "maintainer_add",
                &target,
                &details,
                &ip,
            )?;
            Ok(true)
        })
        .await?;
    if !added {
        return Err(ApiError::not_found("User not found"));
    }
    Ok(Json(
        json!({ "message": format!("Added {username} as {} to {name}", role.as_str()) }),
    ))
}

async fn remove_maintainer(
    State(app): State<Arc<App>>,
    path: Result<Path<(String, String)>, PathRejection>,
    authed: Authed,
) -> Result<Json<Value>, ApiError> {
    let Path((name, username)) = path.map_err(|_| ApiError::not_found(NOT_A_MAINTAINER))?;
    let caller = authed.caller;
    let canonical = may_manage(&app, &caller, &name, REMOVE_MAINTAINER_DENIED).await?;
    let (ip, now) = (client_ip(&authed.parts), app.now().unix_timestamp());
    let (who, target) = (username.clone(), name.clone());
    let removed = app
        .db
        .run(move |c| {
            let Some(user) = users::find_by_name(c, &who)? else {
                return Ok(false);
            };
            match owners::role(c, &canonical, user.id)? {
                None => return Ok(false),
                // The last owner stays: a package must always have someone who can manage it.
                Some(Role::Owner) if owners::owner_count(c, &canonical)? <= 1 => return Ok(false),
                Some(_) => {}
            }
            owners::remove(c, &canonical, user.id)?;
            audit::record(
                c,
                now,
                Some(&caller.user),
                "maintainer_remove",
                &target,
                &json!({ "username": user.username }),
                &ip,
            )?;
            Ok(true)
        })
        .await?;
    if !removed {
        return Err(ApiError::not_found(NOT_A_MAINTAINER));
    }
    Ok(Json(
        json!({ "message": format!("Removed {username} from maintainers of {name}") }),
    ))
}
