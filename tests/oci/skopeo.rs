//! The real `skopeo` against `shelf serve` (login, push of a multi-layer image and of a
//! multi-platform index, inspect, list-tags, delete) and against the generated tree behind
//! nginx with the shipped configuration, with no Shelf process running: what comes back is
//! byte for byte what went in (the same digests).

use std::path::Path;

use crate::common::{
    Fixture, Rng,
    nginx::{self, free_port},
    oci::{Layout, digest, layout_blobs, skopeo, skopeo_ok},
    server::{Server, agent, header_of, shelf_serve},
    sign_up,
};

const PASSWORD: &str = "a long enough password";

/// `shelf serve` on `api_port` whose site is read at `base` and whose token realm is
/// its own.
fn serve(data: &Path, api_port: u16, base: &str) -> Server {
    let api = format!("http://127.0.0.1:{api_port}");
    let realm = format!("{api}/v2/token");
    let listen = format!("127.0.0.1:{api_port}");
    Server::shelf(&mut shelf_serve(
        data,
        &[
            "--listen",
            &listen,
            "--base-url",
            base,
            "--token-realm",
            &realm,
            "--login-per-minute",
            "1000",
        ],
    ))
}

/// The manifest skopeo reads raw at `reference`.
fn raw_manifest(home: &Path, reference: &str) -> Vec<u8> {
    let out = skopeo(home, &["inspect", "--raw", "--tls-verify=false", reference]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn skopeo_pushes_to_shelf_and_pulls_the_same_bytes_from_the_static_tree() {
    let fx = Fixture::new();
    let home = fx.dir.path().join("skopeo-home");
    std::fs::create_dir_all(&home).expect("mkdir");
    let (site_port, api_port) = (free_port(), free_port());
    let base = format!("http://127.0.0.1:{site_port}");
    let server = serve(&fx.data(), api_port, &base);
    sign_up(&server.base, "alice");
    let api_host = format!("127.0.0.1:{api_port}");

    // Two layouts: a 4-layer image, and a multi-platform index of two images.
    let mut rng = Rng::new(7);
    let single = fx.dir.path().join("single");
    let mut layout = Layout::new(&single);
    let image = layout.image(&mut rng, 4, 96 << 10, "amd64");
    layout.tag(&image, "v1");
    let multi = fx.dir.path().join("multi");
    let mut layout = Layout::new(&multi);
    let amd = layout.image(&mut rng, 2, 16 << 10, "amd64");
    let arm = layout.image(&mut rng, 2, 16 << 10, "arm64");
    let index = layout.index(&[(&amd, "amd64"), (&arm, "arm64")]);
    layout.tag(&index, "multi");

    // A wrong password is refused at login; the right one is taken.
    let wrong = skopeo(
        &home,
        &[
            "login",
            "--tls-verify=false",
            "-u",
            "alice",
            "-p",
            "wrong password",
            &api_host,
        ],
    );
    assert!(!wrong.status.success(), "a wrong password logged in");
    skopeo_ok(
        &home,
        &[
            "login",
            "--tls-verify=false",
            "-u",
            "alice",
            "-p",
            PASSWORD,
            &api_host,
        ],
    );

    let remote = |host: &str, tag: &str| format!("docker://{host}/team/app:{tag}");
    let source = |dir: &Path, tag: &str| format!("oci:{}:{tag}", dir.display());
    skopeo_ok(
        &home,
        &[
            "copy",
            "--dest-tls-verify=false",
            &source(&single, "v1"),
            &remote(&api_host, "v1"),
        ],
    );
    skopeo_ok(
        &home,
        &[
            "copy",
            "--all",
            "--dest-tls-verify=false",
            &source(&multi, "multi"),
            &remote(&api_host, "multi"),
        ],
    );
    // The same image as a Docker schema 2 manifest (skopeo converts it).
    skopeo_ok(
        &home,
        &[
            "copy",
            "--format",
            "v2s2",
            "--dest-tls-verify=false",
            &source(&single, "v1"),
            &remote(&api_host, "docker"),
        ],
    );
    // The index as a Docker manifest list.
    skopeo_ok(
        &home,
        &[
            "copy",
            "--all",
            "--format",
            "v2s2",
            "--dest-tls-verify=false",
            &source(&multi, "multi"),
            &remote(&api_host, "list"),
        ],
    );
    let list = raw_manifest(&home, &remote(&api_host, "list"));
    let list: serde_json::Value = serde_json::from_slice(&list).expect("json");
    assert_eq!(
        list["mediaType"],
        "application/vnd.docker.distribution.manifest.list.v2+json"
    );
    let pushed = raw_manifest(&home, &remote(&api_host, "v1"));
    assert_eq!(
        digest(&pushed),
        image.digest,
        "the manifest is stored as pushed"
    );
    let api_repo = format!("docker://{api_host}/team/app");
    let tags = skopeo_ok(&home, &["list-tags", "--tls-verify=false", &api_repo]);
    let tags: serde_json::Value = serde_json::from_str(&tags).expect("json");
    assert_eq!(
        tags["Tags"],
        serde_json::json!(["docker", "list", "multi", "v1"])
    );
    let inspected = skopeo_ok(
        &home,
        &["inspect", "--tls-verify=false", &remote(&api_host, "v1")],
    );
    let inspected: serde_json::Value = serde_json::from_str(&inspected).expect("json");
    assert_eq!(inspected["Digest"], image.digest.as_str());
    assert_eq!(inspected["Layers"].as_array().map(Vec::len), Some(4));

    // The static tree, with no Shelf process running.
    drop(server);
    let nginx_dir = fx.dir.path().join("nginx");
    let _nginx = nginx::start(&fx.site(), site_port, &nginx_dir);
    let site_host = format!("127.0.0.1:{site_port}");
    let back = fx.dir.path().join("back");
    skopeo_ok(
        &home,
        &[
            "copy",
            "--src-tls-verify=false",
            &remote(&site_host, "v1"),
            &source(&back, "v1"),
        ],
    );
    assert_eq!(
        layout_blobs(&back),
        layout_blobs(&single),
        "same blobs, same digests"
    );
    let back_multi = fx.dir.path().join("back-multi");
    skopeo_ok(
        &home,
        &[
            "copy",
            "--all",
            "--src-tls-verify=false",
            &remote(&site_host, "multi"),
            &source(&back_multi, "multi"),
        ],
    );
    assert_eq!(layout_blobs(&back_multi), layout_blobs(&multi));
    assert_eq!(raw_manifest(&home, &remote(&site_host, "v1")), pushed);
    let tags = skopeo_ok(
        &home,
        &[
            "list-tags",
            "--tls-verify=false",
            &format!("docker://{site_host}/team/app"),
        ],
    );
    assert!(
        tags.contains("\"multi\"") && tags.contains("\"v1\""),
        "{tags}"
    );

    // The headers a client needs, on GET and HEAD, by tag and by digest.
    for reference in ["v1", image.digest.as_str()] {
        let url = format!("{base}/v2/team/app/manifests/{reference}");
        let response = agent().head(&url).call().expect("HEAD");
        assert_eq!(response.status().as_u16(), 200, "{url}");
        let header = |name: &str| header_of(&response, name);
        assert_eq!(
            header("content-type"),
            "application/vnd.oci.image.manifest.v1+json"
        );
        assert_eq!(header("docker-content-digest"), image.digest);
    }

    // Lists are revalidated, blobs immutable.
    let layer =
        serde_json::from_slice::<serde_json::Value>(&pushed).expect("json")["layers"][0]["digest"]
            .as_str()
            .expect("a layer")
            .to_owned();
    for (path, cache) in [
        ("tags/list", "public, max-age=60, must-revalidate"),
        (
            &format!("referrers/{}", image.digest),
            "public, max-age=60, must-revalidate",
        ),
        (
            &format!("blobs/{layer}"),
            "public, max-age=31536000, immutable",
        ),
    ] {
        let url = format!("{base}/v2/team/app/{path}");
        let response = agent().get(&url).call().expect("GET");
        assert_eq!(response.status().as_u16(), 200, "{url}");
        assert_eq!(header_of(&response, "cache-control"), cache, "{url}");
    }

    // Deleted through the API: the tag's files go from the tree.
    let server = serve(&fx.data(), api_port, &base);
    skopeo_ok(
        &home,
        &["delete", "--tls-verify=false", &remote(&api_host, "v1")],
    );
    let tags = skopeo_ok(
        &home,
        &[
            "list-tags",
            "--tls-verify=false",
            &format!("docker://{site_host}/team/app"),
        ],
    );
    assert!(
        !tags.contains("\"v1\"") && tags.contains("\"multi\""),
        "{tags}"
    );
    let gone = agent()
        .get(&format!("{base}/v2/team/app/manifests/v1"))
        .call()
        .expect("GET");
    assert_eq!(gone.status().as_u16(), 404);
    drop(server);
}

/// The rules of a CDN in front of the bucket (an nginx here): the bucket's prefix at the
/// host's root, `/v2/` answered, and the digest stored with each object returned as
/// `Docker-Content-Digest`, as README.md says a CDN must.
fn cdn(port: u16, bucket_url: &str) -> String {
    format!(
        "server {{
    listen 127.0.0.1:{port};
    location = /v2/ {{
        add_header Docker-Distribution-API-Version registry/2.0 always;
        return 200 '{{}}';
    }}
    location /v2/ {{
        proxy_pass {bucket_url}/v2/;
        add_header Docker-Content-Digest $upstream_http_x_amz_meta_docker_content_digest always;
    }}
}}"
    )
}

#[test]
fn skopeo_pulls_the_same_bytes_from_a_bucket_behind_a_cdn() {
    let seaweed = crate::common::seaweed::Seaweed::start();
    let bucket = seaweed.bucket("oci-site");
    bucket.allow_public_read();
    let fx = Fixture::new();
    let home = fx.dir.path().join("skopeo-home");
    std::fs::create_dir_all(&home).expect("mkdir");
    let (cdn_port, api_port) = (free_port(), free_port());
    let api_host = format!("127.0.0.1:{api_port}");
    let realm = format!("http://{api_host}/v2/token");
    let base = format!("http://127.0.0.1:{cdn_port}");
    let mut command = shelf_serve(
        &fx.data(),
        &[
            "--listen",
            &api_host,
            "--base-url",
            &base,
            "--token-realm",
            &realm,
        ],
    );
    command.args([
        "--target",
        "s3://oci-site/reg",
        "--s3-endpoint",
        &seaweed.endpoint,
    ]);
    let server = Server::shelf(seaweed.aws_env(&mut command, fx.dir.path()));
    sign_up(&server.base, "alice");

    let mut rng = Rng::new(11);
    let single = fx.dir.path().join("single");
    let mut layout = Layout::new(&single);
    let image = layout.image(&mut rng, 3, 64 << 10, "amd64");
    layout.tag(&image, "v1");
    skopeo_ok(
        &home,
        &[
            "login",
            "--tls-verify=false",
            "-u",
            "alice",
            "-p",
            PASSWORD,
            &api_host,
        ],
    );
    let source = format!("oci:{}:v1", single.display());
    skopeo_ok(
        &home,
        &[
            "copy",
            "--dest-tls-verify=false",
            &source,
            &format!("docker://{api_host}/team/app:v1"),
        ],
    );
    // The manifest's object carries its media type and its digest.
    let stored = bucket.fetch("reg/v2/team/app/manifests/v1");
    assert_eq!(
        stored.content_type,
        "application/vnd.oci.image.manifest.v1+json"
    );
    drop(server);

    let _cdn = nginx::start_server(
        &cdn(cdn_port, &format!("{}/reg", bucket.url())),
        cdn_port,
        &fx.dir.path().join("cdn"),
    );
    let cdn_host = format!("127.0.0.1:{cdn_port}");
    let back = fx.dir.path().join("back");
    skopeo_ok(
        &home,
        &[
            "copy",
            "--src-tls-verify=false",
            &format!("docker://{cdn_host}/team/app:v1"),
            &format!("oci:{}:v1", back.display()),
        ],
    );
    assert_eq!(
        layout_blobs(&back),
        layout_blobs(&single),
        "same blobs, same digests"
    );
    let head = agent()
        .head(&format!("{base}/v2/team/app/manifests/v1"))
        .call()
        .expect("HEAD");
    assert_eq!(header_of(&head, "docker-content-digest"), image.digest);
}
