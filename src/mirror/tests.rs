//! A mirror of a registry held in memory: what it asks for, what it writes.

use std::{collections::BTreeMap, path::Path, sync::Arc};

use super::{MirrorError, fetch::Canned, mirror, plan::key_of};
use crate::{
    index::Author,
    output::Layout,
    output::MemoryTarget,
    progress::Silent,
    registry::{Options, Registry},
    serverless::package::testing::ZipBuilder,
};

fn now() -> time::OffsetDateTime {
    time::macros::datetime!(2024-01-06 00:00:00 UTC)
}

/// An origin answering what `target` holds (the keys layout: every URL path is a key; the
/// root and `{name}/` are their `index.html`).
fn origin(target: &MemoryTarget) -> Canned {
    let mut files = BTreeMap::new();
    for (key, bytes) in target.snapshot() {
        if let Some(folder) = key.strip_suffix("index.html") {
            files.insert(folder.to_owned(), bytes.clone());
        }
        files.insert(key, bytes);
    }
    Canned {
        files,
        ..Canned::default()
    }
}

fn publish(registry: &mut Registry, name: &str, version: &str) {
    let zip = ZipBuilder::package(name, version).build();
    registry
        .add(zip.as_slice(), "", &Author::named("alice"), now())
        .expect("publish");
}

/// Every file of the copy (dir layout) but the state file, against the origin's keys.
fn assert_copies(target: &MemoryTarget, out: &Path) {
    for (key, bytes) in target.snapshot() {
        let copied = std::fs::read(out.join(key_of(&key))).ok();
        assert!(copied == Some(bytes), "{key} is copied as it is");
    }
}

#[test]
fn a_second_run_reads_only_the_packages_the_feed_names() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut options = Options::new(&dir.path().join("data"));
    options.base_url = Some("https://origin.example.com".into());
    options.layout = Layout::Keys;
    let target = Arc::new(MemoryTarget::default());
    let mut registry =
        Registry::open_with_target(&options, Box::new(Arc::clone(&target))).expect("open");
    publish(&mut registry, "alpha", "1.0.0");
    publish(&mut registry, "beta", "1.0.0");
    registry.build(None).expect("build");
    let out = dir.path().join("copy");

    let first = mirror(&origin(&target), "memory", &out, &Silent).expect("first run");
    assert!(first.full);
    assert_eq!((first.zips, first.removed), (2, 0));
    assert_copies(&target, &out);

    publish(&mut registry, "alpha", "1.1.0");
    registry
        .delete("beta", None, &Author::named("alice"), now())
        .expect("delete beta");
    let changed = origin(&target);
    let second = mirror(&changed, "memory", &out, &Silent).expect("second run");
    assert!(!second.full, "the feed says what changed: {second:?}");
    assert_eq!(second.zips, 1, "{second:?}");
    assert!(second.removed >= 2, "beta's files go: {second:?}");
    assert!(!out.join("beta").exists() && !out.join("v3/packages/beta").exists());
    assert_copies(&target, &out);
    let requests = changed.requests.lock().expect("requests").clone();
    for path in &requests {
        let alpha = path.starts_with("alpha/") || path.starts_with("v3/packages/alpha/");
        let registry_wide = path.is_empty() || path.starts_with("-/");
        // The feed does not say a change's protocol: each name is looked for as npm's too.
        let npm = path == "npm/alpha" || path == "npm/beta";
        assert!(
            alpha || registry_wide || npm || path == "beta/index.json",
            "{path} was asked for, but only alpha and beta changed"
        );
    }
    assert!(
        !requests.contains(&"alpha/zipball/1.0.0".to_owned()),
        "a zip is never fetched twice"
    );

    // A zip that is not what its documents say is refused, and nothing of it is written.
    let mut corrupt = origin(&target);
    if let Some(zip) = corrupt.files.get_mut("alpha/zipball/1.1.0") {
        zip.push(0);
    }
    let fresh = dir.path().join("fresh");
    match mirror(&corrupt, "memory", &fresh, &Silent) {
        Err(MirrorError::Checksum { path, .. }) => assert_eq!(path, "alpha/zipball/1.1.0"),
        other => panic!("a checksum mismatch, not {other:?}"),
    }
    assert!(!fresh.join("alpha/zipball/1.1.0").exists());
    assert!(
        !fresh.join(super::STATE_FILE).exists(),
        "no state: the next run starts over"
    );
}
