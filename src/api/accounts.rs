//! Accounts: `POST /register`, `/login`, `/logout`, `/refresh_token`, `/change_password`,
//! with the spec's bodies, statuses and messages.
//!
//! Login makes a session token (scopes `["*"]`, lifetime `settings.token_ttl`); only its
//! hash is stored. Every attempt, successful or not, lands in the audit log. Password
//! hashing is slow on purpose, so it runs on a blocking thread, and at most
//! [`super::app::MAX_CONCURRENT_HASHES`] at once.

use std::sync::Arc;

use axum::{
    Json,
    body::Body,
    extract::State,
    http::{StatusCode, request::Parts},
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{
    ToSchema,
    openapi::{Object, ObjectBuilder, Type},
};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    App,
    app::Registration,
    auth::{Authed, Credential, INVALID_TOKEN},
    error::{ApiError, ErrorBody},
    extract::{parse_json, read_limited},
    files,
    limits::{Limit, client_ip},
    openapi::{AuthRefusals, JsonRefusals},
};
use crate::{
    auth::{
        account::{self, AccountError},
        password::{self, PasswordError},
        token,
    },
    clock,
    db::{audit, tokens, users},
};

/// The longest lifetime any token or key can be given, in days.
pub const MAX_LIFETIME_DAYS: i64 = 365;

/// The routes of this group.
pub fn routes() -> OpenApiRouter<Arc<App>> {
    OpenApiRouter::new()
        .routes(files::api_only(routes!(register)))
        .routes(files::api_only(routes!(login)))
        .routes(files::api_only(routes!(logout)))
        .routes(files::api_only(routes!(refresh_token)))
        .routes(files::api_only(routes!(change_password)))
}

/// `POST /register` body. Its fields are read as optional so that a missing one is answered
/// with the spec's message rather than a parser's.
#[derive(Debug, Deserialize, ToSchema)]
struct RegisterRequest {
    /// Login name: a lowercase letter, then lowercase letters, digits, `-` and `_`.
    #[schema(
        required = true,
        value_type = String,
        max_length = 64,
        pattern = "^[a-z][a-z0-9_-]*$"
    )]
    username: Option<String>,
    /// At least 8 characters.
    #[schema(required = true, value_type = String, min_length = 8)]
    password: Option<String>,
    /// Contact address (it becomes the author of the account's commits); unique regardless
    /// of case.
    #[schema(required = true, schema_with = email_schema)]
    email: Option<String>,
}

/// The addresses [`account::check_email`] takes, as a schema: its rules written as one
/// pattern, so that the fuzzer's "valid" addresses are valid.
fn email_schema() -> Object {
    const LOCAL: &str = r"[A-Za-z0-9_%+-]+(\.[A-Za-z0-9_%+-]+)*";
    const LABEL: &str = r"[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?";
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(
            "Contact address (it becomes the author of the account's commits); unique \
             regardless of case.",
        ))
        .max_length(Some(account::MAX_EMAIL_LEN))
        .pattern(Some(format!(r"^{LOCAL}@{LABEL}(\.{LABEL})*$")))
        .build()
}

/// `POST /login` body.
#[derive(Debug, Deserialize, ToSchema)]
struct LoginRequest {
    /// Login name.
    #[schema(required = true, value_type = String, min_length = 1)]
    username: Option<String>,
    /// Password.
    #[schema(required = true, value_type = String, min_length = 1)]
    password: Option<String>,
}

/// `POST /change_password` body.
#[derive(Debug, Deserialize, ToSchema)]
struct ChangePasswordRequest {
    /// The current password.
    #[schema(required = true, value_type = String, min_length = 1)]
    old_password: Option<String>,
    /// The new one, at least 8 characters.
    #[schema(required = true, value_type = String, min_length = 8)]
    new_password: Option<String>,
}

/// A `{"message": "…"}` answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct Message {
    /// What happened.
    pub message: &'static str,
}

/// The answer of `/login` and `/refresh_token`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Session {
    /// The bearer token (`shelf_…`), shown this once.
    pub token: String,
    /// When it stops working, RFC 3339.
    pub expires: String,
}

/// The key password guesses are counted under: a username *from one address*. Counting per
/// username alone let a stranger lock an account out of login from anywhere, six wrong
/// passwords at a time; this way a stranger's guesses cost only the stranger's address,
/// while each address is also held to four times that across usernames
/// ([`crate::api::limits::RateLimits::admit_login`]), and every failure lands in the audit
/// log.
fn login_key(username: &str, ip: &str) -> String {
    format!("user:{username}@{ip}")
}

/// A field that is present and not empty.
fn present(field: Option<String>) -> Option<String> {
    field.filter(|value| !value.is_empty())
}

/// `text` with its first letter in upper case, for library messages shown as API errors.
pub(super) fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The instant `seconds` after `now` (Unix seconds) and its RFC 3339 form, capped at the
/// last second RFC 3339 can write.
pub(super) fn expiry(now: i64, seconds: u64) -> (i64, String) {
    const LAST_RFC3339_SECOND: i64 = 253_402_300_799; // 9999-12-31T23:59:59Z
    let at = now
        .saturating_add(i64::try_from(seconds).unwrap_or(i64::MAX))
        .min(LAST_RFC3339_SECOND);
    (at, format_unix(at))
}

/// Unix seconds as RFC 3339 (`""` for an instant outside its range, which [`expiry`] never
/// makes).
pub fn format_unix(at: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(at)
        .map(clock::rfc3339)
        .unwrap_or_default()
}

/// Runs CPU-heavy work (password hashing) on a blocking thread, holding one of the
/// app's [`super::app::MAX_CONCURRENT_HASHES`] slots; with none free, 503 with `Retry-After`.
async fn blocking<T: Send + 'static>(
    app: &App,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    let slot = app
        .password_hashing
        .clone()
        .try_acquire_owned()
        .map_err(|_| {
            ApiError::retry(
                StatusCode::SERVICE_UNAVAILABLE,
                "The server is busy; try again shortly",
                1,
            )
        })?;
    // The slot travels with the work, so it is held until the hash is done even when the
    // client goes away first.
    tokio::task::spawn_blocking(move || {
        let _slot = slot;
        work()
    })
    .await
    .map_err(|e| ApiError::internal(&e))
}

/// The API's answer to a password that cannot be hashed.
fn password_error(error: &PasswordError) -> ApiError {
    match error {
        PasswordError::TooShort => ApiError::bad_request(sentence(&error.to_string())),
        PasswordError::Hash(_) => ApiError::internal(error),
    }
}

/// Hashes a password on a blocking thread.
async fn hash_password(app: &App, password: String) -> Result<String, ApiError> {
    blocking(app, move || password::hash(&password))
        .await?
        .map_err(|e| password_error(&e))
}

/// Reads and parses the JSON body of an unauthenticated request.
async fn json_body<T: serde::de::DeserializeOwned>(
    app: &App,
    parts: &Parts,
    body: Body,
) -> Result<T, ApiError> {
    let bytes = read_limited(&parts.headers, body, app.settings.max_json_bytes).await?;
    parse_json(&parts.headers, &bytes)
}

/// Creates an account.
#[utoipa::path(
    post,
    path = "/register",
    tag = "accounts",
    request_body(content = RegisterRequest, content_type = "application/json"),
    responses(
        JsonRefusals,
        (status = 200, description = "The account exists", body = Message),
        (status = 400, description = "A field is missing or invalid", body = ErrorBody),
        (status = 403, description = "Registration is closed", body = ErrorBody),
        (status = 409, description = "The username or e-mail is taken", body = ErrorBody),
        (status = 429, description = "Too many registrations from this address", body = ErrorBody),
        (status = 503, description = "Too many passwords being hashed", body = ErrorBody),
    ),
)]
async fn register(
    State(app): State<Arc<App>>,
    parts: Parts,
    body: Body,
) -> Result<Json<Message>, ApiError> {
    // Refused before the body is read: a closed registry spends nothing on sign-ups.
    if app.settings.registration == Registration::Closed {
        return Err(ApiError::forbidden("Registration is closed"));
    }
    let ip = client_ip(&parts);
    let body: RegisterRequest = json_body(&app, &parts, body).await?;
    let (Some(username), Some(password), Some(email)) = (
        present(body.username),
        present(body.password),
        present(body.email),
    ) else {
        return Err(ApiError::bad_request("Missing required fields"));
    };
    register_account(&app, ip, username, password, email).await?;
    Ok(Json(Message {
        message: "User registered successfully",
    }))
}

/// Creates an account, if registration is open: `POST /register`, and every protocol's
/// own sign-up (`npm adduser`).
///
/// # Errors
/// 403 when registration is closed, 400 for an invalid username, e-mail or password, 409
/// when the username or e-mail is taken, 429 past the limit.
pub async fn register_account(
    app: &App,
    ip: String,
    username: String,
    password: String,
    email: String,
) -> Result<(), ApiError> {
    match app.settings.registration {
        Registration::Open => {}
        Registration::Closed => return Err(ApiError::forbidden("Registration is closed")),
    }
    app.limits.check(Limit::Register, &ip)?;
    account::check_username(&username)
        .and_then(|()| account::check_email(&email))
        .map_err(|e| match e {
            AccountError::Username(_) | AccountError::Email(_) => {
                ApiError::bad_request(sentence(&e.to_string()))
            }
        })?;
    let phc = hash_password(app, password).await?;
    let now = app.now().unix_timestamp();
    let created = app
        .db
        .run(move |conn| {
            let tx = conn.transaction()?;
            let created = users::create(&tx, &username, &email, &phc, false, now)?;
            if let Ok(user) = &created {
                audit::record(&tx, now, Some(user), "register", &username, &json!({}), &ip)?;
            }
            tx.commit()?;
            Ok(created)
        })
        .await?;
    match created {
        Ok(_) => Ok(()),
        Err(users::Taken) => Err(ApiError::conflict("Username or email already exists")),
    }
}

/// Logs in: a new login token, with every right of the account.
#[utoipa::path(
    post,
    path = "/login",
    tag = "accounts",
    request_body(content = LoginRequest, content_type = "application/json"),
    responses(
        JsonRefusals,
        (status = 200, description = "A new login token", body = Session),
        (status = 400, description = "The username or password is missing", body = ErrorBody),
        (status = 401, description = "Wrong username or password", body = ErrorBody),
        (status = 429, description = "Too many attempts from this address", body = ErrorBody),
        (status = 503, description = "Too many passwords being hashed", body = ErrorBody),
    ),
)]
async fn login(
    State(app): State<Arc<App>>,
    parts: Parts,
    body: Body,
) -> Result<Json<Session>, ApiError> {
    let ip = client_ip(&parts);
    let body: LoginRequest = json_body(&app, &parts, body).await?;
    let (Some(username), Some(password)) = (present(body.username), present(body.password)) else {
        return Err(ApiError::bad_request("Missing username or password"));
    };
    Ok(Json(password_login(&app, ip, username, password).await?))
}

/// Checks `username`'s `password`, counted against the login limits, a failure in the
/// audit log: every login that takes a password (`POST /login`, `npm login`, an OCI
/// client's token request).
///
/// # Errors
/// 401 for a wrong username or password, 429 past the limits, 503 when hashing is busy.
pub async fn verify_password(
    app: &App,
    ip: &str,
    username: String,
    password: String,
) -> Result<users::User, ApiError> {
    let ip = ip.to_owned();
    let key = login_key(&username, &ip);
    app.limits.admit_login(&key, &ip)?;

    let name = username.clone();
    let found = app
        .db
        .run(move |conn| {
            let Some(user) = users::find_by_name(conn, &name)? else {
                return Ok(None);
            };
            Ok(users::password_hash(conn, user.id)?.map(|phc| (user, phc)))
        })
        .await?;
    // A password verified a moment ago against the same hash is not hashed again: a
    // Docker-style client sends it with every token request.
    let remembered = found
        .as_ref()
        .map(|(user, phc)| app.verified.key(&app.secret, user.id, phc, &password));
    let (found, verified) = match remembered.filter(|key| app.verified.holds(key)) {
        Some(_) => (found.map(|(user, _)| user), true),
        None => {
            blocking(app, move || {
                let verified = match &found {
                    Some((_, phc)) => password::verify(&password, phc),
                    None => {
                        password::verify_decoy(&password);
                        false
                    }
                };
                (found.map(|(user, _)| user), verified)
            })
            .await?
        }
    };
    if let (true, Some(key)) = (verified, remembered) {
        app.verified.remember(key);
    }

    let now = app.now().unix_timestamp();
    let Some(user) = found.filter(|_| verified) else {
        app.limits.login_failed(&key, &ip);
        app.db
            .run(move |conn| {
                // The user is recorded when the account exists, so its owner's history
                // shows attempts on it; the target is always the name tried.
                let user = users::find_by_name(conn, &username)?;
                audit::record(
                    conn,
                    now,
                    user.as_ref(),
                    "login_failed",
                    &username,
                    &json!({}),
                    &ip,
                )
            })
            .await?;
        return Err(ApiError::unauthorized("Invalid username or password"));
    };

    Ok(user)
}

/// Checks `username`'s `password` (counted against the login limits, every attempt in the
/// audit log) and makes a session token: `POST /login`, and every protocol's own login
/// (`npm login`).
///
/// # Errors
/// 401 for a wrong username or password, 429 past the limits, 503 when hashing is busy.
pub async fn password_login(
    app: &App,
    ip: String,
    username: String,
    password: String,
) -> Result<Session, ApiError> {
    let user = verify_password(app, &ip, username, password).await?;
    let now = app.now().unix_timestamp();
    let secret = token::new_token();
    let (expires_at, expires) = expiry(now, app.settings.token_ttl.as_secs());
    let hash = token::hash_token(secret.expose());
    app.db
        .run(move |conn| {
            let tx = conn.transaction()?;
            let scopes = vec!["*".to_owned()];
            let id = tokens::insert(&tx, user.id, &hash, "", &scopes, true, now, expires_at)?;
            users::set_last_login(&tx, user.id, now)?;
            audit::record(
                &tx,
                now,
                Some(&user),
                "login",
                &user.username,
                &json!({ "token_id": id }),
                &ip,
            )?;
            tx.commit()?;
            Ok(())
        })
        .await?;
    Ok(Session {
        token: secret.into_exposed(),
        expires,
    })
}

/// The calling token's id, or 400 for a signed request (keys are revoked by id).
fn calling_token(credential: Credential) -> Result<i64, ApiError> {
    match credential {
        Credential::Token { id, .. } => Ok(id),
        Credential::Key { .. } => Err(ApiError::bad_request(
            "This endpoint acts on the calling bearer token; an API key is revoked with \
             DELETE /keys/{key_id}",
        )),
    }
}

/// Revokes the calling token.
#[utoipa::path(
    post,
    path = "/logout",
    tag = "accounts",
    security(("bearer" = [])),
    responses(
        AuthRefusals,
        (status = 200, description = "The token no longer works", body = Message),
        (status = 400, description = "Called with an API key, not a token", body = ErrorBody),
        (status = 408, description = "The body stopped arriving", body = ErrorBody),
        (status = 413, description = "The body is too large", body = ErrorBody),
    ),
)]
async fn logout(State(app): State<Arc<App>>, authed: Authed) -> Result<Json<Message>, ApiError> {
    let token_id = calling_token(authed.caller.credential)?;
    let ip = client_ip(&authed.parts);
    let user = authed.caller.user;
    let now = app.now().unix_timestamp();
    let revoked = app
        .db
        .run(move |conn| {
            let tx = conn.transaction()?;
            let revoked = tokens::revoke_own(&tx, user.id, token_id, now)?;
            if revoked {
                let details = json!({ "token_id": token_id });
                audit::record(
                    &tx,
                    now,
                    Some(&user),
                    "logout",
                    &user.username,
                    &details,
                    &ip,
                )?;
            }
            tx.commit()?;
            Ok(revoked)
        })
        .await?;
    if !revoked {
        // Revoked by a concurrent request after this one was authenticated.
        return Err(ApiError::unauthorized(INVALID_TOKEN));
    }
    Ok(Json(Message {
        message: "Logged out successfully",
    }))
}

/// Replaces the calling token with a new one of the same name, scopes and kind.
#[utoipa::path(
    post,
    path = "/refresh_token",
    tag = "accounts",
    security(("bearer" = [])),
    responses(
        AuthRefusals,
        (status = 200, description = "The new token; the old one no longer works", body = Session),
        (status = 400, description = "Called with an API key, not a token", body = ErrorBody),
        (status = 408, description = "The body stopped arriving", body = ErrorBody),
        (status = 413, description = "The body is too large", body = ErrorBody),
    ),
)]
async fn refresh_token(
    State(app): State<Arc<App>>,
    authed: Authed,
) -> Result<Json<Session>, ApiError> {
    let old_id = calling_token(authed.caller.credential)?;
    let ip = client_ip(&authed.parts);
    let user = authed.caller.user;
    let now = app.now().unix_timestamp();
    let secret = token::new_token();
    let hash = token::hash_token(secret.expose());
    let session_ttl = app.settings.token_ttl.as_secs();
    let max_ttl = MAX_LIFETIME_DAYS.unsigned_abs() * 86_400;
    let refreshed = app
        .db
        .run(move |conn| {
            let tx = conn.transaction()?;
            let Some(old) = tokens::get(&tx, old_id)? else {
                return Ok(None);
            };
            // Revoking first, and only if nobody else did, makes two refreshes racing with
            // one token yield one new token, not two.
            if !tokens::revoke_own(&tx, user.id, old_id, now)? {
                return Ok(None);
            }
            // The new token is the old one again: same name, scopes and kind, so a narrow
            // CI token cannot be refreshed into a login token. A created token keeps the
            // lifetime it was given; a session token gets the configured one.
            let ttl = if old.is_session {
                session_ttl
            } else {
                old.expires_at
                    .saturating_sub(old.created_at)
                    .unsigned_abs()
                    .min(max_ttl)
            };
            let (expires_at, expires) = expiry(now, ttl);
            let new_id = tokens::insert(
                &tx,
                user.id,
                &hash,
                &old.name,
                &old.scopes,
                old.is_session,
                now,
                expires_at,
            )?;
            let details = json!({ "old_token_id": old_id, "token_id": new_id });
            audit::record(
                &tx,
                now,
                Some(&user),
                "token_refresh",
                &user.username,
                &details,
                &ip,
            )?;
            tx.commit()?;
            Ok(Some(expires))
        })
        .await?;
    let expires = refreshed.ok_or_else(|| ApiError::unauthorized(INVALID_TOKEN))?;
    Ok(Json(Session {
        token: secret.into_exposed(),
        expires,
    }))
}

/// Changes the password, revoking every other token of the account.
#[utoipa::path(
    post,
    path = "/change_password",
    tag = "accounts",
    security(
        ("bearer" = []),
        ("apiKey" = [], "timestamp" = [], "nonce" = [], "signature" = []),
    ),
    request_body(content = ChangePasswordRequest, content_type = "application/json"),
    responses(
        AuthRefusals,
        JsonRefusals,
        (status = 200, description = "Changed", body = Message),
        (status = 400, description = "A password missing, or the new one short", body = ErrorBody),
        (status = 401, description = "Wrong old password, or bad credentials", body = ErrorBody),
        (status = 403, description = "Not a login token", body = ErrorBody),
        (
            status = 429,
            description = "Too many wrong passwords or signed requests",
            body = ErrorBody,
        ),
        (
            status = 503,
            description = "Too busy hashing, or too many signed requests",
            body = ErrorBody,
        ),
    ),
)]
async fn change_password(
    State(app): State<Arc<App>>,
    authed: Authed,
) -> Result<Json<Message>, ApiError> {
    let Authed {
        caller,
        body,
        parts,
    } = authed;
    let ip = client_ip(&parts);
    let request: ChangePasswordRequest = parse_json(&parts.headers, &body)?;
    let (Some(old_password), Some(new_password)) =
        (present(request.old_password), present(request.new_password))
    else {
        return Err(ApiError::bad_request("Missing old or new password"));
    };
    // A narrow token (say, CI's) must not be able to take over the account.
    if !caller.is_full() {
        return Err(ApiError::forbidden(
            "Only a login token can change the password",
        ));
    }
    // Guessing the old password through this endpoint counts against the same allowance as
    // guessing it through /login.
    let user = caller.user;
    let key = login_key(&user.username, &ip);
    app.limits.admit_login(&key, &ip)?;
    password::check(&new_password).map_err(|e| password_error(&e))?;

    let user_id = user.id;
    let phc = app
        .db
        .run(move |conn| users::password_hash(conn, user_id))
        .await?
        .unwrap_or_default();
    let old_ok = blocking(&app, move || password::verify(&old_password, &phc)).await?;
    let now = app.now().unix_timestamp();
    if !old_ok {
        app.limits.login_failed(&key, &ip);
        let (user, ip) = (user.clone(), ip.clone());
        app.db
            .run(move |conn| {
                audit::record(
                    conn,
                    now,
                    Some(&user),
                    "password_change_failed",
                    &user.username,
                    &json!({}),
                    &ip,
                )
            })
            .await?;
        return Err(ApiError::unauthorized("Invalid old password"));
    }

    let new_phc = hash_password(&app, new_password).await?;
    let keep = match caller.credential {
        Credential::Token { id, .. } => Some(id),
        Credential::Key { .. } => None,
    };
    app.db
        .run(move |conn| {
            let tx = conn.transaction()?;
            users::set_password_hash(&tx, user.id, &new_phc)?;
            // Whoever knew the old password may hold a token made with it; only the one
            // making this change keeps working.
            let revoked = tokens::revoke_all_except(&tx, user.id, keep, now)?;
            let details = json!({ "revoked_tokens": revoked });
            audit::record(
                &tx,
                now,
                Some(&user),
                "password_change",
                &user.username,
                &details,
                &ip,
            )?;
            tx.commit()?;
            Ok(())
        })
        .await?;
    Ok(Json(Message {
        message: "Password changed successfully",
    }))
}
