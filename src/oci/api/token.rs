//! The token endpoint (`GET /v2/token?service=…&scope=repository:NAME:pull,push`) and the
//! bearer tokens it issues.
//!
//! A client that meets a 401 reads the challenge (`WWW-Authenticate: Bearer realm=…,
//! service=…,scope=…`) and asks the realm for a token, with Basic credentials or none. The
//! credentials are a Shelf username with its password, or with one of its tokens (the
//! token's scopes then narrow what is granted). The answer grants, for each repository
//! asked for, the intersection of the actions asked and those the caller may take. A robot
//! (CI) authenticates with an API key instead: its id (`sk_…`) as the username and its
//! secret as the password, the key's scopes narrowing what is granted, as a token's do:
//! `pull` for anyone (every repository is public), `push` with a scope allowing `publish`
//! of the repository (`oci:publish:NAME`, `publish:*`, …) to a maintainer of it or anyone
//! for a new one, `delete` likewise with `delete`. The token is the grant itself, signed
//! with the server's secret and valid for five minutes, so checking one costs no database
//! read.
//!
//! The realm is `shelf serve --token-realm`, else `{api_url}/v2/token` (the index's API
//! URL, else its base URL): the public URL, which is what a client behind TLS termination
//! must be sent to.

use std::collections::BTreeSet;

use axum::{
    http::{HeaderValue, StatusCode, header, request::Parts},
    response::{IntoResponse, Response},
};
use base64::{
    Engine,
    engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD},
};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use super::OciError;
use crate::{
    api::{App, accounts::verify_password, auth::header_str, limits::client_ip},
    auth::{
        scope::{Action, Scopes},
        token::hash_token,
    },
    db::{keys, packages as owners, tokens},
    oci::{NAME, name::RepoName},
};

/// How long an issued token is valid, in seconds.
pub const TOKEN_TTL: i64 = 300;

/// What marks a token as this endpoint's (a Shelf API token never starts with it).
const PREFIX: &str = "oci1.";

/// The actions of a grant.
pub const PULL: &str = "pull";
/// Push blobs and manifests.
pub const PUSH: &str = "push";
/// Delete manifests and tags.
pub const DELETE: &str = "delete";

/// One repository's grant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    /// The repository.
    pub name: String,
    /// The actions granted.
    pub actions: Vec<String>,
}

/// What a token says: who, what, until when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The account's id; `None` for an anonymous token.
    pub sub: Option<i64>,
    /// The account's name.
    pub name: Option<String>,
    /// The grants.
    pub access: Vec<Grant>,
    /// Issued at (Unix seconds).
    pub iat: i64,
    /// Expires at (Unix seconds).
    pub exp: i64,
}

impl Claims {
    /// Whether the token grants `action` on `name`.
    #[must_use]
    pub fn allows(&self, name: &str, action: &str) -> bool {
        self.access
            .iter()
            .any(|g| g.name == name && g.actions.iter().any(|a| a == action))
    }
}

type HmacSha256 = Hmac<Sha256>;

fn mac(secret: &[u8], payload: &str) -> HmacSha256 {
    // HMAC takes a key of any length.
    let mut mac = HmacSha256::new_from_slice(secret).unwrap_or_else(|_| unreachable!());
    mac.update(payload.as_bytes());
    mac
}

/// Signs `claims`.
#[must_use]
pub fn sign(secret: &[u8], claims: &Claims) -> String {
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims).unwrap_or_default());
    let tag = URL_SAFE_NO_PAD.encode(mac(secret, &payload).finalize().into_bytes());
    format!("{PREFIX}{payload}.{tag}")
}

/// The claims of a token this server signed and that has not expired.
#[must_use]
pub fn verify(secret: &[u8], token: &str, now: i64) -> Option<Claims> {
    let (payload, tag) = token.strip_prefix(PREFIX)?.split_once('.')?;
    let tag = URL_SAFE_NO_PAD.decode(tag).ok()?;
    mac(secret, payload).verify_slice(&tag).ok()?;
    let claims: Claims = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
    (claims.exp > now).then_some(claims)
}

/// The realm clients are sent to.
#[must_use]
pub fn realm(app: &App) -> String {
    match &app.settings.token_realm {
        Some(realm) => realm.clone(),
        None => format!("{}/v2/token", app.config.api_url().trim_end_matches('/')),
    }
}

/// The service name in challenges: the API URL's host.
#[must_use]
pub fn service(app: &App) -> String {
    let url = app.config.api_url();
    url.split("://")
        .nth(1)
        .unwrap_or(url)
        .split('/')
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// A 401 telling the client where to get a token, for `scope` when it is known.
#[must_use]
pub fn challenge(app: &App, scope: Option<&str>, message: impl Into<String>) -> OciError {
    let mut value = format!(
        "Bearer realm=\"{}\",service=\"{}\"",
        realm(app),
        service(app)
    );
    if let Some(scope) = scope {
        value.push_str(&format!(",scope=\"{scope}\""));
    }
    OciError {
        challenge: Some(value),
        ..OciError::new(StatusCode::UNAUTHORIZED, "UNAUTHORIZED", message)
    }
}

/// The claims of the request's bearer token.
///
/// # Errors
/// 401 with the challenge when there is no valid token.
pub fn bearer(app: &App, parts: &Parts) -> Result<Claims, OciError> {
    let token = header_str(&parts.headers, header::AUTHORIZATION.as_str())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim);
    let Some(token) = token else {
        return Err(challenge(app, None, "Authentication required"));
    };
    verify(&app.secret, token, app.now().unix_timestamp())
        .ok_or_else(|| challenge(app, None, "The token is not valid or has expired"))
}

/// The claims of the request's token, which must grant `action` on `name`.
///
/// # Errors
/// 401 with a challenge for the scope needed when there is no valid token, and when the
/// token does not grant the action (then with `error="insufficient_scope"`): a client asks
/// the token service again on a 401.
pub fn require(
    app: &App,
    parts: &Parts,
    name: &RepoName,
    action: &str,
) -> Result<Claims, OciError> {
    let actions = if action == PULL { PULL } else { "pull,push" };
    let actions = if action == DELETE { "delete" } else { actions };
    require_asking(app, parts, name, action, actions)
}

/// [`require`], the challenge asking for `actions` (a blob's existence check asks for
/// `pull,push`: a pusher checks a blob before it uploads it, and a client that reuses the
/// token it got for the check, as the oras SDK does, then holds push if the caller may
/// push; the token service grants anyone else pull only).
///
/// # Errors
/// As [`require`].
pub fn require_asking(
    app: &App,
    parts: &Parts,
    name: &RepoName,
    action: &str,
    actions: &str,
) -> Result<Claims, OciError> {
    let scope = format!("repository:{name}:{actions}");
    let claims = bearer(app, parts).map_err(|e| OciError {
        challenge: challenge(app, Some(&scope), "").challenge,
        ..e
    })?;
    if claims.allows(name.as_str(), action) {
        return Ok(claims);
    }
    // A 401 naming the scope, as distribution answers (`insufficient_scope`): clients ask
    // the token service again only on a 401, with the scope it names.
    let message = format!("The token does not grant {action} on {name}");
    let mut refused = challenge(app, Some(&scope), message);
    if let Some(value) = &mut refused.challenge {
        value.push_str(",error=\"insufficient_scope\"");
    }
    Err(refused)
}

/// The answer of the token endpoint.
#[derive(Debug, Serialize)]
pub struct TokenAnswer {
    /// The token (Docker's name).
    pub token: String,
    /// The same (OAuth 2's name).
    pub access_token: String,
    /// Seconds it is valid for.
    pub expires_in: i64,
    /// When it was issued, RFC 3339.
    pub issued_at: String,
}

/// Who asked: an account and its credential's scopes, or nobody.
struct Asker {
    user: Option<crate::db::users::User>,
    scopes: Scopes,
}

/// Reads Basic credentials: a username with its password or one of its tokens.
async fn asker(app: &App, parts: &Parts) -> Result<Asker, OciError> {
    let Some(value) = header_str(&parts.headers, header::AUTHORIZATION.as_str()) else {
        return Ok(Asker {
            user: None,
            scopes: Scopes::parse(&["*".to_owned()]).unwrap_or_else(|_| unreachable!()),
        });
    };
    let refused = || challenge(app, None, "Invalid username, password or token");
    let encoded = value
        .strip_prefix("Basic ")
        .or_else(|| value.strip_prefix("basic "))
        .ok_or_else(refused)?;
    let decoded = STANDARD.decode(encoded.trim()).map_err(|_| refused())?;
    let text = String::from_utf8(decoded).map_err(|_| refused())?;
    let (username, secret) = text.split_once(':').ok_or_else(refused)?;
    let (username, secret) = (username.to_owned(), secret.to_owned());
    // A Shelf token first: no password hashing for a client that sends one each time.
    let now = app.now().unix_timestamp();
    let hash = hash_token(&secret);
    let found = app.db.run(move |c| tokens::lookup(c, &hash, now)).await?;
    if let Some((row, user)) = found {
        if user.username != username {
            return Err(refused());
        }
        let scopes = Scopes::parse(&row.scopes).map_err(|_| refused())?;
        return Ok(Asker {
            user: Some(user),
            scopes,
        });
    }
    if username.starts_with("sk_") {
        return robot(app, &username, &secret).await.ok_or_else(refused);
    }
    let user = verify_password(app, &client_ip(parts), username, secret)
        .await
        .map_err(|e| OciError {
            challenge: refused().challenge,
            ..OciError::from(e)
        })?;
    Ok(Asker {
        user: Some(user),
        scopes: Scopes::parse(&["*".to_owned()]).unwrap_or_else(|_| unreachable!()),
    })
}

/// An API key's owner and scopes, when `secret` is the key `key_id`'s.
async fn robot(app: &App, key_id: &str, secret: &str) -> Option<Asker> {
    let (key_id, now) = (key_id.to_owned(), app.now().unix_timestamp());
    let (row, stored, user) = app
        .db
        .run(move |c| keys::lookup(c, &key_id, now))
        .await
        .ok()??;
    // Compared in time independent of where they differ.
    let (a, b) = (stored.as_bytes(), secret.as_bytes());
    let differ = a.len() != b.len() || a.iter().zip(b).fold(0u8, |d, (x, y)| d | (x ^ y)) != 0;
    if differ {
        return None;
    }
    Some(Asker {
        user: Some(user),
        scopes: Scopes::parse(&row.scopes).ok()?,
    })
}

/// `repository:NAME:ACTIONS` scopes asked for, from the query.
fn asked(parts: &Parts) -> Vec<(String, BTreeSet<String>)> {
    let query = parts.uri.query().unwrap_or_default();
    let mut asked = Vec::new();
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        if key != "scope" {
            continue;
        }
        // Several scopes may share one parameter, separated by spaces.
        for scope in value.split(' ') {
            let mut parts = scope.splitn(3, ':');
            let (Some("repository"), Some(name), Some(actions)) =
                (parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            let actions = actions.split(',').map(str::to_owned).collect();
            asked.push((name.to_owned(), actions));
        }
    }
    asked
}

/// The key of a repository in the maintainers table.
#[must_use]
pub fn owner_key(name: &RepoName) -> String {
    format!("{NAME}:{name}")
}

/// What `asker` may do on `name` of what it asked.
async fn grant(app: &App, asker: &Asker, name: &str, asked: &BTreeSet<String>) -> Grant {
    let mut actions = Vec::new();
    let Ok(repo) = RepoName::parse(name) else {
        return Grant {
            name: name.to_owned(),
            actions,
        };
    };
    let wants = |a: &str| asked.contains(a) || asked.contains("*");
    if wants(PULL) {
        actions.push(PULL.to_owned());
    }
    if let Some(user) = &asker.user {
        let (key, user_id) = (owner_key(&repo), user.id);
        let member = app
            .db
            .run(move |c| {
                let role = owners::role(c, &key, user_id)?;
                let owners = owners::owner_count(c, &key)?;
                Ok((role.is_some(), owners == 0))
            })
            .await;
        let may_change = user.is_admin || member.is_ok_and(|(member, unowned)| member || unowned);
        let allowed = |action| asker.scopes.allows_in(NAME, action, repo.as_str());
        if wants(PUSH) && may_change && allowed(Action::Publish) {
            actions.push(PUSH.to_owned());
        }
        if wants(DELETE) && may_change && allowed(Action::Delete) {
            actions.push(DELETE.to_owned());
        }
    }
    Grant {
        name: name.to_owned(),
        actions,
    }
}

/// `GET /v2/token`.
///
/// # Errors
/// 401 for credentials that are not valid (none at all is an anonymous token), 429.
pub async fn issue(app: &App, parts: &Parts) -> Result<Response, OciError> {
    let asker = asker(app, parts).await?;
    let mut access = Vec::new();
    for (name, actions) in asked(parts) {
        access.push(grant(app, &asker, &name, &actions).await);
    }
    let now = app.now();
    let claims = Claims {
        sub: asker.user.as_ref().map(|u| u.id),
        name: asker.user.as_ref().map(|u| u.username.clone()),
        access,
        iat: now.unix_timestamp(),
        exp: now.unix_timestamp() + TOKEN_TTL,
    };
    let token = sign(&app.secret, &claims);
    let answer = TokenAnswer {
        access_token: token.clone(),
        token,
        expires_in: TOKEN_TTL,
        issued_at: crate::clock::rfc3339(now),
    };
    let mut response = axum::Json(answer).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_verify_only_with_their_secret_and_before_they_expire() {
        let claims = Claims {
            sub: Some(1),
            name: Some("ann".into()),
            access: vec![Grant {
                name: "lib/x".into(),
                actions: vec![PULL.into(), PUSH.into()],
            }],
            iat: 100,
            exp: 400,
        };
        let token = sign(b"secret", &claims);
        assert_eq!(verify(b"secret", &token, 399), Some(claims.clone()));
        assert_eq!(verify(b"secret", &token, 400), None);
        assert_eq!(verify(b"other", &token, 399), None);
        let forged = token.replacen("oci1.e", "oci1.f", 1);
        assert_eq!(verify(b"secret", &forged, 399), None);
        assert!(claims.allows("lib/x", PUSH));
        assert!(!claims.allows("lib/x", DELETE));
        assert!(!claims.allows("lib/y", PULL));
    }
}
