//! Load: for a bounded time, readers and publishers at once against a real `shelf serve` on
//! loopback. Every read answers 200 with a document that parses and agrees with the others
//! (`latest` is a listed version; a zipball is the SHA-256 its list says), every publish
//! answers 200, every one of them is visible afterwards in `releases` and in the index, and
//! each reader got through a floor of requests while the writes went on (a count, not a
//! time). The counts are printed.
//!
//! `SHELF_LOAD_SEED=N` repeats a run's choices.

mod common;

use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex, PoisonError},
    thread,
    time::{Duration, Instant},
};

use common::{
    Fixture, HttpPublish, Rng, ZipBuilder, git_in, patient_agent, publish_over_http,
    server::Server, sign_up,
};
use serde_json::Value;
use shelf::{index::shard_path, serverless::record::PackageRecord};

const READERS: usize = 8;
const PUBLISHERS: usize = 4;
/// Packages published before the clock starts and never changed during it.
const STABLE: usize = 4;
const DURATION: Duration = Duration::from_secs(10);
/// Requests each reader must at least complete: far below what an idle loopback allows, far
/// above what a reader blocked behind the writer would get.
const READS_FLOOR: usize = 100;

fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// A zip of 1–50 KiB for `name@version`.
fn zip(rng: &mut Rng, name: &str, version: &str) -> Vec<u8> {
    let size = rng.below(1024, 50 * 1024) as usize;
    let noise = rng.bytes(size);
    ZipBuilder::package(name, version)
        .stored("data.bin", noise)
        .build()
}

/// Publishes and insists on a 200; returns the SHA-256 the server reports.
fn publish_ok(base: &str, token: &str, name: &str, version: &str, zip: &[u8]) -> String {
    match publish_over_http(&patient_agent(), base, token, name, version, zip) {
        HttpPublish::Published(answer) => answer["sha256"].as_str().expect("sha256").to_owned(),
        other => panic!("publish {name}@{version}: {other:?}"),
    }
}

/// GET that must answer 200; the body.
fn get_ok(agent: &ureq::Agent, url: &str) -> Vec<u8> {
    let mut resp = agent
        .get(url)
        .call()
        .unwrap_or_else(|e| panic!("GET {url}: {e}"));
    let status = resp.status().as_u16();
    let body = resp
        .body_mut()
        .with_config()
        .limit(64 << 20)
        .read_to_vec()
        .unwrap_or_else(|e| panic!("GET {url}: body: {e}"));
    assert_eq!(status, 200, "GET {url}: {}", String::from_utf8_lossy(&body));
    body
}

fn get_json(agent: &ureq::Agent, url: &str) -> Value {
    let body = get_ok(agent, url);
    serde_json::from_slice(&body).unwrap_or_else(|e| panic!("GET {url}: not JSON: {e}"))
}

/// One reader's round over a package: `latest`, the list, one version's document and its
/// zip, each checked against the others. Returns the requests made.
fn read_round(agent: &ureq::Agent, base: &str, name: &str, rng: &mut Rng) -> usize {
    // `latest` first: versions are only ever added, so the list read after it holds it.
    let latest = get_json(agent, &format!("{base}/{name}/releases/latest"));
    let list = get_json(agent, &format!("{base}/{name}/releases"));
    let list = list.as_array().expect("releases is a list");
    let listed: BTreeMap<&str, &str> = list
        .iter()
        .map(|item| {
            (
                item["tag_name"].as_str().expect("tag_name"),
                item["sha256"].as_str().expect("sha256"),
            )
        })
        .collect();
    let latest_tag = latest["tag_name"].as_str().expect("latest tag_name");
    assert_eq!(
        listed.get(latest_tag).copied(),
        latest["sha256"].as_str(),
        "{name}: latest {latest_tag} is a listed version with the same zip"
    );
    let item = &list[rng.below(0, list.len() as u64) as usize];
    let version = item["tag_name"].as_str().expect("tag_name");
    let sha = item["sha256"].as_str().expect("sha256");
    let document = get_json(agent, &format!("{base}/{name}/releases/tags/{version}"));
    assert_eq!(document["tag_name"], version, "{name}@{version}");
    assert_eq!(
        document["sha256"], sha,
        "{name}@{version}: document and list agree"
    );
    let zip = get_ok(agent, &format!("{base}/{name}/zipball/{version}"));
    assert_eq!(
        sha256(&zip),
        sha,
        "{name}@{version}: the zipball is what the list says"
    );
    4
}

#[test]
fn readers_and_publishers_at_once() {
    let seed = common::seed("SHELF_LOAD_SEED");
    let mut rng = Rng::new(seed);
    let fx = Fixture::new();
    let server = Server::shelf(&mut common::server::unlimited_serve(&fx.data()));
    let base = server.base.clone();

    // Packages to read: some that stay as they are, and each publisher's, which grow.
    let seeder = sign_up(&base, "seeder");
    let mut names = Vec::new();
    for i in 0..STABLE {
        let name = format!("stable-{i}");
        for version in ["1.0.0", "1.1.0", "2.0.0-rc.1"] {
            publish_ok(
                &base,
                &seeder,
                &name,
                version,
                &zip(&mut rng, &name, version),
            );
        }
        names.push(name);
    }
    let mut tokens = Vec::new();
    for id in 0..PUBLISHERS {
        let token = sign_up(&base, &format!("publisher{id}"));
        let name = format!("busy-{id}");
        publish_ok(
            &base,
            &token,
            &name,
            "0.0.0",
            &zip(&mut rng, &name, "0.0.0"),
        );
        names.push(name);
        tokens.push(token);
    }
    let names = Arc::new(names);

    let deadline = Instant::now() + DURATION;
    let published = Arc::new(Mutex::new(Vec::<(String, String, String)>::new()));
    let mut publishers = Vec::new();
    for (id, token) in tokens.into_iter().enumerate() {
        let (base, published, seed) = (base.clone(), published.clone(), rng.next());
        publishers.push(thread::spawn(move || {
            let mut rng = Rng::new(seed);
            let name = format!("busy-{id}");
            let mut count = 0;
            for patch in 1.. {
                if Instant::now() >= deadline {
                    break;
                }
                let version = format!("0.0.{patch}");
                let zip = zip(&mut rng, &name, &version);
                let sha = publish_ok(&base, &token, &name, &version, &zip);
                assert_eq!(sha, sha256(&zip), "{name}@{version}");
                published
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push((name.clone(), version, sha));
                count += 1;
            }
            count
        }));
    }
    let mut readers = Vec::new();
    for _ in 0..READERS {
        let (base, names, seed) = (base.clone(), names.clone(), rng.next());
        readers.push(thread::spawn(move || {
            let mut rng = Rng::new(seed);
            // One keep-alive connection per reader, as a client library would use.
            let agent = patient_agent();
            let mut requests = 0;
            while Instant::now() < deadline {
                let name = &names[rng.below(0, names.len() as u64) as usize];
                requests += read_round(&agent, &base, name, &mut rng);
            }
            requests
        }));
    }

    let reads: Vec<usize> = readers
        .into_iter()
        .map(|h| h.join().expect("reader"))
        .collect();
    let publishes: Vec<usize> = publishers
        .into_iter()
        .map(|h| h.join().expect("publisher"))
        .collect();
    println!(
        "{} reads {reads:?} and {} publishes {publishes:?} in {DURATION:?} ({READERS} readers, {PUBLISHERS} publishers)",
        reads.iter().sum::<usize>(),
        publishes.iter().sum::<usize>()
    );
    for (reader, count) in reads.iter().enumerate() {
        assert!(
            *count >= READS_FLOOR,
            "reader {reader} completed {count} requests, fewer than {READS_FLOOR}: starved"
        );
    }
    let published = published.lock().unwrap_or_else(PoisonError::into_inner);
    assert!(
        publishes.iter().all(|n| *n > 0),
        "every publisher got a publish through: {publishes:?}"
    );

    // Every acknowledged publish is in its list and in the index, with its commit.
    let agent = patient_agent();
    let subjects = git_in(&fx.index(), &["log", "--format=%s"]);
    for (name, version, sha) in published.iter() {
        let list = get_json(&agent, &format!("{base}/{name}/releases"));
        assert!(
            list.as_array().expect("list").iter().any(|item| {
                item["tag_name"] == version.as_str() && item["sha256"] == sha.as_str()
            }),
            "{name}@{version} is in releases"
        );
        let text = std::fs::read_to_string(fx.index().join(shard_path(name))).expect("index");
        let record = PackageRecord::parse(&text).expect("index file parses");
        assert!(
            record
                .lines
                .iter()
                .any(|line| &line.version == version && &line.sha256 == sha),
            "{name}@{version} is in the index"
        );
        assert!(
            subjects
                .lines()
                .any(|s| s == format!("Publish {name}@{version}")),
            "{name}@{version} has its commit"
        );
    }
    assert_eq!(
        git_in(&fx.index(), &["status", "--porcelain"]),
        "",
        "the index's working tree is clean"
    );
}
