//! The shipped `-/nginx.conf` with a real nginx: the dir layout at the exact URLs, with
//! the right content types and no redirects, and the index cloned with `git` from it.

mod common;

use std::time::Duration;

use common::{
    Fixture, ZipBuilder, git_in,
    nginx::{self, free_port},
};

#[test]
fn nginx_serves_the_dir_layout_at_exact_urls() {
    let fx = Fixture::new();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    for version in ["1.0.0", "1.1.0", "1.2.0-x.html"] {
        let zip = fx.zip("p.zip", &ZipBuilder::package("hello", version).build());
        fx.shelf_ok(&["add", zip.to_str().expect("utf-8"), "--base-url", &base]);
    }

    // The generated server block, pointed at this site and port, in a minimal nginx.conf.
    let site = fx.site();
    let _nginx = nginx::start(&site, port, &fx.dir.path().join("nginx"));

    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    let get = |path: &str| {
        for _ in 0..100 {
            if let Ok(mut resp) = agent.get(&format!("{base}/{path}")).call() {
                let body = resp.body_mut().read_to_vec().expect("body");
                let ct = resp
                    .headers()
                    .get("content-type")
                    .map(|v| v.to_str().expect("ascii").to_owned())
                    .unwrap_or_default();
                return (resp.status().as_u16(), ct, body);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("nginx did not answer {path}");
    };

    for path in [
        "hello/releases",
        "hello/releases/",
        "hello/releases/latest",
        "hello/releases/tags/1.0.0",
        "v3/packages/hello/release",
        "v3/packages/hello/release/latest",
        "v3/packages/hello/release/tags/1.1.0",
        "hello/index.json",
        "-/search.json",
    ] {
        let (status, ct, body) = get(path);
        assert_eq!(status, 200, "{path}");
        assert!(ct.starts_with("application/json"), "{path}: {ct}");
        serde_json::from_slice::<serde_json::Value>(&body)
            .unwrap_or_else(|e| panic!("{path}: {e}"));
    }
    // A version that looks like a file name is still JSON (and zip), never HTML.
    for path in [
        "hello/releases/tags/1.2.0-x.html",
        "v3/packages/hello/release/tags/1.2.0-x.html",
    ] {
        let (status, ct, _) = get(path);
        assert_eq!(status, 200, "{path}");
        assert!(ct.starts_with("application/json"), "{path}: {ct}");
    }
    let (_, ct, _) = get("hello/zipball/1.2.0-x.html");
    assert_eq!(ct, "application/zip");
    let (_, _, list) = get("v3/packages/hello/release");
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&list).expect("json")["body"][0]["tag_name"],
        "1.2.0-x.html",
        "newest publish first"
    );
    let (status, ct, zip) = get("hello/zipball/1.0.0");
    assert_eq!((status, ct.as_str()), (200, "application/zip"));
    assert_eq!(zip, ZipBuilder::package("hello", "1.0.0").build());
    for path in ["", "hello", "hello/"] {
        let (status, ct, _) = get(path);
        assert_eq!(status, 200, "/{path}");
        assert!(ct.starts_with("text/html"), "/{path}: {ct}");
    }
    let (status, ct, body) = get("nosuch/releases/latest");
    assert_eq!(status, 404);
    assert!(ct.starts_with("application/json"), "{ct}");
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&body).expect("json")["error"],
        "Not found"
    );

    // The index clones from nginx too (dumb HTTP), its git files typed as opaque bytes.
    let (status, ct, _) = get("-/index.git/info/refs");
    assert_eq!((status, ct.as_str()), (200, "application/octet-stream"));
    let work = tempfile::tempdir().expect("temp dir");
    git_in(
        work.path(),
        &["clone", "--quiet", &format!("{base}/-/index.git"), "copy"],
    );
    let log = git_in(&work.path().join("copy"), &["log", "--format=%s"]);
    assert_eq!(
        log.lines().collect::<Vec<_>>(),
        [
            "Publish hello@1.2.0-x.html",
            "Publish hello@1.1.0",
            "Publish hello@1.0.0",
            "Initialize index",
        ],
        "the clone has the index's history"
    );
}
