//! Serving the generated site: exact URLs, content types, validators and 304s, JSON 404s.
//!
//! The site is in the dir layout: a request for `{name}/releases` finds the folder
//! `{name}/releases` and answers with its `index.json`, directly, never with a redirect
//! (the Serverless Devs client does not follow one for lists).

use std::{path::Path, sync::Arc, time::SystemTime};

use axum::{
    body::Body,
    extract::State,
    http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header},
    response::{IntoResponse, Response},
};
use tokio_util::io::ReaderStream;
use tower_http::compression::{
    CompressionLayer,
    predicate::{And, DefaultPredicate, Predicate},
};

use utoipa::openapi::path::Paths;
use utoipa_axum::router::{UtoipaMethodRouter, UtoipaMethodRouterExt};

use super::{App, error::ApiError};
use crate::{
    output::{Class, Kind},
    protocols::RULES,
};

/// The fallback handler: every GET or HEAD that no API route took (and every other method,
/// answered 405).
pub async fn serve(
    State(app): State<Arc<App>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    match &app.site {
        Some(site) => {
            let cache = CacheView {
                files: &app.files,
                generation: app.writer.generation(),
                now: &|| app.writer.generation(),
            };
            answer_with(site, &method, &uri, &headers, Some(cache)).await
        }
        // The local folder is not written, so anything read from it would be stale.
        None => ApiError::not_found(format!(
            "This server only takes writes; the registry is read from {}",
            app.config.base_url
        ))
        .into_response(),
    }
}

/// `routes` (one path's API methods) with every other method refused with a JSON 405 whose
/// `Allow` names the documented methods. For a path no file of the site can have.
pub fn api_only(routes: UtoipaMethodRouter<Arc<App>>) -> UtoipaMethodRouter<Arc<App>> {
    let allow = allow_header(&documented_methods(&routes.1));
    routes.map(|router| router.fallback(move || async move { refuse_method(allow) }))
}

/// `routes` (one path's API methods) with the path's other GET and HEAD requests answered
/// from the site, as any path no route takes is (a package may be called `releases`), and
/// any other method refused with 405. Its `Allow` names the documented methods, and GET and
/// HEAD when the site has a file there: the methods the resource takes right now.
pub fn beside_site(routes: UtoipaMethodRouter<Arc<App>>) -> UtoipaMethodRouter<Arc<App>> {
    let documented = documented_methods(&routes.1);
    let with_get = {
        let mut all = vec!["GET", "HEAD"];
        for method in &documented {
            if !all.contains(method) {
                all.push(method);
            }
        }
        allow_header(&all)
    };
    let without_get = allow_header(&documented);
    routes.map(|router| {
        router.fallback(
            move |State(app): State<Arc<App>>, method: Method, uri: Uri, headers: HeaderMap| {
                let (with_get, without_get) = (with_get.clone(), without_get.clone());
                async move {
                    if method == Method::GET || method == Method::HEAD {
                        return serve(State(app), method, uri, headers).await;
                    }
                    if has_file(&app, uri.path()).await {
                        refuse_method(with_get)
                    } else {
                        refuse_method(without_get)
                    }
                }
            },
        )
    })
}

/// The methods `paths` describe, GET with HEAD (which axum answers with the GET handler).
fn documented_methods(paths: &Paths) -> Vec<&'static str> {
    let mut methods = Vec::new();
    for item in paths.paths.values() {
        let operations = [
            (["GET", "HEAD"].as_slice(), &item.get),
            (["PUT"].as_slice(), &item.put),
            (["POST"].as_slice(), &item.post),
            (["DELETE"].as_slice(), &item.delete),
            (["PATCH"].as_slice(), &item.patch),
        ];
        for (names, operation) in operations {
            if operation.is_some() {
                methods.extend(names.iter().copied());
            }
        }
    }
    methods
}

fn allow_header(methods: &[&str]) -> HeaderValue {
    HeaderValue::from_str(&methods.join(", ")).unwrap_or(HeaderValue::from_static(""))
}

/// 405 for a method a path does not take, naming those it does.
pub(crate) fn refuse_method(allow: HeaderValue) -> Response {
    let mut refused = method_not_allowed();
    refused.headers_mut().insert(header::ALLOW, allow);
    refused
}

/// Whether a GET of `path` would find a file of the site.
pub(crate) async fn has_file(app: &App, path: &str) -> bool {
    let (Some(site), Some(segments)) = (&app.site, segments(path)) else {
        return false;
    };
    resolve(site, &segments).await.is_some()
}

/// 405 for a method a path does not take; the caller sets `Allow`.
fn method_not_allowed() -> Response {
    ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed").into_response()
}

/// Gzip for documents only ([`Documents`]).
pub(crate) fn compression() -> CompressionLayer<And<DefaultPredicate, Documents>> {
    CompressionLayer::new().compress_when(DefaultPredicate::new().and(Documents))
}

/// Which answers are gzipped when the client takes it: the site's documents (JSON, HTML,
/// text, scripts, styles, SVG), never an archive or a blob (a zip, a tarball, a layer:
/// compressed already, so gzip only burns CPU, loses `Content-Length` and may grow them),
/// and nothing under `/v2/` (an OCI client hashes what it reads against a digest, and the
/// distribution spec has every body carry `Content-Length`; the OCI routes stamp
/// `Docker-Distribution-API-Version` on every answer, which is how they are known here).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Documents;

impl Predicate for Documents {
    fn should_compress<B>(&self, response: &axum::http::Response<B>) -> bool
    where
        B: axum::body::HttpBody,
    {
        let headers = response.headers();
        if headers.contains_key("docker-distribution-api-version") {
            return false;
        }
        let kind = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let essence = kind.split(';').next().unwrap_or_default().trim();
        essence.starts_with("text/")
            || matches!(
                essence,
                "application/json" | "application/javascript" | "image/svg+xml"
            )
    }
}

/// Names that are never content: a write's temporary files (`.shelf-tmp-…`) and a mirror's
/// state (`.shelf-mirror.json`).
const PRIVATE_PREFIX: &str = ".shelf-";

/// Answers one request from the site directory `site` (dir layout). Shared by the registry's
/// server and `shelf serve --site`, so a mirror answers exactly like its original.
pub(crate) async fn answer(
    site: &Path,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
) -> Response {
    answer_with(site, method, uri, headers, None).await
}

/// [`answer`], with the small files kept in `cache` while the writer's generation (given
/// with it) stays the same.
async fn answer_with(
    site: &Path,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    cache: Option<CacheView<'_>>,
) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return refuse_method(HeaderValue::from_static("GET, HEAD"));
    }
    if let Some(cache) = &cache
        && let Some(found) = cache.files.get(uri.path(), cache.generation)
    {
        return send(found, method, headers).await;
    }
    let Some(segments) = segments(uri.path()) else {
        return ApiError::not_found("Not found").into_response();
    };
    match resolve(site, &segments).await {
        Some(file) => {
            let file = match cache {
                Some(cache) => {
                    let still = (cache.now)() == cache.generation;
                    cache.files.keep(uri.path(), cache.generation, still, file)
                }
                None => file,
            };
            send(file, method, headers).await
        }
        None => ApiError::not_found(not_found_message(&segments)).into_response(),
    }
}

/// A request's view of the cache: the generation it started at, and how to read the
/// current one.
struct CacheView<'a> {
    files: &'a FileCache,
    generation: u64,
    now: &'a (dyn Fn() -> u64 + Send + Sync),
}

/// The small files of the site read so far, kept in memory with the writer's generation
/// they were read at ([`crate::registry::worker::WriterHandle::generation`]): a file is
/// served from here only while that generation is current and even (no batch is
/// writing), so a reader never mixes a file kept from before a change with one read
/// during it. Documents only (archives are read from disk each time). A document changed
/// behind the writer's back (by hand) is seen after the next change. Bounded: past
/// [`CACHE_BYTES`] it starts again empty.
#[derive(Default)]
pub struct FileCache {
    kept: std::sync::Mutex<(std::collections::HashMap<String, Kept>, usize)>,
    /// The writer's generation whose files the cache holds.
    generation: std::sync::atomic::AtomicU64,
}

/// One file kept.
struct Kept {
    class: Class,
    modified: SystemTime,
    bytes: bytes::Bytes,
}

/// Most bytes the cache holds.
const CACHE_BYTES: usize = 64 << 20;

impl FileCache {
    fn get(&self, path: &str, generation: u64) -> Option<Found> {
        use std::sync::atomic::Ordering;
        if !generation.is_multiple_of(2) || self.generation.load(Ordering::SeqCst) != generation {
            return None;
        }
        let kept = self.kept.lock().ok()?;
        let file = kept.0.get(path)?;
        Some(Found {
            class: file.class,
            len: file.bytes.len() as u64,
            modified: file.modified,
            content: Content::Shared(file.bytes.clone()),
        })
    }

    /// Keeps `found` when it was read whole at an even generation that was `still`
    /// current once it was read (so it was read before any file of the next batch was
    /// written); returns it to be sent.
    fn keep(&self, path: &str, generation: u64, still: bool, found: Found) -> Found {
        use std::sync::atomic::Ordering;
        let Content::Read(bytes) = found.content else {
            return found;
        };
        let bytes = bytes::Bytes::from(bytes);
        // Documents only: archives are read from disk every time, as they are (a zip is a
        // link into the blob store).
        let document = !matches!(found.class.kind, Kind::Zip | Kind::Binary);
        if generation.is_multiple_of(2)
            && still
            && document
            && let Ok(mut kept) = self.kept.lock()
        {
            // A new generation: everything kept before is stale.
            if self.generation.swap(generation, Ordering::SeqCst) != generation {
                kept.0.clear();
                kept.1 = 0;
            }
            if kept.1 + bytes.len() > CACHE_BYTES {
                kept.0.clear();
                kept.1 = 0;
            }
            kept.1 += bytes.len();
            let file = Kept {
                class: found.class,
                modified: found.modified,
                bytes: bytes.clone(),
            };
            if let Some(old) = kept.0.insert(path.to_owned(), file) {
                kept.1 -= old.bytes.len();
            }
        }
        Found {
            content: Content::Shared(bytes),
            ..found
        }
    }
}

/// The site's file at exactly `logical` (a folder's page is not looked for), answered as
/// [`answer`] answers it; `None` when there is no such file. For a protocol's reads that
/// find the file's path themselves (an OCI manifest, the one file of its folder).
pub(crate) async fn answer_exact(
    site: &Path,
    logical: String,
    method: &Method,
    headers: &HeaderMap,
) -> Option<Response> {
    if logical.split('/').any(|s| s.starts_with(PRIVATE_PREFIX)) {
        return None;
    }
    let path = site.join(&logical);
    let found = tokio::task::spawn_blocking(move || open(&path, RULES.class_of(&logical)))
        .await
        .ok()
        .flatten()?;
    Some(send(found, method, headers).await)
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

/// A file to send: its content type (decided by its logical path), its metadata, and its
/// bytes (read already when small) or the open file (streamed when large).
struct Found {
    class: Class,
    len: u64,
    modified: SystemTime,
    content: Content,
}

enum Content {
    Read(Vec<u8>),
    /// Bytes kept in memory ([`FileCache`]).
    Shared(bytes::Bytes),
    Open(std::fs::File),
}

/// Files up to this size are read whole in the one blocking call that finds them; every
/// document of the site is, only zips are streamed.
const READ_WHOLE: u64 = 256 << 10;

/// Finds and opens the file for `segments` in one blocking call. Each `tokio::fs` call is a
/// trip to the blocking pool and back; doing stat, open and read as one trip is what lets a
/// small document be served at a useful rate.
async fn resolve(site: &Path, segments: &[String]) -> Option<Found> {
    // Private files are absent, answered with the same 404 as any other missing path.
    if segments.iter().any(|s| s.starts_with(PRIVATE_PREFIX)) {
        return None;
    }
    let logical = segments.join("/");
    let path = site.join(&logical);
    tokio::task::spawn_blocking(move || {
        if let Some(found) = open(&path, RULES.class_of(&logical)) {
            return Some(found);
        }
        // A folder answers with its page, else its list document.
        ["index.html", "index.json"]
            .into_iter()
            .find_map(|file| open(&path.join(file), RULES.class_of(file)))
    })
    .await
    .ok()
    .flatten()
}

fn open(path: &Path, class: Class) -> Option<Found> {
    use std::io::Read as _;
    let mut file = std::fs::File::open(path).ok()?;
    let meta = file.metadata().ok()?;
    if !meta.is_file() {
        return None;
    }
    let len = meta.len();
    let content = if len <= READ_WHOLE {
        let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
        file.read_to_end(&mut bytes).ok()?;
        Content::Read(bytes)
    } else {
        Content::Open(file)
    };
    Some(Found {
        class,
        len,
        modified: meta.modified().unwrap_or(SystemTime::UNIX_EPOCH),
        content,
    })
}

/// The SRM's 404 messages: "Package or version not found" for a version's path, "Package not
/// found" for the package's other documents (including `latest` when no version is eligible).
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
    let Found {
        class,
        len,
        modified,
        content,
    } = found;
    let tag = etag(len, modified);
    let cache = class.cache.header();
    let mut builder = Response::builder()
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
    builder = builder
        .header(
            header::CONTENT_TYPE,
            HeaderValue::from_static(class.kind.content_type()),
        )
        .header(header::ACCEPT_RANGES, "bytes");
    let (builder, status, start, count) = match ranged(builder, headers, &tag, len) {
        Ok(ranged) => ranged,
        Err(refused) => return *refused,
    };
    let part = |bytes: &[u8]| -> bytes::Bytes {
        let from = usize::try_from(start)
            .unwrap_or(usize::MAX)
            .min(bytes.len());
        let to = usize::try_from(start + count)
            .unwrap_or(usize::MAX)
            .min(bytes.len());
        bytes::Bytes::copy_from_slice(&bytes[from..to])
    };
    let body = match content {
        _ if method == Method::HEAD => Body::empty(),
        Content::Read(bytes) if count == len => Body::from(bytes),
        Content::Shared(bytes) if count == len => Body::from(bytes),
        Content::Read(bytes) => Body::from(part(&bytes)),
        Content::Shared(bytes) => Body::from(part(&bytes)),
        // The length sent is the length stat saw: a file replaced meanwhile is a new inode
        // (writes are renames), so the open file still has exactly those bytes.
        Content::Open(file) => {
            match streamed(tokio::fs::File::from_std(file), start, count).await {
                Ok(body) => body,
                Err(refused) => return *refused,
            }
        }
    };
    builder.status(status).body(body).unwrap_or_default()
}

/// Sends the open `file` of `len` bytes as `builder` (its headers set) says, honouring a
/// single `Range` (206, or 416) as the site's files are ([`send`]); `Content-Length`
/// always. For a protocol's reads of its archives outside the site (OCI blobs from the
/// store).
pub(crate) async fn send_file(
    builder: axum::http::response::Builder,
    file: tokio::fs::File,
    len: u64,
    tag: &str,
    method: &Method,
    headers: &HeaderMap,
) -> Response {
    let builder = builder.header(header::ACCEPT_RANGES, "bytes");
    let (builder, status, start, count) = match ranged(builder, headers, tag, len) {
        Ok(ranged) => ranged,
        Err(refused) => return *refused,
    };
    let body = if method == Method::HEAD {
        Body::empty()
    } else {
        match streamed(file, start, count).await {
            Ok(body) => body,
            Err(refused) => return *refused,
        }
    };
    builder.status(status).body(body).unwrap_or_default()
}

/// The range of a file of `len` bytes to send, with its status and `Content-Length` (and
/// `Content-Range`) on `builder`; the 416 to answer instead. One range when asked for one
/// (and `If-Range`, if sent, still names this file); several ranges are answered with the
/// whole file, as RFC 9110 allows.
fn ranged(
    builder: axum::http::response::Builder,
    headers: &HeaderMap,
    tag: &str,
    len: u64,
) -> Result<(axum::http::response::Builder, StatusCode, u64, u64), Box<Response>> {
    let (builder, status, start, count) = match requested_range(headers, tag, len) {
        Ranged::Whole => (builder, StatusCode::OK, 0, len),
        Ranged::Part { start, end } => (
            builder.header(header::CONTENT_RANGE, format!("bytes {start}-{end}/{len}")),
            StatusCode::PARTIAL_CONTENT,
            start,
            end - start + 1,
        ),
        Ranged::Unsatisfiable => {
            return Err(Box::new(
                builder
                    .status(StatusCode::RANGE_NOT_SATISFIABLE)
                    .header(header::CONTENT_RANGE, format!("bytes */{len}"))
                    .header(header::CONTENT_LENGTH, 0)
                    .body(Body::empty())
                    .unwrap_or_default(),
            ));
        }
    };
    Ok((
        builder.header(header::CONTENT_LENGTH, count),
        status,
        start,
        count,
    ))
}

/// `count` bytes of `file` from `start`, streamed in [`STREAM_BUFFER`] reads.
async fn streamed(
    mut file: tokio::fs::File,
    start: u64,
    count: u64,
) -> Result<Body, Box<Response>> {
    use tokio::io::{AsyncReadExt as _, AsyncSeekExt as _};
    if start > 0 && file.seek(std::io::SeekFrom::Start(start)).await.is_err() {
        let failed = ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "Reading failed");
        return Err(Box::new(failed.into_response()));
    }
    Ok(Body::from_stream(ReaderStream::with_capacity(
        file.take(count),
        STREAM_BUFFER,
    )))
}

/// How much of a large file is read at a time while it streams: 4 KiB reads (the
/// default) cost a system call and a trip through the runtime each, 122,000 of them for a
/// 500 MB blob.
const STREAM_BUFFER: usize = 1 << 20;

/// What a request's `Range` asks of a file of `len` bytes whose validator is `tag`.
#[derive(Debug, PartialEq, Eq)]
enum Ranged {
    /// No range (or several, or one this server ignores): the whole file.
    Whole,
    /// Bytes `start..=end`.
    Part { start: u64, end: u64 },
    /// A range that starts past the end.
    Unsatisfiable,
}

fn requested_range(headers: &HeaderMap, tag: &str, len: u64) -> Ranged {
    let Some(range) = headers.get(header::RANGE).and_then(|v| v.to_str().ok()) else {
        return Ranged::Whole;
    };
    // `If-Range` with another validator: the file changed, so the whole of it.
    if let Some(validator) = headers.get(header::IF_RANGE).and_then(|v| v.to_str().ok()) {
        let strip = |t: &str| t.trim().trim_start_matches("W/").to_owned();
        if strip(validator) != strip(tag) {
            return Ranged::Whole;
        }
    }
    let Some(spec) = range.trim().strip_prefix("bytes=") else {
        return Ranged::Whole;
    };
    if spec.contains(',') {
        return Ranged::Whole;
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return Ranged::Whole;
    };
    let (first, last) = (first.trim(), last.trim());
    let parse = |n: &str| n.parse::<u64>().ok();
    match (first.is_empty(), last.is_empty()) {
        // `bytes=-N`: the last N bytes.
        (true, false) => match parse(last) {
            Some(0) => Ranged::Unsatisfiable,
            Some(n) if len > 0 => Ranged::Part {
                start: len.saturating_sub(n),
                end: len - 1,
            },
            Some(_) => Ranged::Unsatisfiable,
            None => Ranged::Whole,
        },
        (false, _) => {
            let Some(start) = parse(first) else {
                return Ranged::Whole;
            };
            let end = if last.is_empty() {
                Some(u64::MAX)
            } else {
                parse(last)
            };
            match end {
                None => Ranged::Whole,
                Some(end) if end < start => Ranged::Whole,
                Some(_) if start >= len => Ranged::Unsatisfiable,
                Some(end) => Ranged::Part {
                    start,
                    end: end.min(len - 1),
                },
            }
        }
        (true, true) => Ranged::Whole,
    }
}

#[cfg(test)]
mod tests {
    use super::{HeaderMap, HeaderValue, Ranged, header, requested_range, segments};

    #[test]
    fn a_single_range_is_honoured_and_several_are_not() {
        let range = |value: &str, len: u64| {
            let mut headers = HeaderMap::new();
            headers.insert(
                header::RANGE,
                HeaderValue::from_str(value).expect("a header"),
            );
            requested_range(&headers, "W/\"t\"", len)
        };
        let part = |start, end| Ranged::Part { start, end };
        assert_eq!(range("bytes=0-9", 100), part(0, 9));
        assert_eq!(range("bytes=90-", 100), part(90, 99));
        assert_eq!(range("bytes=90-200", 100), part(90, 99));
        assert_eq!(range("bytes=-10", 100), part(90, 99));
        assert_eq!(range("bytes=-200", 100), part(0, 99));
        assert_eq!(range("bytes=100-", 100), Ranged::Unsatisfiable);
        assert_eq!(range("bytes=-0", 100), Ranged::Unsatisfiable);
        assert_eq!(range("bytes=0-1,5-6", 100), Ranged::Whole);
        assert_eq!(range("bytes=9-1", 100), Ranged::Whole);
        assert_eq!(range("items=0-1", 100), Ranged::Whole);
        let mut headers = HeaderMap::new();
        headers.insert(header::RANGE, HeaderValue::from_static("bytes=0-1"));
        headers.insert(header::IF_RANGE, HeaderValue::from_static("\"other\""));
        assert_eq!(requested_range(&headers, "W/\"t\"", 100), Ranged::Whole);
        headers.insert(header::IF_RANGE, HeaderValue::from_static("\"t\""));
        assert_eq!(requested_range(&headers, "W/\"t\"", 100), part(0, 1));
    }

    #[test]
    fn refuses_escaping_paths() {
        assert_eq!(segments("/"), Some(vec![]));
        assert_eq!(
            segments("/a/releases/"),
            Some(vec!["a".into(), "releases".into()])
        );
        assert_eq!(
            segments("/a/releases/tags/1.0.0%2Dbeta"),
            Some(vec![
                "a".into(),
                "releases".into(),
                "tags".into(),
                "1.0.0-beta".into()
            ])
        );
        for bad in [
            "/../etc/passwd",
            "/a/%2e%2e/x",
            "/a//b",
            "/a/%2Fb",
            "/a%00",
            "/a/%5c..",
            "/./a",
        ] {
            assert_eq!(segments(bad), None, "{bad}");
        }
    }
}
