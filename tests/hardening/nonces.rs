//! Defect 2: a stranger who knows a key id (it travels in every `X-Api-Key`) must not be
//! able to fill the nonce memory with requests whose signature is garbage, and so lock the
//! key's owner out.

use axum::{body::Body, http::Request};
use shelf::api::{
    Settings,
    testing::{TestApp, relaxed_settings},
};

use crate::common::snapshot::Snapshot;

fn signed_request(headers: &[(String, String)], body: &str) -> Request<Body> {
    let mut request = Request::builder()
        .method("POST")
        .uri("/releases")
        .header("content-type", "application/json");
    for (name, value) in headers {
        request = request.header(name.as_str(), value.as_str());
    }
    request.body(Body::from(body.to_owned())).expect("request")
}

#[tokio::test(flavor = "multi_thread")]
async fn garbage_signatures_never_fill_the_nonce_memory() {
    // A small memory, so the flood below is ten times what it holds.
    let settings = Settings {
        nonce_capacity: 1_000,
        ..relaxed_settings()
    };
    let t = TestApp::with_settings(settings);
    let alice = t.user("alice");
    let key = t.key(&alice, &["*"]);
    let before = Snapshot::take(&t.data());
    let body = r#"{"name":"hello","version":"1.0.0"}"#;
    for n in 0..10_000 {
        let mut headers = t.signed(&key, "POST", "/releases", body.as_bytes());
        headers.retain(|(name, _)| name != "X-Signature");
        headers.push(("X-Signature".into(), format!("Z2FyYmFnZQ{n}==")));
        let r = t.send(signed_request(&headers, body)).await;
        assert_eq!(r.status, 401, "request {n}: {}", r.error());
    }
    assert_eq!(t.app.nonces.len(), 0, "nothing unverified is remembered");
    assert_eq!(t.app.nonces.in_flight(), 0, "every reservation was let go");
    before.assert_unchanged(&t.data(), "10,000 garbage signatures");

    // The owner's correctly signed requests go through, and replays are still refused.
    let headers = t.signed(&key, "POST", "/releases", body.as_bytes());
    let ok = t.send(signed_request(&headers, body)).await;
    assert_eq!(ok.status, 201, "{}", String::from_utf8_lossy(&ok.body));
    let replay = t.send(signed_request(&headers, body)).await;
    assert_eq!(
        (replay.status.as_u16(), replay.error().as_str()),
        (401, "Nonce already used (replayed request)")
    );
    assert_eq!(t.app.nonces.len(), 1);
}
