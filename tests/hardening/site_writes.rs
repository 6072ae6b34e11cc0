//! Issue 23, point 1: a change whose files cannot be written is refused and taken back (no
//! commit, no claim, no audit entry, no file), the batch's other changes go on, and a
//! server whose index holds a package it cannot write (a name today's rules refuse, a
//! file the site cannot hold) still starts and serves the rest.
//!
//! The failure is real, not injected: a folder sits where one of the package's files
//! goes, as a person's restore or another tool can leave one, and the kernel refuses to
//! replace it (`EISDIR`).

use std::{fs, path::Path, process::Command};

use shelf::api::testing::{TestApp, TestResponse};

use crate::common::{
    Fixture, commit_by_hand, copy_data, git_in,
    npm::{Tgz, document, publish_over_http},
    server::{Server, agent, unlimited_serve},
};

fn body(r: &TestResponse) -> String {
    String::from_utf8_lossy(&r.body).into_owned()
}

async fn npm_publish(t: &TestApp, token: &str, name: &str, version: &str) -> TestResponse {
    let tgz = Tgz::package(name, version).build();
    let doc = document(name, version, "latest", &tgz);
    t.json("PUT", &format!("/npm/{name}"), Some(token), &doc)
        .await
}

/// The paths of the index's `HEAD` tree, by real git.
fn head_files(index: &Path) -> String {
    git_in(index, &["ls-tree", "-r", "--name-only", "HEAD"])
}

/// Puts a folder (with a file in it) where the site's file `rel` goes.
fn block(site: &Path, rel: &str) {
    let path = site.join(rel);
    if path.is_file() {
        fs::remove_file(&path).expect("remove the file");
    }
    fs::create_dir_all(path.join("blocker")).expect("a folder in the way");
    fs::write(path.join("blocker").join("x"), "x").expect("a file in it");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_change_whose_files_cannot_be_written_is_refused_and_the_others_go_on() {
    let t = TestApp::new();
    let (alice, bob, admin) = (t.user("alice"), t.user("bob"), t.admin("root"));
    let r = npm_publish(&t, &alice.token, "ok-a", "1.0.0").await;
    assert_eq!(r.status, 200, "{}", body(&r));
    t.settle().await;
    let (index, site) = (t.data().join("index"), t.data().join("site"));
    let commits = git_in(&index, &["rev-list", "--count", "HEAD"]);
    block(&site, "npm/victim/index.json");

    // The blocked publish and a good one, sent together (often one batch of the writer).
    let (victim, other) = tokio::join!(
        npm_publish(&t, &alice.token, "victim", "1.0.0"),
        npm_publish(&t, &bob.token, "ok-b", "1.0.0"),
    );
    assert_eq!(
        other.status,
        200,
        "the other change goes on: {}",
        body(&other)
    );
    assert_eq!(victim.status, 500, "{}", body(&victim));
    let message = victim.error();
    assert!(
        message.contains("the change was refused and nothing was committed")
            && message.contains("npm:victim"),
        "{message}"
    );
    t.settle().await;

    // Nothing of it is left: no commit, no record, no tarball, no claim, no audit entry.
    let files = head_files(&index);
    assert!(!files.contains("victim"), "{files}");
    assert!(files.contains("ok-b"), "{files}");
    let after = git_in(&index, &["rev-list", "--count", "HEAD"]);
    let count = |s: &str| s.trim().parse::<u32>().expect("a count");
    assert_eq!(count(&after), count(&commits) + 1, "one commit: ok-b's");
    let log = git_in(&index, &["log", "--format=%s"]);
    assert!(!log.contains("victim"), "{log}");
    let status = Command::new("git")
        .args(["-C"])
        .arg(&index)
        .args(["status", "--porcelain"])
        .env("GIT_OPTIONAL_LOCKS", "0")
        .output()
        .expect("git status");
    assert!(status.stdout.is_empty(), "{:?}", status);
    git_in(&index, &["fsck", "--strict"]);
    assert!(!site.join("npm/victim/-/victim-1.0.0.tgz").exists());
    let search = fs::read_to_string(site.join("-/search.json")).expect("search");
    assert!(
        !search.contains("victim") && search.contains("ok-b"),
        "{search}"
    );
    let audit = t.call("GET", "/audit?limit=100", Some(&admin.token)).await;
    assert_eq!(audit.status, 200, "{}", body(&audit));
    let audit = body(&audit);
    assert!(!audit.contains("npm:victim"), "{audit}");
    assert!(audit.contains("npm:ok-b@1.0.0"), "{audit}");

    // The name was not claimed: once the folder is gone, anyone may take it.
    fs::remove_dir_all(site.join("npm/victim/index.json")).expect("unblock");
    let r = npm_publish(&t, &bob.token, "victim", "1.0.0").await;
    assert_eq!(r.status, 200, "{}", body(&r));
    let r = t.call("GET", "/npm/victim", None).await;
    assert_eq!(r.status, 200, "{}", body(&r));
    assert_eq!(r.json()["maintainers"][0]["name"], "bob");
}

#[test]
fn a_server_starts_whatever_package_it_cannot_write() {
    let fixture = Fixture::new();
    let data = fixture.data();
    {
        let runtime = tokio::runtime::Runtime::new().expect("runtime");
        runtime.block_on(async {
            let t = TestApp::new();
            let alice = t.user("alice");
            for name in ["ok-npm", "blocked"] {
                let r = npm_publish(&t, &alice.token, name, "1.0.0").await;
                assert_eq!(r.status, 200, "{}", body(&r));
            }
            t.settle().await;
            copy_data(&t.data(), &data);
        });
    }
    let index = data.join("index");
    // What the bug of issue 23 left in registries: a record of `-foo`, a name today's
    // rules refuse (its files once stopped every write; it is no package now, so nothing
    // reads it); and, by hand, a change to a package the site cannot hold.
    let record = fs::read_to_string(index.join("npm/ok/-n/ok-npm")).expect("a record");
    fs::create_dir_all(index.join("npm/-f/oo")).expect("shard");
    fs::write(
        index.join("npm/-f/oo/-foo"),
        record.replace("ok-npm", "-foo"),
    )
    .expect("write");
    let blocked = fs::read_to_string(index.join("npm/bl/oc/blocked")).expect("a record");
    fs::write(
        index.join("npm/bl/oc/blocked"),
        blocked.replacen("\"maintainers\":[", "\"maintainers\":[\"bob\",", 1),
    )
    .expect("write");
    commit_by_hand(&index, "Records this Shelf cannot write");
    block(&data.join("site"), "npm/blocked/index.json");

    let server = Server::shelf(&mut unlimited_serve(&data));
    let agent = agent();
    let get = |path: &str| {
        let response = agent
            .get(format!("{}{path}", server.base))
            .call()
            .expect("a response");
        response.status().as_u16()
    };
    assert_eq!(get("/npm/ok-npm"), 200, "the rest is served");
    assert_eq!(get("/npm/-foo"), 404);
    let token = crate::common::sign_up(&server.base, "carol");
    let (status, _) = publish_over_http(&server.base, &token, "after", "1.0.0");
    assert_eq!(status, 200, "writes go on");
    let status = server.terminate();
    assert!(status.success(), "{status:?}");

    // `shelf check` and `shelf build` name what they could not write.
    let check = fixture.shelf(&["check"]);
    assert!(!check.status.success());
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
    assert!(said.contains("npm/blocked/index.json"), "{said}");
    let build = fixture.shelf(&["build"]);
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&build.stdout),
        String::from_utf8_lossy(&build.stderr)
    );
    assert!(!build.status.success(), "{said}");
    assert!(said.contains("not built: npm:blocked: "), "{said}");
    assert!(said.contains("Is a directory"), "{said}");
}

/// Issue 23, point 8: a `git status` run by hand in the index holds git's lock on the
/// staging area for a moment. The files derived from the commits (home page, search
/// document, change feed, `-/index.git/`) need no lock and are written all the same, and
/// the staging area is written once the lock is gone, with no publish to prompt it.
#[tokio::test(flavor = "multi_thread")]
async fn a_lock_held_by_hand_delays_the_staging_area_and_nothing_else() {
    let t = TestApp::new();
    let alice = t.user("alice");
    let r = npm_publish(&t, &alice.token, "first", "1.0.0").await;
    assert_eq!(r.status, 200, "{}", body(&r));
    t.settle().await;
    let index = t.data().join("index");
    let lock = index.join(".git/index.lock");
    fs::write(&lock, "held by a git status run by hand\n").expect("hold the lock");
    let r = npm_publish(&t, &alice.token, "second", "1.0.0").await;
    assert_eq!(r.status, 200, "{}", body(&r));
    // The derived files name the new commit while the lock is held.
    crate::common::settled(&t.data());
    let search = fs::read_to_string(t.data().join("site/-/search.json")).expect("search");
    assert!(search.contains("second"), "{search}");
    let changes = fs::read_to_string(t.data().join("site/-/changes.json")).expect("feed");
    assert!(changes.contains("second"), "{changes}");
    // The lock goes: the writer writes the staging area by itself.
    fs::remove_file(&lock).expect("let go of the lock");
    let clean = || {
        let out = Command::new("git")
            .arg("-C")
            .arg(&index)
            .args(["status", "--porcelain"])
            .env("GIT_OPTIONAL_LOCKS", "0")
            .output()
            .expect("git status");
        out.stdout.is_empty() && !lock.exists()
    };
    let give_up = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !clean() {
        assert!(
            std::time::Instant::now() < give_up,
            "the staging area was never written"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}
