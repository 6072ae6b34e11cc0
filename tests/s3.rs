//! The S3 target against a real S3-compatible server (SeaweedFS, started per test on free
//! ports of 127.0.0.1; see `common::seaweed`): the keys layout as objects, content types
//! and cache headers, no PUT for an unchanged site, only changed objects for a publish,
//! deletions, the purge command's paths, and `shelf serve` writing each publish.
//!
//! Objects are read back anonymously over the server's plain HTTP endpoint, after a public
//! read bucket policy like the one the README gives for a CDN origin.

mod common;

use std::{
    collections::{BTreeMap, BTreeSet},
    fs,
    path::Path,
    process::{Command, Output},
    sync::Arc,
    thread,
    time::Duration,
};

use common::{
    Fixture, ZipBuilder, publish,
    seaweed::{Bucket, ObjectInfo, Seaweed},
    server::{Server, agent, shelf_serve},
};
use shelf::{
    clock,
    index::Author,
    output::{Kind, Layout, MemoryTarget, S3Target, purge::url_paths, s3::Location},
    registry::{Options, Registry},
};

const PREFIX: &str = "reg/";

/// Gives `command` the server's credentials and nothing of the machine's own AWS setup.
fn aws_env<'c>(command: &'c mut Command, fx: &Fixture, server: &Seaweed) -> &'c mut Command {
    server.aws_env(command, fx.dir.path())
}

/// Runs the real `shelf` on the fixture with the server's credentials in its environment.
fn shelf(fx: &Fixture, server: &Seaweed, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_shelf"));
    command
        .arg("--data")
        .arg(fx.data())
        .args(args)
        .env_remove("SHELF_BASE_URL")
        .env_remove("SHELF_TARGET")
        .env("SHELF_PUBLISHER", "alice");
    let out = aws_env(&mut command, fx, server)
        .output()
        .expect("run shelf");
    assert!(
        out.status.success(),
        "shelf {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The figure printed before `label` (`"3 written"` → 3).
fn figure(stdout: &str, label: &str) -> usize {
    let before = stdout
        .split(&format!(" {label}"))
        .next()
        .filter(|b| b.len() < stdout.len())
        .unwrap_or_else(|| panic!("no {label:?} in {stdout}"));
    before
        .rsplit(|c: char| !c.is_ascii_digit())
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no figure before {label:?} in {stdout}"))
}

/// Site keys whose object is new, gone, or rewritten (another ETag or Last-Modified).
fn changed(
    before: &BTreeMap<String, ObjectInfo>,
    after: &BTreeMap<String, ObjectInfo>,
) -> BTreeSet<String> {
    before
        .keys()
        .chain(after.keys())
        .filter(|k| before.get(*k) != after.get(*k))
        .map(|k| k.strip_prefix(PREFIX).expect("under the prefix").to_owned())
        .collect()
}

/// Last-Modified has a resolution of one second: wait for the next one, so that a rewrite
/// of the same bytes shows.
fn next_second() {
    thread::sleep(Duration::from_millis(1100));
}

/// A full keys-layout build of the fixture's index, in memory: what the bucket must hold.
fn expected_site(fx: &Fixture) -> BTreeMap<String, Vec<u8>> {
    // A copy of the data directory, so the build cannot touch the registry under test.
    let copy = fx.dir.path().join("copy");
    common::copy_data(&fx.data(), &copy);
    let mut options = Options::new(&copy);
    options.layout = Layout::Keys;
    let target = Arc::new(MemoryTarget::default());
    let mut registry =
        Registry::open_with_target(&options, Box::new(target.clone())).expect("open copy");
    registry.build(None).expect("build copy");
    target.snapshot()
}

fn assert_bucket_is_the_site(bucket: &Bucket, expected: &BTreeMap<String, Vec<u8>>) {
    let objects = bucket.objects(PREFIX);
    let keys: BTreeSet<&str> = objects
        .keys()
        .map(|k| k.strip_prefix(PREFIX).expect("prefix"))
        .collect();
    let expected_keys: BTreeSet<&str> = expected.keys().map(String::as_str).collect();
    assert_eq!(
        keys, expected_keys,
        "the bucket holds exactly the site's keys"
    );
    for (key, bytes) in expected {
        let got = bucket.fetch(&format!("{PREFIX}{key}"));
        assert_eq!(got.status, 200, "{key}");
        assert!(got.body == *bytes, "{key}: other bytes than the site's");
        // SeaweedFS takes `application/octet-stream` for "unspecified" and answers a type
        // guessed from the extension instead (`.pack`); S3 answers what was stored.
        let class = shelf::protocols::RULES.class_of(key);
        if class.kind != Kind::Binary {
            assert_eq!(got.content_type, class.kind.content_type(), "{key}");
        }
        assert_eq!(got.cache_control, class.cache.header(), "{key}");
    }
}

#[test]
fn build_publish_delete_and_purge_through_the_command_line() {
    let server = Seaweed::start();
    let bucket = server.bucket("site");
    bucket.allow_public_read();
    let fx = Fixture::new();
    {
        let mut registry = fx.registry();
        publish(&mut registry, "hello", "1.0.0");
        publish(&mut registry, "hello", "1.1.0");
        publish(&mut registry, "world", "0.1.0");
    }
    let purged = fx.dir.path().join("purged");
    let purge_command = format!("cat > '{}'", purged.display());
    let target_args = |extra: &[&str]| -> Vec<String> {
        let mut args: Vec<String> = extra.iter().map(|s| (*s).to_owned()).collect();
        args.extend([
            "--target".into(),
            format!("s3://site/{}", PREFIX.trim_end_matches('/')),
            "--s3-endpoint".into(),
            server.endpoint.clone(),
            "--purge-command".into(),
            purge_command.clone(),
        ]);
        args
    };
    let run = |extra: &[&str]| {
        let args = target_args(extra);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        String::from_utf8(shelf(&fx, &server, &args).stdout).expect("utf-8")
    };

    // A first build uploads the whole site.
    let out = run(&["build"]);
    let first = bucket.objects(PREFIX);
    assert_eq!(figure(&out, "written"), first.len(), "{out}");
    for key in [
        "hello/releases",
        "hello/releases/latest",
        "hello/releases/tags/1.0.0",
        "v3/packages/hello/release",
        "v3/packages/hello/release/latest",
        "v3/packages/hello/release/tags/1.1.0",
        "hello/zipball/1.1.0",
        "hello/index.html",
        "index.html",
        "-/search.json",
    ] {
        assert!(
            first.contains_key(&format!("{PREFIX}{key}")),
            "{key} missing from {:?}",
            first.keys()
        );
    }
    assert!(!first.contains_key(&format!("{PREFIX}hello/releases/index.json")));
    let latest = bucket.fetch(&format!("{PREFIX}hello/releases/latest"));
    assert_eq!(latest.content_type, "application/json");
    assert_eq!(latest.cache_control, "public, max-age=60, must-revalidate");
    let doc: serde_json::Value = serde_json::from_slice(&latest.body).expect("json");
    assert_eq!(doc["tag_name"], "1.1.0");
    let zip = bucket.fetch(&format!("{PREFIX}hello/zipball/1.0.0"));
    assert_eq!(zip.content_type, "application/zip");
    assert_eq!(zip.cache_control, "public, max-age=31536000, immutable");
    assert_eq!(&zip.body[..2], b"PK");
    let tag = bucket.fetch(&format!("{PREFIX}v3/packages/hello/release/tags/1.0.0"));
    assert_eq!(tag.cache_control, "public, max-age=31536000, immutable");
    let page = bucket.fetch(&format!("{PREFIX}hello/index.html"));
    assert_eq!(page.content_type, "text/html; charset=utf-8");
    assert_eq!(page.cache_control, "public, max-age=60, must-revalidate");
    let first_purge = fs::read_to_string(&purged).expect("the purge command ran");
    assert!(first_purge.lines().any(|l| l == "/hello/releases/latest"));

    // A rebuild of the same index sends no PUT, removes nothing and purges nothing.
    fs::remove_file(&purged).expect("remove");
    next_second();
    let out = run(&["build"]);
    assert_eq!(figure(&out, "written"), 0, "{out}");
    assert_eq!(figure(&out, "removed"), 0, "{out}");
    assert_eq!(
        bucket.objects(PREFIX),
        first,
        "no object was rewritten (same ETags and Last-Modified)"
    );
    assert!(!purged.exists(), "nothing changed, nothing to purge");

    // A publish uploads only that package's changed objects and registry-wide files.
    next_second();
    let zip = fx.zip(
        "hello-1.2.0.zip",
        &ZipBuilder::package("hello", "1.2.0").build(),
    );
    let out = run(&["add", zip.to_str().expect("utf-8")]);
    let after_publish = bucket.objects(PREFIX);
    let publish_changes = changed(&first, &after_publish);
    let rewritten = publish_changes
        .iter()
        .filter(|k| after_publish.contains_key(&format!("{PREFIX}{k}")))
        .count();
    assert_eq!(
        figure(&out, "written"),
        rewritten,
        "every PUT changed an object, every changed object was a PUT: {out}\n{publish_changes:?}"
    );
    for key in [
        "hello/releases",
        "hello/releases/latest",
        "hello/releases/tags/1.2.0",
        "hello/zipball/1.2.0",
        "v3/packages/hello/release/latest",
        "-/search.json",
    ] {
        assert!(publish_changes.contains(key), "{key} not uploaded");
    }
    for key in &publish_changes {
        assert!(
            key.starts_with("hello/")
                || key.starts_with("v3/packages/hello/")
                || key == "index.html"
                || key.starts_with("-/"),
            "{key} changed by a publish of hello"
        );
    }
    for untouched in [
        "hello/releases/tags/1.0.0",
        "hello/zipball/1.0.0",
        "v3/packages/hello/release/tags/1.1.0",
        "world/releases/latest",
        "world/index.html",
        "-/config.json",
    ] {
        assert!(
            !publish_changes.contains(untouched),
            "{untouched} was rewritten"
        );
    }
    // The purge command was given exactly the changed objects' paths.
    let keys: Vec<&str> = publish_changes.iter().map(String::as_str).collect();
    let purged_paths: Vec<String> = fs::read_to_string(&purged)
        .expect("purged")
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(purged_paths, url_paths(&keys, &shelf::protocols::RULES));
    assert!(purged_paths.contains(&"/hello/releases/latest".to_owned()));
    assert!(purged_paths.contains(&"/hello/".to_owned()));

    // Deleting a version removes its objects.
    next_second();
    let out = run(&["delete", "hello", "1.0.0"]);
    let after_delete = bucket.objects(PREFIX);
    for gone in [
        "hello/releases/tags/1.0.0",
        "hello/zipball/1.0.0",
        "v3/packages/hello/release/tags/1.0.0",
    ] {
        assert!(
            !after_delete.contains_key(&format!("{PREFIX}{gone}")),
            "{gone} still in the bucket"
        );
    }
    assert!(figure(&out, "files removed") >= 3, "{out}");
    assert!(
        fs::read_to_string(&purged)
            .expect("purged")
            .lines()
            .any(|l| l == "/hello/zipball/1.0.0"),
        "a removed object is purged"
    );

    // After a full build the bucket is exactly a full build of the index, every object
    // readable anonymously over HTTP with its content type and cache header.
    run(&["build"]);
    assert_bucket_is_the_site(&bucket, &expected_site(&fx));
}

#[test]
fn the_target_sends_one_put_per_changed_object_and_none_for_a_no_op() {
    let server = Seaweed::start();
    let _bucket = server.bucket("counted");
    let fx = Fixture::new();
    let mut options = fx.options();
    options.layout = Layout::Keys;
    let location = Location::parse("s3://counted/reg").expect("location");
    let target = Arc::new(S3Target::with_config(location, server.config()).expect("target"));
    let mut registry =
        Registry::open_with_target(&options, Box::new(target.clone())).expect("open");
    publish(&mut registry, "hello", "1.0.0");
    publish(&mut registry, "world", "1.0.0");
    // A full build (it merges the exported index's packs, so it may write some).
    registry.build(None).expect("build");

    let before = target.requests();
    let no_op = registry.build(None).expect("no-op build");
    let after = target.requests();
    assert_eq!(no_op.written.len(), 0);
    assert_eq!(after.puts, before.puts, "a no-op build sends no PUT");
    assert_eq!(after.deletes, before.deletes);
    assert_eq!(after.heads, before.heads, "no HEAD per key");
    assert_eq!(
        after.lists - before.lists,
        1,
        "one listing page for the site"
    );

    let before = target.requests();
    let zip = ZipBuilder::package("hello", "1.1.0").build();
    let published = registry
        .add(zip.as_slice(), "", &Author::named("alice"), clock::now())
        .expect("publish");
    let after = target.requests();
    assert_eq!(
        after.puts - before.puts,
        published.stats.written.len() as u64,
        "one PUT per changed object: {:?}",
        published.stats.written
    );
    assert_eq!(after.heads, before.heads, "no HEAD per key");
    assert!(
        published
            .stats
            .written
            .iter()
            .all(|k| !k.starts_with("world/")),
        "{:?}",
        published.stats.written
    );
    // Figures for the report: what one publish of one version costs.
    eprintln!(
        "publish of one version: {} PUT, {} DELETE, {} LIST pages; written: {:?}",
        after.puts - before.puts,
        after.deletes - before.deletes,
        after.lists - before.lists,
        published.stats.written
    );
}

fn write_package(dir: &Path, version: &str) {
    fs::create_dir_all(dir).expect("mkdir");
    fs::write(
        dir.join("publish.yaml"),
        format!(
            "Edition: 3.0.0\nType: Component\nName: hello\nVersion: {version}\n\
             Provider: [alibaba]\nDescription: Says hello\n"
        ),
    )
    .expect("write");
    fs::write(dir.join("README.md"), "# hello\n").expect("write");
    fs::write(dir.join("index.js"), "module.exports = 1;\n").expect("write");
}

#[test]
fn serve_writes_each_publish_to_the_bucket() {
    let seaweed = Seaweed::start();
    let bucket = seaweed.bucket("served");
    let fx = Fixture::new();
    fx.shelf_typed(
        &["user", "add", "alice", "--email", "alice@example.com"],
        "a long enough password\n",
    );

    let mut command = shelf_serve(
        &fx.data(),
        &[
            "--listen",
            "127.0.0.1:0",
            "--target",
            "s3://served/reg",
            "--s3-endpoint",
            &seaweed.endpoint,
        ],
    );
    let server = Server::shelf(aws_env(&mut command, &fx, &seaweed));
    let base = server.base.clone();
    // Opening the registry built the (empty) site into the bucket.
    assert!(
        bucket
            .objects(PREFIX)
            .contains_key(&format!("{PREFIX}index.html"))
    );

    fx.shelf_typed(
        &["login", "--registry", &base, "--username", "alice"],
        "a long enough password\n",
    );
    let package = fx.dir.path().join("hello");
    write_package(&package, "1.0.0");
    fx.shelf_typed(
        &[
            "publish",
            package.to_str().expect("utf-8"),
            "--registry",
            &base,
        ],
        "",
    );
    // The moment publish returned, the bucket has the version.
    let objects = bucket.objects(PREFIX);
    for key in [
        "hello/releases",
        "hello/releases/latest",
        "hello/zipball/1.0.0",
    ] {
        assert!(
            objects.contains_key(&format!("{PREFIX}{key}")),
            "{key} missing: {:?}",
            objects.keys()
        );
    }
    bucket.allow_public_read();
    let latest: serde_json::Value =
        serde_json::from_slice(&bucket.fetch(&format!("{PREFIX}hello/releases/latest")).body)
            .expect("json");
    assert_eq!(latest["tag_name"], "1.0.0");

    // The server itself serves no reads: its local folder is not the published site.
    let mut answer = agent()
        .get(&format!("{base}/hello/releases/latest"))
        .call()
        .expect("GET");
    assert_eq!(answer.status().as_u16(), 404);
    let error: serde_json::Value =
        serde_json::from_slice(&answer.body_mut().read_to_vec().expect("body")).expect("json");
    assert!(
        error["error"]
            .as_str()
            .is_some_and(|e| e.contains("only takes writes")),
        "{error}"
    );
}

/// Issue 14: the store's keys may come from the configuration file (`[output]
/// s3_access_key_id`, `s3_secret_access_key`) instead of the AWS environment; the server
/// checks the signatures, so a wrong secret is refused.
#[test]
fn keys_from_the_configuration_file_sign_the_requests() {
    let server = Seaweed::start();
    let bucket = server.bucket("configured");
    let fx = Fixture::new();
    {
        let mut registry = fx.registry();
        publish(&mut registry, "hello", "1.0.0");
    }
    let run = |secret: &str| {
        let file = format!(
            "[output]\ntarget = \"s3://configured/reg\"\ns3_endpoint = \"{}\"\n\
             s3_access_key_id = \"{}\"\ns3_secret_access_key = \"{secret}\"\n",
            server.endpoint,
            common::seaweed::ACCESS_KEY
        );
        std::fs::write(fx.data().join("shelf.toml"), file).expect("write the file");
        let mut command = Command::new(env!("CARGO_BIN_EXE_shelf"));
        command.arg("--data").arg(fx.data()).arg("build");
        aws_env(&mut command, &fx, &server)
            .env_remove("AWS_ACCESS_KEY_ID")
            .env_remove("AWS_SECRET_ACCESS_KEY")
            .env_remove("SHELF_TARGET")
            .output()
            .expect("run shelf")
    };
    let refused = run("not-the-secret");
    assert!(!refused.status.success(), "a wrong secret is refused");
    assert!(bucket.objects(PREFIX).is_empty());
    let built = run(common::seaweed::SECRET_KEY);
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    assert!(
        bucket
            .objects(PREFIX)
            .contains_key("reg/hello/releases/latest")
    );
}
