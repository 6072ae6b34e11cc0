//! The OCI distribution-spec conformance suite against a real `shelf serve` (issue 23):
//! v1.1.1 (every workflow: pull, push, content discovery, content management, with
//! cross-mount and automatic cross-mount) and the head suite (sha512 digests, referrers,
//! tag pagination, chunked out-of-order uploads, `Content-Length` on every body), each
//! logged in both with the account's password (Docker-style clients send it with every
//! token request) and with a Shelf token. Both suites are prebuilt in
//! `../shared/tools/oci-conformance/` (see its README). Goal and bar: 0 failures.

use std::{
    fs,
    path::{Path, PathBuf},
    process::Command,
    time::Duration,
};

use crate::common::{
    Fixture, output_within,
    server::{Server, unlimited_serve},
    sign_up,
};

const PASSWORD: &str = "a long enough password";

/// The prebuilt suites' folder; a test fails naming it when it is missing.
fn suites() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/tools/oci-conformance");
    assert!(
        dir.join("conformance.test").is_file() && dir.join("conformance-head").is_file(),
        "the OCI conformance suites are missing from {}: they come with shared/ (see \
         shared/tools/oci-conformance/README.md)",
        dir.display()
    );
    dir
}

/// `text` without its terminal colours (ginkgo's `ESC[…m`).
fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// `host:port` of a base URL.
fn host(base: &str) -> &str {
    base.trim_start_matches("http://")
}

/// Runs the v1.1.1 suite as `user` with `secret` in the namespaces `ns`/`ns-mount`;
/// returns its summary line and report.
fn v1_1_1(base: &str, user: &str, secret: &str, ns: &str, work: &Path) -> (String, String) {
    let report = work.join(format!("v1-{ns}"));
    fs::create_dir_all(&report).expect("mkdir");
    let mut command = Command::new(suites().join("conformance.test"));
    command
        .current_dir(&report)
        .env("OCI_ROOT_URL", base)
        .env("OCI_NAMESPACE", format!("{ns}/repo"))
        .env("OCI_CROSSMOUNT_NAMESPACE", format!("{ns}/mounted"))
        .env("OCI_AUTOMATIC_CROSSMOUNT", "1")
        .env("OCI_USERNAME", user)
        .env("OCI_PASSWORD", secret)
        .env("OCI_TEST_PULL", "1")
        .env("OCI_TEST_PUSH", "1")
        .env("OCI_TEST_CONTENT_DISCOVERY", "1")
        .env("OCI_TEST_CONTENT_MANAGEMENT", "1")
        .env("OCI_HIDE_SKIPPED_WORKFLOWS", "1")
        .env("OCI_REPORT_DIR", &report);
    let out = output_within(&mut command, Duration::from_secs(600), work);
    let text = plain(
        &(String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr)),
    );
    let summary = text
        .lines()
        .find(|l| l.contains("Passed") && l.contains("Failed"))
        .unwrap_or_default()
        .to_owned();
    (summary, text)
}

/// Runs the head suite as `user` with `secret` in the namespaces `ns/…`; returns how many
/// checks passed and failed, and its output.
fn head(base: &str, user: &str, secret: &str, ns: &str, work: &Path) -> (usize, usize, String) {
    let results = work.join(format!("head-{ns}"));
    fs::create_dir_all(&results).expect("mkdir");
    let mut command = Command::new(suites().join("conformance-head"));
    command
        .current_dir(&results)
        .env("OCI_REGISTRY", host(base))
        .env("OCI_TLS", "disabled")
        .env("OCI_REPO1", format!("{ns}/one"))
        .env("OCI_REPO2", format!("{ns}/two"))
        .env("OCI_USERNAME", user)
        .env("OCI_PASSWORD", secret)
        .env("OCI_RESULTS_DIR", &results);
    let out = output_within(&mut command, Duration::from_secs(600), work);
    let text = plain(
        &(String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr)),
    );
    let count = |word: &str| text.lines().filter(|l| l.ends_with(word)).count();
    (count(": Pass"), count(": FAIL"), text)
}

#[test]
fn the_distribution_spec_conformance_suites_pass_with_a_password_and_a_token() {
    let fx = Fixture::new();
    let server = Server::shelf(&mut unlimited_serve(&fx.data()));
    let token = sign_up(&server.base, "conformance");
    let work = fx.dir.path().join("conformance");
    fs::create_dir_all(&work).expect("mkdir");
    for (label, secret) in [("password", PASSWORD), ("token", token.as_str())] {
        let (summary, text) = v1_1_1(&server.base, "conformance", secret, label, &work);
        assert!(
            summary.contains(" 0 Failed") && summary.contains("Passed"),
            "v1.1.1 with a {label}: {summary}\n{text}"
        );
        let (passed, failed, text) = head(&server.base, "conformance", secret, label, &work);
        assert!(
            failed == 0 && passed > 600 && text.contains("OCI Conformance Result: Pass"),
            "the head suite with a {label}: {passed} passed, {failed} failed\n{text}"
        );
    }
}

/// The pull workflow of v1.1.1 against the static tree behind nginx with the shipped
/// configuration: no Shelf process in the read path, 0 failures (its 404s are the spec's
/// error documents, with the API's version).
#[test]
fn the_pull_workflow_passes_against_the_static_tree_behind_nginx() {
    use crate::common::{
        nginx::{self, free_port},
        oci::{Api, CONFIG, LAYER, MANIFEST, digest},
    };
    let fx = Fixture::new();
    let server = Server::shelf(&mut unlimited_serve(&fx.data()));
    sign_up(&server.base, "alice");
    let api = Api::signed_in(&server.base, "alice", "repository:static/pull:pull,push");
    let config = api.blob("static/pull", b"{}");
    let layer = api.blob("static/pull", b"a layer of bytes");
    let manifest = serde_json::json!({
        "schemaVersion": 2, "mediaType": MANIFEST,
        "config": {"mediaType": CONFIG, "digest": config, "size": 2},
        "layers": [{"mediaType": LAYER, "digest": layer, "size": 16}]
    })
    .to_string();
    let pushed = api.put(
        "/v2/static/pull/manifests/v1",
        MANIFEST,
        manifest.as_bytes(),
    );
    assert_eq!(pushed.status, 201);
    crate::common::settled(&fx.data());
    let port = free_port();
    let _nginx = nginx::start(&fx.site(), port, &fx.dir.path().join("nginx"));
    let work = fx.dir.path().join("conformance");
    let report = work.join("pull");
    fs::create_dir_all(&report).expect("mkdir");
    let mut command = Command::new(suites().join("conformance.test"));
    command
        .current_dir(&report)
        .env("OCI_ROOT_URL", format!("http://127.0.0.1:{port}"))
        .env("OCI_NAMESPACE", "static/pull")
        .env("OCI_TEST_PULL", "1")
        .env("OCI_TAG_NAME", "v1")
        .env("OCI_MANIFEST_DIGEST", digest(manifest.as_bytes()))
        .env("OCI_BLOB_DIGEST", &layer)
        .env("OCI_HIDE_SKIPPED_WORKFLOWS", "1")
        .env("OCI_REPORT_DIR", &report);
    let out = output_within(&mut command, Duration::from_secs(300), &work);
    let text = plain(&String::from_utf8_lossy(&out.stdout));
    let summary = text
        .lines()
        .find(|l| l.contains("Passed") && l.contains("Failed"))
        .unwrap_or_default();
    assert!(
        summary.contains(" 0 Failed") && !summary.contains(" 0 Passed"),
        "{summary}\n{text}"
    );
}
