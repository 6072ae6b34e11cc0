//! Hostile URL paths, site reads, `POST /releases` bodies, content types and giant JSON.

use serde_json::json;
use shelf::serverless::package::testing::ZipBuilder;

use crate::catalogue::{Case, Ctx, Payload, case};

const NOT_FOUND: &str = "Package or version not found";

/// Traversal, encodings, NUL and overlong segments in the package routes' URL paths. A name
/// or version that cannot exist is simply not found (as the spec answers a missing version).
pub fn url_paths(ctx: &Ctx) -> Vec<Case> {
    // Near the longest URI the http crate represents (65,534 bytes); longer ones are refused
    // by the HTTP parser before any handler, which the transport test covers.
    let long = "a".repeat(60_000);
    let mut cases = Vec::new();
    for name in [
        "..",
        ".",
        "%2e%2e",
        "%2E%2E%2F",
        "..%2f..%2fhello",
        "%252e%252e",
        "hello%2f..%2f..%2fhello",
        "hello%5c..%5chello",
        "hello%00",
        "hello%0a",
        &long,
    ] {
        let short: String = name.chars().take(40).collect();
        cases.push(
            case(
                format!("delete: name {short} in the path"),
                "DELETE",
                format!("/{name}/releases/tags/1.0.0"),
            )
            .bearer(&ctx.token)
            .expect(404, NOT_FOUND),
        );
        cases.push(
            case(
                format!("yank: name {short} in the path"),
                "PUT",
                format!("/{name}/releases/tags/1.0.0/yank"),
            )
            .bearer(&ctx.token)
            .expect(404, NOT_FOUND),
        );
        cases.push(
            case(
                format!("add maintainer: name {short} in the path"),
                "POST",
                format!("/{name}/maintainers"),
            )
            .bearer(&ctx.token)
            .json(json!({ "username": "alice" }).to_string())
            .expect(404, "Package not found"),
        );
    }
    let long_version = format!("1.0.0-{long}");
    for version in [
        "..",
        ".",
        "..%2f..%2f1.0.0",
        "1.0.0%2f..%2f..%2fx",
        "%2e%2e%2f",
        "%252e%252e%252f",
        "1.0.0%5c..",
        "1.0.0%00",
        "1.0.0%0d%0a",
        &long_version,
    ] {
        let short: String = version.chars().take(40).collect();
        cases.push(
            case(
                format!("delete: version {short} in the path"),
                "DELETE",
                format!("/hello/releases/tags/{version}"),
            )
            .bearer(&ctx.token)
            .expect(404, NOT_FOUND),
        );
        cases.push(
            case(
                format!("unyank: version {short} in the path"),
                "DELETE",
                format!("/hello/releases/tags/{version}/yank"),
            )
            .bearer(&ctx.token)
            .expect(404, NOT_FOUND),
        );
    }
    for username in ["..%2f..%2falice", "alice%00", "%2e%2e", &long] {
        let short: String = username.chars().take(40).collect();
        cases.push(
            case(
                format!("remove maintainer {short}"),
                "DELETE",
                format!("/hello/maintainers/{username}"),
            )
            .bearer(&ctx.token)
            .expect(
                404,
                "User is not a maintainer of this package or is the owner",
            ),
        );
    }
    for id in ["..%2f..%2fblobs", "%2e%2e", "%00", &long] {
        let short: String = id.chars().take(40).collect();
        cases.push(
            case(
                format!("upload to id {short}"),
                "PUT",
                format!("/upload/{id}"),
            )
            .bearer(&ctx.token)
            .body(ZipBuilder::package("victim", "1.0.0").build())
            .expect(404, "Invalid upload URL"),
        );
    }
    // More segments than any route has: no route matches, and the site (which serves
    // nothing but GET and HEAD) refuses the method.
    cases.push(
        case(
            "delete: a/../../b in the path",
            "DELETE",
            "/a/../../hello/releases/tags/1.0.0",
        )
        .bearer(&ctx.token)
        .expect(405, "Method not allowed"),
    );
    cases
}

/// Reads of the site that try to leave it or to see a write's private files.
pub fn static_reads() -> Vec<Case> {
    [
        ("/../../etc/passwd", "Not found"),
        ("/%2e%2e/%2e%2e/etc/passwd", "Not found"),
        ("/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd", "Not found"),
        ("/%252e%252e/%252e%252e/etc/passwd", "Not found"),
        ("/..%5c..%5cetc%5cpasswd", "Not found"),
        (
            "/hello/zipball/..%2f..%2f..%2findex%2f.git%2fconfig",
            "Not found",
        ),
        ("/hello/releases/..%2f..%2f..%2fshelf.db", "Not found"),
        ("/hello%00/releases", "Not found"),
        ("/./hello/releases", "Not found"),
        // A write's temporary file is absent, like any package that does not exist.
        ("/.shelf-tmp-x", "Package not found"),
    ]
    .into_iter()
    .map(|(path, message)| case(format!("read {path}"), "GET", path).expect(404, message))
    .collect()
}

const INVALID_NAME: &str = "Invalid package data: package name";
const INVALID_VERSION: &str = "Invalid package data: version";

/// `POST /releases` bodies whose name, version or type are hostile.
pub fn release_bodies(ctx: &Ctx) -> Vec<Case> {
    let release = |label: String, body: serde_json::Value| {
        case(label, "POST", "/releases")
            .bearer(&ctx.token)
            .json(body.to_string())
    };
    let mut cases = Vec::new();
    let long = "a".repeat(100_000);
    for name in [
        "../x",
        "a/../../b",
        "..",
        ".",
        "a/b",
        "a\\b",
        "%2e%2e%2fx",
        "%2E%2E/x",
        "%252e%252e",
        "hello\0",
        "hel\u{1}lo",
        "hello\n",
        "hello\u{7f}",
        "h\u{435}llo", // a Cyrillic "е"
        "/etc/passwd",
        "",
        &"a".repeat(65),
        &long,
    ] {
        let short: String = name.escape_debug().take(40).collect();
        cases.push(
            release(
                format!("release: name {short}"),
                json!({ "name": name, "version": "1.0.0" }),
            )
            .expect(400, INVALID_NAME),
        );
    }
    let long_version = format!("1.0.0-{long}");
    for version in [
        "../1.0.0",
        "1.0.0/../../x",
        "..",
        ".",
        "1.0.0\\..",
        "1.0.0%2f..",
        "1.0.0\0",
        "1.0.0\u{7}",
        "1.0.0\n",
        "1.0.0-..",
        "",
        &format!("1.0.0-{}", "a".repeat(59)),
        &long_version,
    ] {
        let short: String = version.escape_debug().take(40).collect();
        cases.push(
            release(
                format!("release: version {short}"),
                json!({ "name": "victim", "version": version }),
            )
            .expect(400, INVALID_VERSION),
        );
    }
    cases.push(
        release(
            "release: type with a NUL".into(),
            json!({ "name": "victim", "version": "1.0.0", "type": "Component\0" }),
        )
        .expect(400, "Invalid package data: type must be"),
    );
    cases.push(
        release(
            "release: name hidden behind a NUL in a key".into(),
            json!({ "na\u{0}me": "victim", "version": "1.0.0" }),
        )
        .expect(400, "Invalid package data: package name is empty"),
    );
    for (label, raw) in [
        (
            "raw NUL inside a string",
            &b"{\"name\":\"vic\0tim\",\"version\":\"1.0.0\"}"[..],
        ),
        (
            "invalid UTF-8",
            b"{\"name\":\"vic\xfftim\",\"version\":\"1.0.0\"}",
        ),
        (
            "lone surrogate",
            b"{\"name\":\"\\ud800\",\"version\":\"1.0.0\"}",
        ),
        (
            "trailing garbage",
            b"{\"name\":\"victim\",\"version\":\"1.0.0\"} {}",
        ),
        (
            "a name that is not a string",
            b"{\"name\":[\"victim\"],\"version\":\"1.0.0\"}",
        ),
    ] {
        cases.push(
            case(format!("release: {label}"), "POST", "/releases")
                .bearer(&ctx.token)
                .json(raw.to_vec())
                .expect(400, "Invalid JSON body"),
        );
    }
    cases.push(
        case(
            "add maintainer: username ../alice",
            "POST",
            "/hello/maintainers",
        )
        .bearer(&ctx.token)
        .json(json!({ "username": "../alice" }).to_string())
        .expect(404, "User not found"),
    );
    cases.push(
        case(
            "add maintainer: username with a NUL",
            "POST",
            "/hello/maintainers",
        )
        .bearer(&ctx.token)
        .json(json!({ "username": "alice\0" }).to_string())
        .expect(404, "User not found"),
    );
    cases
}

const JSON_ONLY: &str = "Expected a JSON body (Content-Type: application/json)";
const MULTIPART_ONLY: &str = "Expected multipart/form-data with a file field named \"package\"";

fn multipart(boundary: &str, zip: &[u8], close: bool) -> Vec<u8> {
    let mut form = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"package\"; \
         filename=\"p.zip\"\r\nContent-Type: application/zip\r\n\r\n"
    )
    .into_bytes();
    form.extend_from_slice(zip);
    if close {
        form.extend(format!("\r\n--{boundary}--\r\n").into_bytes());
    }
    form
}

/// JSON endpoints sent other types, uploads sent JSON, multipart without its boundary.
pub fn content_types(ctx: &Ctx) -> Vec<Case> {
    let release = json!({ "name": "victim", "version": "1.0.0" }).to_string();
    let good = ZipBuilder::package("victim", "1.0.0").build();
    let mut cases = Vec::new();
    for content_type in [
        Some("text/plain"),
        None,
        Some("application/x-www-form-urlencoded"),
        Some("multipart/form-data; boundary=B"),
        Some("application/jsonx"),
        Some("application/zip"),
    ] {
        let mut c = case(
            format!("release sent as {content_type:?}"),
            "POST",
            "/releases",
        )
        .bearer(&ctx.token)
        .body(release.clone())
        .expect(415, JSON_ONLY);
        if let Some(content_type) = content_type {
            c = c.header("content-type", content_type);
        }
        cases.push(c);
    }
    cases.push(
        case(
            "add maintainer sent as text/plain",
            "POST",
            "/hello/maintainers",
        )
        .bearer(&ctx.token)
        .header("content-type", "text/plain")
        .body(json!({ "username": "alice" }).to_string())
        .expect(415, JSON_ONLY),
    );
    // Raw uploads are checked as zips whatever their label (clients label raw bodies
    // inconsistently), so a JSON document is refused for what it is.
    cases.push(
        case("raw upload of a JSON document", "PUT", ctx.upload.clone())
            .bearer(&ctx.token)
            .json(release.clone())
            .expect(400, "the upload is not a readable zip archive"),
    );
    cases.push(
        case("raw upload of a multipart form", "PUT", ctx.upload.clone())
            .bearer(&ctx.token)
            .header("content-type", "multipart/form-data; boundary=B")
            .body(multipart("B", &good, true))
            .expect(400, "bytes that are not part of the archive"),
    );
    for (label, content_type) in [
        ("multipart without a boundary", Some("multipart/form-data")),
        (
            "multipart with an empty boundary",
            Some("multipart/form-data; boundary="),
        ),
        ("form upload labelled JSON", Some("application/json")),
        ("form upload labelled zip", Some("application/zip")),
        ("form upload with no content type", None),
    ] {
        let mut c = case(label, "POST", ctx.upload.clone())
            .bearer(&ctx.token)
            .body(multipart("B", &good, true))
            .expect(415, MULTIPART_ONLY);
        if let Some(content_type) = content_type {
            c = c.header("content-type", content_type);
        }
        cases.push(c);
    }
    cases.push(
        case(
            "form upload that is not multipart",
            "POST",
            ctx.upload.clone(),
        )
        .bearer(&ctx.token)
        .header("content-type", "multipart/form-data; boundary=B")
        .body(good.clone())
        .expect(400, "Malformed multipart body"),
    );
    // The whole zip arrives, but the form never ends: the field is incomplete, so the zip is
    // not the one the client meant to send.
    cases.push(
        case(
            "form upload without its closing boundary",
            "POST",
            ctx.upload.clone(),
        )
        .bearer(&ctx.token)
        .header("content-type", "multipart/form-data; boundary=B")
        .body(multipart("B", &good, false))
        .expect(400, "field \"package\" received with incomplete data"),
    );
    cases
}

/// JSON bodies too large to read, or too deep to parse.
pub fn giant_json(ctx: &Ctx) -> Vec<Case> {
    let limit = 1 << 20;
    let big = format!("{{\"name\":\"{}\"}}", "a".repeat(limit));
    let deep = |open: &str, close: &str| {
        format!(
            "{{\"name\":\"victim\",\"version\":\"1.0.0\",\"service\":{{\"a\":{}{}}}}}",
            open.repeat(100_000),
            close.repeat(100_000)
        )
    };
    let deep_objects = format!(
        "{{\"name\":\"victim\",\"version\":\"1.0.0\",\"properties\":{}1{}}}",
        "{\"a\":".repeat(100_000),
        "}".repeat(100_000)
    );
    let chunks: Vec<Vec<u8>> = big
        .as_bytes()
        .chunks(64 * 1024)
        .map(<[u8]>::to_vec)
        .collect();
    vec![
        case("release body over the JSON limit", "POST", "/releases")
            .bearer(&ctx.token)
            .json(big.clone())
            .expect(413, format!("larger than {limit} bytes")),
        Case {
            body: Payload::Chunks(chunks),
            ..case(
                "release body over the JSON limit, streamed",
                "POST",
                "/releases",
            )
            .bearer(&ctx.token)
            .header("content-type", "application/json")
            .expect(413, format!("larger than {limit} bytes"))
        },
        case("release body announcing 10 GiB", "POST", "/releases")
            .bearer(&ctx.token)
            .header("content-length", (10u64 << 30).to_string())
            .json(Vec::new())
            .expect(413, format!("larger than {limit} bytes")),
        case(
            "release with arrays nested 100,000 deep",
            "POST",
            "/releases",
        )
        .bearer(&ctx.token)
        .json(deep("[", "]"))
        .expect(400, "recursion limit exceeded"),
        case(
            "release with objects nested 100,000 deep",
            "POST",
            "/releases",
        )
        .bearer(&ctx.token)
        .json(deep_objects)
        .expect(400, "recursion limit exceeded"),
        case("release that is only 100,000 brackets", "POST", "/releases")
            .bearer(&ctx.token)
            .json(format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)))
            .expect(400, "Invalid JSON body"),
    ]
}
