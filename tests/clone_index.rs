//! End to end: the index cloned with the real `git` from the generated site, over real HTTP
//! (from `shelf serve`, and from a plain static file server), and pushed to a git remote.

mod common;

use std::{collections::BTreeMap, fs, os::unix::fs::MetadataExt, path::Path};

use common::{
    Fixture, ZipBuilder, git_in,
    server::{Server, shelf_serve},
};

fn shelf(fx: &Fixture, listen: &str) -> Server {
    Server::shelf(&mut shelf_serve(&fx.data(), &["--listen", listen]))
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
    let server = shelf(&fx, "127.0.0.1:0");
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
    let server = shelf(&fx, &address);
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
    let server = Server::static_files(&fx.site());
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

#[test]
fn a_full_export_stores_each_version_as_a_delta_git_reads() {
    let fx = Fixture::new();
    for patch in 0..12 {
        add(&fx, "hello", &format!("1.0.{patch}"));
    }
    // A fresh export of an index that adopted no pack: the whole history in one pack, each
    // package file a delta against its previous version.
    fs::remove_dir_all(fx.data().join("index-export")).expect("remove the export");
    fs::remove_file(fx.index().join(".git/shelf-packs.json")).expect("remove the record");
    fx.shelf_ok(&["build"]);
    let packs = listed_packs(&fx.site());
    assert_eq!(packs.len(), 1, "{packs:?}");
    let pack = packs.keys().next().expect("a pack");
    let idx = fx
        .site()
        .join("-/index.git/objects/pack")
        .join(pack.replace(".pack", ".idx"));
    let verified = git_in(
        &fx.site(),
        &["verify-pack", "-v", idx.to_str().expect("utf-8 path")],
    );
    assert!(
        verified.contains("chain length = 1:"),
        "versions are deltas: {verified}"
    );
    let server = Server::static_files(&fx.site());
    let work = tempfile::tempdir().expect("tempdir");
    let url = format!("{}/-/index.git", server.base);
    git_in(work.path(), &["clone", "--quiet", &url, "copy"]);
    assert_same_as_index(&fx, &work.path().join("copy"));
    drop(server);
}

/// The packs the index's record names, and the branches they cover.
fn adopted(index: &Path) -> (Vec<String>, Vec<(String, String)>) {
    let record = fs::read(index.join(".git/shelf-packs.json")).expect("the index adopted packs");
    let record: serde_json::Value = serde_json::from_slice(&record).expect("json");
    let packs = serde_json::from_value(record["packs"].clone()).expect("packs");
    let branches = serde_json::from_value(record["branches"].clone()).expect("branches");
    (packs, branches)
}

#[test]
fn a_new_machine_exports_from_the_packs_the_index_adopted() {
    let fx = Fixture::new();
    for patch in 0..3 {
        add(&fx, "hello", &format!("1.0.{patch}"));
    }
    // The first export's pack is the index's own now: linked in, and named in its record
    // with the commit whose history it holds.
    let (packs, branches) = adopted(&fx.index());
    assert_eq!(packs.len(), 1, "{packs:?}");
    let pack = fx
        .index()
        .join(".git/objects/pack")
        .join(format!("{}.pack", packs[0]));
    assert!(pack.is_file());
    assert_eq!(branches.len(), 1);
    assert_eq!(branches[0].0, "refs/heads/main");
    fx.git(&["merge-base", "--is-ancestor", &branches[0].1, "HEAD"]);
    fx.git(&["fsck", "--full", "--strict"]);

    // A new machine (the index and the blobs copied, nothing else) exports from that pack,
    // and packs only the commits since.
    let machine = tempfile::tempdir().expect("tempdir");
    let data = machine.path().join("data");
    fs::create_dir_all(&data).expect("mkdir");
    for part in ["index", "blobs"] {
        let status = std::process::Command::new("cp")
            .arg("-a")
            .arg(fx.data().join(part))
            .arg(data.join(part))
            .status()
            .expect("cp");
        assert!(status.success());
    }
    common::shelf_build_into(&data, &data.join("site"));
    let listed = listed_packs(&data.join("site"));
    assert!(
        listed.contains_key(&format!("{}.pack", packs[0])),
        "{listed:?}"
    );
    assert_eq!(listed.len(), 2, "{listed:?}");
    let server = Server::static_files(&data.join("site"));
    let work = tempfile::tempdir().expect("tempdir");
    let url = format!("{}/-/index.git", server.base);
    git_in(work.path(), &["clone", "--quiet", &url, "copy"]);
    assert_same_as_index(&fx, &work.path().join("copy"));
    drop(server);

    // Past the limit the export merges small packs; the index follows, and drops the ones
    // the merge replaced.
    for patch in 3..25 {
        add(&fx, "hello", &format!("1.0.{patch}"));
    }
    let (now, _) = adopted(&fx.index());
    assert_ne!(now, packs);
    let mirror = fx.data().join("index-export/mirror.git/objects/pack");
    for name in &now {
        assert!(mirror.join(format!("{name}.pack")).is_file(), "{name}");
    }
    for name in packs.iter().filter(|p| !now.contains(p)) {
        assert!(
            !fx.index()
                .join(format!(".git/objects/pack/{name}.idx"))
                .exists()
        );
    }
    fx.git(&["fsck", "--full", "--strict"]);
}
