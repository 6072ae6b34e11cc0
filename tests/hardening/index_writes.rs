//! Defect 1: a failed index write must leave the working tree at `HEAD` before the writer
//! takes the next job, and nothing but a job's own change may ever be committed. The failure
//! is injected at every step of a write, for a publish, a maintainer's yank and a delete.

use serde_json::json;
use shelf::{
    api::testing::{TestApp, TestUser},
    index::repo::{Fault, WriteStep},
    registry::Registry,
    serverless::package::testing::ZipBuilder,
};

use crate::common::{git_in, snapshot::Snapshot};

/// alice owns `hello` 1.0.0; bob maintains it.
async fn world() -> (TestApp, TestUser, TestUser) {
    let t = TestApp::new();
    let (alice, bob) = (t.user("alice"), t.user("bob"));
    let r = t
        .publish(&alice.token, "hello", "1.0.0", zip("1.0.0"))
        .await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let body = json!({ "username": "bob" });
    let r = t
        .json("POST", "/hello/maintainers", Some(&alice.token), &body)
        .await;
    assert_eq!(r.status, 200, "{}", r.error());
    (t, alice, bob)
}

fn zip(version: &str) -> Vec<u8> {
    ZipBuilder::package("hello", version).build()
}

/// Makes the registry's next index write fail at `step`.
async fn inject(t: &TestApp, faults: &[(WriteStep, Fault)]) {
    let faults = faults.to_vec();
    t.app
        .writer
        .run(move |registry: &mut Registry| {
            for (step, fault) in faults {
                registry.index().fail_next_write(step, fault);
            }
        })
        .await
        .expect("the writer runs");
}

/// The operations whose index write is made to fail.
#[derive(Debug, Clone, Copy)]
enum Op {
    /// alice publishes a new version.
    Publish,
    /// bob, a maintainer, yanks 1.0.0.
    Yank,
    /// bob deletes 1.0.0.
    Delete,
}

async fn attempt(t: &TestApp, alice: &TestUser, bob: &TestUser, op: Op, n: usize) -> u16 {
    let answer = match op {
        Op::Publish => {
            let version = format!("2.0.{n}");
            t.publish(&alice.token, "hello", &version, zip(&version))
                .await
        }
        Op::Yank => {
            t.call("PUT", "/hello/releases/tags/1.0.0/yank", Some(&bob.token))
                .await
        }
        Op::Delete => {
            t.call("DELETE", "/hello/releases/tags/1.0.0", Some(&bob.token))
                .await
        }
    };
    answer.status.as_u16()
}

/// The paths the commit at HEAD changed.
fn head_paths(t: &TestApp) -> Vec<String> {
    let index = t.data().join("index");
    git_in(&index, &["show", "--name-only", "--format=", "HEAD"])
        .lines()
        .map(str::to_owned)
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failure_at_any_step_of_a_write_leaves_the_index_at_head() {
    let (t, alice, bob) = world().await;
    let mut n = 0;
    for op in [Op::Publish, Op::Yank, Op::Delete] {
        for step in WriteStep::ALL {
            n += 1;
            let case = format!("{op:?} failing at {step:?}");
            let before = Snapshot::take(&t.data());
            inject(&t, &[(step, Fault::Error)]).await;
            assert_eq!(attempt(&t, &alice, &bob, op, n).await, 500, "{case}");
            // Tree clean, HEAD, blobs (a new one is removed again) and site as they were.
            before.assert_unchanged(&t.data(), &case);
        }
    }
    // The failed publishes left no phantom: the same version is still free to announce.
    let release = json!({ "name": "hello", "version": "2.0.1" });
    let r = t
        .json("POST", "/releases", Some(&alice.token), &release)
        .await;
    assert_eq!(r.status, 201, "{}", r.error());
    // The owner's next publish commits its own line and nothing of bob's failed yank or
    // delete: 1.0.0 is still live and not yanked, and only hello's file changed.
    let r = t
        .publish(&alice.token, "hello", "3.0.0", zip("3.0.0"))
        .await;
    assert_eq!(r.status, 200, "{}", r.error());
    assert_eq!(head_paths(&t), ["he/ll/hello"]);
    let versions = t.call("GET", "/hello/releases", None).await.json();
    let listed: Vec<(String, bool)> = versions
        .as_array()
        .expect("a list")
        .iter()
        .map(|v| {
            (
                v["tag_name"].as_str().expect("tag").to_owned(),
                v["yanked"] == true,
            )
        })
        .collect();
    assert_eq!(
        listed,
        [("3.0.0".to_owned(), false), ("1.0.0".to_owned(), false)]
    );
    let author = git_in(
        &t.data().join("index"),
        &["log", "-1", "--format=%an <%ae>"],
    );
    assert_eq!(author.trim(), "alice <alice@example.com>");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_write_that_cannot_take_itself_back_is_repaired_before_the_next_job() {
    let (t, alice, bob) = world().await;
    let index = t.data().join("index");
    let head = git_in(&index, &["rev-parse", "HEAD"]);
    // The yank fails after its file is written and staged, and putting it back fails too.
    inject(
        &t,
        &[
            (WriteStep::Branch, Fault::Error),
            (WriteStep::Restore, Fault::Error),
        ],
    )
    .await;
    assert_eq!(attempt(&t, &alice, &bob, Op::Yank, 0).await, 500);
    // The next job, whatever it is, first puts the tree back.
    t.app.writer.run(|_| ()).await.expect("the writer runs");
    let status = git_in(&index, &["status", "--porcelain", "--untracked-files=all"]);
    assert_eq!(status, "", "the tree is back at HEAD");
    assert_eq!(git_in(&index, &["rev-parse", "HEAD"]), head);
    let r = t
        .publish(&alice.token, "hello", "1.1.0", zip("1.1.0"))
        .await;
    assert_eq!(r.status, 200, "{}", r.error());
    assert_eq!(head_paths(&t), ["he/ll/hello"]);
    let latest = t
        .call("GET", "/hello/releases/tags/1.0.0", None)
        .await
        .json();
    assert_eq!(
        latest["yanked"], false,
        "bob's failed yank was not committed"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_write_that_panics_half_way_is_repaired_before_the_next_job() {
    let (t, alice, bob) = world().await;
    for step in [WriteStep::WorkingFile, WriteStep::Stage, WriteStep::Branch] {
        let case = format!("a panic at {step:?}");
        let before = Snapshot::take(&t.data());
        inject(&t, &[(step, Fault::Panic)]).await;
        assert_eq!(attempt(&t, &alice, &bob, Op::Yank, 0).await, 500, "{case}");
        t.app.writer.run(|_| ()).await.expect("the writer survives");
        before.assert_unchanged(&t.data(), &case);
    }
    let r = t
        .publish(&alice.token, "hello", "1.1.0", zip("1.1.0"))
        .await;
    assert_eq!(r.status, 200, "{}", r.error());
    assert_eq!(head_paths(&t), ["he/ll/hello"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_email_git_refuses_is_refused_at_registration() {
    let t = TestApp::new();
    let before = Snapshot::take(&t.data());
    for email in ["m<x>@example.com", "m@example.com>", "m\n@example.com"] {
        let body = json!({ "username": "mallory", "password": "a long password", "email": email });
        let r = t.json("POST", "/register", None, &body).await;
        assert_eq!(r.status, 400, "{email:?}");
        assert!(r.error().contains("Invalid email address"), "{}", r.error());
    }
    before.assert_unchanged(&t.data(), "refused registrations");
}
