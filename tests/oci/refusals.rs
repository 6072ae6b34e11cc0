//! Bad input to the OCI API of a real `shelf serve`: each refusal is the spec's error code
//! with a 4xx, and nothing is written (the index at the same commit, the same site bytes,
//! the same blobs). Then the chunked upload that was refused chunk by chunk resumes and
//! completes.

use std::path::Path;

use serde_json::json;

use crate::common::{
    Fixture, git_in,
    npm::publish_over_http,
    oci::{Api, CONFIG, LAYER, MANIFEST, digest, token},
    server::{Server, unlimited_serve},
    sign_up, tree,
};

const PASSWORD: &str = "a long enough password";

/// The registry's state a refusal must leave as it was.
fn state(data: &Path) -> (String, Vec<String>, usize) {
    // With the files the writer derives after its answers.
    crate::common::settled(data);
    let head = git_in(&data.join("index"), &["rev-parse", "HEAD"]);
    let mut blobs: Vec<String> = walkdir::WalkDir::new(data.join("blobs"))
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file() && !e.path().to_string_lossy().contains("/tmp/"))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    blobs.sort();
    let site = tree(&data.join("site")).len();
    (head, blobs, site)
}

fn manifest_naming(config: &str, layer: &str) -> Vec<u8> {
    json!({
        "schemaVersion": 2, "mediaType": MANIFEST,
        "config": {"mediaType": CONFIG, "digest": config, "size": 2},
        "layers": [{"mediaType": LAYER, "digest": layer, "size": 5}]
    })
    .to_string()
    .into_bytes()
}

#[test]
fn every_refusal_is_the_specs_code_and_writes_nothing() {
    let fx = Fixture::new();
    let server = Server::shelf(&mut unlimited_serve(&fx.data()));
    sign_up(&server.base, "alice");
    sign_up(&server.base, "bob");
    let scope = "repository:lib/a:pull,push,delete";
    let alice = Api {
        base: server.base.clone(),
        bearer: token(&server.base, Some(("alice", PASSWORD)), scope),
    };
    let config = alice.blob("lib/a", b"{}");
    let layer = alice.blob("lib/a", b"hello");
    let good = manifest_naming(&config, &layer);
    assert_eq!(
        alice.put("/v2/lib/a/manifests/v1", MANIFEST, &good).status,
        201
    );
    let before = state(&fx.data());

    // Credentials: none, a token of another repository, a token without push.
    let anonymous = Api {
        base: server.base.clone(),
        bearer: String::new(),
    };
    let refused = anonymous.put("/v2/lib/a/manifests/v2", MANIFEST, &good);
    assert_eq!(
        (refused.status, refused.code.as_str()),
        (401, "UNAUTHORIZED")
    );
    assert!(
        refused.challenge.contains("realm=") && refused.challenge.contains("lib/a:pull,push"),
        "{}",
        refused.challenge
    );
    assert_eq!(refused.api_version, "registry/2.0");
    let other = Api {
        base: server.base.clone(),
        bearer: token(
            &server.base,
            Some(("alice", PASSWORD)),
            "repository:lib/b:pull,push",
        ),
    };
    // A token lacking the scope: a 401 naming it (clients ask again only on a 401).
    let denied = other.put("/v2/lib/a/manifests/v2", MANIFEST, &good);
    assert_eq!((denied.status, denied.code.as_str()), (401, "UNAUTHORIZED"));
    assert!(
        denied
            .challenge
            .contains("scope=\"repository:lib/a:pull,push\"")
            && denied.challenge.contains("error=\"insufficient_scope\""),
        "{}",
        denied.challenge
    );
    let bob = Api {
        base: server.base.clone(),
        bearer: token(&server.base, Some(("bob", PASSWORD)), scope),
    };
    assert_eq!(
        bob.put("/v2/lib/a/manifests/v2", MANIFEST, &good).status,
        401
    );
    assert_eq!(bob.delete("/v2/lib/a/manifests/v1").status, 401);
    let pull_only = Api {
        base: server.base.clone(),
        bearer: token(&server.base, None, scope),
    };
    assert_eq!(pull_only.get("/v2/lib/a/manifests/v1").status, 200);
    assert_eq!(pull_only.post("/v2/lib/a/blobs/uploads/").status, 401);

    // Manifests.
    let unknown_blob = manifest_naming(&config, &digest(b"nowhere"));
    for (path, content_type, body, status, code) in [
        (
            "/v2/lib/a/manifests/v2",
            MANIFEST,
            b"not json".to_vec(),
            400,
            "MANIFEST_INVALID",
        ),
        (
            "/v2/lib/a/manifests/v2",
            MANIFEST,
            unknown_blob,
            400,
            "MANIFEST_BLOB_UNKNOWN",
        ),
        (
            "/v2/lib/a/manifests/v2",
            "application/vnd.example+json",
            good.clone(),
            400,
            "MANIFEST_INVALID",
        ),
        (
            "/v2/lib/a/manifests/sha256:0000000000000000000000000000000000000000000000000000000000000000",
            MANIFEST,
            good.clone(),
            400,
            "DIGEST_INVALID",
        ),
        (
            "/v2/Lib/A/manifests/v2",
            MANIFEST,
            good.clone(),
            400,
            "NAME_INVALID",
        ),
        (
            "/v2/lib/a/manifests/-bad",
            MANIFEST,
            good.clone(),
            400,
            "MANIFEST_INVALID",
        ),
        (
            "/v2/lib/a/manifests/sha256:xyz",
            MANIFEST,
            good.clone(),
            400,
            "DIGEST_INVALID",
        ),
    ] {
        let got = alice.put(path, content_type, &body);
        assert_eq!(
            (got.status, got.code.as_str()),
            (status, code),
            "PUT {path}"
        );
    }
    // Past the size limit: refused on its Content-Length, before the body is read (sent
    // raw, as a client that sent the body would meet a closed connection).
    let oversized = alice.headers_only("/v2/lib/a/manifests/v2", (4 << 20) + 1);
    assert!(
        oversized.starts_with("HTTP/1.1 413") && oversized.contains("SIZE_INVALID"),
        "{oversized}"
    );
    // Hostile paths and documents: traversal (plain and encoded) in names and upload ids,
    // control characters, a manifest nested 100,000 deep.
    for path in [
        "/v2/../etc/manifests/v1",
        "/v2/lib/%2e%2e/a/manifests/v1",
        "/v2/lib/a%00/manifests/v1",
        "/v2/lib/a/manifests/v1%0a",
    ] {
        let got = alice.put(path, MANIFEST, &good);
        assert!(
            matches!(got.status, 400 | 404),
            "PUT {path}: {} {}",
            got.status,
            got.code
        );
    }
    for id in [
        "..%2f..%2fsecret",
        "../../secret",
        "0123456789ABCDEF0123456789ABCDEF",
    ] {
        let got = alice.patch(&format!("/v2/lib/a/blobs/uploads/{id}"), None, b"x");
        assert!(
            matches!(got.status, 400 | 404),
            "upload id {id}: {}",
            got.status
        );
    }
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let got = alice.put("/v2/lib/a/manifests/v2", MANIFEST, deep.as_bytes());
    assert_eq!((got.status, got.code.as_str()), (400, "MANIFEST_INVALID"));
    // A blob past the cap (8 GiB), refused on its announced length.
    let huge = alice.headers_only(
        &format!("/v2/lib/a/blobs/uploads/?digest={}", digest(b"huge")),
        (8usize << 30) + 1,
    );
    assert!(
        huge.starts_with("HTTP/1.1 413") && huge.contains("SIZE_INVALID"),
        "{huge}"
    );
    // An index naming a manifest this repository does not have.
    let index = json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [{"mediaType": MANIFEST, "digest": digest(b"absent"), "size": 3}]
    });
    let got = alice.put(
        "/v2/lib/a/manifests/multi",
        "application/vnd.oci.image.index.v1+json",
        index.to_string().as_bytes(),
    );
    assert_eq!(
        (got.status, got.code.as_str()),
        (400, "MANIFEST_BLOB_UNKNOWN")
    );
    let long_tag = format!("/v2/lib/a/manifests/{}", "t".repeat(129));
    assert_eq!(
        alice.put(&long_tag, MANIFEST, &good).code,
        "MANIFEST_INVALID"
    );
    let unknown = format!("/v2/lib/a/manifests/{}", digest(b"never pushed"));
    assert_eq!(alice.delete(&unknown).code, "MANIFEST_UNKNOWN");
    assert_eq!(
        alice.get("/v2/lib/a/manifests/nope").code,
        "MANIFEST_UNKNOWN"
    );
    let reader = Api {
        base: server.base.clone(),
        bearer: token(&server.base, None, "repository:lib/zzz:pull"),
    };
    assert_eq!(reader.get("/v2/lib/zzz/tags/list").code, "NAME_UNKNOWN");
    assert_eq!(alice.get("/v2/lib/zzz/tags/list").code, "UNAUTHORIZED");
    assert_eq!(
        alice.delete(&format!("/v2/lib/a/blobs/{layer}")).status,
        405
    );

    // Blob uploads: a digest that is not the body's, an unknown session.
    let started = alice.post("/v2/lib/a/blobs/uploads/");
    let wrong = alice.put(
        &format!("{}?digest={}", started.location, digest(b"other")),
        "application/octet-stream",
        b"these bytes",
    );
    assert_eq!((wrong.status, wrong.code.as_str()), (400, "DIGEST_INVALID"));
    let single = alice.post(&format!("/v2/lib/a/blobs/uploads/?digest={}", digest(b"x")));
    assert_eq!(
        single.status, 400,
        "POST ?digest= with a body that is not the digest's"
    );
    let unknown_session = alice.patch(
        "/v2/lib/a/blobs/uploads/0123456789abcdef0123456789abcdef",
        None,
        b"x",
    );
    assert_eq!(
        (unknown_session.status, unknown_session.code.as_str()),
        (404, "BLOB_UPLOAD_UNKNOWN")
    );
    // A mount of a blob the registry does not have starts an upload instead.
    let mount = alice.post(&format!(
        "/v2/lib/a/blobs/uploads/?mount={}&from=lib/b",
        digest(b"absent")
    ));
    assert_eq!(mount.status, 202);

    // Chunks: in order, then out of order, overlapping, and a Content-Range that lies.
    let blob: Vec<u8> = (0..30u8).collect();
    let session = alice.post("/v2/lib/a/blobs/uploads/").location;
    let first = alice.patch(&session, Some("0-9"), &blob[..10]);
    assert_eq!((first.status, first.range.as_str()), (202, "0-9"));
    for (range, body) in [
        ("20-29", &blob[20..]),
        ("5-14", &blob[5..15]),
        ("10-19", &blob[10..15]),
    ] {
        let got = alice.patch(&session, Some(range), body);
        assert_eq!(
            (got.status, got.code.as_str()),
            (416, "BLOB_UPLOAD_INVALID"),
            "Content-Range {range}"
        );
        assert_eq!(alice.get(&session).range, "0-9", "after {range}");
    }

    assert_eq!(state(&fx.data()), before, "nothing was written");

    // The same session resumes from its last byte and completes.
    assert_eq!(
        alice.patch(&session, Some("10-19"), &blob[10..20]).range,
        "0-19"
    );
    let done = alice.put(
        &format!("{session}?digest={}", digest(&blob)),
        "application/octet-stream",
        &blob[20..],
    );
    assert_eq!(done.status, 201);
    let mounted = alice.post(&format!(
        "/v2/lib/a/blobs/uploads/?mount={}&from=lib/b",
        digest(&blob)
    ));
    assert_eq!(
        mounted.status, 202,
        "a blob lib/b does not hold is not mounted from it"
    );
    let mounted = alice.post(&format!(
        "/v2/lib/a/blobs/uploads/?mount={}&from=lib/a",
        digest(&blob)
    ));
    assert_eq!(mounted.status, 201, "a blob lib/a holds is mounted from it");
    let one_shot = alice.post_bytes(
        &format!("/v2/lib/a/blobs/uploads/?digest={}", digest(b"one request")),
        b"one request",
    );
    assert_eq!(one_shot.status, 201, "a blob in one request");
    assert_eq!(
        alice
            .get(&format!("/v2/lib/a/blobs/{}", digest(&blob)))
            .status,
        200
    );
}

#[test]
fn an_immutable_repositorys_tags_never_move() {
    let fx = Fixture::new();
    let server = Server::shelf(&mut unlimited_serve(&fx.data()));
    sign_up(&server.base, "alice");
    let scope = "repository:lib/fixed:pull,push,delete";
    let alice = Api {
        base: server.base.clone(),
        bearer: token(&server.base, Some(("alice", PASSWORD)), scope),
    };
    let (status, first) = alice.push_image("lib/fixed", "v1", &[b"one".to_vec()]);
    assert_eq!(status, 201);
    // Stopped as an operator stops it before editing the index by hand: SIGTERM, after
    // which git's staging area is current.
    assert!(server.terminate().success(), "a clean stop");
    // The setting is the repository line's `immutable_tags`, set by a commit to the index.
    let file = fx.index().join("oci/lib/fixed/_repository");
    let text = std::fs::read_to_string(&file).expect("the repository's file");
    let text = text.replacen("\"immutable_tags\":false", "\"immutable_tags\":true", 1);
    std::fs::write(&file, text).expect("write");
    fx.git(&["commit", "-qam", "lib/fixed: immutable tags"]);

    let server = Server::shelf(&mut unlimited_serve(&fx.data()));
    let alice = Api {
        base: server.base.clone(),
        bearer: token(&server.base, Some(("alice", PASSWORD)), scope),
    };
    let before = state(&fx.data());
    let (status, _) = alice.push_image("lib/fixed", "v1", &[b"two".to_vec()]);
    assert_eq!(status, 409, "v1 may not move");
    let untag = alice.delete("/v2/lib/fixed/manifests/v1");
    assert_eq!((untag.status, untag.code.as_str()), (409, "DENIED"));
    // The blob of the refused push was uploaded (a client uploads before its manifest): the
    // index and the site are as they were.
    let after = state(&fx.data());
    assert_eq!((&after.0, after.2), (&before.0, before.2));
    let (status, _) = alice.push_image("lib/fixed", "v2", &[b"two".to_vec()]);
    assert_eq!(status, 201, "a new tag is fine");
    let again = alice.push_image("lib/fixed", "v1", &[b"one".to_vec()]);
    assert_eq!(
        again,
        (201, first),
        "the same manifest under the same tag is no move"
    );
}

#[test]
fn a_robot_pushes_with_an_api_key_within_its_scopes() {
    let fx = Fixture::new();
    let server = Server::shelf(&mut unlimited_serve(&fx.data()));
    let session = sign_up(&server.base, "alice");
    // A CI robot's credential: an API key narrowed to OCI pushes under `ci/`.
    let request = json!({"name": "ci", "scopes": ["oci:publish:ci/*"]});
    let mut created = crate::common::server::agent()
        .post(&format!("{}/keys", server.base))
        .header("Authorization", &format!("Bearer {session}"))
        .content_type("application/json")
        .send(request.to_string())
        .expect("POST /keys");
    assert_eq!(created.status().as_u16(), 201);
    let key: serde_json::Value =
        serde_json::from_slice(&created.body_mut().read_to_vec().expect("body")).expect("json");
    let (id, secret) = (
        key["key_id"].as_str().expect("id"),
        key["secret"].as_str().expect("secret"),
    );
    let robot = Api {
        base: server.base.clone(),
        bearer: token(
            &server.base,
            Some((id, secret)),
            "repository:ci/app:pull,push",
        ),
    };
    assert_eq!(
        robot.push_image("ci/app", "v1", &[b"built".to_vec()]).0,
        201
    );
    let outside = Api {
        base: server.base.clone(),
        bearer: token(
            &server.base,
            Some((id, secret)),
            "repository:other/app:pull,push",
        ),
    };
    assert_eq!(outside.post("/v2/other/app/blobs/uploads/").status, 401);
    // A wrong secret gets no token at all.
    let wrong = crate::common::server::agent()
        .get(&format!(
            "{}/v2/token?scope=repository:ci/app:push",
            server.base
        ))
        .header(
            "Authorization",
            &format!(
                "Basic {}",
                base64::Engine::encode(
                    &base64::engine::general_purpose::STANDARD,
                    format!("{id}:not-the-secret")
                )
            ),
        )
        .call()
        .expect("GET /v2/token");
    assert_eq!(wrong.status().as_u16(), 401);
}

/// Issue 23, points 3 and 4: a refused push changes nothing, the database included (it
/// once made its pusher the repository's owner, leaving the rightful owner pull-only), and
/// a descriptor's size must be its blob's.
#[test]
fn a_refused_push_claims_nothing_and_sizes_must_be_the_blobs() {
    let fx = Fixture::new();
    let server = Server::shelf(&mut unlimited_serve(&fx.data()));
    sign_up(&server.base, "mallory");
    sign_up(&server.base, "carol");
    let scope = "repository:team/app:pull,push";
    let api = |user: &str| Api {
        base: server.base.clone(),
        bearer: token(&server.base, Some((user, PASSWORD)), scope),
    };
    let mallory = api("mallory");
    let config = mallory.blob("team/app", b"{}");
    let layer = mallory.blob("team/app", b"hello");
    let before = state(&fx.data());
    let missing = manifest_naming(&config, &digest(b"never uploaded"));
    let refused = mallory.put("/v2/team/app/manifests/v1", MANIFEST, &missing);
    assert_eq!(
        (refused.status, refused.code.as_str()),
        (400, "MANIFEST_BLOB_UNKNOWN")
    );
    // The layer is 5 bytes; a manifest saying 1 (or 6) is refused, whatever names it.
    for size in [1, 6] {
        let lying = json!({
            "schemaVersion": 2, "mediaType": MANIFEST,
            "config": {"mediaType": CONFIG, "digest": config, "size": 2},
            "layers": [{"mediaType": LAYER, "digest": layer, "size": size}]
        });
        let got = mallory.put(
            "/v2/team/app/manifests/v1",
            MANIFEST,
            lying.to_string().as_bytes(),
        );
        assert_eq!(
            (got.status, got.code.as_str()),
            (400, "MANIFEST_INVALID"),
            "size {size}"
        );
        assert!(got.message.contains("is 5"), "{}", got.message);
    }
    assert_eq!(state(&fx.data()), before, "nothing was written");

    // The repository is nobody's yet: carol is granted push and pushes it.
    let carol = api("carol");
    let config = carol.blob("team/app", b"{}");
    let layer = carol.blob("team/app", b"hello");
    let good = manifest_naming(&config, &layer);
    let pushed = carol.put("/v2/team/app/manifests/v1", MANIFEST, &good);
    assert_eq!(pushed.status, 201, "{}", pushed.message);
    // Now it is carol's: mallory's new token grants pull only.
    let mallory = api("mallory");
    let denied = mallory.put("/v2/team/app/manifests/v2", MANIFEST, &good);
    assert_eq!(denied.status, 401, "{}", denied.message);
}

/// Issue 23, point 11: Docker-style clients send the account's password with every token
/// request, and only wrong passwords count against the login limit (5 a minute by
/// default): the right one, sent twenty times in a row, is never refused, while five wrong
/// ones shut that username out from that address, the right password included.
#[test]
fn token_requests_with_the_right_password_are_never_rate_limited() {
    use base64::Engine as _;
    let fx = Fixture::new();
    let mut serve = crate::common::server::shelf_serve(&fx.data(), &["--listen", "127.0.0.1:0"]);
    let server = Server::shelf(&mut serve);
    sign_up(&server.base, "alice");
    let scope = "repository:team/app:pull,push";
    for _ in 0..20 {
        token(&server.base, Some(("alice", PASSWORD)), scope);
    }
    let agent = crate::common::server::agent();
    let fetch = |secret: &str| {
        let basic = base64::engine::general_purpose::STANDARD.encode(format!("alice:{secret}"));
        let url = format!("{}/v2/token?service=shelf&scope={scope}", server.base);
        let response = agent
            .get(&url)
            .header("Authorization", &format!("Basic {basic}"))
            .call()
            .expect("an answer");
        response.status().as_u16()
    };
    for _ in 0..5 {
        assert_eq!(fetch("a wrong guess of a password"), 401);
    }
    assert_eq!(fetch("a wrong guess of a password"), 429);
    assert_eq!(
        fetch(PASSWORD),
        429,
        "the guesses shut the door for a minute"
    );
}

/// Issue 23, point 7: one cap on open upload sessions and one publish limit for every
/// protocol. An account may hold at most `--max-pending-uploads` OCI sessions (as it may
/// have that many Serverless uploads announced), and its manifest pushes count against
/// `--publish-per-hour` with its npm publishes.
#[test]
fn upload_sessions_are_capped_and_pushes_share_the_publish_limit() {
    let fx = Fixture::new();
    let mut serve = crate::common::server::shelf_serve(
        &fx.data(),
        &[
            "--listen",
            "127.0.0.1:0",
            "--max-pending-uploads",
            "3",
            "--publish-per-hour",
            "3",
        ],
    );
    let server = Server::shelf(&mut serve);
    let login = sign_up(&server.base, "alice");
    let alice = Api {
        base: server.base.clone(),
        bearer: token(
            &server.base,
            Some(("alice", PASSWORD)),
            "repository:team/app:pull,push",
        ),
    };
    let sessions: Vec<String> = (0..3)
        .map(|_| {
            let started = alice.post("/v2/team/app/blobs/uploads/");
            assert_eq!(started.status, 202);
            started.location
        })
        .collect();
    let refused = alice.post("/v2/team/app/blobs/uploads/");
    assert_eq!(
        (refused.status, refused.code.as_str()),
        (429, "TOOMANYREQUESTS")
    );
    // Finishing one frees its place.
    let done = alice.put(
        &format!("{}?digest={}", sessions[0], digest(b"{}")),
        "application/octet-stream",
        b"{}",
    );
    assert_eq!(done.status, 201);
    assert_eq!(alice.post("/v2/team/app/blobs/uploads/").status, 202);

    // Two npm publishes, then the third publish of any protocol is the last of the hour.
    for name in ["first", "second"] {
        let (status, _) = publish_over_http(&server.base, &login, name, "1.0.0");
        assert_eq!(status, 200);
    }
    // In one request: the account's three sessions are open.
    let layer = digest(b"hello");
    let one_shot = alice.post_bytes(
        &format!("/v2/team/app/blobs/uploads/?digest={layer}"),
        b"hello",
    );
    assert_eq!(one_shot.status, 201);
    let good = manifest_naming(&digest(b"{}"), &layer);
    assert_eq!(
        alice
            .put("/v2/team/app/manifests/v1", MANIFEST, &good)
            .status,
        201
    );
    let limited = alice.put("/v2/team/app/manifests/v2", MANIFEST, &good);
    assert_eq!(
        (limited.status, limited.code.as_str()),
        (429, "TOOMANYREQUESTS")
    );
}

/// Issue 23, points 5 and 12: a repository serves, and lets a manifest name, only the
/// blobs it holds (pushed to it, mounted into it, named by its manifests), however the
/// store shares them; and a blob is sent as it is stored, never gzipped, with its
/// `Content-Length`, one `Range` honoured.
#[test]
fn a_repository_reads_only_its_own_blobs_whole_or_in_part() {
    use sha2::Digest as _;
    let fx = Fixture::new();
    let server = Server::shelf(&mut unlimited_serve(&fx.data()));
    let login = sign_up(&server.base, "alice");
    sign_up(&server.base, "bob");
    let api = |user: &str, repo: &str| Api {
        base: server.base.clone(),
        bearer: token(
            &server.base,
            Some((user, PASSWORD)),
            &format!("repository:{repo}:pull,push"),
        ),
    };
    let alice = api("alice", "lib/a");
    let layer = alice.blob("lib/a", b"hello, layer");
    let config = alice.blob("lib/a", b"{}");

    // An npm tarball is in the same store, and no repository's.
    let (status, tgz) = publish_over_http(&server.base, &login, "tarpkg", "1.0.0");
    assert_eq!(status, 200);
    let agent = crate::common::server::agent();
    let tarball = format!("sha256:{}", hex::encode(sha2::Sha256::digest(&tgz)));
    let got = alice.get(&format!("/v2/lib/a/blobs/{tarball}"));
    assert_eq!((got.status, got.code.as_str()), (404, "BLOB_UNKNOWN"));

    // bob's repository holds none of alice's blobs: not served, not nameable.
    let bob = api("bob", "lib/b");
    let got = bob.get(&format!("/v2/lib/b/blobs/{layer}"));
    assert_eq!((got.status, got.code.as_str()), (404, "BLOB_UNKNOWN"));
    let borrowed = json!({
        "schemaVersion": 2, "mediaType": MANIFEST,
        "config": {"mediaType": CONFIG, "digest": config, "size": 2},
        "layers": [{"mediaType": LAYER, "digest": layer, "size": 12}]
    });
    let got = bob.put(
        "/v2/lib/b/manifests/v1",
        MANIFEST,
        borrowed.to_string().as_bytes(),
    );
    assert_eq!(
        (got.status, got.code.as_str()),
        (400, "MANIFEST_BLOB_UNKNOWN")
    );
    // Mounted from the repository that holds them, they are bob's too.
    for blob in [&layer, &config] {
        let mounted = bob.post(&format!("/v2/lib/b/blobs/uploads/?mount={blob}&from=lib/a"));
        assert_eq!(mounted.status, 201);
    }
    let got = bob.put(
        "/v2/lib/b/manifests/v1",
        MANIFEST,
        borrowed.to_string().as_bytes(),
    );
    assert_eq!(got.status, 201, "{}", got.message);

    // Read as a Go client reads: gzip offered, the blob comes as stored.
    let url = format!("{}/v2/lib/a/blobs/{layer}", server.base);
    let mut whole = agent
        .get(&url)
        .header("Authorization", &format!("Bearer {}", alice.bearer))
        .header("Accept-Encoding", "gzip")
        .call()
        .expect("an answer");
    assert_eq!(whole.status().as_u16(), 200);
    let header = |r: &ureq::http::Response<ureq::Body>, name: &str| {
        crate::common::server::header_of(r, name)
    };
    assert_eq!(header(&whole, "content-encoding"), "");
    assert_eq!(header(&whole, "content-length"), "12");
    assert_eq!(header(&whole, "accept-ranges"), "bytes");
    assert_eq!(
        whole.body_mut().read_to_vec().expect("body"),
        b"hello, layer"
    );
    let mut part = agent
        .get(&url)
        .header("Authorization", &format!("Bearer {}", alice.bearer))
        .header("Range", "bytes=7-")
        .call()
        .expect("an answer");
    assert_eq!(part.status().as_u16(), 206);
    assert_eq!(header(&part, "content-range"), "bytes 7-11/12");
    assert_eq!(header(&part, "content-length"), "5");
    assert_eq!(part.body_mut().read_to_vec().expect("body"), b"layer");
    let past = agent
        .get(&url)
        .header("Authorization", &format!("Bearer {}", alice.bearer))
        .header("Range", "bytes=12-")
        .call()
        .expect("an answer");
    assert_eq!(past.status().as_u16(), 416);
    assert_eq!(header(&past, "content-range"), "bytes */12");
    // A manifest neither: its digest is of the bytes as stored.
    let manifest = agent
        .get(format!("{}/v2/lib/b/manifests/v1", server.base))
        .header("Authorization", &format!("Bearer {}", bob.bearer))
        .header("Accept", MANIFEST)
        .header("Accept-Encoding", "gzip")
        .call()
        .expect("an answer");
    assert_eq!(header(&manifest, "content-encoding"), "");
    assert!(!header(&manifest, "content-length").is_empty());
}
