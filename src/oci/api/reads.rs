//! The reads `shelf serve` answers: what a static host answers from the generated files
//! (manifests by tag or digest, the tag list, referrers), from the same files, plus blobs
//! from the store (a client asks whether a blob is there before it uploads it, before any
//! manifest names it). With the site on a remote target, only blobs are answered here: the
//! rest is read from the target.

use std::sync::Arc;

use axum::{
    http::{HeaderValue, header, request::Parts},
    response::{IntoResponse, Response},
};

use super::{CONTENT_DIGEST, OciError, token};
use crate::{
    api::{
        App,
        error::ApiError,
        files::{answer_exact, send_file},
    },
    oci::{
        manifest::OCI_INDEX,
        name::{Digest, Reference, RepoName},
        paths::PREFIX,
    },
};

fn manifest_unknown(reference: &str) -> OciError {
    OciError::unknown(
        "MANIFEST_UNKNOWN",
        format!("{reference} is not in this repository"),
    )
}

fn name_unknown(name: &RepoName) -> OciError {
    OciError::unknown("NAME_UNKNOWN", format!("No repository {name}"))
}

/// The file name of the one manifest in the folder `dir` of the site.
fn only_file(dir: &std::path::Path) -> Option<String> {
    std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .find(|n| n.starts_with("sha256:") || n.starts_with("sha512:"))
}

/// `GET|HEAD /v2/{name}/manifests/{reference}`.
///
/// # Errors
/// 401, 400 for a reference outside the grammar, 404 `MANIFEST_UNKNOWN`.
pub async fn manifest(
    app: &Arc<App>,
    parts: &Parts,
    name: RepoName,
    reference: &str,
) -> Result<Response, OciError> {
    token::require(app, parts, &name, token::PULL)?;
    // A reference no tag or digest can be is a manifest nobody has (the spec's 404).
    let reference = Reference::parse(reference).map_err(|_| manifest_unknown(reference))?;
    let Some(site) = &app.site else {
        return Err(manifest_unknown(reference.as_str()));
    };
    let folder = format!("{PREFIX}/{name}/manifests/{}", reference.as_str());
    let dir = site.join(&folder);
    let file = tokio::task::spawn_blocking(move || only_file(&dir))
        .await
        .ok()
        .flatten()
        .ok_or_else(|| manifest_unknown(reference.as_str()))?;
    let digest = file
        .split_once('.')
        .map_or(file.as_str(), |(d, _)| d)
        .to_owned();
    let logical = format!("{folder}/{file}");
    let mut response = answer_exact(site, logical, &parts.method, &parts.headers)
        .await
        .ok_or_else(|| manifest_unknown(reference.as_str()))?;
    if let Ok(value) = HeaderValue::try_from(digest) {
        response.headers_mut().insert(CONTENT_DIGEST, value);
    }
    Ok(response)
}

/// `GET|HEAD /v2/{name}/blobs/{digest}`: from the store.
///
/// # Errors
/// 401, 400 for a digest outside the grammar, 404 `BLOB_UNKNOWN`.
pub async fn blob(
    app: &Arc<App>,
    parts: &Parts,
    name: RepoName,
    digest: &str,
) -> Result<Response, OciError> {
    let claims = token::require_asking(app, parts, &name, token::PULL, "pull,push")?;
    let digest = Digest::parse(digest)?;
    let unknown = || OciError::unknown("BLOB_UNKNOWN", format!("No blob {digest}"));
    let key = digest.store_key(&app.blobs).ok_or_else(unknown)?;
    let path = app.blobs.path(&key);
    // Only what this repository holds: the store is shared by every repository and
    // protocol (an unpublished npm tarball is no repository's).
    if !super::uploads::held_by(app, &name, &key).await {
        return Err(unknown());
    }
    // A pusher asking whether a blob is there will not upload it again: its manifest is
    // coming, so the garbage collection's grace starts again.
    if claims.allows(name.as_str(), token::PUSH) {
        app.blobs
            .mark_fresh(&key)
            .map_err(|e| crate::api::error::ApiError::internal(&e))?;
    }
    let file = tokio::fs::File::open(&path).await.map_err(|_| unknown())?;
    let len = file.metadata().await.map_err(|_| unknown())?.len();
    let tag = format!("\"{digest}\"");
    let mut builder = Response::builder()
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .header(header::CACHE_CONTROL, "public, max-age=31536000, immutable")
        .header(header::ETAG, &tag);
    if let Ok(value) = HeaderValue::try_from(digest.as_str()) {
        builder = builder.header(CONTENT_DIGEST, value);
    }
    let (method, headers) = (&parts.method, &parts.headers);
    Ok(send_file(builder, file, len, &tag, method, headers).await)
}

/// The tag list read back from the site, for a page of it.
#[derive(serde::Serialize, serde::Deserialize)]
struct Tags {
    name: String,
    tags: Vec<String>,
}

/// `GET /v2/{name}/tags/list`.
///
/// # Errors
/// 401, 404 `NAME_UNKNOWN`.
pub async fn tags(app: &Arc<App>, parts: &Parts, name: RepoName) -> Result<Response, OciError> {
    token::require(app, parts, &name, token::PULL)?;
    let Some(site) = &app.site else {
        return Err(name_unknown(&name));
    };
    let logical = format!("{PREFIX}/{name}/tags/list");
    let (n, last) = (super::query(parts, "n"), super::query(parts, "last"));
    if n.is_none() && last.is_none() {
        return answer_exact(site, logical, &parts.method, &parts.headers)
            .await
            .ok_or_else(|| name_unknown(&name));
    }
    // A page of the list: the tags after `last`, at most `n`, in the list's (lexical)
    // order, with a `Link` to the next page when more follow. The static tree answers the
    // whole list, which the spec allows.
    let n = match n.map(|n| n.parse::<usize>()) {
        Some(Ok(n)) => Some(n),
        Some(Err(_)) => {
            return Err(OciError::bad("UNSUPPORTED", "n must be a number of tags"));
        }
        None => None,
    };
    let path = site.join(&logical);
    let list = tokio::fs::read(&path)
        .await
        .map_err(|_| name_unknown(&name))?;
    let list: Tags = serde_json::from_slice(&list).map_err(|e| ApiError::internal(&e))?;
    let mut tags: Vec<String> = list.tags;
    tags.sort();
    let after: Vec<String> = match &last {
        Some(last) => tags.into_iter().filter(|t| t > last).collect(),
        None => tags,
    };
    let more = n.is_some_and(|n| after.len() > n);
    let page: Vec<String> = after.into_iter().take(n.unwrap_or(usize::MAX)).collect();
    let mut response = axum::Json(Tags {
        name: list.name,
        tags: page.clone(),
    })
    .into_response();
    if let (true, Some(n), Some(last)) = (more, n, page.last())
        && let Ok(link) = HeaderValue::try_from(format!(
            "</v2/{name}/tags/list?n={n}&last={last}>; rel=\"next\""
        ))
    {
        response.headers_mut().insert(header::LINK, link);
    }
    if parts.method == axum::http::Method::HEAD {
        *response.body_mut() = axum::body::Body::empty();
    }
    Ok(response)
}

/// `GET /v2/{name}/referrers/{digest}`: never a 404.
///
/// # Errors
/// 401, 400 for a digest outside the grammar.
pub async fn referrers(
    app: &Arc<App>,
    parts: &Parts,
    name: RepoName,
    digest: &str,
) -> Result<Response, OciError> {
    token::require(app, parts, &name, token::PULL)?;
    let digest = Digest::parse(digest)?;
    let Some(site) = &app.site else {
        return Err(name_unknown(&name));
    };
    let logical = format!("{PREFIX}/{name}/referrers/{digest}");
    if let Some(response) = answer_exact(site, logical, &parts.method, &parts.headers).await {
        return Ok(response);
    }
    // Never a 404: a digest nothing refers to (or a repository not pushed yet) has no
    // referrers.
    let empty = crate::oci::plan::Referrers {
        schema_version: 2,
        media_type: OCI_INDEX,
        manifests: Vec::new(),
    };
    let mut response = axum::Json(empty).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(OCI_INDEX));
    Ok(response)
}

/// `GET /v2/{name}/-/`: the repository's page, as a static host answers it (anyone may
/// read it, as every repository).
///
/// # Errors
/// 404 `NAME_UNKNOWN`.
pub async fn page(app: &Arc<App>, parts: &Parts, name: &RepoName) -> Result<Response, OciError> {
    let Some(site) = &app.site else {
        return Err(name_unknown(name));
    };
    let logical = format!("{PREFIX}/{name}/-/index.html");
    answer_exact(site, logical, &parts.method, &parts.headers)
        .await
        .ok_or_else(|| name_unknown(name))
}
