//! `npm install` with no Shelf process in the read path: the generated tree behind nginx
//! with the configuration Shelf ships, and a bucket written with `--target s3://…` read
//! anonymously. Packages are published through `shelf serve`'s API (whose base URL is the
//! static host's), then installed from the static host with an empty cache; `shelf mirror`
//! copies them from the static host.

use std::{collections::BTreeMap, process::Command};

use serde_json::json;

use crate::{
    client::{Npm, node, package_dir, project},
    common::{
        Fixture,
        nginx::{self, free_port},
        patient_agent,
        seaweed::Seaweed,
        server::{Server, unlimited_serve},
        sign_up, tree,
    },
};

/// Publishes `shelf-demo@1.0.0` and `@acme/widget@1.0.0` (which depends on it) through the
/// API at `api` (`…/npm/`).
fn publish_two(npm_root: &std::path::Path, api: &str, token: &str) {
    let npm = Npm::new(npm_root, api);
    npm.set_token(token);
    let work = npm_root.join("work");
    let demo = package_dir(
        &work,
        "demo",
        &json!({"name": "shelf-demo", "version": "1.0.0", "main": "index.js"}),
        "module.exports = 42;\n",
    );
    let (ok, out) = npm.run(&demo, &["publish"]);
    assert!(ok, "{out}");
    let widget = package_dir(
        &work,
        "widget",
        &json!({"name": "@acme/widget", "version": "1.0.0", "main": "index.js",
                "dependencies": {"shelf-demo": "^1.0.0"}}),
        "module.exports = 'widget ' + require('shelf-demo');\n",
    );
    let (ok, out) = npm.run(&widget, &["publish", "--access", "public"]);
    assert!(ok, "{out}");
}

/// Installs `@acme/widget` from `registry` into a fresh project with an empty cache.
fn install_from(root: &std::path::Path, registry: &str) {
    let npm = Npm::new(&root.join("reader"), registry);
    let dir = project(root, "reader-project");
    let (ok, out) = npm.run_in(&dir, "empty", &["install", "@acme/widget"]);
    assert!(ok, "{out}");
    assert_eq!(
        node(&dir, "console.log(require('@acme/widget'))"),
        "widget 42"
    );
}

/// `Cache-Control` and `X-Content-Type-Options` of a GET of `url`.
fn headers_of(url: &str) -> (String, String) {
    let answer = patient_agent().get(url).call().expect("GET");
    let header = |name: &str| {
        answer
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    (header("cache-control"), header("x-content-type-options"))
}

fn get(url: &str) -> (u16, String) {
    let answer = patient_agent().get(url).call().expect("GET");
    let status = answer.status().as_u16();
    let kind = answer
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (status, kind)
}

#[test]
fn npm_installs_from_the_tree_behind_nginx() {
    let fx = Fixture::new();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut command = unlimited_serve(&fx.data());
    command.args(["--base-url", &base]);
    let server = Server::shelf(&mut command);
    let token = sign_up(&server.base, "alice");
    publish_two(
        &fx.dir.path().join("publisher"),
        &format!("{}/npm/", server.base),
        &token,
    );
    let _nginx = nginx::start(&fx.site(), port, &fx.dir.path().join("nginx"));
    // nginx decodes the scope's slash in either case; tarballs are opaque bytes.
    for path in ["npm/@acme%2fwidget", "npm/@acme%2Fwidget", "npm/shelf-demo"] {
        let (status, kind) = get(&format!("{base}/{path}"));
        assert_eq!(status, 200, "{path}");
        assert!(kind.starts_with("application/json"), "{path}: {kind}");
    }
    let (status, kind) = get(&format!("{base}/npm/@acme/widget/-/widget-1.0.0.tgz"));
    assert_eq!((status, kind.as_str()), (200, "application/octet-stream"));
    let (status, kind) = get(&format!("{base}/npm/@acme/widget/-/"));
    assert_eq!(status, 200);
    assert!(kind.starts_with("text/html"), "{kind}");
    install_from(fx.dir.path(), &format!("{base}/npm/"));

    // Issue 23, point 15: nginx sends each file's cache class as `shelf serve` does (and
    // keeps `nosniff` where a location's own headers would drop it).
    for path in [
        "npm/shelf-demo",
        "npm/@acme/widget/-/widget-1.0.0.tgz",
        "-/changes.json",
    ] {
        let from_nginx = headers_of(&format!("{base}/{path}"));
        let from_shelf = headers_of(&format!("{}/{path}", server.base));
        assert_eq!(from_nginx, from_shelf, "{path}");
        assert!(
            !from_nginx.0.is_empty() && from_nginx.1 == "nosniff",
            "{path}"
        );
    }

    // The change feed reads npm's own commit messages: each publish with its version (it
    // said `update`, and no version, when it read them from their diffs).
    let feed_url = format!("{base}/-/changes.json");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let published = |feed: &serde_json::Value, name: &str| {
        feed["changes"].as_array().is_some_and(|changes| {
            changes
                .iter()
                .any(|c| c["action"] == "publish" && c["name"] == name && c["version"] == "1.0.0")
        })
    };
    loop {
        let feed: serde_json::Value = crate::common::server::agent()
            .get(&feed_url)
            .call()
            .ok()
            .and_then(|mut r| r.body_mut().read_to_string().ok())
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default();
        if published(&feed, "@acme/widget") && published(&feed, "shelf-demo") {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the feed: {feed}");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }

    // A version published after an install is found by the next install with the same
    // cache: the packument is revalidated, not kept as fresh.
    let reader = Npm::new(&fx.dir.path().join("reader"), &format!("{base}/npm/"));
    let project_dir = project(fx.dir.path(), "latest-project");
    let (ok, out) = reader.run_in(&project_dir, "same", &["install", "shelf-demo@latest"]);
    assert!(ok, "{out}");
    let publisher = Npm::new(
        &fx.dir.path().join("publisher"),
        &format!("{}/npm/", server.base),
    );
    publisher.set_token(&token);
    let newer = package_dir(
        &fx.dir.path().join("publisher").join("work"),
        "demo-newer",
        &json!({"name": "shelf-demo", "version": "1.0.1", "main": "index.js"}),
        "module.exports = 42.1;\n",
    );
    let (ok, out) = publisher.run(&newer, &["publish"]);
    assert!(ok, "{out}");
    crate::common::settled(&fx.data());
    let (ok, out) = reader.run_in(&project_dir, "same", &["install", "shelf-demo@latest"]);
    assert!(ok, "{out}");
    assert_eq!(
        node(
            &project_dir,
            "console.log(require('shelf-demo/package.json').version)"
        ),
        "1.0.1"
    );

    // `shelf mirror` copies npm packages from the static host alone, byte for byte; a
    // later run follows the feed to a new version and an unpublished one.
    let copy = fx.dir.path().join("copy");
    let first = mirror(&base, &copy);
    assert!(first.contains("full pass"), "{first}");
    assert_same(&copy_tree(&copy), &tree(&fx.site()));
    let npm = Npm::new(
        &fx.dir.path().join("publisher"),
        &format!("{}/npm/", server.base),
    );
    npm.set_token(&token);
    let demo = package_dir(
        &fx.dir.path().join("publisher").join("work"),
        "demo2",
        &json!({"name": "shelf-demo", "version": "1.1.0", "main": "index.js"}),
        "module.exports = 43;\n",
    );
    let (ok, out) = npm.run(&demo, &["publish"]);
    assert!(ok, "{out}");
    let (ok, out) = npm.run(&demo, &["unpublish", "shelf-demo@1.0.0"]);
    assert!(ok, "{out}");
    // The feed the mirror follows is written after the answer (50 ms later, or more).
    crate::common::settled(&fx.data());
    let second = mirror(&base, &copy);
    assert!(!second.contains("full pass"), "{second}");
    assert!(second.contains("1 zips"), "only the new tarball: {second}");
    let copied = copy_tree(&copy);
    assert_same(&copied, &tree(&fx.site()));
    assert!(copied.contains_key("npm/shelf-demo/-/shelf-demo-1.1.0.tgz"));
    assert!(!copied.contains_key("npm/shelf-demo/-/shelf-demo-1.0.0.tgz"));

    // A tarball that is not what its packument's `integrity` says is refused, unwritten.
    let served = fx.site().join("npm/shelf-demo/-/shelf-demo-1.1.0.tgz");
    std::fs::remove_file(&served).expect("unlink the served tarball");
    std::fs::write(&served, b"not the tarball").expect("write a corrupt one");
    let fresh = fx.dir.path().join("fresh");
    let run = Command::new(env!("CARGO_BIN_EXE_shelf"))
        .args(["mirror", &base, "--out"])
        .arg(&fresh)
        .output()
        .expect("run shelf mirror");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(!run.status.success(), "a corrupt tarball is refused");
    assert!(stderr.contains("SHA-512 mismatch"), "{stderr}");
    assert!(!fresh.join("npm/shelf-demo/-/shelf-demo-1.1.0.tgz").exists());
}

/// Runs `shelf mirror base --out out`: its summary line.
fn mirror(base: &str, out: &std::path::Path) -> String {
    let run = Command::new(env!("CARGO_BIN_EXE_shelf"))
        .args(["mirror", base, "--out"])
        .arg(out)
        .output()
        .expect("run shelf mirror");
    let text =
        String::from_utf8_lossy(&run.stdout).into_owned() + &String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "shelf mirror: {text}");
    text
}

/// The copy is the site, byte for byte: otherwise, the paths that differ.
fn assert_same(copy: &BTreeMap<String, Vec<u8>>, site: &BTreeMap<String, Vec<u8>>) {
    let keys: std::collections::BTreeSet<&String> = copy.keys().chain(site.keys()).collect();
    let differing: Vec<&&String> = keys
        .iter()
        .filter(|k| copy.get(**k) != site.get(**k))
        .collect();
    assert!(
        differing.is_empty(),
        "the copy differs from the site at {differing:?}"
    );
}

/// Every file of a mirror's copy but its state file.
fn copy_tree(dir: &std::path::Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = tree(dir);
    files.remove(".shelf-mirror.json");
    files
}

#[test]
fn npm_installs_from_a_bucket() {
    let seaweed = Seaweed::start();
    let bucket = seaweed.bucket("npm-site");
    bucket.allow_public_read();
    let base = format!("{}/reg", bucket.url());
    let fx = Fixture::new();
    let mut command = unlimited_serve(&fx.data());
    command.args(["--base-url", &base, "--target", "s3://npm-site/reg"]);
    command.args(["--s3-endpoint", &seaweed.endpoint]);
    let server = Server::shelf(seaweed.aws_env(&mut command, fx.dir.path()));
    let token = sign_up(&server.base, "alice");
    publish_two(
        &fx.dir.path().join("publisher"),
        &format!("{}/npm/", server.base),
        &token,
    );
    let (status, kind) = get(&format!("{base}/npm/@acme%2fwidget"));
    assert_eq!(status, 200, "the scoped packument by npm's URL");
    assert!(kind.starts_with("application/json"), "{kind}");
    install_from(fx.dir.path(), &format!("{base}/npm/"));

    // Issue 23, point 16: npm reads before it writes (the packument with `?write=true`,
    // the dist-tags), from the API's host, which holds no copy of the bucket: those reads
    // are answered from the index.
    let api = format!("{}/npm/", server.base);
    let npm = Npm::new(&fx.dir.path().join("publisher"), &api);
    npm.set_token(&token);
    let work = fx.dir.path().join("publisher").join("work");
    let (ok, out) = npm.run(
        &work,
        &["deprecate", "shelf-demo@1.0.0", "use something else"],
    );
    assert!(ok, "{out}");
    let (ok, out) = npm.run(&work, &["dist-tag", "add", "@acme/widget@1.0.0", "stable"]);
    assert!(ok, "{out}");
    let (ok, out) = npm.run(&work, &["dist-tag", "ls", "@acme/widget"]);
    assert!(ok && out.contains("stable: 1.0.0"), "{out}");
    let (ok, out) = npm.run(&work, &["owner", "ls", "@acme/widget"]);
    assert!(ok && out.contains("alice <alice@example.com>"), "{out}");
    let (ok, out) = npm.run(&work, &["unpublish", "shelf-demo@1.0.0", "--force"]);
    assert!(ok, "{out}");
    let (status, _) = get(&format!("{base}/npm/shelf-demo"));
    assert_eq!(
        status, 404,
        "its only version unpublished, the packument is gone"
    );
}
