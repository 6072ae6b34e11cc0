//! End to end: the index cloned with the real `git` from the generated site, over real HTTP
//! (from `shelf serve`, and from a plain static file server), and pushed to a git remote.

mod common;

use std::{
    collections::BTreeMap,
    fs,
    io::{BufRead, BufReader},
    os::unix::fs::MetadataExt,
    path::Path,
    process::{Child, Command, Stdio},
};

use common::{Fixture, ZipBuilder, git_in};

/// A running server (`shelf serve` or `python3 -m http.server`), killed when dropped.
struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `shelf serve` on `listen` (see tests/serve.rs).
fn shelf_serve(fx: &Fixture, listen: &str) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_shelf"))
        .arg("--data")
        .arg(fx.data())
        .args(["serve", "--listen", listen])
        .env_remove("SHELF_BASE_URL")
        .env_remove("SHELF_INDEX_REMOTE")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start shelf serve");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("read the listening line");
    let base = line
        .trim()
        .strip_prefix("Shelf listening on ")
        .unwrap_or_else(|| panic!("unexpected: {line}"))
        .to_owned();
    Server { child, base }
}

/// Serves `dir` with Python's static file server: no git and no Shelf logic involved.
fn static_server(dir: &Path) -> Server {
    let mut child = Command::new("python3")
        // Unbuffered, so the "Serving HTTP on …" line arrives at once.
        .args([
            "-u",
            "-m",
            "http.server",
            "0",
            "--bind",
            "127.0.0.1",
            "--directory",
        ])
        .arg(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot run python3 ({e}); install it with `apt-get install -y python3`")
        });
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("read the serving line");
    // "Serving HTTP on 127.0.0.1 port 40123 (http://127.0.0.1:40123/) ..."
    let base = line
        .split_once("(http://")
        .and_then(|(_, rest)| rest.split_once("/)"))
        .map(|(address, _)| format!("http://{address}"))
        .unwrap_or_else(|| panic!("unexpected: {line}"));
    Server { child, base }
}

fn add(fx: &Fixture, name: &str, version: &str) {
    let zip = fx.zip("p.zip", &ZipBuilder::package(name, version).build());
    fx.shelf_ok(&["add", zip.to_str().expect("utf-8 path")]);
}

/// Every file of a working tree but `.git/` (relative path → bytes).
fn checkout(root: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .filter_entry(|e| e.file_name() != ".git")
        .map(|e| e.expect("walk"))
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(root)
                .expect("below root")
                .to_string_lossy()
                .into_owned();
            (rel, fs::read(e.path()).expect("read"))
        })
        .collect()
}

/// The clone has the index's commit checked out, with the index's files.
fn assert_same_as_index(fx: &Fixture, clone: &Path) {
    assert_eq!(
        git_in(clone, &["rev-parse", "HEAD"]),
        fx.git(&["rev-parse", "HEAD"]),
        "the clone is at the index's commit"
    );
    let files = checkout(clone);
    assert!(files.contains_key("config.json"));
    assert_eq!(
        files,
        checkout(&fx.index()),
        "the clone's files are the index's"
    );
    // Every object is there and sound, not just the checked-out ones.
    git_in(clone, &["fsck", "--full", "--strict"]);
}

/// The packs the site lists, with the inode of each pack file.
fn listed_packs(site: &Path) -> BTreeMap<String, u64> {
    let git = site.join("-/index.git");
    let text = fs::read_to_string(git.join("objects/info/packs")).expect("objects/info/packs");
    text.lines()
        .filter_map(|l| l.strip_prefix("P "))
        .map(|pack| {
            let inode = fs::metadata(git.join("objects/pack").join(pack))
                .unwrap_or_else(|e| panic!("{pack} is listed but missing: {e}"))
                .ino();
            (pack.to_owned(), inode)
        })
        .collect()
}

#[test]
fn the_index_clones_and_pulls_from_shelf_serve() {
    let fx = Fixture::new();
    add(&fx, "hello", "1.0.0");
    add(&fx, "world", "0.1.0");
    let server = shelf_serve(&fx, "127.0.0.1:0");
    let address = server.base.trim_start_matches("http://").to_owned();

    let work = tempfile::tempdir().expect("tempdir");
    let url = format!("{}/-/index.git", server.base);
    git_in(work.path(), &["clone", "--quiet", &url, "copy"]);
    let clone = work.path().join("copy");
    assert_same_as_index(&fx, &clone);
    assert_eq!(
        git_in(&clone, &["rev-parse", "--abbrev-ref", "HEAD"]).trim(),
        "main"
    );
    drop(server);

    add(&fx, "hello", "1.1.0");
    fx.shelf_ok(&["yank", "hello", "1.0.0"]);
    let server = shelf_serve(&fx, &address);
    git_in(&clone, &["pull", "--quiet", "--ff-only"]);
    assert_same_as_index(&fx, &clone);
    let log = git_in(&clone, &["log", "--format=%s"]);
    assert!(log.contains("Yank hello@1.0.0"), "{log}");
    assert!(log.contains("Publish hello@1.1.0"), "{log}");
    drop(server);
}

#[test]
fn the_index_clones_and_pulls_from_a_plain_static_server() {
    let fx = Fixture::new();
    add(&fx, "hello", "1.0.0");
    add(&fx, "world", "0.1.0");
    let server = static_server(&fx.site());
    let work = tempfile::tempdir().expect("tempdir");
    let url = format!("{}/-/index.git", server.base);
    git_in(work.path(), &["clone", "--quiet", &url, "copy"]);
    let clone = work.path().join("copy");
    assert_same_as_index(&fx, &clone);

    // Each publish adds one small pack and leaves the published ones as they are.
    let before = listed_packs(&fx.site());
    add(&fx, "hello", "1.1.0");
    add(&fx, "another", "2.0.0");
    let after = listed_packs(&fx.site());
    assert_eq!(after.len(), before.len() + 2, "{after:?}");
    for (pack, inode) in &before {
        assert_eq!(after.get(pack), Some(inode), "{pack} was not rewritten");
    }
    for pack in after.keys().filter(|p| !before.contains_key(*p)) {
        let size = fs::metadata(fx.site().join("-/index.git/objects/pack").join(pack))
            .expect("pack")
            .len();
        assert!(
            size < 16 * 1024,
            "{pack} holds one commit's objects: {size} bytes"
        );
    }

    git_in(&clone, &["pull", "--quiet", "--ff-only"]);
    assert_same_as_index(&fx, &clone);
    assert!(git_in(&clone, &["log", "--format=%s"]).contains("Publish another@2.0.0"));
    drop(server);
}

#[test]
fn each_commit_is_pushed_to_the_index_remote() {
    let fx = Fixture::new();
    let remote = fx.dir.path().join("remote.git");
    git_in(fx.dir.path(), &["init", "--quiet", "--bare", "remote.git"]);
    let remote_arg = remote.to_str().expect("utf-8 path");

    for version in ["1.0.0", "1.1.0"] {
        let zip = fx.zip("p.zip", &ZipBuilder::package("hello", version).build());
        let zip = zip.to_str().expect("utf-8 path");
        // The command returns only once its push is done: the remote has the commit now.
        fx.shelf_ok(&["--index-remote", remote_arg, "add", zip]);
        assert_eq!(
            git_in(&remote, &["rev-parse", "refs/heads/main"]),
            fx.git(&["rev-parse", "HEAD"]),
            "after publishing {version}"
        );
    }
    let status: serde_json::Value =
        serde_json::from_slice(&fs::read(fx.data().join("index-remote.status")).expect("status"))
            .expect("status JSON");
    assert_eq!(status["ok"], true, "{status}");
    assert_eq!(
        status["last_pushed_commit"].as_str(),
        Some(fx.git(&["rev-parse", "HEAD"]).trim())
    );
    assert_eq!(status["remote"], remote_arg);
}

#[test]
fn an_unreachable_remote_keeps_the_commit_and_records_the_error() {
    let fx = Fixture::new();
    let nowhere = fx.dir.path().join("no/such/remote.git");
    let zip = fx.zip("p.zip", &ZipBuilder::package("hello", "1.0.0").build());
    fx.shelf_ok(&[
        "--index-remote",
        nowhere.to_str().expect("utf-8 path"),
        "add",
        zip.to_str().expect("utf-8 path"),
    ]);
    assert!(
        fx.git(&["log", "--format=%s"])
            .contains("Publish hello@1.0.0"),
        "the commit is in the index"
    );
    assert!(fx.site().join("hello/releases/tags/1.0.0").is_file());
    let status: serde_json::Value =
        serde_json::from_slice(&fs::read(fx.data().join("index-remote.status")).expect("status"))
            .expect("status JSON");
    assert_eq!(status["ok"], false, "{status}");
    assert!(status["last_success"].is_null(), "{status}");
    assert!(status["last_attempt"].is_string(), "{status}");
    let error = status["last_error"].as_str().expect("an error message");
    assert!(error.contains("git push exited"), "{error}");
}
