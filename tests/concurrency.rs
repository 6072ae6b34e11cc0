//! Concurrent publishers through the real router: every distinct publish lands as its own
//! commit, a race on one version has exactly one winner, the history stays linear, and the
//! incrementally written site equals a full rebuild.

mod common;

use std::sync::Arc;

use shelf::{api::testing::TestApp, serverless::package::testing::ZipBuilder};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn thirty_two_publishers_and_a_race() {
    let t = Arc::new(TestApp::new());
    let racer = t.user("racer");
    let mut tasks = Vec::new();
    for i in 0..30 {
        let user = t.user(&format!("author{i}"));
        let t = t.clone();
        tasks.push(tokio::spawn(async move {
            let name = format!("pkg-{i:02}");
            let zip = ZipBuilder::package(&name, "1.0.0")
                .file("src/data.txt", format!("package {i}\n").repeat(500))
                .build();
            (
                name,
                t.publish(&user.token, &format!("pkg-{i:02}"), "1.0.0", zip)
                    .await
                    .status
                    .as_u16(),
            )
        }));
    }
    for _ in 0..2 {
        let (t, token) = (t.clone(), racer.token.clone());
        tasks.push(tokio::spawn(async move {
            (
                "race".to_owned(),
                t.publish(
                    &token,
                    "race",
                    "1.0.0",
                    ZipBuilder::package("race", "1.0.0").build(),
                )
                .await
                .status
                .as_u16(),
            )
        }));
    }
    let mut race = Vec::new();
    for task in tasks {
        let (name, status) = task.await.expect("task");
        if name == "race" {
            race.push(status);
        } else {
            assert_eq!(status, 200, "{name} did not land");
        }
    }
    race.sort_unstable();
    assert_eq!(race, [200, 409], "exactly one winner of the race");

    let index = t.data().join("index");
    let count = common::git_in(&index, &["rev-list", "--count", "HEAD"]);
    assert_eq!(count.trim(), "32", "the first commit plus one per publish");
    assert_eq!(
        common::git_in(&index, &["rev-list", "--min-parents=2", "HEAD"]),
        "",
        "linear history"
    );
    let subjects = common::git_in(&index, &["log", "--format=%s"]);
    assert_eq!(
        subjects
            .lines()
            .filter(|s| *s == "Publish race@1.0.0")
            .count(),
        1
    );
    for i in 0..30 {
        assert!(subjects.contains(&format!("Publish pkg-{i:02}@1.0.0")));
    }
    assert_eq!(common::git_in(&index, &["status", "--porcelain"]), "");

    let fresh = t.dir.path().join("fresh");
    common::shelf_build_into(&t.data(), &fresh);
    let site = common::tree(&t.data().join("site"));
    assert_eq!(site.len(), common::tree(&fresh).len());
    assert!(
        site == common::tree(&fresh),
        "the site equals a full rebuild"
    );
    assert_eq!(
        common::json(&t.data().join("site"), "-/search.json")["packages"]
            .as_array()
            .expect("list")
            .len(),
        31
    );
}
