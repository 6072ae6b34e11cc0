//! Publishing through a running `shelf serve` with Shelf's own client, as `shelf publish`
//! does: `POST /releases`, then `PUT` of the zip to the upload URL, answered 200 only once
//! the index commit and the static files exist.

use std::{
    io::Cursor,
    path::Path,
    sync::atomic::{AtomicU64, Ordering},
    thread,
    time::{Duration, Instant},
};

use anyhow::{Context as _, bail};
use shelf::{
    client::{Auth, HttpTransport, RegistryClient, RegistryUrl, Secret, bodies::NewRelease},
    serverless::package::{
        archive::{Limits, inspect},
        testing::{ZipBuilder, publish_yaml},
    },
};

pub type Client = RegistryClient<HttpTransport>;

/// A client logged in as `username`.
pub fn login(base: &str, username: &str, password: &str) -> anyhow::Result<(RegistryUrl, Secret)> {
    let registry = RegistryUrl::parse(base)?;
    let anonymous = RegistryClient::new(registry.clone(), Auth::Anonymous, HttpTransport::new());
    let answer = anonymous.login(username, password)?;
    Ok((registry, answer.token))
}

pub fn client(registry: &RegistryUrl, token: &Secret) -> Client {
    RegistryClient::new(
        registry.clone(),
        Auth::Token(token.clone()),
        HttpTransport::new(),
    )
}

/// Bytes no compressor can shrink, so a zip's size is the payload's size.
pub fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        // xorshift64
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.extend_from_slice(&x.to_le_bytes());
    }
    out.truncate(len);
    out
}

/// A valid package zip whose `assets/payload.bin` holds `payload` incompressible bytes.
pub fn package_zip(name: &str, version: &str, payload: usize, seed: u64) -> Vec<u8> {
    ZipBuilder::new()
        .file("publish.yaml", publish_yaml(name, version))
        .file(
            "README.md",
            format!("# {name}\n\nA package published by the benchmark.\n"),
        )
        .file("src/index.js", "module.exports = {};\n")
        .stored("assets/payload.bin", noise(payload, seed))
        .build()
}

/// The release a zip announces.
pub fn release_of(zip: &[u8], limits: &Limits) -> anyhow::Result<NewRelease> {
    let inspected = inspect(Cursor::new(zip), limits)?;
    Ok(NewRelease::from_inspected(&inspected, String::new()))
}

/// One publish, timed from the first byte of `POST /releases` to the upload's answer.
pub fn publish<R: std::io::Read + std::io::Seek>(
    client: &Client,
    release: &NewRelease,
    zip: &mut R,
) -> anyhow::Result<Duration> {
    publish_rebased(client, release, zip, None)
}

/// [`publish`] to a server whose base URL names another host (the npm phase's names the
/// nginx in front of its site): `rebase` is (that base, the server's own address), and
/// the upload URL the server answers is sent to the server.
pub fn publish_rebased<R: std::io::Read + std::io::Seek>(
    client: &Client,
    release: &NewRelease,
    zip: &mut R,
    rebase: Option<(&str, &str)>,
) -> anyhow::Result<Duration> {
    let started = Instant::now();
    let created = client
        .create_release(release)
        .with_context(|| format!("POST /releases for {}@{}", release.name, release.version))?;
    let url = match rebase {
        Some((named, server)) => match created.upload_url.strip_prefix(named) {
            Some(path) => format!("{}{path}", server.trim_end_matches('/')),
            None => created.upload_url.clone(),
        },
        None => created.upload_url.clone(),
    };
    client
        .upload(&url, zip, &mut |_| {})
        .with_context(|| format!("upload of {}@{}", release.name, release.version))?;
    Ok(started.elapsed())
}

/// Publishes `count` new versions, one after another, of the existing packages `names`
/// (round robin), each with a zip of about `payload` bytes; returns every latency.
pub fn sequential(
    client: &Client,
    names: &[String],
    count: usize,
    payload: usize,
    limits: &Limits,
) -> anyhow::Result<Vec<Duration>> {
    let mut latencies = Vec::with_capacity(count);
    for i in 0..count {
        let name = &names[i % names.len()];
        // Above every synthetic version (1.v.0), so each publish moves `latest`.
        let version = format!("2.{i}.0");
        let zip = package_zip(name, &version, payload, i as u64 + 1);
        let release = release_of(&zip, limits)?;
        latencies.push(publish(client, &release, &mut Cursor::new(zip))?);
    }
    Ok(latencies)
}

/// What [`concurrent`] measured.
pub struct Sustained {
    pub publishes: u64,
    pub wall: Duration,
}

/// `publishers` threads, each publishing `each` versions of its own new package with small
/// (synthetic-sized) zips, all at once. Every publish must be answered 200.
pub fn concurrent(
    registry: &RegistryUrl,
    token: &Secret,
    prefix: &str,
    publishers: usize,
    each: usize,
    limits: &Limits,
) -> anyhow::Result<Sustained> {
    // Zips and releases are made before the clock starts: this measures the server.
    let mut work = Vec::new();
    for t in 0..publishers {
        let name = format!("{prefix}-{t:03}");
        let mut mine = Vec::new();
        for v in 0..each {
            let zip = package_zip(&name, &format!("1.0.{v}"), 12 << 10, (t * 1000 + v) as u64);
            mine.push((release_of(&zip, limits)?, zip));
        }
        work.push(mine);
    }
    let done = AtomicU64::new(0);
    let started = Instant::now();
    let failures: Vec<anyhow::Error> = thread::scope(|scope| {
        let handles: Vec<_> = work
            .into_iter()
            .map(|mine| {
                let done = &done;
                scope.spawn(move || -> anyhow::Result<()> {
                    let client = client(registry, token);
                    for (release, zip) in mine {
                        publish(&client, &release, &mut Cursor::new(zip))?;
                        done.fetch_add(1, Ordering::Relaxed);
                    }
                    Ok(())
                })
            })
            .collect();
        handles
            .into_iter()
            .filter_map(|h| match h.join() {
                Ok(Ok(())) => None,
                Ok(Err(e)) => Some(e),
                Err(_) => Some(anyhow::anyhow!("a publisher thread panicked")),
            })
            .collect()
    });
    let wall = started.elapsed();
    if let Some(first) = failures.into_iter().next() {
        bail!("a concurrent publish failed: {first:#}");
    }
    Ok(Sustained {
        publishes: done.load(Ordering::Relaxed),
        wall,
    })
}

/// Writes a zip of `bytes` incompressible bytes (plus the package files) to `path`, in
/// 8 MiB stored entries so the validator's per-entry checks see a realistic archive.
pub fn write_big_zip(path: &Path, name: &str, version: &str, bytes: usize) -> anyhow::Result<()> {
    const CHUNK: usize = 8 << 20;
    let mut builder = ZipBuilder::new()
        .file("publish.yaml", publish_yaml(name, version))
        .file("README.md", format!("# {name}\n\nA large package.\n"));
    for (i, start) in (0..bytes).step_by(CHUNK).enumerate() {
        let len = CHUNK.min(bytes - start);
        builder = builder.stored(&format!("data/part-{i:04}.bin"), noise(len, i as u64 + 7));
    }
    std::fs::write(path, builder.build()).with_context(|| format!("write {}", path.display()))
}
