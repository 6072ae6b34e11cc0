//! npm's refusals, through the real router: publish documents built as `npm publish`
//! builds them and then broken one way each (malformed JSON, bodies over the limits,
//! digests that lie, names and versions that disagree, tags that are ranges or point
//! nowhere, versions that exist or existed), hostile tarballs (traversal, absolute paths,
//! links, devices, a gzip bomb, a `package.json` for another package) and credentials that
//! may not (none, a narrower scope, another account's scope or package).
//!
//! Built against a registry where alice owns `hello-npm@1.0.0` (and unpublished 1.1.0)
//! and the scope `@acme`. Every hostile publish is aimed at the new name `victim`, so a
//! check that forgot to refuse would publish it and show in the snapshot; the last step
//! publishes `victim` for real.

use std::time::Duration;

use serde_json::{Value, json};
use shelf::api::testing::{TestApp, TestResponse, TestUser};
use tar::EntryType;

use crate::{
    catalogue::{Case, Payload, case},
    common::{
        npm::{Tgz, document, document_with, gzip_bomb, integrity, manifest, raw_header, shasum},
        snapshot::leftovers,
    },
};

/// What the cases need to know about the registry.
struct Ctx {
    alice: TestUser,
    bob: TestUser,
    /// alice's token limited to `npm:publish:@other/*`.
    narrow: String,
    /// alice's token limited to Serverless publishes.
    serverless_only: String,
}

const REFUSED: &str = "The tarball is refused: ";
const NOT_VALID: &str = "The publish document is not valid: ";

/// `PUT /npm/{segment}` with `body` as `token`.
fn put(label: &str, token: &str, segment: &str, body: impl Into<Vec<u8>>) -> Case {
    case(label, "PUT", format!("/npm/{segment}"))
        .bearer(token)
        .json(body)
}

/// A publish of `doc` to `victim` as alice.
fn victim(ctx: &Ctx, label: &str, doc: &Value) -> Case {
    put(label, &ctx.alice.token, "victim", doc.to_string())
}

/// The good publish of `victim@1.0.0` the cases break.
fn good_doc() -> Value {
    document(
        "victim",
        "1.0.0",
        "latest",
        &Tgz::package("victim", "1.0.0").build(),
    )
}

/// A publish of `victim@1.0.0` carrying `tarball`, its digests honest: only the tarball's
/// content is wrong.
fn tarball_case(ctx: &Ctx, label: &str, tarball: &[u8], error: &str) -> Case {
    victim(
        ctx,
        &format!("tarball {label}"),
        &document("victim", "1.0.0", "latest", tarball),
    )
    .expect(400, format!("{REFUSED}{error}"))
}

/// A valid package plus one entry exactly as `header` says.
fn with_entry(kind: EntryType, name: &str, link: &str, data: &[u8]) -> Vec<u8> {
    let header = raw_header(kind, name.as_bytes(), link.as_bytes(), data.len() as u64);
    Tgz::package("victim", "1.0.0").raw(&header, data).build()
}

/// Malformed JSON, in the ways a lexer and a parser can be surprised.
fn malformed(ctx: &Ctx) -> Vec<Case> {
    let good = good_doc().to_string();
    let deep = format!("{{\"a\":{}{}}}", "[".repeat(100_000), "]".repeat(100_000));
    let mut bad_base64 = good_doc();
    bad_base64["_attachments"]["victim-1.0.0.tgz"]["data"] = json!("!!!!");
    let mut number_data = good_doc();
    number_data["_attachments"]["victim-1.0.0.tgz"]["data"] = json!(12);
    let mut two = good_doc();
    two["_attachments"]["victim-1.0.1.tgz"] = two["_attachments"]["victim-1.0.0.tgz"].clone();
    let token = &ctx.alice.token;
    vec![
        put("an empty body", token, "victim", "").expect(400, "the document is truncated"),
        put("not JSON", token, "victim", "npm publish")
            .expect(400, format!("{NOT_VALID}the document is not valid JSON")),
        put("a JSON array", token, "victim", "[]").expect(400, "the document is not a JSON object"),
        put(
            "the document cut in half",
            token,
            "victim",
            &good[..good.len() / 2],
        )
        .expect(400, "the document is truncated"),
        put(
            "a number with a leading zero",
            token,
            "victim",
            "{\"a\":01}",
        )
        .expect(400, "the document is not valid JSON"),
        put("arrays nested 100,000 deep", token, "victim", deep)
            .expect(400, "the document nests deeper than 64 levels"),
        put(
            "JSON after the document",
            token,
            "victim",
            format!("{good}{{}}"),
        )
        .expect(400, "the document is not valid JSON"),
        victim(ctx, "attachment data that is not base64", &bad_base64)
            .expect(400, "is not valid base64"),
        victim(ctx, "attachment data that is a number", &number_data).expect(
            400,
            "the data of the attachment \"victim-1.0.0.tgz\" is not a string",
        ),
        victim(ctx, "two attachments", &two)
            .expect(400, "the document has more than 1 attachments"),
    ]
}

/// Bodies over the limits: announced, and streamed with no length announced.
fn oversized(ctx: &Ctx) -> Vec<Case> {
    let mut big = good_doc();
    big["description"] = json!("a".repeat(2 << 20));
    let chunks = |text: String| -> Vec<Vec<u8>> {
        text.into_bytes()
            .chunks(64 << 10)
            .map(<[u8]>::to_vec)
            .collect()
    };
    // 87 MiB of base64 decode to 65.25 MiB, past the 64 MiB limit. "AAAA" is three zero
    // bytes: the body is valid all the way, so only the size can refuse it.
    let mut streamed = vec![
        br#"{"_id":"victim","name":"victim","versions":{},"_attachments":{"#.to_vec(),
        br#""victim-1.0.0.tgz":{"content_type":"application/octet-stream","data":""#.to_vec(),
    ];
    streamed.extend(std::iter::repeat_n(b"AAAA".repeat(1 << 18), 87));
    streamed.push(b"\"}}}".to_vec());
    vec![
        Case {
            body: Payload::Chunks(chunks(big.to_string())),
            ..victim(ctx, "a 2 MiB description, streamed", &json!({})).expect(
                413,
                "the document is larger than the limit of 1048576 bytes (attachments excluded)",
            )
        },
        victim(ctx, "a 2 MiB description", &big).expect(413, "larger than the limit of 1048576"),
        Case {
            body: Payload::Chunks(streamed),
            ..victim(ctx, "a tarball of 65 MiB, streamed", &json!({})).expect(
                413,
                "the attachment \"victim-1.0.0.tgz\" is larger than the limit of 67108864 bytes",
            )
        },
        victim(ctx, "a body announcing 10 GiB", &json!({}))
            .header("content-length", (10u64 << 30).to_string())
            .body(Vec::new())
            .expect(413, "the publish document is larger than the limit of"),
    ]
}

/// Documents that disagree with the URL, with themselves or with their tarball.
fn inconsistent(ctx: &Ctx) -> Vec<Case> {
    let tgz = Tgz::package("victim", "1.0.0").build();
    let set = |path: &[&str], value: Value| {
        let mut doc = document("victim", "1.0.0", "latest", &tgz);
        let mut at = &mut doc;
        for key in path {
            at = &mut at[*key];
        }
        *at = value;
        doc
    };
    let dist = ["versions", "1.0.0", "dist"];
    let mut two = good_doc();
    two["versions"]["1.0.1"] = two["versions"]["1.0.0"].clone();
    two["versions"]["1.0.1"]["version"] = json!("1.0.1");
    let short = document_with(&manifest("victim", "1.0"), "latest", &tgz);
    let other = Tgz::package("other", "1.0.0").build();
    let later = Tgz::package("victim", "9.9.9").build();
    vec![
        victim(
            ctx,
            "integrity of other bytes",
            &set(
                &[&dist[..], &["integrity"]].concat(),
                json!(integrity(b"x")),
            ),
        )
        .expect(400, "The tarball's integrity is sha512-"),
        victim(
            ctx,
            "shasum of other bytes",
            &set(&[&dist[..], &["shasum"]].concat(), json!(shasum(b"x"))),
        )
        .expect(400, "The tarball's shasum is "),
        victim(ctx, "no integrity and no shasum", &set(&dist, json!({}))).expect(
            400,
            "The version has neither dist.integrity nor dist.shasum",
        ),
        victim(
            ctx,
            "a document for another name",
            &document("other", "1.0.0", "latest", &tgz),
        )
        .expect(400, "The document is for \"other\", the URL for victim"),
        victim(
            ctx,
            "a version whose manifest names another package",
            &set(&["versions", "1.0.0", "name"], json!("other")),
        )
        .expect(
            400,
            "The version's manifest says other@1.0.0, the document victim@1.0.0",
        ),
        victim(ctx, "two versions", &two).expect(400, "A publish carries exactly one version"),
        victim(ctx, "no versions", &set(&["versions"], json!({})))
            .expect(400, "A publish carries exactly one version"),
        victim(ctx, "version 1.0", &short).expect(400, "\"1.0\" is not a valid SemVer version"),
        victim(
            ctx,
            "a tarball whose package.json is another package's",
            &document("victim", "1.0.0", "latest", &other),
        )
        .expect(
            400,
            "The tarball's package.json says other@1.0.0, the document victim@1.0.0",
        ),
        victim(
            ctx,
            "a tarball whose package.json is another version's",
            &document("victim", "1.0.0", "latest", &later),
        )
        .expect(
            400,
            "The tarball's package.json says victim@9.9.9, the document victim@1.0.0",
        ),
        put("a name with capitals", &ctx.alice.token, "Victim", {
            let tgz = Tgz::package("Victim", "1.0.0").build();
            document("Victim", "1.0.0", "latest", &tgz).to_string()
        })
        .expect(400, "name can no longer contain capital letters"),
    ]
}

/// Tarballs that must never be stored: each is otherwise a valid `victim@1.0.0`.
fn tarballs(ctx: &Ctx) -> Vec<Case> {
    let dup = Tgz::package("victim", "1.0.0")
        .file(
            "package/package.json",
            manifest("other", "1.0.0").to_string(),
        )
        .build();
    let two_tops = Tgz::package("victim", "1.0.0")
        .file("other/index.js", "evil()")
        .build();
    let trailing = [Tgz::package("victim", "1.0.0").build(), b"junk".to_vec()].concat();
    let plain_tar = {
        let mut builder = tar::Builder::new(Vec::new());
        let json = manifest("victim", "1.0.0").to_string();
        let mut header = tar::Header::new_gnu();
        header.set_path("package/package.json").expect("path");
        header.set_size(json.len() as u64);
        header.set_cksum();
        builder.append(&header, json.as_bytes()).expect("append");
        builder.into_inner().expect("tar")
    };
    let no_manifest = Tgz::new().file("package/index.js", "1").build();
    let regular = EntryType::Regular;
    vec![
        tarball_case(
            ctx,
            "with package/../evil",
            &with_entry(regular, "package/../evil", "", b"x"),
            "entry \"package/../evil\" has a '..' path component",
        ),
        tarball_case(
            ctx,
            "with ../../.bashrc",
            &with_entry(regular, "../../.bashrc", "", b"x"),
            "entry \"../../.bashrc\" has a '..' path component",
        ),
        tarball_case(
            ctx,
            "with /etc/evil",
            &with_entry(regular, "/etc/evil", "", b"x"),
            "entry \"/etc/evil\" has an absolute path",
        ),
        tarball_case(
            ctx,
            "with a symlink to ../../../etc/passwd",
            &with_entry(
                EntryType::Symlink,
                "package/link",
                "../../../etc/passwd",
                b"",
            ),
            "entry \"package/link\" is a symlink",
        ),
        tarball_case(
            ctx,
            "with a symlink to /etc",
            &with_entry(EntryType::Symlink, "package/lib", "/etc", b""),
            "entry \"package/lib\" is a symlink",
        ),
        tarball_case(
            ctx,
            "with a hard link to /etc/shadow",
            &with_entry(EntryType::Link, "package/hard", "/etc/shadow", b""),
            "entry \"package/hard\" is a hard link",
        ),
        tarball_case(
            ctx,
            "with a hard link inside the package",
            &with_entry(EntryType::Link, "package/again", "package/index.js", b""),
            "entry \"package/again\" is a hard link",
        ),
        tarball_case(
            ctx,
            "with a character device",
            &with_entry(EntryType::Char, "package/mem", "", b""),
            "entry \"package/mem\" is a character device",
        ),
        tarball_case(
            ctx,
            "with a block device",
            &with_entry(EntryType::Block, "package/sda", "", b""),
            "entry \"package/sda\" is a block device",
        ),
        tarball_case(
            ctx,
            "with a FIFO",
            &with_entry(EntryType::Fifo, "package/pipe", "", b""),
            "entry \"package/pipe\" is a FIFO",
        ),
        // 128 MiB of zeros deflate to about 128 KiB: refused once the ratio shows (the
        // message's byte counts depend on the inflater's buffers).
        victim(
            ctx,
            "tarball that is a gzip bomb",
            &document(
                "victim",
                "1.0.0",
                "latest",
                &gzip_bomb("victim", "1.0.0", 128 << 20),
            ),
        )
        .expect(400, "a compression ratio over the limit of 100:1"),
        tarball_case(
            ctx,
            "that is not gzipped",
            &plain_tar,
            "the tarball is not gzip-compressed",
        ),
        tarball_case(
            ctx,
            "with bytes after the gzip stream",
            &trailing,
            "the tarball has data after the end of its gzip stream",
        ),
        tarball_case(
            ctx,
            "with lib.js and LIB.js",
            &Tgz::package("victim", "1.0.0")
                .file("package/lib.js", "1")
                .file("package/LIB.js", "2")
                .build(),
            "entry \"package/LIB.js\" collides with entry \"package/lib.js\": Windows and \
             macOS ignore case and Unicode normalisation in file names, so both unpack to one \
             path",
        ),
        tarball_case(
            ctx,
            "with caf\u{e9}.js precomposed and decomposed",
            &Tgz::package("victim", "1.0.0")
                .file("package/caf\u{e9}.js", "1")
                .file("package/cafe\u{301}.js", "2")
                .build(),
            "entry \"package/cafe\\u{301}.js\" collides with entry \"package/caf\u{e9}.js\": \
             Windows and macOS ignore case and Unicode normalisation in file names, so both \
             unpack to one path",
        ),
        tarball_case(
            ctx,
            "with a second package.json",
            &dup,
            "duplicate entry name \"package/package.json\"",
        ),
        tarball_case(
            ctx,
            "with two top folders",
            &two_tops,
            "entry \"other/index.js\" is not inside the tarball's top folder \"package\"",
        ),
        tarball_case(
            ctx,
            "without package.json",
            &no_manifest,
            "the tarball has no package.json in its top folder (package/package.json)",
        ),
    ]
}

/// Tags that are ranges or name no live version, and versions used before.
fn tags_and_versions(ctx: &Ctx) -> Vec<Case> {
    let token = &ctx.alice.token;
    let tag = |label: &str, tag: &str, version: &str| {
        case(
            format!("dist-tag {label}"),
            "PUT",
            format!("/npm/-/package/hello-npm/dist-tags/{tag}"),
        )
        .bearer(token)
        .json(format!("\"{version}\""))
    };
    let tagged = |tags: Value| {
        let mut doc = good_doc();
        doc["dist-tags"] = tags;
        doc
    };
    let hello = |version: &str| {
        let tgz = Tgz::package("hello-npm", version).build();
        document("hello-npm", version, "latest", &tgz).to_string()
    };
    vec![
        tag("to a version never published", "beta", "9.9.9")
            .expect(404, "Package or version not found"),
        tag("to an unpublished version", "beta", "1.1.0")
            .expect(404, "Package or version not found"),
        case(
            "dist-tag of a package that does not exist",
            "PUT",
            "/npm/-/package/victim/dist-tags/beta",
        )
        .bearer(token)
        .json("\"1.0.0\"")
        .expect(404, "victim is not in this registry"),
        tag("that is the range 1.x", "1.x", "1.0.0")
            .expect(400, "Tag name must not be a valid SemVer range: \"1.x\""),
        tag("that is the range ~1.0", "~1.0", "1.0.0")
            .expect(400, "Tag name must not be a valid SemVer range: \"~1.0\""),
        tag("with a body that is not a string", "beta", "1.0.0")
            .body("{\"version\":\"1.0.0\"}")
            .expect(400, "The body must be the version, as a JSON string"),
        case(
            "removing latest",
            "DELETE",
            "/npm/-/package/hello-npm/dist-tags/latest",
        )
        .bearer(token)
        .expect(400, "The latest tag cannot be removed"),
        victim(
            ctx,
            "published under the tag 1.x",
            &tagged(json!({"1.x": "1.0.0"})),
        )
        .expect(400, "Tag name must not be a valid SemVer range: \"1.x\""),
        victim(
            ctx,
            "published with latest pointing at a missing version",
            &tagged(json!({"latest": "9.9.9"})),
        )
        .expect(
            400,
            "The dist-tag \"latest\" names 9.9.9, not the version published (1.0.0)",
        ),
        victim(
            ctx,
            "published with a second tag pointing at a missing version",
            &tagged(json!({"latest": "1.0.0", "next": "2.0.0"})),
        )
        .expect(
            400,
            "The dist-tag \"next\" names 2.0.0, not the version published (1.0.0)",
        ),
        victim(
            ctx,
            "published under a tag with a slash",
            &tagged(json!({"a/b": "1.0.0"})),
        )
        .expect(400, "\"a/b\" is not a valid tag"),
        put("a version that exists", token, "hello-npm", hello("1.0.0")).expect(
            403,
            "You cannot publish over the previously published versions: hello-npm@1.0.0 \
             already exists",
        ),
        put(
            "a version that was unpublished",
            token,
            "hello-npm",
            hello("1.1.0"),
        )
        .expect(
            403,
            "You cannot publish over the previously published versions: hello-npm@1.1.0 was \
             deleted",
        ),
    ]
}

/// Names npm's registry refuses although its validator takes them, and version numbers
/// spelled again with build metadata (issue 23: `-foo` once stopped the registry, and
/// `2.0.0+evil` replaced `2.0.0` for `npm install`).
fn names_and_numbers(ctx: &Ctx) -> Vec<Case> {
    let token = &ctx.alice.token;
    let named = |name: &str| {
        let tgz = Tgz::package(name, "1.0.0").build();
        document(name, "1.0.0", "latest", &tgz).to_string()
    };
    let hello = |version: &str| {
        let tgz = Tgz::package("hello-npm", version).build();
        document("hello-npm", version, "latest", &tgz).to_string()
    };
    vec![
        put("a name with a leading hyphen", token, "-foo", named("-foo"))
            .expect(400, "\"-foo\": name cannot start with a hyphen"),
        put("the name -", token, "-", named("-"))
            .expect(400, "\"-\": name cannot start with a hyphen"),
        put(
            "a version that exists, with build metadata",
            token,
            "hello-npm",
            hello("1.0.0+evil"),
        )
        .expect(
            403,
            "You cannot publish over the previously published versions: hello-npm@1.0.0 (the \
             number of 1.0.0+evil) already exists",
        ),
        put(
            "an unpublished version, with build metadata",
            token,
            "hello-npm",
            hello("1.1.0+again"),
        )
        .expect(
            403,
            "You cannot publish over the previously published versions: hello-npm@1.1.0 (the \
             number of 1.1.0+again) was deleted",
        ),
    ]
}

/// Credentials that may not do what they ask.
fn credentials(ctx: &Ctx) -> Vec<Case> {
    let doc = good_doc().to_string();
    let scoped = {
        let tgz = Tgz::package("@acme/victim", "1.0.0").build();
        document("@acme/victim", "1.0.0", "latest", &tgz).to_string()
    };
    let hello = {
        let tgz = Tgz::package("hello-npm", "2.0.0").build();
        document("hello-npm", "2.0.0", "latest", &tgz).to_string()
    };
    let bob = &ctx.bob.token;
    let deprecate = json!({"versions": {"1.0.0": {"deprecated": "gone"}}}).to_string();
    vec![
        put("a publish with no token", "", "victim", doc.clone())
            .without_first_authorization()
            .expect(401, "Invalid or expired token"),
        put(
            "a publish with an unknown token",
            "npm_000000",
            "victim",
            doc.clone(),
        )
        .expect(401, "Invalid or expired token"),
        put(
            "a publish with a token for @other/* only",
            &ctx.narrow,
            "victim",
            doc.clone(),
        )
        .expect(
            403,
            "This credential's scopes do not allow publish on victim",
        ),
        put(
            "a publish with a token for Serverless only",
            &ctx.serverless_only,
            "victim",
            doc,
        )
        .expect(
            403,
            "This credential's scopes do not allow publish on victim",
        ),
        case(
            "a dist-tag with a token for @other/* only",
            "PUT",
            "/npm/-/package/hello-npm/dist-tags/beta",
        )
        .bearer(&ctx.narrow)
        .json("\"1.0.0\"")
        .expect(
            403,
            "This credential's scopes do not allow publish on hello-npm",
        ),
        case(
            "an unpublish with a token for @other/* only",
            "DELETE",
            "/npm/hello-npm/-rev/1-x",
        )
        .bearer(&ctx.narrow)
        .expect(
            403,
            "This credential's scopes do not allow delete on hello-npm",
        ),
        put(
            "bob publishing in alice's scope",
            bob,
            "@acme%2fvictim",
            scoped,
        )
        .expect(403, "The scope @acme belongs to other accounts"),
        put("bob publishing alice's package", bob, "hello-npm", hello).expect(
            403,
            "You may not publish hello-npm: you are not one of its maintainers",
        ),
        case(
            "bob tagging alice's package",
            "PUT",
            "/npm/-/package/hello-npm/dist-tags/beta",
        )
        .bearer(bob)
        .json("\"1.0.0\"")
        .expect(403, "You may not change hello-npm"),
        put(
            "bob deprecating alice's package",
            bob,
            "hello-npm",
            deprecate,
        )
        .expect(403, "You may not change hello-npm"),
        case(
            "bob unpublishing alice's package",
            "DELETE",
            "/npm/hello-npm/-rev/1-x",
        )
        .bearer(bob)
        .expect(403, "You may not change hello-npm"),
    ]
}

/// A publish through the router, asserted to succeed.
async fn published(t: &TestApp, token: &str, name: &str, version: &str) {
    let tgz = Tgz::package(name, version).build();
    let doc = document(name, version, "latest", &tgz);
    let path = format!("/npm/{}", name.replace('/', "%2f"));
    let r = t.json("PUT", &path, Some(token), &doc).await;
    assert_eq!(r.status, 200, "{name}@{version}: {}", body(&r));
}

fn body(r: &TestResponse) -> String {
    String::from_utf8_lossy(&r.body).into_owned()
}

/// The registry of the module documentation, the cases, and the publish that proves the
/// server healthy after them.
pub async fn run() {
    let t = TestApp::new();
    let alice = t.user("alice");
    let bob = t.user("bob");
    published(&t, &alice.token, "hello-npm", "1.0.0").await;
    published(&t, &alice.token, "hello-npm", "1.1.0").await;
    // `npm unpublish hello-npm@1.1.0`: the packument less that version.
    let unpublish = json!({"_id": "hello-npm", "name": "hello-npm", "versions": {"1.0.0": {}}});
    let r = t
        .json(
            "PUT",
            "/npm/hello-npm/-rev/3-x",
            Some(&alice.token),
            &unpublish,
        )
        .await;
    assert_eq!(r.status, 200, "unpublish: {}", body(&r));
    published(&t, &alice.token, "@acme/widget", "1.0.0").await;
    let day = Duration::from_secs(24 * 3600);
    let ctx = Ctx {
        narrow: t.token(&alice, &["npm:publish:@other/*"], day),
        serverless_only: t.token(&alice, &["serverless:publish:*"], day),
        alice,
        bob,
    };

    let mut cases = malformed(&ctx);
    cases.extend(oversized(&ctx));
    cases.extend(inconsistent(&ctx));
    cases.extend(tarballs(&ctx));
    cases.extend(tags_and_versions(&ctx));
    cases.extend(names_and_numbers(&ctx));
    cases.extend(credentials(&ctx));
    crate::send_all(&t, &cases).await;

    // Still healthy: `victim`, which every hostile publish aimed at, publishes, and npm
    // finds it where it looks.
    let tgz = Tgz::package("victim", "1.0.0").build();
    let r = t
        .json(
            "PUT",
            "/npm/victim",
            Some(&ctx.alice.token),
            &document("victim", "1.0.0", "latest", &tgz),
        )
        .await;
    assert_eq!(r.status, 200, "{}", body(&r));
    let packument = t.call("GET", "/npm/victim", None).await;
    assert_eq!(packument.status, 200, "{}", body(&packument));
    let packument = packument.json();
    assert_eq!(packument["dist-tags"]["latest"], "1.0.0");
    assert_eq!(
        packument["versions"]["1.0.0"]["dist"]["integrity"],
        integrity(&tgz).as_str()
    );
    let served = t.call("GET", "/npm/victim/-/victim-1.0.0.tgz", None).await;
    assert!(
        served.status == 200 && served.body == tgz,
        "the tarball is served"
    );
    assert!(leftovers(&t.data()).is_empty());
}
