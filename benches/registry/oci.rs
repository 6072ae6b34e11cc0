//! OCI, side by side with the CNCF reference registry (`docker-registry` 2.8 from Debian,
//! filesystem storage): `skopeo copy` of a 4-layer image into each (push), then out of each
//! (pull), Shelf's pull from its static tree behind nginx with the shipped configuration,
//! `shelf serve` stopped, in the same run.
//!
//! Each round makes a new image (random bytes, gzipped so that skopeo copies the layers as
//! they are rather than compressing them) in an OCI layout on disk, pushes it to both
//! registries (alternating which goes first), then pulls it from both into fresh layouts.
//! Times are the wall time of the `skopeo` process (its start included: the same for both).
//! Shelf's pushes authenticate (a token from `/v2/token` with Basic credentials, as every
//! push to Shelf must); the reference registry runs without authentication, as its
//! packaged default does.
//!
//! Run by `cargo test`, one round of a small image checks that every copy succeeds and
//! comes back with the same blobs.

use std::{
    fs,
    io::Write as _,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    thread,
    time::{Duration, Instant},
};

use anyhow::{Context as _, bail, ensure};
use base64::Engine as _;
use serde_json::json;
use sha2::{Digest as _, Sha256};

use crate::{
    process::Serve,
    publish::noise,
    reads::{Nginx, free_port},
};

/// How much the OCI phase does.
pub struct Plan {
    /// Rounds: each pushes a new image to both and pulls it from both.
    pub rounds: usize,
    /// Layers of each image.
    pub layers: usize,
    /// Bytes of each layer (gzipped noise: about as many compressed).
    pub layer_bytes: usize,
    /// An untimed round first.
    pub warm_up: bool,
    /// Bytes of the one blob pulled whole through `shelf serve`, nginx and the reference
    /// registry (issue 23: 500 MB).
    pub big_blob: usize,
    /// How many times each pulls it.
    pub blob_rounds: usize,
    /// Bytes of the one layer of the single-layer image (issue 23: 500 MiB), and its
    /// rounds (none: not measured).
    pub single_layer: usize,
    pub single_rounds: usize,
}

/// What the OCI phase measured.
pub struct Figures {
    pub skopeo: String,
    pub registry: String,
    pub image_bytes: u64,
    pub layers: usize,
    pub push_shelf: Vec<Duration>,
    pub push_reference: Vec<Duration>,
    pub pull_nginx: Vec<Duration>,
    pub pull_reference: Vec<Duration>,
    /// The big blob's size, and its pulls through `shelf serve`, nginx and the reference.
    pub big_blob: u64,
    pub blob_serve: Vec<Duration>,
    pub blob_nginx: Vec<Duration>,
    pub blob_reference: Vec<Duration>,
    /// The single-layer image's size, and its pushes and pulls.
    pub single_bytes: u64,
    pub single_push_shelf: Vec<Duration>,
    pub single_push_reference: Vec<Duration>,
    pub single_pull_nginx: Vec<Duration>,
    pub single_pull_reference: Vec<Duration>,
}

const USER: &str = "bench";
const PASSWORD: &str = "a long enough password";

/// The reference registry, killed when dropped.
struct Reference {
    child: Child,
    host: String,
}

impl Reference {
    fn start(dir: &Path) -> anyhow::Result<Reference> {
        let port = free_port()?;
        fs::create_dir_all(dir.join("storage"))?;
        let config = dir.join("config.yml");
        fs::write(
            &config,
            format!(
                "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: {}\n  \
                 delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:{port}\n",
                dir.join("storage").display()
            ),
        )?;
        let child = Command::new("docker-registry")
            .arg("serve")
            .arg(&config)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| {
                anyhow::anyhow!(
                    "cannot run docker-registry ({e}); install it with \
                     `apt-get install -y docker-registry`"
                )
            })?;
        let host = format!("127.0.0.1:{port}");
        let registry = Reference { child, host };
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline {
                bail!("docker-registry did not start listening on {port}");
            }
            thread::sleep(Duration::from_millis(20));
        }
        Ok(registry)
    }
}

impl Drop for Reference {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn digest(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

/// Writes an image of `layers_of.0` gzipped-noise layers of `layers_of.1` bytes each to a
/// new OCI layout at `dir`, tagged `v1`; its size in bytes.
fn image(dir: &Path, layers_of: (usize, usize), seed: u64) -> anyhow::Result<u64> {
    let (layer_count, layer_bytes) = layers_of;
    let blobs = dir.join("blobs/sha256");
    fs::create_dir_all(&blobs)?;
    let write = |bytes: &[u8]| -> anyhow::Result<String> {
        let d = digest(bytes);
        fs::write(blobs.join(d.trim_start_matches("sha256:")), bytes)?;
        Ok(d)
    };
    let mut layers = Vec::new();
    let mut diff_ids = Vec::new();
    let mut total = 0u64;
    for n in 0..layer_count {
        let raw = noise(layer_bytes, seed * 1000 + n as u64 + 1);
        diff_ids.push(digest(&raw));
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&raw)?;
        let gz = gz.finish()?;
        total += gz.len() as u64;
        layers.push(json!({
            "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
            "digest": write(&gz)?, "size": gz.len()
        }));
    }
    let config = json!({"architecture": "amd64", "os": "linux",
        "rootfs": {"type": "layers", "diff_ids": diff_ids}, "config": {}})
    .to_string();
    let manifest = json!({
        "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": write(config.as_bytes())?, "size": config.len()},
        "layers": layers
    })
    .to_string();
    let index = json!({"schemaVersion": 2, "manifests": [{
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "digest": write(manifest.as_bytes())?, "size": manifest.len(),
        "annotations": {"org.opencontainers.image.ref.name": "v1"}}]});
    fs::write(dir.join("index.json"), index.to_string())?;
    fs::write(dir.join("oci-layout"), r#"{"imageLayoutVersion":"1.0.0"}"#)?;
    Ok(total + (config.len() + manifest.len()) as u64)
}

/// Runs `skopeo ARGS…` (no user's credentials or policy leak in); its wall time.
fn skopeo(home: &Path, args: &[&str]) -> anyhow::Result<Duration> {
    let started = Instant::now();
    let out = Command::new("skopeo")
        .args(args)
        .env("HOME", home)
        .env("REGISTRY_AUTH_FILE", home.join("auth.json"))
        .output()
        .map_err(|e| {
            anyhow::anyhow!("cannot run skopeo ({e}); install it with `apt-get install -y skopeo`")
        })?;
    let took = started.elapsed();
    ensure!(
        out.status.success(),
        "skopeo {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(took)
}

fn version(command: &str, arg: &str) -> String {
    Command::new(command)
        .arg(arg)
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default()
}

/// The blob file names of the layout at `dir`, sorted.
fn blobs_of(dir: &Path) -> anyhow::Result<Vec<String>> {
    let mut names: Vec<String> = fs::read_dir(dir.join("blobs/sha256"))?
        .map(|e| Ok(e?.file_name().to_string_lossy().into_owned()))
        .collect::<anyhow::Result<_>>()?;
    names.sort();
    Ok(names)
}

pub fn measure(plan: &Plan, root: &Path) -> anyhow::Result<Figures> {
    let work = root.join("oci-work");
    if work.exists() {
        fs::remove_dir_all(&work)?;
    }
    fs::create_dir_all(&work)?;
    let home = work.join("home");
    fs::create_dir_all(&home)?;
    let reference = Reference::start(&work.join("reference"))?;
    // Shelf's site is read through nginx at the host's root; pushes go to `shelf serve`.
    let nginx_port = free_port()?;
    let api_port = free_port()?;
    let api_host = format!("127.0.0.1:{api_port}");
    let data = work.join("shelf");
    let server = Serve::start(
        crate::shelf(&data, &format!("http://127.0.0.1:{nginx_port}"))
            .arg("serve")
            .args(["--listen", &api_host])
            .args(["--token-realm", &format!("http://{api_host}/v2/token")])
            .args(["--login-per-minute", "1000"]),
    )?;
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let account = json!({"username": USER, "password": PASSWORD, "email": "bench@example.com"});
    let answer = agent
        .post(&format!("{}/register", server.base))
        .content_type("application/json")
        .send(account.to_string())?;
    ensure!(
        answer.status().as_u16() == 200,
        "register: {}",
        answer.status()
    );
    let creds = format!("{USER}:{PASSWORD}");

    let mut figures = Figures {
        skopeo: version("skopeo", "--version"),
        registry: version("docker-registry", "--version"),
        image_bytes: 0,
        layers: plan.layers,
        push_shelf: Vec::new(),
        push_reference: Vec::new(),
        pull_nginx: Vec::new(),
        pull_reference: Vec::new(),
        big_blob: plan.big_blob as u64,
        blob_serve: Vec::new(),
        blob_nginx: Vec::new(),
        blob_reference: Vec::new(),
        single_bytes: 0,
        single_push_shelf: Vec::new(),
        single_push_reference: Vec::new(),
        single_pull_nginx: Vec::new(),
        single_pull_reference: Vec::new(),
    };
    // The image sets: `img`, the multi-layer image, then `one`, the single big layer.
    let sets = [
        (
            "img",
            (plan.layers, plan.layer_bytes),
            plan.rounds,
            plan.warm_up,
        ),
        ("one", (1, plan.single_layer), plan.single_rounds, false),
    ];
    let mut images = Vec::new();
    for (set, layers_of, set_rounds, warm_up) in sets {
        let rounds = set_rounds + usize::from(warm_up && set_rounds > 0);
        eprintln!("OCI push of {set} ({rounds} rounds)");
        for round in 0..rounds {
            let layout = work.join(format!("image-{set}-{round}"));
            let bytes = image(&layout, layers_of, round as u64 + 1)?;
            if set == "img" {
                figures.image_bytes = bytes;
            } else {
                figures.single_bytes = bytes;
            }
            let source = format!("oci:{}:v1", layout.display());
            let to_shelf = format!("docker://{api_host}/bench/{set}{round}:v1");
            let to_reference = format!("docker://{}/bench/{set}{round}:v1", reference.host);
            let push_shelf = || {
                skopeo(
                    &home,
                    &[
                        "copy",
                        "--dest-tls-verify=false",
                        "--dest-creds",
                        &creds,
                        &source,
                        &to_shelf,
                    ],
                )
            };
            let push_reference = || {
                skopeo(
                    &home,
                    &["copy", "--dest-tls-verify=false", &source, &to_reference],
                )
            };
            let (shelf, peer) = if round % 2 == 0 {
                let shelf = push_shelf()?;
                (shelf, push_reference()?)
            } else {
                let peer = push_reference()?;
                (push_shelf()?, peer)
            };
            if round > 0 || !warm_up {
                let (to_shelf, to_peer) = if set == "img" {
                    (&mut figures.push_shelf, &mut figures.push_reference)
                } else {
                    (
                        &mut figures.single_push_shelf,
                        &mut figures.single_push_reference,
                    )
                };
                to_shelf.push(shelf);
                to_peer.push(peer);
            }
            images.push((set, round, warm_up, layout));
        }
    }

    // One big blob, in an image of its own (the static tree holds the blobs manifests
    // name), pushed to both in one request each.
    let big = noise(plan.big_blob, 4242);
    let big_digest = digest(&big);
    let token = {
        let url = format!(
            "{}/v2/token?service=shelf&scope=repository:bench/big:pull,push",
            server.base
        );
        let basic = base64::engine::general_purpose::STANDARD.encode(&creds);
        let mut answer = agent
            .get(&url)
            .header("Authorization", &format!("Basic {basic}"))
            .call()?;
        let body: serde_json::Value = serde_json::from_slice(&answer.body_mut().read_to_vec()?)?;
        body["token"].as_str().unwrap_or_default().to_owned()
    };
    let bearer = format!("Bearer {token}");
    let config = b"{}";
    let manifest = json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": digest(config), "size": config.len()},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                    "digest": big_digest, "size": big.len()}]
    })
    .to_string();
    for (base, auth) in [
        (server.base.clone(), Some(bearer.as_str())),
        (format!("http://{}", reference.host), None),
    ] {
        // A session, then the whole blob with its digest (the reference registry takes no
        // digest on the POST).
        for blob in [&big[..], &config[..]] {
            let url = format!("{base}/v2/bench/big/blobs/uploads/");
            let mut request = agent.post(&url);
            if let Some(auth) = auth {
                request = request.header("Authorization", auth);
            }
            let started = request.send_empty()?;
            let status = started.status().as_u16();
            ensure!(status == 202, "upload to {base}: {status}");
            let location = (started.headers().get("location"))
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            let location = if location.starts_with("http") {
                location
            } else {
                format!("{base}{location}")
            };
            let separator = if location.contains('?') { '&' } else { '?' };
            let url = format!("{location}{separator}digest={}", digest(blob));
            let mut request = agent.put(&url).content_type("application/octet-stream");
            if let Some(auth) = auth {
                request = request.header("Authorization", auth);
            }
            let status = request.send(blob)?.status().as_u16();
            ensure!(status == 201, "big blob to {base}: {status}");
        }
        let mut request = agent
            .put(&format!("{base}/v2/bench/big/manifests/v1"))
            .content_type("application/vnd.oci.image.manifest.v1+json");
        if let Some(auth) = auth {
            request = request.header("Authorization", auth);
        }
        let answer = request.send(manifest.as_bytes())?;
        ensure!(
            answer.status().as_u16() == 201,
            "big image to {base}: {}",
            answer.status()
        );
    }
    drop(big);

    let nginx = Nginx::start_on(&data.join("site"), &work.join("nginx"), nginx_port)?;
    let nginx_host = nginx.base.trim_start_matches("http://").to_owned();
    eprintln!(
        "OCI blob of {} MiB ({} rounds)",
        plan.big_blob >> 20,
        plan.blob_rounds
    );
    let pull_blob = |base: &str, auth: Option<&str>| -> anyhow::Result<Duration> {
        let url = format!("{base}/v2/bench/big/blobs/{big_digest}");
        let started = Instant::now();
        let mut request = agent.get(&url).header("Accept-Encoding", "gzip");
        if let Some(auth) = auth {
            request = request.header("Authorization", auth);
        }
        let mut answer = request.call()?;
        ensure!(
            answer.status().as_u16() == 200,
            "blob from {base}: {}",
            answer.status()
        );
        let mut hasher = Sha256::new();
        let read = std::io::copy(
            &mut answer.body_mut().with_config().limit(u64::MAX).reader(),
            &mut hasher,
        )?;
        let took = started.elapsed();
        ensure!(
            read == plan.big_blob as u64
                && format!("sha256:{}", hex::encode(hasher.finalize())) == big_digest,
            "the blob from {base} is not the one pushed"
        );
        Ok(took)
    };
    for _ in 0..plan.blob_rounds {
        figures
            .blob_serve
            .push(pull_blob(&server.base, Some(&bearer))?);
        figures.blob_nginx.push(pull_blob(&nginx.base, None)?);
        let reference_base = format!("http://{}", reference.host);
        figures
            .blob_reference
            .push(pull_blob(&reference_base, None)?);
    }
    drop(server);
    eprintln!("OCI pull ({} images)", images.len());
    for (set, round, warm_up, layout) in &images {
        let (round, warm_up) = (*round, *warm_up);
        let pull = |host: &str, out: &PathBuf| {
            let from = format!("docker://{host}/bench/{set}{round}:v1");
            let to = format!("oci:{}:v1", out.display());
            let took = skopeo(&home, &["copy", "--src-tls-verify=false", &from, &to])?;
            ensure!(
                blobs_of(out)? == blobs_of(layout)?,
                "the image pulled from {host} is not the one pushed"
            );
            fs::remove_dir_all(out)?;
            Ok(took)
        };
        let (a, b) = (work.join("pulled-a"), work.join("pulled-b"));
        let (shelf, peer) = if round % 2 == 0 {
            let shelf = pull(&nginx_host, &a)?;
            (shelf, pull(&reference.host, &b)?)
        } else {
            let peer = pull(&reference.host, &b)?;
            (pull(&nginx_host, &a)?, peer)
        };
        if round > 0 || !warm_up {
            let (to_shelf, to_peer) = if *set == "img" {
                (&mut figures.pull_nginx, &mut figures.pull_reference)
            } else {
                (
                    &mut figures.single_pull_nginx,
                    &mut figures.single_pull_reference,
                )
            };
            to_shelf.push(shelf);
            to_peer.push(peer);
        }
    }
    drop(nginx);
    drop(reference);
    fs::remove_dir_all(&work).context("cleaning up")?;
    Ok(figures)
}
