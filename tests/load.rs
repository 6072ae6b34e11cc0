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

/// Every change of the feed in `site`: its pages, then the head's.
fn feed_changes(site: &std::path::Path) -> Vec<(String, String)> {
    let head = common::json(site, "-/changes.json");
    let mut pages: Vec<Value> = (0..head["pages"].as_u64().unwrap_or(0))
        .map(|n| common::json(site, &format!("-/changes/{n}.json")))
        .collect();
    pages.push(head);
    pages
        .iter()
        .flat_map(|page| page["changes"].as_array().cloned().unwrap_or_default())
        .map(|c| {
            let field = |k: &str| c[k].as_str().unwrap_or_default().to_owned();
            (field("name"), field("version"))
        })
        .collect()
}

/// What the derived files of `site` do not include yet of `acknowledged` publishes (with
/// `head` the index's last commit): a change missing from the feed, a package whose search
/// entry names an older latest version, or an `-/index.git/` behind the index.
fn not_derived_yet(
    site: &std::path::Path,
    acknowledged: &[(String, String)],
    head: &str,
) -> Vec<String> {
    let mut missing = Vec::new();
    let feed = feed_changes(site);
    let search = common::json(site, "-/search.json");
    let latest = |name: &str| {
        search["packages"]
            .as_array()
            .and_then(|all| all.iter().find(|p| p["name"] == name))
            .map(|p| p["latest"].as_str().unwrap_or_default().to_owned())
    };
    let mut newest: BTreeMap<&str, (u64, &str)> = BTreeMap::new();
    for (name, version) in acknowledged {
        if !feed.contains(&(name.clone(), version.clone())) {
            missing.push(format!("{name}@{version} is not in the change feed"));
        }
        let minor: u64 = version
            .split('.')
            .nth(1)
            .and_then(|m| m.parse().ok())
            .unwrap_or(0);
        let entry = newest.entry(name).or_insert((minor, version));
        if minor >= entry.0 {
            *entry = (minor, version);
        }
    }
    for (name, (_, version)) in newest {
        if latest(name).as_deref() != Some(version) {
            missing.push(format!(
                "-/search.json does not say {name}@{version} is latest"
            ));
        }
    }
    let refs = std::fs::read_to_string(site.join("-/index.git/info/refs")).unwrap_or_default();
    if !refs.contains(head) {
        missing.push(format!("-/index.git/ does not hold {head}: {refs}"));
    }
    missing
}

/// The files derived from every publish (the change feed, the search document and
/// `-/index.git/`) are written after the answers, coalesced while publishes keep coming:
/// once the writer is idle, they include every acknowledged publish. (A writer stopped
/// before writing them is `build::derived_files_owed_by_a_stopped_writer_…`.)
#[test]
fn derived_files_catch_up_with_every_acknowledged_publish() {
    let mut rng = Rng::new(common::seed("SHELF_LOAD_SEED"));
    let fx = Fixture::new();
    let server = Server::shelf(&mut common::server::unlimited_serve(&fx.data()));
    let base = server.base.clone();
    let token = sign_up(&base, "burst");
    // Publishers at once, each with its own packages, one new version after another.
    let burst: Vec<Vec<(String, String, Vec<u8>)>> = (0..PUBLISHERS * 2)
        .map(|p| {
            (0..6)
                .map(|i| {
                    let name = format!("burst-{p}-{}", i % 2);
                    let version = format!("1.{i}.0");
                    let bytes = zip(&mut rng, &name, &version);
                    (name, version, bytes)
                })
                .collect()
        })
        .collect();
    let acknowledged = Mutex::new(Vec::new());
    thread::scope(|scope| {
        for publisher in &burst {
            let (base, token, acknowledged) = (&base, &token, &acknowledged);
            scope.spawn(move || {
                for (name, version, bytes) in publisher {
                    publish_ok(base, token, name, version, bytes);
                    acknowledged
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .push((name.clone(), version.clone()));
                }
            });
        }
    });
    let acknowledged = acknowledged
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner);
    assert_eq!(acknowledged.len(), PUBLISHERS * 2 * 6);
    let head = git_in(&fx.index(), &["rev-parse", "HEAD"])
        .trim()
        .to_owned();
    // They lag the last answer by half a second and a batch (`DERIVED_LAG`); the bound
    // here only keeps a broken writer from hanging the suite.
    let give_up = Instant::now() + Duration::from_secs(60);
    loop {
        let missing = not_derived_yet(&fx.site(), &acknowledged, &head);
        if missing.is_empty() {
            break;
        }
        assert!(
            Instant::now() < give_up,
            "the derived files never caught up: {missing:#?}"
        );
        thread::sleep(Duration::from_millis(50));
    }
    // And `git clone` of the served `-/index.git/` has every commit.
    let work = tempfile::tempdir().expect("tempdir");
    git_in(
        work.path(),
        &["clone", "--quiet", &format!("{base}/-/index.git"), "copy"],
    );
    assert_eq!(
        git_in(&work.path().join("copy"), &["rev-parse", "HEAD"]).trim(),
        head
    );
}
