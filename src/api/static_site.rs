//! Serving a plain site directory: no registry, no database, no API.
//!
//! `shelf serve --site DIR` serves a copy of a site (a mirror made by `shelf mirror`, an
//! `rsync` of another registry's folder) the way [`super::files`] serves a registry's own:
//! the same paths, content types, validators, 304s and JSON 404s. Files whose name starts
//! with `.shelf-` (temporary files of a write in progress, the mirror's state) are never
//! served. Every method other than GET and HEAD answers 405: nothing here writes.

use std::{
    path::{Path, PathBuf},
    sync::Arc,
    time::SystemTime,
};

use axum::{
    Router,
    body::Body,
    extract::State,
    http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header},
    response::{IntoResponse, Response},
};
use tokio_util::io::ReaderStream;
use tower_http::compression::{
    CompressionLayer,
    predicate::{DefaultPredicate, NotForContentType, Predicate},
};

use super::error::ApiError;
use crate::site::Kind;

/// Names that are never content: a write's temporary files and the mirror's state.
const PRIVATE_PREFIX: &str = ".shelf-";

/// A router answering every request from the site directory `site` (dir layout).
pub fn static_router(site: PathBuf) -> Router {
    // Zips are already compressed; gzipping them again only burns CPU.
    let compress = DefaultPredicate::new().and(NotForContentType::const_new("application/zip"));
    Router::new()
        .fallback(serve)
        .with_state(Arc::new(site))
        .layer(CompressionLayer::new().compress_when(compress))
}

async fn serve(
    State(site): State<Arc<PathBuf>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed").into_response();
    }
    let Some(segments) = segments(uri.path()) else {
        return ApiError::not_found("Not found").into_response();
    };
    match resolve(&site, &segments).await {
        Some(found) => send(found, &method, &headers).await,
        None => ApiError::not_found(not_found_message(&segments)).into_response(),
    }
}

/// The decoded path segments, or `None` for a path that could escape the site (`..`, `.`,
/// NUL, backslashes, empty segments other than a trailing slash).
fn segments(path: &str) -> Option<Vec<String>> {
    let trimmed = path.trim_start_matches('/');
    let trimmed = trimmed.strip_suffix('/').unwrap_or(trimmed);
    if trimmed.is_empty() {
        return Some(Vec::new());
    }
    trimmed
        .split('/')
        .map(|raw| {
            let seg = percent_encoding::percent_decode_str(raw)
                .decode_utf8()
                .ok()?
                .into_owned();
            let bad =
                seg.is_empty() || seg == "." || seg == ".." || seg.contains(['/', '\\', '\0']);
            (!bad).then_some(seg)
        })
        .collect()
}

/// A file to send, with the kind its logical path gives it.
struct Found {
    path: PathBuf,
    kind: Kind,
}

async fn resolve(site: &Path, segments: &[String]) -> Option<Found> {
    // Private files are absent, answered with the same 404 as any other missing path.
    if segments.iter().any(|s| s.starts_with(PRIVATE_PREFIX)) {
        return None;
    }
    let logical = segments.join("/");
    let path = site.join(&logical);
    let meta = tokio::fs::metadata(&path).await.ok()?;
    if meta.is_file() {
        return Some(Found {
            kind: Kind::of(&logical),
            path,
        });
    }
    // A folder answers with its page, else its list document (no redirect: the v3 client
    // does not follow one for lists).
    for file in ["index.html", "index.json"] {
        let candidate = path.join(file);
        if tokio::fs::metadata(&candidate)
            .await
            .is_ok_and(|m| m.is_file())
        {
            return Some(Found {
                kind: Kind::of(file),
                path: candidate,
            });
        }
    }
    None
}

/// The SRM's 404 messages, as the registry's own server answers them.
fn not_found_message(segments: &[String]) -> &'static str {
    let strs: Vec<&str> = segments.iter().map(String::as_str).collect();
    let rest = match strs.as_slice() {
        ["v3", "packages", _, rest @ ..] | [_, rest @ ..] => rest,
        [] => return "Not found",
    };
    match rest {
        ["releases" | "release", "tags", _] | ["zipball", _] => "Package or version not found",
        ["releases" | "release", ..] | ["index.json" | "index.html"] | [] => "Package not found",
        _ => "Not found",
    }
}

fn etag(len: u64, modified: SystemTime) -> String {
    let nanos = modified
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    // Weak: the same tag stands for the gzip and identity encodings of one file.
    format!("W/\"{len:x}-{nanos:x}\"")
}

fn not_modified(headers: &HeaderMap, tag: &str, modified: SystemTime) -> bool {
    if let Some(inm) = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
    {
        let strip = |t: &str| t.trim().trim_start_matches("W/").to_owned();
        return inm
            .split(',')
            .any(|t| t.trim() == "*" || strip(t) == strip(tag));
    }
    if let Some(since) = headers
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| httpdate::parse_http_date(v).ok())
    {
        // HTTP dates have whole seconds.
        let secs = |t: SystemTime| {
            t.duration_since(SystemTime::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0)
        };
        return secs(modified) <= secs(since);
    }
    false
}

async fn send(found: Found, method: &Method, headers: &HeaderMap) -> Response {
    let Ok(file) = tokio::fs::File::open(&found.path).await else {
        return ApiError::not_found("Not found").into_response();
    };
    let Ok(meta) = file.metadata().await else {
        return ApiError::not_found("Not found").into_response();
    };
    let modified = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
    let tag = etag(meta.len(), modified);
    let cache = if found.kind == Kind::Zip {
        // A version's zip never changes: its number is never reused.
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=0, must-revalidate"
    };
    let builder = Response::builder()
        .header(header::ETAG, &tag)
        .header(header::LAST_MODIFIED, httpdate::fmt_http_date(modified))
        .header(header::CACHE_CONTROL, cache)
        // Browsers must not guess a type from content: every file's type is decided here.
        .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    if not_modified(headers, &tag, modified) {
        return builder
            .status(StatusCode::NOT_MODIFIED)
            .body(Body::empty())
            .unwrap_or_default();
    }
    let body = if method == Method::HEAD {
        Body::empty()
    } else {
        Body::from_stream(ReaderStream::new(file))
    };
    builder
        .header(
            header::CONTENT_TYPE,
            HeaderValue::from_static(found.kind.content_type()),
        )
        .header(header::CONTENT_LENGTH, meta.len())
        .status(StatusCode::OK)
        .body(body)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use axum::http::Request;
    use tower::ServiceExt as _;

    use super::*;

    async fn get(router: Router, path: &str) -> (StatusCode, String, Vec<u8>) {
        let response = router
            .oneshot(
                Request::get(path)
                    .body(Body::empty())
                    .expect("a valid request"),
            )
            .await
            .expect("the router answers");
        let status = response.status();
        let kind = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("a body");
        (status, kind, body.to_vec())
    }

    #[tokio::test]
    async fn serves_lists_zips_and_pages_but_not_private_files() {
        let site = tempfile::tempdir().expect("temp dir");
        let root = site.path();
        for (path, bytes) in [
            ("hello/releases/index.json", "[]\n"),
            ("hello/zipball/1.0.0-x.html", "PK"),
            ("hello/index.html", "<p>hello</p>"),
            (".shelf-mirror.json", "{}"),
        ] {
            let path = root.join(path);
            std::fs::create_dir_all(path.parent().expect("a parent")).expect("folders");
            std::fs::write(path, bytes).expect("a file");
        }
        let router = static_router(root.to_owned());
        let table = [
            (
                "/hello/releases",
                StatusCode::OK,
                "application/json",
                "[]\n",
            ),
            (
                "/hello/releases/",
                StatusCode::OK,
                "application/json",
                "[]\n",
            ),
            (
                "/hello/zipball/1.0.0-x.html",
                StatusCode::OK,
                "application/zip",
                "PK",
            ),
            (
                "/hello/",
                StatusCode::OK,
                "text/html; charset=utf-8",
                "<p>hello</p>",
            ),
            (
                "/hello/releases/tags/9.9.9",
                StatusCode::NOT_FOUND,
                "application/json",
                "{\"error\":\"Package or version not found\"}",
            ),
            (
                "/.shelf-mirror.json",
                StatusCode::NOT_FOUND,
                "application/json",
                "{\"error\":\"Package not found\"}",
            ),
            (
                "/hello/%2e%2e/%2e%2e/etc/passwd",
                StatusCode::NOT_FOUND,
                "application/json",
                "{\"error\":\"Not found\"}",
            ),
        ];
        for (path, status, kind, body) in table {
            let (got_status, got_kind, got_body) = get(router.clone(), path).await;
            assert_eq!(got_status, status, "{path}");
            assert_eq!(got_kind, kind, "{path}");
            assert_eq!(String::from_utf8_lossy(&got_body), body, "{path}");
        }
    }
}
