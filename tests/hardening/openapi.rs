//! The API against its own description: schemathesis (PyPI) reads `GET /-/openapi.json` from
//! a real `shelf serve` and fuzzes every operation, with a login token of an administrator
//! (so `GET /audit` is reached past its 403) and a published package of each protocol,
//! failing on any 5xx and on any answer the document does not describe: its status, content
//! type, body schema or headers, an undocumented method not refused with 405 and `Allow`,
//! schema-invalid data accepted, schema-valid data refused.
//!
//! Two runs, because some operations end the credential they are called with:
//! - the main run leaves out `POST /logout` and `POST /refresh_token` (each revokes the
//!   calling token) and `DELETE /tokens/{id}` (ids are small integers, so the fuzzer would
//!   soon revoke its own token); from then on every authenticated answer would be a 401,
//!   which the document allows, so the run would pass while testing nothing;
//! - a second run fuzzes just those three with a token of their own, which is expected to
//!   die on the way.
//!
//! The `s` client's operations (`/v3/…`) are fuzzed with their own credential: an auth hook
//! signs each generated request with an `s` client code (`token` = md5(code), a fresh
//! `nonce`, `timestamp`, `sign_code` = sha256(code + nonce + timestamp)), made for the
//! fuzzer with `POST /keys`. `POST /v3/user/token` swaps that code for a new one, so it runs
//! with the operations that end their credential.
//!
//! npm's operations (`/npm/…`, one dispatcher described operation by operation) run with the
//! same bearer token; `npm logout` and `npm token revoke` end it, so they run in the second
//! run too.
//!
//! Where the schema cannot say everything the server checks, "valid data is accepted" is
//! not asked (the rest of the checks still run): `POST /releases` (the package-name and
//! version grammars, and caps counted in bytes), `POST /tokens` and `POST /keys` (the scope
//! grammar; `kind` applies to keys only), the `s` client's publish (a publish.yaml inside
//! the form), the uploads (a zip), and npm's operations that take a package name (npm's
//! grammar) or one of npm's documents. Everything else states its rules in the schema
//! (patterns, lengths, ranges), so valid data there must be taken.
//!
//! Install schemathesis with the command in [`INSTALL`]; without it the test fails rather
//! than skips.

use std::{
    collections::BTreeMap,
    fs,
    path::Path,
    process::{Command, Output},
};

use crate::common::{
    Fixture, HttpPublish, ZipBuilder, npm, patient_agent, publish_over_http,
    server::{Server, unlimited_serve},
};

/// The schemathesis this test is written against, and how to install it.
const INSTALL: &str = "pip install 'schemathesis==4.32.5'";

/// Test cases per operation and phase: enough to reach every documented status of every
/// operation, few enough for well under a minute on two cores.
const EXAMPLES: &str = "30";

/// The account the fuzzer is: an administrator, with this password.
const USER: &str = "fuzzer";
const PASSWORD: &str = "a long enough password";

/// Operations that revoke the token they are called with (see the module comment).
const ENDS_ITS_TOKEN: [&str; 6] = [
    "logout",
    "refresh_token",
    "revoke_token",
    "s_retoken",
    "npm_logout",
    "npm_revoke_token",
];

/// Operations whose rules the schema cannot fully state, so valid-looking data may rightly
/// be refused with 400 or 413 (see the module comment).
const RULES_BEYOND_THE_SCHEMA: [&str; 7] = [
    "create_release",
    "create_token",
    "create_key",
    "upload_raw",
    "upload_multipart",
    "s_publish",
    "s_upload",
];

/// npm's operations whose rules the schema does not state: npm's package-name grammar, and
/// bodies that are npm's documents (a packument, a user, a token request).
const NPM_RULES_BEYOND_THE_SCHEMA: [&str; 9] = [
    "npm_put_package",
    "npm_put_revision",
    "npm_delete_revision",
    "npm_delete_tarball",
    "npm_put_dist_tag",
    "npm_delete_dist_tag",
    "npm_put_user",
    "npm_create_token",
    "npm_dist_tags",
];

/// npm's operations on paths without a documented GET: any GET under `/npm/` is a read of
/// the site, a 404 where it has no file (as on any static host), not a 405.
const NPM_WITHOUT_GET: [&str; 7] = [
    "npm_put_revision",
    "npm_delete_revision",
    "npm_delete_tarball",
    "npm_put_dist_tag",
    "npm_delete_dist_tag",
    "npm_revoke_token",
    "npm_logout",
];

/// Schemathesis has no serializer for `application/zip`: the generated body is sent as its
/// bytes (a zip the server then refuses, as the document says it may).
const HOOKS: &str = r#"
import hashlib
import os
import time
import uuid

import schemathesis


@schemathesis.serializer("application/zip")
def zip_body(ctx, value):
    if isinstance(value, bytes):
        return value
    return str(value).encode("utf-8")


@schemathesis.auth(refresh_interval=None).apply_to(operation_id_regex="^s_")
class SClientCode:
    """Signs a request as the `s` client does, with a fresh nonce each time."""

    def get(self, case, ctx):
        return os.environ["SHELF_S_CODE"]

    def set(self, case, code, ctx):
        nonce = uuid.uuid4().hex
        timestamp = str(int(time.time()))
        case.headers = case.headers or {}
        case.headers["token"] = hashlib.md5(code.encode()).hexdigest()
        case.headers["nonce"] = nonce
        case.headers["timestamp"] = timestamp
        signed = (code + nonce + timestamp).encode()
        case.headers["sign_code"] = hashlib.sha256(signed).hexdigest()
"#;

/// Operations on one package whose path parameters are pinned to the published package,
/// so that they reach past "no such package" to what they do. Names with odd characters
/// are still fuzzed on the operations left out here, which parse them the same way.
const ON_THE_PACKAGE: [&str; 8] = [
    "release_document",
    "yank",
    "unyank",
    "add_maintainer",
    "remove_maintainer",
    "rate",
    "unrate",
    "summary",
];

/// npm's operations pinned to the published npm package `widget`, as [`ON_THE_PACKAGE`]
/// are to `hello` (not the unpublishing ones: the fuzzer is an administrator).
const ON_THE_NPM_PACKAGE: [&str; 4] = [
    "npm_packument",
    "npm_dist_tags",
    "npm_put_dist_tag",
    "npm_delete_dist_tag",
];

/// The configuration file: the hooks, and the per-operation settings.
fn config(hooks: &Path) -> String {
    let mut settings: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let beyond = RULES_BEYOND_THE_SCHEMA
        .iter()
        .chain(&NPM_RULES_BEYOND_THE_SCHEMA);
    for &operation in beyond {
        let off = "checks.positive_data_acceptance.enabled = false";
        settings.entry(operation).or_default().push(off);
    }
    // `GET /releases` is the site's file of a package that may be called `releases`: a 404
    // when there is none, as on any static host, not a 405.
    let static_get = "checks.unsupported_method.enabled = false";
    for &operation in ["create_release", "npm_advisories"]
        .iter()
        .chain(&NPM_WITHOUT_GET)
    {
        settings.entry(operation).or_default().push(static_get);
    }
    // The spec answers the removal of a package's last owner with 404 ("… or is the owner"),
    // so an owner added and then removed can be "a created resource not found".
    let last_owner = "checks.ensure_resource_availability.enabled = false";
    settings
        .entry("remove_maintainer")
        .or_default()
        .push(last_owner);
    for operation in ON_THE_PACKAGE {
        let pinned = r#"parameters = { "path.name" = "hello", "path.version" = "1.0.0" }"#;
        settings.entry(operation).or_default().push(pinned);
    }
    for operation in ON_THE_NPM_PACKAGE {
        let pinned = r#"parameters = { "path.name" = "widget" }"#;
        settings.entry(operation).or_default().push(pinned);
    }
    let me = format!(r#"parameters = {{ "path.user" = "{USER}" }}"#);
    settings.entry("npm_get_user").or_default().push(&me);
    let mut text = format!("hooks = {:?}\n", hooks.display().to_string());
    for (operation, lines) in settings {
        text.push_str(&format!(
            "\n[[operations]]\ninclude-operation-id = \"{operation}\"\n{}\n",
            lines.join("\n")
        ));
    }
    text
}

/// Logs in as [`USER`]: a new login token.
fn login(base: &str) -> String {
    let body = serde_json::json!({ "username": USER, "password": PASSWORD });
    let mut response = patient_agent()
        .post(&format!("{base}/login"))
        .content_type("application/json")
        .send(body.to_string())
        .expect("POST /login");
    assert_eq!(response.status().as_u16(), 200, "login");
    let session: serde_json::Value =
        serde_json::from_slice(&response.body_mut().read_to_vec().expect("body")).expect("json");
    session["token"].as_str().expect("token").to_owned()
}

/// An `s` client code for the fuzzer, allowed to publish (so the `s` client's publish reaches
/// past its 403) but not to delete (so the fuzzed deletes cannot remove `hello`).
fn s_code(base: &str, token: &str) -> String {
    let body = serde_json::json!({ "name": "fuzz", "scopes": ["publish:*"], "kind": "s-client" });
    let mut response = patient_agent()
        .post(&format!("{base}/keys"))
        .header("authorization", &format!("Bearer {token}"))
        .content_type("application/json")
        .send(body.to_string())
        .expect("POST /keys");
    assert_eq!(response.status().as_u16(), 201, "an s client code");
    let created: serde_json::Value =
        serde_json::from_slice(&response.body_mut().read_to_vec().expect("body")).expect("json");
    created["secret"].as_str().expect("code").to_owned()
}

/// Runs schemathesis against `base` with `token` (and the `s` client's `code`), over the
/// operations `filter` selects.
fn schemathesis(dir: &Path, base: &str, (token, code): (&str, &str), filter: &[String]) -> Output {
    Command::new("schemathesis")
        .current_dir(dir)
        .env("SHELF_S_CODE", code)
        .arg("--config-file")
        .arg(dir.join("schemathesis.toml"))
        .arg("run")
        .arg(format!("{base}/-/openapi.json"))
        .args(["--header", &format!("Authorization: Bearer {token}")])
        // No `--checks`: every check is on unless the configuration turns it off for an
        // operation, and a check named on the command line would override that.
        .args(["--max-examples", EXAMPLES, "--seed", "1"])
        .args([
            "--workers",
            "1",
            "--no-color",
            "--generation-database",
            "none",
        ])
        // Only the bearer token authenticates: generated X-Api-Key headers would take the
        // signed-request path and make every answer a 401.
        .args(["--generation-with-security-parameters", "false"])
        .args(filter)
        .output()
        .unwrap_or_else(|e| panic!("cannot run schemathesis ({e}); install it with `{INSTALL}`"))
}

fn assert_passed(what: &str, output: &Output) {
    let stdout = String::from_utf8_lossy(&output.stdout);
    println!("{stdout}");
    assert!(
        output.status.success(),
        "schemathesis found problems in the {what}:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn the_api_answers_as_its_openapi_document_says() {
    let installed = Command::new("schemathesis").arg("--version").output();
    let version = match installed {
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout).into_owned(),
        _ => panic!("schemathesis is missing; install it with `{INSTALL}`"),
    };
    assert!(
        version.contains("version 4."),
        "this test is written for schemathesis 4 (`{INSTALL}`), found {version}"
    );

    let fx = Fixture::new();
    fx.shelf_typed(
        &[
            "user",
            "add",
            USER,
            "--email",
            "fuzzer@example.com",
            "--admin",
        ],
        &format!("{PASSWORD}\n"),
    );
    let _server;
    let base = {
        let mut command = unlimited_serve(&fx.data());
        // Searches are fuzzed by the hundred.
        command.args(["--search-per-minute", "1000000"]);
        _server = Server::shelf(&mut command);
        _server.base.clone()
    };
    let token = login(&base);
    let zip = ZipBuilder::package("hello", "1.0.0").build();
    match publish_over_http(&patient_agent(), &base, &token, "hello", "1.0.0", &zip) {
        HttpPublish::Published(_) => {}
        other => panic!("publish hello@1.0.0: {other:?}"),
    }
    let tgz = npm::Tgz::package("widget", "1.0.0").build();
    let published = patient_agent()
        .put(&format!("{base}/npm/widget"))
        .header("authorization", &format!("Bearer {token}"))
        .content_type("application/json")
        .send(npm::document("widget", "1.0.0", "latest", &tgz).to_string())
        .expect("PUT /npm/widget");
    assert_eq!(published.status().as_u16(), 200, "npm publish widget@1.0.0");

    let dir = fx.dir.path();
    let hooks = dir.join("shelf_hooks.py");
    fs::write(&hooks, HOOKS).expect("write the hooks");
    fs::write(dir.join("schemathesis.toml"), config(&hooks)).expect("write the config");

    let excluded: Vec<String> = ENDS_ITS_TOKEN
        .iter()
        .flat_map(|id| ["--exclude-operation-id".to_owned(), (*id).to_owned()])
        .collect();
    let code = s_code(&base, &token);
    assert_passed(
        "main run",
        &schemathesis(dir, &base, (&token, &code), &excluded),
    );

    let included: Vec<String> = ENDS_ITS_TOKEN
        .iter()
        .flat_map(|id| ["--include-operation-id".to_owned(), (*id).to_owned()])
        .collect();
    let (spare, spare_code) = (login(&base), s_code(&base, &token));
    assert_passed(
        "run of the operations that end their token",
        &schemathesis(dir, &base, (&spare, &spare_code), &included),
    );
}
