//! Changing a published npm package: `npm dist-tag add|rm`, `npm deprecate`,
//! `npm unpublish` and `npm owner add|rm`. Each is checked (the credential's scope, the
//! caller's role on the package), then runs on the one writer, which commits and rewrites
//! the package's files before the answer.

use std::sync::Arc;

use axum::{
    Json,
    http::{StatusCode, request::Parts},
    response::{IntoResponse, Response},
};
use bytes::Bytes;
use serde::Serialize;
use serde_json::{Map, Value};

use super::{caller, owner_key};
use crate::{
    api::{App, auth::Caller, error::ApiError, limits::client_ip},
    auth::scope::Action,
    db::{
        audit,
        packages::{self as owners, Role},
        users,
    },
    index::Author,
    npm::{NAME, name::NpmName, record::NpmRecord},
    registry::{Registry, RegistryError},
};

/// The answer of a change npm sends back to (its body is read only for `npm owner`).
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = NpmDone)]
pub struct Done {
    /// Always `true`.
    pub ok: bool,
    /// The package.
    pub id: String,
}

fn done(name: &NpmName) -> Response {
    let answer = Done {
        ok: true,
        id: name.to_string(),
    };
    (StatusCode::OK, Json(answer)).into_response()
}

/// The author a caller's changes are committed as.
fn author(caller: &Caller) -> Author {
    Author {
        name: caller.user.username.clone(),
        email: caller.user.email.clone(),
    }
}

/// Whether `caller` may change the existing package `name` (its role, or an
/// administrator), checked on the writer thread so the answer cannot change before the
/// commit.
fn may_change(app: &App, caller: &Caller, name: &NpmName) -> Result<(), ApiError> {
    if caller.is_admin() {
        return Ok(());
    }
    let (key, user_id) = (owner_key(name), caller.user.id);
    match app.db.with(|c| owners::role(c, &key, user_id))? {
        Some(_) => Ok(()),
        None => Err(ApiError::forbidden(format!(
            "You may not change {name}: you are not one of its maintainers"
        ))),
    }
}

/// Runs `change` on the writer for an existing package after the scope and role checks,
/// then records `what` in the audit log.
async fn change<T: Send + 'static>(
    app: &Arc<App>,
    parts: &Parts,
    name: NpmName,
    action: Action,
    what: &'static str,
    change: impl FnOnce(&mut Registry, &Author) -> Result<T, RegistryError> + Send + 'static,
) -> Result<T, ApiError> {
    let caller = caller(app, parts).await?;
    caller.require_in(NAME, action, name.as_str())?;
    let (job_app, ip, now) = (app.clone(), client_ip(parts), app.now().unix_timestamp());
    app.writer
        .run(move |registry: &mut Registry| -> Result<T, ApiError> {
            let exists = registry
                .npm_record(&name)?
                .is_some_and(|r| r.live().next().is_some());
            if !exists {
                return Err(ApiError::not_found(format!(
                    "{name} is not in this registry"
                )));
            }
            may_change(&job_app, &caller, &name)?;
            let out = change(registry, &author(&caller))?;
            let target = format!("npm:{name}");
            job_app.db.with(|c| {
                let details = serde_json::json!({});
                audit::record(c, now, Some(&caller.user), what, &target, &details, &ip)
            })?;
            Ok(out)
        })
        .await?
}

/// Whether `tag` can name a dist-tag: not empty, no `/`, space or `%`, and not a SemVer
/// range (npm would read `npm install x@1.0` as the range, never the tag).
///
/// # Errors
/// 400 naming what is wrong with the tag.
pub fn check_tag(tag: &str) -> Result<(), ApiError> {
    let plain = !tag.is_empty()
        && tag.len() <= 64
        && tag
            .bytes()
            .all(|c| c.is_ascii_graphic() && !b"/%\\\"'".contains(&c));
    if !plain {
        return Err(ApiError::bad_request(format!("{tag:?} is not a valid tag")));
    }
    if semver::VersionReq::parse(tag).is_ok() {
        return Err(ApiError::bad_request(format!(
            "Tag name must not be a valid SemVer range: {tag:?}"
        )));
    }
    Ok(())
}

/// `PUT /-/package/{name}/dist-tags/{tag}` with the version as a JSON string.
///
/// # Errors
/// 400 for a bad tag or body, 403, 404 for an unknown package or version.
pub async fn add_tag(
    app: &Arc<App>,
    parts: &Parts,
    name: NpmName,
    tag: &str,
    body: &Bytes,
) -> Result<Response, ApiError> {
    check_tag(tag)?;
    let version: String = serde_json::from_slice(body).map_err(|_| {
        ApiError::bad_request("The body must be the version, as a JSON string (\"1.0.0\")")
    })?;
    let (tag, answer_name) = (tag.to_owned(), name.clone());
    change(
        app,
        parts,
        name.clone(),
        Action::Publish,
        "npm_dist_tag",
        move |r, a| r.npm_dist_tag(&name, &tag, Some(&version), a),
    )
    .await?;
    Ok(done(&answer_name))
}

/// `DELETE /-/package/{name}/dist-tags/{tag}`.
///
/// # Errors
/// 400 for `latest`, 403, 404 for an unknown package.
pub async fn remove_tag(
    app: &Arc<App>,
    parts: &Parts,
    name: NpmName,
    tag: &str,
) -> Result<Response, ApiError> {
    if tag == "latest" {
        return Err(ApiError::bad_request(
            "The latest tag cannot be removed; point it at another version instead",
        ));
    }
    let (tag, answer_name) = (tag.to_owned(), name.clone());
    change(
        app,
        parts,
        name.clone(),
        Action::Publish,
        "npm_dist_tag",
        move |r, a| r.npm_dist_tag(&name, &tag, None, a),
    )
    .await?;
    Ok(done(&answer_name))
}

/// `PUT /{name}` without attachments (`npm deprecate`): the whole packument, whose
/// versions' `deprecated` fields are taken (an empty one un-deprecates); nothing else in
/// it is read.
///
/// # Errors
/// 400 for a document without versions, 403, 404 for an unknown package.
pub async fn deprecate(
    app: &Arc<App>,
    parts: &Parts,
    name: NpmName,
    document: &Value,
) -> Result<Response, ApiError> {
    let versions = document
        .get("versions")
        .and_then(Value::as_object)
        .ok_or_else(|| {
            ApiError::bad_request("The document has neither a tarball nor versions to change")
        })?;
    let messages: Vec<(String, Option<String>)> = versions
        .iter()
        .map(|(version, doc)| {
            let message = doc
                .get("deprecated")
                .and_then(Value::as_str)
                .map(str::to_owned);
            (version.clone(), message)
        })
        .collect();
    let answer_name = name.clone();
    change(
        app,
        parts,
        name.clone(),
        Action::Yank,
        "npm_deprecate",
        move |r, a| r.npm_deprecate(&name, &messages, a),
    )
    .await?;
    Ok(done(&answer_name))
}

/// `PUT /{name}/-rev/{rev}`: the packument less what is to go. A document with `versions`
/// unpublishes every live version it no longer lists (`npm unpublish name@version`); one
/// with only `maintainers` sets the package's maintainers (`npm owner add|rm`).
///
/// # Errors
/// 400 for a document that is neither, 403, 404 for an unknown package or user.
pub async fn put_revision(
    app: &Arc<App>,
    parts: &Parts,
    name: NpmName,
    document: &Value,
) -> Result<Response, ApiError> {
    if let Some(versions) = document.get("versions").and_then(Value::as_object) {
        let keep: Vec<String> = versions.keys().cloned().collect();
        let answer_name = name.clone();
        let now = app.now();
        change(
            app,
            parts,
            name.clone(),
            Action::Delete,
            "npm_unpublish",
            move |r, a| {
                let record = r
                    .npm_record(&name)?
                    .ok_or_else(|| RegistryError::PackageNotFound(name.to_string()))?;
                let gone: Vec<String> = record
                    .live()
                    .filter(|l| !keep.contains(&l.version))
                    .map(|l| l.version.clone())
                    .collect();
                for version in &gone {
                    r.npm_unpublish(&name, Some(version), a, now)?;
                }
                Ok(())
            },
        )
        .await?;
        return Ok(done(&answer_name));
    }
    if let Some(list) = document.get("maintainers").and_then(Value::as_array) {
        let wanted: Vec<String> = list
            .iter()
            .filter_map(|m| m.get("name").and_then(Value::as_str))
            .map(str::to_owned)
            .collect();
        return set_owners(app, parts, name, wanted).await;
    }
    Err(ApiError::bad_request(
        "The document has neither versions nor maintainers to change",
    ))
}

/// `DELETE /{name}/-rev/{rev}` (`npm unpublish name --force`): every version.
///
/// # Errors
/// 403, 404 for an unknown package.
pub async fn unpublish_all(
    app: &Arc<App>,
    parts: &Parts,
    name: NpmName,
) -> Result<Response, ApiError> {
    let answer_name = name.clone();
    let now = app.now();
    change(
        app,
        parts,
        name.clone(),
        Action::Delete,
        "npm_unpublish",
        move |r, a| r.npm_unpublish(&name, None, a, now),
    )
    .await?;
    Ok(done(&answer_name))
}

/// Sets the package's maintainers to `wanted` (account names): added as maintainers,
/// removed when not listed (the last owner stays), and the packument's list updated.
async fn set_owners(
    app: &Arc<App>,
    parts: &Parts,
    name: NpmName,
    wanted: Vec<String>,
) -> Result<Response, ApiError> {
    let caller = caller(app, parts).await?;
    caller.require_in(NAME, Action::Maintainers, name.as_str())?;
    let key = owner_key(&name);
    let (job_app, now) = (app.clone(), app.now().unix_timestamp());
    let answer_name = name.clone();
    app.writer
        .run(move |registry: &mut Registry| -> Result<(), ApiError> {
            let exists = registry.npm_record(&name)?.is_some();
            if !exists {
                return Err(ApiError::not_found(format!(
                    "{name} is not in this registry"
                )));
            }
            if !caller.is_admin() {
                let role = job_app.db.with(|c| owners::role(c, &key, caller.user.id))?;
                if role != Some(Role::Owner) {
                    return Err(ApiError::forbidden(format!(
                        "Only an owner of {name} may change its maintainers"
                    )));
                }
            }
            // One transaction, committed only once the index's record is: a list naming
            // an unknown account, or a record that cannot be committed, changes nothing.
            job_app.db.with(|c| {
                let tx = c.transaction()?;
                let current = owners::members(&tx, &key)?;
                let mut added = Vec::new();
                for username in &wanted {
                    if current.iter().any(|(n, _)| n == username) {
                        continue;
                    }
                    let Some(user) = users::find_by_name(&tx, username)? else {
                        return Ok(Err(ApiError::not_found(format!("No user {username:?}"))));
                    };
                    added.push(user.id);
                }
                for user_id in added {
                    let by = Some(caller.user.id);
                    owners::set_role(&tx, &key, user_id, Role::Maintainer, now, by)?;
                }
                for (username, role) in &current {
                    if wanted.contains(username) {
                        continue;
                    }
                    let last_owner = *role == Role::Owner && owners::owner_count(&tx, &key)? <= 1;
                    if let (false, Some(user)) = (last_owner, users::find_by_name(&tx, username)?) {
                        owners::remove(&tx, &key, user.id)?;
                    }
                }
                let mut shown = Vec::new();
                for (name, _) in owners::members(&tx, &key)? {
                    let email = (users::find_by_name(&tx, &name)?)
                        .map_or_else(|| Author::named(&name).email, |u| u.email);
                    shown.push(Author { name, email });
                }
                match registry.npm_set_maintainers(&name, shown, &author(&caller)) {
                    Ok(_) => {
                        tx.commit()?;
                        Ok(Ok(()))
                    }
                    Err(e) => Ok(Err(ApiError::from(e))),
                }
            })??;
            Ok(())
        })
        .await??;
    Ok(done(&answer_name))
}

/// The maintainers a new package's record starts with.
#[must_use]
pub fn first_maintainers(record: Option<&NpmRecord>, publisher: &str) -> Vec<String> {
    record.map_or_else(
        || vec![publisher.to_owned()],
        |r| r.package.maintainers.clone(),
    )
}

/// Unused fields of a document, kept for a later Shelf.
pub type Document = Map<String, Value>;
