//! Shared test support: a data directory in a temp dir, the real `shelf` binary, real git.
#![allow(
    dead_code,
    unused_imports,
    reason = "each test file uses a different part of this module"
)]

pub mod schema;
pub mod seaweed;
pub mod server;

use std::{
    collections::BTreeMap,
    fs,
    io::Write as _,
    os::unix::fs::MetadataExt,
    path::{Path, PathBuf},
    process::{Command, Output, Stdio},
};

pub use shelf::package::testing::ZipBuilder;
use shelf::registry::{Options, Registry};

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

/// Reads a JSON file of the site.
pub fn json(site: &Path, rel: &str) -> serde_json::Value {
    let bytes = fs::read(site.join(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("parse {rel}: {e}"))
}
