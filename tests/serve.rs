//! End to end: `shelf serve` on a free port, every path read over real HTTP.

mod common;

use common::{
    Fixture, ZipBuilder,
    server::{Server, agent, shelf_serve},
};
use ureq::http::{Response, StatusCode};

fn start(fx: &Fixture, listen: &str) -> Server {
    Server::shelf(&mut shelf_serve(&fx.data(), &["--listen", listen]))
}

fn get(url: &str, headers: &[(&str, &str)]) -> (Response<ureq::Body>, Vec<u8>) {
    let mut req = agent().get(url);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let mut resp = req.call().unwrap_or_else(|e| panic!("GET {url}: {e}"));
    let body = resp
        .body_mut()
        .with_config()
        .limit(100 << 20)
        .read_to_vec()
        .expect("body");
    (resp, body)
}

fn header<'a>(resp: &'a Response<ureq::Body>, name: &str) -> &'a str {
    resp.headers()
        .get(name)
        .map(|v| v.to_str().expect("ascii header"))
        .unwrap_or("")
}

#[test]
fn serves_every_path_over_http() {
    let fx = Fixture::new();
    // An empty data directory starts an empty registry whose base URL is the real address.
    let server = start(&fx, "127.0.0.1:0");
    let first_base = server.base.clone();
    let (resp, body) = get(&format!("{}/-/search.json", server.base), &[]);
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&body).expect("json")["packages"],
        serde_json::json!([])
    );
    drop(server);

    for version in ["1.0.0", "1.1.0", "2.0.0-beta.1"] {
        let zip = fx.zip("p.zip", &ZipBuilder::package("hello", version).build());
        fx.shelf_ok(&["add", zip.to_str().expect("utf-8")]);
    }
    fx.shelf_ok(&["yank", "hello", "1.1.0"]);
    // Same address again: the recorded base URL stays right.
    let server = start(&fx, first_base.trim_start_matches("http://"));
    let base = &server.base;

    let json_paths = [
        "hello/releases",
        "hello/releases/",
        "hello/releases/latest",
        "hello/releases/tags/1.0.0",
        "hello/releases/tags/2.0.0-beta.1",
        "hello/releases/tags/2.0.0%2Dbeta.1",
        "hello/index.json",
        "v3/packages/hello/release",
        "v3/packages/hello/release/latest",
        "v3/packages/hello/release/tags/1.1.0",
        "-/config.json",
        "-/search.json",
    ];
    for path in json_paths {
        let (resp, body) = get(&format!("{base}/{path}"), &[]);
        assert_eq!(resp.status(), StatusCode::OK, "{path}");
        assert_eq!(header(&resp, "content-type"), "application/json", "{path}");
        assert!(
            serde_json::from_slice::<serde_json::Value>(&body).is_ok(),
            "{path} is JSON"
        );
    }
    let (_, latest) = get(&format!("{base}/hello/releases/latest"), &[]);
    let latest: serde_json::Value = serde_json::from_slice(&latest).expect("json");
    assert_eq!(latest["tag_name"], "1.0.0");
    assert_eq!(
        latest["zipball_url"],
        format!("{base}/hello/zipball/1.0.0"),
        "absolute URL from the served address"
    );
    let (_, v3) = get(&format!("{base}/v3/packages/hello/release"), &[]);
    let v3: serde_json::Value = serde_json::from_slice(&v3).expect("json");
    assert_eq!(v3["body"].as_array().expect("list").len(), 3);

    // The zip, by the URL the documents give.
    let (resp, zip) = get(latest["zipball_url"].as_str().expect("url"), &[]);
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(header(&resp, "content-type"), "application/zip");
    assert_eq!(zip, ZipBuilder::package("hello", "1.0.0").build());
    assert_eq!(
        header(&resp, "content-encoding"),
        "",
        "zips are not gzipped"
    );

    // HTML pages.
    for path in ["", "hello", "hello/"] {
        let (resp, body) = get(&format!("{base}/{path}"), &[]);
        assert_eq!(resp.status(), StatusCode::OK, "/{path}");
        assert!(
            header(&resp, "content-type").starts_with("text/html"),
            "/{path}"
        );
        assert!(String::from_utf8_lossy(&body).contains("hello"));
    }

    // Validators and 304s.
    let (resp, _) = get(&format!("{base}/hello/releases/latest"), &[]);
    let etag = header(&resp, "etag").to_owned();
    let modified = header(&resp, "last-modified").to_owned();
    assert!(!etag.is_empty() && !modified.is_empty());
    let (resp, body) = get(
        &format!("{base}/hello/releases/latest"),
        &[("If-None-Match", &etag)],
    );
    assert_eq!(resp.status(), StatusCode::NOT_MODIFIED);
    assert!(body.is_empty());
    let (resp, _) = get(
        &format!("{base}/hello/releases/latest"),
        &[("If-Modified-Since", &modified)],
    );
    assert_eq!(resp.status(), StatusCode::NOT_MODIFIED);
    let (resp, _) = get(
        &format!("{base}/hello/releases/latest"),
        &[("If-None-Match", "\"other\"")],
    );
    assert_eq!(resp.status(), StatusCode::OK);

    // gzip for text.
    let (resp, body) = get(
        &format!("{base}/-/search.json"),
        &[("Accept-Encoding", "gzip")],
    );
    assert_eq!(header(&resp, "content-encoding"), "gzip");
    assert_eq!(&body[..2], &[0x1f, 0x8b]);

    // 404s are JSON with the SRM's messages.
    let missing = [
        ("nosuch/releases", "Package not found"),
        ("nosuch/releases/latest", "Package not found"),
        ("hello/releases/tags/9.9.9", "Package or version not found"),
        ("hello/zipball/9.9.9", "Package or version not found"),
        ("v3/packages/nosuch/release/latest", "Package not found"),
        (
            "v3/packages/hello/release/tags/9.9.9",
            "Package or version not found",
        ),
        ("hello/../../etc/passwd", "Not found"),
        ("hello/%2e%2e/%2e%2e/etc/passwd", "Not found"),
    ];
    for (path, message) in missing {
        let (resp, body) = get(&format!("{base}/{path}"), &[]);
        assert_eq!(resp.status(), StatusCode::NOT_FOUND, "{path}");
        assert_eq!(header(&resp, "content-type"), "application/json", "{path}");
        let body: serde_json::Value = serde_json::from_slice(&body).expect("json error");
        assert_eq!(body, serde_json::json!({ "error": message }), "{path}");
    }
    let resp = agent()
        .post(&format!("{base}/hello/releases"))
        .send_empty()
        .expect("post");
    assert_eq!(resp.status(), StatusCode::METHOD_NOT_ALLOWED);
}

/// `1.0.0-x.html` is a valid version: its documents must still be JSON, never a page that
/// would run the publisher's readme on the registry's origin.
#[test]
fn a_version_that_looks_like_a_file_name_is_still_json() {
    let fx = Fixture::new();
    let zip = ZipBuilder::new()
        .file(
            "publish.yaml",
            shelf::serverless::package::testing::publish_yaml("hello", "1.0.0-x.html"),
        )
        .file("README.md", "<script>alert(document.cookie)</script>")
        .build();
    fx.shelf_ok(&["add", fx.zip("x.zip", &zip).to_str().expect("utf-8")]);
    let server = start(&fx, "127.0.0.1:0");
    for path in [
        "hello/releases/tags/1.0.0-x.html",
        "v3/packages/hello/release/tags/1.0.0-x.html",
        "hello/releases/latest",
    ] {
        let (resp, _) = get(&format!("{}/{path}", server.base), &[]);
        assert_eq!(resp.status(), StatusCode::OK, "{path}");
        assert_eq!(header(&resp, "content-type"), "application/json", "{path}");
        assert_eq!(header(&resp, "x-content-type-options"), "nosniff", "{path}");
    }
    let (resp, _) = get(&format!("{}/hello/zipball/1.0.0-x.html", server.base), &[]);
    assert_eq!(header(&resp, "content-type"), "application/zip");
}

/// `shelf serve` keeps small files in memory between changes: a read right after a
/// publish's answer is the new file, never the one kept from before, and what is kept is
/// served with its own validators.
#[test]
fn files_kept_in_memory_never_outlive_a_change() {
    let fx = Fixture::new();
    let server = start(&fx, "127.0.0.1:0");
    let token = common::sign_up(&server.base, "alice");
    let publish = |version: &str| {
        let zip = ZipBuilder::package("kept", version).build();
        let answer =
            common::publish_over_http(&agent(), &server.base, &token, "kept", version, &zip);
        assert!(
            matches!(answer, common::HttpPublish::Published(_)),
            "{answer:?}"
        );
    };
    let latest = |want: &str| {
        let url = format!("{}/kept/releases/latest", server.base);
        for _ in 0..3 {
            let (resp, body) = get(&url, &[]);
            assert_eq!(resp.status(), StatusCode::OK);
            let doc: serde_json::Value = serde_json::from_slice(&body).expect("json");
            assert_eq!(doc["tag_name"], want, "GET {url}");
        }
    };
    for version in ["1.0.0", "1.1.0", "1.2.0"] {
        publish(version);
        latest(version);
    }
    let url = format!("{}/kept/releases/latest", server.base);
    let (first, _) = get(&url, &[]);
    let etag = header(&first, "etag").to_owned();
    let (again, body) = get(&url, &[("If-None-Match", &etag)]);
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert!(body.is_empty());
    drop(server);
}

/// A server stopped by SIGTERM right after answering a publish writes the files it derives
/// after its answers (search document, change feed, `-/index.git/`) before it ends, so the
/// registry it leaves is whole (`shelf check`).
#[test]
fn a_server_stopped_by_sigterm_writes_what_it_owes_first() {
    let fx = Fixture::new();
    let server = start(&fx, "127.0.0.1:0");
    let token = common::sign_up(&server.base, "alice");
    let zip = ZipBuilder::package("owed", "1.0.0").build();
    let answer = common::publish_over_http(&agent(), &server.base, &token, "owed", "1.0.0", &zip);
    assert!(
        matches!(answer, common::HttpPublish::Published(_)),
        "{answer:?}"
    );
    assert!(server.terminate().success(), "a clean stop");
    let head = common::git_in(&fx.index(), &["rev-parse", "HEAD"]);
    let refs = std::fs::read_to_string(fx.site().join("-/index.git/info/refs")).expect("refs");
    assert!(refs.contains(head.trim()), "{refs}");
    let search = common::json(&fx.site(), "-/search.json");
    assert!(search.to_string().contains("\"owed\""), "{search}");
    // git's staging area too, and the lock Shelf held while it lagged is gone.
    assert_eq!(
        fx.git(&["status", "--porcelain", "--untracked-files=all"]),
        ""
    );
    assert!(!fx.index().join(".git/index.lock").exists());
    fx.shelf_ok(&["check"]);
}

/// A server killed (SIGKILL) right after answering a publish may not have written git's
/// staging area yet, which then lacks the new package's file. A commit made by hand from
/// it would take that file back; git refuses to make one while Shelf holds the lock on
/// the staging area, and the next start removes the lock and puts the staging area right.
#[test]
fn a_server_killed_before_writing_the_staging_area_leaves_no_hand_commit_to_lose_a_publish() {
    let fx = Fixture::new();
    let server = start(&fx, "127.0.0.1:0");
    let token = common::sign_up(&server.base, "alice");
    let zip = ZipBuilder::package("kept", "1.0.0").build();
    let answer = common::publish_over_http(&agent(), &server.base, &token, "kept", "1.0.0", &zip);
    assert!(
        matches!(answer, common::HttpPublish::Published(_)),
        "{answer:?}"
    );
    // Killed as soon as the answer is in: the staging area is written moments after it.
    drop(server);
    let lock = fx.index().join(".git/index.lock");
    let held = lock.exists();
    if held {
        let note = std::fs::read_to_string(&lock).expect("the lock's note");
        assert!(note.contains("git reset"), "{note}");
    }
    // An operator's commit by hand, before starting Shelf again.
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(fx.index())
        .args(["-c", "user.name=Hand", "-c", "user.email=hand@example.com"])
        .args(["commit", "-q", "--allow-empty", "-am", "By hand"])
        .output()
        .expect("git runs");
    if held {
        assert!(!out.status.success(), "git refuses while the lock is held");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("index.lock"),
            "{out:?}"
        );
    } else {
        assert!(out.status.success(), "{out:?}");
    }
    // Whichever it was, HEAD still has the package, and a start puts everything right.
    assert_eq!(
        fx.git(&["ls-tree", "-r", "--name-only", "HEAD", "ke/pt"]),
        "ke/pt/kept\n"
    );
    fx.shelf_ok(&["build"]);
    assert!(!lock.exists());
    assert_eq!(
        fx.git(&["status", "--porcelain", "--untracked-files=all"]),
        ""
    );
    fx.shelf_ok(&["check"]);
}
