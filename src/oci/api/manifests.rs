//! `PUT` and `DELETE` of `/v2/{name}/manifests/{reference}`.
//!
//! A manifest is read whole (at most [`MAX_MANIFEST`] bytes), its digest computed, and
//! checked ([`manifest::parse`]) before anything is written: a digest named in the URL must
//! be its own, and its media type one this registry takes. The one writer then checks that
//! the caller may push to the repository (its maintainer, or anyone for a new one, which
//! the caller then owns) and that every blob and manifest it names exists, stores its
//! bytes as a blob, commits the record and writes the repository's files, and only then
//! does the client hear 201.

use std::sync::Arc;

use axum::{
    body::Body,
    http::{HeaderName, HeaderValue, StatusCode, header, request::Parts},
    response::{IntoResponse, Response},
};
use sha2::{Digest as _, Sha256};

use super::{CONTENT_DIGEST, OciError, token, token::Claims};
use crate::{
    api::{
        App,
        auth::header_str,
        error::ApiError,
        extract::read_limited,
        limits::{Limit, client_ip},
    },
    db::{audit, packages as owners, users},
    index::Author,
    oci::{
        manifest::{self, MAX_MANIFEST},
        name::{Digest, Reference, RepoName},
        ops::NewManifest,
        record::OciRecord,
    },
    registry::Registry,
};

/// The header naming the subject of a manifest that has one.
const OCI_SUBJECT: HeaderName = HeaderName::from_static("oci-subject");

/// The account a token was issued to.
async fn account(app: &App, claims: &Claims) -> Result<users::User, OciError> {
    let id = claims
        .sub
        .ok_or_else(|| token::challenge(app, None, "An anonymous token cannot write"))?;
    app.db
        .run(move |c| users::find_by_id(c, id))
        .await
        .map_err(ApiError::from)?
        .ok_or_else(|| token::challenge(app, None, "The token's account no longer exists"))
}

/// Whether `user` may change the repository: a maintainer (or an administrator); for a new
/// repository anyone, who claims it once the change is accepted ([`claim_new`]): `Ok(true)`
/// then. Runs on the writer, before the commit; writes nothing.
fn may_change(
    app: &App,
    user: &users::User,
    name: &RepoName,
    record: Option<&OciRecord>,
) -> Result<bool, OciError> {
    if user.is_admin {
        return Ok(false);
    }
    let key = token::owner_key(name);
    let role = app
        .db
        .with(|c| owners::role(c, &key, user.id))
        .map_err(ApiError::from)?;
    if role.is_some() {
        return Ok(false);
    }
    let owned = app
        .db
        .with(|c| owners::owner_count(c, &key))
        .map_err(ApiError::from)?
        > 0;
    if record.is_some() && owned {
        return Err(OciError::new(
            StatusCode::FORBIDDEN,
            "DENIED",
            format!("You are not a maintainer of {name}"),
        ));
    }
    Ok(record.is_none() && !owned)
}

/// Makes `user` the owner of the new repository `name` its accepted push created, on the
/// writer before the answer; taken back if the writer refuses the push after all (its
/// files could not be written). A refused push claims nothing.
fn claim_new(
    app: &Arc<App>,
    registry: &mut Registry,
    user: &users::User,
    name: &RepoName,
    now: i64,
) -> Result<(), OciError> {
    let key = token::owner_key(name);
    app.db
        .with_synced_later(|c| owners::claim(c, &key, user.id, now))
        .map_err(ApiError::from)?;
    let (app, user_id) = (app.clone(), user.id);
    registry.on_refused(move || {
        if let Err(e) = app.db.with(|c| owners::remove(c, &key, user_id)) {
            tracing::error!("taking back the claim of a refused push: {e}");
        }
    });
    Ok(())
}

/// `PUT /v2/{name}/manifests/{reference}`.
///
/// # Errors
/// 401 without push; 400 `MANIFEST_INVALID`, `DIGEST_INVALID`, `MANIFEST_BLOB_UNKNOWN`;
/// 403 `DENIED`; 409 for a tag of an immutable repository; 413 `SIZE_INVALID`.
pub async fn put(
    app: &Arc<App>,
    parts: &Parts,
    name: RepoName,
    reference: &str,
    body: Body,
) -> Result<Response, OciError> {
    let claims = token::require(app, parts, &name, token::PUSH)?;
    // One publish limit for every protocol: a manifest pushed counts as a version published.
    if let Some(user) = &claims.name {
        app.limits.check(Limit::Publish, &format!("user:{user}"))?;
    }
    let reference = Reference::parse(reference)?;
    let bytes = read_limited(&parts.headers, body, MAX_MANIFEST)
        .await
        .map_err(|e| match e.status {
            StatusCode::PAYLOAD_TOO_LARGE => OciError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "SIZE_INVALID",
                format!("The manifest is larger than the limit of {MAX_MANIFEST} bytes"),
            ),
            _ => OciError::from(e),
        })?;
    let sha256 = Digest::of_sha256(&hex::encode(Sha256::digest(&bytes)));
    // Pushed by digest, it is known by that digest (`sha512:` too: the store keeps it as
    // an alias of the bytes' SHA-256); by tag, by its SHA-256.
    let (digest, tag) = match reference {
        Reference::Digest(named) if !named.verifies(&bytes) => {
            return Err(OciError::bad(
                "DIGEST_INVALID",
                format!("The manifest's digest is {sha256}, not {named}"),
            ));
        }
        Reference::Digest(named) => (named, None),
        Reference::Tag(tag) => (sha256, Some(tag)),
    };
    let content_type = header_str(&parts.headers, header::CONTENT_TYPE.as_str());
    let parsed = manifest::parse(&bytes, content_type)
        .map_err(|e| OciError::bad("MANIFEST_INVALID", e.to_string()))?;
    let subject = parsed.subject.as_ref().map(|s| s.digest.clone());
    let user = account(app, &claims).await?;
    let staged = app
        .blobs
        .stage(&bytes[..], MAX_MANIFEST as u64)
        .map_err(|e| ApiError::internal(&e))?;
    let author = Author {
        name: user.username.clone(),
        email: user.email.clone(),
    };
    let (job_app, ip, now) = (app.clone(), client_ip(parts), app.now());
    let new = NewManifest {
        name: name.clone(),
        digest: digest.clone(),
        manifest: parsed,
        tag,
    };
    let target = format!("oci:{name}@{digest}");
    app.writer
        .run(move |registry: &mut Registry| -> Result<(), OciError> {
            let at = now.unix_timestamp();
            let repo = new.name.clone();
            let mut claims = false;
            let authorize = |record: Option<&OciRecord>| {
                claims = may_change(&job_app, &user, &repo, record)?;
                Ok::<(), OciError>(())
            };
            let changed = registry.oci_put_manifest(new, staged, &author, now, authorize)?;
            if claims && changed.commit.is_some() {
                claim_new(&job_app, registry, &user, &repo, at)?;
            }
            if let Some(commit) = changed.commit {
                let details = serde_json::json!({ "commit": commit });
                (job_app.audit_change(registry, at, &user, "oci_push", &target, &details, &ip))
                    .map_err(ApiError::from)?;
            }
            Ok(())
        })
        .await
        .map_err(ApiError::from)??;
    let mut response = StatusCode::CREATED.into_response();
    let headers = response.headers_mut();
    if let Ok(location) = HeaderValue::try_from(format!("/v2/{name}/manifests/{digest}")) {
        headers.insert(header::LOCATION, location);
    }
    if let Ok(value) = HeaderValue::try_from(digest.as_str()) {
        headers.insert(CONTENT_DIGEST, value);
    }
    if let Some(subject) = subject.and_then(|s| HeaderValue::try_from(s).ok()) {
        headers.insert(OCI_SUBJECT, subject);
    }
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(0));
    Ok(response)
}

/// `DELETE /v2/{name}/manifests/{reference}`: a manifest by digest (and its tags), or a
/// tag.
///
/// # Errors
/// 401 without delete; 404 `MANIFEST_UNKNOWN`; 403 `DENIED`; 409 for a manifest an index
/// names or a tag of an immutable repository.
pub async fn delete(
    app: &Arc<App>,
    parts: &Parts,
    name: RepoName,
    reference: &str,
) -> Result<Response, OciError> {
    let claims = token::require(app, parts, &name, token::DELETE)?;
    let reference = Reference::parse(reference).map_err(|_| {
        OciError::unknown(
            "MANIFEST_UNKNOWN",
            format!("{reference} is not in this repository"),
        )
    })?;
    let user = account(app, &claims).await?;
    let author = Author {
        name: user.username.clone(),
        email: user.email.clone(),
    };
    let (job_app, ip, now) = (app.clone(), client_ip(parts), app.now());
    let target = format!("oci:{name}:{}", reference.as_str());
    app.writer
        .run(move |registry: &mut Registry| -> Result<(), OciError> {
            let at = now.unix_timestamp();
            let authorize =
                |record: &OciRecord| may_change(&job_app, &user, &name, Some(record)).map(drop);
            let changed = match &reference {
                Reference::Digest(digest) => {
                    registry.oci_delete_manifest(&name, digest, &author, authorize)?
                }
                Reference::Tag(tag) => registry.oci_delete_tag(&name, tag, &author, authorize)?,
            };
            let details = serde_json::json!({ "commit": changed.commit });
            job_app
                .db
                .with(|c| audit::record(c, at, Some(&user), "oci_delete", &target, &details, &ip))
                .map_err(ApiError::from)?;
            Ok(())
        })
        .await
        .map_err(ApiError::from)??;
    Ok(StatusCode::ACCEPTED.into_response())
}
