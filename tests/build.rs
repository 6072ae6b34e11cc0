//! The generator: determinism, incremental equals full, only changed files are touched,
//! deleted files go, base URL changes rewrite every URL, and every JSON document validates
//! against `index/schema/`.

mod common;

use std::{collections::BTreeSet, fs};

use common::{Fixture, json, publish, stamps, tree};
use shelf::{clock, index::Author, output::Layout, output::MemoryTarget, registry::Registry};

/// A registry with a few packages, a yank, and deletions.
fn populated() -> Fixture {
    let fx = Fixture::new();
    let mut registry = fx.registry();
    for (name, version) in [
        ("alpha", "1.0.0"),
        ("alpha", "1.1.0"),
        ("beta", "0.1.0-rc.1"),
        ("gamma_x", "2.0.0"),
        ("gamma_x", "2.1.0"),
        ("delta", "1.0.0"),
    ] {
        publish(&mut registry, name, version);
    }
    let actor = Author::named("alice");
    registry
        .set_yanked("alpha", "1.1.0", true, &actor)
        .expect("yank");
    registry
        .delete("gamma_x", Some("2.0.0"), &actor, clock::now())
        .expect("delete version");
    registry
        .delete("delta", None, &actor, clock::now())
        .expect("delete package");
    fx
}

#[test]
fn incremental_equals_full_and_builds_are_deterministic() {
    let fx = populated();
    let full_a = fx.dir.path().join("full-a");
    let full_b = fx.dir.path().join("full-b");
    fx.shelf_ok(&["build", "--out", full_a.to_str().expect("utf-8")]);
    fx.shelf_ok(&["build", "--out", full_b.to_str().expect("utf-8")]);
    let a = tree(&full_a);
    assert!(a.len() > 30, "a real site was built ({} files)", a.len());
    assert!(a == tree(&full_b), "two full builds are byte-identical");
    let incremental = tree(&fx.site());
    let keys = |t: &std::collections::BTreeMap<String, Vec<u8>>| {
        t.keys().cloned().collect::<BTreeSet<_>>()
    };
    assert_eq!(keys(&incremental), keys(&a), "same files");
    assert!(incremental == a, "incremental site equals a full build");
    assert!(
        !a.keys()
            .any(|k| k.starts_with("delta/") || k.starts_with("v3/packages/delta/"))
    );
    assert!(!a.contains_key("gamma_x/releases/tags/2.0.0"));
}

#[test]
fn a_publish_touches_only_that_package_and_registry_files() {
    let fx = populated();
    let before = stamps(&fx.site());
    let mut registry = fx.registry();
    publish(&mut registry, "beta", "0.1.0");
    let after = stamps(&fx.site());
    let changed: BTreeSet<&String> = after
        .keys()
        .filter(|k| before.get(*k) != after.get(*k))
        .collect();
    let allowed = |k: &str| {
        k.starts_with("beta/")
            || k.starts_with("v3/packages/beta/")
            || k == "index.html"
            || k == "-/search.json"
            || k == "-/changes.json"
            || k.starts_with("-/index.git/")
    };
    assert!(
        changed.iter().all(|k| allowed(k)),
        "unexpected changes: {changed:?}"
    );
    assert!(changed.contains(&"beta/releases/latest".to_owned()));
    assert!(changed.contains(&"beta/zipball/0.1.0".to_owned()));
    assert!(
        !changed.contains(&"beta/releases/tags/0.1.0-rc.1".to_owned()),
        "an unchanged document keeps its inode and mtime"
    );
    for untouched in [
        "alpha/releases/latest",
        "alpha/index.html",
        "-/config.json",
        "-/assets/style.css",
    ] {
        assert_eq!(
            before[untouched], after[untouched],
            "{untouched} was rewritten"
        );
    }
}

#[test]
fn a_no_op_build_writes_nothing_and_build_package_is_scoped() {
    let fx = populated();
    let before = stamps(&fx.site());
    let out = fx.shelf_ok(&["build"]);
    assert!(
        out.contains(" 0 written") && out.contains(" 0 removed"),
        "{out}"
    );
    assert_eq!(stamps(&fx.site()), before);

    // A hand-deleted file of one package is restored by `build --package` for it alone.
    fs::remove_file(fx.site().join("alpha/releases/latest")).expect("remove");
    fs::remove_file(fx.site().join("beta/index.json")).expect("remove");
    let out = fx.shelf_ok(&["build", "--package", "alpha"]);
    assert!(out.contains(" 1 written"), "{out}");
    assert!(fx.site().join("alpha/releases/latest").exists());
    assert!(
        !fx.site().join("beta/index.json").exists(),
        "other packages untouched"
    );
    let err = fx.shelf_err(&["build", "--package", "nosuch"]);
    assert!(err.contains("not found"), "{err}");
}

#[test]
fn a_build_plans_only_the_packages_whose_index_files_changed() {
    let fx = populated();
    let full = |name: &str| {
        let out = fx.dir.path().join(name);
        fx.shelf_ok(&["build", "--out", out.to_str().expect("utf-8")]);
        tree(&out)
    };
    // No record of an earlier build of this site: every file is compared, then recorded.
    let first = fx.shelf_ok(&["build"]);
    assert!(!first.contains("left alone"), "{first}");
    assert!(fx.data().join("build-inputs").is_dir());
    let before = stamps(&fx.site());
    let out = fx.shelf_ok(&["build"]);
    assert!(
        out.contains(" 0 written") && out.contains("left alone"),
        "{out}"
    );
    assert_eq!(stamps(&fx.site()), before);

    // A file deleted by hand is not seen by a build that trusts the record...
    fs::remove_file(fx.site().join("beta/index.json")).expect("remove");
    // ...while a commit Shelf did not make is: alpha's notes edited with git.
    let file = fx.index().join("al/ph/alpha");
    let text = fs::read_to_string(&file).expect("alpha's file");
    let edited = text.replacen("\"notes\"", "\"by hand\"", 1);
    assert_ne!(text, edited, "alpha's record has notes to edit");
    fs::write(&file, edited).expect("edit");
    common::commit_by_hand(&fx.index(), "Fix the notes of alpha");
    let out = fx.shelf_ok(&["build"]);
    assert!(out.contains("left alone"), "{out}");
    let site = tree(&fx.site());
    assert!(
        String::from_utf8_lossy(&site["alpha/releases/tags/1.0.0"]).contains("by hand"),
        "alpha was planned again"
    );
    assert!(!site.contains_key("beta/index.json"), "beta was left alone");
    // `--verify` compares every file, and puts back what went missing.
    let out = fx.shelf_ok(&["build", "--verify"]);
    assert!(
        out.contains(" 1 written") && !out.contains("left alone"),
        "{out}"
    );
    assert!(
        tree(&fx.site()) == full("full-a"),
        "the site equals a full build"
    );

    // A site that lost its `-/config.json` (emptied by hand) is built whole.
    fs::remove_dir_all(fx.site()).expect("empty the site");
    let out = fx.shelf_ok(&["build"]);
    assert!(!out.contains("left alone"), "{out}");
    assert!(tree(&fx.site()) == full("full-b"));

    // Other templates are an input of every page: everything is planned again.
    let templates = fx.dir.path().join("templates");
    fs::create_dir_all(&templates).expect("templates");
    let base = include_str!("../templates/base.html");
    fs::write(
        templates.join("base.html"),
        format!("{base}<!-- ours -->\n"),
    )
    .expect("base");
    let with_templates = ["build", "--templates", templates.to_str().expect("utf-8")];
    let out = fx.shelf_ok(&with_templates);
    assert!(!out.contains("left alone"), "{out}");
    let page = fs::read_to_string(fx.site().join("index.html")).expect("home page");
    assert!(page.contains("<!-- ours -->"));
    let out = fx.shelf_ok(&with_templates);
    assert!(out.contains("left alone"), "{out}");
}

/// The writer thread answers publishes once their packages' files exist and writes the
/// derived files (registry-wide, change feed, `-/index.git/`) after: a writer stopped in
/// between (a killed server) leaves them to the build the next start runs, which sees the
/// packages' index files changed since the last build.
#[test]
fn derived_files_owed_by_a_stopped_writer_are_written_by_the_next_build() {
    let fx = populated();
    fx.shelf_ok(&["build"]);
    let mut registry = fx.registry();
    registry.defer_writes();
    publish(&mut registry, "beta", "0.2.0");
    publish(&mut registry, "epsilon", "1.0.0");
    registry.flush().expect("the packages' files");
    assert!(registry.derived_owed());
    let site = fx.site();
    assert_eq!(json(&site, "epsilon/releases/latest")["tag_name"], "1.0.0");
    let search = |site: &std::path::Path| json(site, "-/search.json").to_string();
    assert!(!search(&site).contains("epsilon"), "owed, not written yet");
    // The writer stops here, as a killed server's would.
    drop(registry);

    let out = fx.shelf_ok(&["build"]);
    assert!(out.contains("left alone"), "only what changed: {out}");
    assert!(search(&site).contains("epsilon"));
    let feed = json(&site, "-/changes.json").to_string();
    assert!(
        feed.contains("\"epsilon\"") && feed.contains("\"0.2.0\""),
        "{feed}"
    );
    let head = fx.git(&["rev-parse", "HEAD"]);
    let refs = fs::read_to_string(site.join("-/index.git/info/refs")).expect("info/refs");
    assert!(refs.contains(head.trim()), "{refs}");
    let full = fx.dir.path().join("full");
    fx.shelf_ok(&["build", "--out", full.to_str().expect("utf-8")]);
    assert!(tree(&site) == tree(&full), "the site equals a full build");
}

#[test]
fn changing_the_base_url_rewrites_every_url() {
    let fx = populated();
    fx.shelf_ok(&["build", "--base-url", "https://mirror.example.org/reg/"]);
    assert_eq!(
        json(&fx.index(), "config.json")["base_url"],
        "https://mirror.example.org/reg"
    );
    assert!(
        fx.git(&["log", "-1", "--format=%s"])
            .contains("Set base URL to https://mirror.example.org/reg")
    );
    for (path, bytes) in tree(&fx.site()) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("registry.example.com"),
            "{path} still has the old URL"
        );
    }
    assert_eq!(
        json(&fx.site(), "alpha/releases/latest")["zipball_url"],
        "https://mirror.example.org/reg/alpha/zipball/1.0.0"
    );
}

#[test]
fn keys_layout_stores_lists_at_their_exact_keys() {
    let fx = Fixture::new();
    let mut options = fx.options();
    options.layout = Layout::Keys;
    let target = std::sync::Arc::new(MemoryTarget::default());
    let mut registry =
        Registry::open_with_target(&options, Box::new(target.clone())).expect("open");
    publish(&mut registry, "hello", "1.0.0");
    let keys = target.snapshot();
    for key in [
        "hello/releases",
        "hello/releases/latest",
        "v3/packages/hello/release",
        "v3/packages/hello/release/latest",
        "hello/zipball/1.0.0",
    ] {
        assert!(
            keys.contains_key(key),
            "{key} missing from {:?}",
            keys.keys().collect::<Vec<_>>()
        );
    }
    assert!(!keys.contains_key("hello/releases/index.json"));
    let err = fx.shelf_err(&["build", "--layout", "keys"]);
    assert!(err.contains("keys layout"), "{err}");
}

/// Every JSON document of a built site, and every index line, validates against its schema.
#[test]
fn generated_json_validates_against_the_schemas() {
    let fx = populated();
    let site = fx.site();
    let mut checked = 0;
    for (path, bytes) in tree(&site) {
        let parts: Vec<&str> = path.split('/').collect();
        let schema = match parts.as_slice() {
            [_, "releases", "index.json"] => "release-list",
            [_, "releases", "latest"] | [_, "releases", "tags", _] => "release",
            ["v3", "packages", _, "release", "index.json"] => "v3-release-list",
            ["v3", "packages", _, "release", "latest"]
            | ["v3", "packages", _, "release", "tags", _] => "v3-release",
            [_, "index.json"] => "package-index",
            ["-", "search.json"] => "search",
            ["-", "config.json"] => "registry-config",
            _ => continue,
        };
        let doc: serde_json::Value =
            serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{path}: {e}"));
        common::schema::validate(schema, &doc);
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} documents checked");
    common::schema::validate("index-config", &json(&fx.index(), "config.json"));
    for file in ["al/ph/alpha", "be/ta/beta", "ga/mm/gamma-x", "de/lt/delta"] {
        let text = fs::read_to_string(fx.index().join(file)).expect("index file");
        for line in text.lines() {
            common::schema::validate("index-line", &serde_json::from_str(line).expect("json"));
        }
    }
}

#[test]
fn completions_and_man_pages_come_from_the_command_line_itself() {
    let fx = Fixture::new();
    let bash = fx.shelf_ok(&["completions", "bash"]);
    assert!(
        bash.contains("_shelf()") && bash.contains("--verify"),
        "{bash}"
    );
    let zsh = fx.shelf_ok(&["completions", "zsh"]);
    assert!(zsh.starts_with("#compdef shelf"), "{zsh}");
    let page = fx.shelf_ok(&["man"]);
    assert!(page.contains(".TH SHELF 1"), "{page}");
    let dir = fx.dir.path().join("man");
    fx.shelf_ok(&["man", "--out", dir.to_str().expect("utf-8")]);
    let build = fs::read_to_string(dir.join("shelf-build.1")).expect("shelf-build.1");
    assert!(build.contains("verify"), "{build}");
    let err = fx.shelf_err(&["completions", "tcsh"]);
    assert!(err.contains("tcsh"), "{err}");
}
