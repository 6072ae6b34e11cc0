//! Accounts, tokens, keys and the audit log through the real router (no port), on a clock
//! the test controls; and `shelf user add` through the real binary.

mod common;

use std::{
    process::{Command, Output},
    time::Duration,
};

use axum::{
    body::Body,
    http::{Request, StatusCode},
};
use serde_json::{Value, json};
use shelf::{
    api::{
        app::{Quota, Registration},
        testing::{PASSWORD, TestApp, TestResponse, relaxed_settings},
    },
    auth::password,
    db::{Db, audit, users},
};

const DAY: Duration = Duration::from_secs(24 * 3600);

/// A registration body for `name` with a valid email and password.
fn registration(name: &str) -> Value {
    json!({ "username": name, "password": "hunter2hunter2", "email": format!("{name}@example.com") })
}

/// Registers `name` and logs in; returns the login token.
async fn register_and_login(t: &TestApp, name: &str) -> String {
    let r = t.json("POST", "/register", None, &registration(name)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.error());
    let r = t
        .json(
            "POST",
            "/login",
            None,
            &json!({ "username": name, "password": "hunter2hunter2" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    r.json()["token"].as_str().expect("token").to_owned()
}

/// The audit log's actions, newest first, read straight from the database.
fn audit_actions(t: &TestApp) -> Vec<(String, String, String)> {
    t.app
        .db
        .with(|c| audit::list(c, None, 1000))
        .expect("audit")
        .into_iter()
        .map(|e| (e.action, e.username, e.target))
        .collect()
}

fn rfc3339(at: time::OffsetDateTime) -> String {
    shelf::clock::rfc3339(at)
}

/// Asserts an error answer's status and exact message.
fn assert_error(r: &TestResponse, status: StatusCode, message: &str) {
    assert_eq!(r.status, status, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.error(), message);
}

#[tokio::test]
async fn register_answers_every_spec_status() {
    let t = TestApp::new();
    let r = t
        .json("POST", "/register", None, &registration("alice"))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.json(),
        json!({ "message": "User registered successfully" })
    );

    for body in [
        json!({ "password": "hunter2hunter2", "email": "b@example.com" }),
        json!({ "username": "bob", "email": "b@example.com" }),
        json!({ "username": "bob", "password": "hunter2hunter2" }),
        json!({ "username": "", "password": "hunter2hunter2", "email": "b@example.com" }),
        json!({}),
    ] {
        let r = t.json("POST", "/register", None, &body).await;
        assert_error(&r, StatusCode::BAD_REQUEST, "Missing required fields");
    }

    let taken_name =
        json!({ "username": "alice", "password": "hunter2hunter2", "email": "other@example.com" });
    let r = t.json("POST", "/register", None, &taken_name).await;
    assert_error(&r, StatusCode::CONFLICT, "Username or email already exists");
    let taken_email =
        json!({ "username": "alice2", "password": "hunter2hunter2", "email": "ALICE@example.com" });
    let r = t.json("POST", "/register", None, &taken_email).await;
    assert_error(&r, StatusCode::CONFLICT, "Username or email already exists");

    let bad_name =
        json!({ "username": "Bob", "password": "hunter2hunter2", "email": "b@example.com" });
    let r = t.json("POST", "/register", None, &bad_name).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.error().starts_with("Invalid username \"Bob\""),
        "{}",
        r.error()
    );
    let bad_email =
        json!({ "username": "bob", "password": "hunter2hunter2", "email": "bob.example.com" });
    let r = t.json("POST", "/register", None, &bad_email).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.error().starts_with("Invalid email address"),
        "{}",
        r.error()
    );
    let short = json!({ "username": "bob", "password": "short", "email": "b@example.com" });
    let r = t.json("POST", "/register", None, &short).await;
    assert_error(
        &r,
        StatusCode::BAD_REQUEST,
        "Password must be at least 8 characters",
    );

    let not_json = Request::post("/register")
        .header("content-type", "text/plain")
        .body(Body::from(registration("carol").to_string()))
        .expect("request");
    assert_eq!(
        t.send(not_json).await.status,
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    );

    let alice = t
        .app
        .db
        .with(|c| users::find_by_name(c, "alice"))
        .expect("db")
        .expect("alice exists");
    assert!(!alice.is_admin, "registration never makes administrators");
    let phc = t
        .app
        .db
        .with(|c| users::password_hash(c, alice.id))
        .expect("db")
        .expect("hash");
    assert!(phc.starts_with("$argon2id$"), "only the hash is stored");
    assert!(password::verify("hunter2hunter2", &phc));
    assert_eq!(
        audit_actions(&t),
        [("register".into(), "alice".into(), "alice".into())]
    );
}

#[tokio::test]
async fn closed_registration_answers_403() {
    let settings = shelf::api::Settings {
        registration: Registration::Closed,
        ..relaxed_settings()
    };
    let t = TestApp::with_settings(settings);
    let r = t
        .json("POST", "/register", None, &registration("alice"))
        .await;
    assert_error(&r, StatusCode::FORBIDDEN, "Registration is closed");
    assert!(
        t.app
            .db
            .with(|c| users::find_by_name(c, "alice"))
            .expect("db")
            .is_none()
    );
}

#[tokio::test]
async fn login_issues_a_session_token_and_audits_every_attempt() {
    let t = TestApp::new();
    let r = t
        .json("POST", "/register", None, &registration("alice"))
        .await;
    assert_eq!(r.status, StatusCode::OK);

    let r = t
        .json(
            "POST",
            "/login",
            None,
            &json!({ "username": "alice", "password": "hunter2hunter2" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let body = r.json();
    let token = body["token"].as_str().expect("token");
    assert!(token.starts_with("shelf_") && token.len() == 49, "{token}");
    assert_eq!(body["expires"], rfc3339(t.now() + 30 * DAY));

    // The token is a full-rights session token.
    let r = t.call("GET", "/tokens", Some(token)).await;
    assert_eq!(r.status, StatusCode::OK);
    let listed = r.json();
    assert_eq!(listed.as_array().map(Vec::len), Some(1));
    assert_eq!(listed[0]["scopes"], json!(["*"]));
    assert_eq!(listed[0]["session"], json!(true));
    assert_eq!(listed[0]["current"], json!(true));
    assert!(
        !r.body.windows(6).any(|w| w == b"shelf_"),
        "never the token"
    );

    for body in [
        json!({ "username": "alice" }),
        json!({ "password": "hunter2hunter2" }),
        json!({ "username": "", "password": "" }),
    ] {
        let r = t.json("POST", "/login", None, &body).await;
        assert_error(&r, StatusCode::BAD_REQUEST, "Missing username or password");
    }
    let wrong = json!({ "username": "alice", "password": "wrong password" });
    let r = t.json("POST", "/login", None, &wrong).await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "Invalid username or password");
    let unknown = json!({ "username": "mallory", "password": "hunter2hunter2" });
    let r = t.json("POST", "/login", None, &unknown).await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "Invalid username or password");

    let last_login: Option<i64> = t
        .app
        .db
        .with(|c| {
            Ok(c.query_row(
                "SELECT last_login FROM users WHERE username = 'alice'",
                [],
                |r| r.get(0),
            )?)
        })
        .expect("db");
    assert_eq!(last_login, Some(t.now().unix_timestamp()));

    let actions = audit_actions(&t);
    assert_eq!(
        actions[..3],
        [
            ("login_failed".into(), String::new(), "mallory".into()),
            ("login_failed".into(), "alice".into(), "alice".into()),
            ("login".into(), "alice".into(), "alice".into()),
        ]
    );
}

#[tokio::test]
async fn login_is_rate_limited_per_username_and_address() {
    let mut settings = relaxed_settings();
    settings.rates.login = Quota {
        count: 2,
        per: Duration::from_secs(60),
    };
    let t = TestApp::with_settings(settings);
    let wrong = json!({ "username": "alice", "password": "wrong password" });
    for _ in 0..2 {
        let r = t.json("POST", "/login", None, &wrong).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let r = t.json("POST", "/login", None, &wrong).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers.contains_key("retry-after"));
}

#[tokio::test]
async fn logout_revokes_the_calling_token_only() {
    let t = TestApp::new();
    let first = register_and_login(&t, "alice").await;
    let second = t
        .json(
            "POST",
            "/login",
            None,
            &json!({ "username": "alice", "password": "hunter2hunter2" }),
        )
        .await
        .json()["token"]
        .as_str()
        .expect("token")
        .to_owned();

    let r = t.call("POST", "/logout", Some(&first)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json(), json!({ "message": "Logged out successfully" }));

    let r = t.call("POST", "/logout", Some(&first)).await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "Invalid or expired token");
    let r = t.call("GET", "/tokens", Some(&first)).await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "Invalid or expired token");
    assert_eq!(
        t.call("GET", "/tokens", Some(&second)).await.status,
        StatusCode::OK
    );
    let r = t.call("POST", "/logout", None).await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "Invalid or expired token");
    let r = t.call("POST", "/logout", Some("shelf_not-a-token")).await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "Invalid or expired token");
    assert_eq!(audit_actions(&t)[0].0, "logout");
}

#[tokio::test]
async fn logout_with_an_api_key_is_refused() {
    let t = TestApp::new();
    let alice = t.user("alice");
    let key = t.key(&alice, &["*"]);
    let mut request = Request::post("/logout");
    for (name, value) in t.signed(&key, "POST", "/logout", b"") {
        request = request.header(name, value);
    }
    let r = t.send(request.body(Body::empty()).expect("request")).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.error().contains("DELETE /keys/"), "{}", r.error());
}

#[tokio::test]
async fn refresh_replaces_the_token() {
    let t = TestApp::new();
    let old = register_and_login(&t, "alice").await;
    t.advance(DAY);

    let r = t.call("POST", "/refresh_token", Some(&old)).await;
    assert_eq!(r.status, StatusCode::OK);
    let new = r.json()["token"].as_str().expect("token").to_owned();
    assert_ne!(new, old);
    assert_eq!(r.json()["expires"], rfc3339(t.now() + 30 * DAY));

    let r = t.call("POST", "/refresh_token", Some(&old)).await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "Invalid or expired token");
    assert_eq!(
        t.call("GET", "/tokens", Some(&new)).await.status,
        StatusCode::OK
    );
    assert_eq!(audit_actions(&t)[0].0, "token_refresh");

    let r = t.call("POST", "/refresh_token", None).await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "Invalid or expired token");
}

#[tokio::test]
async fn refreshing_a_narrow_token_keeps_it_narrow() {
    let t = TestApp::new();
    let alice = t.user("alice");
    let ci = t.token(&alice, &["publish:hello*"], 2 * DAY);
    let r = t.call("POST", "/refresh_token", Some(&ci)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["expires"], rfc3339(t.now() + 2 * DAY));
    let refreshed = r.json()["token"].as_str().expect("token").to_owned();
    let r = t
        .json(
            "POST",
            "/tokens",
            Some(&refreshed),
            &json!({ "name": "x", "scopes": ["*"] }),
        )
        .await;
    assert_error(
        &r,
        StatusCode::FORBIDDEN,
        "Only a login token can create tokens or keys",
    );
}

#[tokio::test]
async fn expired_tokens_are_refused() {
    let t = TestApp::new();
    let token = register_and_login(&t, "alice").await;
    t.advance(30 * DAY - Duration::from_secs(1));
    assert_eq!(
        t.call("GET", "/tokens", Some(&token)).await.status,
        StatusCode::OK
    );
    t.advance(Duration::from_secs(1));
    for (method, path) in [
        ("GET", "/tokens"),
        ("POST", "/logout"),
        ("POST", "/refresh_token"),
    ] {
        let r = t.call(method, path, Some(&token)).await;
        assert_error(&r, StatusCode::UNAUTHORIZED, "Invalid or expired token");
    }
}

#[tokio::test]
async fn change_password_revokes_every_other_token() {
    let t = TestApp::new();
    let alice = t.user("alice");
    let other_session = t.token(&alice, &["*"], DAY);
    let ci = t.token(&alice, &["publish:*"], DAY);
    let bob = t.user("bob");

    let change = |old: &str, new: &str| json!({ "old_password": old, "new_password": new });
    let r = t
        .json(
            "POST",
            "/change_password",
            Some(&alice.token),
            &json!({ "old_password": PASSWORD }),
        )
        .await;
    assert_error(&r, StatusCode::BAD_REQUEST, "Missing old or new password");
    let r = t
        .json(
            "POST",
            "/change_password",
            Some(&alice.token),
            &change("wrong password", "new password 1"),
        )
        .await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "Invalid old password");
    let r = t
        .json(
            "POST",
            "/change_password",
            Some(&alice.token),
            &change(PASSWORD, "short"),
        )
        .await;
    assert_error(
        &r,
        StatusCode::BAD_REQUEST,
        "Password must be at least 8 characters",
    );
    let r = t
        .json(
            "POST",
            "/change_password",
            Some(&ci),
            &change(PASSWORD, "new password 1"),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "a CI token cannot");
    let r = t
        .json(
            "POST",
            "/change_password",
            None,
            &change(PASSWORD, "new password 1"),
        )
        .await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "Invalid or expired token");

    let r = t
        .json(
            "POST",
            "/change_password",
            Some(&alice.token),
            &change(PASSWORD, "new password 1"),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.json(),
        json!({ "message": "Password changed successfully" })
    );

    for revoked in [&other_session, &ci] {
        let r = t.call("GET", "/tokens", Some(revoked)).await;
        assert_error(&r, StatusCode::UNAUTHORIZED, "Invalid or expired token");
    }
    for kept in [&alice.token, &bob.token] {
        assert_eq!(
            t.call("GET", "/tokens", Some(kept)).await.status,
            StatusCode::OK
        );
    }
    let login = |password: &str| json!({ "username": "alice", "password": password });
    assert_eq!(
        t.json("POST", "/login", None, &login(PASSWORD))
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        t.json("POST", "/login", None, &login("new password 1"))
            .await
            .status,
        StatusCode::OK
    );
    let actions: Vec<String> = audit_actions(&t).into_iter().map(|a| a.0).collect();
    assert!(actions.contains(&"password_change".to_owned()));
    assert!(actions.contains(&"password_change_failed".to_owned()));
}

#[tokio::test]
async fn tokens_are_created_listed_and_revoked() {
    let t = TestApp::new();
    let alice = t.user("alice");
    let bob = t.user("bob");

    let r = t
        .json(
            "POST",
            "/tokens",
            Some(&alice.token),
            &json!({ "name": "ci", "scopes": ["publish:hello*"], "expires_in_days": 7 }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let created = r.json();
    let ci = created["token"].as_str().expect("token").to_owned();
    let id = created["id"].as_i64().expect("id");
    assert!(ci.starts_with("shelf_"));
    assert_eq!(created["name"], "ci");
    assert_eq!(created["scopes"], json!(["publish:hello*"]));
    assert_eq!(created["expires"], rfc3339(t.now() + 7 * DAY));

    let r = t
        .json(
            "POST",
            "/tokens",
            Some(&alice.token),
            &json!({ "name": "default", "scopes": ["yank:*"] }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(r.json()["expires"], rfc3339(t.now() + 30 * DAY));

    // A narrow token cannot mint another, even a narrower one.
    let r = t
        .json(
            "POST",
            "/tokens",
            Some(&ci),
            &json!({ "name": "wider", "scopes": ["*"] }),
        )
        .await;
    assert_error(
        &r,
        StatusCode::FORBIDDEN,
        "Only a login token can create tokens or keys",
    );

    let r = t
        .json(
            "POST",
            "/tokens",
            Some(&alice.token),
            &json!({ "name": "x", "scopes": ["publish:fc*x"] }),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.error().contains("\"publish:fc*x\"") && r.error().contains("ACTION:GLOB"),
        "{}",
        r.error()
    );
    for days in [0, 366, -1] {
        let r = t
            .json(
                "POST",
                "/tokens",
                Some(&alice.token),
                &json!({ "name": "x", "scopes": ["*"], "expires_in_days": days }),
            )
            .await;
        assert_error(
            &r,
            StatusCode::BAD_REQUEST,
            "expires_in_days must be between 1 and 365",
        );
    }
    let r = t
        .json(
            "POST",
            "/tokens",
            Some(&alice.token),
            &json!({ "scopes": ["*"] }),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = t
        .json(
            "POST",
            "/tokens",
            Some(&alice.token),
            &json!({ "name": "x", "scopes": [] }),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = t
        .json(
            "POST",
            "/tokens",
            Some(&alice.token),
            &json!({ "name": "x", "scopes": ["admin"] }),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "admin scope needs an admin"
    );
    let r = t
        .json(
            "POST",
            "/tokens",
            None,
            &json!({ "name": "x", "scopes": ["*"] }),
        )
        .await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "Invalid or expired token");

    let r = t.call("GET", "/tokens", Some(&alice.token)).await;
    assert_eq!(r.status, StatusCode::OK);
    let listed = r.json();
    let mut names: Vec<&str> = listed
        .as_array()
        .expect("list")
        .iter()
        .map(|t| t["name"].as_str().expect("name"))
        .collect();
    names.sort_unstable();
    assert_eq!(
        names,
        ["ci", "default", "test"],
        "login token and two created"
    );
    let text = String::from_utf8_lossy(&r.body);
    assert!(!text.contains(&ci) && !text.contains(&alice.token));

    let path = format!("/tokens/{id}");
    assert_error(
        &t.call("DELETE", &path, Some(&bob.token)).await,
        StatusCode::NOT_FOUND,
        "Token not found",
    );
    assert_error(
        &t.call("DELETE", "/tokens/999999", Some(&alice.token)).await,
        StatusCode::NOT_FOUND,
        "Token not found",
    );
    assert_error(
        &t.call("DELETE", "/tokens/abc", Some(&alice.token)).await,
        StatusCode::NOT_FOUND,
        "Token not found",
    );
    let r = t.call("DELETE", &path, Some(&alice.token)).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert!(r.body.is_empty());
    assert_error(
        &t.call("GET", "/tokens", Some(&ci)).await,
        StatusCode::UNAUTHORIZED,
        "Invalid or expired token",
    );
    assert_error(
        &t.call("DELETE", &path, Some(&alice.token)).await,
        StatusCode::NOT_FOUND,
        "Token not found",
    );

    let actions: Vec<String> = audit_actions(&t).into_iter().map(|a| a.0).collect();
    assert_eq!(actions[0], "token_revoke");
    assert_eq!(actions.iter().filter(|a| *a == "token_create").count(), 2);
}

#[tokio::test]
async fn a_narrow_token_may_revoke_itself_only() {
    let t = TestApp::new();
    let alice = t.user("alice");
    let ci = t.token(&alice, &["publish:*"], DAY);
    let listed = t.call("GET", "/tokens", Some(&ci)).await.json();
    let ids: Vec<(i64, bool)> = listed
        .as_array()
        .expect("list")
        .iter()
        .map(|t| (t["id"].as_i64().expect("id"), t["current"] == json!(true)))
        .collect();
    let own = ids.iter().find(|(_, current)| *current).expect("current").0;
    let login = ids.iter().find(|(_, current)| !*current).expect("login").0;
    let r = t
        .call("DELETE", &format!("/tokens/{login}"), Some(&ci))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = t.call("DELETE", &format!("/tokens/{own}"), Some(&ci)).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(
        t.call("GET", "/tokens", Some(&alice.token)).await.status,
        StatusCode::OK
    );
}

/// Sends a signed request with `key`.
async fn signed(t: &TestApp, key: &(String, String), method: &str, path: &str) -> TestResponse {
    let mut request = Request::builder().method(method).uri(path);
    for (name, value) in t.signed(key, method, path, b"") {
        request = request.header(name, value);
    }
    t.send(request.body(Body::empty()).expect("request")).await
}

#[tokio::test]
async fn keys_are_created_shown_once_and_revoked() {
    let t = TestApp::new();
    let alice = t.user("alice");

    let r = t
        .json(
            "POST",
            "/keys",
            Some(&alice.token),
            &json!({ "name": "deploy", "scopes": ["publish:*"] }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let created = r.json();
    let key_id = created["key_id"].as_str().expect("key_id").to_owned();
    let secret = created["secret"].as_str().expect("secret").to_owned();
    assert!(key_id.starts_with("sk_") && key_id.len() == 19, "{key_id}");
    assert_eq!(secret.len(), 43);
    assert_eq!(created["name"], "deploy");
    assert_eq!(created["scopes"], json!(["publish:*"]));
    assert_eq!(created["expires"], Value::Null);

    let r = t
        .json(
            "POST",
            "/keys",
            Some(&alice.token),
            &json!({ "name": "week", "scopes": ["*"], "expires_in_days": 7 }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(r.json()["expires"], rfc3339(t.now() + 7 * DAY));

    let key = (key_id.clone(), secret.clone());
    let r = signed(&t, &key, "GET", "/keys").await;
    assert_eq!(r.status, StatusCode::OK, "the key works");
    let text = String::from_utf8_lossy(&r.body).into_owned();
    assert!(text.contains(&key_id) && !text.contains(&secret), "{text}");

    // A narrow key cannot mint, and cannot revoke.
    let mut request = Request::post("/keys").header("content-type", "application/json");
    let body = json!({ "name": "x", "scopes": ["*"] }).to_string();
    for (name, value) in t.signed(&key, "POST", "/keys", body.as_bytes()) {
        request = request.header(name, value);
    }
    let r = t
        .send(request.body(Body::from(body)).expect("request"))
        .await;
    assert_error(
        &r,
        StatusCode::FORBIDDEN,
        "Only a login token can create tokens or keys",
    );
    let r = signed(&t, &key, "DELETE", &format!("/keys/{key_id}")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let bob = t.user("bob");
    let path = format!("/keys/{key_id}");
    assert_error(
        &t.call("DELETE", &path, Some(&bob.token)).await,
        StatusCode::NOT_FOUND,
        "Key not found",
    );
    let r = t.call("DELETE", &path, Some(&alice.token)).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = signed(&t, &key, "GET", "/keys").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "revoked");
    assert_error(
        &t.call("DELETE", &path, Some(&alice.token)).await,
        StatusCode::NOT_FOUND,
        "Key not found",
    );

    let actions: Vec<(String, String, String)> = audit_actions(&t);
    assert_eq!(
        actions[0],
        ("key_revoke".into(), "alice".into(), key_id.clone())
    );
    assert!(actions.contains(&("key_create".into(), "alice".into(), key_id)));
}

#[tokio::test]
async fn audit_log_is_for_administrators_and_pages_backwards() {
    let t = TestApp::new();
    let alice = t.user("alice");
    let root = t.admin("root");
    for _ in 0..3 {
        let wrong = json!({ "username": "alice", "password": "wrong password" });
        t.json("POST", "/login", None, &wrong).await;
    }
    let r = t
        .json(
            "POST",
            "/login",
            None,
            &json!({ "username": "alice", "password": PASSWORD }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);

    assert_error(
        &t.call("GET", "/audit", Some(&alice.token)).await,
        StatusCode::FORBIDDEN,
        "Only an administrator can read the audit log",
    );
    let narrow_admin = t.token(&root, &["publish:*"], DAY);
    assert_eq!(
        t.call("GET", "/audit", Some(&narrow_admin)).await.status,
        StatusCode::FORBIDDEN,
        "an administrator's narrow token is not an admin credential"
    );
    assert_error(
        &t.call("GET", "/audit", None).await,
        StatusCode::UNAUTHORIZED,
        "Invalid or expired token",
    );

    let r = t.call("GET", "/audit?limit=2", Some(&root.token)).await;
    assert_eq!(r.status, StatusCode::OK);
    let page = r.json();
    let entries = page["entries"].as_array().expect("entries");
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0]["action"], "login");
    assert_eq!(entries[0]["username"], "alice");
    // The fixture's address arrives as `MockConnectInfo`; a real server's as `ConnectInfo`.
    let ip = entries[0]["ip"].as_str().expect("ip");
    assert_eq!(ip, "127.0.0.1");
    assert_eq!(entries[0]["at"], rfc3339(t.now()));
    assert_eq!(entries[1]["action"], "login_failed");
    assert_eq!(entries[1]["target"], "alice");
    let next = page["next_before"].as_i64().expect("another page");
    assert_eq!(Some(next), entries[1]["id"].as_i64());

    let r = t
        .call(
            "GET",
            &format!("/audit?limit=2&before={next}"),
            Some(&root.token),
        )
        .await;
    let page = r.json();
    assert_eq!(page["entries"].as_array().map(Vec::len), Some(2));
    assert_eq!(page["next_before"], Value::Null, "four entries in all");

    let r = t.call("GET", "/audit?limit=abc", Some(&root.token)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

/// Runs the real `shelf` binary on `data` with `stdin` piped in.
fn shelf_with_stdin(data: &std::path::Path, args: &[&str], stdin: &str) -> Output {
    common::typed(
        Command::new(env!("CARGO_BIN_EXE_shelf"))
            .arg("--data")
            .arg(data)
            .args(args),
        stdin,
    )
}

#[test]
fn user_add_creates_accounts_from_the_command_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("fresh").join("data");

    let out = shelf_with_stdin(
        &data,
        &[
            "user",
            "add",
            "root",
            "--email",
            "root@example.com",
            "--admin",
        ],
        "a long enough password\nignored second line\n",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("root"));

    let out = shelf_with_stdin(
        &data,
        &["user", "add", "alice", "--email", "alice@example.com"],
        "alice's password\r\n",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let out = shelf_with_stdin(
        &data,
        &["user", "add", "root", "--email", "new@example.com"],
        "a long enough password\n",
    );
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("username or email already exists"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = shelf_with_stdin(
        &data,
        &["user", "add", "bob", "--email", "bob@example.com"],
        "short\n",
    );
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("password must be at least 8 characters"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = shelf_with_stdin(
        &data,
        &["user", "add", "Bob", "--email", "bob@example.com"],
        "a long enough password\n",
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid username"));

    let db = Db::open(&data.join("shelf.db")).expect("open the database");
    let (root, alice, bob) = db
        .with(|c| {
            Ok((
                users::find_by_name(c, "root")?,
                users::find_by_name(c, "alice")?,
                users::find_by_name(c, "bob")?,
            ))
        })
        .expect("db");
    let root = root.expect("root exists");
    let alice = alice.expect("alice exists");
    assert!(root.is_admin);
    assert!(!alice.is_admin);
    assert_eq!(root.email, "root@example.com");
    assert!(bob.is_none());
    let phc = db
        .with(|c| users::password_hash(c, alice.id))
        .expect("db")
        .expect("hash");
    assert!(
        password::verify("alice's password", &phc),
        "first line, without its CRLF"
    );
}
