//! Shared test support: a data directory in a temp dir, the real `shelf` binary, real git.
#![allow(
    dead_code,
    unused_imports,
    reason = "each test file uses a different part of this module"
)]

pub mod nginx;
pub mod npm;
pub mod oci;
pub mod schema;
pub mod seaweed;
pub mod server;
pub mod snapshot;

use std::{
    collections::BTreeMap,
    fs,
    io::Write as _,
    os::unix::fs::MetadataExt,
    path::{Path, PathBuf},
    process::{Command, Output, Stdio},
};

use shelf::registry::{Options, Registry};
pub use shelf::serverless::package::testing::ZipBuilder;

/// A registry in a temporary directory: `data/` (index, blobs, site) and room for zips.
pub struct Fixture {
    pub dir: tempfile::TempDir,
}

impl Fixture {
    pub fn new() -> Self {
        Fixture {
            dir: tempfile::tempdir().expect("create temp dir"),
        }
    }

    pub fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    pub fn site(&self) -> PathBuf {
        self.data().join("site")
    }

    pub fn index(&self) -> PathBuf {
        self.data().join("index")
    }

    pub fn options(&self) -> Options {
        let mut options = Options::new(&self.data());
        options.base_url = Some("https://registry.example.com".into());
        options
    }

    pub fn registry(&self) -> Registry {
        Registry::open(&self.options()).expect("open registry")
    }

    /// Writes a zip into the temp dir and returns its path.
    pub fn zip(&self, file: &str, bytes: &[u8]) -> PathBuf {
        let path = self.dir.path().join(file);
        fs::write(&path, bytes).expect("write zip");
        path
    }

    /// Runs the real `shelf` binary on this data directory.
    pub fn shelf(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_shelf"))
            .arg("--data")
            .arg(self.data())
            .args(args)
            .env_remove("SHELF_BASE_URL")
            .env_remove("SHELF_OUT")
            .env("SHELF_PUBLISHER", "alice")
            .output()
            .expect("run shelf")
    }

    /// Runs `shelf` and asserts it succeeded; returns stdout.
    pub fn shelf_ok(&self, args: &[&str]) -> String {
        let out = self.shelf(args);
        assert!(
            out.status.success(),
            "shelf {args:?} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8 stdout")
    }

    /// Runs `shelf` and asserts it failed; returns stderr.
    pub fn shelf_err(&self, args: &[&str]) -> String {
        let out = self.shelf(args);
        assert!(
            !out.status.success(),
            "shelf {args:?} should have failed:\n{}",
            String::from_utf8_lossy(&out.stdout)
        );
        String::from_utf8(out.stderr).expect("utf-8 stderr")
    }

    /// Runs `shelf` as a user at a terminal would: with a config directory of its own
    /// (`config/` in the temp dir), no API key from the environment, `stdin` typed in.
    /// Asserts it succeeded.
    pub fn shelf_typed(&self, args: &[&str], stdin: &str) -> Output {
        let out = typed(
            Command::new(env!("CARGO_BIN_EXE_shelf"))
                .arg("--data")
                .arg(self.data())
                .args(args)
                .env("SHELF_CONFIG_DIR", self.dir.path().join("config"))
                .env_remove("SHELF_API_KEY")
                .env_remove("SHELF_API_SECRET"),
            stdin,
        );
        assert!(
            out.status.success(),
            "shelf {args:?} failed:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    /// Runs real git in the index.
    pub fn git(&self, args: &[&str]) -> String {
        git_in(&self.index(), args)
    }
}

/// Publishes a minimal package `name@version` as alice, in process.
pub fn publish(registry: &mut Registry, name: &str, version: &str) {
    let zip = ZipBuilder::package(name, version).build();
    registry
        .add(
            zip.as_slice(),
            "notes",
            &shelf::index::Author::named("alice"),
            shelf::clock::now(),
        )
        .expect("publish");
}

/// Runs `command` with `stdin` typed into it, capturing its output.
pub fn typed(command: &mut Command, stdin: &str) -> Output {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"));
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("wait")
}

/// Commits everything in the index at `index` with real git, as a person would: the
/// commits Shelf did not make.
pub fn commit_by_hand(index: &Path, message: &str) {
    git_in(index, &["add", "-A"]);
    git_in(
        index,
        &[
            "-c",
            "user.name=Hand",
            "-c",
            "user.email=hand@example.com",
            "commit",
            "-q",
            "-m",
            message,
        ],
    );
}

/// Runs real `git` in `dir`; a missing git fails the test with how to install it.
pub fn git_in(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run git ({e}); install it with `apt-get install -y git`")
        });
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 git output")
}

/// Copies the data directory `data` to `copy` (`cp -a`, replacing an earlier copy), so a
/// build of the copy cannot touch the registry under test.
pub fn copy_data(data: &Path, copy: &Path) {
    if copy.exists() {
        fs::remove_dir_all(copy).expect("remove the last copy");
    }
    let status = Command::new("cp")
        .arg("-a")
        .arg(data)
        .arg(copy)
        .status()
        .expect("run cp");
    assert!(status.success(), "cp -a {}", data.display());
}

/// Runs `shelf build` of the data directory `data` into the folder `out` (removed first), as
/// the settings in `data` say (environment variables that would override them are cleared).
pub fn shelf_build_into(data: &Path, out: &Path) {
    if out.exists() {
        fs::remove_dir_all(out).expect("remove the last build");
    }
    let output = Command::new(env!("CARGO_BIN_EXE_shelf"))
        .arg("--data")
        .arg(data)
        .arg("--out")
        .arg(out)
        .arg("build")
        .env_remove("SHELF_BASE_URL")
        .env_remove("SHELF_OUT")
        .env_remove("SHELF_TARGET")
        .output()
        .expect("run shelf build");
    assert!(
        output.status.success(),
        "shelf build: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Every file below `root` (relative path → bytes).
pub fn tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    walk(root)
        .into_iter()
        .map(|(k, p)| (k, fs::read(p).expect("read file")))
        .collect()
}

/// Every file below `root` (relative path → (inode, mtime in ns)).
pub fn stamps(root: &Path) -> BTreeMap<String, (u64, i128)> {
    walk(root)
        .into_iter()
        .map(|(k, p)| {
            let m = fs::metadata(p).expect("stat");
            (
                k,
                (
                    m.ino(),
                    i128::from(m.mtime()) * 1_000_000_000 + i128::from(m.mtime_nsec()),
                ),
            )
        })
        .collect()
}

fn walk(root: &Path) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    if !root.exists() {
        return out;
    }
    let mut stack = vec![root.to_owned()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).expect("read dir") {
            let entry = entry.expect("dir entry");
            let path = entry.path();
            if entry.file_type().expect("file type").is_dir() {
                stack.push(path);
            } else {
                let rel = path
                    .strip_prefix(root)
                    .expect("below root")
                    .to_string_lossy()
                    .into_owned();
                out.push((rel, path));
            }
        }
    }
    out.sort();
    out
}

/// Waits until the files `shelf serve` writes after its answers (home page, search
/// document, change feed, `-/index.git/`) include the last commit of
/// `DATA/index`: `-/index.git/info/refs`, written last of them, names it. For a test that
/// reads them right after an answer; panics when they never do.
pub fn settled(data: &Path) {
    settled_at(&data.join("index"), &data.join("site"));
}

/// [`settled`] for an index and a site anywhere.
pub fn settled_at(index: &Path, site: &Path) {
    let Ok(out) = Command::new("git")
        .arg("-C")
        .arg(index)
        .args(["rev-parse", "--verify", "-q", "HEAD"])
        .output()
    else {
        panic!("cannot run git; install it with `apt-get install -y git`");
    };
    // No commit yet: nothing is owed.
    if !out.status.success() {
        return;
    }
    let head = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    // Only a writer that never writes them gets this far.
    let give_up = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let refs = fs::read_to_string(site.join("-/index.git/info/refs")).unwrap_or_default();
        if refs.contains(&head) {
            return;
        }
        assert!(
            std::time::Instant::now() < give_up,
            "the derived files never named {head}: {refs}"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

/// Reads a JSON file of the site.
pub fn json(site: &Path, rel: &str) -> serde_json::Value {
    let bytes = fs::read(site.join(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("parse {rel}: {e}"))
}

/// An HTTP client for load and crash tests: every status as it is, no redirects, and a
/// deadline on each request so a killed server fails a request instead of hanging it.
pub fn patient_agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(std::time::Duration::from_secs(20)))
        .build()
        .into()
}

/// Creates the account `username` on a running server (`POST /register`) and logs in
/// (`POST /login`); returns the bearer token.
pub fn sign_up(base: &str, username: &str) -> String {
    let agent = patient_agent();
    let account = serde_json::json!({
        "username": username,
        "password": "a long enough password",
        "email": format!("{username}@example.com"),
    });
    for path in ["register", "login"] {
        let mut resp = agent
            .post(&format!("{base}/{path}"))
            .content_type("application/json")
            .send(account.to_string())
            .unwrap_or_else(|e| panic!("POST /{path}: {e}"));
        let body = resp.body_mut().read_to_vec().expect("body");
        assert_eq!(
            resp.status().as_u16(),
            200,
            "POST /{path}: {}",
            String::from_utf8_lossy(&body)
        );
        if path == "login" {
            let session: serde_json::Value = serde_json::from_slice(&body).expect("json");
            return session["token"].as_str().expect("token").to_owned();
        }
    }
    unreachable!("login answers the token")
}

/// What a publish through a running server's API came to.
#[derive(Debug)]
pub enum HttpPublish {
    /// The upload answered 200; the server's answer.
    Published(serde_json::Value),
    /// The server answered with another status: what was sent, the status, the body.
    Refused(String),
    /// No answer (refused connection, reset, cut short): the server was down or died.
    Unanswered(String),
}

/// Publishes `zip` as `name@version` the way a client does: `POST /releases`, then `PUT`
/// of the zip to the upload URL. The upload URL's path is sent to `base`, so an upload
/// announced by a server that has since restarted on another port still reaches it.
pub fn publish_over_http(
    agent: &ureq::Agent,
    base: &str,
    token: &str,
    name: &str,
    version: &str,
    zip: &[u8],
) -> HttpPublish {
    let auth = format!("Bearer {token}");
    let release = serde_json::json!({ "name": name, "version": version, "body": format!("notes for {version}") });
    let answer = |resp: Result<ureq::http::Response<ureq::Body>, ureq::Error>| {
        let mut resp = resp.map_err(|e| e.to_string())?;
        let body = resp
            .body_mut()
            .with_config()
            .limit(64 << 20)
            .read_to_vec()
            .map_err(|e| e.to_string())?;
        Ok::<_, String>((resp.status().as_u16(), body))
    };
    let created = answer(
        agent
            .post(&format!("{base}/releases"))
            .header("Authorization", &auth)
            .content_type("application/json")
            .send(release.to_string()),
    );
    let (status, body) = match created {
        Ok(answer) => answer,
        Err(e) => return HttpPublish::Unanswered(format!("POST /releases: {e}")),
    };
    if status != 201 {
        return HttpPublish::Refused(format!(
            "POST /releases {name}@{version}: {status} {}",
            String::from_utf8_lossy(&body)
        ));
    }
    let created: serde_json::Value = serde_json::from_slice(&body).expect("release JSON");
    let url = created["upload_url"].as_str().expect("upload_url");
    let path = &url[url.find("/upload/").expect("an upload path")..];
    let uploaded = answer(
        agent
            .put(&format!("{base}{path}"))
            .header("Authorization", &auth)
            .content_type("application/zip")
            .send(zip),
    );
    match uploaded {
        Ok((200, body)) => {
            HttpPublish::Published(serde_json::from_slice(&body).expect("upload answer JSON"))
        }
        Ok((status, body)) => HttpPublish::Refused(format!(
            "PUT {path} {name}@{version}: {status} {}",
            String::from_utf8_lossy(&body)
        )),
        Err(e) => HttpPublish::Unanswered(format!("PUT {path}: {e}")),
    }
}

/// A small deterministic generator (xorshift64*): reproducible "random" sizes, delays and
/// bytes from a printed seed.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed` (any value; zero is moved off the fixed point).
    pub fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }

    /// The next value.
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A value in `low..high`.
    pub fn below(&mut self, low: u64, high: u64) -> u64 {
        low + self.next() % (high - low)
    }

    /// `len` bytes.
    pub fn bytes(&mut self, len: usize) -> Vec<u8> {
        let mut out = Vec::with_capacity(len + 8);
        while out.len() < len {
            out.extend_from_slice(&self.next().to_le_bytes());
        }
        out.truncate(len);
        out
    }
}

/// A seed from `variable` when set (to repeat a run), else from the clock; printed.
pub fn seed(variable: &str) -> u64 {
    let seed = std::env::var(variable)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(1)
        });
    println!("seed {seed} ({variable}={seed} repeats this run)");
    seed
}

/// Runs `command` to its end, with its output in files under `logs` (a reader that stops
/// early cannot stall it, and nothing it prints is lost), killing it past `limit`. The limit
/// only turns a hang into a failure with the output so far; it is not a timing assertion.
pub fn output_within(command: &mut Command, limit: std::time::Duration, logs: &Path) -> Output {
    let n = fs::read_dir(logs).map_or(0, Iterator::count);
    let (out_path, err_path) = (logs.join(format!("{n}.out")), logs.join(format!("{n}.err")));
    let out = fs::File::create(&out_path).expect("create the stdout file");
    let err = fs::File::create(&err_path).expect("create the stderr file");
    let mut child = command
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {command:?}: {e}"));
    let deadline = std::time::Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for the child") {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "{command:?} ran past {limit:?}; its output:\n{}\n{}",
                fs::read_to_string(&out_path).unwrap_or_default(),
                fs::read_to_string(&err_path).unwrap_or_default()
            );
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    Output {
        status,
        stdout: fs::read(&out_path).expect("read stdout"),
        stderr: fs::read(&err_path).expect("read stderr"),
    }
}
