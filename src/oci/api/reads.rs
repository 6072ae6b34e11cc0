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
        .find(|n| n.starts_with("sha256:"))
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
    let reference = Reference::parse(reference)?;
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
    let claims = token::require(app, parts, &name, token::PULL)?;
    let digest = Digest::parse(digest)?;
    let path = app.blobs.path(digest.hex());
    let unknown = || OciError::unknown("BLOB_UNKNOWN", format!("No blob {digest}"));
    // Only what this repository holds: the store is shared by every repository and
    // protocol (an unpublished npm tarball is no repository's).
    if !super::uploads::held_by(app, &name, digest.hex()).await {
        return Err(unknown());
    }
    // A pusher asking whether a blob is there will not upload it again: its manifest is
    // coming, so the garbage collection's grace starts again.
    if claims.allows(name.as_str(), token::PUSH) {
        app.blobs
            .mark_fresh(digest.hex())
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
    answer_exact(site, logical, &parts.method, &parts.headers)
        .await
        .ok_or_else(|| name_unknown(&name))
}

/// `GET /v2/{name}/referrers/{digest}`: never a 404 in a repository that exists.
///
/// # Errors
/// 401, 400 for a digest outside the grammar, 404 `NAME_UNKNOWN`.
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
    let exists = site.join(format!("{PREFIX}/{name}/tags/list")).is_file();
    if !exists {
        return Err(name_unknown(&name));
    }
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
