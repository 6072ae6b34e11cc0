//! The real `npm` client against a real `shelf serve`: accounts (`npm adduser`, `npm
//! login`, `npm whoami`), publishing an unscoped and a scoped package and a pre-release
//! under `--tag next`, installing them into fresh projects with empty caches (one depending
//! on the other with `^1.0.0`), dist-tags, deprecation (npm warns on install), owners,
//! search, unpublishing, and the refusals npm users meet, each changing nothing.

use std::fs;

use serde_json::json;

use crate::{
    client::{Npm, node, package_dir, project},
    common::{
        Fixture, git_in, patient_agent,
        server::{Server, unlimited_serve},
        snapshot::Snapshot,
    },
};

const PASSWORD: &str = "a long enough password";

/// Signs `user` up with `npm adduser`, answering its prompts in a terminal.
fn adduser(npm: &Npm, dir: &std::path::Path, user: &str) {
    let out = npm.run_prompted(
        dir,
        &["adduser", "--auth-type=legacy"],
        &[
            ("Username:", user),
            ("Password:", PASSWORD),
            ("Email", &format!("{user}@example.com")),
        ],
    );
    assert!(npm.token().is_some(), "npm adduser stored no token:\n{out}");
}

fn get(url: &str) -> (u16, String) {
    let mut answer = patient_agent().get(url).call().expect("GET");
    let status = answer.status().as_u16();
    (
        status,
        answer.body_mut().read_to_string().unwrap_or_default(),
    )
}

#[test]
fn npm_publishes_installs_and_manages_packages_through_shelf_serve() {
    let fx = Fixture::new();
    let server = Server::shelf(&mut unlimited_serve(&fx.data()));
    let registry = format!("{}/npm/", server.base);
    let root = fx.dir.path().join("npm");
    let alice = Npm::new(&root.join("alice"), &registry);
    let bob = Npm::new(&root.join("bob"), &registry);
    let work = root.join("work");
    fs::create_dir_all(&work).expect("mkdir");

    // Accounts: `npm adduser` makes one; `npm login` logs in to it from another client.
    adduser(&alice, &work, "alice");
    adduser(&bob, &work, "bob");
    let (ok, out) = alice.run(&work, &["whoami"]);
    assert!(ok && out.trim().ends_with("alice"), "{out}");
    let again = Npm::new(&root.join("alice-again"), &registry);
    let out = again.run_prompted(
        &work,
        &["login", "--auth-type=legacy"],
        &[("Username:", "alice"), ("Password:", PASSWORD)],
    );
    let (ok, who) = again.run(&work, &["whoami"]);
    assert!(ok && who.trim().ends_with("alice"), "{out}\n{who}");

    // Publish: unscoped, scoped (public), a pre-release under `next`.
    let demo = package_dir(
        &work,
        "demo",
        &json!({"name": "shelf-demo", "version": "1.0.0", "main": "index.js",
                "description": "A demo", "keywords": ["demo"], "license": "MIT"}),
        "module.exports = 42;\n",
    );
    let (ok, out) = alice.run(&demo, &["publish"]);
    assert!(ok && out.contains("+ shelf-demo@1.0.0"), "{out}");
    let widget_manifest = json!({"name": "@acme/widget", "version": "1.0.0", "main": "index.js",
        "dependencies": {"shelf-demo": "^1.0.0"}});
    let widget = package_dir(
        &work,
        "widget",
        &widget_manifest,
        "module.exports = 'widget ' + require('shelf-demo');\n",
    );
    let (ok, out) = alice.run(&widget, &["publish", "--access", "public"]);
    assert!(ok && out.contains("+ @acme/widget@1.0.0"), "{out}");
    let mut next = widget_manifest.clone();
    next["version"] = json!("2.0.0-rc.1");
    let widget_next = package_dir(&work, "widget-next", &next, "module.exports = 'next';\n");
    let (ok, out) = alice.run(&widget_next, &["publish", "--tag", "next"]);
    assert!(ok, "{out}");
    let index = fx.data().join("index");
    let log = git_in(&index, &["log", "--format=%an %s", "-3"]);
    assert!(
        log.contains("alice npm: publish @acme/widget@2.0.0-rc.1"),
        "{log}"
    );

    // Install into fresh projects, each with an empty cache: latest, then the tag.
    let first = project(&work, "first");
    let (ok, out) = alice.run_in(&first, "first", &["install", "@acme/widget"]);
    assert!(ok, "{out}");
    assert_eq!(
        node(&first, "console.log(require('@acme/widget'))"),
        "widget 42"
    );
    let installed = node(
        &first,
        "console.log(require('@acme/widget/package.json').version)",
    );
    assert_eq!(installed, "1.0.0");
    let tagged = project(&work, "tagged");
    let (ok, out) = bob.run_in(&tagged, "tagged", &["install", "@acme/widget@next"]);
    assert!(ok, "{out}");
    assert_eq!(
        node(&tagged, "console.log(require('@acme/widget'))"),
        "next"
    );

    // Dist-tags.
    let (ok, out) = alice.run(&work, &["dist-tag", "add", "@acme/widget@1.0.0", "stable"]);
    assert!(ok, "{out}");
    let (ok, out) = alice.run(&work, &["dist-tag", "ls", "@acme/widget"]);
    assert!(ok, "{out}");
    for line in ["latest: 1.0.0", "next: 2.0.0-rc.1", "stable: 1.0.0"] {
        assert!(out.contains(line), "{line}: {out}");
    }
    let before = Snapshot::take(&fx.data());
    let (ok, out) = alice.run(&work, &["dist-tag", "add", "@acme/widget@1.0.0", "1.x"]);
    assert!(
        !ok && out.contains("must not be a valid SemVer range"),
        "{out}"
    );
    before.assert_unchanged(&fx.data(), "a tag that is a range");

    // Deprecation: npm warns on install; an empty message takes it back.
    let (ok, out) = alice.run(&work, &["deprecate", "shelf-demo@1.0.0", "use v2"]);
    assert!(ok, "{out}");
    let warned = project(&work, "warned");
    let (ok, out) = bob.run_in(&warned, "warned", &["install", "shelf-demo"]);
    assert!(
        ok && out.contains("deprecated shelf-demo@1.0.0: use v2"),
        "{out}"
    );
    let (ok, out) = alice.run(&work, &["deprecate", "shelf-demo@1.0.0", ""]);
    assert!(ok, "{out}");
    let (_, packument) = get(&format!("{registry}shelf-demo"));
    assert!(!packument.contains("\"deprecated\""), "{packument}");

    // Refusals: a version used before, another account's package and scope.
    let before = Snapshot::take(&fx.data());
    let (ok, out) = alice.run(&demo, &["publish"]);
    assert!(!ok, "{out}");
    assert!(
        out.contains("You cannot publish over the previously published versions"),
        "{out}"
    );
    let mut theirs = json!({"name": "shelf-demo", "version": "1.0.1", "main": "index.js"});
    let bob_demo = package_dir(&work, "bob-demo", &theirs, "module.exports = 0;\n");
    let (ok, out) = bob.run(&bob_demo, &["publish"]);
    assert!(!ok && out.contains("403"), "{out}");
    theirs["name"] = json!("@acme/other");
    let bob_scope = package_dir(&work, "bob-scope", &theirs, "module.exports = 0;\n");
    let (ok, out) = bob.run(&bob_scope, &["publish", "--access", "public"]);
    assert!(
        !ok && out.contains("scope @acme belongs to other accounts"),
        "{out}"
    );
    before.assert_unchanged(&fx.data(), "refused publishes");

    // Owners: bob, once added, may publish the package.
    let (ok, out) = alice.run(&work, &["owner", "add", "bob", "@acme/widget"]);
    assert!(ok, "{out}");
    let (ok, out) = alice.run(&work, &["owner", "ls", "@acme/widget"]);
    assert!(
        ok && out.contains("alice <alice@example.com>") && out.contains("bob <bob@example.com>"),
        "{out}"
    );
    assert!(!out.contains("undefined"), "{out}");
    let (ok, out) = alice.run(&work, &["view", "@acme/widget", "maintainers"]);
    assert!(ok && out.contains("alice <alice@example.com>"), "{out}");
    assert!(!out.contains("undefined"), "{out}");
    let mut bobs = widget_manifest.clone();
    bobs["version"] = json!("1.1.0");
    let bob_widget = package_dir(&work, "bob-widget", &bobs, "module.exports = 'bob';\n");
    let (ok, out) = bob.run(&bob_widget, &["publish"]);
    assert!(ok, "{out}");

    // ... and, once removed, no longer.
    let (ok, out) = alice.run(&work, &["owner", "rm", "bob", "@acme/widget"]);
    assert!(ok, "{out}");
    bobs["version"] = json!("1.2.0");
    let bob_again = package_dir(&work, "bob-again", &bobs, "module.exports = 'bob';\n");
    let (ok, out) = bob.run(&bob_again, &["publish"]);
    assert!(!ok && out.contains("not one of its maintainers"), "{out}");

    // Search.
    let (ok, out) = bob.run(&work, &["search", "widget"]);
    assert!(ok && out.contains("@acme/widget"), "{out}");
    assert!(out.contains("alice") && !out.contains("???"), "{out}");

    // Tokens: one made with the password works, and stops working once revoked.
    let out = alice.run_prompted(&work, &["token", "create"], &[("password", PASSWORD)]);
    let made = out
        .lines()
        .find_map(|line| line.split_whitespace().find(|w| w.starts_with("shelf_")))
        .unwrap_or_else(|| panic!("no token in:\n{out}"))
        .to_owned();
    let ci = Npm::new(&root.join("ci"), &registry);
    ci.set_token(&made);
    let (ok, who) = ci.run(&work, &["whoami"]);
    assert!(ok && who.trim().ends_with("alice"), "{who}");
    let (ok, out) = alice.run(&work, &["token", "list", "--json"]);
    assert!(ok, "{out}");
    let listed: serde_json::Value =
        serde_json::from_str(out.trim()).unwrap_or_else(|e| panic!("{e}: {out}"));
    let key = listed
        .as_array()
        .expect("a list")
        .iter()
        .find(|t| t["name"] == "npm token create")
        .and_then(|t| t["key"].as_str())
        .unwrap_or_else(|| panic!("the new token is listed: {listed}"))
        .to_owned();
    let (ok, out) = alice.run(&work, &["token", "revoke", &key]);
    assert!(ok, "{out}");
    let (ok, _) = ci.run(&work, &["whoami"]);
    assert!(!ok, "a revoked token no longer works");

    // Unpublish one version: gone from the packument and the site, its number never used
    // again; then a whole package.
    let (ok, out) = alice.run(&work, &["unpublish", "@acme/widget@2.0.0-rc.1"]);
    assert!(ok, "{out}");
    let (_, packument) = get(&format!("{registry}@acme%2fwidget"));
    assert!(!packument.contains("2.0.0-rc.1"), "{packument}");
    let tarball = format!("{registry}@acme/widget/-/widget-2.0.0-rc.1.tgz");
    assert_eq!(get(&tarball).0, 404);
    let (ok, out) = alice.run(&widget_next, &["publish", "--tag", "next"]);
    assert!(!ok && out.contains("cannot publish over"), "{out}");
    let (ok, out) = alice.run(&work, &["unpublish", "shelf-demo", "--force"]);
    assert!(ok, "{out}");
    assert_eq!(get(&format!("{registry}shelf-demo")).0, 404);
    let gone = project(&work, "gone");
    let (ok, _) = bob.run_in(&gone, "gone", &["install", "shelf-demo"]);
    assert!(!ok, "an unpublished package cannot be installed");
}
