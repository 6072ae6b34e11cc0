//! Crash consistency: publishers hammer a real `shelf serve` that is killed with SIGKILL at
//! seeded pseudo-random moments and restarted on the same data directory. Two of them
//! publish Serverless packages (`POST /releases`, then the zip), one npm packages (`PUT
//! /npm/{name}` with the document `npm publish` sends, scoped and unscoped names), one OCI
//! images (a token, the blobs uploaded, then the manifest put by tag: acknowledged by its
//! 201, it must be in the index with every blob it names, and served by tag). After
//! every restart each publish answered 200 is in the index (its line and its commit), in the
//! blobs and in the site (read from disk and over HTTP: for npm, the packument lists the
//! version and the tarball served is the one sent, its SHA-512 the packument's
//! `dist.integrity`); the index's working tree is clean; nothing torn or temporary is left;
//! `shelf check` passes and the site equals a full rebuild. Publishes that got no answer may
//! or may not have landed, but one that landed is complete.
//!
//! Also: one writer per data directory. While a `shelf serve` holds `DATA/.shelf-lock`, other
//! writing commands (and a second server) are refused with a message naming the lock and the
//! process holding it, and write nothing; a SIGKILLed holder's lock is released by the
//! kernel, so restarts work.
//!
//! And past a process crash, a machine's: libgit2 writes a commit's objects, branch and log
//! without `fsync`, so a publish is answered only after a `syncfs` made its commit durable
//! (one for a whole batch). Traced with strace around the real server.
//!
//! `SHELF_CRASH_SEED=N` repeats a run.

mod common;

use std::{
    collections::{BTreeMap, BTreeSet},
    fs,
    io::{BufRead, BufReader},
    path::Path,
    process::Stdio,
    sync::{Arc, Condvar, Mutex, PoisonError},
    thread,
    time::Duration,
};

use common::{
    Fixture, HttpPublish, Rng, ZipBuilder, git_in,
    npm::{self, Tgz},
    oci, patient_agent, publish_over_http,
    server::{Server, header_of, shelf_serve},
    sign_up, tree,
};
use shelf::{
    blob::sha256_of,
    index::shard_path,
    npm::{
        name::NpmName,
        record::{VersionLine, read_record},
        tarball,
    },
    output::Kind,
    serverless::record::PackageRecord,
};

const PUBLISHERS: usize = 4;
const PACKAGES_EACH: usize = 3;
const ROUNDS: usize = 10;

/// Which protocol a publish went through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Protocol {
    Serverless,
    Npm,
    Oci,
}

/// One publish the test sent: what it was, and the zip's or the tarball's bytes.
#[derive(Debug, Clone)]
struct Sent {
    protocol: Protocol,
    name: String,
    version: String,
    sha256: String,
    bytes: Vec<u8>,
    /// An OCI push's blobs (config, layer); `bytes` is its manifest.
    blobs: Vec<Vec<u8>>,
}

/// Every publish by how it ended.
#[derive(Debug, Default)]
struct Ledger {
    /// Answered 200: must be everywhere, forever.
    acknowledged: Vec<Sent>,
    /// No answer (the server died): may or may not have landed; complete if it did.
    unanswered: Vec<Sent>,
    /// Answered anything else: always a failure here (names and versions are all new).
    refused: Vec<String>,
}

/// Whether publishers may send, and how many requests are out.
#[derive(Debug, Default)]
struct Control {
    /// The running server's base URL; `None` pauses the publishers.
    base: Option<String>,
    /// Publishes begun and not yet ended.
    in_flight: usize,
    stop: bool,
}

#[derive(Default)]
struct Shared {
    control: Mutex<Control>,
    changed: Condvar,
    ledger: Mutex<Ledger>,
}

impl Shared {
    fn control(&self) -> std::sync::MutexGuard<'_, Control> {
        self.control.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits until publishing is allowed and counts a publish in; `None` when stopping.
    fn begin(&self) -> Option<String> {
        let mut control = self.control();
        loop {
            if control.stop {
                return None;
            }
            if let Some(base) = control.base.clone() {
                control.in_flight += 1;
                return Some(base);
            }
            control = self
                .changed
                .wait(control)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }

    fn end(&self) {
        self.control().in_flight -= 1;
        self.changed.notify_all();
    }

    fn set_base(&self, base: Option<String>) {
        self.control().base = base;
        self.changed.notify_all();
    }

    /// Waits until no publish is out (after a kill every one of them has failed).
    fn wait_idle(&self) {
        let mut control = self.control();
        while control.in_flight > 0 {
            control = self
                .changed
                .wait(control)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }

    fn stop(&self) {
        self.control().stop = true;
        self.changed.notify_all();
    }

    /// Waits until `count` publishes have been acknowledged in all.
    fn wait_for_acknowledged(&self, count: usize) {
        for _ in 0..6000 {
            if self.ledger().acknowledged.len() >= count {
                return;
            }
            thread::sleep(Duration::from_millis(5));
        }
        panic!(
            "no publish was acknowledged in 30 s: {:#?}",
            self.ledger().refused
        );
    }

    fn ledger(&self) -> std::sync::MutexGuard<'_, Ledger> {
        self.ledger.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Publisher `id`: new versions of its own packages (npm for `id` 1, OCI for 3, Serverless
/// for the others), each carrying 1–50 KiB of noise, never a version twice (an unanswered one
/// is not retried).
fn publisher(id: usize, token: String, seed: u64, shared: Arc<Shared>) {
    let mut rng = Rng::new(seed);
    let mut next_patch = [0u32; PACKAGES_EACH];
    let protocol = match id % 4 {
        1 => Protocol::Npm,
        3 => Protocol::Oci,
        _ => Protocol::Serverless,
    };
    while let Some(base) = shared.begin() {
        let package = rng.below(0, PACKAGES_EACH as u64) as usize;
        let version = format!("1.0.{}", next_patch[package]);
        next_patch[package] += 1;
        let size = rng.below(1024, 50 * 1024) as usize;
        let noise = rng.bytes(size);
        let mut blobs = Vec::new();
        let (name, bytes) = match protocol {
            Protocol::Serverless => {
                let name = format!("crash-{id}-{package}");
                let zip = ZipBuilder::package(&name, &version)
                    .stored("data.bin", noise)
                    .build();
                (name, zip)
            }
            Protocol::Npm => {
                // One scoped package per publisher: its files sit two folders deep.
                let name = match package {
                    0 => format!("@crash{id}/npm"),
                    _ => format!("crash-npm-{id}-{package}"),
                };
                let tgz = Tgz::package(&name, &version)
                    .file("package/data.bin", noise)
                    .build();
                (name, tgz)
            }
            Protocol::Oci => {
                let name = format!("crash/oci{id}-{package}");
                let config = format!("{{\"pushed\":\"{name}:{version}\"}}").into_bytes();
                let manifest = oci_manifest(&config, &noise);
                blobs = vec![config, noise];
                (name, manifest)
            }
        };
        let sent = Sent {
            protocol,
            sha256: shelf_sha256(&bytes),
            name,
            version,
            bytes,
            blobs,
        };
        let agent = patient_agent();
        let outcome = match protocol {
            Protocol::Serverless => publish_over_http(
                &agent,
                &base,
                &token,
                &sent.name,
                &sent.version,
                &sent.bytes,
            ),
            Protocol::Npm => npm_publish_over_http(&agent, &base, &token, &sent),
            Protocol::Oci => {
                let user = format!("publisher{id}");
                oci_push_over_http(&agent, &base, (&user, &token), &sent)
            }
        };
        {
            let mut ledger = shared.ledger();
            match outcome {
                HttpPublish::Published(answer) => {
                    match protocol {
                        Protocol::Serverless => {
                            assert_eq!(answer["sha256"], sent.sha256.as_str(), "{answer}");
                        }
                        Protocol::Npm => {
                            let id = format!("{}@{}", sent.name, sent.version);
                            assert_eq!(answer["id"], id.as_str(), "{answer}");
                        }
                        Protocol::Oci => {
                            let digest = format!("sha256:{}", sent.sha256);
                            assert_eq!(answer["digest"], digest.as_str(), "{answer}");
                        }
                    }
                    ledger.acknowledged.push(sent);
                }
                HttpPublish::Unanswered(_) => ledger.unanswered.push(sent),
                HttpPublish::Refused(why) => ledger.refused.push(why),
            }
        }
        shared.end();
    }
}

/// `npm publish` of `sent` over HTTP: the document with the tarball attached, as the
/// bearer token's account.
fn npm_publish_over_http(agent: &ureq::Agent, base: &str, token: &str, sent: &Sent) -> HttpPublish {
    let document = npm::document(&sent.name, &sent.version, "latest", &sent.bytes);
    let path = format!("/npm/{}", npm::url_name(&sent.name));
    let answer = agent
        .put(&format!("{base}{path}"))
        .header("Authorization", &format!("Bearer {token}"))
        .content_type("application/json")
        .send(document.to_string());
    let mut answer = match answer {
        Ok(answer) => answer,
        Err(e) => return HttpPublish::Unanswered(format!("PUT {path}: {e}")),
    };
    let status = answer.status().as_u16();
    let body = match answer.body_mut().read_to_vec() {
        Ok(body) => body,
        Err(e) => return HttpPublish::Unanswered(format!("PUT {path}: {e}")),
    };
    match status {
        200 => HttpPublish::Published(serde_json::from_slice(&body).expect("publish answer JSON")),
        _ => HttpPublish::Refused(format!(
            "PUT {path} {}@{}: {status} {}",
            sent.name,
            sent.version,
            String::from_utf8_lossy(&body)
        )),
    }
}

/// An OCI image manifest naming `config` and one `layer`.
fn oci_manifest(config: &[u8], layer: &[u8]) -> Vec<u8> {
    let descriptor = |media_type: &str, bytes: &[u8]| {
        serde_json::json!({
            "mediaType": media_type,
            "digest": format!("sha256:{}", shelf_sha256(bytes)),
            "size": bytes.len()
        })
    };
    serde_json::json!({
        "schemaVersion": 2,
        "mediaType": oci::MANIFEST,
        "config": descriptor(oci::CONFIG, config),
        "layers": [descriptor(oci::LAYER, layer)]
    })
    .to_string()
    .into_bytes()
}

/// An OCI push of `sent` over HTTP, as a client makes it: a token with the publisher's
/// username and Shelf token, each blob uploaded (`POST`, then `PUT ?digest=`), then the
/// manifest put by tag. Acknowledged by the manifest's 201 only.
fn oci_push_over_http(
    agent: &ureq::Agent,
    base: &str,
    (user, token): (&str, &str),
    sent: &Sent,
) -> HttpPublish {
    use base64::Engine as _;
    let name = &sent.name;
    let unanswered = |what: &str, e: &dyn std::fmt::Display| {
        HttpPublish::Unanswered(format!("{what} {name}:{}: {e}", sent.version))
    };
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{token}"));
    let url = format!("{base}/v2/token?scope=repository:{name}:pull,push");
    let answer = agent
        .get(&url)
        .header("Authorization", &format!("Basic {basic}"))
        .call();
    let bearer = match answer.and_then(|mut a| a.body_mut().read_to_vec()) {
        Ok(body) => match serde_json::from_slice::<serde_json::Value>(&body) {
            Ok(v) => format!("Bearer {}", v["token"].as_str().unwrap_or_default()),
            Err(e) => return HttpPublish::Refused(format!("token for {name}: {e}")),
        },
        Err(e) => return unanswered("GET /v2/token", &e),
    };
    for blob in &sent.blobs {
        let started = agent
            .post(&format!("{base}/v2/{name}/blobs/uploads/"))
            .header("Authorization", &bearer)
            .send_empty();
        let location = match started {
            Ok(a) if a.status().as_u16() == 202 => header_of(&a, "location"),
            Ok(a) => return HttpPublish::Refused(format!("POST upload {name}: {}", a.status())),
            Err(e) => return unanswered("POST upload", &e),
        };
        let digest = format!("sha256:{}", shelf_sha256(blob));
        let done = agent
            .put(&format!("{base}{location}?digest={digest}"))
            .header("Authorization", &bearer)
            .content_type("application/octet-stream")
            .send(&blob[..]);
        match done {
            Ok(a) if a.status().as_u16() == 201 => {}
            Ok(a) => return HttpPublish::Refused(format!("PUT blob {name}: {}", a.status())),
            Err(e) => return unanswered("PUT blob", &e),
        }
    }
    let path = format!("/v2/{name}/manifests/{}", sent.version);
    let answer = agent
        .put(&format!("{base}{path}"))
        .header("Authorization", &bearer)
        .content_type(oci::MANIFEST)
        .send(&sent.bytes[..]);
    match answer {
        Ok(mut a) => {
            let status = a.status().as_u16();
            let digest = header_of(&a, "docker-content-digest");
            if let Err(e) = a.body_mut().read_to_vec() {
                return unanswered("PUT manifest", &e);
            }
            match status {
                201 => HttpPublish::Published(serde_json::json!({ "digest": digest })),
                _ => HttpPublish::Refused(format!("PUT {path}: {status}")),
            }
        }
        Err(e) => unanswered("PUT manifest", &e),
    }
}

fn shelf_sha256(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// `shelf serve` with limits far above what the test sends (the publish quota is per hour).
fn serve(fx: &Fixture) -> Server {
    Server::shelf(&mut common::server::unlimited_serve(&fx.data()))
}

#[test]
fn acknowledged_publishes_survive_sigkill_and_restarts_repair_everything_else() {
    let seed = common::seed("SHELF_CRASH_SEED");
    let mut rng = Rng::new(seed);
    let fx = Fixture::new();
    let shared = Arc::new(Shared::default());

    let mut server = serve(&fx);
    let mut publishers = Vec::new();
    for id in 0..PUBLISHERS {
        let token = sign_up(&server.base, &format!("publisher{id}"));
        let (shared, seed) = (shared.clone(), rng.next());
        publishers.push(thread::spawn(move || publisher(id, token, seed, shared)));
    }

    for round in 0..ROUNDS {
        // Hammer, then kill at a moment the seed picks, counted from the round's first
        // acknowledged publish so that every round gets somewhere however slow the machine.
        let before = shared.ledger().acknowledged.len();
        shared.set_base(Some(server.base.clone()));
        shared.wait_for_acknowledged(before + 1);
        thread::sleep(Duration::from_millis(rng.below(0, 400)));
        shared.set_base(None);
        drop(server); // SIGKILL, then reap
        shared.wait_idle();

        // The restart repairs; everything acknowledged is there, and nothing else is broken.
        server = serve(&fx);
        verify(&fx, &server.base, &shared.ledger());
        // Stopped while idle, the repaired registry passes the operator's check.
        drop(server);
        check_and_rebuild(&fx);
        let ledger = shared.ledger();
        println!(
            "round {round}: {} acknowledged, {} unanswered so far",
            ledger.acknowledged.len(),
            ledger.unanswered.len()
        );
        drop(ledger);
        server = serve(&fx);
    }

    shared.stop();
    for handle in publishers {
        handle.join().expect("publisher thread");
    }
    // A final clean restart.
    drop(server);
    let server = serve(&fx);
    let ledger = shared.ledger();
    verify(&fx, &server.base, &ledger);
    drop(server);
    check_and_rebuild(&fx);
    git_in(&fx.index(), &["fsck", "--no-progress", "--strict"]);

    let landed = ledger
        .unanswered
        .iter()
        .filter(|s| has_landed(&fx, s))
        .count();
    let npm_acknowledged = ledger
        .acknowledged
        .iter()
        .filter(|s| s.protocol == Protocol::Npm)
        .count();
    let oci_acknowledged = ledger
        .acknowledged
        .iter()
        .filter(|s| s.protocol == Protocol::Oci)
        .count();
    println!(
        "{} publishes acknowledged ({npm_acknowledged} through npm, {oci_acknowledged} through \
         OCI), {} unanswered ({landed} of those landed), {} refused, {ROUNDS} kills",
        ledger.acknowledged.len(),
        ledger.unanswered.len(),
        ledger.refused.len()
    );
    assert!(
        ledger.refused.is_empty(),
        "a live server refused publishes: {:#?}",
        ledger.refused
    );
    assert!(
        ledger.acknowledged.len() >= ROUNDS,
        "too few publishes to say anything"
    );
    assert!(
        npm_acknowledged > 0
            && oci_acknowledged > 0
            && npm_acknowledged + oci_acknowledged < ledger.acknowledged.len(),
        "every protocol published: {npm_acknowledged} of {} through npm, {oci_acknowledged} \
         through OCI",
        ledger.acknowledged.len()
    );
    assert!(
        !ledger.unanswered.is_empty(),
        "no kill interrupted a publish: the test did not test crashes"
    );
}

/// Whether a publish is in the index.
fn has_landed(fx: &Fixture, sent: &Sent) -> bool {
    match sent.protocol {
        Protocol::Serverless => line_of(fx, sent).is_some(),
        Protocol::Npm => npm_line_of(fx, sent).is_some(),
        Protocol::Oci => oci_record_of(fx, sent).is_some_and(|r| {
            r.repo.tags.get(&sent.version) == Some(&format!("sha256:{}", sent.sha256))
        }),
    }
}

/// The repository record of an OCI push.
fn oci_record_of(fx: &Fixture, sent: &Sent) -> Option<shelf::oci::record::OciRecord> {
    let name = shelf::oci::name::RepoName::parse(&sent.name).expect("the test's names are valid");
    shelf::oci::record::read_record(&fx.index(), &name).expect("the repository's file parses")
}

/// An OCI push that landed: its manifest line, tag and commit; its manifest and every blob
/// it names in the store; its manifest on disk by tag, and over HTTP by tag with its type
/// and digest; its layer over HTTP.
fn verify_oci(fx: &Fixture, base: &str, subjects: &BTreeSet<String>, sent: &Sent) {
    let what = format!("{}:{}", sent.name, sent.version);
    let digest = format!("sha256:{}", sent.sha256);
    let record = oci_record_of(fx, sent).unwrap_or_else(|| panic!("{what} is in the index"));
    assert_eq!(
        record.repo.tags.get(&sent.version),
        Some(&digest),
        "{what}'s tag"
    );
    assert!(record.find(&digest).is_some(), "{what}'s manifest line");
    assert!(
        subjects.contains(&format!("oci: push {what} {digest}")),
        "{what} has its commit"
    );
    let store = shelf::blob::BlobStore::open(&fx.data().join("blobs")).expect("blobs");
    for bytes in std::iter::once(&sent.bytes).chain(&sent.blobs) {
        let hex = shelf_sha256(bytes);
        let blob = store.path(&hex);
        assert_eq!(
            sha256_of(&blob).ok(),
            Some(hex),
            "{what}: a blob it names is stored"
        );
    }
    let file = format!(
        "v2/{}/manifests/{}/{digest}.oci-manifest",
        sent.name, sent.version
    );
    assert!(
        fs::read(fx.site().join(&file)).ok().as_ref() == Some(&sent.bytes),
        "{file} on disk is the pushed manifest"
    );
    let agent = patient_agent();
    let scope = format!("repository:{}:pull", sent.name);
    let (status, body) = get(&agent, &format!("{base}/v2/token?scope={scope}"));
    assert_eq!(status, 200, "an anonymous pull token");
    let token: serde_json::Value = serde_json::from_slice(&body).expect("token JSON");
    let bearer = format!("Bearer {}", token["token"].as_str().unwrap_or_default());
    let url = format!("{base}/v2/{}/manifests/{}", sent.name, sent.version);
    let mut answer = agent
        .get(&url)
        .header("Authorization", &bearer)
        .call()
        .unwrap_or_else(|e| panic!("GET {url}: {e}"));
    assert_eq!(answer.status().as_u16(), 200, "GET {url}");
    let header = |name: &str| header_of(&answer, name);
    assert_eq!(header("docker-content-digest"), digest, "GET {url}");
    assert_eq!(header("content-type"), oci::MANIFEST, "GET {url}");
    let body = answer.body_mut().read_to_vec().expect("body");
    assert!(body == sent.bytes, "GET {url} serves the pushed manifest");
    let layer = format!("sha256:{}", shelf_sha256(&sent.blobs[1]));
    let url = format!("{base}/v2/{}/blobs/{layer}", sent.name);
    let mut answer = agent
        .get(&url)
        .header("Authorization", &bearer)
        .call()
        .unwrap_or_else(|e| panic!("GET {url}: {e}"));
    let body = answer.body_mut().read_to_vec().expect("body");
    assert!(body == sent.blobs[1], "GET {url} serves the pushed layer");
}

/// The npm version line of a publish, if it is in the package's file.
fn npm_line_of(fx: &Fixture, sent: &Sent) -> Option<VersionLine> {
    let name = NpmName::parse(&sent.name).expect("the test's names are valid");
    let record = read_record(&fx.index(), &name).expect("the package's index file parses")?;
    record.find(&sent.version).cloned()
}

/// The index line of a publish, if it is in the package's file.
fn line_of(fx: &Fixture, sent: &Sent) -> Option<shelf::serverless::record::IndexLine> {
    let text = fs::read_to_string(fx.index().join(shard_path(&sent.name))).ok()?;
    let record = PackageRecord::parse(&text).expect("the package's index file parses");
    record
        .lines
        .into_iter()
        .find(|line| line.version == sent.version)
}

/// Everything a restart must have made true (see the module documentation).
fn verify(fx: &Fixture, base: &str, ledger: &Ledger) {
    let index = fx.index();
    assert_eq!(
        git_in(&index, &["status", "--porcelain", "--untracked-files=all"]),
        "",
        "the index's working tree is clean"
    );
    git_in(
        &index,
        &["rev-parse", "--verify", "--quiet", "HEAD^{commit}"],
    );
    let subjects: BTreeSet<String> = git_in(&index, &["log", "--format=%s"])
        .lines()
        .map(str::to_owned)
        .collect();

    let agent = patient_agent();
    let mut landed = ledger.acknowledged.iter().collect::<Vec<_>>();
    landed.extend(ledger.unanswered.iter().filter(|sent| has_landed(fx, sent)));
    for sent in landed {
        if sent.protocol == Protocol::Npm {
            verify_npm(fx, base, &subjects, sent);
            continue;
        }
        if sent.protocol == Protocol::Oci {
            verify_oci(fx, base, &subjects, sent);
            continue;
        }
        let what = format!("{}@{}", sent.name, sent.version);
        let line = line_of(fx, sent).unwrap_or_else(|| panic!("{what} is in the index"));
        assert_eq!(line.sha256, sent.sha256, "{what}: the index has its zip");
        assert!(
            subjects.contains(&format!("Publish {what}")),
            "{what} has its commit"
        );
        let blob = shelf::blob::BlobStore::open(&fx.data().join("blobs"))
            .expect("blobs")
            .path(&sent.sha256);
        assert_eq!(
            sha256_of(&blob).expect("blob"),
            sent.sha256,
            "{what}'s blob"
        );

        let site = fx.site();
        let tag = format!("{}/releases/tags/{}", sent.name, sent.version);
        let document = common::json(&site, &tag);
        assert_eq!(document["tag_name"], sent.version.as_str(), "{tag}");
        assert_eq!(document["sha256"], sent.sha256.as_str(), "{tag}");
        let zipball = format!("{}/zipball/{}", sent.name, sent.version);
        assert!(
            fs::read(site.join(&zipball)).expect("zipball file") == sent.bytes,
            "{zipball} on disk is the uploaded zip"
        );
        let (status, body) = get(&agent, &format!("{base}/{tag}"));
        assert_eq!(status, 200, "GET {tag}");
        let served: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
        assert_eq!(served["sha256"], sent.sha256.as_str(), "GET {tag}");
        let (status, body) = get(&agent, &format!("{base}/{zipball}"));
        assert!(
            status == 200 && body == sent.bytes,
            "GET {zipball} serves the uploaded zip"
        );
    }
    for sent in &ledger.unanswered {
        if has_landed(fx, sent) {
            continue;
        }
        let file = match sent.protocol {
            Protocol::Serverless => format!("{}/releases/tags/{}", sent.name, sent.version),
            Protocol::Npm => npm_tarball(sent),
            Protocol::Oci => format!("v2/{}/manifests/{}", sent.name, sent.version),
        };
        assert!(
            !fx.site().join(&file).exists(),
            "{file} is in the site but not in the index"
        );
    }
    nothing_torn(fx);
}

/// The site path of an npm publish's tarball.
fn npm_tarball(sent: &Sent) -> String {
    let basename = sent.name.rsplit('/').next().unwrap_or(&sent.name);
    format!("npm/{}/-/{basename}-{}.tgz", sent.name, sent.version)
}

/// An npm publish that landed: its line, commit and blob, its packument and tarball on
/// disk, and both over HTTP, where npm reads them.
fn verify_npm(fx: &Fixture, base: &str, subjects: &BTreeSet<String>, sent: &Sent) {
    let what = format!("{}@{}", sent.name, sent.version);
    let line = npm_line_of(fx, sent).unwrap_or_else(|| panic!("{what} is in the index"));
    let integrity = npm::integrity(&sent.bytes);
    assert!(line.is_live(), "{what} is live");
    assert_eq!(
        line.sha256, sent.sha256,
        "{what}: the index has its tarball"
    );
    assert_eq!(
        line.integrity, integrity,
        "{what}: the index has its integrity"
    );
    assert!(
        subjects.contains(&format!("npm: publish {what}")),
        "{what} has its commit"
    );
    let blob = shelf::blob::BlobStore::open(&fx.data().join("blobs"))
        .expect("blobs")
        .path(&sent.sha256);
    assert_eq!(
        sha256_of(&blob).expect("blob"),
        sent.sha256,
        "{what}'s blob"
    );

    let site = fx.site();
    let packument = common::json(&site, &format!("npm/{}/index.json", sent.name));
    let listed = &packument["versions"][&sent.version]["dist"]["integrity"];
    assert_eq!(
        listed,
        integrity.as_str(),
        "{what} in the packument on disk"
    );
    let tarball = npm_tarball(sent);
    assert!(
        fs::read(site.join(&tarball)).expect("tarball file") == sent.bytes,
        "{tarball} on disk is the uploaded tarball"
    );

    let agent = patient_agent();
    let url = format!("{base}/npm/{}", npm::url_name(&sent.name));
    let (status, body) = get(&agent, &url);
    assert_eq!(status, 200, "GET {url}");
    let served: serde_json::Value = serde_json::from_slice(&body).expect("packument JSON");
    let listed = served["versions"][&sent.version]["dist"]["integrity"]
        .as_str()
        .unwrap_or_else(|| panic!("GET {url} lists {what}"));
    let (status, body) = get(&agent, &format!("{base}/{tarball}"));
    assert!(
        status == 200 && body == sent.bytes,
        "GET {tarball} serves the uploaded tarball"
    );
    assert_eq!(
        npm::integrity(&body),
        listed,
        "{tarball}'s SHA-512 is the packument's dist.integrity"
    );
}

/// Every JSON document parses, every zip opens and is what its document says, every npm
/// tarball passes the tarball check and is what its packument says, every blob is its hash,
/// and no temporary or staged file is left anywhere in the data directory.
fn nothing_torn(fx: &Fixture) {
    let data = fx.data();
    for (path, bytes) in tree(&data) {
        let file = path.rsplit('/').next().unwrap_or(&path);
        assert!(
            !(file.starts_with(".shelf-tmp") || file.starts_with(".tmp")),
            "a temporary file is left: {path}"
        );
        // The store's one marker file (blobs made readable to all), beside the blobs; OCI
        // upload sessions (a push the kill cut off, resumable, swept by `shelf gc`) and
        // fresh markers are the store's working files, not blobs.
        let working = [
            "blobs/uploads/",
            "blobs/fresh/",
            "blobs/held/",
            "blobs/upload-owners/",
        ];
        if path.starts_with("blobs/")
            && path != "blobs/.readable"
            && !working.iter().any(|w| path.starts_with(w))
        {
            assert!(
                !path.starts_with("blobs/tmp/"),
                "a staged upload is left: {path}"
            );
            // A torn blob is never its hash: zips, tarballs, OCI layers and manifests alike.
            assert_eq!(shelf_sha256(&bytes), file, "blob {path} is its hash");
        }
    }
    let site = fx.site();
    let mut documents = BTreeMap::new();
    let mut zips = Vec::new();
    let mut tarballs = Vec::new();
    for (path, bytes) in tree(&site) {
        match shelf::protocols::RULES.class_of(&path).kind {
            Kind::Json => {
                let value: serde_json::Value = serde_json::from_slice(&bytes)
                    .unwrap_or_else(|e| panic!("{path} is torn: {e}"));
                documents.insert(path, value);
            }
            Kind::Zip => zips.push((path, bytes)),
            Kind::Html | Kind::Css | Kind::Javascript | Kind::Svg | Kind::Text => {
                String::from_utf8(bytes).unwrap_or_else(|e| panic!("{path}: {e}"));
            }
            Kind::Binary if path.starts_with("npm/") && path.ends_with(".tgz") => {
                tarballs.push((path, bytes));
            }
            Kind::Binary => {}
            // An OCI manifest: JSON, and its file is named by its digest.
            Kind::Media(_) => {
                let _: serde_json::Value = serde_json::from_slice(&bytes)
                    .unwrap_or_else(|e| panic!("{path} is torn: {e}"));
            }
        }
    }
    for (path, bytes) in tarballs {
        assert!(is_tarball(&bytes), "{path} passes the tarball check");
        // `npm/{name}/-/{file}`: the packument is the folder's document.
        let (folder, _) = path.rsplit_once("/-/").expect("a tarball's path");
        let packument = documents
            .get(&format!("{folder}/index.json"))
            .unwrap_or_else(|| panic!("{path} has no packument"));
        let integrity = npm::integrity(&bytes);
        let versions = packument["versions"].as_object().expect("versions");
        assert!(
            versions
                .values()
                .any(|v| v["dist"]["integrity"] == integrity.as_str()
                    && v["dist"]["tarball"]
                        .as_str()
                        .is_some_and(|t| t.ends_with(&path))),
            "{path} is listed in its packument with its integrity"
        );
    }
    for (path, bytes) in zips {
        zip::ZipArchive::new(std::io::Cursor::new(&bytes))
            .unwrap_or_else(|e| panic!("{path} does not open as a zip: {e}"));
        let tag = path.replacen("/zipball/", "/releases/tags/", 1);
        let listed = documents
            .get(&tag)
            .unwrap_or_else(|| panic!("{path} has no {tag}"));
        assert_eq!(listed["sha256"], shelf_sha256(&bytes).as_str(), "{path}");
    }
}

/// Whether `bytes` pass the tarball check npm publishes go through.
fn is_tarball(bytes: &[u8]) -> bool {
    tarball::inspect(bytes, &tarball::Limits::default()).is_ok()
}

/// With the server stopped: `shelf check` is clean, and a full build of a copy of the data
/// directory writes exactly the site there is.
fn check_and_rebuild(fx: &Fixture) {
    let out = fx.shelf(&["check"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && text.contains(" 0 differ, 0 extra") && text.contains(" 0 bad"),
        "shelf check:\n{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let copy = fx.dir.path().join("copy");
    let fresh = fx.dir.path().join("fresh");
    common::copy_data(&fx.data(), &copy);
    common::shelf_build_into(&copy, &fresh);
    let (site, rebuilt) = (tree(&fx.site()), tree(&fresh));
    let differing: Vec<&String> = site
        .keys()
        .chain(rebuilt.keys())
        .filter(|k| site.get(*k) != rebuilt.get(*k))
        .collect();
    assert!(
        differing.is_empty(),
        "the site equals a full rebuild; these differ: {differing:?}"
    );
}

fn get(agent: &ureq::Agent, url: &str) -> (u16, Vec<u8>) {
    let mut resp = agent
        .get(url)
        .call()
        .unwrap_or_else(|e| panic!("GET {url}: {e}"));
    let body = resp
        .body_mut()
        .with_config()
        .limit(64 << 20)
        .read_to_vec()
        .expect("body");
    (resp.status().as_u16(), body)
}

/// `shelf serve` spawned by hand, to know its process id.
fn spawn_serve(data: &Path) -> (std::process::Child, String) {
    let mut child = shelf_serve(data, &["--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("start shelf serve");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("the listening line");
    let base = line
        .trim()
        .strip_prefix("Shelf listening on ")
        .unwrap_or_else(|| panic!("unexpected: {line:?}"))
        .to_owned();
    (child, base)
}

#[test]
fn one_writer_per_data_directory_and_a_killed_one_leaves_no_stale_lock() {
    let fx = Fixture::new();
    let zip = fx.zip("p.zip", &ZipBuilder::package("hello", "1.0.0").build());
    let zip = zip.to_str().expect("utf-8 path");
    let (mut child, _base) = spawn_serve(&fx.data());
    // The holder is named with its command line: `pid N (…/shelf --data … serve …)`.
    let holder = format!("by pid {} (", child.id());

    let before = tree(&fx.data());
    for args in [
        &["add", zip][..],
        &["build"],
        &["yank", "hello", "1.0.0"],
        &["check"],
    ] {
        let err = fx.shelf_err(args);
        assert!(
            err.contains(".shelf-lock") && err.contains(&holder) && err.contains(" serve "),
            "shelf {args:?} names the lock and its holder:\n{err}"
        );
    }
    let second = shelf_serve(&fx.data(), &["--listen", "127.0.0.1:0"])
        .stderr(Stdio::piped())
        .output()
        .expect("run a second shelf serve");
    let err = String::from_utf8_lossy(&second.stderr);
    assert!(
        !second.status.success() && err.contains(".shelf-lock") && err.contains(&holder),
        "a second server on the same data directory is refused:\n{err}"
    );
    assert!(
        tree(&fx.data()) == before,
        "the refused commands wrote nothing"
    );

    // SIGKILL: the kernel drops the lock with the process.
    child.kill().expect("kill");
    child.wait().expect("reap");
    fx.shelf_ok(&["add", zip]);
    let (mut child, base) = spawn_serve(&fx.data());
    let (status, _) = get(&patient_agent(), &format!("{base}/hello/releases/latest"));
    assert_eq!(status, 200, "the restarted server serves what was added");
    child.kill().expect("kill");
    child.wait().expect("reap");
    fx.shelf_ok(&["check"]);
}

/// Every publish answered 200 had its commit synced to disk first: in the server's system
/// calls (strace, attached to the running server), after each move of the index's branch
/// (`index/.git/refs/heads/main.lock` renamed) a `syncfs` completes before the next `200 OK` is written
/// to a client. Publishes are sent one at a time, so each answer follows its own commit.
#[test]
fn a_publish_is_answered_only_after_its_commit_is_synced_to_disk() {
    if std::process::Command::new("strace")
        .arg("-V")
        .output()
        .is_err()
    {
        panic!("strace is missing; install it with `apt-get install -y strace`");
    }
    let fx = Fixture::new();
    let trace = fx.dir.path().join("trace");
    let server = serve(&fx);
    let token = sign_up(&server.base, "alice");
    // Attached to every thread of the server; it ends when the server does. Its messages
    // go to a file: a closed pipe would kill it at the next thread it follows.
    let messages = fx.dir.path().join("strace-messages");
    let mut strace = std::process::Command::new("strace")
        .args([
            "-f",
            "-s",
            "32",
            "-e",
            "trace=syncfs,rename,write,writev,sendto,sendmsg",
        ])
        .arg("-o")
        .arg(&trace)
        .args(["-p", &server.pid().to_string()])
        .stderr(fs::File::create(&messages).expect("messages file"))
        .spawn()
        .expect("start strace");
    let attached = (0..500).any(|_| {
        thread::sleep(Duration::from_millis(20));
        fs::read_to_string(&messages).is_ok_and(|m| m.contains("attached"))
    });
    assert!(
        attached,
        "strace did not attach: {:?}",
        fs::read_to_string(&messages)
    );
    let agent = patient_agent();
    for minor in 0..3 {
        let version = format!("1.{minor}.0");
        let zip = ZipBuilder::package("durable", &version).build();
        match publish_over_http(&agent, &server.base, &token, "durable", &version, &zip) {
            HttpPublish::Published(_) => {}
            other => panic!("{version}: {other:?}"),
        }
    }
    drop(server);
    strace.wait().expect("strace ends with the server");
    let text = fs::read_to_string(&trace).expect("read the trace");
    let (mut commits, mut synced, mut unsynced) = (0, 0, false);
    for (n, line) in text.lines().enumerate() {
        // The index's branch (the export's copy in `index-export/` has one too).
        if line.contains("rename(") && line.contains("/index/.git/refs/heads/main.lock") {
            commits += 1;
            unsynced = true;
        } else if (line.contains("syncfs(") && line.contains("= 0"))
            || line.contains("<... syncfs resumed>")
        {
            synced += 1;
            unsynced = false;
        } else if line.contains("HTTP/1.1 200") && unsynced {
            let context: Vec<&str> = text.lines().take(n + 1).collect();
            let context = context[context.len().saturating_sub(40)..].join("\n");
            panic!("a 200 was written before the commit was synced:\n{context}");
        }
    }
    assert!(
        commits >= 3 && synced >= 3,
        "{commits} commits, {synced} syncs:\n{text}"
    );
}
