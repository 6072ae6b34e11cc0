//! npm's account endpoints: `npm login` and `npm adduser` (the CouchDB-style
//! `PUT /-/user/org.couchdb.user:{name}`), `npm whoami`, `npm logout`, and
//! `npm token list|create|revoke`. Every token they hand out is an ordinary Shelf token:
//! one account, one token, for every protocol.

use std::sync::Arc;

use axum::{
    Json,
    http::{StatusCode, request::Parts},
    response::{IntoResponse, Response},
};
use bytes::Bytes;
use serde::{Deserialize, Serialize};

use super::caller;
use crate::{
    api::{
        App,
        accounts::{format_unix, password_login, register_account},
        auth::Credential,
        error::ApiError,
        limits::client_ip,
    },
    auth::token,
    db::{tokens, users},
};

/// The body of `PUT /-/user/org.couchdb.user:{name}`.
#[derive(Debug, Deserialize)]
struct UserDocument {
    /// The account name.
    name: Option<String>,
    /// Its password.
    password: Option<String>,
    /// Its e-mail (`npm adduser` sends one; `npm login` may).
    email: Option<String>,
}

/// The answer of a login: CouchDB's shape with the token npm keeps.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = NpmLoggedIn)]
pub struct LoggedIn {
    /// Always `true`.
    pub ok: bool,
    /// `org.couchdb.user:{name}`.
    pub id: String,
    /// The bearer token, shown this once.
    pub token: String,
}

/// `PUT /-/user/org.couchdb.user:{user}`: logs in with the password, or, for an account
/// that does not exist yet and a document with an e-mail (`npm adduser`), registers it
/// first (when registration is open).
///
/// # Errors
/// 400 for a document without a name or password, or naming another user than the URL;
/// 401 for a wrong password; those of registration.
pub async fn login(
    app: &Arc<App>,
    parts: &Parts,
    user: &str,
    body: &Bytes,
) -> Result<Response, ApiError> {
    let doc: UserDocument = serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request(format!("The user document is not valid: {e}")))?;
    let name = doc
        .name
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| user.to_owned());
    if name != user {
        return Err(ApiError::bad_request(
            "The user document names another user than the URL",
        ));
    }
    let password = doc
        .password
        .filter(|p| !p.is_empty())
        .ok_or_else(|| ApiError::bad_request("The user document has no password"))?;
    let ip = client_ip(parts);
    let lookup = name.clone();
    let exists = app
        .db
        .run(move |c| users::find_by_name(c, &lookup))
        .await?
        .is_some();
    if !exists {
        let Some(email) = doc.email.filter(|e| !e.is_empty()) else {
            return Err(ApiError::bad_request(format!(
                "There is no user with the username {name:?}; `npm adduser` creates one"
            )));
        };
        register_account(app, ip.clone(), name.clone(), password.clone(), email).await?;
    }
    let session = password_login(app, ip, name.clone(), password).await?;
    let answer = LoggedIn {
        ok: true,
        id: format!("org.couchdb.user:{name}"),
        token: session.token,
    };
    Ok((StatusCode::CREATED, Json(answer)).into_response())
}

/// A user, as `GET /-/user/org.couchdb.user:{user}` answers.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = NpmUserDoc)]
pub struct UserDoc {
    /// `org.couchdb.user:{name}`.
    #[serde(rename = "_id")]
    pub id: String,
    /// The account name.
    pub name: String,
}

/// `GET /-/user/org.couchdb.user:{user}`: whether the account exists.
///
/// # Errors
/// 404 when it does not.
pub async fn user(app: &Arc<App>, user: &str) -> Result<Json<UserDoc>, ApiError> {
    let lookup = user.to_owned();
    let found = app.db.run(move |c| users::find_by_name(c, &lookup)).await?;
    let found = found.ok_or_else(|| ApiError::not_found(format!("No user {user:?}")))?;
    Ok(Json(UserDoc {
        id: format!("org.couchdb.user:{}", found.username),
        name: found.username,
    }))
}

/// The answer of `npm whoami`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = NpmWhoAmI)]
pub struct WhoAmI {
    /// The account the token belongs to.
    pub username: String,
}

/// `GET /-/whoami`.
///
/// # Errors
/// 401 without a valid token.
pub async fn whoami(app: &Arc<App>, parts: &Parts) -> Result<Json<WhoAmI>, ApiError> {
    let caller = caller(app, parts).await?;
    Ok(Json(WhoAmI {
        username: caller.user.username,
    }))
}

/// An empty success, as npm expects from its logout and advisory endpoints.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = NpmOk)]
pub struct Ok {
    /// Always `true`.
    pub ok: bool,
}

/// `DELETE /-/user/token/{token}` (`npm logout`): revokes the calling token.
///
/// # Errors
/// 401 without a valid token.
pub async fn logout(app: &Arc<App>, parts: &Parts) -> Result<Json<Ok>, ApiError> {
    let caller = caller(app, parts).await?;
    if let Credential::Token { id, .. } = caller.credential {
        let (user_id, now) = (caller.user.id, app.now().unix_timestamp());
        app.db
            .run(move |c| tokens::revoke_own(c, user_id, id, now))
            .await?;
    }
    Ok(Json(Ok { ok: true }))
}

/// One token in `npm token list`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = NpmTokenEntry)]
pub struct TokenEntry {
    /// Its id: what `npm token revoke` takes.
    pub key: String,
    /// A prefix of the token, to recognise it (Shelf keeps only a hash: a placeholder).
    pub token: String,
    /// When it was made.
    pub created: String,
    /// When it was last changed.
    pub updated: String,
    /// Whether it may only read (never: reads need no token here).
    pub readonly: bool,
    /// Addresses it is limited to (never limited here).
    pub cidr_whitelist: Vec<String>,
    /// Its name.
    pub name: String,
}

/// The answer of `npm token list`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = NpmTokenList)]
pub struct TokenList {
    /// The tokens.
    pub objects: Vec<TokenEntry>,
    /// How many.
    pub total: usize,
    /// Pagination links (none: every token is on one page).
    pub urls: Urls,
}

/// Pagination links.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = NpmUrls)]
pub struct Urls {}

/// `GET /-/npm/v1/tokens`.
///
/// # Errors
/// 401 without a valid token.
pub async fn tokens(app: &Arc<App>, parts: &Parts) -> Result<Json<TokenList>, ApiError> {
    let caller = caller(app, parts).await?;
    let user_id = caller.user.id;
    let now = app.now().unix_timestamp();
    let rows = app.db.run(move |c| tokens::list(c, user_id)).await?;
    let objects: Vec<TokenEntry> = rows
        .into_iter()
        .filter(|row| row.expires_at > now)
        .map(|row| TokenEntry {
            key: row.id.to_string(),
            token: "shelf_…".to_owned(),
            created: format_unix(row.created_at),
            updated: format_unix(row.created_at),
            readonly: false,
            cidr_whitelist: Vec::new(),
            name: row.name,
        })
        .collect();
    Ok(Json(TokenList {
        total: objects.len(),
        objects,
        urls: Urls {},
    }))
}

/// The name a token made by `npm token create` carries in listings.
pub const NPM_TOKEN_NAME: &str = "npm token create";

/// The body of `npm token create`.
#[derive(Debug, Deserialize)]
struct NewToken {
    /// The account's password, which npm asks for again.
    password: Option<String>,
    /// A read-only token: refused, reads need no token.
    #[serde(default)]
    readonly: bool,
}

/// The answer of `npm token create`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = NpmCreatedToken)]
pub struct CreatedToken {
    /// The token, shown this once.
    pub token: String,
    /// Its id.
    pub key: String,
    /// When it was made.
    pub created: String,
    /// Whether it may only read.
    pub readonly: bool,
    /// Addresses it is limited to.
    pub cidr_whitelist: Vec<String>,
}

/// `POST /-/npm/v1/tokens`: a new token with all the account's rights, after the password.
///
/// # Errors
/// 400 for a read-only token or no password, 401 for a wrong one.
pub async fn create_token(
    app: &Arc<App>,
    parts: &Parts,
    body: &Bytes,
) -> Result<Json<CreatedToken>, ApiError> {
    let caller = caller(app, parts).await?;
    let request: NewToken = serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request(format!("The token request is not valid: {e}")))?;
    if request.readonly {
        return Err(ApiError::bad_request(
            "Read-only tokens are not made here: every read of this registry needs no token",
        ));
    }
    let password = request
        .password
        .filter(|p| !p.is_empty())
        .ok_or_else(|| ApiError::bad_request("The token request has no password"))?;
    let session = password_login(
        app,
        client_ip(parts),
        caller.user.username.clone(),
        password,
    )
    .await?;
    let hash = token::hash_token(&session.token);
    let now = app.now().unix_timestamp();
    let key = app
        .db
        .run(move |c| {
            let Some((row, _)) = tokens::lookup(c, &hash, now)? else {
                return Ok(String::new());
            };
            tokens::set_name(c, row.id, NPM_TOKEN_NAME)?;
            Ok(row.id.to_string())
        })
        .await?;
    Ok(Json(CreatedToken {
        token: session.token,
        key,
        created: format_unix(app.now().unix_timestamp()),
        readonly: false,
        cidr_whitelist: Vec::new(),
    }))
}

/// `DELETE /-/npm/v1/tokens/token/{key}`: revokes one of the caller's tokens.
///
/// # Errors
/// 401 without a valid token, 404 for a token that is not the caller's.
pub async fn revoke_token(app: &Arc<App>, parts: &Parts, key: &str) -> Result<Response, ApiError> {
    let caller = caller(app, parts).await?;
    let id: i64 = key
        .parse()
        .map_err(|_| ApiError::not_found("No such token"))?;
    // As the Shelf API: a token may revoke itself; the account's others take full rights
    // (a token scoped to publishing cannot revoke its owner's login).
    let itself = matches!(caller.credential, Credential::Token { id: own, .. } if own == id);
    if !itself && !caller.is_full() {
        return Err(ApiError::forbidden(
            "Only a login token can revoke other tokens or keys",
        ));
    }
    let (user_id, now) = (caller.user.id, app.now().unix_timestamp());
    let revoked = app
        .db
        .run(move |c| tokens::revoke_own(c, user_id, id, now))
        .await?;
    if !revoked {
        return Err(ApiError::not_found("No such token"));
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}
