//! The dir layout is rsync-ready: a copy of an unchanged site transfers nothing, and after a
//! publish only that package's changed files and the registry-wide files move. Uses the
//! real `rsync`.

mod common;

use std::{path::Path, process::Command};

use common::{Fixture, ZipBuilder};

/// Runs `rsync -a --delete --itemize-changes SRC/ DEST/` and returns its itemized lines
/// (`>f+++++++++ hello/releases/tags/1.2.0`, `*deleting x`, …). A missing rsync fails the
/// test with how to install it.
///
/// Plain `-a`: rsync skips a file whose size and mtime match, comparing mtimes in whole
/// seconds, so the site itself must never rewrite a file within the second of its last copy
/// (`releases/latest` going from `1.0.0` to `1.2.0` right after a sync, same size); the dir
/// target guarantees that (`output::dir::rewrite_mtime`).
fn rsync(source: &Path, dest: &Path) -> Vec<String> {
    let out = Command::new("rsync")
        .args(["-a", "--delete", "--itemize-changes"])
        .arg(format!("{}/", source.display()))
        .arg(format!("{}/", dest.display()))
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run rsync ({e}); install it with `apt-get install -y rsync`")
        });
    assert!(
        out.status.success(),
        "rsync failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("utf-8 rsync output")
        .lines()
        .map(str::to_owned)
        .collect()
}

/// The files an itemized rsync run sent (`>f…`) and deleted (`*deleting`).
fn moved(lines: &[String]) -> (Vec<String>, Vec<String>) {
    let mut sent = Vec::new();
    let mut deleted = Vec::new();
    for line in lines {
        if let Some(path) = line.strip_prefix("*deleting ") {
            deleted.push(path.trim().to_owned());
        } else if let Some((flags, path)) = line.split_once(' ')
            && flags.starts_with(">f")
        {
            sent.push(path.to_owned());
        }
    }
    (sent, deleted)
}

fn add(fx: &Fixture, name: &str, version: &str) {
    let zip = fx.zip("p.zip", &ZipBuilder::package(name, version).build());
    fx.shelf_ok(&["add", zip.to_str().expect("utf-8 path")]);
}

#[test]
fn only_what_a_publish_changed_moves() {
    let fx = Fixture::new();
    for (name, version) in [("hello", "1.0.0"), ("hello", "1.1.0"), ("world", "1.0.0")] {
        add(&fx, name, version);
    }
    fx.shelf_ok(&["yank", "hello", "1.1.0"]);
    let copy = fx.dir.path().join("copy");

    let first = rsync(&fx.site(), &copy);
    let (sent, _) = moved(&first);
    assert!(
        sent.contains(&"hello/zipball/1.0.0".to_owned()),
        "{first:#?}"
    );

    // Nothing changed: nothing moves, not even a folder's time.
    let again = rsync(&fx.site(), &copy);
    assert!(
        again.is_empty(),
        "an unchanged site transfers nothing: {again:#?}"
    );

    add(&fx, "hello", "1.2.0");
    let after = rsync(&fx.site(), &copy);
    let (sent, deleted) = moved(&after);
    for expected in [
        "hello/releases/tags/1.2.0",
        "hello/zipball/1.2.0",
        "hello/releases/index.json",
        "hello/releases/latest",
        "hello/index.json",
        "v3/packages/hello/release/latest",
        "-/search.json",
        "-/changes.json",
    ] {
        assert!(
            sent.contains(&expected.to_owned()),
            "{expected} moves: {after:#?}"
        );
    }
    for path in sent.iter().chain(&deleted) {
        let package = path.starts_with("hello/") || path.starts_with("v3/packages/hello/");
        let registry_wide = path == "index.html" || path.starts_with("-/");
        assert!(
            package || registry_wide,
            "{path} moved, but only hello changed"
        );
    }
    for unchanged in [
        "hello/zipball/1.0.0",
        "hello/zipball/1.1.0",
        "hello/releases/tags/1.0.0",
        "hello/releases/tags/1.1.0",
        "v3/packages/hello/release/tags/1.0.0",
    ] {
        assert!(
            !sent.contains(&unchanged.to_owned()),
            "{unchanged} did not change"
        );
    }
    assert!(
        deleted.iter().all(|p| p.starts_with("-/")),
        "a publish removes nothing of a package: {deleted:#?}"
    );
    assert!(
        rsync(&fx.site(), &copy).is_empty(),
        "and then nothing again"
    );
}
