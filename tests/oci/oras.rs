//! The oras Python SDK (PyPI `oras`) pushes an artifact and a second one whose `subject` is
//! the first, through `shelf serve`; both the API and the generated tree behind nginx then
//! give the first back and list the second among its referrers.

use std::process::Command;

use serde_json::Value;

use crate::common::{
    Fixture,
    nginx::{self, free_port},
    server::{Server, shelf_serve},
    sign_up,
};

#[test]
fn oras_pushes_an_artifact_and_its_referrer_and_pulls_them_back() {
    let probe = Command::new("python3")
        .args(["-c", "import oras.client"])
        .output();
    assert!(
        probe.is_ok_and(|o| o.status.success()),
        "the oras SDK is missing; install it with `pip install oras==0.2.43`"
    );
    let fx = Fixture::new();
    let (site_port, api_port) = (free_port(), free_port());
    let base = format!("http://127.0.0.1:{site_port}");
    let api_host = format!("127.0.0.1:{api_port}");
    let realm = format!("http://{api_host}/v2/token");
    let server = Server::shelf(&mut shelf_serve(
        &fx.data(),
        &[
            "--listen",
            &api_host,
            "--base-url",
            &base,
            "--token-realm",
            &realm,
        ],
    ));
    sign_up(&server.base, "alice");
    let _nginx = nginx::start(&fx.site(), site_port, &fx.dir.path().join("nginx"));
    let work = fx.dir.path().join("oras");
    std::fs::create_dir_all(&work).expect("mkdir");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/oci/oras_check.py");
    let out = Command::new("python3")
        .arg(script)
        .args([&api_host, "alice", "a long enough password"])
        .arg(&work)
        .arg(format!("127.0.0.1:{site_port}"))
        .output()
        .expect("run python3");
    assert!(
        out.status.success(),
        "oras failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let seen: Value = serde_json::from_slice(
        out.stdout
            .split(|b| *b == b'\n')
            .rfind(|l| !l.is_empty())
            .unwrap_or_default(),
    )
    .expect("the script's JSON");
    assert_eq!(
        seen["oci_subject_header"], seen["subject"],
        "OCI-Subject answers the push"
    );
    for host in ["api", "static"] {
        assert_eq!(
            seen[format!("pulled_{host}")],
            "{\"sbom\": true}\n",
            "{host}"
        );
        let referrers = &seen[format!("referrers_{host}")];
        assert_eq!(
            referrers["mediaType"],
            "application/vnd.oci.image.index.v1+json"
        );
        let listed = referrers["manifests"].as_array().expect("manifests");
        assert_eq!(listed.len(), 1, "{host}: {referrers}");
        assert_eq!(listed[0]["digest"], seen["referrer"]);
        assert_eq!(
            listed[0]["artifactType"],
            "application/vnd.example.signature.config+json"
        );
        assert_eq!(
            seen[format!("referrers_type_{host}")],
            "application/vnd.oci.image.index.v1+json"
        );
    }
    drop(server);
}
