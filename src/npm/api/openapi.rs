//! npm's endpoints in the OpenAPI document. They are routed by [`super::route`], not
//! registered one by one (see the module above for why); that the document and the
//! dispatcher agree is held by the API's router test, which calls every documented
//! operation through the router and expects every other method refused with 405 and an
//! `Allow` naming the documented ones ([`super::allowed`]).

#![allow(
    dead_code,
    reason = "the functions exist for their annotations: npm's dispatcher routes the requests"
)]

use utoipa::OpenApi;

use super::{
    manage::Done,
    search::SearchAnswer,
    users::{CreatedToken, LoggedIn, Ok, TokenList, UserDoc, WhoAmI},
};
use crate::api::{
    error::ErrorBody,
    openapi::{AuthRefusals, BodyRefusals, JsonRefusals},
};

/// The document of npm's endpoints, merged into the API's.
#[derive(OpenApi)]
#[openapi(
    paths(
        npm_packument,
        npm_put_package,
        npm_put_revision,
        npm_delete_revision,
        npm_delete_tarball,
        npm_dist_tags,
        npm_put_dist_tag,
        npm_delete_dist_tag,
        npm_put_user,
        npm_get_user,
        npm_whoami,
        npm_ping,
        npm_search,
        npm_tokens,
        npm_create_token,
        npm_revoke_token,
        npm_logout,
        npm_advisories,
        npm_audits,
        npm_audits_quick,
    ),
    components(schemas(
        Done,
        LoggedIn,
        Ok,
        TokenList,
        CreatedToken,
        UserDoc,
        WhoAmI,
        SearchAnswer
    )),
    tags((
        name = "npm",
        description = "npm's registry API, under /npm/ (give npm http://HOST/npm/)"
    ))
)]
pub struct NpmApi;

/// A package's packument: a file of the site, the full document for every `Accept`.
#[utoipa::path(
    get,
    path = "/npm/{name}",
    tag = "npm",
    params(("name" = String, Path, description = "The package (`@scope%2fname` for a scoped one)")),
    responses(
        (status = 200, description = "The packument", body = Object),
        (status = 404, description = "No such package", body = ErrorBody),
    ),
)]
fn npm_packument() {}

/// `npm publish` (a document with the tarball as a base64 attachment) or `npm deprecate`
/// (the packument with `deprecated` set, no attachment).
#[utoipa::path(
    put,
    path = "/npm/{name}",
    tag = "npm",
    params(("name" = String, Path, description = "The package (`@scope%2fname` for a scoped one)")),
    request_body(content = Object, content_type = "application/json"),
    responses(
        (
            status = 200,
            description = "Published (or deprecated): the commit and the files exist",
            body = Done
        ),
        (
            status = 403,
            description = "A version used before, or a package or scope the caller may not \
                           publish",
            body = ErrorBody
        ),
        (status = 404, description = "Deprecating a package that does not exist", body = ErrorBody),
        AuthRefusals,
        BodyRefusals,
    ),
    security(("bearer" = [])),
)]
fn npm_put_package() {}

/// `npm unpublish name@version` (the packument without that version) and `npm owner
/// add|rm` (`{_id, _rev, maintainers}`).
#[utoipa::path(
    put,
    path = "/npm/{name}/-rev/{rev}",
    tag = "npm",
    params(
        ("name" = String, Path, description = "The package"),
        ("rev" = String, Path, description = "The packument's `_rev` (not checked)"),
    ),
    request_body(content = Object, content_type = "application/json"),
    responses(
        (status = 200, description = "Done", body = Done),
        (status = 403, description = "The caller may not change the package", body = ErrorBody),
        (status = 404, description = "No such package or user", body = ErrorBody),
        AuthRefusals,
        BodyRefusals,
    ),
    security(("bearer" = [])),
)]
fn npm_put_revision() {}

/// `npm unpublish name --force`: every version.
#[utoipa::path(
    delete,
    path = "/npm/{name}/-rev/{rev}",
    tag = "npm",
    params(
        ("name" = String, Path, description = "The package"),
        ("rev" = String, Path, description = "The packument's `_rev` (not checked)"),
    ),
    responses(
        (status = 200, description = "Unpublished", body = Done),
        (status = 403, description = "The caller may not change the package", body = ErrorBody),
        (status = 404, description = "No such package (or not a valid name)", body = ErrorBody),
        AuthRefusals,
    ),
    security(("bearer" = [])),
)]
fn npm_delete_revision() {}

/// The tarball's removal that `npm unpublish name@version` sends after the revision: done
/// already by the revision.
#[utoipa::path(
    delete,
    path = "/npm/{name}/-/{file}/-rev/{rev}",
    tag = "npm",
    params(
        ("name" = String, Path, description = "The package"),
        ("file" = String, Path, description = "The tarball's file name"),
        ("rev" = String, Path, description = "The packument's `_rev` (not checked)"),
    ),
    responses(
        (status = 200, description = "Nothing left to do", body = Ok),
        (status = 404, description = "Not a valid package name", body = ErrorBody),
    ),
)]
fn npm_delete_tarball() {}

/// `npm dist-tag ls`: a file of the site.
#[utoipa::path(
    get,
    path = "/npm/-/package/{name}/dist-tags",
    tag = "npm",
    params(("name" = String, Path, description = "The package")),
    responses(
        (status = 200, description = "Tag → version", body = Object),
        (status = 404, description = "No such package", body = ErrorBody),
    ),
)]
fn npm_dist_tags() {}

/// `npm dist-tag add`: the body is the version, as a JSON string.
#[utoipa::path(
    put,
    path = "/npm/-/package/{name}/dist-tags/{tag}",
    tag = "npm",
    params(
        ("name" = String, Path, description = "The package"),
        ("tag" = String, Path, description = "The tag: not a SemVer range"),
    ),
    request_body(content = String, content_type = "application/json"),
    responses(
        (status = 200, description = "Tagged", body = Done),
        (status = 403, description = "The caller may not change the package", body = ErrorBody),
        (status = 404, description = "No such package or version", body = ErrorBody),
        AuthRefusals,
        BodyRefusals,
    ),
    security(("bearer" = [])),
)]
fn npm_put_dist_tag() {}

/// `npm dist-tag rm` (`latest` stays).
#[utoipa::path(
    delete,
    path = "/npm/-/package/{name}/dist-tags/{tag}",
    tag = "npm",
    params(
        ("name" = String, Path, description = "The package"),
        ("tag" = String, Path, description = "The tag"),
    ),
    responses(
        (status = 200, description = "Removed", body = Done),
        (status = 400, description = "`latest`, or not a valid package name", body = ErrorBody),
        (status = 403, description = "The caller may not change the package", body = ErrorBody),
        (status = 404, description = "No such package", body = ErrorBody),
        AuthRefusals,
    ),
    security(("bearer" = [])),
)]
fn npm_delete_dist_tag() {}

/// `npm login` and `npm adduser`: the password for a token; a new account when the user
/// does not exist and the document has an e-mail.
#[utoipa::path(
    put,
    path = "/npm/-/user/org.couchdb.user:{user}",
    tag = "npm",
    params(("user" = String, Path, description = "The account name")),
    request_body(content = Object, content_type = "application/json"),
    responses(
        (status = 201, description = "Logged in", body = LoggedIn),
        (status = 401, description = "A wrong password", body = ErrorBody),
        (status = 403, description = "Registration is closed", body = ErrorBody),
        (status = 409, description = "The username or e-mail is taken", body = ErrorBody),
        (status = 429, description = "Too many attempts", body = ErrorBody),
        (status = 503, description = "Password hashing is busy", body = ErrorBody),
        BodyRefusals,
    ),
)]
fn npm_put_user() {}

/// Whether an account exists.
#[utoipa::path(
    get,
    path = "/npm/-/user/org.couchdb.user:{user}",
    tag = "npm",
    params(("user" = String, Path, description = "The account name")),
    responses(
        (status = 200, description = "It exists", body = UserDoc),
        (status = 404, description = "No such account", body = ErrorBody),
    ),
)]
fn npm_get_user() {}

/// `npm whoami`.
#[utoipa::path(
    get,
    path = "/npm/-/whoami",
    tag = "npm",
    responses((status = 200, description = "The token's account", body = WhoAmI), AuthRefusals),
    security(("bearer" = [])),
)]
fn npm_whoami() {}

/// `npm ping`.
#[utoipa::path(
    get,
    path = "/npm/-/ping",
    tag = "npm",
    responses((status = 200, description = "Up", body = Ok)),
)]
fn npm_ping() {}

/// `npm search`.
#[utoipa::path(
    get,
    path = "/npm/-/v1/search",
    tag = "npm",
    params(
        ("text" = String, Query, pattern = r"\S", description = "What to look for"),
        (
            "size" = Option<usize>,
            Query,
            minimum = 0,
            description = "How many results: 1 to 250 (the default 20; 0 means 1, more 250)"
        ),
        ("from" = Option<usize>, Query, minimum = 0, description = "How many to skip"),
    ),
    responses(
        (status = 200, description = "npm packages, best first", body = SearchAnswer),
        (status = 400, description = "No search text, or an invalid query", body = ErrorBody),
    ),
)]
fn npm_search() {}

/// `npm token list`.
#[utoipa::path(
    get,
    path = "/npm/-/npm/v1/tokens",
    tag = "npm",
    responses((status = 200, description = "The caller's tokens", body = TokenList), AuthRefusals),
    security(("bearer" = [])),
)]
fn npm_tokens() {}

/// `npm token create`: after the account's password.
#[utoipa::path(
    post,
    path = "/npm/-/npm/v1/tokens",
    tag = "npm",
    request_body(content = Object, content_type = "application/json"),
    responses(
        (status = 200, description = "A new token, shown once", body = CreatedToken),
        AuthRefusals,
        JsonRefusals,
    ),
    security(("bearer" = [])),
)]
fn npm_create_token() {}

/// `npm token revoke`.
#[utoipa::path(
    delete,
    path = "/npm/-/npm/v1/tokens/token/{key}",
    tag = "npm",
    params(("key" = String, Path, description = "The token's id, from the list")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 403, description = "Another token, and not a login token", body = ErrorBody),
        (status = 404, description = "Not one of the caller's tokens", body = ErrorBody),
        AuthRefusals,
    ),
    security(("bearer" = [])),
)]
fn npm_revoke_token() {}

/// `npm logout`: revokes the calling token.
#[utoipa::path(
    delete,
    path = "/npm/-/user/token/{token}",
    tag = "npm",
    params(("token" = String, Path, description = "The token (the calling one is revoked)")),
    responses((status = 200, description = "Logged out", body = Ok), AuthRefusals),
    security(("bearer" = [])),
)]
fn npm_logout() {}

/// npm's audit (npm 7+ and bun, which send the body gzip'd): no advisories are kept, so
/// none is ever found: `{}`.
#[utoipa::path(
    post,
    path = "/npm/-/npm/v1/security/advisories/bulk",
    tag = "npm",
    request_body(content = Object, content_type = "application/json"),
    responses(
        (status = 200, description = "No advisories", body = Object),
        BodyRefusals,
    ),
)]
fn npm_advisories() {}

/// pnpm's (and npm 6's) audit report: no advisories, and `metadata.vulnerabilities` all 0.
#[utoipa::path(
    post,
    path = "/npm/-/npm/v1/security/audits",
    tag = "npm",
    request_body(content = Object, content_type = "application/json"),
    responses(
        (status = 200, description = "A report of no advisories", body = Object),
        BodyRefusals,
    ),
)]
fn npm_audits() {}

/// The quick form of [`npm_audits`], in the same shape.
#[utoipa::path(
    post,
    path = "/npm/-/npm/v1/security/audits/quick",
    tag = "npm",
    request_body(content = Object, content_type = "application/json"),
    responses(
        (status = 200, description = "A report of no advisories", body = Object),
        BodyRefusals,
    ),
)]
fn npm_audits_quick() {}
