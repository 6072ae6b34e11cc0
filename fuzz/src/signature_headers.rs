//! Signed-request headers (`api::auth::signed_headers`) and the signature over them
//! (`auth::signature`): PROTOCOL.md section 4.
//!
//! The input is up to four lines, the raw values of `X-Api-Key`, `X-Timestamp`, `X-Nonce` and
//! `X-Signature` in that order (a header is absent when its line is missing), then the body.

use axum::http::{HeaderMap, HeaderValue, StatusCode};
use base64::{Engine, engine::general_purpose::STANDARD};
use shelf::{
    api::auth::{SignedHeaders, signed_headers},
    auth::signature::{
        HEADER_KEY, HEADER_NONCE, HEADER_SIGNATURE, HEADER_TIMESTAMP, NonceCache, NonceError,
        Signer, sign,
    },
};

/// The server's clock during the check, Unix seconds.
pub const NOW: i64 = 1_700_000_000;
/// The signature window, seconds (the default `signature_window`).
pub const WINDOW: i64 = 10;
const SECRET: &[u8] = b"fuzz-secret";

/// Checks every property below on `data`; panics when one fails.
pub fn check(data: &[u8]) {
    let mut fields = data.splitn(5, |b| *b == b'\n');
    let mut headers = HeaderMap::new();
    for name in [HEADER_KEY, HEADER_TIMESTAMP, HEADER_NONCE, HEADER_SIGNATURE] {
        let Some(raw) = fields.next() else { break };
        // Values HTTP cannot carry never reach the extractor.
        if let Ok(value) = HeaderValue::from_bytes(raw) {
            headers.insert(name, value);
        }
    }
    let body = fields.next().unwrap_or_default();
    match signed_headers(&headers, NOW, WINDOW) {
        Ok(Some(signed)) => check_accepted(&headers, &signed, body),
        Ok(None) => assert!(
            headers
                .get(HEADER_KEY)
                .and_then(|v| v.to_str().ok())
                .is_none_or(|v| v.trim().is_empty()),
            "an X-Api-Key was ignored"
        ),
        Err(error) => assert_eq!(error.status, StatusCode::UNAUTHORIZED, "{error:?}"),
    }
}

fn check_accepted(headers: &HeaderMap, signed: &SignedHeaders<'_>, body: &[u8]) {
    // Each value is the header's, trimmed and not empty.
    for (name, value) in [
        (HEADER_KEY, signed.key_id),
        (HEADER_TIMESTAMP, signed.timestamp_raw),
        (HEADER_NONCE, signed.nonce),
        (HEADER_SIGNATURE, signed.signature),
    ] {
        let sent = headers.get(name).and_then(|v| v.to_str().ok());
        assert_eq!(sent.map(str::trim), Some(value), "{name}");
        assert!(!value.is_empty(), "{name} is empty");
    }
    assert_eq!(signed.timestamp_raw.parse::<i64>(), Ok(signed.timestamp));
    assert!(
        signed.timestamp.abs_diff(NOW) <= WINDOW.unsigned_abs(),
        "timestamp {} accepted outside the window",
        signed.timestamp
    );
    assert!(signed.nonce.len() <= 128, "nonce of {}", signed.nonce.len());

    // A provided signature verifies exactly when it decodes to the right MAC: no other
    // spelling of it, and no garbage, is accepted.
    let signer = || {
        Signer::new(
            SECRET,
            "POST",
            "/releases",
            signed.timestamp_raw,
            signed.nonce,
        )
    };
    let expected = sign(
        SECRET,
        "POST",
        "/releases",
        signed.timestamp_raw,
        signed.nonce,
        body,
    );
    let mut given = signer();
    given.update(body);
    let decoded = STANDARD.decode(signed.signature.trim()).ok();
    assert_eq!(
        given.verify(signed.signature),
        decoded == STANDARD.decode(&expected).ok(),
        "signature {:?}",
        signed.signature
    );
    let mut own = signer();
    own.update(body);
    assert!(own.verify(&expected), "the server's own signature fails");

    // The nonce is refused while its timestamp is in the window, and only then.
    let cache = NonceCache::new(40);
    let expires = signed.timestamp.saturating_add(WINDOW);
    let key = signed.key_id;
    assert_eq!(
        cache.check_and_insert(key, signed.nonce, expires, NOW),
        Ok(())
    );
    assert_eq!(
        cache.check_and_insert(key, signed.nonce, expires, NOW),
        Err(NonceError::Replayed)
    );
    let later = expires.saturating_add(1);
    assert_eq!(
        cache.check_and_insert(key, signed.nonce, later.saturating_add(WINDOW), later),
        Ok(())
    );
    assert_eq!(cache.len(), 1);
}
