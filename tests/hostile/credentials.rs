//! Hostile credentials: malformed bearer tokens and signed requests that are malformed,
//! stale, replayed or signed over something else.

use serde_json::json;
use shelf::{
    api::testing::TestApp, auth::signature::sign, serverless::package::testing::ZipBuilder,
};

use crate::catalogue::{Case, Ctx, case, put_zip};

/// A signed request's four headers, as (name, value) pairs.
type SignedHeaders = Vec<(String, String)>;

const INVALID_TOKEN: &str = "Invalid or expired token";

/// Malformed, oversized and non-ASCII `Authorization` headers on a publish.
pub fn authorization(ctx: &Ctx) -> Vec<Case> {
    let good = ZipBuilder::package("victim", "1.0.0").build();
    let release = json!({ "name": "victim", "version": "1.0.0" }).to_string();
    let values: Vec<(&str, Vec<u8>)> = vec![
        ("no token after Bearer", b"Bearer".to_vec()),
        ("Basic credentials", b"Basic YWxpY2U6cGFzc3dvcmQ=".to_vec()),
        (
            "the token twice",
            format!("Bearer {0} {0}", ctx.token).into_bytes(),
        ),
        (
            "the token and a comma",
            format!("Bearer {},", ctx.token).into_bytes(),
        ),
        (
            "Latin-1 bytes",
            [b"Bearer ".as_slice(), ctx.token.as_bytes(), b"\xe9"].concat(),
        ),
        (
            "64 KiB of token",
            format!("Bearer {}", "x".repeat(64 << 10)).into_bytes(),
        ),
        ("SQL", b"Bearer ' OR '1'='1".to_vec()),
        (
            "the first 10 characters of the token",
            format!("Bearer {}", &ctx.token[..10]).into_bytes(),
        ),
    ];
    let mut cases = Vec::new();
    for (label, value) in values {
        cases.push(
            put_zip(
                ctx,
                format!("upload with Authorization: {label}"),
                good.clone(),
            )
            .header("authorization", value.clone())
            // The fixture's own bearer header comes first; drop it.
            .without_first_authorization()
            .expect(401, INVALID_TOKEN),
        );
        cases.push(
            case(
                format!("release with Authorization: {label}"),
                "POST",
                "/releases",
            )
            .header("authorization", value)
            .json(release.clone())
            .expect(401, INVALID_TOKEN),
        );
    }
    cases
}

/// Signed-request headers for alice's key with the given timestamp and a fresh nonce.
fn signed(ctx: &Ctx, method: &str, path: &str, timestamp: &str, body: &[u8]) -> SignedHeaders {
    let nonce = format!("n-{}", shelf::auth::token::new_upload_id());
    let signature = sign(ctx.key.1.as_bytes(), method, path, timestamp, &nonce, body);
    vec![
        ("x-api-key".into(), ctx.key.0.clone()),
        ("x-timestamp".into(), timestamp.to_owned()),
        ("x-nonce".into(), nonce),
        ("x-signature".into(), signature),
    ]
}

/// Signed requests whose headers are malformed, stale, replayed or do not match the body.
pub fn signatures(t: &TestApp, ctx: &Ctx) -> Vec<Case> {
    let now = t.now().unix_timestamp();
    let release = json!({ "name": "signed", "version": "1.0.0" }).to_string();
    let signed_release = |label: &str, timestamp: &str, edit: &dyn Fn(&mut SignedHeaders)| {
        let mut headers = signed(ctx, "POST", "/releases", timestamp, release.as_bytes());
        edit(&mut headers);
        let mut c =
            case(format!("signed release: {label}"), "POST", "/releases").json(release.clone());
        for (k, v) in headers {
            c = c.header(&k, v);
        }
        c
    };
    let set = |name: &'static str, value: String| {
        move |h: &mut SignedHeaders| {
            for (k, v) in h.iter_mut() {
                if k == name {
                    v.clone_from(&value);
                }
            }
        }
    };
    let drop_header =
        |name: &'static str| move |h: &mut SignedHeaders| h.retain(|(k, _)| k != name);
    let now_text = now.to_string();
    let away = "seconds away from the server's clock";
    let unix = "X-Timestamp must be Unix time in seconds";
    let mut cases = vec![
        signed_release("timestamp not a number", "abc", &|_| {}).expect(401, unix),
        signed_release("timestamp past i64", "99999999999999999999", &|_| {}).expect(401, unix),
        signed_release("timestamp in exponent form", "1.7e9", &|_| {}).expect(401, unix),
        signed_release("timestamp i64::MIN", &i64::MIN.to_string(), &|_| {}).expect(401, away),
        signed_release("timestamp i64::MAX", &i64::MAX.to_string(), &|_| {}).expect(401, away),
        signed_release("timestamp 0", "0", &|_| {}).expect(401, away),
        signed_release("timestamp an hour ago", &(now - 3600).to_string(), &|_| {})
            .expect(401, away),
        signed_release(
            "timestamp ten years ahead",
            &(now + 315_360_000).to_string(),
            &|_| {},
        )
        .expect(401, away),
        signed_release(
            "nonce of 129 characters",
            &now_text,
            &set("x-nonce", "n".repeat(129)),
        )
        .expect(401, "X-Nonce is longer than 128 characters"),
        signed_release("no nonce", &now_text, &drop_header("x-nonce"))
            .expect(401, "Missing X-Nonce header"),
        signed_release("no timestamp", &now_text, &drop_header("x-timestamp"))
            .expect(401, "Missing X-Timestamp header"),
        signed_release("no signature", &now_text, &drop_header("x-signature"))
            .expect(401, "Missing X-Signature header"),
        signed_release(
            "signature not base64",
            &now_text,
            &set("x-signature", "not base64!".into()),
        )
        .expect(401, "Invalid signature"),
        signed_release(
            "signature of 64 KiB",
            &now_text,
            &set("x-signature", "A".repeat(64 << 10)),
        )
        .expect(401, "Invalid signature"),
        signed_release(
            "unknown key id",
            &now_text,
            &set("x-api-key", "sk_nosuch".into()),
        )
        .expect(401, "Unknown, revoked or expired API key"),
        signed_release(
            "SQL in the key id",
            &now_text,
            &set("x-api-key", "' OR '1'='1".into()),
        )
        .expect(401, "Unknown, revoked or expired API key"),
        signed_release(
            "empty key id falls back to the bearer check",
            &now_text,
            &set("x-api-key", String::new()),
        )
        .expect(401, INVALID_TOKEN),
    ];
    // A valid signature, for another path.
    let mut other = signed(ctx, "POST", "/tokens", &now_text, release.as_bytes());
    let mut c = case(
        "signed release: signed for another path",
        "POST",
        "/releases",
    )
    .json(release.clone());
    for (k, v) in other.drain(..) {
        c = c.header(&k, v);
    }
    cases.push(c.expect(401, "Invalid signature"));
    // A replayed request: the first is accepted (an announcement, which changes no file),
    // the copy is refused.
    let mut replay =
        signed_release("replayed nonce", &now_text, &|_| {}).expect(401, "Nonce already used");
    replay.replay = true;
    cases.push(replay);
    // A signed upload whose body is not the one signed: refused after streaming, before
    // anything is published.
    let good = ZipBuilder::package("victim", "1.0.0").build();
    let mut evil = good.clone();
    let last = evil.len() - 1;
    evil[last] ^= 1;
    for (label, body) in [
        ("a flipped byte", evil),
        (
            "another valid zip",
            ZipBuilder::package("victim", "1.0.0")
                .file("x", "y")
                .build(),
        ),
    ] {
        let mut c =
            put_zip(ctx, format!("signed upload with {label}"), body).without_first_authorization();
        for (k, v) in signed(ctx, "PUT", &ctx.upload, &now_text, &good) {
            c = c.header(&k, v);
        }
        cases.push(c.expect(401, "Invalid signature"));
    }
    cases
}
