//! Serving a plain site directory: no registry, no database, no API.
//!
//! `shelf serve --site DIR` serves a copy of a site (a mirror made by `shelf mirror`, an
//! `rsync` of another registry's folder) the way [`super::files`] serves a registry's own:
//! the same paths, content types, validators, 304s and JSON 404s. Files whose name starts
//! with `.shelf-` (temporary files of a write in progress, the mirror's state) are never
//! served. Every method other than GET and HEAD answers 405: nothing here writes.

use std::{path::PathBuf, sync::Arc};

use axum::{
    Router,
    extract::State,
    http::{HeaderMap, Method, Uri},
    response::Response,
};

use super::files;

/// A router answering every request from the site directory `site` (dir layout).
pub fn static_router(site: PathBuf) -> Router {
    Router::new()
        .fallback(serve)
        .with_state(Arc::new(site))
        .layer(files::compression())
}

async fn serve(
    State(site): State<Arc<PathBuf>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    files::answer(&site, &method, &uri, &headers).await
}

#[cfg(test)]
mod tests {
    use axum::{
        body::Body,
        http::{Request, StatusCode, header},
    };
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
