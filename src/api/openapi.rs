//! The HTTP API described in OpenAPI 3.1, served at `GET /-/openapi.json`.
//!
//! The description cannot drift from the code because the router is built from it: every
//! API route is registered with `utoipa_axum::routes!`, which takes the route's method and
//! path from its handler's `#[utoipa::path]` annotation, so a route exists exactly when its
//! description does ([`api`] is both the router and the document). Request and response
//! schemas are derived (`ToSchema`) from the very types the handlers read and answer.
//!
//! What an annotation can still get wrong is a status or a shape it leaves out. Two things
//! hold it to the truth: the shared refusals here ([`AuthRefusals`] and the rest) are
//! written once, beside the code that produces them, and `tests/hardening/openapi.rs` runs
//! schemathesis against a real `shelf serve`, failing on any answer this document does not
//! describe (status, content type or schema) and on any 5xx.

use std::{
    collections::BTreeMap,
    sync::{Arc, OnceLock},
};

use axum::Json;
use utoipa::{
    IntoResponses, Modify, OpenApi,
    openapi::{
        self, Ref, RefOr,
        content::ContentBuilder,
        header::HeaderBuilder,
        response::{Response, ResponseBuilder},
        schema::{ObjectBuilder, Type},
        security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme},
    },
};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{App, accounts, error::ErrorBody, files, tokens};
use crate::serverless::api::s_client;

/// Where the document is served. Under `/-/`, beside the site's other registry-wide files,
/// where no package path can be.
pub const PATH: &str = "/-/openapi.json";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Shelf",
        description = "The publish API of a Shelf registry. Reads of package data are \
                       static files beside it (see the README); only `GET /search` and \
                       ratings are answered by the server."
    ),
    components(schemas(ErrorBody, s_client::Refusal)),
    modifiers(&SecuritySchemes),
    tags(
        (name = "accounts", description = "Accounts and login tokens"),
        (name = "credentials", description = "Tokens, API keys and the audit log"),
        (name = "publishing", description = "Announcing a release and uploading its zip"),
        (name = "packages", description = "Deleting, yanking, maintainers"),
        (name = "ratings", description = "What accounts think of a package"),
        (name = "search", description = "Searching the packages"),
        (name = "s client", description = "The official Serverless Devs `s` client's API"),
        (name = "meta", description = "This document"),
    )
)]
struct ApiDoc;

/// The API's routes and their description, not yet given state. The static site (the
/// fallback) is added by [`super::router`].
#[must_use]
pub fn api() -> OpenApiRouter<Arc<App>> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(files::api_only(routes!(openapi_json)))
        .merge(accounts::routes())
        .merge(tokens::routes())
        // Each protocol's routes: its registration.
        .merge(crate::serverless::api::routes())
}

/// The whole document, as served.
#[must_use]
pub fn document() -> &'static openapi::OpenApi {
    static DOCUMENT: OnceLock<openapi::OpenApi> = OnceLock::new();
    DOCUMENT.get_or_init(|| {
        let mut document = api().into_openapi();
        // npm's endpoints: described beside its dispatcher (one route takes them all).
        document.merge(crate::npm::api::openapi::NpmApi::openapi());
        // After the merge: the operations only exist once every group's routes are in.
        RetryAfter.modify(&mut document);
        document
    })
}

/// This document.
#[utoipa::path(
    get,
    path = "/-/openapi.json",
    tag = "meta",
    responses((status = 200, description = "The OpenAPI 3.1 document", body = Object)),
)]
async fn openapi_json() -> Json<&'static openapi::OpenApi> {
    Json(document())
}

/// The security schemes the annotations name: a bearer token, the four headers of a signed
/// request (one requirement naming all four: they are sent together), and the `s` client's
/// four headers.
struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, document: &mut openapi::OpenApi) {
        let components = document.components.get_or_insert_with(Default::default);
        let bearer = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .description(Some(
                "A token from `POST /login` or `POST /tokens` (`shelf_…`); the bare token \
                 without `Bearer ` is accepted too.",
            ))
            .build();
        components.add_security_scheme("bearer", SecurityScheme::Http(bearer));
        let headers = [
            ("apiKey", "X-Api-Key", "A key id from `POST /keys`."),
            (
                "timestamp",
                "X-Timestamp",
                "Unix seconds, within the server's signature window (10 s by default).",
            ),
            (
                "nonce",
                "X-Nonce",
                "At most 128 characters, never reused within the window.",
            ),
            (
                "signature",
                "X-Signature",
                "base64(HMAC-SHA256(secret, METHOD + PATH + TIMESTAMP + NONCE + BODY)), PATH \
                 without the query.",
            ),
            (
                "sToken",
                "token",
                "`s` client: md5 of the code from `shelf token create --kind s-client`.",
            ),
            (
                "sNonce",
                "nonce",
                "`s` client: a nonce, never reused within the window.",
            ),
            ("sTimestamp", "timestamp", "`s` client: Unix seconds."),
            (
                "sSignCode",
                "sign_code",
                "`s` client: hex sha256(code + nonce + timestamp).",
            ),
        ];
        for (scheme, header, description) in headers {
            let key = ApiKey::Header(ApiKeyValue::with_description(header, description));
            components.add_security_scheme(scheme, SecurityScheme::ApiKey(key));
        }
    }
}

/// [`super::error::ApiError`] sends `Retry-After` with every 429 and 503, so every 429 and
/// 503 the document lists says so.
struct RetryAfter;

impl Modify for RetryAfter {
    fn modify(&self, document: &mut openapi::OpenApi) {
        let header = HeaderBuilder::new()
            .schema(
                ObjectBuilder::new()
                    .schema_type(Type::Integer)
                    .minimum(Some(1)),
            )
            .description(Some("Seconds to wait before sending the request again"))
            .build();
        for item in document.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for operation in operations.into_iter().flatten() {
                for (status, response) in &mut operation.responses.responses {
                    if let ("429" | "503", RefOr::T(response)) = (status.as_str(), response) {
                        response
                            .headers
                            .insert("Retry-After".to_owned(), header.clone());
                    }
                }
            }
        }
    }
}

/// Error answers with the schema `schema`, one per `(status, description)`.
pub(crate) fn refusals(schema: &str, list: &[(u16, &str)]) -> BTreeMap<String, RefOr<Response>> {
    list.iter()
        .map(|&(status, description)| {
            let content = ContentBuilder::new()
                .schema(Some(Ref::from_schema_name(schema)))
                .build();
            let response = ResponseBuilder::new()
                .description(description)
                .content("application/json", content)
                .build();
            (status.to_string(), RefOr::T(response))
        })
        .collect()
}

/// What an authenticated endpoint may answer before its handler runs ([`super::auth`]).
pub struct AuthRefusals;

const AUTH_REFUSALS: &[(u16, &str)] = &[
    (
        401,
        "No credentials, or a token that is unknown, revoked or expired; for a signed \
         request, a missing or malformed header, an unknown key, a timestamp outside the \
         window, a bad signature or a reused nonce",
    ),
    (
        429,
        "Too many requests signed with this key are being checked at once",
    ),
    (
        503,
        "The server cannot take the request now (too many recent requests signed with \
         this key, or too many files open): send it again after Retry-After",
    ),
];

impl IntoResponses for AuthRefusals {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        refusals("ErrorBody", AUTH_REFUSALS)
    }
}

/// What an endpoint that reads a body may answer about the body itself ([`super::extract`]).
pub struct BodyRefusals;

const BODY_REFUSALS: &[(u16, &str)] = &[
    (
        400,
        "The body could not be read, or is not valid for this endpoint (the message says \
         why)",
    ),
    (408, "The body stopped arriving"),
    (
        413,
        "The body is larger than the server takes (once inflated, when it is encoded)",
    ),
    (
        415,
        "The body's Content-Encoding is not gzip, deflate or identity",
    ),
];

impl IntoResponses for BodyRefusals {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        refusals("ErrorBody", BODY_REFUSALS)
    }
}

/// [`BodyRefusals`], and 415 for a body that is not JSON.
pub struct JsonRefusals;

impl IntoResponses for JsonRefusals {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        let mut all = BodyRefusals::responses();
        all.extend(refusals(
            "ErrorBody",
            &[(415, "The body is not JSON (Content-Type: application/json)")],
        ));
        all
    }
}

/// What the `s` client's authenticated endpoints may answer before their handler runs, in
/// that client's shape.
pub struct SClientAuthRefusals;

impl IntoResponses for SClientAuthRefusals {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        refusals(
            "Refusal",
            &[
                (
                    401,
                    "No code, an unknown, revoked or expired one, a wrong sign_code, a \
                     timestamp outside the window or a reused nonce",
                ),
                AUTH_REFUSALS[1],
                AUTH_REFUSALS[2],
            ],
        )
    }
}

/// [`BodyRefusals`] in the `s` client's shape.
pub struct SClientBodyRefusals;

impl IntoResponses for SClientBodyRefusals {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        refusals("Refusal", BODY_REFUSALS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every operation, as `METHOD PATH`.
    fn operations(document: &openapi::OpenApi) -> Vec<String> {
        let mut out = Vec::new();
        for (path, item) in &document.paths.paths {
            let methods = [
                ("GET", &item.get),
                ("PUT", &item.put),
                ("POST", &item.post),
                ("DELETE", &item.delete),
                ("PATCH", &item.patch),
            ];
            for (method, operation) in methods {
                if operation.is_some() {
                    out.push(format!("{method} {path}"));
                }
            }
        }
        out.sort();
        out
    }

    #[test]
    fn the_document_is_openapi_3_1_and_lists_every_endpoint() {
        let json = serde_json::to_value(document()).expect("serialises");
        assert!(
            json["openapi"]
                .as_str()
                .is_some_and(|v| v.starts_with("3.1")),
            "{}",
            json["openapi"]
        );
        let mut expected = vec![
            "GET /-/openapi.json",
            "POST /register",
            "POST /login",
            "POST /logout",
            "POST /refresh_token",
            "POST /change_password",
            "POST /tokens",
            "GET /tokens",
            "DELETE /tokens/{id}",
            "POST /keys",
            "GET /keys",
            "DELETE /keys/{key_id}",
            "GET /audit",
            "POST /releases",
            "PUT /upload/{id}",
            "POST /upload/{id}",
            "GET /{name}/releases/tags/{version}",
            "DELETE /{name}/releases/tags/{version}",
            "PUT /{name}/releases/tags/{version}/yank",
            "DELETE /{name}/releases/tags/{version}/yank",
            "POST /{name}/maintainers",
            "DELETE /{name}/maintainers/{username}",
            "PUT /{name}/rating",
            "DELETE /{name}/rating",
            "GET /{name}/rating",
            "GET /search",
            "POST /v3/packages/releases",
            "GET /v3/packages/releases",
            "GET /v3/package/user",
            "DELETE /v3/packages/{name}/release/tags/{version}",
            "PUT /v3/uploads/{id}",
            "POST /v3/user/token",
            "GET /v3/user/check",
            "GET /npm/{name}",
            "PUT /npm/{name}",
            "PUT /npm/{name}/-rev/{rev}",
            "DELETE /npm/{name}/-rev/{rev}",
            "DELETE /npm/{name}/-/{file}/-rev/{rev}",
            "GET /npm/-/package/{name}/dist-tags",
            "PUT /npm/-/package/{name}/dist-tags/{tag}",
            "DELETE /npm/-/package/{name}/dist-tags/{tag}",
            "PUT /npm/-/user/org.couchdb.user:{user}",
            "GET /npm/-/user/org.couchdb.user:{user}",
            "GET /npm/-/whoami",
            "GET /npm/-/ping",
            "GET /npm/-/v1/search",
            "GET /npm/-/npm/v1/tokens",
            "POST /npm/-/npm/v1/tokens",
            "DELETE /npm/-/npm/v1/tokens/token/{key}",
            "DELETE /npm/-/user/token/{token}",
            "POST /npm/-/npm/v1/security/advisories/bulk",
            "POST /npm/-/npm/v1/security/audits",
            "POST /npm/-/npm/v1/security/audits/quick",
        ];
        expected.sort_unstable();
        assert_eq!(operations(document()), expected);
    }

    /// The router and the document agree, asked the router's way: every documented operation
    /// is taken (not refused with 405), and every other method on a documented path is
    /// refused with 405 and an `Allow` naming exactly the documented methods, or for GET
    /// left to the site, where a package may have a file at that path. (Paths the
    /// document lacks cannot be API routes: every group registers its routes with
    /// `routes!`, from the annotations.)
    #[tokio::test(flavor = "multi_thread")]
    async fn the_router_takes_exactly_the_documented_methods() {
        let t = crate::api::testing::TestApp::new();
        for (path, item) in &document().paths.paths {
            let concrete = path
                .replace("{name}", "hello")
                .replace("{version}", "1.0.0")
                .replace("{username}", "someone")
                .replace("{key_id}", "sk_none")
                .replace(['{', '}'], "");
            let methods = [
                ("GET", item.get.is_some()),
                ("PUT", item.put.is_some()),
                ("POST", item.post.is_some()),
                ("DELETE", item.delete.is_some()),
                ("PATCH", item.patch.is_some()),
            ];
            let mut allowed: Vec<&str> = methods
                .iter()
                .filter(|(_, documented)| *documented)
                .flat_map(|(method, _)| match *method {
                    "GET" => vec!["GET", "HEAD"],
                    other => vec![other],
                })
                .collect();
            allowed.sort_unstable();
            for (method, documented) in methods {
                let answer = t.call(method, &concrete, None).await;
                let refused = answer.status == axum::http::StatusCode::METHOD_NOT_ALLOWED;
                // A GET the API does not take may be a file of the site (here, a missing one).
                let site_read =
                    method == "GET" && answer.status == axum::http::StatusCode::NOT_FOUND;
                assert!(
                    documented != refused || (!documented && site_read),
                    "{method} {path}: {}",
                    answer.status
                );
                if refused {
                    let allow = answer.headers[axum::http::header::ALLOW]
                        .to_str()
                        .expect("ascii");
                    let mut allow: Vec<&str> = allow.split(", ").collect();
                    allow.sort_unstable();
                    assert_eq!(allow, allowed, "{method} {path}");
                }
            }
        }
    }

    /// Schema attributes take literals only: the ones that restate a constant are held to it.
    #[test]
    fn limits_in_the_schemas_are_the_servers() {
        let json = serde_json::to_value(document()).expect("serialises");
        let schemas = &json["components"]["schemas"];
        let register = &schemas["RegisterRequest"]["properties"];
        let create = &schemas["CreateRequest"]["properties"];
        let checks = [
            (
                &register["username"]["maxLength"],
                crate::serverless::package::name::MAX_NAME_LEN as u64,
            ),
            (
                &register["password"]["minLength"],
                crate::auth::password::MIN_LEN as u64,
            ),
            (
                &create["name"]["maxLength"],
                super::tokens::MAX_NAME_CHARS as u64,
            ),
            (
                &create["expires_in_days"]["maximum"],
                super::accounts::MAX_LIFETIME_DAYS.unsigned_abs(),
            ),
        ];
        for (stated, constant) in checks {
            assert_eq!(stated.as_u64(), Some(constant), "{stated}");
        }
    }

    #[test]
    fn every_operation_names_its_errors_and_every_error_has_the_error_shape() {
        let json = serde_json::to_value(document()).expect("serialises");
        let schemes = json["components"]["securitySchemes"]
            .as_object()
            .expect("security schemes");
        for (path, item) in json["paths"].as_object().expect("paths") {
            for (method, operation) in item.as_object().expect("path item") {
                let what = format!("{method} {path}");
                let responses = operation["responses"].as_object().expect("responses");
                let secured = operation["security"].as_array().is_some_and(|s| {
                    s.iter()
                        .any(|r| r.as_object().is_some_and(|r| !r.is_empty()))
                });
                assert!(
                    !secured || responses.contains_key("401"),
                    "{what}: a secured operation answers 401"
                );
                for requirement in operation["security"].as_array().into_iter().flatten() {
                    for scheme in requirement.as_object().expect("requirement").keys() {
                        assert!(
                            schemes.contains_key(scheme),
                            "{what}: unknown scheme {scheme}"
                        );
                    }
                }
                let shape = if path.starts_with("/v3/") {
                    "#/components/schemas/Refusal"
                } else {
                    "#/components/schemas/ErrorBody"
                };
                for (status, response) in responses {
                    if status.starts_with('4') || status.starts_with('5') {
                        let schema = &response["content"]["application/json"]["schema"]["$ref"];
                        assert_eq!(schema, shape, "{what} {status}");
                    }
                    if status == "429" || status == "503" {
                        assert!(
                            response["headers"]["Retry-After"].is_object(),
                            "{what} {status}: Retry-After"
                        );
                    }
                }
            }
        }
    }
}
