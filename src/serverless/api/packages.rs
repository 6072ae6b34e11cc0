//! Managing published packages: delete, yank, maintainers.
//!
//! Each change runs on the one writer, which checks the package exists and the caller may
//! change it, commits, and regenerates the package's files before the answer.

use std::sync::Arc;

use axum::{
    Json,
    extract::{Path, State, rejection::PathRejection},
    http::{HeaderMap, Method, StatusCode, Uri},
    response::Response,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::api::{
    App,
    answers::Changed,
    auth::{Authed, Caller},
    error::{ApiError, ErrorBody},
    extract::parse_json,
    files,
    limits::client_ip,
    openapi::{AuthRefusals, BodyRefusals, JsonRefusals},
};

use super::uploads::author_of;
use crate::{
    auth::scope::Action,
    db::{
        audit,
        packages::{self as owners, Role},
        users,
    },
    index::Author,
    registry::{Registry, RegistryError},
    serverless::package::{PackageName, Version},
};

pub(super) const DELETE_DENIED: &str = "You don't have permission to delete this package version";
const ADD_MAINTAINER_DENIED: &str = "You don't have permission to add maintainers to this package";
const REMOVE_MAINTAINER_DENIED: &str =
    "You don't have permission to remove maintainers from this package";
const NOT_A_MAINTAINER: &str = "User is not a maintainer of this package or is the owner";

/// The routes of this group. A version's path is also its release document's, which GET
/// reads from the site.
pub fn routes() -> OpenApiRouter<Arc<App>> {
    OpenApiRouter::new()
        .routes(files::beside_site(routes!(
            release_document,
            delete_version
        )))
        .routes(files::api_only(routes!(yank, unyank)))
        .routes(files::api_only(routes!(add_maintainer)))
        .routes(files::api_only(routes!(remove_maintainer)))
}

/// The answer of a yank or unyank.
#[derive(Debug, Serialize, ToSchema)]
pub struct Yanked {
    /// What was done, or that nothing needed doing.
    pub message: String,
    /// Whether the version is now yanked.
    pub yanked: bool,
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
pub(super) async fn change_package<T: Send + 'static>(
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

/// A version's release document: a file of the site, as a static host serves it.
#[utoipa::path(
    get,
    path = "/{name}/releases/tags/{version}",
    tag = "packages",
    params(
        ("name" = String, Path, description = "Package name"),
        ("version" = String, Path, description = "Version"),
    ),
    responses(
        (
            status = 200,
            description = "The release (index/schema/release.schema.json)",
            body = Object,
        ),
        (status = 304, description = "Not modified since the validator sent"),
        (status = 404, description = "No such package or version", body = ErrorBody),
    ),
)]
async fn release_document(
    app: State<Arc<App>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    files::serve(app, method, uri, headers).await
}

/// Deletes a version: its files go, and latest is recomputed.
#[utoipa::path(
    delete,
    path = "/{name}/releases/tags/{version}",
    tag = "packages",
    params(
        ("name" = String, Path, description = "Package name"),
        ("version" = String, Path, description = "Version"),
    ),
    security(
        ("bearer" = []),
        ("apiKey" = [], "timestamp" = [], "nonce" = [], "signature" = []),
    ),
    responses(
        AuthRefusals,
        BodyRefusals,
        (status = 204, description = "Deleted"),
        (status = 403, description = "Not an owner, maintainer or admin", body = ErrorBody),
        (status = 404, description = "No such package or version", body = ErrorBody),
    ),
)]
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
) -> Result<Json<Yanked>, ApiError> {
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
    Ok(Json(Yanked { message, yanked }))
}

/// Yanks a version: still downloadable, never latest.
#[utoipa::path(
    put,
    path = "/{name}/releases/tags/{version}/yank",
    tag = "packages",
    params(
        ("name" = String, Path, description = "Package name"),
        ("version" = String, Path, description = "Version"),
    ),
    security(
        ("bearer" = []),
        ("apiKey" = [], "timestamp" = [], "nonce" = [], "signature" = []),
    ),
    responses(
        AuthRefusals,
        BodyRefusals,
        (status = 200, description = "Yanked (or already was)", body = Yanked),
        (status = 403, description = "Not an owner, maintainer or admin", body = ErrorBody),
        (status = 404, description = "No such package or version", body = ErrorBody),
    ),
)]
async fn yank(
    State(app): State<Arc<App>>,
    path: Result<Path<(String, String)>, PathRejection>,
    authed: Authed,
) -> Result<Json<Yanked>, ApiError> {
    set_yanked(app, path, authed, true).await
}

/// Takes a yank back.
#[utoipa::path(
    delete,
    path = "/{name}/releases/tags/{version}/yank",
    tag = "packages",
    params(
        ("name" = String, Path, description = "Package name"),
        ("version" = String, Path, description = "Version"),
    ),
    security(
        ("bearer" = []),
        ("apiKey" = [], "timestamp" = [], "nonce" = [], "signature" = []),
    ),
    responses(
        AuthRefusals,
        BodyRefusals,
        (status = 200, description = "Not yanked (or already was not)", body = Yanked),
        (status = 403, description = "Not an owner, maintainer or admin", body = ErrorBody),
        (status = 404, description = "No such package or version", body = ErrorBody),
    ),
)]
async fn unyank(
    State(app): State<Arc<App>>,
    path: Result<Path<(String, String)>, PathRejection>,
    authed: Authed,
) -> Result<Json<Yanked>, ApiError> {
    set_yanked(app, path, authed, false).await
}

/// `POST /{name}/maintainers` body.
#[derive(Debug, Deserialize, ToSchema)]
struct MaintainerRequest {
    /// The account to add.
    #[schema(required = true, value_type = String, pattern = r"\S")]
    username: Option<String>,
    /// `owner` or `maintainer` (the default).
    #[schema(pattern = "^(owner|maintainer)$")]
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
    let exists = app
        .catalog
        .contains(crate::serverless::NAME, &canonical, |n| n.replace('_', "-"));
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

/// Adds an owner or maintainer to a package (or changes their role).
#[utoipa::path(
    post,
    path = "/{name}/maintainers",
    tag = "packages",
    params(("name" = String, Path, description = "Package name")),
    security(
        ("bearer" = []),
        ("apiKey" = [], "timestamp" = [], "nonce" = [], "signature" = []),
    ),
    request_body(content = MaintainerRequest, content_type = "application/json"),
    responses(
        AuthRefusals,
        JsonRefusals,
        (status = 200, description = "Added", body = Changed),
        (status = 400, description = "No username, or an invalid role", body = ErrorBody),
        (status = 403, description = "Not an owner or admin", body = ErrorBody),
        (status = 404, description = "No such package or account", body = ErrorBody),
    ),
)]
async fn add_maintainer(
    State(app): State<Arc<App>>,
    path: Result<Path<String>, PathRejection>,
    authed: Authed,
) -> Result<Json<Changed>, ApiError> {
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
    Ok(Json(Changed {
        message: format!("Added {username} as {} to {name}", role.as_str()),
    }))
}

/// Removes an owner or maintainer from a package; the last owner stays.
#[utoipa::path(
    delete,
    path = "/{name}/maintainers/{username}",
    tag = "packages",
    params(
        ("name" = String, Path, description = "Package name"),
        ("username" = String, Path, description = "The account to remove"),
    ),
    security(
        ("bearer" = []),
        ("apiKey" = [], "timestamp" = [], "nonce" = [], "signature" = []),
    ),
    responses(
        AuthRefusals,
        BodyRefusals,
        (status = 200, description = "Removed", body = Changed),
        (status = 403, description = "Not an owner or admin", body = ErrorBody),
        (status = 404, description = "No such package, or not removable", body = ErrorBody),
    ),
)]
async fn remove_maintainer(
    State(app): State<Arc<App>>,
    path: Result<Path<(String, String)>, PathRejection>,
    authed: Authed,
) -> Result<Json<Changed>, ApiError> {
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
    Ok(Json(Changed {
        message: format!("Removed {username} from maintainers of {name}"),
    }))
}
