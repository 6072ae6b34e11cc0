//! Who is calling: bearer tokens and signed requests, turned into a [`Caller`].
//!
//! A request authenticates one of two ways:
//! - `Authorization: Bearer <token>` (or the bare token): the token's SHA-256 is looked up;
//!   it must exist, be unrevoked and unexpired.
//! - `X-Api-Key`, `X-Timestamp`, `X-Nonce`, `X-Signature` (PROTOCOL.md section 4): the key
//!   must exist; the timestamp must be within the window; the nonce is held while the
//!   request is checked (so a replay racing the original is refused too) and recorded only
//!   once the signature verified (so a stranger who knows a key id cannot fill the nonce
//!   memory); the signature covers the body, which is hashed as it is read — whole for JSON bodies ([`Authed`]), chunk by chunk for uploads
//!   ([`AuthedStream`] and [`PendingSignature`]).
//!
//! Authentication happens before the body is read, so an anonymous client cannot make the
//! server read a large body.

use std::sync::Arc;

use axum::{
    body::Body,
    extract::{FromRequest, Request},
    http::{HeaderMap, StatusCode, header, request::Parts},
};
use bytes::Bytes;

use super::{App, error::ApiError, extract::read_limited};
use crate::{
    auth::{
        scope::{Action, Scopes},
        signature::{
            HEADER_KEY, HEADER_NONCE, HEADER_SIGNATURE, HEADER_TIMESTAMP, NonceError,
            NonceReservation, Signer,
        },
        token::hash_token,
    },
    db::{keys, tokens, users::User},
};

/// The spec's answer to a missing, unknown, revoked or expired token.
pub const INVALID_TOKEN: &str = "Invalid or expired token";

/// An authenticated caller.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The account.
    pub user: User,
    /// What the credential allows (a login token allows everything the account may do).
    pub scopes: Scopes,
    /// The credential used.
    pub credential: Credential,
}

/// Which credential authenticated a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential {
    /// A bearer token; `session` when it came from `/login` or `/refresh_token`.
    Token { id: i64, session: bool },
    /// An API key (signed request).
    Key { id: i64 },
}

impl Caller {
    /// Checks the credential's scopes allow `action` on `package` (canonical name; `""`
    /// for [`Action::Admin`]).
    ///
    /// # Errors
    /// 403 naming the missing scope.
    pub fn require(&self, action: Action, package: &str) -> Result<(), ApiError> {
        self.require_in("serverless", action, package)
    }

    /// Checks the credential's scopes allow `action` on `protocol`'s package `package`.
    ///
    /// # Errors
    /// 403 naming the missing scope.
    pub fn require_in(
        &self,
        protocol: &str,
        action: Action,
        package: &str,
    ) -> Result<(), ApiError> {
        if self.scopes.allows_in(protocol, action, package) {
            return Ok(());
        }
        let what = match action {
            Action::Publish => "publish",
            Action::Yank => "yank",
            Action::Delete => "delete",
            Action::Maintainers => "maintainers",
            Action::Admin => "admin",
        };
        let target = if package.is_empty() {
            String::new()
        } else {
            format!(" on {package}")
        };
        Err(ApiError::forbidden(format!(
            "This credential's scopes do not allow {what}{target}"
        )))
    }

    /// Whether the credential carries every right of the account (a login token).
    #[must_use]
    pub fn is_full(&self) -> bool {
        self.scopes.is_all()
    }

    /// Whether the account is an administrator and the credential allows admin actions.
    #[must_use]
    pub fn is_admin(&self) -> bool {
        self.user.is_admin && self.scopes.allows(Action::Admin, "")
    }
}

/// A signed request's signature, still waiting for the body, and the nonce it holds.
pub struct PendingSignature {
    signer: Signer,
    provided: String,
    nonce: NonceReservation,
    /// When the request was authenticated (Unix seconds).
    now: i64,
}

impl PendingSignature {
    /// Feeds the next piece of the body.
    pub fn update(&mut self, chunk: &[u8]) {
        self.signer.update(chunk);
    }

    /// Checks the signature over everything fed, in constant time, and only then records
    /// the nonce as used (a request that fails lets it go, so strangers cannot fill the
    /// nonce memory).
    ///
    /// # Errors
    /// 401 "Invalid signature"; 503 when the key's share of the nonce memory is full.
    pub fn verify(self) -> Result<(), ApiError> {
        if !self.signer.verify(&self.provided) {
            return Err(ApiError::unauthorized("Invalid signature"));
        }
        self.nonce.record(self.now).map_err(nonce_error)
    }
}

/// The answer to a nonce that cannot be used.
pub fn nonce_error(error: NonceError) -> ApiError {
    match error {
        NonceError::Replayed => ApiError::unauthorized("Nonce already used (replayed request)"),
        NonceError::Busy => ApiError::retry(
            StatusCode::TOO_MANY_REQUESTS,
            "Too many requests signed with this key are being checked; retry shortly",
            1,
        ),
        NonceError::Full => ApiError::retry(
            StatusCode::SERVICE_UNAVAILABLE,
            "Too many signed requests with this key; retry shortly",
            1,
        ),
    }
}

/// A header's value as text, trimmed; `None` when absent, empty or not text.
pub fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

/// The four headers of a signed request, read and checked before any database lookup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignedHeaders<'a> {
    /// `X-Api-Key`: the key's public id.
    pub key_id: &'a str,
    /// `X-Timestamp` as sent (trimmed): the text the signature covers.
    pub timestamp_raw: &'a str,
    /// `X-Timestamp` as Unix seconds, within `window` of the server's clock.
    pub timestamp: i64,
    /// `X-Nonce`, at most 128 bytes.
    pub nonce: &'a str,
    /// `X-Signature`, base64 as sent.
    pub signature: &'a str,
}

/// Reads the signed-request headers: `None` when there is no `X-Api-Key` (the request uses
/// a bearer token, or nothing). Pure, so that hostile header values can be fuzzed without
/// a server.
///
/// # Errors
/// 401 naming the header that is missing, malformed, too long or out of the time window.
pub fn signed_headers(
    headers: &HeaderMap,
    now: i64,
    window: i64,
) -> Result<Option<SignedHeaders<'_>>, ApiError> {
    let Some(key_id) = header_str(headers, HEADER_KEY) else {
        return Ok(None);
    };
    let timestamp_raw = header_str(headers, HEADER_TIMESTAMP)
        .ok_or_else(|| ApiError::unauthorized("Missing X-Timestamp header"))?;
    let timestamp: i64 = timestamp_raw
        .parse()
        .map_err(|_| ApiError::unauthorized("X-Timestamp must be Unix time in seconds"))?;
    let nonce = header_str(headers, HEADER_NONCE)
        .ok_or_else(|| ApiError::unauthorized("Missing X-Nonce header"))?;
    if nonce.len() > 128 {
        return Err(ApiError::unauthorized(
            "X-Nonce is longer than 128 characters",
        ));
    }
    let signature = header_str(headers, HEADER_SIGNATURE)
        .ok_or_else(|| ApiError::unauthorized("Missing X-Signature header"))?;
    if timestamp.abs_diff(now) > window.unsigned_abs() {
        return Err(ApiError::unauthorized(format!(
            "Request timestamp is more than {window} seconds away from the server's clock"
        )));
    }
    Ok(Some(SignedHeaders {
        key_id,
        timestamp_raw,
        timestamp,
        nonce,
        signature,
    }))
}

/// Authenticates a request from its headers. Signed requests also return the signature
/// the body must match.
///
/// # Errors
/// 401 with a message saying what is wrong; 503 when the nonce memory is full.
pub async fn authenticate(
    app: &App,
    parts: &Parts,
) -> Result<(Caller, Option<PendingSignature>), ApiError> {
    let now = app.now().unix_timestamp();
    let window = i64::try_from(app.settings.signature_window.as_secs()).unwrap_or(i64::MAX);
    if let Some(signed) = signed_headers(&parts.headers, now, window)? {
        return authenticate_signed(app, parts, signed, now, window).await;
    }
    let token = header_str(&parts.headers, header::AUTHORIZATION.as_str())
        .map(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
                .unwrap_or(v)
                .trim()
                .to_owned()
        })
        .ok_or_else(|| ApiError::unauthorized(INVALID_TOKEN))?;
    let hash = hash_token(&token);
    let found = app.db.run(move |c| tokens::lookup(c, &hash, now)).await?;
    let (row, user) = found.ok_or_else(|| ApiError::unauthorized(INVALID_TOKEN))?;
    let scopes = Scopes::parse(&row.scopes).map_err(|_| ApiError::unauthorized(INVALID_TOKEN))?;
    Ok((
        Caller {
            user,
            scopes,
            credential: Credential::Token {
                id: row.id,
                session: row.is_session,
            },
        },
        None,
    ))
}

async fn authenticate_signed(
    app: &App,
    parts: &Parts,
    signed: SignedHeaders<'_>,
    now: i64,
    window: i64,
) -> Result<(Caller, Option<PendingSignature>), ApiError> {
    let SignedHeaders {
        key_id,
        timestamp_raw,
        timestamp,
        nonce,
        signature: provided,
    } = signed;
    let key_id = key_id.to_owned();
    let found = app.db.run(move |c| keys::lookup(c, &key_id, now)).await?;
    let (row, secret, user) =
        found.ok_or_else(|| ApiError::unauthorized("Unknown, revoked or expired API key"))?;
    // Held while the request is checked, then remembered until the timestamp leaves the
    // window, after which the timestamp check refuses a replay by itself.
    let reservation = app
        .nonces
        .reserve(&row.key_id, nonce, timestamp.saturating_add(window), now)
        .map_err(nonce_error)?;
    let scopes = Scopes::parse(&row.scopes)
        .map_err(|_| ApiError::unauthorized("Unknown, revoked or expired API key"))?;
    let signer = Signer::new(
        secret.as_bytes(),
        parts.method.as_str(),
        parts.uri.path(),
        timestamp_raw,
        nonce,
    );
    let caller = Caller {
        user,
        scopes,
        credential: Credential::Key { id: row.id },
    };
    Ok((
        caller,
        Some(PendingSignature {
            signer,
            provided: provided.to_owned(),
            nonce: reservation,
            now,
        }),
    ))
}

/// An authenticated request whose body (at most `max_json_bytes`) has been read and, for a
/// signed request, verified.
pub struct Authed {
    /// Who is calling.
    pub caller: Caller,
    /// The body.
    pub body: Bytes,
    /// The request's method, URI, headers and extensions.
    pub parts: Parts,
}

impl FromRequest<Arc<App>> for Authed {
    type Rejection = ApiError;

    async fn from_request(request: Request, app: &Arc<App>) -> Result<Self, Self::Rejection> {
        let (parts, body) = request.into_parts();
        let (caller, pending) = authenticate(app, &parts).await?;
        let body = read_limited(&parts.headers, body, app.settings.max_json_bytes).await?;
        if let Some(mut pending) = pending {
            pending.update(&body);
            pending.verify()?;
        }
        Ok(Authed {
            caller,
            body,
            parts,
        })
    }
}

/// An authenticated request whose body has not been read: for uploads, which stream it. A
/// signed request's `pending` signature must be fed every byte of the body and verified
/// before anything is acted on.
pub struct AuthedStream {
    /// Who is calling.
    pub caller: Caller,
    /// The request's method, URI, headers and extensions.
    pub parts: Parts,
    /// The unread body.
    pub body: Body,
    /// For signed requests, the signature the body must match.
    pub pending: Option<PendingSignature>,
}

impl FromRequest<Arc<App>> for AuthedStream {
    type Rejection = ApiError;

    async fn from_request(request: Request, app: &Arc<App>) -> Result<Self, Self::Rejection> {
        let (parts, body) = request.into_parts();
        let (caller, pending) = authenticate(app, &parts).await?;
        Ok(AuthedStream {
            caller,
            parts,
            body,
            pending,
        })
    }
}
