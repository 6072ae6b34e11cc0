//! npm, side by side with Verdaccio: publish latency of ~1 MiB tarballs through `shelf
//! serve` and through Verdaccio, and `npm install` with an empty cache from Shelf's static
//! tree behind nginx and from Verdaccio, in the same run.
//!
//! Verdaccio is the peer npm users would run instead (a Node server keeping packages on
//! disk). Version [`VERDACCIO`] is installed once from the npm registry into
//! `target/tmp/bench-registry/verdaccio/` and started offline: no uplink, so nothing it
//! answers comes from elsewhere. Both registries start empty, on the same disk.
//!
//! Publishes are the request the `npm` client makes (its headers and its JSON, captured from
//! `npm publish` of npm 11: the version's manifest with `readme`, `_id`, `dist.integrity`
//! and `dist.shasum`, the tarball base64 in `_attachments`), built in memory before the
//! clock starts and sent over one keep-alive connection per registry, alternating between
//! the two so that whatever else the machine does falls on both. Installs run the real
//! `npm install` of a project depending on every package, each with a fresh cache and a
//! fresh project (no lockfile), alternating too; Shelf's side from nginx alone, `shelf
//! serve` stopped. Then the same install from a cache that already holds everything,
//! `--offline`: npm's own cost, below which no registry can bring an install.
//!
//! Run by `cargo test`, the phase is tiny (3 publishes, 3 packages, one install each),
//! Verdaccio included: its install is cached in target/tmp, so only a fresh checkout
//! fetches it (~15 s). It checks that every publish is answered 200 or 201 and that every
//! install puts every package into `node_modules`.

use std::{
    fs,
    io::Write as _,
    path::{Path, PathBuf},
    process::{Child, Command},
    thread,
    time::{Duration, Instant},
};

use anyhow::{Context as _, bail, ensure};
use base64::{Engine as _, engine::general_purpose::STANDARD};
use serde_json::{Value, json};
use sha1::Sha1;
use sha2::{Digest as _, Sha512};

use crate::{
    process::{Serve, run_measured},
    publish::noise,
    reads::{Nginx, free_port},
};

/// The Verdaccio measured against: the newest whose `engines` accept Node 20.
pub const VERDACCIO: &str = "6.8.0";

/// How much the npm phase does.
pub struct Plan {
    /// How many packages each registry holds before each round of timed publishes (small
    /// packages published untimed, the same into both, in increasing order).
    pub held: Vec<usize>,
    /// Timed publishes to each registry in each round.
    pub publishes: usize,
    /// Incompressible bytes in each timed publish's tarball.
    pub payload: usize,
    /// Packages the installed project depends on.
    pub packages: usize,
    /// Timed installs from each registry.
    pub installs: usize,
    /// An untimed install from each registry first, so neither server's first requests
    /// (Node's JIT, nginx's and the kernel's caches) land in a measured one.
    pub warm_up: bool,
}

/// What the npm phase measured.
pub struct Figures {
    pub node: String,
    pub npm: String,
    /// Size of each timed publish's tarball and of its request body (the same for both).
    pub tarball_bytes: usize,
    pub body_bytes: usize,
    /// Size of each timed Serverless publish's zip.
    pub zip_bytes: usize,
    /// One round of timed publishes per [`Plan::held`].
    pub rounds: Vec<Round>,
    pub packages: usize,
    pub install_shelf: Vec<Install>,
    pub install_verdaccio: Vec<Install>,
    /// The same install from a warm cache, offline: npm's own cost.
    pub install_floor: Vec<Install>,
}

/// The timed publishes with one number of packages held.
pub struct Round {
    /// Packages each registry held when the round began.
    pub held: usize,
    /// `npm publish` through `shelf serve`.
    pub npm_shelf: Vec<Duration>,
    /// The same publish to Verdaccio.
    pub npm_verdaccio: Vec<Duration>,
    /// A Serverless publish of a zip of the same size through `shelf serve` (`POST
    /// /releases`, then the upload, as `shelf publish` and the `s` client send them).
    pub serverless_shelf: Vec<Duration>,
}

const USER: &str = "bench";
const PASSWORD: &str = "a bench password, long enough";

pub fn measure(plan: &Plan, root: &Path) -> anyhow::Result<Figures> {
    let (node, npm) = tools()?;
    let verdaccio_bin = install_verdaccio(&root.join("verdaccio"))?;
    let work = root.join("npm-work");
    if work.exists() {
        fs::remove_dir_all(&work)?;
    }
    fs::create_dir_all(&work)?;

    let verdaccio = Verdaccio::start(&verdaccio_bin, &work.join("verdaccio"))?;
    // Shelf's site is read through nginx, so its packuments must name nginx's URL.
    let nginx_port = free_port()?;
    let nginx_base = format!("http://127.0.0.1:{nginx_port}");
    let data = work.join("shelf");
    let server = Serve::start(
        crate::shelf(&data, &nginx_base)
            .arg("serve")
            .args(["--listen", "127.0.0.1:0"])
            .args(["--publish-per-hour", "1000000"])
            .args(["--login-per-minute", "1000"]),
    )?;
    let shelf_api = format!("{}/npm/", server.base);
    let client = Client::new(&node, &npm);
    let shelf_token = client.adduser(&shelf_api)?;
    let verdaccio_token = client.adduser(&verdaccio.registry)?;
    let shelf = Target {
        name: "shelf serve",
        registry: &shelf_api,
        token: &shelf_token,
    };
    let peer = Target {
        name: "Verdaccio",
        registry: &verdaccio.registry,
        token: &verdaccio_token,
    };

    let (registry, secret) = crate::publish::login(&server.base, USER, PASSWORD)?;
    let serverless = crate::publish::client(&registry, &secret);
    let limits = shelf::serverless::package::archive::Limits::default();
    let mut rounds = Vec::with_capacity(plan.held.len());
    let (mut held, mut tarball_bytes, mut body_bytes, mut zip_bytes) = (0, 0, 0, 0);
    for (round, &want) in plan.held.iter().enumerate() {
        eprintln!("npm: {want} packages held in each registry");
        // Small packages, untimed, the same into both; a round's timed publishes count.
        while held < want {
            let name = format!("bench-held-{held:04}");
            let version = small_package(&name, &[])?;
            for target in [&shelf, &peer] {
                client.publish(target, &name, &version.body(target.registry, &client)?)?;
            }
            held += 1;
        }
        eprintln!(
            "npm and Serverless publish latency ({} each)",
            plan.publishes
        );
        let mut bodies = Vec::with_capacity(plan.publishes);
        for i in 0..plan.publishes {
            let name = format!("bench-pub-{round}-{i:04}");
            let seed = (round * plan.publishes + i) as u64 + 1;
            // 4 KiB below the MiB leave room for the other files, headers and gzip's framing.
            let payload = noise(plan.payload.saturating_sub(4 << 10), seed);
            let version = Version::new(bench_manifest(&name), Some(payload))?;
            tarball_bytes = version.tgz.len();
            let for_shelf = version.body(shelf.registry, &client)?;
            let for_peer = version.body(peer.registry, &client)?;
            body_bytes = for_shelf.len();
            let sls = format!("bench-sls-{round}-{i:04}");
            let zip = crate::publish::package_zip(&sls, "1.0.0", plan.payload, seed);
            zip_bytes = zip.len();
            let release = crate::publish::release_of(&zip, &limits)?;
            bodies.push((name, for_shelf, for_peer, release, zip));
        }
        let mut timed = Round {
            held,
            npm_shelf: Vec::with_capacity(bodies.len()),
            npm_verdaccio: Vec::with_capacity(bodies.len()),
            serverless_shelf: Vec::with_capacity(bodies.len()),
        };
        for (i, (name, for_shelf, for_peer, release, zip)) in bodies.into_iter().enumerate() {
            // Each goes first as often as the others, so none always follows another's work.
            for turn in 0..3 {
                match (i + turn) % 3 {
                    0 => timed
                        .npm_shelf
                        .push(client.publish(&shelf, &name, &for_shelf)?),
                    1 => timed
                        .npm_verdaccio
                        .push(client.publish(&peer, &name, &for_peer)?),
                    _ => timed.serverless_shelf.push(crate::publish::publish_rebased(
                        &serverless,
                        &release,
                        &mut std::io::Cursor::new(&zip),
                        Some((&nginx_base, &server.base)),
                    )?),
                }
            }
            held += 1;
        }
        rounds.push(timed);
    }

    eprintln!("npm install of {} packages", plan.packages);
    let graph = dependency_graph(plan.packages);
    for (name, deps) in &graph {
        let version = small_package(name, deps)?;
        for target in [&shelf, &peer] {
            client.publish(target, name, &version.body(target.registry, &client)?)?;
        }
    }
    // Stopped before any install, so that nothing but nginx and the files can answer.
    drop(server);
    let nginx = Nginx::start_on(&data.join("site"), &work.join("nginx"), nginx_port)?;
    let static_registry = format!("{nginx_base}/npm/");
    let installs = Installs {
        dir: work.join("installs"),
        packages: graph.iter().map(|(name, _)| name.clone()).collect(),
    };
    if plan.warm_up {
        installs.run(&static_registry, "warm-shelf")?;
        installs.run(&verdaccio.registry, "warm-verdaccio")?;
    }
    let mut install_shelf = Vec::with_capacity(plan.installs);
    let mut install_verdaccio = Vec::with_capacity(plan.installs);
    let mut install_floor = Vec::with_capacity(plan.installs);
    for i in 0..plan.installs {
        let shelf_run = format!("shelf-{i}");
        let peer_run = format!("verdaccio-{i}");
        if i % 2 == 0 {
            install_shelf.push(installs.run(&static_registry, &shelf_run)?);
            install_verdaccio.push(installs.run(&verdaccio.registry, &peer_run)?);
        } else {
            install_verdaccio.push(installs.run(&verdaccio.registry, &peer_run)?);
            install_shelf.push(installs.run(&static_registry, &shelf_run)?);
        }
        install_floor.push(installs.floor(&static_registry, &format!("floor-{i}"))?);
    }
    drop(nginx);
    drop(verdaccio);
    fs::remove_dir_all(&work)?;
    Ok(Figures {
        node,
        npm,
        tarball_bytes,
        body_bytes,
        zip_bytes,
        rounds,
        packages: plan.packages,
        install_shelf,
        install_verdaccio,
        install_floor,
    })
}

/// `node --version` and `npm --version`; a clear failure when either is missing.
fn tools() -> anyhow::Result<(String, String)> {
    let version = |tool: &str| -> anyhow::Result<String> {
        let out = Command::new(tool).arg("--version").output();
        match out {
            Ok(out) if out.status.success() => {
                let text = String::from_utf8_lossy(&out.stdout);
                Ok(text.trim().trim_start_matches('v').to_owned())
            }
            _ => bail!(
                "the npm phase needs `{tool}`, which is missing; install Node and npm with \
                 `apt-get install -y npm` (bash .ci/test does)"
            ),
        }
    };
    Ok((version("node")?, version("npm")?))
}

/// The `package.json` of a package the benchmark publishes.
fn bench_manifest(name: &str) -> Value {
    json!({
        "name": name,
        "version": "1.0.0",
        "description": "A package published by the benchmark",
        "main": "index.js",
        "license": "MIT",
    })
}

/// Verdaccio's publish latency beside the registry phase's: a Verdaccio whose database
/// lists `listed` packages (as many as Shelf's registry holds; a publish of a new package
/// rewrites that list), then `count` new packages of one version whose tarball is about
/// `payload` bytes, published one after another over one connection as `npm publish` sends
/// them, each timed from the first byte sent to the last byte of the answer.
///
/// # Errors
/// Installing or starting Verdaccio, or a publish it refuses.
pub fn verdaccio_publishes(
    root: &Path,
    listed: usize,
    count: usize,
    payload: usize,
) -> anyhow::Result<Vec<Duration>> {
    let (node, npm) = tools()?;
    let bin = install_verdaccio(&root.join("verdaccio"))?;
    let dir = root.join("registry-verdaccio");
    if dir.exists() {
        fs::remove_dir_all(&dir)?;
    }
    let storage = dir.join("storage");
    fs::create_dir_all(&storage)?;
    let names: Vec<String> = (0..listed).map(crate::synth::package_name).collect();
    let database = json!({ "list": names, "secret": hex::encode([7u8; 16]) });
    fs::write(storage.join(".verdaccio-db.json"), database.to_string())?;
    let verdaccio = Verdaccio::start(&bin, &dir)?;
    let client = Client::new(&node, &npm);
    let token = client.adduser(&verdaccio.registry)?;
    let peer = Target {
        name: "Verdaccio",
        registry: &verdaccio.registry,
        token: &token,
    };
    let mut times = Vec::with_capacity(count);
    for i in 0..count {
        let name = format!("bench-reg-{i:04}");
        let manifest = bench_manifest(&name);
        let noise = noise(payload.saturating_sub(4 << 10), i as u64 + 1);
        let body = Version::new(manifest, Some(noise))?.body(peer.registry, &client)?;
        times.push(client.publish(&peer, &name, &body)?);
    }
    Ok(times)
}

/// Verdaccio installed in `dir` (once; later runs find it there); its start script.
fn install_verdaccio(dir: &Path) -> anyhow::Result<PathBuf> {
    let bin = dir.join("node_modules/verdaccio/bin/verdaccio");
    let done = dir.join(format!("installed-{VERDACCIO}"));
    if done.exists() && bin.exists() {
        return Ok(bin);
    }
    eprintln!("installing verdaccio@{VERDACCIO} into {}", dir.display());
    let _ = fs::remove_dir_all(dir);
    fs::create_dir_all(dir)?;
    // 6.8.0's verdaccio-audit depends on node-fetch by a dist-tag (`cjs`) that the
    // registry no longer has, so npm cannot resolve it; 2.7.0 is the CommonJS release.
    let manifest = json!({
        "name": "shelf-bench-verdaccio",
        "version": "0.0.0",
        "private": true,
        "dependencies": {"verdaccio": VERDACCIO},
        "overrides": {"node-fetch": "2.7.0"},
    });
    fs::write(dir.join("package.json"), manifest.to_string())?;
    let cache = dir.join("npm-cache");
    // Plain `npm install`: the package.json above names the exact version (an argument
    // `verdaccio@6.8.0` would be saved back as `^6.8.0`).
    let command = format!(
        "npm install --no-audit --no-fund --ignore-scripts` in {} (whose package.json asks \
         for verdaccio {VERDACCIO} with node-fetch overridden to 2.7.0",
        dir.display()
    );
    let out = Command::new("npm")
        .args(["install", "--no-audit", "--no-fund", "--ignore-scripts"])
        .current_dir(dir)
        .env("npm_config_cache", &cache)
        .env("npm_config_update_notifier", "false")
        .env("npm_config_loglevel", "warn")
        .output()
        .with_context(|| format!("cannot run `{command}); is npm installed?"))?;
    // The download cache is of no use once node_modules holds the packages.
    let _ = fs::remove_dir_all(&cache);
    if !out.status.success() {
        bail!(
            "`{command}) failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    ensure!(bin.exists(), "`{command}) left no {}", bin.display());
    let installed: Value =
        serde_json::from_slice(&fs::read(dir.join("node_modules/verdaccio/package.json"))?)?;
    ensure!(
        installed["version"] == VERDACCIO,
        "`{command}) installed verdaccio {}",
        installed["version"]
    );
    fs::write(&done, "")?;
    Ok(bin)
}

/// A running Verdaccio, killed when dropped.
struct Verdaccio {
    child: Child,
    /// `http://127.0.0.1:PORT/`.
    registry: String,
}

impl Verdaccio {
    /// Starts Verdaccio with its storage and logs in `dir`: offline, anyone may sign up,
    /// every package readable by all and publishable by any signed-in user. Configured as
    /// its documentation recommends for speed (issue 23, point 18): JWT API tokens
    /// (`security.api.jwt`), so a request's token is checked by its signature, where the
    /// legacy tokens re-run bcrypt on every publish (67 ms a publish here).
    fn start(bin: &Path, dir: &Path) -> anyhow::Result<Verdaccio> {
        fs::create_dir_all(dir.join("storage"))?;
        let config = dir.join("config.yaml");
        fs::write(
            &config,
            format!(
                "storage: {storage}\n\
                 max_body_size: 100mb\n\
                 auth:\n  htpasswd:\n    file: {htpasswd}\n    max_users: 1000\n\
                 security:\n  api:\n    jwt:\n      sign:\n        expiresIn: 7d\n\
                 uplinks: {{}}\n\
                 packages:\n  '**':\n    access: $all\n    publish: $authenticated\n    \
                 unpublish: $authenticated\n\
                 web:\n  enable: false\n\
                 log: {{ type: stdout, format: pretty, level: error }}\n",
                storage = dir.join("storage").display(),
                htpasswd = dir.join("htpasswd").display(),
            ),
        )?;
        let port = free_port()?;
        let log = dir.join("verdaccio.log");
        let out = fs::File::create(&log)?;
        let child = Command::new("node")
            .arg(bin)
            .arg("--config")
            .arg(&config)
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .stdout(out.try_clone()?)
            .stderr(out)
            .spawn()
            .context("cannot start Verdaccio with node")?;
        let mut verdaccio = Verdaccio {
            child,
            registry: format!("http://127.0.0.1:{port}/"),
        };
        let agent = agent();
        let ping = format!("{}-/ping", verdaccio.registry);
        // Bounded: a Verdaccio that never answers fails the run instead of hanging it.
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(answer) = agent.get(&ping).call()
                && answer.status().is_success()
            {
                return Ok(verdaccio);
            }
            if verdaccio.child.try_wait()?.is_some() || Instant::now() > deadline {
                bail!(
                    "Verdaccio did not start on port {port}:\n{}",
                    fs::read_to_string(&log).unwrap_or_default()
                );
            }
            thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Verdaccio {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One registry's API: `…/` such that `{registry}{name}` is a package.
struct Target<'a> {
    name: &'a str,
    registry: &'a str,
    token: &'a str,
}

/// An HTTP client that keeps its connection open between requests, as npm does.
fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        // Bounded, so a stuck server fails the run; no publish here comes near it.
        .timeout_global(Some(Duration::from_secs(120)))
        .build()
        .into()
}

/// Sends what the `npm` client sends.
struct Client {
    agent: ureq::Agent,
    node: String,
    npm: String,
    user_agent: String,
}

impl Client {
    fn new(node: &str, npm: &str) -> Client {
        Client {
            agent: agent(),
            node: node.to_owned(),
            npm: npm.to_owned(),
            user_agent: format!("npm/{npm} node/v{node} linux x64 workspaces/false"),
        }
    }

    /// `npm adduser`: `PUT {registry}-/user/org.couchdb.user:NAME`; the token.
    fn adduser(&self, registry: &str) -> anyhow::Result<String> {
        let url = format!("{registry}-/user/org.couchdb.user:{USER}");
        let document = json!({
            "_id": format!("org.couchdb.user:{USER}"),
            "name": USER,
            "password": PASSWORD,
            "email": "bench@example.com",
            "type": "user",
            "roles": [],
            "date": "2026-01-01T00:00:00.000Z",
        });
        let mut answer = self
            .agent
            .put(&url)
            .header("content-type", "application/json")
            .header("user-agent", &self.user_agent)
            .header("npm-command", "adduser")
            .send(document.to_string())
            .with_context(|| format!("PUT {url}"))?;
        let status = answer.status().as_u16();
        let text = answer.body_mut().read_to_string()?;
        ensure!(status == 201 || status == 200, "PUT {url}: {status} {text}");
        let answer: Value = serde_json::from_str(&text)?;
        answer["token"]
            .as_str()
            .map(str::to_owned)
            .with_context(|| format!("PUT {url} gave no token: {text}"))
    }

    /// `npm publish`: `PUT {registry}{name}` with `body`, timed from the first byte sent to
    /// the last byte of the answer, which must be a success.
    fn publish(&self, target: &Target, name: &str, body: &[u8]) -> anyhow::Result<Duration> {
        let url = format!("{}{name}", target.registry);
        let started = Instant::now();
        let mut answer = self
            .agent
            .put(&url)
            .header("authorization", &format!("Bearer {}", target.token))
            .header("content-type", "application/json")
            .header("accept", "*/*")
            .header("user-agent", &self.user_agent)
            .header("npm-auth-type", "web")
            .header("npm-command", "publish")
            .send(body)
            .with_context(|| format!("{}: PUT {url}", target.name))?;
        let status = answer.status().as_u16();
        let text = answer.body_mut().read_to_string()?;
        let elapsed = started.elapsed();
        ensure!(
            status == 200 || status == 201,
            "{}: publishing {name} answered {status}: {text}",
            target.name
        );
        Ok(elapsed)
    }
}

/// One version ready to publish: its manifest, readme and tarball.
struct Version {
    manifest: Value,
    readme: String,
    tgz: Vec<u8>,
}

impl Version {
    /// Packs `manifest` as `npm pack` does (`package/…`, mode 0644, npm's fixed mtime), with
    /// `payload` as `payload.bin` when given.
    fn new(manifest: Value, payload: Option<Vec<u8>>) -> anyhow::Result<Version> {
        let name = manifest["name"].as_str().context("a name")?.to_owned();
        let readme = format!("# {name}\n\nA package published by the benchmark.\n");
        let deps = manifest["dependencies"]
            .as_object()
            .map(|d| d.keys().cloned().collect::<Vec<_>>())
            .unwrap_or_default();
        let code = deps
            .iter()
            .map(|d| format!("require('{d}');\n"))
            .collect::<String>()
            + "module.exports = 1;\n";
        let mut files: Vec<(&str, Vec<u8>)> = vec![
            ("package.json", serde_json::to_vec_pretty(&manifest)?),
            ("README.md", readme.clone().into_bytes()),
            ("index.js", code.into_bytes()),
        ];
        if let Some(payload) = payload {
            files.push(("payload.bin", payload));
        }
        let gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        let mut tar = tar::Builder::new(gzip);
        for (path, bytes) in &files {
            let mut header = tar::Header::new_ustar();
            header.set_size(bytes.len() as u64);
            header.set_mode(0o644);
            // 1985-10-26T08:15:00Z, the time npm gives every entry.
            header.set_mtime(499_162_500);
            header.set_entry_type(tar::EntryType::Regular);
            tar.append_data(&mut header, format!("package/{path}"), bytes.as_slice())?;
        }
        let tgz = tar.into_inner()?.finish()?;
        Ok(Version {
            manifest,
            readme,
            tgz,
        })
    }

    /// The body `npm publish` from `client` sends to `registry` (its `dist.tarball` names
    /// the registry).
    fn body(&self, registry: &str, client: &Client) -> anyhow::Result<Vec<u8>> {
        let name = self.manifest["name"].as_str().context("a name")?;
        let version = self.manifest["version"].as_str().context("a version")?;
        let file = format!("{name}-{version}.tgz");
        let mut doc = self.manifest.clone();
        let fields = doc.as_object_mut().context("an object")?;
        fields.insert("readme".into(), self.readme.clone().into());
        fields.insert("readmeFilename".into(), "README.md".into());
        fields.insert("_id".into(), format!("{name}@{version}").into());
        fields.insert("_nodeVersion".into(), client.node.clone().into());
        fields.insert("_npmVersion".into(), client.npm.clone().into());
        let integrity = format!("sha512-{}", STANDARD.encode(Sha512::digest(&self.tgz)));
        fields.insert(
            "dist".into(),
            json!({
                "integrity": integrity,
                "shasum": hex::encode(Sha1::digest(&self.tgz)),
                "tarball": format!("{registry}{name}/-/{file}"),
            }),
        );
        let body = json!({
            "_id": name,
            "name": name,
            "description": self.manifest["description"],
            "dist-tags": {"latest": version},
            "versions": {version: doc},
            "access": null,
            "_attachments": {
                file: {
                    "content_type": "application/octet-stream",
                    "data": STANDARD.encode(&self.tgz),
                    "length": self.tgz.len(),
                },
            },
        });
        Ok(serde_json::to_vec(&body)?)
    }
}

/// `count` package names, each with the packages it depends on: a binary tree (package
/// `i` depends on `2i+1` and `2i+2`), so npm resolves dependencies of dependencies.
fn dependency_graph(count: usize) -> Vec<(String, Vec<String>)> {
    let name = |i: usize| format!("bench-dep-{i:03}");
    (0..count)
        .map(|i| {
            let deps = [2 * i + 1, 2 * i + 2]
                .into_iter()
                .filter(|&d| d < count)
                .map(name)
                .collect();
            (name(i), deps)
        })
        .collect()
}

fn small_package(name: &str, deps: &[String]) -> anyhow::Result<Version> {
    let dependencies: serde_json::Map<String, Value> = deps
        .iter()
        .map(|d| (d.clone(), Value::from("^1.0.0")))
        .collect();
    Version::new(
        json!({
            "name": name,
            "version": "1.0.0",
            "description": "A small package the benchmark installs",
            "main": "index.js",
            "license": "MIT",
            "dependencies": dependencies,
        }),
        None,
    )
}

/// One `npm install`: its wall time, and two of the phases npm times itself (`--timing`).
#[derive(Clone, Copy)]
pub struct Install {
    pub wall: Duration,
    /// `idealTree`: fetching every packument and resolving the tree.
    pub resolve: Option<Duration>,
    /// `reify:unpack`: fetching every tarball and unpacking it into `node_modules`.
    pub unpack: Option<Duration>,
}

/// `npm install` of a project that depends on every package.
struct Installs {
    dir: PathBuf,
    packages: Vec<String>,
}

impl Installs {
    /// One install from `registry` into a fresh project with an empty cache; what it took.
    fn run(&self, registry: &str, label: &str) -> anyhow::Result<Install> {
        let cache = self.dir.join(format!("{label}-cache"));
        let install = self.install(registry, label, &cache, "--prefer-online")?;
        fs::remove_dir_all(&cache)?;
        Ok(install)
    }

    /// What npm itself costs: the same install from a cache that already holds everything,
    /// `--offline`, so no request reaches any registry. No registry can make an install
    /// faster than this.
    fn floor(&self, registry: &str, label: &str) -> anyhow::Result<Install> {
        let cache = self.dir.join(format!("{label}-cache"));
        self.install(
            registry,
            &format!("{label}-filling"),
            &cache,
            "--prefer-online",
        )?;
        let install = self.install(registry, label, &cache, "--offline")?;
        fs::remove_dir_all(&cache)?;
        Ok(install)
    }

    /// `npm install MODE` from `registry` into a fresh project `label` with `cache` (npm's
    /// user and global configuration files empty, so nothing of the machine's applies).
    /// Every package must land in `node_modules`.
    fn install(
        &self,
        registry: &str,
        label: &str,
        cache: &Path,
        mode: &str,
    ) -> anyhow::Result<Install> {
        let project = self.dir.join(label);
        fs::create_dir_all(&project)?;
        let dependencies: serde_json::Map<String, Value> = self
            .packages
            .iter()
            .map(|p| (p.clone(), Value::from("^1.0.0")))
            .collect();
        let manifest = json!({
            "name": "bench-project",
            "version": "1.0.0",
            "private": true,
            "dependencies": dependencies,
        });
        fs::write(project.join("package.json"), manifest.to_string())?;
        // Two files: npm refuses one file as both.
        let (user, global) = (self.dir.join("user-npmrc"), self.dir.join("global-npmrc"));
        for file in [&user, &global] {
            fs::File::create(file)?.flush()?;
        }
        let logs = cache.join("_logs");
        let earlier = timing_files(&logs);
        let measured = run_measured(
            Command::new("npm")
                .args([
                    "install",
                    mode,
                    "--no-audit",
                    "--no-fund",
                    "--ignore-scripts",
                ])
                .args(["--timing", "--registry", registry])
                .current_dir(&project)
                .env("npm_config_cache", cache)
                .env("npm_config_userconfig", &user)
                .env("npm_config_globalconfig", &global)
                .env("npm_config_update_notifier", "false")
                .env("npm_config_loglevel", "warn")
                .env("NO_COLOR", "1"),
        )
        .with_context(|| format!("npm install {mode} from {registry}"))?;
        for package in &self.packages {
            let installed = project
                .join("node_modules")
                .join(package)
                .join("package.json");
            ensure!(
                installed.exists(),
                "npm install from {registry} left no {package} in node_modules"
            );
        }
        fs::remove_dir_all(&project)?;
        // npm's timers are its own, unstable format: a figure it no longer writes is left
        // out of the report rather than failing the run.
        let timers = timing_files(&logs)
            .into_iter()
            .find(|f| !earlier.contains(f))
            .and_then(|f| fs::read(f).ok())
            .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok());
        let timer = |name: &str| {
            let ms = timers.as_ref()?.get("timers")?.get(name)?.as_f64()?;
            Some(Duration::from_secs_f64(ms / 1000.0))
        };
        Ok(Install {
            wall: measured.wall,
            resolve: timer("idealTree"),
            unpack: timer("reify:unpack"),
        })
    }
}

/// The `*-timing.json` files `npm --timing` wrote into `logs`.
fn timing_files(logs: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(logs) else {
        return Vec::new();
    };
    entries
        .filter_map(|e| Some(e.ok()?.path()))
        .filter(|p| p.to_string_lossy().ends_with("-timing.json"))
        .collect()
}
