//! Defects 3, 5, 6 and 8: caps on release text, a bound on pending uploads, a login limit a
//! stranger cannot turn into a lockout, and package types in any case.

use std::{net::SocketAddr, time::Duration};

use axum::{body::Body, extract::ConnectInfo, http::Request};
use serde_json::{Value, json};
use shelf::{
    api::{
        Settings,
        app::Quota,
        testing::{PASSWORD, TestApp, relaxed_settings},
    },
    serverless::package::testing::{ZipBuilder, publish_yaml},
    serverless::record::{DESCRIPTION_CAP, LIST_CAP, NOTES_CAP},
};

use crate::common::snapshot::Snapshot;

/// How many uploads are waiting for their zip, in the database.
fn pending_rows(t: &TestApp) -> Vec<usize> {
    t.app
        .db
        .with(|c| {
            let mut query =
                c.prepare("SELECT length(release) FROM uploads WHERE used_at IS NULL")?;
            let rows = query.query_map([], |r| r.get::<_, i64>(0))?;
            Ok(rows
                .map(|r| usize::try_from(r.expect("row")).expect("length"))
                .collect())
        })
        .expect("db")
}

#[tokio::test(flavor = "multi_thread")]
async fn release_text_over_its_cap_is_refused_naming_the_field() {
    let t = TestApp::new();
    let alice = t.user("alice");
    let before = Snapshot::take(&t.data());
    let huge = "n".repeat(990_000);
    let tags: Vec<String> = (0..=LIST_CAP).map(|n| format!("t{n}")).collect();
    let cases = [
        ("body", json!(huge), "body (release notes) is 990000 bytes"),
        (
            "body",
            json!("n".repeat(NOTES_CAP + 1)),
            "over the limit of 65536",
        ),
        (
            "description",
            json!("d".repeat(900_000)),
            "description is 900000 bytes",
        ),
        (
            "tags",
            json!(tags),
            "tags has 33 entries, over the limit of 32",
        ),
        ("provider", json!(["p".repeat(65)]), "provider is 65 bytes"),
        ("home", json!("h".repeat(3000)), "home is 3000 bytes"),
    ];
    for (field, value, message) in cases {
        let mut release = json!({ "name": "hello", "version": "1.0.0" });
        release[field] = value;
        let r = t
            .json("POST", "/releases", Some(&alice.token), &release)
            .await;
        assert_eq!(r.status, 413, "{field}");
        assert!(r.error().contains(message), "{field}: {}", r.error());
    }
    assert_eq!(pending_rows(&t), Vec::<usize>::new(), "nothing announced");
    before.assert_unchanged(&t.data(), "over-cap releases");

    // A Description in publish.yaml over its cap is refused when the zip arrives.
    let yaml = publish_yaml("hello", "1.0.0").replace(
        "Description: The hello test fixture",
        &format!("Description: {}", "d".repeat(900_000)),
    );
    let zip = ZipBuilder::new().file("publish.yaml", yaml).build();
    let r = t.publish(&alice.token, "hello", "1.0.0", zip).await;
    assert_eq!(r.status, 413);
    assert!(
        r.error().contains("description is 900000 bytes"),
        "{}",
        r.error()
    );
    before.assert_unchanged(&t.data(), "an over-cap publish.yaml");

    // At the caps, a release goes through, and -/search.json holds the capped description.
    let description = "d".repeat(DESCRIPTION_CAP);
    let yaml = publish_yaml("hello", "1.0.0").replace(
        "Description: The hello test fixture",
        &format!("Description: {description}"),
    );
    let zip = ZipBuilder::new().file("publish.yaml", yaml).build();
    let release = json!({ "name": "hello", "version": "1.0.0", "body": "n".repeat(NOTES_CAP) });
    let created = t
        .json("POST", "/releases", Some(&alice.token), &release)
        .await;
    assert_eq!(created.status, 201, "{}", created.error());
    let url = created.json()["upload_url"]
        .as_str()
        .expect("url")
        .to_owned();
    let path = url.trim_start_matches("http://registry.test").to_owned();
    let put = Request::builder()
        .method("PUT")
        .uri(path)
        .header("authorization", format!("Bearer {}", alice.token))
        .body(Body::from(zip))
        .expect("request");
    let r = t.send(put).await;
    assert_eq!(r.status, 200, "{}", r.error());
    let search = t.call("GET", "/-/search.json", None).await.json();
    assert_eq!(search["packages"][0]["description"], json!(description));
}

#[tokio::test(flavor = "multi_thread")]
async fn pending_uploads_are_capped_per_account_and_kept_small() {
    let settings = Settings {
        max_pending_uploads: 20,
        ..relaxed_settings()
    };
    let t = TestApp::with_settings(settings);
    let (alice, bob) = (t.user("alice"), t.user("bob"));
    // Unknown fields are not kept, and the readme is cut: what waits is small.
    let junk = "j".repeat(900_000);
    for n in 0..20 {
        let release = json!({ "name": "hello", "version": format!("1.0.{n}"), "junk": junk });
        let r = t
            .json("POST", "/releases", Some(&alice.token), &release)
            .await;
        assert_eq!(r.status, 201, "{n}: {}", r.error());
    }
    let rows = pending_rows(&t);
    assert_eq!(rows.len(), 20);
    assert!(rows.iter().all(|len| *len < 1024), "{rows:?}");
    let release = json!({ "name": "hello", "version": "1.0.20" });
    let before = Snapshot::take(&t.data());
    let r = t
        .json("POST", "/releases", Some(&alice.token), &release)
        .await;
    assert_eq!(r.status, 429, "{}", r.error());
    assert_eq!(pending_rows(&t).len(), 20, "the refused one is not stored");
    before.assert_unchanged(&t.data(), "an announcement past the cap");
    assert!(r.error().contains("20 announced uploads"), "{}", r.error());
    let wait: u64 = r.headers["retry-after"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("secs");
    assert!((1..=3600).contains(&wait), "{wait}");
    // Another account is not affected; an expired announcement frees a place.
    let other = json!({ "name": "other", "version": "1.0.0" });
    let r = t.json("POST", "/releases", Some(&bob.token), &other).await;
    assert_eq!(r.status, 201, "{}", r.error());
    t.advance(Duration::from_secs(3601));
    let r = t
        .json("POST", "/releases", Some(&alice.token), &release)
        .await;
    assert_eq!(r.status, 201, "{}", r.error());
}

fn login_from(address: [u8; 4], password: &str) -> Request<Body> {
    let body = json!({ "username": "alice", "password": password }).to_string();
    let mut request = Request::builder()
        .method("POST")
        .uri("/login")
        .header("content-type", "application/json")
        .body(Body::from(body))
        .expect("request");
    let addr = SocketAddr::from((address, 40_000));
    request.extensions_mut().insert(ConnectInfo(addr));
    request
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stranger_cannot_lock_an_account_out_of_login() {
    let mut settings = relaxed_settings();
    settings.rates.login = Quota {
        count: 5,
        per: Duration::from_secs(60),
    };
    let t = TestApp::with_settings(settings);
    let _alice = t.user("alice");
    let before = Snapshot::take(&t.data());
    let stranger = [203, 0, 113, 7];
    for n in 0..5 {
        let r = t.send(login_from(stranger, "wrong password")).await;
        assert_eq!(r.status, 401, "guess {n}");
    }
    let r = t.send(login_from(stranger, "wrong password")).await;
    assert_eq!(r.status, 429, "the stranger's sixth guess");
    assert!(r.headers.contains_key("retry-after"));
    // alice, from her own address, logs in at once.
    let r = t.send(login_from([198, 51, 100, 1], PASSWORD)).await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    before.assert_unchanged(&t.data(), "login attempts");
}

#[tokio::test(flavor = "multi_thread")]
async fn package_types_are_accepted_in_any_case_and_stored_canonical() {
    let t = TestApp::new();
    let alice = t.user("alice");
    for (n, given) in ["component", "PLUGIN", "project", "Application"]
        .iter()
        .enumerate()
    {
        let release = json!({ "name": "hello", "version": format!("1.0.{n}"), "type": given });
        let r = t
            .json("POST", "/releases", Some(&alice.token), &release)
            .await;
        assert_eq!(r.status, 201, "{given}: {}", r.error());
        let canonical = ["Component", "Plugin", "Project", "Application"][n];
        assert_eq!(r.json()["type"], json!(canonical));
    }
    let release = json!({ "name": "hello", "version": "2.0.0", "type": "library" });
    let before = Snapshot::take(&t.data());
    let r = t
        .json("POST", "/releases", Some(&alice.token), &release)
        .await;
    assert_eq!(r.status, 400);
    assert!(r.error().contains("type must be"), "{}", r.error());
    before.assert_unchanged(&t.data(), "an unknown type");
    // publish.yaml's Type too: the line says the canonical spelling.
    let yaml = publish_yaml("lower", "1.0.0").replace("Type: Component", "Type: component");
    let zip = ZipBuilder::new().file("publish.yaml", yaml).build();
    let r = t.publish(&alice.token, "lower", "1.0.0", zip).await;
    assert_eq!(r.status, 200, "{}", r.error());
    let latest: Value = t.call("GET", "/lower/releases/latest", None).await.json();
    assert_eq!(latest["type"], json!("Component"));
}
