//! Test fixture: a whole server (registry, database, writer, router) in a temporary
//! directory, called with `tower::ServiceExt::oneshot` — no port — on a clock the test
//! controls. Ordinary public code so integration tests and benchmarks can use it.

use std::{
    net::SocketAddr,
    path::PathBuf,
    sync::{Arc, Mutex, PoisonError},
    time::Duration,
};

use axum::{
    Router,
    body::Body,
    extract::connect_info::MockConnectInfo,
    http::{HeaderMap, Request, StatusCode},
};
use time::OffsetDateTime;
use tower::ServiceExt;

use super::{
    App, Settings,
    app::{Quota, RateSettings},
    router,
};
use crate::{
    auth::{password, signature::sign, token},
    db::{keys, tokens, users},
    registry::Options,
};

/// The password every fixture account has.
pub const PASSWORD: &str = "correct horse battery staple";

/// A server in a temporary directory.
pub struct TestApp {
    /// Holds the data directory (`dir/data`).
    pub dir: tempfile::TempDir,
    /// The shared state.
    pub app: Arc<App>,
    router: Router,
    now: Arc<Mutex<OffsetDateTime>>,
}

/// An account with a login (full-rights) token.
#[derive(Debug, Clone)]
pub struct TestUser {
    /// Account id.
    pub id: i64,
    /// Username.
    pub name: String,
    /// A login token.
    pub token: String,
}

/// An answer: status, headers, body.
#[derive(Debug)]
pub struct TestResponse {
    /// Status.
    pub status: StatusCode,
    /// Headers.
    pub headers: HeaderMap,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl TestResponse {
    /// The body as JSON (panics if it is not).
    #[must_use]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "body is not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// The `error` message of a JSON error body.
    #[must_use]
    pub fn error(&self) -> String {
        self.json()["error"]
            .as_str()
            .unwrap_or_else(|| panic!("no error field in {}", self.json()))
            .to_owned()
    }
}

/// Settings with rate limits high enough that only tests about rate limits meet them.
#[must_use]
pub fn relaxed_settings() -> Settings {
    let lots = Quota {
        count: 100_000,
        per: Duration::from_secs(60),
    };
    Settings {
        rates: RateSettings {
            register: lots,
            login: lots,
            publish: lots,
            search: lots,
        },
        max_pending_uploads: 100_000,
        ..Settings::default()
    }
}

impl TestApp {
    /// A server with [`relaxed_settings`].
    #[must_use]
    pub fn new() -> Self {
        Self::with_settings(relaxed_settings())
    }

    /// A server with these settings, its base URL `http://registry.test`.
    ///
    /// # Panics
    /// When the fixture cannot be set up (a test failure).
    #[must_use]
    pub fn with_settings(settings: Settings) -> Self {
        let dir = tempfile::tempdir().expect("create temp dir");
        let mut options = Options::new(&dir.path().join("data"));
        options.base_url = Some("http://registry.test".into());
        let now = Arc::new(Mutex::new(
            OffsetDateTime::now_utc()
                .replace_nanosecond(0)
                .expect("valid"),
        ));
        let clock_now = now.clone();
        let clock = Arc::new(move || *clock_now.lock().unwrap_or_else(PoisonError::into_inner));
        let app = App::open(&options, settings, clock).expect("open the app");
        let router =
            router(app.clone()).layer(MockConnectInfo(SocketAddr::from(([127, 0, 0, 1], 40_000))));
        TestApp {
            dir,
            app,
            router,
            now,
        }
    }

    /// The data directory.
    #[must_use]
    pub fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// The fixture clock's current time.
    #[must_use]
    pub fn now(&self) -> OffsetDateTime {
        *self.now.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        *self.now.lock().unwrap_or_else(PoisonError::into_inner) += by;
    }

    fn account(&self, name: &str, admin: bool) -> TestUser {
        let hash = password::hash(PASSWORD).expect("hash");
        let now = self.now().unix_timestamp();
        let user = self
            .app
            .db
            .with(|c| users::create(c, name, &format!("{name}@example.com"), &hash, admin, now))
            .expect("db")
            .unwrap_or_else(|_| panic!("account {name} exists"));
        let mut out = TestUser {
            id: user.id,
            name: name.to_owned(),
            token: String::new(),
        };
        out.token = self.token_with(&out, &["*"], Duration::from_secs(30 * 24 * 3600), true);
        out
    }

    /// A new account with a login token.
    #[must_use]
    pub fn user(&self, name: &str) -> TestUser {
        self.account(name, false)
    }

    /// A new administrator with a login token.
    #[must_use]
    pub fn admin(&self, name: &str) -> TestUser {
        self.account(name, true)
    }

    fn token_with(&self, user: &TestUser, scopes: &[&str], ttl: Duration, session: bool) -> String {
        let secret = token::new_token();
        let scopes: Vec<String> = scopes.iter().map(|s| (*s).to_owned()).collect();
        let now = self.now().unix_timestamp();
        let expires = now + i64::try_from(ttl.as_secs()).expect("small ttl");
        let hash = token::hash_token(secret.expose());
        self.app
            .db
            .with(|c| tokens::insert(c, user.id, &hash, "test", &scopes, session, now, expires))
            .expect("insert token");
        secret.expose().to_owned()
    }

    /// A narrower, expiring token for `user`.
    #[must_use]
    pub fn token(&self, user: &TestUser, scopes: &[&str], ttl: Duration) -> String {
        self.token_with(user, scopes, ttl, false)
    }

    /// An API key for `user`: `(key id, secret)`.
    #[must_use]
    pub fn key(&self, user: &TestUser, scopes: &[&str]) -> (String, String) {
        let (id, secret) = (token::new_key_id(), token::new_key_secret());
        let scopes: Vec<String> = scopes.iter().map(|s| (*s).to_owned()).collect();
        let now = self.now().unix_timestamp();
        self.app
            .db
            .with(|c| keys::insert(c, user.id, &id, secret.expose(), "test", &scopes, now, None))
            .expect("insert key");
        (id, secret.expose().to_owned())
    }

    /// Signed-request headers for a request, on the fixture clock.
    #[must_use]
    pub fn signed(
        &self,
        key: &(String, String),
        method: &str,
        path: &str,
        body: &[u8],
    ) -> Vec<(String, String)> {
        let timestamp = self.now().unix_timestamp().to_string();
        let nonce = token::new_upload_id();
        let signature = sign(key.1.as_bytes(), method, path, &timestamp, &nonce, body);
        vec![
            ("X-Api-Key".into(), key.0.clone()),
            ("X-Timestamp".into(), timestamp),
            ("X-Nonce".into(), nonce),
            ("X-Signature".into(), signature),
        ]
    }

    /// Sends a request through the router, then waits for the files the writer derives
    /// after its answers (home page, search document, change feed, `-/index.git/`:
    /// [`crate::registry::worker`]), so the test reads them current.
    ///
    /// # Panics
    /// When the router fails (it never should: every error is an answer).
    pub async fn send(&self, request: Request<Body>) -> TestResponse {
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("the router answers");
        let status = response.status();
        let headers = response.headers().clone();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("read body")
            .to_vec();
        self.settle().await;
        TestResponse {
            status,
            headers,
            body,
        }
    }

    /// Waits until the writer has written every derived file the changes so far owe.
    ///
    /// # Panics
    /// When the writer has stopped, or cannot write them.
    pub async fn settle(&self) {
        self.app
            .writer
            .settle()
            .await
            .expect("the writer runs")
            .expect("the derived files are written");
    }

    /// Sends a JSON request with an optional bearer token.
    pub async fn json(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: &serde_json::Value,
    ) -> TestResponse {
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header("content-type", "application/json");
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        self.send(request.body(Body::from(body.to_string())).expect("request"))
            .await
    }

    /// Sends a bodiless request with an optional bearer token.
    pub async fn call(&self, method: &str, path: &str, token: Option<&str>) -> TestResponse {
        let mut request = Request::builder().method(method).uri(path);
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        self.send(request.body(Body::empty()).expect("request"))
            .await
    }

    /// Publishes `zip` as `token`'s account: `POST /releases` then `PUT` the zip. Returns the
    /// upload's answer (or the first failing answer).
    pub async fn publish(
        &self,
        token: &str,
        name: &str,
        version: &str,
        zip: Vec<u8>,
    ) -> TestResponse {
        let release = serde_json::json!({ "name": name, "version": version, "body": format!("notes for {version}") });
        let created = self.json("POST", "/releases", Some(token), &release).await;
        if created.status != StatusCode::CREATED {
            return created;
        }
        let url = created.json()["upload_url"]
            .as_str()
            .expect("upload_url")
            .to_owned();
        let path = url
            .strip_prefix("http://registry.test")
            .expect("absolute upload URL")
            .to_owned();
        let request = Request::builder()
            .method("PUT")
            .uri(path)
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", "application/zip")
            .body(Body::from(zip))
            .expect("request");
        self.send(request).await
    }
}

impl Default for TestApp {
    fn default() -> Self {
        Self::new()
    }
}
