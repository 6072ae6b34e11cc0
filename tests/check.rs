//! `shelf check` against the damage a crash or a person can do to a registry: torn, missing
//! and stale site files, files left by an interrupted write, corrupted blobs, an invalid or
//! uncommitted index. Each is named; the check changes nothing; `shelf build --verify`
//! repairs the site.

mod common;

use std::{fs, os::unix::fs::PermissionsExt, process::Output};

use common::{Fixture, ZipBuilder, tree};
use shelf::{blob::BlobStore, index::shard_path};

fn add(fx: &Fixture, name: &str, version: &str) {
    let zip = fx.zip("p.zip", &ZipBuilder::package(name, version).build());
    fx.shelf_ok(&["add", zip.to_str().expect("utf-8 path")]);
}

fn populated() -> Fixture {
    let fx = Fixture::new();
    add(&fx, "hello", "1.0.0");
    add(&fx, "hello", "1.1.0");
    add(&fx, "world", "2.0.0");
    fx.shelf_ok(&["yank", "hello", "1.1.0"]);
    fx
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Every file of the data directory, the index's `.git` aside (`git status` reads it).
fn data_tree(fx: &Fixture) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut files = tree(&fx.data());
    files.retain(|path, _| {
        !path.starts_with("index/.git/")
            && !path.starts_with("index-export/")
            && path != "feed-state.json"
    });
    files
}

#[test]
fn a_consistent_registry_checks_clean() {
    let fx = populated();
    let out = fx.shelf_ok(&["check"]);
    assert!(out.contains(" 0 differ, 0 extra"), "{out}");
    assert!(
        out.contains("3 blobs verified, 0 bad; 0 index problems"),
        "{out}"
    );
}

#[test]
fn damaged_site_files_are_named_left_alone_and_repaired_by_build() {
    let fx = populated();
    let site = fx.site();
    // Torn: half of a document, as a write cut short without the temp-and-rename would leave.
    let latest = site.join("hello/releases/latest");
    let bytes = fs::read(&latest).expect("latest");
    fs::write(&latest, &bytes[..bytes.len() / 2]).expect("tear");
    // Missing.
    fs::remove_file(site.join("world/releases/tags/2.0.0")).expect("remove");
    // Stale: a file no version produces.
    fs::write(site.join("hello/releases/tags/9.9.9"), "{}").expect("stale");
    // Left by an interrupted write.
    fs::write(site.join("hello/releases/.shelf-tmp-x1y2z3"), "{\"tag_").expect("temp");
    let damaged = data_tree(&fx);

    let out = fx.shelf(&["check"]);
    assert!(!out.status.success(), "damage fails the check");
    let text = stdout(&out);
    for line in [
        "differs from the index (missing, torn or stale): hello/releases/latest",
        "differs from the index (missing, torn or stale): world/releases/tags/2.0.0",
        "should not be in the site: hello/releases/tags/9.9.9",
        "should not be in the site: hello/releases/.shelf-tmp-x1y2z3",
    ] {
        assert!(text.contains(line), "{line:?} in:\n{text}");
    }
    assert!(text.contains(" 2 differ, 2 extra"), "{text}");
    assert_eq!(data_tree(&fx), damaged, "the check changes nothing");

    let built = fx.shelf_ok(&["build", "--verify"]);
    assert!(
        built.contains("2 written") && built.contains("2 removed"),
        "{built}"
    );
    fx.shelf_ok(&["check"]);
}

#[test]
fn bad_blobs_and_index_problems_are_named() {
    let fx = populated();
    // A blob whose bytes changed under it (same size).
    let line: serde_json::Value = serde_json::from_str(
        fs::read_to_string(fx.index().join(shard_path("world")))
            .expect("world's file")
            .lines()
            .next()
            .expect("a line"),
    )
    .expect("json");
    let sha = line["sha256"].as_str().expect("sha256");
    let blob = BlobStore::open(&fx.data().join("blobs"))
        .expect("blobs")
        .path(sha);
    let mut bytes = fs::read(&blob).expect("blob");
    bytes[0] ^= 0xff;
    fs::set_permissions(&blob, fs::Permissions::from_mode(0o644)).expect("chmod");
    fs::write(&blob, &bytes).expect("corrupt");
    // A file in the index that no commit has.
    fs::write(fx.index().join("NOTES.txt"), "hand edit").expect("untracked");

    let text = stdout(&fx.shelf(&["check"]));
    assert!(
        text.contains(&format!("blob: world@2.0.0: blob {sha} hashes to ")),
        "{text}"
    );
    assert!(text.contains("index: NOTES.txt: not committed"), "{text}");

    // An invalid line: named with its file; the site is not compared against a broken index.
    let hello = fx.index().join(shard_path("hello"));
    let mut text = fs::read_to_string(&hello).expect("hello's file");
    text.push_str("{not json\n");
    fs::write(&hello, text).expect("break a line");
    let out = fx.shelf(&["check"]);
    assert!(!out.status.success());
    let text = stdout(&out);
    assert!(
        text.contains(&format!("index: {}", shard_path("hello"))),
        "{text}"
    );
}
