//! A catalogue of hostile inputs through the HTTP API (issue 5): path traversal in names and
//! versions (plain and percent-encoded, in URLs, JSON bodies and `publish.yaml`), overlong
//! and NUL-laden names, zip bombs, symlinks, duplicate and escaping entries, wrong content
//! types, gigantic and deeply nested JSON and YAML, malformed credentials and signatures —
//! and, against a real `shelf serve` over TCP, truncated and malformed HTTP. npm's publishes,
//! tags and tarballs have a catalogue of their own (`hostile/npm.rs`).
//!
//! Every refusal must be the specific 4xx the catalogue names, in the API's JSON error shape,
//! and must leave the index, the blob store and the site exactly as they were, with no
//! temporary file behind. Each test ends with one good publish, to prove the server is still
//! healthy after the barrage.

#[path = "hostile/catalogue.rs"]
mod catalogue;
mod common;
#[path = "hostile/credentials.rs"]
mod credentials;
#[path = "hostile/npm.rs"]
mod npm;
#[path = "hostile/requests.rs"]
mod requests;
#[path = "hostile/transport.rs"]
mod transport;
#[path = "hostile/uploads.rs"]
mod uploads;
#[path = "hostile/zips.rs"]
mod zips;

use axum::{
    body::Body,
    http::{HeaderName, HeaderValue, Request},
};
use serde_json::json;
use shelf::{
    api::testing::{TestApp, TestResponse},
    serverless::package::testing::ZipBuilder,
};

use catalogue::{Case, Ctx, Payload};
use common::snapshot::Snapshot;

fn request(case: &Case) -> Request<Body> {
    let mut builder = Request::builder().method(case.method).uri(&case.path);
    for (name, value) in &case.headers {
        let name = HeaderName::from_bytes(name.as_bytes()).expect("header name");
        let value = HeaderValue::from_bytes(value).expect("header value the http crate allows");
        builder = builder.header(name, value);
    }
    let body = match &case.body {
        Payload::Bytes(bytes) => Body::from(bytes.clone()),
        Payload::Chunks(chunks) => Body::from_stream(futures_util::stream::iter(
            chunks.clone().into_iter().map(Ok::<_, std::io::Error>),
        )),
    };
    builder.body(body).expect("request")
}

/// What is wrong with `answer` for `case`, if anything.
fn mismatch(case: &Case, answer: &TestResponse) -> Option<String> {
    let body = String::from_utf8_lossy(&answer.body);
    let shown: String = body.chars().take(300).collect();
    if answer.status.as_u16() != case.status {
        return Some(format!(
            "status {} (want {}): {shown}",
            answer.status, case.status
        ));
    }
    let is_json = answer
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let Ok(serde_json::Value::Object(fields)) = serde_json::from_slice(&answer.body) else {
        return Some(format!("not a JSON object: {shown}"));
    };
    let error = fields.get("error").and_then(|e| e.as_str());
    match error {
        Some(message) if is_json && fields.len() == 1 => (!message.contains(&case.error))
            .then(|| format!("error {message:?} lacks {:?}", case.error)),
        _ => Some(format!(
            "not the {{\"error\": \"…\"}} shape (JSON type: {is_json}): {shown}"
        )),
    }
}

/// Sends every case, checking each answer (see [`mismatch`]) and that the data directory
/// is as it was before the first; fails naming every case answered wrongly.
async fn send_all(t: &TestApp, cases: &[Case]) {
    let before = Snapshot::take(&t.data());
    let mut failures = Vec::new();
    for case in cases {
        assert!(
            (400..500).contains(&case.status) && !case.error.is_empty(),
            "{}: the catalogue must name a 4xx and a message",
            case.name
        );
        if case.replay {
            let first = t.send(request(case)).await;
            assert_eq!(first.status, 201, "{}: the original request", case.name);
        }
        let answer = t.send(request(case)).await;
        if let Some(problem) = mismatch(case, &answer) {
            failures.push(format!("{}: {problem}", case.name));
        }
        before.assert_unchanged(&t.data(), &case.name);
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases were answered wrongly:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_requests_get_a_specific_4xx_and_change_nothing() {
    let t = TestApp::new();
    let alice = t.user("alice");
    let key = t.key(&alice, &["*"]);
    let r = t
        .publish(
            &alice.token,
            "hello",
            "1.0.0",
            ZipBuilder::package("hello", "1.0.0").build(),
        )
        .await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let created = t
        .json(
            "POST",
            "/releases",
            Some(&alice.token),
            &json!({ "name": "victim", "version": "1.0.0" }),
        )
        .await;
    assert_eq!(
        created.status,
        201,
        "{}",
        String::from_utf8_lossy(&created.body)
    );
    let upload = created.json()["upload_url"]
        .as_str()
        .expect("upload_url")
        .replace("http://registry.test", "");
    let ctx = Ctx {
        token: alice.token.clone(),
        key,
        upload: upload.clone(),
    };

    send_all(&t, &catalogue::all(&t, &ctx)).await;

    // Still healthy: the upload URL every hostile zip was aimed at takes the real one.
    let done = t
        .send(
            Request::put(&upload)
                .header("authorization", format!("Bearer {}", alice.token))
                .header("content-type", "application/zip")
                .body(Body::from(ZipBuilder::package("victim", "1.0.0").build()))
                .expect("request"),
        )
        .await;
    assert_eq!(done.status, 200, "{}", String::from_utf8_lossy(&done.body));
    let latest = t.call("GET", "/victim/releases/latest", None).await;
    assert_eq!(latest.json()["tag_name"], "1.0.0");
    assert!(common::snapshot::leftovers(&t.data()).is_empty());
}

/// npm's refusals (issue, npm section "Bad input"): each in npm's error shape with its
/// exact status, changing nothing; then `victim` publishes.
#[tokio::test(flavor = "multi_thread")]
async fn hostile_npm_publishes_get_npms_error_shape_and_change_nothing() {
    npm::run().await;
}

#[test]
fn truncated_and_malformed_http_changes_nothing() {
    transport::run();
}
