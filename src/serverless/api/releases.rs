//! Announcing a release: `POST /releases`.
//!
//! A publish is two requests, as the spec has it: `POST /releases` announces `name@version`
//! (checked: valid, new, within the caps, and the caller may publish it) and answers an
//! `upload_url`; the zip is then sent to that URL ([`super::uploads`]). [`announce`] is the
//! part every client's announcement shares (the official `s` client's is
//! [`super::s_client`]).

use std::sync::Arc;

use axum::{Json, extract::State, http::StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::api::{
    App,
    auth::{Authed, Caller},
    error::{ApiError, ErrorBody},
    extract::parse_json,
    files,
    limits::{Limit, client_ip},
    openapi::{AuthRefusals, JsonRefusals},
};
use crate::{
    auth::{scope::Action, token::new_upload_id},
    clock,
    db::{
        audit,
        packages::{self as owners, Upload},
    },
    serverless::{
        ops::check_publishable_at,
        package::{PackageName, PackageType, Version},
        record::{self as line, FieldError, PackageRecord},
    },
};

/// The answer to a caller who may not publish a package.
pub(super) const MODIFY_DENIED: &str = "You don't have permission to modify this package";

/// The routes of this group. `GET /releases` is a file of the site (a package may be called
/// `releases`), so it falls through to it.
pub fn routes() -> OpenApiRouter<Arc<App>> {
    OpenApiRouter::new().routes(files::beside_site(routes!(create_release)))
}

/// The body of `POST /releases` (the spec's fields, plus `home`, `readme` and `body`). Once
/// checked, the same shape (with `type` canonical and the readme cut) is what the pending
/// upload keeps until the zip arrives.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
pub(super) struct ReleaseRequest {
    /// Package name.
    #[schema(required = true, value_type = String, min_length = 1)]
    pub name: Option<String>,
    /// Version (semver).
    #[schema(required = true, value_type = String, min_length = 1)]
    pub version: Option<String>,
    /// Description, used when publish.yaml has none.
    #[serde(default)]
    pub description: String,
    /// `Component` (the default), `Plugin`, `Project` or `Application`, in any case.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// Cloud providers, used when publish.yaml has none.
    #[serde(default)]
    pub provider: Vec<String>,
    /// Tags, used when publish.yaml has none.
    #[serde(default)]
    pub tags: Vec<String>,
    /// `Service`, used when publish.yaml has none.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub service: Map<String, Value>,
    /// `Commands`, used when publish.yaml has none.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub command: Map<String, Value>,
    /// `Properties`, used when publish.yaml has none.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub properties: Map<String, Value>,
    /// Home page, used when publish.yaml has none.
    #[serde(default)]
    pub home: String,
    /// A readme to use instead of the zip's (cut to 64 KiB).
    #[serde(default)]
    pub readme: String,
    /// Release notes.
    #[serde(default)]
    pub body: String,
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
/// which anyone allowed to publish may claim). The upload's check runs it on the writer
/// thread, so that answer cannot change before the commit; the announcement's first look
/// runs it too, off the writer.
pub(super) fn may_publish(
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

/// A release announced and waiting for its zip.
pub(super) struct Announced {
    /// The pending upload, as stored.
    pub upload: Upload,
    /// The checked release request.
    pub request: ReleaseRequest,
    /// The package name.
    pub name: PackageName,
    /// The version.
    pub version: Version,
    /// Its type.
    pub kind: PackageType,
    /// When it was announced.
    pub now: time::OffsetDateTime,
}

/// Checks and records an announcement: the name, version and type are valid, the text is
/// within its caps, the caller's scopes and role allow publishing the name, the version is
/// new, and the account has room for another pending upload. `key_id` names the `s`
/// client's code when the upload URL is to authorise itself.
///
/// # Errors
/// 400 for invalid data, 403, 409 for a version that exists or existed, 413 past a cap,
/// 429 past the publish quota or the pending-upload cap.
pub(super) async fn announce(
    app: &Arc<App>,
    caller: &Caller,
    ip: String,
    mut request: ReleaseRequest,
    key_id: Option<String>,
) -> Result<Announced, ApiError> {
    app.limits
        .check(Limit::Publish, &format!("user:{}", caller.user.username))?;
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

    // A first look, from the index's working tree rather than on the writer, which may
    // be busy writing what the last change derives: the upload's commit looks again on the
    // writer, so a version claimed in between is still refused then.
    let check_app = app.clone();
    let check_caller = caller.clone();
    let (check_name, check_version, check_canonical) =
        (name.clone(), version.clone(), canonical.clone());
    tokio::task::spawn_blocking(move || {
        check_publishable_at::<ApiError>(
            &check_app.index_root,
            &check_name,
            &check_version,
            |record| may_publish(&check_app, &check_caller, &check_canonical, record),
        )
    })
    .await
    .map_err(|e| ApiError::internal(&e))??;

    let now = app.now();
    let upload = Upload {
        id: new_upload_id(),
        user_id: caller.user.id,
        name: name.to_string(),
        version: version.to_string(),
        release: serde_json::to_value(&request).unwrap_or(Value::Null),
        expires_at: (now + app.settings.upload_ttl).unix_timestamp(),
        used_at: None,
        key_id,
    };
    let (user, target) = (caller.user.clone(), format!("{name}@{version}"));
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
            let details = json!({});
            audit::record(c, at, Some(&user), "release_create", &target, &details, &ip)?;
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
    Ok(Announced {
        upload,
        request,
        name,
        version,
        kind,
        now,
    })
}

/// The answer of `POST /releases`: the release as it will be published, and where to send
/// the zip.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReleaseCreated {
    /// Package name.
    pub name: String,
    /// Version.
    pub tag_name: String,
    /// When it was announced, RFC 3339.
    pub created_at: String,
    /// Where the zip will be downloaded from once published.
    pub zipball_url: String,
    /// Description given.
    pub description: String,
    /// Canonical type.
    #[serde(rename = "type")]
    pub kind: String,
    /// Providers given.
    pub provider: Vec<String>,
    /// Tags given.
    pub tags: Vec<String>,
    /// Readme given (cut to 64 KiB).
    pub readme: String,
    /// Home page given.
    pub home: String,
    /// Where to `PUT` the zip (or `POST` it as multipart), with this account's credentials.
    pub upload_url: String,
    /// When the upload URL stops working, RFC 3339.
    pub upload_expires: String,
}

/// Announces `name@version`: checked, and answered with where to send the zip.
#[utoipa::path(
    post,
    path = "/releases",
    tag = "publishing",
    security(
        ("bearer" = []),
        ("apiKey" = [], "timestamp" = [], "nonce" = [], "signature" = []),
    ),
    request_body(content = ReleaseRequest, content_type = "application/json"),
    responses(
        AuthRefusals,
        JsonRefusals,
        (
            status = 201,
            description = "Announced: send the zip to upload_url",
            body = ReleaseCreated,
        ),
        (status = 400, description = "The name, version or type is invalid", body = ErrorBody),
        (status = 403, description = "The caller may not publish this name", body = ErrorBody),
        (status = 409, description = "The version exists or existed", body = ErrorBody),
        (status = 413, description = "A field is over its cap (named)", body = ErrorBody),
        (status = 429, description = "Over the publish quota or pending uploads", body = ErrorBody),
    ),
)]
async fn create_release(
    State(app): State<Arc<App>>,
    authed: Authed,
) -> Result<(StatusCode, Json<ReleaseCreated>), ApiError> {
    let Authed {
        caller,
        body,
        parts,
    } = authed;
    let request: ReleaseRequest = parse_json(&parts.headers, &body)?;
    let announced = announce(&app, &caller, client_ip(&parts), request, None).await?;
    let Announced {
        upload,
        request,
        name,
        version,
        kind,
        now,
    } = announced;
    let expires = time::OffsetDateTime::from_unix_timestamp(upload.expires_at).unwrap_or(now);
    Ok((
        StatusCode::CREATED,
        Json(ReleaseCreated {
            name: name.to_string(),
            tag_name: version.to_string(),
            created_at: clock::rfc3339(now),
            zipball_url: app.config.zipball_url(name.as_str(), &version.to_string()),
            description: request.description,
            kind: kind.as_str().to_owned(),
            provider: request.provider,
            tags: request.tags,
            readme: request.readme,
            home: request.home,
            upload_url: format!("{}/upload/{}", app.config.api_url(), upload.id),
            upload_expires: clock::rfc3339(expires),
        }),
    ))
}
