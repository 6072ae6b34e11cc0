//! `shelf add`, `yank` and `delete` through the real binary, against a real git index:
//! every static path field by field, the index's git history, and every rejection.

mod common;

use std::fs;

use common::{Fixture, ZipBuilder, json, tree};
use serde_json::json;
use shelf::serverless::package::testing;

const BASE: &str = "https://registry.example.com";

/// A package zip with a hand-written publish.yaml, so every field's value is known here.
fn hello(version: &str) -> Vec<u8> {
    let yaml = format!(
        "Edition: 3.0.0\nType: Component\nName: hello\nVersion: {version}\nProvider:\n  - alibaba\n  - aws\n\
         Description: Says hello\nHomePage: https://example.com/hello\nTags: [greeting, demo]\n\
         Category: tools\nCommands:\n  deploy: Deploy it\nProperties:\n  region:\n    type: string\n"
    );
    ZipBuilder::new()
        .file("publish.yaml", yaml)
        .file(
            "README.md",
            format!("# Hello {version}\n\n<script>alert(1)</script>\n"),
        )
        .file("src/index.js", "module.exports = {}\n")
        .build()
}

fn add(fx: &Fixture, file: &str, zip: &[u8], extra: &[&str]) -> String {
    let path = fx.zip(file, zip);
    let mut args = vec![
        "add",
        path.to_str().expect("utf-8 path"),
        "--base-url",
        BASE,
    ];
    args.extend_from_slice(extra);
    fx.shelf_ok(&args)
}

#[test]
fn every_path_field_by_field() {
    let fx = Fixture::new();
    let notes = fx.zip("notes.md", b"First release");
    add(
        &fx,
        "a.zip",
        &hello("1.0.0"),
        &["--notes", notes.to_str().expect("utf-8")],
    );
    add(&fx, "b.zip", &hello("1.1.0"), &[]);
    add(&fx, "c.zip", &hello("2.0.0-beta.1"), &[]);
    let out = add(&fx, "d.zip", &hello("1.2.0"), &[]);
    assert!(out.contains("Published hello@1.2.0"), "{out}");
    assert!(
        out.contains(&format!("{BASE}/hello/zipball/1.2.0")),
        "{out}"
    );
    fx.shelf_ok(&["yank", "hello", "1.2.0"]);
    let site = fx.site();

    // latest: 1.2.0 is yanked and 2.0.0-beta.1 is a pre-release, so 1.1.0.
    let latest = json(&site, "hello/releases/latest");
    let created = latest["created_at"].as_str().expect("created_at");
    assert!(
        time::OffsetDateTime::parse(created, &time::format_description::well_known::Rfc3339)
            .is_ok()
    );
    assert!(created.ends_with('Z') && created.len() == 20, "{created}");
    let zip_b = hello("1.1.0");
    let expected = json!({
        "name": "hello",
        "tag_name": "1.1.0",
        "created_at": created,
        "zipball_url": format!("{BASE}/hello/zipball/1.1.0"),
        "body": "",
        "description": "Says hello",
        "type": "Component",
        "provider": ["alibaba", "aws"],
        "tags": ["greeting", "demo"],
        "readme": "# Hello 1.1.0\n\n<script>alert(1)</script>\n",
        "home": "https://example.com/hello",
        "category": "tools",
        "edition": "3.0.0",
        "sha256": hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&zip_b)),
        "size": zip_b.len(),
        "yanked": false,
    });
    assert_eq!(latest, expected);
    assert_eq!(json(&site, "hello/releases/tags/1.1.0"), expected);
    assert_eq!(
        json(&site, "v3/packages/hello/release/latest"),
        json!({ "body": expected })
    );
    assert_eq!(
        json(&site, "v3/packages/hello/release/tags/1.1.0"),
        json!({ "body": expected })
    );

    let first = json(&site, "hello/releases/tags/1.0.0");
    assert_eq!(first["body"], "First release");
    let pre = json(&site, "hello/releases/tags/2.0.0-beta.1");
    assert_eq!(pre["tag_name"], "2.0.0-beta.1");
    assert_eq!(json(&site, "hello/releases/tags/1.2.0")["yanked"], true);

    // Lists: newest publish first, yanked included and marked.
    let list = json(&site, "hello/releases/index.json");
    let tags: Vec<&str> = list
        .as_array()
        .expect("array")
        .iter()
        .map(|i| i["tag_name"].as_str().expect("tag"))
        .collect();
    assert_eq!(tags, ["1.2.0", "2.0.0-beta.1", "1.1.0", "1.0.0"]);
    assert_eq!(list[0]["yanked"], true);
    assert_eq!(
        list[2]["zipball_url"],
        format!("{BASE}/hello/zipball/1.1.0")
    );
    for key in [
        "tag_name",
        "created_at",
        "zipball_url",
        "body",
        "sha256",
        "size",
        "yanked",
    ] {
        assert!(list[1].get(key).is_some(), "list item lacks {key}");
    }
    assert_eq!(
        json(&site, "v3/packages/hello/release/index.json"),
        json!({ "body": list })
    );

    // Zipballs are the zips, hard-linked to the blob store.
    let zip_path = site.join("hello/zipball/1.1.0");
    assert_eq!(fs::read(&zip_path).expect("zipball"), zip_b);
    let sha = expected["sha256"].as_str().expect("sha");
    let blob = fx
        .data()
        .join("blobs")
        .join(&sha[..2])
        .join(&sha[2..4])
        .join(sha);
    use std::os::unix::fs::MetadataExt;
    assert_eq!(
        fs::metadata(&zip_path).expect("stat").ino(),
        fs::metadata(&blob).expect("stat").ino()
    );

    // The package document and page, registry-wide files.
    let package = json(&site, "hello/index.json");
    assert_eq!(package["latest"], "1.1.0");
    assert_eq!(package["versions"].as_array().expect("versions").len(), 4);
    let page = fs::read_to_string(site.join("hello/index.html")).expect("page");
    assert!(page.contains("1.1.0") && page.contains("Says hello"));
    assert!(
        !page.contains("<script>alert(1)</script>"),
        "readme HTML is sanitised"
    );
    let search = json(&site, "-/search.json");
    assert_eq!(search["packages"][0]["name"], "hello");
    assert_eq!(search["packages"][0]["latest"], "1.1.0");
    assert_eq!(search["packages"][0]["provider"], json!(["alibaba", "aws"]));
    let config = json(&site, "-/config.json");
    assert_eq!(config["base_url"], BASE);
    assert_eq!(config["v3_url"], format!("{BASE}/v3"));
    for file in [
        "index.html",
        "-/nginx.conf",
        "-/assets/style.css",
        "-/assets/search.js",
    ] {
        assert!(site.join(file).is_file(), "{file} missing");
    }
}

#[test]
fn the_index_is_a_clean_git_history() {
    let fx = Fixture::new();
    add(&fx, "a.zip", &hello("1.0.0"), &[]);
    add(&fx, "b.zip", &hello("1.1.0"), &[]);
    fx.shelf_ok(&["yank", "hello", "1.1.0"]);
    fx.shelf_ok(&["yank", "hello", "1.1.0", "--undo"]);
    fx.shelf_ok(&["delete", "hello", "1.0.0"]);

    assert_eq!(
        fx.git(&["status", "--porcelain"]),
        "",
        "working tree is clean"
    );
    let log = fx.git(&["log", "--format=%an|%s"]);
    let lines: Vec<&str> = log.lines().collect();
    assert_eq!(
        lines,
        [
            "alice|Delete hello@1.0.0",
            "alice|Unyank hello@1.1.0",
            "alice|Yank hello@1.1.0",
            "alice|Publish hello@1.1.0",
            "alice|Publish hello@1.0.0",
            "shelf|Initialize index",
        ]
    );
    let file = fs::read_to_string(fx.index().join("he/ll/hello")).expect("index file");
    let lines: Vec<serde_json::Value> = file
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["version"], "1.0.0");
    assert!(
        lines[0]["deleted_at"].is_string(),
        "deleted version stays as a tombstone"
    );
    assert_eq!(lines[1]["yanked"], false);
    let config = common::json(&fx.index(), "config.json");
    assert_eq!(config["base_url"], BASE);
    assert_eq!(config["zipball_url"], "{base_url}/{name}/zipball/{version}");

    // A clone is a complete copy.
    let clone = fx.dir.path().join("clone");
    common::git_in(
        fx.dir.path(),
        &[
            "clone",
            "--quiet",
            fx.index().to_str().expect("utf-8"),
            clone.to_str().expect("utf-8"),
        ],
    );
    assert_eq!(tree(&clone.join("he")), tree(&fx.index().join("he")));
    assert_eq!(
        fs::read(clone.join("config.json")).expect("config"),
        fs::read(fx.index().join("config.json")).expect("config")
    );
}

#[test]
fn unknown_fields_in_a_line_survive_a_rewrite() {
    let fx = Fixture::new();
    add(&fx, "a.zip", &hello("1.0.0"), &[]);
    let path = fx.index().join("he/ll/hello");
    let text = fs::read_to_string(&path).expect("index file");
    let edited =
        text.trim_end().trim_end_matches('}').to_owned() + ",\"x_future\":{\"keep\":[1,2]}}\n";
    fs::write(&path, edited).expect("write");
    fx.git(&[
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@t",
        "commit",
        "-qam",
        "hand edit",
    ]);
    fx.shelf_ok(&["yank", "hello", "1.0.0"]);
    let line: serde_json::Value =
        serde_json::from_str(fs::read_to_string(&path).expect("read").trim()).expect("json");
    assert_eq!(line["x_future"], json!({ "keep": [1, 2] }));
    assert_eq!(line["yanked"], true);
}

#[test]
fn latest_falls_back_to_prerelease_and_vanishes_when_all_yanked() {
    let fx = Fixture::new();
    add(
        &fx,
        "a.zip",
        &ZipBuilder::package("beta", "0.1.0-alpha.1").build(),
        &[],
    );
    assert_eq!(
        json(&fx.site(), "beta/releases/latest")["tag_name"],
        "0.1.0-alpha.1"
    );
    fx.shelf_ok(&["yank", "beta", "0.1.0-alpha.1"]);
    assert!(!fx.site().join("beta/releases/latest").exists());
    assert!(!fx.site().join("v3/packages/beta/release/latest").exists());
    assert_eq!(
        json(&fx.site(), "beta/releases/index.json")[0]["yanked"],
        true
    );
    assert!(
        fx.site().join("beta/zipball/0.1.0-alpha.1").exists(),
        "yanked stays downloadable"
    );
}

#[test]
fn deleting_removes_files_and_never_reuses_the_number() {
    let fx = Fixture::new();
    add(&fx, "a.zip", &hello("1.0.0"), &[]);
    add(&fx, "b.zip", &hello("1.1.0"), &[]);
    fx.shelf_ok(&["delete", "hello", "1.1.0"]);
    let site = fx.site();
    for gone in [
        "hello/releases/tags/1.1.0",
        "hello/zipball/1.1.0",
        "v3/packages/hello/release/tags/1.1.0",
    ] {
        assert!(!site.join(gone).exists(), "{gone} should be removed");
    }
    assert_eq!(json(&site, "hello/releases/latest")["tag_name"], "1.0.0");
    let err = fx.shelf_err(&[
        "add",
        fx.zip("b.zip", &hello("1.1.0")).to_str().expect("utf-8"),
    ]);
    assert!(
        err.contains("hello@1.1.0 was deleted; a version number is never used twice"),
        "{err}"
    );

    fx.shelf_ok(&["delete", "hello"]);
    assert!(!site.join("hello").exists());
    assert!(!site.join("v3/packages/hello").exists());
    assert_eq!(json(&site, "-/search.json")["packages"], json!([]));
    let err = fx.shelf_err(&["delete", "hello"]);
    assert!(err.contains("package \"hello\" not found"), "{err}");
}

/// Every way a zip is refused: the CLI names the cause, and nothing in the data directory
/// (index, blobs, site) changes.
#[test]
fn rejections_name_the_cause_and_change_nothing() {
    let fx = Fixture::new();
    add(&fx, "seed.zip", &hello("1.0.0"), &[]);
    add(
        &fx,
        "under.zip",
        &ZipBuilder::package("my_pkg", "1.0.0").build(),
        &[],
    );

    let valid = || ZipBuilder::package("evil", "1.0.0");
    let renamed = |from: &str, to: &str| {
        let mut zip = valid().file(from, "x").build();
        testing::rename_entry(&mut zip, from, to);
        zip
    };
    let mut encrypted = valid().build();
    testing::set_encrypted_flag(&mut encrypted);
    let mut liar = valid().file("big.bin", vec![0u8; 4 << 20]).build();
    testing::set_declared_size(&mut liar, "big.bin", 1000);

    let cases: Vec<(&str, Vec<u8>, Vec<&str>, &str)> = vec![
        ("not a zip", b"hello, not a zip".to_vec(), vec![], "zip"),
        (
            "no publish.yaml",
            ZipBuilder::new().file("README.md", "x").build(),
            vec![],
            "publish.yaml",
        ),
        (
            "malformed yaml",
            ZipBuilder::new()
                .file("publish.yaml", "Name: [unclosed")
                .build(),
            vec![],
            "not valid YAML",
        ),
        (
            "missing Name",
            ZipBuilder::new()
                .file("publish.yaml", "Version: 1.0.0\nType: Component")
                .build(),
            vec![],
            "Name",
        ),
        (
            "bad Version",
            ZipBuilder::new()
                .file("publish.yaml", "Name: evil\nVersion: 1.0\nType: Component")
                .build(),
            vec![],
            "Version",
        ),
        (
            "bad Type",
            ZipBuilder::new()
                .file("publish.yaml", "Name: evil\nVersion: 1.0.0\nType: Widget")
                .build(),
            vec![],
            "Type",
        ),
        (
            "reserved name",
            ZipBuilder::package("v3", "1.0.0").build(),
            vec![],
            "reserved",
        ),
        ("dot-dot", renamed("aa/b.txt", "../b.txt"), vec![], ".."),
        (
            "absolute",
            renamed("etc/passwd", "/tc/passwd"),
            vec![],
            "absolute",
        ),
        (
            "backslash",
            renamed("a_b.txt", "a\\b.txt"),
            vec![],
            "backslash",
        ),
        ("nul", renamed("a_b.txt", "a\0b.txt"), vec![], "NUL"),
        (
            "duplicate",
            {
                let mut zip = valid().file("one.txt", "1").file("two.txt", "2").build();
                testing::rename_entry(&mut zip, "two.txt", "one.txt");
                zip
            },
            vec![],
            "duplicate",
        ),
        (
            "symlink",
            valid().symlink("link", "/etc/passwd").build(),
            vec![],
            "symlink",
        ),
        ("encrypted", encrypted, vec![], "encrypted"),
        (
            "too many entries",
            valid().file("a", "1").file("b", "2").build(),
            vec!["--max-entries", "3"],
            "entries",
        ),
        (
            "too much uncompressed",
            valid().stored("big.bin", vec![7u8; 10_000]).build(),
            vec!["--max-uncompressed-bytes", "5000"],
            "uncompressed",
        ),
        (
            "ratio bomb",
            valid().file("zeros.bin", vec![0u8; 8 << 20]).build(),
            vec![],
            "ratio",
        ),
        ("lying sizes", liar, vec![], "declared size"),
        (
            "too large",
            hello("9.0.0"),
            vec!["--max-zip-bytes", "200"],
            "larger than the limit",
        ),
        (
            "existing version",
            hello("1.0.0"),
            vec![],
            "hello@1.0.0 already exists",
        ),
        (
            "name collision",
            ZipBuilder::package("my-pkg", "2.0.0").build(),
            vec![],
            "taken by the package \"my_pkg\"",
        ),
    ];
    let before = tree(&fx.data());
    for (what, zip, flags, needle) in cases {
        let path = fx.zip("bad.zip", &zip);
        let mut args = vec!["add", path.to_str().expect("utf-8")];
        args.extend(flags);
        let err = fx.shelf_err(&args);
        assert!(
            err.contains(needle),
            "{what}: expected {needle:?} in: {err}"
        );
        assert!(err.starts_with("error: "), "{what}: {err}");
        assert!(
            tree(&fx.data()) == before,
            "{what}: the data directory changed"
        );
    }
    assert!(
        !fx.dir
            .path()
            .join("data/blobs/tmp")
            .read_dir()
            .expect("tmp")
            .any(|_| true),
        "no staged leftovers"
    );
}
