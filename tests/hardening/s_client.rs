//! The official Serverless Devs client, `s` 3.1.10 (npm `@serverless-devs/s`), against a
//! real `shelf serve` on port 80: `s registry publish`, `list`, `detail`, a component loaded
//! by `s deploy`, a refusal the user sees in the client's words, and `s registry delete`.
//!
//! Port 80, because the client sends its POST and DELETE requests to the registry URL's host
//! and path alone, whatever port the URL names (CI runs as root). The client is installed by
//! `.ci/test` into `target/tools/s`; `SHELF_TEST_S_CLIENT` may name another `s` binary.
//!
//! `s` is never piped into a reader that stops early: when its stdout is closed it neither
//! dies nor exits. Its output goes to a file, read after it exits.

use std::{
    fs,
    path::{Path, PathBuf},
    process::Command,
    time::Duration,
};

use crate::common::{
    Fixture, git_in, output_within, patient_agent,
    server::{Server, shelf_serve},
    sign_up,
    snapshot::Snapshot,
};

/// The registry URL the client is given.
const REGISTRY: &str = "http://127.0.0.1";

/// The component published: a minimal v3 component with the fields the client itself
/// insists on (`Effective`, `Parameters`, `Commands`, a `src` folder).
const PUBLISH_YAML: &str = "Edition: 3.0.0
Type: Component
Name: hello-shelf
Provider:
  - 阿里云
Version: 0.0.1
Description: Minimal test component
HomePage: https://example.invalid/hello-shelf
Tags:
  - test
Category: 其它
Service:
  其它:
    Authorities:
      - None
Commands:
  deploy: print a greeting
Effective: Public
Parameters:
  type: object
  additionalProperties: false
  required: []
  properties:
    greeting:
      type: string
      default: hello
";

fn s_binary() -> PathBuf {
    if let Ok(path) = std::env::var("SHELF_TEST_S_CLIENT") {
        return PathBuf::from(path);
    }
    let installed =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("target/tools/s/node_modules/.bin/s");
    assert!(
        installed.exists(),
        "the Serverless Devs client is missing; install it with `npm install --prefix \
         target/tools/s @serverless-devs/s@3.1.10` (bash .ci/test does)"
    );
    installed
}

/// The client, configured: its home (`~/.s`) in `home`, the registry, the code, no colours
/// and none of its background processes.
struct Client {
    s: PathBuf,
    home: PathBuf,
    code: String,
    logs: PathBuf,
}

impl Client {
    fn new(root: &Path, code: &str) -> Client {
        let home = root.join("home");
        fs::create_dir_all(home.join(".s/config")).expect("mkdir");
        fs::write(
            home.join(".s/set-config.yml"),
            format!("registry: {REGISTRY}/v3\nanalysis: disable\n"),
        )
        .expect("set-config");
        let now_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock")
            .as_millis();
        let notifier = format!(
            "{{\"output\":false,\"current\":\"3.1.10\",\"latest\":\"3.1.10\",\
             \"lastUpdateCheck\":{now_ms}}}"
        );
        fs::write(home.join(".s/config/update-notifier.json"), notifier).expect("notifier");
        let logs = root.join("logs");
        fs::create_dir_all(&logs).expect("mkdir");
        Client {
            s: s_binary(),
            home,
            code: code.to_owned(),
            logs,
        }
    }

    /// Runs `s ARGS` in `dir` and answers its exit status and output.
    fn run(&self, dir: &Path, args: &[&str]) -> (bool, String) {
        let mut command = Command::new(&self.s);
        command
            .args(args)
            .current_dir(dir)
            .env("HOME", &self.home)
            .env("serverless_devs_registry_token", &self.code)
            .env("FORCE_COLOR", "0")
            .env("NODE_ENV", "test");
        let out = output_within(&mut command, Duration::from_secs(120), &self.logs);
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        (out.status.success(), text)
    }
}

fn component(root: &Path, version: &str) -> PathBuf {
    let dir = root.join(format!("component-{version}"));
    fs::create_dir_all(dir.join("src")).expect("mkdir");
    fs::write(
        dir.join("publish.yaml"),
        PUBLISH_YAML.replace("Version: 0.0.1", &format!("Version: {version}")),
    )
    .expect("publish.yaml");
    fs::write(
        dir.join("src/index.js"),
        "module.exports = class { async deploy(i) { const g = (i.props || {}).greeting || \
         'hello'; console.log('HELLO-SHELF-DEPLOY ' + g); return { greeting: g }; } };\n",
    )
    .expect("index.js");
    fs::write(
        dir.join("package.json"),
        format!("{{\"name\":\"hello-shelf\",\"version\":\"{version}\",\"main\":\"src/index.js\"}}"),
    )
    .expect("package.json");
    fs::write(dir.join("version.md"), format!("Notes for {version}\n")).expect("version.md");
    fs::write(dir.join("readme.md"), "# hello-shelf\n").expect("readme");
    dir
}

fn get(path: &str) -> (u16, String) {
    let mut answer = patient_agent()
        .get(&format!("{REGISTRY}{path}"))
        .call()
        .unwrap_or_else(|e| panic!("GET {path}: {e}"));
    let body = answer.body_mut().read_to_string().unwrap_or_default();
    (answer.status().as_u16(), body)
}

#[test]
fn the_official_client_publishes_lists_loads_and_deletes_on_port_80() {
    let s = s_binary();
    let fixture = Fixture::new();
    let data = fixture.data();
    let _server = Server::shelf(
        shelf_serve(&data, &["--listen", "127.0.0.1:80"]).args(["--base-url", REGISTRY]),
    );
    // A code made the way the README says: `shelf token create --kind s-client`.
    let token = sign_up(REGISTRY, "alice");
    let config = fixture.dir.path().join("config");
    let made = Command::new(env!("CARGO_BIN_EXE_shelf"))
        .args([
            "token",
            "create",
            "--kind",
            "s-client",
            "--registry",
            REGISTRY,
        ])
        .args(["--name", "s", "--scope", "publish:*", "--scope", "delete:*"])
        .env("SHELF_TOKEN", &token)
        .env("SHELF_CONFIG_DIR", &config)
        .output()
        .expect("shelf token create");
    let stderr = String::from_utf8_lossy(&made.stderr);
    assert!(made.status.success(), "{stderr}");
    assert!(stderr.contains("s registry login --token"), "{stderr}");
    let code = String::from_utf8(made.stdout)
        .expect("utf-8")
        .trim()
        .to_owned();
    assert!(code.starts_with("shelf_s_"), "{code}");

    let root = fixture.dir.path().join("s");
    let client = Client::new(&root, &code);
    assert_eq!(client.s, s);

    // Publish: form POST, then the zip PUT to the URL the answer names, with no credentials.
    let first = component(&root, "0.0.1");
    let (ok, out) = client.run(&first, &["registry", "publish"]);
    assert!(ok, "{out}");
    assert!(
        out.contains("Publish package hello-shelf@0.0.1 success."),
        "{out}"
    );
    let (status, latest) = get("/v3/packages/hello-shelf/release/latest");
    assert_eq!(status, 200, "{latest}");
    let latest: serde_json::Value = serde_json::from_str(&latest).expect("json");
    assert_eq!(latest["body"]["tag_name"], "0.0.1");
    assert_eq!(latest["body"]["body"], "Notes for 0.0.1\n");
    let author = git_in(&data.join("index"), &["log", "-1", "--format=%an %s"]);
    assert_eq!(author.trim(), "alice Publish hello-shelf@0.0.1");

    // A refusal reaches the user in the client's own words, and changes nothing.
    let before = Snapshot::take(&data);
    let (ok, out) = client.run(&first, &["registry", "publish"]);
    assert!(!ok, "{out}");
    assert!(out.contains("hello-shelf@0.0.1 already exists"), "{out}");
    before.assert_unchanged(&data, "publishing 0.0.1 again");

    let (ok, out) = client.run(&root, &["registry", "list"]);
    assert!(ok, "{out}");
    assert!(
        out.contains("hello-shelf") && out.contains("Minimal test component"),
        "{out}"
    );
    assert!(out.contains("其它"), "the category's name: {out}");
    let (ok, out) = client.run(&root, &["registry", "list", "--search", "nothing-like-it"]);
    assert!(ok && !out.contains("hello-shelf"), "{out}");
    let (ok, out) = client.run(
        &root,
        &["registry", "detail", "--package-name", "hello-shelf"],
    );
    assert!(ok, "{out}");
    assert!(out.contains("tag_name:") && out.contains("0.0.1"), "{out}");

    // A project loads the published component from the registry and runs it.
    let project = root.join("project");
    fs::create_dir_all(&project).expect("mkdir");
    fs::write(
        project.join("s.yaml"),
        "edition: 3.0.0\nname: e2e\nresources:\n  one:\n    component: hello-shelf@0.0.1\n    \
         props:\n      greeting: hi\n",
    )
    .expect("s.yaml");
    let (ok, out) = client.run(&project, &["deploy"]);
    assert!(ok, "{out}");
    assert!(out.contains("HELLO-SHELF-DEPLOY hi"), "{out}");

    // A second version, then the first deleted: gone from the site, the second stays.
    let second = component(&root, "0.0.2");
    let (ok, out) = client.run(&second, &["registry", "publish"]);
    assert!(ok && out.contains("hello-shelf@0.0.2 success"), "{out}");
    let args = [
        "registry",
        "delete",
        "--name",
        "hello-shelf",
        "--version-id",
        "0.0.1",
    ];
    let (ok, out) = client.run(&root, &args);
    assert!(ok, "{out}");
    assert!(
        out.contains("Delete package hello-shelf@0.0.1 success."),
        "{out}"
    );
    assert_eq!(get("/v3/packages/hello-shelf/release/tags/0.0.1").0, 404);
    assert_eq!(get("/v3/packages/hello-shelf/release/tags/0.0.2").0, 200);
    let subject = git_in(&data.join("index"), &["log", "-1", "--format=%an %s"]);
    assert_eq!(subject.trim(), "alice Delete hello-shelf@0.0.1");
}

mod signed {
    //! The `s` client's signature through the real router: replay protection, wrong
    //! signatures, unknown codes, the self-authorising upload URL, and the client's error
    //! shape (`{"request_id", "body": "message"}`).

    use axum::{body::Body, http::Request};
    use serde_json::json;
    use shelf::{
        api::testing::TestApp,
        serverless::{
            api::s_client::{code_key_id, sign_code},
            package::testing::ZipBuilder,
        },
    };

    use crate::common::snapshot::Snapshot;

    /// An `s` client code for alice, made through `POST /keys`.
    async fn code(t: &TestApp, token: &str, scopes: &[&str]) -> String {
        let body = json!({ "name": "s", "scopes": scopes, "kind": "s-client" });
        let r = t.json("POST", "/keys", Some(token), &body).await;
        assert_eq!(r.status, 201, "{}", r.error());
        let created = r.json();
        let code = created["secret"].as_str().expect("code").to_owned();
        assert_eq!(created["key_id"], json!(code_key_id(&code)));
        assert_eq!(created["kind"], json!("s-client"));
        code
    }

    fn headers(t: &TestApp, code: &str, nonce: &str) -> Vec<(String, String)> {
        let timestamp = t.now().unix_timestamp().to_string();
        vec![
            ("token".into(), code_key_id(code)),
            ("nonce".into(), nonce.to_owned()),
            ("timestamp".into(), timestamp.clone()),
            ("sign_code".into(), sign_code(code, nonce, &timestamp)),
        ]
    }

    fn form_post(headers: &[(String, String)], version: &str) -> Request<Body> {
        let yaml = shelf::serverless::package::testing::publish_yaml("hello", version);
        let form: String = form_urlencoded::Serializer::new(String::new())
            .append_pair("publish", &yaml)
            .append_pair("version_body", "notes")
            .append_pair("readme", "")
            .finish();
        let mut request = Request::builder()
            .method("POST")
            .uri("/v3/packages/releases")
            .header("content-type", "application/x-www-form-urlencoded");
        for (name, value) in headers {
            request = request.header(name.as_str(), value.as_str());
        }
        request.body(Body::from(form)).expect("request")
    }

    /// The client shows a refusal only when `body` is a string.
    fn refusal(r: &shelf::api::testing::TestResponse) -> String {
        let answer = r.json();
        assert!(answer["request_id"].is_string(), "{answer}");
        answer["body"]
            .as_str()
            .unwrap_or_else(|| panic!("not a refusal: {answer}"))
            .to_owned()
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn signatures_are_checked_replays_refused_and_upload_urls_bound_to_the_code() {
        let t = TestApp::new();
        let alice = t.user("alice");
        let code = code(&t, &alice.token, &["publish:*"]).await;
        let before = Snapshot::take(&t.data());

        // No code, a wrong sign_code, an unknown code, a stale timestamp: 401, nothing kept.
        let r = t.send(form_post(&[], "1.0.0")).await;
        assert_eq!(r.status, 401);
        assert!(refusal(&r).contains("shelf token create --kind s-client"));
        let mut wrong = headers(&t, &code, "n1");
        wrong[3].1 = sign_code(&code, "n1", "0");
        let r = t.send(form_post(&wrong, "1.0.0")).await;
        assert_eq!(
            (r.status.as_u16(), refusal(&r).contains("wrong sign_code")),
            (401, true)
        );
        let r = t
            .send(form_post(&headers(&t, "not-a-code", "n2"), "1.0.0"))
            .await;
        assert_eq!(r.status, 401);
        let mut stale = headers(&t, &code, "n3");
        stale[2].1 = "1000".into();
        stale[3].1 = sign_code(&code, "n3", "1000");
        let r = t.send(form_post(&stale, "1.0.0")).await;
        assert_eq!(r.status, 401);
        assert!(refusal(&r).contains("seconds away"));
        assert_eq!(t.app.nonces.len(), 0, "refused requests leave no nonce");
        before.assert_unchanged(&t.data(), "refused s client requests");

        // A good announcement, then its replay.
        let good = headers(&t, &code, "n4");
        let r = t.send(form_post(&good, "1.0.0")).await;
        assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
        let url = r.json()["body"]["url"].as_str().expect("url").to_owned();
        assert!(url.starts_with("http://registry.test/v3/uploads/"), "{url}");
        let r = t.send(form_post(&good, "1.0.0")).await;
        assert_eq!(r.status, 401);
        assert!(refusal(&r).contains("Nonce already used"));

        // The upload URL authorises itself; an ordinary upload id does not work there.
        let ordinary = json!({ "name": "other", "version": "1.0.0" });
        let r = t
            .json("POST", "/releases", Some(&alice.token), &ordinary)
            .await;
        let other = r.json()["upload_url"].as_str().expect("url").to_owned();
        let other_id = other.rsplit('/').next().expect("id");
        let put = |path: String, zip: Vec<u8>| {
            Request::builder()
                .method("PUT")
                .uri(path)
                .body(Body::from(zip))
                .expect("request")
        };
        let zip = ZipBuilder::package("other", "1.0.0").build();
        let r = t.send(put(format!("/v3/uploads/{other_id}"), zip)).await;
        assert_eq!(
            (r.status.as_u16(), refusal(&r)),
            (404, "Invalid upload URL".to_owned())
        );
        let path = url.trim_start_matches("http://registry.test").to_owned();
        let zip = ZipBuilder::package("hello", "1.0.0").build();
        let r = t.send(put(path.clone(), zip.clone())).await;
        assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
        assert_eq!(r.json()["body"]["version"], "1.0.0");
        // Used once.
        let r = t.send(put(path, zip)).await;
        assert_eq!(r.status, 404);

        // Revoking the code ends the URLs it announced.
        let r = t.send(form_post(&headers(&t, &code, "n5"), "1.1.0")).await;
        let url = r.json()["body"]["url"].as_str().expect("url").to_owned();
        let key_id = code_key_id(&code);
        let r = t
            .call("DELETE", &format!("/keys/{key_id}"), Some(&alice.token))
            .await;
        assert_eq!(r.status, 204);
        let zip = ZipBuilder::package("hello", "1.1.0").build();
        let path = url.trim_start_matches("http://registry.test").to_owned();
        let before = Snapshot::take(&t.data());
        let r = t.send(put(path, zip)).await;
        assert_eq!(r.status, 404);
        before.assert_unchanged(&t.data(), "an upload URL of a revoked code");
        // And the code itself.
        let r = t.send(form_post(&headers(&t, &code, "n6"), "1.2.0")).await;
        assert_eq!(r.status, 401);
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn retoken_swaps_the_code_and_the_old_one_stops_working() {
        let t = TestApp::new();
        let alice = t.user("alice");
        let old = code(&t, &alice.token, &["publish:hello*"]).await;
        let mut request = Request::builder().method("POST").uri("/v3/user/token");
        for (name, value) in headers(&t, &old, "r1") {
            request = request.header(name.as_str(), value.as_str());
        }
        let r = t.send(request.body(Body::empty()).expect("request")).await;
        assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
        let new = r.json()["body"]["safety_code"]
            .as_str()
            .expect("a new code")
            .to_owned();
        assert_ne!(new, old);
        let r = t.send(form_post(&headers(&t, &old, "r2"), "1.0.0")).await;
        assert_eq!(r.status, 401, "the old code is revoked");
        let r = t.send(form_post(&headers(&t, &new, "r3"), "1.0.0")).await;
        assert_eq!(r.status, 200, "the new one keeps its scopes");
        let keys = t.call("GET", "/keys", Some(&alice.token)).await.json();
        let listed: Vec<&str> = keys
            .as_array()
            .expect("a list")
            .iter()
            .filter_map(|k| k["key_id"].as_str())
            .collect();
        assert_eq!(listed, [code_key_id(&new).as_str()]);
    }
}
