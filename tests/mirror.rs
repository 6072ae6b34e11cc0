//! `shelf mirror` against a real origin (`shelf serve`), and the copy served with
//! `shelf serve --site`: every path answers like the original, a re-run fetches only what
//! changed, and a zip that does not match its SHA-256 is refused.

mod common;

use std::{
    collections::BTreeMap,
    fs,
    path::Path,
    process::{Command, Output},
};

use common::{
    Fixture, ZipBuilder,
    server::{Server, shelf_serve},
    stamps, tree,
};

fn origin(fx: &Fixture, listen: &str) -> Server {
    Server::shelf(&mut shelf_serve(&fx.data(), &["--listen", listen]))
}

fn mirror(base: &str, out: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shelf"))
        .args(["mirror", base, "--out"])
        .arg(out)
        .output()
        .expect("run shelf mirror")
}

/// What a successful run reports: `fetched N files, M zips, skipped K, removed R (…)`.
#[derive(Debug, PartialEq)]
struct Summary {
    fetched: usize,
    zips: usize,
    skipped: usize,
    removed: usize,
}

fn mirror_ok(base: &str, out: &Path) -> Summary {
    let run = mirror(base, out);
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "shelf mirror failed:\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let numbers: Vec<usize> = stdout
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().expect("a number"))
        .collect();
    assert!(stdout.starts_with("fetched "), "summary line: {stdout}");
    Summary {
        fetched: numbers[0],
        zips: numbers[1],
        skipped: numbers[2],
        removed: numbers[3],
    }
}

fn add(fx: &Fixture, name: &str, version: &str) {
    let zip = fx.zip("p.zip", &ZipBuilder::package(name, version).build());
    fx.shelf_ok(&["add", zip.to_str().expect("utf-8 path")]);
}

/// Status, content type and body of `GET {base}/{path}`.
fn get(base: &str, path: &str) -> (u16, String, Vec<u8>) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    let mut resp = agent
        .get(&format!("{base}/{path}"))
        .call()
        .unwrap_or_else(|e| panic!("GET {base}/{path}: {e}"));
    let kind = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = resp
        .body_mut()
        .with_config()
        .limit(100 << 20)
        .read_to_vec()
        .expect("body");
    (resp.status().as_u16(), kind, body)
}

/// Every URL path a site's files answer: each stored key, and the folder paths the dir
/// layout answers with a folder's `index.json` or `index.html` (with and without `/`).
fn url_paths(site: &Path) -> Vec<String> {
    let mut paths = Vec::new();
    for key in tree(site).into_keys() {
        if let Some(folder) = key
            .strip_suffix("/index.json")
            .or_else(|| key.strip_suffix("/index.html"))
        {
            paths.push(folder.to_owned());
            paths.push(format!("{folder}/"));
        }
        if key == "index.html" {
            paths.push(String::new());
        }
        paths.push(key);
    }
    paths.extend(
        [
            "nosuch/releases",
            "hello/releases/tags/9.9.9",
            "hello/zipball/9.9.9",
            "v3/packages/nosuch/release/latest",
            "-/nothing.json",
            ".shelf-mirror.json",
        ]
        .map(String::from),
    );
    paths
}

/// Every file of the copy but the mirror's state file.
fn copy_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = tree(dir);
    files.remove(".shelf-mirror.json");
    files
}

fn assert_answers_alike(origin: &str, copy: &str, site: &Path) {
    for path in url_paths(site) {
        let (status, kind, body) = get(origin, &path);
        let mirrored = get(copy, &path);
        assert_eq!(mirrored.0, status, "status of /{path}");
        assert_eq!(mirrored.1, kind, "content type of /{path}");
        assert!(mirrored.2 == body, "body of /{path} differs");
    }
}

#[test]
fn a_mirror_answers_like_the_origin_and_follows_it() {
    let fx = Fixture::new();
    // The first start records the real address as the base URL, so a restart on the same
    // address keeps every URL right.
    let first = origin(&fx, "127.0.0.1:0");
    let address = first.base.trim_start_matches("http://").to_owned();
    drop(first);
    for (name, version) in [
        ("hello", "1.0.0"),
        ("hello", "1.1.0"),
        ("hello", "2.0.0-beta.1"),
        ("world", "1.0.0"),
        ("gone", "1.0.0"),
    ] {
        add(&fx, name, version);
    }
    fx.shelf_ok(&["yank", "hello", "1.1.0"]);
    fx.shelf_ok(&["delete", "gone"]);
    let server = origin(&fx, &address);
    let base = server.base.clone();

    let out = fx.dir.path().join("copy");
    let first = mirror_ok(&base, &out);
    assert_eq!(first.zips, 4, "every live version's zip: {first:?}");
    assert_eq!(first.removed, 0);
    assert!(
        copy_tree(&out) == tree(&fx.site()),
        "the copy is the site, byte for byte"
    );

    // `--site` serves the copy alone; the data directory is never opened.
    let copy = Server::shelf(&mut shelf_serve(
        &fx.dir.path().join("unused"),
        &[
            "--site",
            out.to_str().expect("utf-8 path"),
            "--listen",
            "127.0.0.1:0",
        ],
    ));
    assert_answers_alike(&base, &copy.base, &fx.site());

    // Nothing changed: nothing is downloaded.
    let again = mirror_ok(&base, &out);
    assert_eq!(
        (again.fetched, again.zips, again.removed),
        (0, 0, 0),
        "{again:?}"
    );
    assert!(again.skipped > 0);

    // One more version at the origin.
    let origin_before = stamps(&fx.site());
    let copy_before = stamps(&out);
    drop(server);
    add(&fx, "hello", "2.0.0");
    let server = origin(&fx, &address);
    let after = mirror_ok(&base, &out);
    assert_eq!(after.zips, 1, "only the new zip: {after:?}");
    let origin_changed: Vec<String> = {
        let now = stamps(&fx.site());
        now.iter()
            .filter(|(k, v)| origin_before.get(*k) != Some(v))
            .map(|(k, _)| k.clone())
            .collect()
    };
    assert!(
        after.fetched <= origin_changed.len(),
        "fetched {} files, but only {} changed at the origin: {origin_changed:#?}",
        after.fetched,
        origin_changed.len()
    );
    let copy_now = stamps(&out);
    for (path, stamp) in &copy_now {
        if copy_before.get(path) == Some(stamp) || path == ".shelf-mirror.json" {
            continue;
        }
        let hello = path.starts_with("hello/") || path.starts_with("v3/packages/hello/");
        let registry_wide = path == "index.html" || path.starts_with("-/");
        assert!(
            hello || registry_wide,
            "{path} was rewritten, but only hello changed"
        );
    }
    for unchanged in [
        "world/index.json",
        "world/zipball/1.0.0",
        "hello/zipball/1.0.0",
    ] {
        assert_eq!(
            copy_now.get(unchanged),
            copy_before.get(unchanged),
            "{unchanged}"
        );
    }
    assert!(
        copy_tree(&out) == tree(&fx.site()),
        "the copy follows the site"
    );
    assert_answers_alike(&base, &copy.base, &fx.site());

    // A zip whose bytes are not the ones its documents hash to is refused. (The site's zip
    // is a hard link to the blob: it is replaced, not written through.)
    let zip = fx.site().join("world/zipball/1.0.0");
    let mut bytes = fs::read(&zip).expect("the origin's zip");
    let last = bytes.len() - 1;
    bytes[last] ^= 0xff;
    fs::remove_file(&zip).expect("unlink the zip");
    fs::write(&zip, &bytes).expect("corrupt the zip");
    let fresh = fx.dir.path().join("fresh");
    let refused = mirror(&base, &fresh);
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success(), "a corrupted zip fails the run");
    assert!(
        stderr.contains("SHA-256 mismatch") && stderr.contains("world/zipball/1.0.0"),
        "the error names the mismatch and the zip: {stderr}"
    );
    assert!(
        !fresh.join("world/zipball/1.0.0").exists(),
        "the bad zip was not written"
    );
    drop(server);
}
