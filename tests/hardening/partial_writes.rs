//! Issue 23, point 6: a refused request changes nothing, not even part of what it asked
//! (an `npm owner add` of a list naming an unknown account once added the others), and a
//! narrow token cannot do through npm's endpoints what the Shelf API refuses it (revoke
//! the account's other tokens).

use std::time::Duration;

use serde_json::{Value, json};
use shelf::api::testing::{TestApp, TestResponse};

use crate::common::npm::{Tgz, document};

fn body(r: &TestResponse) -> String {
    String::from_utf8_lossy(&r.body).into_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_owner_list_naming_an_unknown_account_adds_nobody() {
    let t = TestApp::new();
    let (alice, bob) = (t.user("alice"), t.user("bob"));
    let tgz = Tgz::package("pkg", "1.0.0").build();
    let doc = document("pkg", "1.0.0", "latest", &tgz);
    let r = t.json("PUT", "/npm/pkg", Some(&alice.token), &doc).await;
    assert_eq!(r.status, 200, "{}", body(&r));
    let names = |list: &[&str]| -> Value {
        let maintainers: Vec<Value> = list.iter().map(|n| json!({ "name": n })).collect();
        json!({ "_id": "pkg", "name": "pkg", "maintainers": maintainers })
    };
    let r = t
        .json(
            "PUT",
            "/npm/pkg/-rev/1-x",
            Some(&alice.token),
            &names(&["alice", "bob", "nobody"]),
        )
        .await;
    assert_eq!(r.status, 404, "{}", body(&r));
    assert!(r.error().contains("nobody"), "{}", r.error());
    t.settle().await;
    let packument = t.call("GET", "/npm/pkg", None).await.json();
    assert_eq!(
        packument["maintainers"],
        json!([{ "name": "alice", "email": "alice@example.com" }])
    );
    // bob was not made a maintainer: he may not publish.
    let tgz = Tgz::package("pkg", "1.0.1").build();
    let doc = document("pkg", "1.0.1", "latest", &tgz);
    let r = t.json("PUT", "/npm/pkg", Some(&bob.token), &doc).await;
    assert_eq!(r.status, 403, "{}", body(&r));
    // The whole list, all known, is taken.
    let r = t
        .json(
            "PUT",
            "/npm/pkg/-rev/2-x",
            Some(&alice.token),
            &names(&["alice", "bob"]),
        )
        .await;
    assert_eq!(r.status, 200, "{}", body(&r));
    let r = t.json("PUT", "/npm/pkg", Some(&bob.token), &doc).await;
    assert_eq!(r.status, 200, "{}", body(&r));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_narrow_token_cannot_revoke_the_accounts_other_tokens_through_npm() {
    let t = TestApp::new();
    let alice = t.user("alice");
    let narrow = t.token(&alice, &["npm:publish:carol-*"], Duration::from_secs(3600));
    let listed = t.call("GET", "/tokens", Some(&alice.token)).await;
    assert_eq!(listed.status, 200, "{}", body(&listed));
    let listed = listed.json();
    let login = listed
        .as_array()
        .and_then(|tokens| tokens.iter().find(|t| t["current"] == true))
        .and_then(|t| t["id"].as_i64())
        .expect("the login token in the list");
    let path = format!("/npm/-/npm/v1/tokens/token/{login}");
    let r = t.call("DELETE", &path, Some(&narrow)).await;
    assert_eq!(r.status, 403, "{}", body(&r));
    assert_eq!(
        r.error(),
        "Only a login token can revoke other tokens or keys"
    );
    let still = t.call("GET", "/npm/-/whoami", Some(&alice.token)).await;
    assert_eq!(still.status, 200, "the login token still works");
    // A token may still revoke itself, and the login token others.
    let listed = t.call("GET", "/tokens", Some(&alice.token)).await.json();
    let narrow_id = listed
        .as_array()
        .and_then(|tokens| tokens.iter().find(|t| t["current"] == false))
        .and_then(|t| t["id"].as_i64())
        .expect("the narrow token in the list");
    let path = format!("/npm/-/npm/v1/tokens/token/{narrow_id}");
    let r = t.call("DELETE", &path, Some(&narrow)).await;
    assert_eq!(r.status, 204, "{}", body(&r));
}
