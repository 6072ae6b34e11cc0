//! Credentials beyond the login token, and the audit log:
//! `POST/GET /tokens`, `DELETE /tokens/{id}`, `POST/GET /keys`, `DELETE /keys/{key_id}`,
//! `GET /audit`.
//!
//! Only a full-rights credential (a login token) may create or revoke credentials, so a
//! narrow CI token that leaks cannot mint a broader one or lock its owner out. Secrets are
//! answered once, at creation; listings never show them.

use std::sync::Arc;

use axum::{
    Json,
    extract::{Path, Query, State, rejection::PathRejection, rejection::QueryRejection},
    http::StatusCode,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    App,
    accounts::{MAX_LIFETIME_DAYS, expiry, format_unix, sentence},
    auth::{Authed, Caller, Credential},
    error::{ApiError, ErrorBody},
    extract::{parse_json, saturating_count},
    files,
    limits::client_ip,
    openapi::{AuthRefusals, BodyRefusals, JsonRefusals},
};
use crate::serverless::api::s_client;
use crate::{
    auth::{
        scope::{ScopeError, Scopes},
        token,
    },
    db::{
        audit::{self, AuditEntry},
        keys, tokens,
    },
};

/// Lifetime of a created token when the request gives none, in days.
pub const DEFAULT_TOKEN_DAYS: i64 = 30;

/// The longest token or key name, in characters.
pub const MAX_NAME_CHARS: usize = 100;

/// Audit entries per page when `?limit=` is absent.
pub const DEFAULT_AUDIT_PAGE: u32 = 100;

/// The most audit entries one page holds.
pub const MAX_AUDIT_PAGE: u32 = 1000;

/// The routes of this group.
pub fn routes() -> OpenApiRouter<Arc<App>> {
    OpenApiRouter::new()
        .routes(files::api_only(routes!(create_token, list_tokens)))
        .routes(files::api_only(routes!(revoke_token)))
        .routes(files::api_only(routes!(create_key, list_keys)))
        .routes(files::api_only(routes!(revoke_key)))
        .routes(files::api_only(routes!(list_audit)))
}

/// `POST /tokens` and `POST /keys` body.
#[derive(Debug, Deserialize, ToSchema)]
struct CreateRequest {
    /// A label for the owner's listings, e.g. `github-actions`: up to 100 characters, not
    /// all spaces, no control characters.
    #[schema(
        required = true,
        value_type = String,
        max_length = 100,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*\S[^\x00-\x1f\x7f-\x9f]*$"
    )]
    name: Option<String>,
    /// What the credential may do: `*`, `admin`, or `ACTION:GLOB` with ACTION `publish`,
    /// `yank`, `delete` or `maintainers` and GLOB `*`, `prefix*` or a package name.
    #[schema(required = true, value_type = Vec<String>, min_items = 1)]
    scopes: Option<Vec<String>>,
    /// Lifetime in days, 1 to 365; tokens default to 30, keys to never expiring.
    #[schema(minimum = 1, maximum = 365)]
    expires_in_days: Option<i64>,
    /// Keys only: `hmac` (the default: an id and a secret for `X-Signature`) or `s-client`
    /// (a code for the official `s` client).
    #[serde(default)]
    kind: KeyKind,
}

/// What a key signs with.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum KeyKind {
    /// `X-Api-Key` and an HMAC `X-Signature` (PROTOCOL.md section 4).
    #[default]
    Hmac,
    /// The official `s` client's `token` and `sign_code`: the secret is the client's code,
    /// and the key's id is its md5.
    SClient,
}

/// `POST /tokens` answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedToken {
    /// Row id, for `DELETE /tokens/{id}`.
    pub id: i64,
    /// The bearer token, shown this once.
    pub token: String,
    /// Its label.
    pub name: String,
    /// Its scopes.
    pub scopes: Vec<String>,
    /// When it stops working, RFC 3339.
    pub expires: String,
}

/// One token in `GET /tokens`.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenInfo {
    /// Row id.
    pub id: i64,
    /// Label (`""` for login tokens).
    pub name: String,
    /// Scopes.
    pub scopes: Vec<String>,
    /// Made by `/login` or `/refresh_token`.
    pub session: bool,
    /// Whether this is the token the listing was asked with.
    pub current: bool,
    /// RFC 3339.
    pub created: String,
    /// RFC 3339.
    pub expires: String,
    /// RFC 3339, if ever used.
    pub last_used: Option<String>,
}

/// `POST /keys` answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedKey {
    /// Public id, sent in `X-Api-Key` (for an `s-client` key, md5 of the code: the `token`
    /// header the client sends).
    pub key_id: String,
    /// The HMAC secret (for an `s-client` key, the code), shown this once; it never travels
    /// in a request.
    pub secret: String,
    /// What the key signs with.
    pub kind: KeyKind,
    /// Its label.
    pub name: String,
    /// Its scopes.
    pub scopes: Vec<String>,
    /// When it stops working, RFC 3339; `null` for never.
    pub expires: Option<String>,
}

/// One key in `GET /keys`.
#[derive(Debug, Serialize, ToSchema)]
pub struct KeyInfo {
    /// Public id.
    pub key_id: String,
    /// Label.
    pub name: String,
    /// Scopes.
    pub scopes: Vec<String>,
    /// RFC 3339.
    pub created: String,
    /// RFC 3339; `null` for never.
    pub expires: Option<String>,
    /// RFC 3339, if ever used.
    pub last_used: Option<String>,
}

/// `GET /audit` query.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct AuditQuery {
    /// Only entries older than this id (the previous page's `next_before`).
    before: Option<i64>,
    /// Page size: 1 to 1000 (default 100); a larger number means 1000.
    #[serde(default, deserialize_with = "saturating_count")]
    #[param(value_type = Option<usize>, minimum = 0)]
    limit: Option<u64>,
}

/// `GET /audit` answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPage {
    /// Newest first.
    pub entries: Vec<AuditEntry>,
    /// The `before` of the next page; `null` on the last page.
    pub next_before: Option<i64>,
}

/// 403 unless the caller holds every right of the account.
fn require_full(caller: &Caller) -> Result<(), ApiError> {
    if caller.is_full() {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "Only a login token can create tokens or keys",
        ))
    }
}

/// What a create request asks for, checked.
struct Checked {
    name: String,
    scopes: Vec<String>,
    lifetime_days: Option<i64>,
}

/// Checks a create request: name, scopes, lifetime.
fn check_create(
    caller: &Caller,
    request: CreateRequest,
    default_days: Option<i64>,
) -> Result<Checked, ApiError> {
    let name = request
        .name
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| ApiError::bad_request("Missing required fields: name and scopes"))?;
    let scopes = request
        .scopes
        .ok_or_else(|| ApiError::bad_request("Missing required fields: name and scopes"))?;
    if name.chars().count() > MAX_NAME_CHARS || name.chars().any(char::is_control) {
        return Err(ApiError::bad_request(format!(
            "The name must be at most {MAX_NAME_CHARS} characters, without control characters"
        )));
    }
    let parsed = Scopes::parse(&scopes).map_err(|e| match e {
        ScopeError::Empty | ScopeError::TooMany { .. } | ScopeError::Invalid { .. } => {
            ApiError::bad_request(sentence(&e.to_string()))
        }
    })?;
    // `admin` on a non-administrator's credential would grant nothing; refusing it says so
    // instead of handing out a credential that looks more powerful than it is.
    if !caller.user.is_admin && scopes.iter().any(|s| s == "admin") {
        return Err(ApiError::forbidden(
            "Only an administrator can grant the admin scope",
        ));
    }
    let lifetime_days = match request.expires_in_days.or(default_days) {
        Some(days) if (1..=MAX_LIFETIME_DAYS).contains(&days) => Some(days),
        Some(_) => {
            return Err(ApiError::bad_request(format!(
                "expires_in_days must be between 1 and {MAX_LIFETIME_DAYS}"
            )));
        }
        None => None,
    };
    Ok(Checked {
        name,
        scopes: parsed.to_strings(),
        lifetime_days,
    })
}

fn days_to_seconds(days: i64) -> u64 {
    days.unsigned_abs() * 86_400
}

/// Creates a token, narrower and longer-lived than a login token, e.g. for CI.
#[utoipa::path(
    post,
    path = "/tokens",
    tag = "credentials",
    security(
        ("bearer" = []),
        ("apiKey" = [], "timestamp" = [], "nonce" = [], "signature" = []),
    ),
    request_body(content = CreateRequest, content_type = "application/json"),
    responses(
        AuthRefusals,
        JsonRefusals,
        (status = 201, description = "The token, shown this once", body = CreatedToken),
        (status = 400, description = "A field is missing or invalid", body = ErrorBody),
        (status = 403, description = "Not a login token, or admin asked for", body = ErrorBody),
    ),
)]
async fn create_token(
    State(app): State<Arc<App>>,
    authed: Authed,
) -> Result<(StatusCode, Json<CreatedToken>), ApiError> {
    let Authed {
        caller,
        body,
        parts,
    } = authed;
    require_full(&caller)?;
    let request: CreateRequest = parse_json(&parts.headers, &body)?;
    if request.kind != KeyKind::Hmac {
        return Err(ApiError::bad_request(
            "kind applies to keys: an s-client code is made with POST /keys",
        ));
    }
    let checked = check_create(&caller, request, Some(DEFAULT_TOKEN_DAYS))?;
    let ip = client_ip(&parts);
    let now = app.now().unix_timestamp();
    let days = checked.lifetime_days.unwrap_or(DEFAULT_TOKEN_DAYS);
    let (expires_at, expires) = expiry(now, days_to_seconds(days));
    let secret = token::new_token();
    let hash = token::hash_token(secret.expose());
    let user = caller.user;
    let (name, scopes) = (checked.name.clone(), checked.scopes.clone());
    let id = app
        .db
        .run(move |conn| {
            let tx = conn.transaction()?;
            let id = tokens::insert(&tx, user.id, &hash, &name, &scopes, false, now, expires_at)?;
            let details = json!({ "name": name, "scopes": scopes, "expires_at": expires_at });
            audit::record(
                &tx,
                now,
                Some(&user),
                "token_create",
                &format!("token:{id}"),
                &details,
                &ip,
            )?;
            tx.commit()?;
            Ok(id)
        })
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedToken {
            id,
            token: secret.into_exposed(),
            name: checked.name,
            scopes: checked.scopes,
            expires,
        }),
    ))
}

/// The account's unexpired tokens.
#[utoipa::path(
    get,
    path = "/tokens",
    tag = "credentials",
    security(
        ("bearer" = []),
        ("apiKey" = [], "timestamp" = [], "nonce" = [], "signature" = []),
    ),
    responses(
        AuthRefusals,
        BodyRefusals,
        (status = 200, description = "The tokens, without their secrets", body = [TokenInfo]),
    ),
)]
async fn list_tokens(
    State(app): State<Arc<App>>,
    authed: Authed,
) -> Result<Json<Vec<TokenInfo>>, ApiError> {
    let caller = authed.caller;
    let current = match caller.credential {
        Credential::Token { id, .. } => Some(id),
        Credential::Key { .. } => None,
    };
    let now = app.now().unix_timestamp();
    let user_id = caller.user.id;
    let rows = app.db.run(move |conn| tokens::list(conn, user_id)).await?;
    let listed = rows
        .into_iter()
        .filter(|row| row.expires_at > now)
        .map(|row| TokenInfo {
            id: row.id,
            current: Some(row.id) == current,
            name: row.name,
            scopes: row.scopes,
            session: row.is_session,
            created: format_unix(row.created_at),
            expires: format_unix(row.expires_at),
            last_used: row.last_used_at.map(format_unix),
        })
        .collect();
    Ok(Json(listed))
}

/// Revokes a token of the account.
#[utoipa::path(
    delete,
    path = "/tokens/{id}",
    tag = "credentials",
    params(("id" = i64, Path, description = "The token's id")),
    security(
        ("bearer" = []),
        ("apiKey" = [], "timestamp" = [], "nonce" = [], "signature" = []),
    ),
    responses(
        AuthRefusals,
        BodyRefusals,
        (status = 204, description = "Revoked"),
        (status = 403, description = "Another token, and not a login token", body = ErrorBody),
        (status = 404, description = "No such token of this account", body = ErrorBody),
    ),
)]
async fn revoke_token(
    State(app): State<Arc<App>>,
    id: Result<Path<i64>, PathRejection>,
    authed: Authed,
) -> Result<StatusCode, ApiError> {
    let caller = authed.caller;
    let not_found = || ApiError::not_found("Token not found");
    let Ok(Path(token_id)) = id else {
        return Err(not_found());
    };
    // A token may always revoke itself; revoking others takes full rights.
    let is_itself = matches!(caller.credential, Credential::Token { id, .. } if id == token_id);
    if !is_itself {
        require_full(&caller).map_err(|_| {
            ApiError::forbidden("Only a login token can revoke other tokens or keys")
        })?;
    }
    let ip = client_ip(&authed.parts);
    let now = app.now().unix_timestamp();
    let user = caller.user;
    let revoked = app
        .db
        .run(move |conn| {
            let tx = conn.transaction()?;
            let revoked = tokens::revoke_own(&tx, user.id, token_id, now)?;
            if revoked {
                let target = format!("token:{token_id}");
                audit::record(
                    &tx,
                    now,
                    Some(&user),
                    "token_revoke",
                    &target,
                    &json!({}),
                    &ip,
                )?;
            }
            tx.commit()?;
            Ok(revoked)
        })
        .await?;
    if revoked {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(not_found())
    }
}

/// Creates an API key: an id and a secret for signed requests, or an `s` client code.
#[utoipa::path(
    post,
    path = "/keys",
    tag = "credentials",
    security(
        ("bearer" = []),
        ("apiKey" = [], "timestamp" = [], "nonce" = [], "signature" = []),
    ),
    request_body(content = CreateRequest, content_type = "application/json"),
    responses(
        AuthRefusals,
        JsonRefusals,
        (status = 201, description = "The key and its secret, shown this once", body = CreatedKey),
        (status = 400, description = "A field is missing or invalid", body = ErrorBody),
        (status = 403, description = "Not a login token, or admin asked for", body = ErrorBody),
    ),
)]
async fn create_key(
    State(app): State<Arc<App>>,
    authed: Authed,
) -> Result<(StatusCode, Json<CreatedKey>), ApiError> {
    let Authed {
        caller,
        body,
        parts,
    } = authed;
    require_full(&caller)?;
    let request: CreateRequest = parse_json(&parts.headers, &body)?;
    let kind = request.kind;
    let checked = check_create(&caller, request, None)?;
    let ip = client_ip(&parts);
    let now = app.now().unix_timestamp();
    let (expires_at, expires) = match checked.lifetime_days {
        Some(days) => {
            let (at, text) = expiry(now, days_to_seconds(days));
            (Some(at), Some(text))
        }
        None => (None, None),
    };
    let (key_id, secret) = match kind {
        KeyKind::Hmac => (token::new_key_id(), token::new_key_secret()),
        KeyKind::SClient => {
            let code = s_client::new_code();
            (s_client::code_key_id(&code), token::Secret::new(code))
        }
    };
    let user = caller.user;
    let kind_text = match kind {
        KeyKind::Hmac => "hmac",
        KeyKind::SClient => "s-client",
    };
    let stored = (
        key_id.clone(),
        secret.clone(),
        checked.name.clone(),
        checked.scopes.clone(),
    );
    app.db
        .run(move |conn| {
            let (key_id, secret, name, scopes) = stored;
            let tx = conn.transaction()?;
            keys::insert(
                &tx,
                user.id,
                &key_id,
                secret.expose(),
                &name,
                &scopes,
                now,
                expires_at,
            )?;
            let details = json!({
                "name": name,
                "scopes": scopes,
                "expires_at": expires_at,
                "kind": kind_text,
            });
            audit::record(&tx, now, Some(&user), "key_create", &key_id, &details, &ip)?;
            tx.commit()?;
            Ok(())
        })
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedKey {
            key_id,
            secret: secret.into_exposed(),
            kind,
            name: checked.name,
            scopes: checked.scopes,
            expires,
        }),
    ))
}

/// The account's unexpired API keys.
#[utoipa::path(
    get,
    path = "/keys",
    tag = "credentials",
    security(
        ("bearer" = []),
        ("apiKey" = [], "timestamp" = [], "nonce" = [], "signature" = []),
    ),
    responses(
        AuthRefusals,
        BodyRefusals,
        (status = 200, description = "The keys, without their secrets", body = [KeyInfo]),
    ),
)]
async fn list_keys(
    State(app): State<Arc<App>>,
    authed: Authed,
) -> Result<Json<Vec<KeyInfo>>, ApiError> {
    let now = app.now().unix_timestamp();
    let user_id = authed.caller.user.id;
    let rows = app.db.run(move |conn| keys::list(conn, user_id)).await?;
    let listed = rows
        .into_iter()
        .filter(|row| row.expires_at.is_none_or(|at| at > now))
        .map(|row| KeyInfo {
            key_id: row.key_id,
            name: row.name,
            scopes: row.scopes,
            created: format_unix(row.created_at),
            expires: row.expires_at.map(format_unix),
            last_used: row.last_used_at.map(format_unix),
        })
        .collect();
    Ok(Json(listed))
}

/// Revokes an API key of the account.
#[utoipa::path(
    delete,
    path = "/keys/{key_id}",
    tag = "credentials",
    params(("key_id" = String, Path, description = "The key's public id")),
    security(
        ("bearer" = []),
        ("apiKey" = [], "timestamp" = [], "nonce" = [], "signature" = []),
    ),
    responses(
        AuthRefusals,
        BodyRefusals,
        (status = 204, description = "Revoked"),
        (status = 403, description = "Not a login token", body = ErrorBody),
        (status = 404, description = "No such key of this account", body = ErrorBody),
    ),
)]
async fn revoke_key(
    State(app): State<Arc<App>>,
    key_id: Result<Path<String>, PathRejection>,
    authed: Authed,
) -> Result<StatusCode, ApiError> {
    let caller = authed.caller;
    let not_found = || ApiError::not_found("Key not found");
    let Ok(Path(key_id)) = key_id else {
        return Err(not_found());
    };
    require_full(&caller)
        .map_err(|_| ApiError::forbidden("Only a login token can revoke other tokens or keys"))?;
    let ip = client_ip(&authed.parts);
    let now = app.now().unix_timestamp();
    let user = caller.user;
    let revoked = app
        .db
        .run(move |conn| {
            let tx = conn.transaction()?;
            let revoked = keys::revoke(&tx, user.id, &key_id, now)?;
            if revoked {
                audit::record(
                    &tx,
                    now,
                    Some(&user),
                    "key_revoke",
                    &key_id,
                    &json!({}),
                    &ip,
                )?;
            }
            tx.commit()?;
            Ok(revoked)
        })
        .await?;
    if revoked {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(not_found())
    }
}

/// The audit log, newest first (administrators only).
#[utoipa::path(
    get,
    path = "/audit",
    tag = "credentials",
    params(AuditQuery),
    security(
        ("bearer" = []),
        ("apiKey" = [], "timestamp" = [], "nonce" = [], "signature" = []),
    ),
    responses(
        AuthRefusals,
        BodyRefusals,
        (status = 200, description = "One page of entries", body = AuditPage),
        (status = 400, description = "A query parameter is invalid", body = ErrorBody),
        (status = 403, description = "Not an administrator", body = ErrorBody),
    ),
)]
async fn list_audit(
    State(app): State<Arc<App>>,
    query: Result<Query<AuditQuery>, QueryRejection>,
    authed: Authed,
) -> Result<Json<AuditPage>, ApiError> {
    if !authed.caller.is_admin() {
        return Err(ApiError::forbidden(
            "Only an administrator can read the audit log",
        ));
    }
    let Query(query) = query.map_err(|e| ApiError::bad_request(format!("Invalid query: {e}")))?;
    let limit = query.limit.map_or(DEFAULT_AUDIT_PAGE, |n| {
        u32::try_from(n.min(u64::from(MAX_AUDIT_PAGE))).unwrap_or(MAX_AUDIT_PAGE)
    });
    let limit = limit.clamp(1, MAX_AUDIT_PAGE);
    let before = query.before;
    // One more than asked tells whether another page exists.
    let mut entries = app
        .db
        .run(move |conn| audit::list(conn, before, limit + 1))
        .await?;
    let more = entries.len() > limit as usize;
    entries.truncate(limit as usize);
    let next_before = if more {
        entries.last().map(|e| e.id)
    } else {
        None
    };
    Ok(Json(AuditPage {
        entries,
        next_before,
    }))
}
