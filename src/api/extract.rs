//! Reading request bodies safely: bounded, typed, and every failure a JSON 4xx.

use axum::{
    body::Body,
    http::{HeaderMap, StatusCode, header},
};
use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;
use serde::{Deserialize, Deserializer, de::DeserializeOwned};

use super::{error::ApiError, server::body_timeout};

/// Reads a body of at most `limit` bytes. A body that announces or sends more is refused
/// with 413 as soon as that is known, without reading the rest.
///
/// # Errors
/// 413 past the limit; 408 when the body stalls (see [`body_error`]); 400 when it cannot
/// be read.
pub async fn read_limited(
    headers: &HeaderMap,
    body: Body,
    limit: usize,
) -> Result<Bytes, ApiError> {
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("Request body is larger than {limit} bytes"),
        )
    };
    if content_length(headers).is_some_and(|n| n > limit as u64) {
        return Err(too_large());
    }
    let mut stream = body.into_data_stream();
    let mut out = BytesMut::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| body_error(&e))?;
        if out.len() + chunk.len() > limit {
            return Err(too_large());
        }
        out.extend_from_slice(&chunk);
    }
    decoded(headers, out.freeze(), limit)
}

/// A body as its `Content-Encoding` says it was encoded (npm and bun gzip their audit
/// requests): `gzip` and `deflate` are inflated, at most `limit` bytes of them (413
/// past that, so a small bomb cannot grow into memory), `identity` or none is as it came.
///
/// # Errors
/// 413 past the limit once inflated, 400 for a body that does not inflate, 415 for an
/// encoding this server does not take.
pub fn decoded(headers: &HeaderMap, body: Bytes, limit: usize) -> Result<Bytes, ApiError> {
    use std::io::Read as _;
    let encoding = headers
        .get(header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let mut reader: Box<dyn std::io::Read> = match encoding.as_str() {
        "" | "identity" => return Ok(body),
        "gzip" | "x-gzip" => Box::new(flate2::read::GzDecoder::new(&body[..])),
        "deflate" => Box::new(flate2::read::ZlibDecoder::new(&body[..])),
        other => {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                format!("The body's Content-Encoding {other:?} is not one this server takes"),
            ));
        }
    };
    let mut out = Vec::new();
    let read = (&mut reader)
        .take(limit as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| ApiError::bad_request(format!("The {encoding} body does not inflate: {e}")))?;
    if read > limit {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("Request body is larger than {limit} bytes once inflated"),
        ));
    }
    Ok(Bytes::from(out))
}

/// The answer to a request body that could not be read: 408 when it stalled (the client may
/// send the request again as it was), 400 otherwise.
#[must_use]
pub fn body_error(error: &(dyn std::error::Error + 'static)) -> ApiError {
    match body_timeout(error) {
        Some(timeout) => ApiError::new(StatusCode::REQUEST_TIMEOUT, timeout.to_string()),
        None => ApiError::bad_request(format!("Could not read the request body: {error}")),
    }
}

/// The declared `Content-Length`, if any and valid.
#[must_use]
pub fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

/// Parses a JSON body. The content type must be JSON (415 otherwise); the error names what
/// is wrong with the document (400).
///
/// # Errors
/// 415 for another content type, 400 for invalid JSON or a document of the wrong shape.
pub fn parse_json<T: DeserializeOwned>(headers: &HeaderMap, body: &[u8]) -> Result<T, ApiError> {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|mime| {
            let mime = mime.trim().to_ascii_lowercase();
            mime == "application/json"
                || (mime.starts_with("application/") && mime.ends_with("+json"))
        });
    if !is_json {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Expected a JSON body (Content-Type: application/json)",
        ));
    }
    // serde_json refuses nesting deeper than 128 levels, so a hostile document cannot
    // exhaust the stack.
    serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request(format!("Invalid JSON body: {e}")))
}

/// Reads an optional count from a query string: any run of digits, a number past `u64::MAX`
/// taken as `u64::MAX`. Counts are clamped to a range afterwards, so a huge one means "as
/// many as allowed", not a malformed request.
///
/// # Errors
/// Anything but digits.
pub fn saturating_count<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<u64>, D::Error> {
    let Some(text) = Option::<String>::deserialize(deserializer)? else {
        return Ok(None);
    };
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(serde::de::Error::custom(format!(
            "{text:?} is not a whole number"
        )));
    }
    Ok(Some(text.parse().unwrap_or(u64::MAX)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json_headers() -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            "application/json; charset=utf-8".parse().expect("header"),
        );
        headers
    }

    #[test]
    fn json_is_typed_and_errors_are_4xx() {
        #[derive(serde::Deserialize, Debug)]
        struct Login {
            #[expect(dead_code, reason = "only the shape matters here")]
            username: String,
        }
        assert!(parse_json::<Login>(&json_headers(), br#"{"username":"a"}"#).is_ok());
        assert_eq!(
            parse_json::<Login>(&HeaderMap::new(), b"{}")
                .expect_err("415")
                .status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE
        );
        assert_eq!(
            parse_json::<Login>(&json_headers(), b"{")
                .expect_err("400")
                .status,
            StatusCode::BAD_REQUEST
        );
        assert_eq!(
            parse_json::<Login>(&json_headers(), b"[]")
                .expect_err("400")
                .status,
            StatusCode::BAD_REQUEST
        );
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(
            parse_json::<serde_json::Value>(&json_headers(), deep.as_bytes())
                .expect_err("400")
                .status,
            StatusCode::BAD_REQUEST
        );
    }

    #[test]
    fn counts_saturate_and_only_digits_are_counts() {
        #[derive(serde::Deserialize)]
        struct Query {
            #[serde(default, deserialize_with = "saturating_count")]
            limit: Option<u64>,
        }
        let limit = |query: &str| {
            axum::extract::Query::<Query>::try_from_uri(&format!("/?{query}").parse().expect("uri"))
                .map(|q| q.0.limit)
        };
        assert_eq!(limit("limit=7").ok(), Some(Some(7)));
        assert_eq!(limit("").ok(), Some(None));
        assert_eq!(
            limit("limit=72073288287334268928").ok(),
            Some(Some(u64::MAX))
        );
        for bad in ["limit=", "limit=-1", "limit=1.5", "limit=x"] {
            assert!(limit(bad).is_err(), "{bad}");
        }
    }

    #[tokio::test]
    async fn bodies_are_bounded() {
        let ok = read_limited(&HeaderMap::new(), Body::from("12345"), 5)
            .await
            .expect("fits");
        assert_eq!(&ok[..], b"12345");
        let err = read_limited(&HeaderMap::new(), Body::from("123456"), 5)
            .await
            .expect_err("too large");
        assert_eq!(err.status, StatusCode::PAYLOAD_TOO_LARGE);
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_LENGTH, "999999".parse().expect("header"));
        let err = read_limited(&headers, Body::empty(), 5)
            .await
            .expect_err("announced too large");
        assert_eq!(err.status, StatusCode::PAYLOAD_TOO_LARGE);
    }

    #[tokio::test]
    async fn a_stalled_body_is_408() {
        let stalled = futures_util::stream::once(async {
            Err::<Bytes, _>(super::super::server::BodyTimeout(
                std::time::Duration::from_secs(3),
            ))
        });
        let err = read_limited(&HeaderMap::new(), Body::from_stream(stalled), 5)
            .await
            .expect_err("stalled");
        assert_eq!(err.status, StatusCode::REQUEST_TIMEOUT);
        assert!(
            err.message.contains("nothing arrived for 3 s"),
            "{}",
            err.message
        );
        let cut =
            futures_util::stream::once(async { Err::<Bytes, _>(std::io::Error::other("reset")) });
        let err = read_limited(&HeaderMap::new(), Body::from_stream(cut), 5)
            .await
            .expect_err("cut");
        assert_eq!(err.status, StatusCode::BAD_REQUEST);
    }
}
