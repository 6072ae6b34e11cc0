//! The official Serverless Devs client's own registry API, so that `s registry publish`,
//! `list`, `detail`, `delete` and `login --retoken` work against Shelf (observed with
//! `@serverless-devs/s` 3.1.10; PROTOCOL.md section 3).
//!
//! The user points the client at `{base}/v3` (`s set registry http://HOST/v3`) and gives it
//! a code made with `shelf token create --kind s-client` (`s registry login --token CODE`,
//! or `serverless_devs_registry_token`). The code is an API key whose id is `md5(code)`:
//! every request carries `token` = md5(code), `nonce`, `timestamp` and `sign_code` =
//! sha256(code + nonce + timestamp), so Shelf keeps the code as it keeps a key's secret, and
//! the code itself never travels. The signature covers neither the path nor the body; the
//! nonce is recorded only once the signature verified, and a timestamp must be within the
//! signature window, as for signed requests ([`super::auth`]).
//!
//! The client's quirks shape the routes:
//! - `POST {base}/packages/releases` is form-encoded and chunked; its field `publish` holds
//!   the publish.yaml text, `version_body` the release notes, `readme` the readme. It is
//!   answered `{"request_id", "body": {"url"}}`, and the client then `PUT`s the raw zip to
//!   that URL **with no credentials**: the URL authorises itself (a random id, bound to the
//!   announcing code, valid until the code is revoked or the URL expires or is used).
//! - The client builds POST and DELETE requests from the host and path alone, so they reach
//!   port 80 whatever port the registry URL names: run the registry on port 80.
//! - It ignores HTTP statuses: an error reaches the user only as a JSON string in `body`
//!   (`{"request_id", "body": "message"}`), which every refusal here answers, with the same
//!   4xx status [`ApiError`] decides everywhere else.
//! - `s registry detail` reads `{base}/packages/{name}/release`, and a component's
//!   `release/latest`: files of the site, answered as any static host would.

use std::{collections::HashMap, sync::Arc};

use axum::{
    Json,
    body::Body,
    extract::{Path, Query, State, rejection::PathRejection, rejection::QueryRejection},
    http::{HeaderMap, HeaderValue, StatusCode, header, request::Parts},
    response::{IntoResponse, Response},
};
use md5::Md5;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::api::{
    App,
    auth::{Caller, Credential, header_str},
    error::ApiError,
    extract::{read_limited, saturating_count},
    files,
    limits::client_ip,
    openapi::{SClientAuthRefusals, SClientBodyRefusals},
};

use super::{
    packages::{DELETE_DENIED, change_package},
    releases::{ReleaseRequest, announce},
    uploads::{Uploaded, receive_raw},
};
use crate::{
    auth::{scope::Scopes, token},
    db::{audit, keys, packages as owners},
    serverless::package::{PackageName, Version, manifest},
    site::docs::SearchEntry,
};

/// Where the client's requests arrive, relative to the registry's root.
pub const PREFIX: &str = "/v3";

/// The longest form `s registry publish` may send: publish.yaml, readmes, notes and s.yaml
/// texts (each of which has its own cap further on).
const MAX_FORM_BYTES: usize = 4 << 20;

/// Packages per page of `s registry list`.
pub const PAGE_SIZE: usize = 20;

/// What a request without a code is told.
const NO_CODE: &str = "This request carries no Shelf code: create one with `shelf token \
                       create --kind s-client`, then run `s registry login --token CODE`";

/// What a code that is unknown, revoked or expired, or a wrong signature, is told.
const BAD_CODE: &str = "Unknown, revoked or expired code, or a wrong sign_code";

/// The routes of this group.
pub fn routes() -> OpenApiRouter<Arc<App>> {
    OpenApiRouter::new()
        .routes(files::beside_site(routes!(publish, list)))
        .routes(files::api_only(routes!(list_own)))
        .routes(files::beside_site(routes!(delete_version)))
        .routes(files::api_only(routes!(upload)))
        .routes(files::api_only(routes!(retoken)))
        .routes(files::api_only(routes!(login_check)))
}

/// Every answer: the client reads `body` (and `request_id` in its debug log).
#[derive(Debug, Serialize, ToSchema)]
pub struct Answer<T> {
    /// A random id for this answer.
    pub request_id: String,
    /// What was asked for; on a refusal, the message as a string.
    pub body: T,
}

fn answer<T>(body: T) -> Json<Answer<T>> {
    Json(Answer {
        request_id: token::new_upload_id(),
        body,
    })
}

/// A refusal, as the client shows it: the message in `body`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Refusal {
    /// A random id for this answer.
    pub request_id: String,
    /// What is wrong, for a person to read.
    pub body: String,
}

/// A refusal in the client's shape ([`Refusal`]), with the status and `Retry-After`
/// [`ApiError`] decided.
#[derive(Debug)]
pub struct SClientError(pub ApiError);

impl From<ApiError> for SClientError {
    fn from(error: ApiError) -> Self {
        SClientError(error)
    }
}

impl From<crate::db::DbError> for SClientError {
    fn from(error: crate::db::DbError) -> Self {
        SClientError(error.into())
    }
}

impl IntoResponse for SClientError {
    fn into_response(self) -> Response {
        let ApiError {
            status,
            message,
            retry_after,
        } = self.0;
        let refusal = Refusal {
            request_id: token::new_upload_id(),
            body: message,
        };
        let mut response = (status, Json(refusal)).into_response();
        if let Some(secs) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

type Result<T> = std::result::Result<T, SClientError>;

/// Lowercase hex of `bytes`' digest under `D`.
fn hex_digest<D: md5::Digest>(parts: &[&str]) -> String {
    let mut digest = D::new();
    for part in parts {
        digest.update(part.as_bytes());
    }
    hex::encode(digest.finalize())
}

/// Compares two strings in time that depends on their lengths only.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |diff, (x, y)| diff | (x ^ y))
            == 0
}

/// The key id of an `s` client code: the `token` header the client sends.
#[must_use]
pub fn code_key_id(code: &str) -> String {
    hex_digest::<Md5>(&[code])
}

/// The `sign_code` the client sends for `code`, `nonce` and `timestamp`.
#[must_use]
pub fn sign_code(code: &str, nonce: &str, timestamp: &str) -> String {
    hex_digest::<Sha256>(&[code, nonce, timestamp])
}

/// Authenticates an `s` client's request from its four headers.
///
/// # Errors
/// 401 naming what is missing or wrong; 401 for a replayed nonce; 429/503 when the key's
/// nonce memory is busy or full.
async fn authenticate(app: &App, headers: &HeaderMap) -> std::result::Result<Caller, ApiError> {
    let Some(key_id) = header_str(headers, "token") else {
        return Err(ApiError::unauthorized(NO_CODE));
    };
    let missing = |name| ApiError::unauthorized(format!("Missing {name} header"));
    let nonce = header_str(headers, "nonce").ok_or_else(|| missing("nonce"))?;
    let timestamp_raw = header_str(headers, "timestamp").ok_or_else(|| missing("timestamp"))?;
    let provided = header_str(headers, "sign_code").ok_or_else(|| missing("sign_code"))?;
    if nonce.len() > 128 {
        return Err(ApiError::unauthorized(
            "nonce is longer than 128 characters",
        ));
    }
    let timestamp: i64 = timestamp_raw
        .parse()
        .map_err(|_| ApiError::unauthorized("timestamp must be Unix time in seconds"))?;
    let now = app.now().unix_timestamp();
    let window = i64::try_from(app.settings.signature_window.as_secs()).unwrap_or(i64::MAX);
    if timestamp.abs_diff(now) > window.unsigned_abs() {
        return Err(ApiError::unauthorized(format!(
            "timestamp is more than {window} seconds away from the server's clock"
        )));
    }
    let lookup = key_id.to_owned();
    let found = app.db.run(move |c| keys::lookup(c, &lookup, now)).await?;
    let (row, code, user) = found.ok_or_else(|| ApiError::unauthorized(BAD_CODE))?;
    // A key's secret whose md5 is not its id is an ordinary HMAC key, not an `s` code.
    let expected = sign_code(&code, nonce, timestamp_raw);
    if !same(&code_key_id(&code), &row.key_id) || !same(&expected, &provided.to_lowercase()) {
        return Err(ApiError::unauthorized(BAD_CODE));
    }
    // Only now, with the signature good, is the nonce remembered: a stranger who knows the
    // md5 cannot fill the memory.
    app.nonces
        .check_and_insert(&row.key_id, nonce, timestamp.saturating_add(window), now)
        .map_err(crate::api::auth::nonce_error)?;
    let scopes = Scopes::parse(&row.scopes).map_err(|_| ApiError::unauthorized(BAD_CODE))?;
    Ok(Caller {
        user,
        scopes,
        credential: Credential::Key { id: row.id },
    })
}

/// `s registry publish`'s form. Other fields (`publish_en`, `syaml`, `flowyaml`, …) are read
/// and ignored.
#[derive(ToSchema)]
struct PublishForm {
    /// The publish.yaml text.
    #[schema(min_length = 1)]
    publish: String,
    /// `version.md`: the release notes.
    #[schema(required = false)]
    version_body: String,
    /// `readme.md`.
    #[schema(required = false)]
    readme: String,
}

impl PublishForm {
    fn parse(bytes: &[u8]) -> std::result::Result<Self, ApiError> {
        let mut fields: HashMap<String, String> = form_urlencoded::parse(bytes)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let publish = fields
            .remove("publish")
            .filter(|text| !text.trim().is_empty())
            .ok_or_else(|| ApiError::bad_request("The form has no publish.yaml (field publish)"))?;
        Ok(PublishForm {
            publish,
            version_body: fields.remove("version_body").unwrap_or_default(),
            readme: fields.remove("readme").unwrap_or_default(),
        })
    }
}

/// The answer of a publish: where to `PUT` the zip.
#[derive(Debug, Serialize, ToSchema)]
pub struct UploadTarget {
    /// The absolute upload URL; it authorises itself.
    pub url: String,
}

/// `s registry publish`: announces the release publish.yaml names.
#[utoipa::path(
    post,
    path = "/v3/packages/releases",
    operation_id = "s_publish",
    tag = "s client",
    security(("sToken" = [], "sNonce" = [], "sTimestamp" = [], "sSignCode" = [])),
    request_body(content = PublishForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        SClientAuthRefusals,
        SClientBodyRefusals,
        (
            status = 200,
            description = "Announced: PUT the zip to body.url",
            body = Answer<UploadTarget>,
        ),
        (status = 400, description = "No or an invalid publish.yaml", body = Refusal),
        (status = 403, description = "The code may not publish this name", body = Refusal),
        (status = 409, description = "The version exists or existed", body = Refusal),
        (status = 413, description = "The form or a field is too large", body = Refusal),
        (status = 415, description = "Not a form", body = Refusal),
        (status = 429, description = "Over the publish quota or pending uploads", body = Refusal),
    ),
)]
async fn publish(
    State(app): State<Arc<App>>,
    parts: Parts,
    body: Body,
) -> Result<Json<Answer<UploadTarget>>> {
    let caller = authenticate(&app, &parts.headers).await?;
    let form_type = header_str(&parts.headers, header::CONTENT_TYPE.as_str()).unwrap_or("");
    if !form_type.starts_with("application/x-www-form-urlencoded") {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Expected a form (application/x-www-form-urlencoded), as `s registry publish` sends",
        )
        .into());
    }
    let bytes = read_limited(&parts.headers, body, MAX_FORM_BYTES).await?;
    let form = PublishForm::parse(&bytes)?;
    let manifest = manifest::parse(form.publish.as_bytes()).map_err(|e| {
        ApiError::bad_request(format!(
            "publish.yaml is not a valid package manifest: {}",
            crate::api::error::chain(&e)
        ))
    })?;
    let request = ReleaseRequest {
        name: Some(manifest.name.to_string()),
        version: Some(manifest.version.to_string()),
        kind: Some(manifest.kind.as_str().to_owned()),
        body: form.version_body,
        readme: form.readme,
        ..ReleaseRequest::default()
    };
    let key_id = header_str(&parts.headers, "token").map(str::to_owned);
    let announced = announce(&app, &caller, client_ip(&parts), request, key_id).await?;
    let url = format!(
        "{}{PREFIX}/uploads/{}",
        app.config.api_url(),
        announced.upload.id
    );
    Ok(answer(UploadTarget { url }))
}

/// The zip of a release `s registry publish` announced; the URL authorises itself.
#[utoipa::path(
    put,
    path = "/v3/uploads/{id}",
    operation_id = "s_upload",
    tag = "s client",
    params(("id" = String, Path, description = "The id in the announced URL")),
    request_body(content = String, content_type = "application/zip"),
    responses(
        SClientBodyRefusals,
        (status = 200, description = "Published", body = Answer<Uploaded>),
        (status = 400, description = "Not a package zip, or not the announced one", body = Refusal),
        (status = 403, description = "The code may no longer publish this name", body = Refusal),
        (status = 404, description = "Unknown, expired or used upload URL", body = Refusal),
        (status = 409, description = "The version was published meanwhile", body = Refusal),
        (status = 413, description = "The zip is over the size limit", body = Refusal),
        (status = 503, description = "Too many files open: send it again", body = Refusal),
    ),
)]
async fn upload(
    State(app): State<Arc<App>>,
    path: std::result::Result<Path<String>, PathRejection>,
    parts: Parts,
    body: Body,
) -> Result<Json<Answer<Uploaded>>> {
    let invalid = || ApiError::not_found("Invalid upload URL");
    let Path(id) = path.map_err(|_| invalid())?;
    let now = app.now().unix_timestamp();
    let found = app
        .db
        .run(move |c| {
            let Some(upload) = owners::upload(c, &id)? else {
                return Ok(None);
            };
            let Some(key_id) = upload.key_id.clone() else {
                return Ok(None);
            };
            Ok(keys::lookup(c, &key_id, now)?.map(|key| (upload, key)))
        })
        .await?;
    // Only URLs an `s` code announced authorise themselves, and only while the code is valid.
    let (upload, (row, _, user)) = found
        .filter(|(u, (_, _, user))| {
            u.used_at.is_none() && u.expires_at >= now && u.user_id == user.id
        })
        .ok_or_else(invalid)?;
    let scopes = Scopes::parse(&row.scopes).map_err(|_| invalid())?;
    let caller = Caller {
        user,
        scopes,
        credential: Credential::Key { id: row.id },
    };
    let uploaded = receive_raw(app, caller, &parts, body, upload, None).await?;
    Ok(answer(uploaded))
}

/// `s registry list`'s query. `category` and `tag` are names here (the client's own registry
/// numbers them); `search` matches as `GET /search` does.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ListQuery {
    /// Page, from 1 (0 is 1); 20 packages a page.
    #[serde(default, deserialize_with = "saturating_count")]
    #[param(value_type = Option<usize>, minimum = 0)]
    page: Option<u64>,
    /// Only packages of this category (by name, in any case).
    category: Option<String>,
    /// Only packages with this tag (in any case).
    tag: Option<String>,
    /// Only packages matching this, best first (as `GET /search`).
    search: Option<String>,
}

/// One package in `s registry list`, which prints `type`, `name`, `description`,
/// `category.name` and `tags`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ListedPackage {
    /// Package name.
    pub name: String,
    /// Package type.
    #[serde(rename = "type")]
    pub kind: String,
    /// Description.
    pub description: String,
    /// Category.
    pub category: Category,
    /// Tags.
    pub tags: Vec<String>,
    /// Providers.
    pub provider: Vec<String>,
    /// The latest version, if one is installable.
    pub latest: Option<String>,
    /// When the newest version was published, RFC 3339.
    pub updated: String,
}

/// A category, as the client reads it (`category.name`).
#[derive(Debug, Serialize, ToSchema)]
pub struct Category {
    /// Its name.
    pub name: String,
}

impl ListedPackage {
    fn of(entry: &SearchEntry) -> Self {
        ListedPackage {
            name: entry.name.clone(),
            kind: entry.kind.clone(),
            description: entry.description.clone(),
            category: Category {
                name: entry.category.clone(),
            },
            tags: entry.tags.clone(),
            provider: entry.provider.clone(),
            latest: entry.latest.clone(),
            updated: entry.updated.clone(),
        }
    }
}

fn list_query(
    query: std::result::Result<Query<ListQuery>, QueryRejection>,
) -> std::result::Result<ListQuery, ApiError> {
    query
        .map(|Query(q)| q)
        .map_err(|e| ApiError::bad_request(format!("Invalid query: {e}")))
}

/// The page `page` (from 1) of the entries `keep` accepts, by name (or by rank, with a
/// search term).
fn page_of(
    app: &App,
    query: &ListQuery,
    keep: impl Fn(&SearchEntry) -> bool,
) -> Vec<ListedPackage> {
    let page = query
        .page
        .map_or(1, |n| usize::try_from(n).unwrap_or(usize::MAX))
        .max(1);
    let same_text = |wanted: &Option<String>, have: &str| {
        wanted
            .as_deref()
            .is_none_or(|w| w.trim().is_empty() || w.trim().eq_ignore_ascii_case(have))
    };
    let term = query.search.as_deref().map(str::trim).unwrap_or_default();
    app.catalog.read_in(crate::serverless::NAME, |entries| {
        let mut hits: Vec<(u8, &SearchEntry)> = entries
            .filter(|e| keep(e) && same_text(&query.category, &e.category))
            .filter(|e| {
                query.tag.as_deref().is_none_or(|t| {
                    t.trim().is_empty()
                        || e.tags.iter().any(|tag| tag.eq_ignore_ascii_case(t.trim()))
                })
            })
            .filter_map(|e| {
                if term.is_empty() {
                    Some((0, e))
                } else {
                    e.score(term).map(|rank| (rank, e))
                }
            })
            .collect();
        hits.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.name.cmp(&b.1.name)));
        hits.iter()
            .skip((page - 1).saturating_mul(PAGE_SIZE))
            .take(PAGE_SIZE)
            .map(|(_, e)| ListedPackage::of(e))
            .collect()
    })
}

/// `s registry list`: every package, a page at a time.
#[utoipa::path(
    get,
    path = "/v3/packages/releases",
    operation_id = "s_list",
    tag = "s client",
    params(ListQuery),
    responses(
        (status = 200, description = "One page of packages", body = Answer<Vec<ListedPackage>>),
        (status = 400, description = "A query parameter is invalid", body = Refusal),
    ),
)]
async fn list(
    State(app): State<Arc<App>>,
    query: std::result::Result<Query<ListQuery>, QueryRejection>,
) -> Result<Json<Answer<Vec<ListedPackage>>>> {
    let query = list_query(query)?;
    Ok(answer(page_of(&app, &query, |_| true)))
}

/// `s registry list --private`: the packages the code's account owns or maintains.
#[utoipa::path(
    get,
    path = "/v3/package/user",
    operation_id = "s_list_own",
    tag = "s client",
    params(ListQuery),
    security(("sToken" = [], "sNonce" = [], "sTimestamp" = [], "sSignCode" = [])),
    responses(
        SClientAuthRefusals,
        (status = 200, description = "One page of packages", body = Answer<Vec<ListedPackage>>),
        (status = 400, description = "A query parameter is invalid", body = Refusal),
    ),
)]
async fn list_own(
    State(app): State<Arc<App>>,
    parts: Parts,
    query: std::result::Result<Query<ListQuery>, QueryRejection>,
) -> Result<Json<Answer<Vec<ListedPackage>>>> {
    let caller = authenticate(&app, &parts.headers).await?;
    let query = list_query(query)?;
    let user_id = caller.user.id;
    let mine = app.db.run(move |c| owners::packages_of(c, user_id)).await?;
    let canonical = |e: &SearchEntry| {
        PackageName::parse(&e.name).map_or_else(|_| e.name.clone(), |n| n.canonical())
    };
    Ok(answer(page_of(&app, &query, |e| {
        mine.contains(&canonical(e))
    })))
}

/// The answer of a delete (any object: the client prints success for it).
#[derive(Debug, Serialize, ToSchema)]
pub struct Deleted {
    /// What was deleted.
    pub message: String,
}

/// `s registry delete`: deletes a version.
#[utoipa::path(
    delete,
    path = "/v3/packages/{name}/release/tags/{version}",
    operation_id = "s_delete_version",
    tag = "s client",
    params(
        ("name" = String, Path, description = "Package name"),
        ("version" = String, Path, description = "Version"),
    ),
    security(("sToken" = [], "sNonce" = [], "sTimestamp" = [], "sSignCode" = [])),
    responses(
        SClientAuthRefusals,
        (status = 200, description = "Deleted", body = Answer<Deleted>),
        (status = 403, description = "Not an owner, maintainer or admin", body = Refusal),
        (status = 404, description = "No such package or version", body = Refusal),
    ),
)]
async fn delete_version(
    State(app): State<Arc<App>>,
    path: std::result::Result<Path<(String, String)>, PathRejection>,
    parts: Parts,
) -> Result<Json<Answer<Deleted>>> {
    let caller = authenticate(&app, &parts.headers).await?;
    let not_found = || ApiError::not_found("Package or version not found");
    let Path((name, version)) = path.map_err(|_| not_found())?;
    let name = PackageName::parse(&name).map_err(|_| not_found())?;
    let version = Version::parse(&version).map_err(|_| not_found())?;
    let target = format!("{name}@{version}");
    let now = app.now();
    let (change_name, change_version) = (name.clone(), version.to_string());
    change_package(
        &app,
        caller,
        client_ip(&parts),
        name,
        crate::auth::scope::Action::Delete,
        DELETE_DENIED,
        "delete",
        target.clone(),
        move |registry, author| {
            registry.delete(change_name.as_str(), Some(&change_version), author, now)
        },
    )
    .await?;
    Ok(answer(Deleted {
        message: format!("Deleted {target}"),
    }))
}

/// The answer of `s registry login --retoken`.
#[derive(Debug, Serialize, ToSchema)]
pub struct NewCode {
    /// The new code, shown once; the old one stops working.
    pub safety_code: String,
}

/// `s registry login --retoken`: replaces the code with a new one.
#[utoipa::path(
    post,
    path = "/v3/user/token",
    operation_id = "s_retoken",
    tag = "s client",
    security(("sToken" = [], "sNonce" = [], "sTimestamp" = [], "sSignCode" = [])),
    responses(
        SClientAuthRefusals,
        (
            status = 200,
            description = "The new code; the old one stops working",
            body = Answer<NewCode>,
        ),
    ),
)]
async fn retoken(State(app): State<Arc<App>>, parts: Parts) -> Result<Json<Answer<NewCode>>> {
    let caller = authenticate(&app, &parts.headers).await?;
    let old = header_str(&parts.headers, "token")
        .unwrap_or_default()
        .to_owned();
    let code = new_code();
    let (key_id, secret) = (code_key_id(&code), code.clone());
    let now = app.now().unix_timestamp();
    let (user, ip) = (caller.user, client_ip(&parts));
    let replaced = app
        .db
        .run(move |c| {
            let tx = c.transaction()?;
            let Some(old_row) = keys::list(&tx, user.id)?
                .into_iter()
                .find(|k| k.key_id == old)
            else {
                return Ok(false);
            };
            // Revoking first, and only if nobody else did, makes two racing retokens with
            // one code yield one new code.
            if !keys::revoke(&tx, user.id, &old, now)? {
                return Ok(false);
            }
            let (name, scopes, expires) = (old_row.name, old_row.scopes, old_row.expires_at);
            keys::insert(&tx, user.id, &key_id, &secret, &name, &scopes, now, expires)?;
            let details = serde_json::json!({ "old_key_id": old, "kind": "s-client" });
            audit::record(&tx, now, Some(&user), "key_rotate", &key_id, &details, &ip)?;
            tx.commit()?;
            Ok(true)
        })
        .await?;
    if !replaced {
        return Err(ApiError::unauthorized(BAD_CODE).into());
    }
    Ok(answer(NewCode { safety_code: code }))
}

/// A new `s` client code: `shelf_s_` and 32 random bytes in base64url.
#[must_use]
pub fn new_code() -> String {
    format!("shelf_s_{}", token::new_key_secret().into_exposed())
}

/// `s registry login` without `--token` starts a GitHub sign-in that polls this URL; Shelf
/// has no GitHub sign-in, and says what to do instead (a string `body` ends the polling).
#[utoipa::path(
    get,
    path = "/v3/user/check",
    operation_id = "s_login_check",
    tag = "s client",
    responses(
        (status = 404, description = "There is no GitHub sign-in: use a code", body = Refusal),
    ),
)]
async fn login_check() -> SClientError {
    SClientError(ApiError::not_found(
        "Shelf has no GitHub sign-in: create a code with `shelf token create --kind \
         s-client`, then run `s registry login --token CODE`",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_as_the_client_does() {
        // Observed from `s` 3.1.10: md5("MYCODE123") and sha256(code + nonce + timestamp).
        assert_eq!(code_key_id("MYCODE123"), "8d522e23d4e1f6df0cdaf58e500d7c35");
        let sign = sign_code("MYCODE123", "NydvGwNt1D9d8Kc", "1796030457");
        assert!(sign.starts_with("c873eacd"), "{sign}");
        assert!(sign.ends_with("0111"), "{sign}");
        assert!(same("abc", "abc") && !same("abc", "abd") && !same("abc", "ab"));
    }

    #[test]
    fn the_form_gives_the_manifest_notes_and_readme() {
        let form = b"publish=Name%3A%20hello%0A&publish_en=&version_body=Fixes&readme=%23%20hi";
        let parsed = PublishForm::parse(form).expect("parses");
        assert_eq!(parsed.publish, "Name: hello\n");
        assert_eq!(parsed.version_body, "Fixes");
        assert_eq!(parsed.readme, "# hi");
        assert!(PublishForm::parse(b"publish=&readme=x").is_err());
    }
}
