//! npm's HTTP API, under `/npm/`: what the `npm` client sends that is not a read of a file
//! ([`publish`], [`manage`] for dist-tags, deprecation, unpublishing and owners, [`users`]
//! for login, `whoami` and tokens, [`search`]). Every GET that is not one of these is a
//! file of the site (packuments, tarballs, dist-tags), answered as a static host would.
//!
//! One route takes every path under `/npm/` and dispatches on its shape, because npm names
//! a scoped package as one segment (`@acme%2fwidget`) in some requests and two
//! (`@acme/widget`) in others, and the router decodes `%2f` only in what it captures.
//! Errors are npm's shape, `{"error": "…"}`, with the status [`ApiError`] decides
//! (npm prints the `error` text). [`openapi`] describes each operation for the API's
//! OpenAPI document; a method a path does not take is refused with 405 and an `Allow`
//! naming the documented ones ([`allowed`]), a path that is neither an operation nor a
//! file with 404.

pub mod manage;
pub mod openapi;
pub mod publish;
pub mod search;
pub mod users;

use std::sync::Arc;

use axum::{
    Json, Router,
    body::Body,
    extract::{Path, Query, State},
    http::{HeaderValue, Method, Request, request::Parts},
    response::{IntoResponse, Response},
    routing::any,
};
use serde::Deserialize;

use super::{NAME, name::NpmName};
use crate::api::{
    App,
    auth::{Caller, authenticate},
    error::ApiError,
    extract::{read_limited, saturating_count},
    files,
};

/// Every npm route.
pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/npm/{*rest}", any(dispatch))
        // An empty name: refused as npm's API refuses a name, not as the site would.
        .route("/npm/", any(dispatch_root))
}

/// The key of an npm package in the maintainers table: apart from Serverless names.
#[must_use]
pub fn owner_key(name: &NpmName) -> String {
    format!("{NAME}:{name}")
}

/// The caller, by bearer token (npm sends `Authorization: Bearer …` on every request).
///
/// # Errors
/// 401 without a valid token.
pub async fn caller(app: &App, parts: &Parts) -> Result<Caller, ApiError> {
    let (caller, pending) = authenticate(app, parts).await?;
    if pending.is_some() {
        return Err(ApiError::unauthorized(
            "npm requests authenticate with a bearer token, not a signature",
        ));
    }
    Ok(caller)
}

/// The biggest JSON body of the small endpoints (dist-tags, users, tokens, unpublish).
const SMALL_BODY: usize = 1 << 20;

/// `npm search`'s query.
#[derive(Debug, Deserialize)]
struct SearchQuery {
    #[serde(default)]
    text: String,
    #[serde(default, deserialize_with = "saturating_count")]
    size: Option<u64>,
    #[serde(default, deserialize_with = "saturating_count")]
    from: Option<u64>,
}

/// What a path under `/npm/` names.
#[derive(Debug, PartialEq, Eq)]
enum Target<'a> {
    /// `-/whoami`.
    WhoAmI,
    /// `-/ping`.
    Ping,
    /// `-/v1/search`.
    Search,
    /// `-/user/org.couchdb.user:{name}`.
    User(&'a str),
    /// `-/user/token/{token}`.
    Logout,
    /// `-/npm/v1/tokens`.
    Tokens,
    /// `-/npm/v1/tokens/token/{key}`.
    Token(&'a str),
    /// `-/npm/v1/security/…`: npm's audit (what follows `security/`).
    Audit(&'a str),
    /// `-/package/{name}/dist-tags` (a file) or `…/dist-tags/{tag}`.
    DistTags(&'a str, Option<&'a str>),
    /// `{name}`: the packument (a file), a publish or a deprecation.
    Package(&'a str),
    /// `{name}/-rev/{rev}`.
    Revision(&'a str),
    /// `{name}/-/{file}/-rev/{rev}`: a tarball's removal, done by the revision before it.
    TarballRevision(&'a str),
    /// Anything else: a file of the site, or nothing.
    Other,
}

/// The package-name part of `rest` and what follows: one segment, or two for a scope.
fn split_name(rest: &str) -> Option<(&str, &str)> {
    let segments = if rest.starts_with('@') { 2 } else { 1 };
    let mut end = 0;
    for n in 0..segments {
        let from = if n == 0 { 0 } else { end + 1 };
        let next = rest.get(from..)?.find('/').map_or(rest.len(), |i| from + i);
        if next == from {
            return None;
        }
        end = next;
    }
    Some((&rest[..end], &rest[end..]))
}

fn target(rest: &str) -> Target<'_> {
    if let Some(endpoint) = rest.strip_prefix("-/") {
        return match endpoint {
            "whoami" => Target::WhoAmI,
            "ping" => Target::Ping,
            "v1/search" => Target::Search,
            "npm/v1/tokens" => Target::Tokens,
            _ if endpoint.starts_with("npm/v1/security/") => {
                Target::Audit(endpoint.trim_start_matches("npm/v1/security/"))
            }
            _ => {
                if let Some(user) = endpoint.strip_prefix("user/org.couchdb.user:") {
                    return Target::User(user);
                }
                if endpoint.starts_with("user/token/") {
                    return Target::Logout;
                }
                if let Some(key) = endpoint.strip_prefix("npm/v1/tokens/token/") {
                    return Target::Token(key);
                }
                if let Some(after) = endpoint.strip_prefix("package/")
                    && let Some((name, tail)) = split_name(after)
                {
                    return match tail.strip_prefix("/dist-tags") {
                        Some("") => Target::DistTags(name, None),
                        Some(tag) if tag.len() > 1 && !tag[1..].contains('/') => {
                            Target::DistTags(name, Some(&tag[1..]))
                        }
                        _ => Target::Other,
                    };
                }
                Target::Other
            }
        };
    }
    let Some((name, tail)) = split_name(rest) else {
        return Target::Other;
    };
    if tail.is_empty() {
        return Target::Package(name);
    }
    let parts: Vec<&str> = tail.trim_start_matches('/').split('/').collect();
    match parts.as_slice() {
        ["-rev", _] => Target::Revision(name),
        ["-", _, "-rev", _] => Target::TarballRevision(name),
        _ => Target::Other,
    }
}

/// The answer of an audit endpoint when no advisory is kept: `advisories/bulk` (npm 7+
/// and bun) maps each package to its advisories, so none is `{}`; `audits` and
/// `audits/quick` (pnpm, npm 6) are a report whose `metadata` counts vulnerabilities by
/// severity (pnpm reads it) and the dependencies it was asked about.
fn audit_answer(endpoint: &str, request: &serde_json::Value) -> serde_json::Value {
    use serde_json::json;
    if endpoint.starts_with("advisories") {
        return json!({});
    }
    let counted = |key: &str| {
        request
            .get(key)
            .and_then(serde_json::Value::as_object)
            .map_or(0, serde_json::Map::len)
    };
    let dependencies = counted("dependencies");
    json!({
        "actions": [],
        "advisories": {},
        "muted": [],
        "metadata": {
            "vulnerabilities": {"info": 0, "low": 0, "moderate": 0, "high": 0, "critical": 0},
            "dependencies": dependencies,
            "devDependencies": 0,
            "optionalDependencies": 0,
            "totalDependencies": dependencies
        }
    })
}

/// The packument (or the dist-tags, `tags`) of `name` rendered from the index, as the
/// site's file says it: for a server whose site is on a remote target.
///
/// # Errors
/// 404 for a package the index does not hold.
async fn from_index(
    app: &Arc<App>,
    parts: &axum::http::request::Parts,
    name: NpmName,
    tags: bool,
) -> Result<Response, ApiError> {
    let (root, config) = (app.index_root.clone(), app.config.clone());
    let lookup = name.clone();
    let document = tokio::task::spawn_blocking(move || {
        let record = crate::npm::record::read_record(&root, &lookup)?;
        let Some(record) = record else {
            return Ok::<_, crate::index::IndexError>(None);
        };
        let document = if tags {
            serde_json::to_value(&record.package.dist_tags)
        } else {
            match crate::npm::docs::packument(&record, &config) {
                Some(packument) => serde_json::to_value(packument),
                None => return Ok(None),
            }
        };
        Ok(document.ok())
    })
    .await
    .map_err(|e| ApiError::internal(&std::io::Error::other(e)))?
    .map_err(|e| ApiError::internal(&e))?;
    let Some(document) = document else {
        return Err(ApiError::not_found(format!(
            "{name} is not in this registry"
        )));
    };
    let mut response = Json(document).into_response();
    let headers = response.headers_mut();
    headers.insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    if parts.method == Method::HEAD {
        *response.body_mut() = Body::empty();
    }
    Ok(response)
}

fn package(name: &str) -> Result<NpmName, ApiError> {
    NpmName::parse(name).map_err(|e| ApiError::not_found(format!("{name:?}: {e}")))
}

async fn dispatch(
    State(app): State<Arc<App>>,
    Path(rest): Path<String>,
    request: Request<Body>,
) -> Response {
    match route(&app, &rest, request).await {
        Ok(response) => response,
        Err(error) => error.into_response(),
    }
}

async fn dispatch_root(State(app): State<Arc<App>>, request: Request<Body>) -> Response {
    match route(&app, "", request).await {
        Ok(response) => response,
        Err(error) => error.into_response(),
    }
}

async fn route(app: &Arc<App>, rest: &str, request: Request<Body>) -> Result<Response, ApiError> {
    let (parts, body) = request.into_parts();
    let method = parts.method.clone();
    let small = |body| read_limited(&parts.headers, body, SMALL_BODY);
    let json = |bytes: &bytes::Bytes| -> Result<serde_json::Value, ApiError> {
        serde_json::from_slice(bytes)
            .map_err(|e| ApiError::bad_request(format!("The body is not valid JSON: {e}")))
    };
    match (target(rest), method) {
        (Target::WhoAmI, Method::GET) => Ok(users::whoami(app, &parts).await?.into_response()),
        (Target::Ping, Method::GET) => Ok(Json(users::Ok { ok: true }).into_response()),
        (Target::Search, Method::GET) => {
            let Query(query) = Query::<SearchQuery>::try_from_uri(&parts.uri)
                .map_err(|e| ApiError::bad_request(format!("Invalid query: {e}")))?;
            let count = |n: Option<u64>, default| {
                n.map_or(default, |n| usize::try_from(n).unwrap_or(usize::MAX))
            };
            let (size, from) = (count(query.size, 20), count(query.from, 0));
            Ok(search::search(app, &query.text, size, from)?.into_response())
        }
        (Target::User(user), Method::PUT) => {
            let bytes = small(body).await?;
            users::login(app, &parts, user, &bytes).await
        }
        (Target::User(user), Method::GET) => Ok(users::user(app, user).await?.into_response()),
        (Target::Logout, Method::DELETE) => Ok(users::logout(app, &parts).await?.into_response()),
        (Target::Tokens, Method::GET) => Ok(users::tokens(app, &parts).await?.into_response()),
        (Target::Tokens, Method::POST) => {
            let bytes = small(body).await?;
            Ok(users::create_token(app, &parts, &bytes)
                .await?
                .into_response())
        }
        (Target::Token(key), Method::DELETE) => users::revoke_token(app, &parts, key).await,
        // No advisories are kept: `npm install`, `npm audit`, pnpm and bun hear "none",
        // each endpoint in its own shape.
        (Target::Audit(endpoint), Method::POST) => {
            let bytes = small(body).await?;
            let request = json(&bytes)?;
            if !request.is_object() {
                return Err(ApiError::bad_request("The body must be a JSON object"));
            }
            Ok(Json(audit_answer(endpoint, &request)).into_response())
        }
        (Target::DistTags(name, Some(tag)), Method::PUT) => {
            let bytes = small(body).await?;
            manage::add_tag(app, &parts, package(name)?, tag, &bytes).await
        }
        (Target::DistTags(name, Some(tag)), Method::DELETE) => {
            manage::remove_tag(app, &parts, package(name)?, tag).await
        }
        (Target::Package(name), Method::PUT) => {
            // A publish names the package it makes: a name npm refuses is the request's
            // mistake (400), not a missing package (404, which npm explains as "not in
            // this registry").
            let name = NpmName::parse(name)
                .map_err(|e| ApiError::bad_request(format!("{name:?}: {e}")))?;
            publish::put_package(app, &parts, name, body).await
        }
        (Target::Revision(name), Method::PUT) => {
            let bytes = small(body).await?;
            manage::put_revision(app, &parts, package(name)?, &json(&bytes)?).await
        }
        (Target::Revision(name), Method::DELETE) => {
            manage::unpublish_all(app, &parts, package(name)?).await
        }
        // The revision that removed the version removed its tarball: nothing left to do.
        (Target::TarballRevision(name), Method::DELETE) => {
            package(name)?;
            Ok(Json(users::Ok { ok: true }).into_response())
        }
        // With the site on a remote target the server has no copy of the files: the reads
        // npm makes before its writes (`npm deprecate`, `dist-tag`, `owner ls`,
        // `unpublish` GET the packument with `?write=true`, or the dist-tags) are
        // answered from the index, as the files would answer them.
        (Target::Package(name) | Target::DistTags(name, None), Method::GET | Method::HEAD)
            if app.site.is_none() =>
        {
            let tags = matches!(target(rest), Target::DistTags(..));
            from_index(app, &parts, package(name)?, tags).await
        }
        // An endpoint that only takes a POST (npm's audit) is no file: 405 below.
        (target, Method::GET | Method::HEAD) if !matches!(target, Target::Audit(_)) => {
            // The file at the decoded path: `@acme%2fwidget` is the folder `@acme/widget`.
            let decoded = match parts.uri.query() {
                Some(query) => format!("/npm/{rest}?{query}"),
                None => format!("/npm/{rest}"),
            };
            let uri = decoded.parse().unwrap_or(parts.uri);
            Ok(files::serve(State(app.clone()), parts.method, uri, parts.headers).await)
        }
        (target, _) => {
            let has_file = files::has_file(app, &format!("/npm/{rest}")).await;
            if target == Target::Other && !has_file {
                // Not a path of npm's API, nor of a file: nothing is there (a name that
                // is not npm's can make a documented path look like this).
                return Err(ApiError::not_found(format!("Nothing at /npm/{rest}")));
            }
            let mut methods = allowed(&target).to_vec();
            if !methods.contains(&"GET") && has_file {
                methods.splice(0..0, ["GET", "HEAD"]);
            }
            let allow =
                HeaderValue::from_str(&methods.join(", ")).unwrap_or(HeaderValue::from_static(""));
            Ok(files::refuse_method(allow))
        }
    }
}

/// The methods [`openapi`] documents for a target (GET with HEAD). Any GET or HEAD is
/// also a read of the site, so those are allowed as well where the site has a file.
fn allowed(target: &Target<'_>) -> &'static [&'static str] {
    match target {
        Target::WhoAmI | Target::Ping | Target::Search | Target::DistTags(_, None) => {
            &["GET", "HEAD"]
        }
        Target::User(_) | Target::Package(_) => &["GET", "HEAD", "PUT"],
        Target::Tokens => &["GET", "HEAD", "POST"],
        Target::Audit(_) => &["POST"],
        Target::DistTags(_, Some(_)) | Target::Revision(_) => &["PUT", "DELETE"],
        Target::Token(_) | Target::Logout | Target::TarballRevision(_) => &["DELETE"],
        Target::Other => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_name_what_npm_asks_for() {
        assert_eq!(target("express"), Target::Package("express"));
        assert_eq!(target("@acme/widget"), Target::Package("@acme/widget"));
        assert_eq!(
            target("@acme/widget/-rev/3-abc"),
            Target::Revision("@acme/widget")
        );
        assert_eq!(
            target("@acme/widget/-/widget-1.0.0.tgz/-rev/3-abc"),
            Target::TarballRevision("@acme/widget")
        );
        assert_eq!(target("express/-/express-1.0.0.tgz"), Target::Other);
        assert_eq!(target("-/whoami"), Target::WhoAmI);
        assert_eq!(
            target("-/user/org.couchdb.user:alice"),
            Target::User("alice")
        );
        assert_eq!(
            target("-/package/@acme/widget/dist-tags/next"),
            Target::DistTags("@acme/widget", Some("next"))
        );
        assert_eq!(
            target("-/package/express/dist-tags"),
            Target::DistTags("express", None)
        );
        assert_eq!(target("-/npm/v1/tokens/token/12"), Target::Token("12"));
        assert_eq!(target("@acme"), Target::Other);
    }
}
