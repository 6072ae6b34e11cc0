//! The publish API through the real router (oneshot, no port): every endpoint and status
//! code the spec lists for packages, the authorization matrix, and signed requests.

use std::time::Duration;

use axum::{body::Body, http::Request};
use serde_json::json;
use shelf::{
    api::{
        Settings,
        app::{Quota, RateSettings},
        testing::{TestApp, TestUser, relaxed_settings},
    },
    serverless::package::testing::ZipBuilder,
};

fn zip(name: &str, version: &str) -> Vec<u8> {
    ZipBuilder::package(name, version).build()
}

/// A registry where alice owns `hello` (1.0.0, 1.1.0), bob maintains it, eve is a
/// stranger, root is an administrator and carol has no role.
struct World {
    t: TestApp,
    alice: TestUser,
    bob: TestUser,
    eve: TestUser,
    root: TestUser,
}

async fn world() -> World {
    let t = TestApp::new();
    let (alice, bob, eve, root) = (
        t.user("alice"),
        t.user("bob"),
        t.user("eve"),
        t.admin("root"),
    );
    let _carol = t.user("carol");
    for version in ["1.0.0", "1.1.0"] {
        let r = t
            .publish(&alice.token, "hello", version, zip("hello", version))
            .await;
        assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    }
    let r = t
        .json(
            "POST",
            "/hello/maintainers",
            Some(&alice.token),
            &json!({ "username": "bob" }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.error());
    World {
        t,
        alice,
        bob,
        eve,
        root,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn publish_answers_with_the_spec_fields_and_the_site_follows() {
    let t = TestApp::new();
    let alice = t.user("alice");
    let created = t
        .json("POST", "/releases", Some(&alice.token), &json!({
            "name": "hello", "version": "1.0.0", "description": "Says hello", "type": "Component",
            "provider": ["alibaba"], "tags": ["demo"], "home": "https://example.com", "body": "First!"
        }))
        .await;
    assert_eq!(created.status, 201);
    let body = created.json();
    for key in [
        "name",
        "tag_name",
        "created_at",
        "zipball_url",
        "description",
        "type",
        "provider",
        "tags",
        "readme",
        "home",
        "upload_url",
    ] {
        assert!(body.get(key).is_some(), "201 lacks {key}: {body}");
    }
    assert_eq!(body["tag_name"], "1.0.0");
    assert_eq!(
        body["zipball_url"],
        "http://registry.test/hello/zipball/1.0.0"
    );
    let upload = body["upload_url"]
        .as_str()
        .expect("url")
        .replace("http://registry.test", "");

    // Multipart upload with the field `package`, as the spec has it.
    let boundary = "XyZ";
    let mut form = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"package\"; filename=\"p.zip\"\r\nContent-Type: application/zip\r\n\r\n").into_bytes();
    form.extend(zip("hello", "1.0.0"));
    form.extend(format!("\r\n--{boundary}--\r\n").into_bytes());
    let request = Request::post(&upload)
        .header("authorization", format!("Bearer {}", alice.token))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(form))
        .expect("request");
    let done = t.send(request).await;
    assert_eq!(done.status, 200, "{}", String::from_utf8_lossy(&done.body));
    assert_eq!(done.json()["message"], "Package uploaded successfully");

    // The static site has it before the answer came back.
    let latest = t.call("GET", "/hello/releases/latest", None).await;
    assert_eq!(latest.status, 200);
    assert_eq!(latest.json()["tag_name"], "1.0.0");
    assert_eq!(latest.json()["body"], "First!");
    assert_eq!(
        t.call("GET", "/v3/packages/hello/release/latest", None)
            .await
            .json()["body"]["tag_name"],
        "1.0.0"
    );
    let search = t.call("GET", "/search?search=hel", None).await;
    assert_eq!(search.status, 200);
    assert_eq!(search.json()[0]["name"], "hello");
    assert_eq!(
        search.json()[0]["zipball_url"],
        "http://registry.test/hello/zipball/1.0.0"
    );

    // The upload URL is used once.
    let again = t
        .send(
            Request::put(&upload)
                .header("authorization", format!("Bearer {}", alice.token))
                .body(Body::from(zip("hello", "1.0.0")))
                .expect("req"),
        )
        .await;
    assert_eq!(
        (again.status.as_u16(), again.error().as_str()),
        (404, "Invalid upload URL")
    );
    // The index has one commit for it, by alice.
    let log = std::process::Command::new("git")
        .arg("-C")
        .arg(t.data().join("index"))
        .args(["log", "-1", "--format=%an %s"])
        .output()
        .expect("git");
    assert_eq!(
        String::from_utf8_lossy(&log.stdout).trim(),
        "alice Publish hello@1.0.0"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn release_and_upload_status_codes() {
    let w = world().await;
    let (t, alice) = (&w.t, &w.alice);
    let post = |body: serde_json::Value, token: Option<String>| async move {
        t.json("POST", "/releases", token.as_deref(), &body).await
    };
    let tok = Some(alice.token.clone());

    let r = post(json!({ "version": "1.0.0" }), tok.clone()).await;
    assert_eq!(r.status, 400);
    assert!(
        r.error().starts_with("Invalid package data"),
        "{}",
        r.error()
    );
    assert_eq!(
        post(json!({ "name": "hello", "version": "1.0" }), tok.clone())
            .await
            .status,
        400
    );
    assert_eq!(
        post(
            json!({ "name": "Bad Name", "version": "1.0.0" }),
            tok.clone()
        )
        .await
        .status,
        400
    );
    assert_eq!(
        post(
            json!({ "name": "hello", "version": "2.0.0", "type": "Widget" }),
            tok.clone()
        )
        .await
        .status,
        400
    );
    let r = post(json!({ "name": "hello", "version": "2.0.0" }), None).await;
    assert_eq!(
        (r.status.as_u16(), r.error().as_str()),
        (401, "Invalid or expired token")
    );
    let r = post(
        json!({ "name": "hello", "version": "2.0.0" }),
        Some(w.eve.token.clone()),
    )
    .await;
    assert_eq!(
        (r.status.as_u16(), r.error().as_str()),
        (403, "You don't have permission to modify this package")
    );
    let r = post(json!({ "name": "hello", "version": "1.0.0" }), tok.clone()).await;
    assert_eq!(r.status, 409, "an existing version");
    assert!(r.error().contains("already exists"));
    let r = post(json!({ "name": "hello_", "version": "1.0.0" }), tok.clone()).await;
    assert_eq!(r.status, 201, "a new name is anyone's");

    // Wrong content type, malformed JSON, oversized JSON: 4xx, never 500.
    let raw = |ct: &'static str, body: Vec<u8>| {
        Request::post("/releases")
            .header("authorization", format!("Bearer {}", alice.token))
            .header("content-type", ct)
            .body(Body::from(body))
            .expect("req")
    };
    assert_eq!(t.send(raw("text/plain", b"{}".to_vec())).await.status, 415);
    assert_eq!(
        t.send(raw("application/json", b"{\"name\":".to_vec()))
            .await
            .status,
        400
    );
    assert_eq!(
        t.send(raw("application/json", vec![b' '; 2 << 20]))
            .await
            .status,
        413
    );

    // Uploads: unknown id, no file, wrong zip, mismatched version, expired.
    let r = t
        .send(
            Request::put("/upload/nosuch")
                .header("authorization", format!("Bearer {}", alice.token))
                .body(Body::from(zip("hello", "2.0.0")))
                .expect("req"),
        )
        .await;
    assert_eq!(
        (r.status.as_u16(), r.error().as_str()),
        (404, "Invalid upload URL")
    );
    let announce = |version: &'static str| async move {
        let r = t
            .json(
                "POST",
                "/releases",
                Some(&alice.token),
                &json!({ "name": "hello", "version": version }),
            )
            .await;
        assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
        r.json()["upload_url"]
            .as_str()
            .expect("url")
            .replace("http://registry.test", "")
    };
    let put = |url: String, body: Vec<u8>, token: Option<String>| async move {
        let mut request = Request::put(url);
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        t.send(request.body(Body::from(body)).expect("req")).await
    };
    let url = announce("2.0.0").await;
    assert_eq!(
        put(url.clone(), Vec::new(), tok.clone()).await.error(),
        "No file uploaded"
    );
    assert_eq!(
        put(url.clone(), zip("hello", "2.0.0"), None).await.status,
        401
    );
    assert_eq!(
        put(
            url.clone(),
            zip("hello", "2.0.0"),
            Some(w.eve.token.clone())
        )
        .await
        .status,
        404,
        "someone else's upload URL"
    );
    let r = put(url.clone(), b"not a zip".to_vec(), tok.clone()).await;
    assert_eq!(r.status, 400);
    assert!(r.error().contains("zip"), "{}", r.error());
    let r = put(url.clone(), zip("hello", "2.0.1"), tok.clone()).await;
    assert_eq!(r.status, 400);
    assert!(
        r.error().contains("publish.yaml says hello@2.0.1"),
        "{}",
        r.error()
    );
    let mut no_manifest_file = multipart_without_package();
    let r = t
        .send(
            Request::post(url.clone())
                .header("authorization", format!("Bearer {}", alice.token))
                .header("content-type", "multipart/form-data; boundary=B")
                .body(Body::from(std::mem::take(&mut no_manifest_file)))
                .expect("req"),
        )
        .await;
    assert_eq!(
        (r.status.as_u16(), r.error().as_str()),
        (400, "No file uploaded")
    );
    let r = t
        .send(
            Request::post(url.clone())
                .header("authorization", format!("Bearer {}", alice.token))
                .header("content-type", "application/zip")
                .body(Body::from(zip("hello", "2.0.0")))
                .expect("req"),
        )
        .await;
    assert_eq!(r.status, 415, "POST wants multipart");
    // Failed attempts leave the upload usable.
    assert_eq!(
        put(url.clone(), zip("hello", "2.0.0"), tok.clone())
            .await
            .status,
        200
    );

    let url = announce("3.0.0").await;
    t.advance(Duration::from_secs(3601));
    let r = put(url, zip("hello", "3.0.0"), None).await;
    assert_eq!(
        r.status, 401,
        "the login token is still valid, but anonymous is not"
    );
    let url = announce("3.0.1").await;
    t.advance(Duration::from_secs(3601));
    assert_eq!(
        put(url, zip("hello", "3.0.1"), tok.clone()).await.error(),
        "Invalid upload URL",
        "expired"
    );
}

fn multipart_without_package() -> Vec<u8> {
    b"--B\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nvalue\r\n--B--\r\n".to_vec()
}

#[tokio::test(flavor = "multi_thread")]
async fn oversized_uploads_are_refused_while_streaming() {
    let t = TestApp::new();
    let alice = t.user("alice");
    let r = t
        .json(
            "POST",
            "/releases",
            Some(&alice.token),
            &json!({ "name": "big", "version": "1.0.0" }),
        )
        .await;
    let url = r.json()["upload_url"]
        .as_str()
        .expect("url")
        .replace("http://registry.test", "");
    let limit = t.app.zip_limits.max_zip_bytes;
    // Announced too large: refused from the header.
    let r = t
        .send(
            Request::put(&url)
                .header("authorization", format!("Bearer {}", alice.token))
                .header("content-length", (limit + 1).to_string())
                .body(Body::empty())
                .expect("req"),
        )
        .await;
    assert_eq!(r.status, 413);
    // Streamed without a length, too large: refused at the limit.
    let chunks = futures_util::stream::iter(
        (0..=limit / (1 << 20)).map(|_| Ok::<_, std::io::Error>(vec![0u8; 1 << 20])),
    );
    let r = t
        .send(
            Request::put(&url)
                .header("authorization", format!("Bearer {}", alice.token))
                .body(Body::from_stream(chunks))
                .expect("req"),
        )
        .await;
    assert_eq!(r.status, 413, "{}", String::from_utf8_lossy(&r.body));
    let staged = std::fs::read_dir(t.data().join("blobs/tmp"))
        .expect("tmp")
        .count();
    assert_eq!(staged, 0, "nothing staged is left behind");
}

#[tokio::test(flavor = "multi_thread")]
async fn delete_yank_and_maintainers_status_codes() {
    let w = world().await;
    let (t, alice) = (&w.t, &w.alice);
    let a: Option<&'static str> = Some(Box::leak(alice.token.clone().into_boxed_str()));

    // Delete: 404 for what does not exist, 204, files gone, latest recomputed.
    assert_eq!(
        t.call("DELETE", "/hello/releases/tags/9.9.9", a)
            .await
            .error(),
        "Package or version not found"
    );
    assert_eq!(
        t.call("DELETE", "/nosuch/releases/tags/1.0.0", a)
            .await
            .status,
        404
    );
    assert_eq!(
        t.call("DELETE", "/hello/releases/tags/1.1.0", a)
            .await
            .status,
        204
    );
    assert_eq!(
        t.call("GET", "/hello/releases/tags/1.1.0", None)
            .await
            .status,
        404
    );
    assert_eq!(
        t.call("GET", "/hello/zipball/1.1.0", None).await.status,
        404
    );
    assert_eq!(
        t.call("GET", "/hello/releases/latest", None).await.json()["tag_name"],
        "1.0.0"
    );
    let r = t
        .json(
            "POST",
            "/releases",
            a,
            &json!({ "name": "hello", "version": "1.1.0" }),
        )
        .await;
    assert_eq!(r.status, 409, "a deleted number is never reused");

    // Yank and un-yank.
    let r = t.call("PUT", "/hello/releases/tags/1.0.0/yank", a).await;
    assert_eq!(
        (r.status.as_u16(), r.json()["yanked"].as_bool()),
        (200, Some(true))
    );
    assert_eq!(
        t.call("GET", "/hello/releases/latest", None).await.status,
        404,
        "no latest when all are yanked"
    );
    assert_eq!(
        t.call("GET", "/hello/zipball/1.0.0", None).await.status,
        200,
        "still downloadable"
    );
    assert_eq!(
        t.call("DELETE", "/hello/releases/tags/1.0.0/yank", a)
            .await
            .status,
        200
    );
    assert_eq!(
        t.call("GET", "/hello/releases/latest", None).await.json()["tag_name"],
        "1.0.0"
    );

    // Maintainers.
    let add = |body: serde_json::Value, token: Option<&'static str>| async move {
        t.json("POST", "/hello/maintainers", token, &body).await
    };
    assert_eq!(
        add(json!({}), a).await.error(),
        "Missing new maintainer username"
    );
    assert_eq!(
        add(json!({ "username": "ghost" }), a).await.error(),
        "User not found"
    );
    assert_eq!(
        add(json!({ "username": "carol", "role": "emperor" }), a)
            .await
            .status,
        400
    );
    let r = add(json!({ "username": "carol", "role": "owner" }), a).await;
    assert_eq!(r.json()["message"], "Added carol as owner to hello");
    assert_eq!(
        t.json(
            "POST",
            "/nosuch/maintainers",
            a,
            &json!({ "username": "carol" })
        )
        .await
        .status,
        404
    );
    let bob: &'static str = Box::leak(w.bob.token.clone().into_boxed_str());
    let r = add(json!({ "username": "eve" }), Some(bob)).await;
    assert_eq!(
        (r.status.as_u16(), r.error().as_str()),
        (
            403,
            "You don't have permission to add maintainers to this package"
        )
    );
    let r = t.call("DELETE", "/hello/maintainers/eve", a).await;
    assert_eq!(
        (r.status.as_u16(), r.error().as_str()),
        (
            404,
            "User is not a maintainer of this package or is the owner"
        )
    );
    let r = t.call("DELETE", "/hello/maintainers/carol", a).await;
    assert_eq!(
        r.json()["message"],
        "Removed carol from maintainers of hello"
    );
    let r = t.call("DELETE", "/hello/maintainers/alice", a).await;
    assert_eq!(r.status, 404, "the last owner cannot be removed");
    assert_eq!(
        t.call("DELETE", "/hello/maintainers/bob", Some(&w.eve.token))
            .await
            .status,
        403
    );
    assert_eq!(
        t.call("DELETE", "/hello/maintainers/bob", None)
            .await
            .status,
        401
    );

    // Search.
    assert_eq!(
        t.call("GET", "/search", None).await.error(),
        "Search term is required"
    );
    assert_eq!(t.call("GET", "/search?search=%20", None).await.status, 400);
    assert_eq!(
        t.call("GET", "/search?search=zzz", None).await.json(),
        json!([])
    );

    // Unknown routes and methods: JSON 4xx.
    let r = t.call("GET", "/no/such/route/here", None).await;
    assert_eq!((r.status.as_u16(), r.error().as_str()), (404, "Not found"));
    assert_eq!(t.call("PATCH", "/releases", a).await.status, 405);
    assert_eq!(t.call("GET", "/releases", None).await.status, 404);
}

/// Every write endpoint × every kind of caller.
#[tokio::test(flavor = "multi_thread")]
async fn authorization_matrix() {
    #[derive(Clone, Copy, Debug)]
    enum Who {
        Anonymous,
        Other,
        Maintainer,
        Owner,
        Admin,
        Narrow,
        Expired,
    }
    for who in [
        Who::Anonymous,
        Who::Other,
        Who::Maintainer,
        Who::Owner,
        Who::Admin,
        Who::Narrow,
        Who::Expired,
    ] {
        let w = world().await;
        let t = &w.t;
        let token: Option<String> = match who {
            Who::Anonymous => None,
            Who::Other => Some(w.eve.token.clone()),
            Who::Maintainer => Some(w.bob.token.clone()),
            Who::Owner => Some(w.alice.token.clone()),
            Who::Admin => Some(w.root.token.clone()),
            Who::Narrow => Some(t.token(
                &w.alice,
                &[
                    "publish:other-*",
                    "yank:other-*",
                    "delete:other-*",
                    "maintainers:other-*",
                ],
                Duration::from_secs(600),
            )),
            Who::Expired => Some(t.token(&w.alice, &["*"], Duration::from_secs(60))),
        };
        if matches!(who, Who::Expired) {
            t.advance(Duration::from_secs(120));
        }
        let tok = token.as_deref();
        // (what, status) in order; destructive ones last.
        let publish = t
            .json(
                "POST",
                "/releases",
                tok,
                &json!({ "name": "hello", "version": "5.0.0" }),
            )
            .await
            .status
            .as_u16();
        let yank = t
            .call("PUT", "/hello/releases/tags/1.0.0/yank", tok)
            .await
            .status
            .as_u16();
        let unyank = t
            .call("DELETE", "/hello/releases/tags/1.0.0/yank", tok)
            .await
            .status
            .as_u16();
        let add = t
            .json(
                "POST",
                "/hello/maintainers",
                tok,
                &json!({ "username": "carol" }),
            )
            .await
            .status
            .as_u16();
        let remove = t
            .call("DELETE", "/hello/maintainers/carol", tok)
            .await
            .status
            .as_u16();
        let delete = t
            .call("DELETE", "/hello/releases/tags/1.1.0", tok)
            .await
            .status
            .as_u16();
        let got = [publish, yank, unyank, add, remove, delete];
        let want = match who {
            Who::Anonymous | Who::Expired => [401; 6],
            Who::Other | Who::Narrow => [403; 6],
            Who::Maintainer => [201, 200, 200, 403, 403, 204],
            Who::Owner | Who::Admin => [201, 200, 200, 200, 200, 204],
        };
        assert_eq!(
            got, want,
            "{who:?}: [publish, yank, unyank, add maintainer, remove maintainer, delete]"
        );
        // Someone else's upload URL is never usable.
        let announced = t
            .json(
                "POST",
                "/releases",
                Some(&w.alice.token),
                &json!({ "name": "hello", "version": "6.0.0" }),
            )
            .await;
        let url = announced.json()["upload_url"]
            .as_str()
            .expect("url")
            .replace("http://registry.test", "");
        let mut request = Request::put(url);
        if let Some(tok) = tok {
            request = request.header("authorization", format!("Bearer {tok}"));
        }
        let upload = t
            .send(
                request
                    .body(Body::from(zip("hello", "6.0.0")))
                    .expect("req"),
            )
            .await
            .status
            .as_u16();
        let want_upload = match who {
            Who::Anonymous | Who::Expired => 401,
            Who::Owner => 200,
            // Alice's own token, without the scope.
            Who::Narrow => 403,
            _ => 404,
        };
        assert_eq!(upload, want_upload, "{who:?}: upload to alice's URL");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn signed_requests() {
    let t = TestApp::new();
    let alice = t.user("alice");
    let key = t.key(&alice, &["*"]);
    let body = json!({ "name": "signed", "version": "1.0.0" }).to_string();
    let send = |headers: Vec<(String, String)>, path: &str, body: String| {
        let mut request = Request::post(path).header("content-type", "application/json");
        for (k, v) in headers {
            request = request.header(k, v);
        }
        t.send(request.body(Body::from(body)).expect("req"))
    };

    let headers = t.signed(&key, "POST", "/releases", body.as_bytes());
    let ok = send(headers.clone(), "/releases", body.clone()).await;
    assert_eq!(
        ok.status,
        201,
        "valid: {}",
        String::from_utf8_lossy(&ok.body)
    );
    let replay = send(headers, "/releases", body.clone()).await;
    assert_eq!(
        (replay.status.as_u16(), replay.error().as_str()),
        (401, "Nonce already used (replayed request)")
    );

    let tampered = send(
        t.signed(&key, "POST", "/releases", body.as_bytes()),
        "/releases",
        body.replace("1.0.0", "6.6.6"),
    )
    .await;
    assert_eq!(
        (tampered.status.as_u16(), tampered.error().as_str()),
        (401, "Invalid signature")
    );
    let other_path = send(
        t.signed(&key, "POST", "/tokens", body.as_bytes()),
        "/releases",
        body.clone(),
    )
    .await;
    assert_eq!(
        (other_path.status.as_u16(), other_path.error().as_str()),
        (401, "Invalid signature")
    );

    let mut skewed = t.signed(&key, "POST", "/releases", body.as_bytes());
    t.advance(Duration::from_secs(11));
    let r = send(skewed.clone(), "/releases", body.clone()).await;
    assert_eq!(r.status, 401);
    assert!(r.error().contains("seconds away"), "{}", r.error());
    skewed = t.signed(&key, "POST", "/releases", body.as_bytes());
    skewed[0].1 = "sk_unknown".into();
    assert_eq!(
        send(skewed, "/releases", body.clone()).await.error(),
        "Unknown, revoked or expired API key"
    );
    let mut missing = t.signed(&key, "POST", "/releases", body.as_bytes());
    missing.retain(|(k, _)| k != "X-Signature");
    assert_eq!(
        send(missing, "/releases", body.clone()).await.error(),
        "Missing X-Signature header"
    );

    // A signed upload, hashed as it streams; a tampered one is refused and changes nothing.
    let url = ok.json()["upload_url"]
        .as_str()
        .expect("url")
        .replace("http://registry.test", "");
    let good = zip("signed", "1.0.0");
    let put = |headers: Vec<(String, String)>, body: Vec<u8>| {
        let mut request = Request::put(url.as_str());
        for (k, v) in headers {
            request = request.header(k, v);
        }
        t.send(request.body(Body::from(body)).expect("req"))
    };
    let mut evil = good.clone();
    let last = evil.len() - 1;
    evil[last] ^= 1;
    let r = put(t.signed(&key, "PUT", &url, &good), evil).await;
    assert_eq!(
        (r.status.as_u16(), r.error().as_str()),
        (401, "Invalid signature")
    );
    assert_eq!(
        t.call("GET", "/signed/releases/latest", None).await.status,
        404
    );
    let r = put(t.signed(&key, "PUT", &url, &good), good.clone()).await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(
        t.call("GET", "/signed/releases/latest", None).await.json()["tag_name"],
        "1.0.0"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn rate_limits_answer_429_with_retry_after() {
    let settings = Settings {
        rates: RateSettings {
            publish: Quota {
                count: 2,
                per: Duration::from_secs(3600),
            },
            search: Quota {
                count: 3,
                per: Duration::from_secs(60),
            },
            ..relaxed_settings().rates
        },
        ..relaxed_settings()
    };
    let t = TestApp::with_settings(settings);
    let alice = t.user("alice");
    for version in ["1.0.0", "1.0.1"] {
        assert_eq!(
            t.json(
                "POST",
                "/releases",
                Some(&alice.token),
                &json!({ "name": "x", "version": version })
            )
            .await
            .status,
            201
        );
    }
    let r = t
        .json(
            "POST",
            "/releases",
            Some(&alice.token),
            &json!({ "name": "x", "version": "1.0.2" }),
        )
        .await;
    assert_eq!(r.status, 429);
    assert!(r.headers.get("retry-after").is_some());
    assert!(r.json()["error"].is_string());
    for _ in 0..3 {
        assert_eq!(t.call("GET", "/search?search=x", None).await.status, 200);
    }
    assert_eq!(t.call("GET", "/search?search=x", None).await.status, 429);
}

#[tokio::test(flavor = "multi_thread")]
async fn ratings_one_per_account() {
    let w = world().await;
    let t = &w.t;
    let rate = |token: String, body: serde_json::Value| async move {
        t.json("PUT", "/hello/rating", Some(&token), &body).await
    };
    assert_eq!(
        t.json("PUT", "/hello/rating", None, &json!({ "rating": 5 }))
            .await
            .status,
        401
    );
    assert_eq!(
        rate(w.eve.token.clone(), json!({ "rating": 9 }))
            .await
            .status,
        400
    );
    assert_eq!(rate(w.eve.token.clone(), json!({})).await.status, 400);
    assert_eq!(
        t.json(
            "PUT",
            "/nosuch/rating",
            Some(&w.eve.token),
            &json!({ "rating": 3 })
        )
        .await
        .status,
        404
    );
    assert_eq!(
        rate(w.eve.token.clone(), json!({ "rating": 2 }))
            .await
            .json()["message"],
        "Rated hello 2/5"
    );
    assert_eq!(
        rate(
            w.eve.token.clone(),
            json!({ "rating": 4, "comment": "better now" })
        )
        .await
        .status,
        200
    );
    assert_eq!(
        rate(w.bob.token.clone(), json!({ "rating": 5 }))
            .await
            .status,
        200
    );
    let summary = t.call("GET", "/hello/rating", None).await.json();
    assert_eq!(
        summary,
        json!({ "name": "hello", "count": 2, "average": 4.5 })
    );
    assert_eq!(
        t.call("DELETE", "/hello/rating", Some(&w.eve.token))
            .await
            .status,
        204
    );
    assert_eq!(
        t.call("DELETE", "/hello/rating", Some(&w.eve.token))
            .await
            .status,
        404
    );
    assert_eq!(
        t.call("GET", "/hello/rating", None).await.json()["count"],
        1
    );
}
