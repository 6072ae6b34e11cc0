//! `npm publish`: `PUT /{name}` with the package document and its tarball as a base64
//! attachment.
//!
//! The body streams through [`document::split`]: the document (without the attachment's
//! data) is kept, capped, and the tarball is decoded straight into the blob store's staging
//! area, so the document is never held twice and a body past the limit is refused while it
//! streams (413). As the tarball's bytes are decoded, its SHA-256 (its address) and SHA-1
//! are computed on the decoding thread, and its SHA-512 and [`tarball::inspect`]ion (no
//! links, no traversal, no bomb) on a thread of their own ([`Checking`]): a 1 MiB publish
//! waits for the slower of two threads rather than for all of it, and never reads the
//! staged file again. Once the stream ends, the staged file's `fsync` starts on a third
//! ([`crate::blob::Staged::start_sync`]) while the rest is checked and the writer is
//! awaited. Then, before anything is written: the URL's name, the document's and the
//! tarball's `package.json` must agree, and so must the version; the SHA-512 must be the
//! `dist.integrity` npm computed (and the SHA-1 its `shasum`); the tarball must have passed
//! its inspection. Only then does the one writer check the version is new and the caller
//! may publish, store the blob, commit, and write the package's files — and only then does
//! npm hear 200.

use std::{
    io::{self, Write},
    sync::{Arc, mpsc},
    thread,
};

use axum::{
    body::Body,
    http::{StatusCode, request::Parts},
    response::{IntoResponse, Response},
};
use base64::{Engine, engine::general_purpose::STANDARD};
use futures_util::TryStreamExt;
use serde_json::{Map, Value};
use sha1::Sha1;
use sha2::Digest;
use tokio_util::io::{StreamReader, SyncIoBridge};

use super::{caller, manage, owner_key};
use crate::{
    api::{
        App,
        auth::Caller,
        error::{ApiError, chain},
        extract::content_length,
        limits::{Limit, client_ip},
        server::{body_timeout, out_of_files},
    },
    auth::scope::Action,
    blob::{BlobStore, StageError, Staged, Stager},
    db::packages as owners,
    index::Author,
    npm::{
        NAME,
        document::{self, DocumentError},
        name::NpmName,
        ops::NewVersion,
        record::NpmRecord,
        tarball::{self, TarballError},
    },
    registry::Registry,
};

/// A staged tarball with the digests npm names it by.
struct Digesting {
    stager: Stager,
    sha1: Sha1,
    checking: Checking,
}

impl Write for Digesting {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.stager.write(buf)?;
        self.sha1.update(&buf[..n]);
        self.checking.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.stager.flush()
    }
}

/// The bytes [`Checking`] hands its thread at a time.
const CHECK_BATCH: usize = 256 << 10;

/// The tarball's SHA-512 and its [`tarball::inspect`]ion, on a thread of their own while
/// this one decodes the base64 and stages the bytes with their SHA-256 and SHA-1: on a
/// 1 MiB tarball they cost as much as all the rest of reading the body, and a publish
/// then waits for the slower of the two threads, not for their sum, and never reads the
/// staged file again. (The SHA-512 is `ring`'s assembly: three quarters of `sha2`'s time.)
struct Checking {
    batch: Vec<u8>,
    to: Option<mpsc::SyncSender<Vec<u8>>>,
    thread: Option<thread::JoinHandle<Checked>>,
}

/// What [`Checking`]'s thread found.
struct Checked {
    sha512: ring::digest::Digest,
    inspected: Result<tarball::Inspected, TarballError>,
}

/// The batches a [`Checking`] thread receives, read as one stream, hashed as they are read.
struct Batches {
    from: mpsc::Receiver<Vec<u8>>,
    batch: Vec<u8>,
    at: usize,
    sha512: ring::digest::Context,
}

impl io::Read for Batches {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.at == self.batch.len() {
            match self.from.recv() {
                Ok(batch) => {
                    self.sha512.update(&batch);
                    (self.batch, self.at) = (batch, 0);
                }
                Err(_) => return Ok(0),
            }
        }
        let rest = self.batch.get(self.at..).unwrap_or_default();
        let n = rest.len().min(buf.len());
        buf.get_mut(..n)
            .unwrap_or_default()
            .copy_from_slice(rest.get(..n).unwrap_or_default());
        self.at += n;
        Ok(n)
    }
}

impl Checking {
    fn start(limits: tarball::Limits) -> io::Result<Checking> {
        let (to, from) = mpsc::sync_channel::<Vec<u8>>(4);
        let thread = thread::Builder::new()
            .name("npm-check".to_owned())
            .spawn(move || {
                let mut batches = Batches {
                    from,
                    batch: Vec::new(),
                    at: 0,
                    sha512: ring::digest::Context::new(&ring::digest::SHA512),
                };
                let inspected = tarball::inspect(&mut batches, &limits);
                // What the inspection did not read (gzip's trailer, or all past a refusal)
                // is hashed all the same.
                for batch in batches.from.iter() {
                    batches.sha512.update(&batch);
                }
                Checked {
                    sha512: batches.sha512.finish(),
                    inspected,
                }
            })?;
        Ok(Checking {
            batch: Vec::with_capacity(CHECK_BATCH),
            to: Some(to),
            thread: Some(thread),
        })
    }

    fn update(&mut self, bytes: &[u8]) {
        self.batch.extend_from_slice(bytes);
        if self.batch.len() >= CHECK_BATCH {
            self.send();
        }
    }

    fn send(&mut self) {
        let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(CHECK_BATCH));
        // A thread gone (it panicked) is reported by `finish`.
        if let Some(to) = &self.to {
            let _ = to.send(batch);
        }
    }

    /// The `dist.integrity` of the bytes (`sha512-` and the digest in base64), and what
    /// the inspection found.
    fn finish(mut self) -> io::Result<(String, Result<tarball::Inspected, TarballError>)> {
        self.send();
        self.to = None;
        let checked = self
            .thread
            .take()
            .ok_or_else(|| io::Error::other("the tarball's checks were finished twice"))?
            .join()
            .map_err(|_| io::Error::other("the thread checking the tarball panicked"))?;
        let integrity = format!("sha512-{}", STANDARD.encode(checked.sha512.as_ref()));
        Ok((integrity, checked.inspected))
    }
}

/// The tarball as staged, with its digests.
struct StagedTarball {
    staged: Staged,
    integrity: String,
    shasum: String,
    /// What [`tarball::inspect`] found, read as the tarball streamed in.
    inspected: Result<tarball::Inspected, TarballError>,
}

/// What reading the body came to.
struct Body2 {
    document: Value,
    tarball: Option<StagedTarball>,
}

fn document_error(error: DocumentError) -> ApiError {
    if error.is_too_large() {
        return ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, chain(&error));
    }
    let io = match &error {
        DocumentError::Read(io) => Some(io),
        DocumentError::Sink { source, .. } => Some(source),
        _ => None,
    };
    if let Some(io) = io {
        if body_timeout(io).is_some() {
            return crate::api::extract::body_error(io);
        }
        if out_of_files(io) {
            return ApiError::retry(
                StatusCode::SERVICE_UNAVAILABLE,
                "The server has too many files open; publish again shortly",
                5,
            );
        }
    }
    ApiError::bad_request(format!(
        "The publish document is not valid: {}",
        chain(&error)
    ))
}

/// Reads the body: the document, and the tarball staged with its digests.
async fn read_body(app: &App, body: Body) -> Result<Body2, ApiError> {
    let reader = StreamReader::new(body.into_data_stream().map_err(io::Error::other));
    let bridge = SyncIoBridge::new(reader);
    let (blobs, limit) = (app.blobs.clone(), app.settings.max_tarball_bytes);
    tokio::task::spawn_blocking(move || split_body(bridge, &blobs, limit))
        .await
        .map_err(|e| ApiError::internal(&e))?
}

fn split_body(body: impl io::Read, blobs: &BlobStore, limit: u64) -> Result<Body2, ApiError> {
    let limits = document::Limits {
        max_attachment_bytes: limit,
        ..document::Limits::default()
    };
    let split = document::split(body, &limits, |_name: &str| {
        Ok(Digesting {
            stager: blobs.stager(limit)?,
            sha1: Sha1::new(),
            checking: Checking::start(tarball::Limits::default())?,
        })
    })
    .map_err(document_error)?;
    let tarball = match split.attachments.into_iter().next() {
        Some(attachment) => {
            let Digesting {
                stager,
                sha1,
                checking,
            } = attachment.sink;
            let (integrity, inspected) = checking.finish().map_err(|e| ApiError::internal(&e))?;
            let shasum = hex::encode(sha1.finalize());
            let mut staged = stager.finish().map_err(|e| match e {
                StageError::TooLarge { limit } => ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    format!("the tarball is larger than the limit of {limit} bytes"),
                ),
                StageError::Io(e) => ApiError::internal(&e),
            })?;
            // On the disk while the tarball is checked and the writer is awaited.
            staged.start_sync().map_err(|e| ApiError::internal(&e))?;
            Some(StagedTarball {
                staged,
                integrity,
                shasum,
                inspected,
            })
        }
        None => None,
    };
    Ok(Body2 {
        document: split.document,
        tarball,
    })
}

fn invalid(detail: impl std::fmt::Display) -> ApiError {
    ApiError::bad_request(detail.to_string())
}

/// `PUT /{name}`: a publish when the document carries a tarball, else a deprecation.
///
/// # Errors
/// 400 for a document or tarball that is refused, 401, 403 (a version used before, a name
/// the caller may not publish), 413 past the size limit.
pub async fn put_package(
    app: &Arc<App>,
    parts: &Parts,
    name: NpmName,
    body: Body,
) -> Result<Response, ApiError> {
    let caller = caller(app, parts).await?;
    // The document and its base64 tarball: a third larger than the tarball, plus the rest.
    let limit = app.settings.max_tarball_bytes.saturating_mul(4) / 3 + (1 << 20);
    if content_length(&parts.headers).is_some_and(|n| n > limit) {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the publish document is larger than the limit of {limit} bytes"),
        ));
    }
    let Body2 { document, tarball } = read_body(app, body).await?;
    let Some(tarball) = tarball else {
        return manage::deprecate(app, parts, name, &document).await;
    };
    app.limits
        .check(Limit::Publish, &format!("user:{}", caller.user.username))?;
    caller.require_in(NAME, Action::Publish, name.as_str())?;
    let new = check_document(&name, &document, &tarball)?;
    let StagedTarball {
        staged, inspected, ..
    } = tarball;
    let inspected =
        inspected.map_err(|e| invalid(format!("The tarball is refused: {}", chain(&e))))?;
    if inspected.name != name.as_str() || inspected.version != new.version {
        return Err(invalid(format!(
            "The tarball's package.json says {}@{}, the document {}@{}",
            inspected.name, inspected.version, name, new.version
        )));
    }
    let new = NewVersion {
        readme: if new.readme.is_empty() {
            inspected.readme.clone().unwrap_or_default()
        } else {
            new.readme
        },
        ..new
    };
    publish(app, parts, caller, new, staged, inspected).await
}

/// Checks the publish document against the URL and the tarball's digests, and takes the
/// version out of it.
fn check_document(
    name: &NpmName,
    document: &Value,
    tarball: &StagedTarball,
) -> Result<NewVersion, ApiError> {
    let named = document
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if named != name.as_str() {
        return Err(invalid(format!(
            "The document is for {named:?}, the URL for {name}"
        )));
    }
    let versions = document
        .get("versions")
        .and_then(Value::as_object)
        .ok_or_else(|| invalid("The document has no versions"))?;
    let [(version, manifest)] = versions.iter().collect::<Vec<_>>()[..] else {
        return Err(invalid("A publish carries exactly one version"));
    };
    semver::Version::parse(version)
        .map_err(|e| invalid(format!("{version:?} is not a valid SemVer version: {e}")))?;
    let mut manifest: Map<String, Value> = manifest
        .as_object()
        .cloned()
        .ok_or_else(|| invalid("The version's manifest is not an object"))?;
    let manifest_name = manifest
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let manifest_version = manifest
        .get("version")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if manifest_name != name.as_str() || manifest_version != version {
        return Err(invalid(format!(
            "The version's manifest says {manifest_name}@{manifest_version}, the document \
             {name}@{version}"
        )));
    }
    let dist = manifest
        .remove("dist")
        .and_then(|d| d.as_object().cloned())
        .unwrap_or_default();
    let integrity = dist.get("integrity").and_then(Value::as_str);
    if integrity.is_some_and(|i| i != tarball.integrity) {
        return Err(invalid(format!(
            "The tarball's integrity is {}, the document says {}",
            tarball.integrity,
            integrity.unwrap_or_default()
        )));
    }
    let shasum = dist.get("shasum").and_then(Value::as_str);
    if shasum.is_some_and(|s| !s.eq_ignore_ascii_case(&tarball.shasum)) {
        return Err(invalid(format!(
            "The tarball's shasum is {}, the document says {}",
            tarball.shasum,
            shasum.unwrap_or_default()
        )));
    }
    if integrity.is_none() && shasum.is_none() {
        return Err(invalid(
            "The version has neither dist.integrity nor dist.shasum",
        ));
    }
    let readme = manifest
        .remove("readme")
        .and_then(|r| r.as_str().map(str::to_owned))
        .unwrap_or_default();
    // npm sends one tag, naming the version it publishes (`--tag`, else `latest`). A tag
    // naming another version is refused, not dropped: the publish would succeed without a
    // tag it asked for, which may name a version that does not exist. A tag the dist-tag
    // routes refuse (`a/b`) could never be removed.
    let mut tags = Vec::new();
    let named = document.get("dist-tags").and_then(Value::as_object);
    for (tag, target) in named.into_iter().flatten() {
        manage::check_tag(tag)?;
        if target.as_str() != Some(version.as_str()) {
            let shown = target
                .as_str()
                .map_or_else(|| target.to_string(), str::to_owned);
            return Err(invalid(format!(
                "The dist-tag {tag:?} names {shown}, not the version published ({version})"
            )));
        }
        tags.push(tag.clone());
    }
    let tags = if tags.is_empty() {
        vec!["latest".to_owned()]
    } else {
        tags
    };
    Ok(NewVersion {
        name: name.clone(),
        version: version.clone(),
        manifest,
        readme,
        integrity: tarball.integrity.clone(),
        shasum: tarball.shasum.clone(),
        tags,
    })
}

/// Whether `caller` may publish `name`: a maintainer of an existing package; for a new
/// scoped name, a member of the scope when any package of it exists (a scope belongs to
/// whoever first publishes in it). Runs on the writer thread, before the commit.
fn may_publish(
    app: &App,
    caller: &Caller,
    name: &NpmName,
    record: Option<&NpmRecord>,
) -> Result<(), ApiError> {
    if caller.is_admin() {
        return Ok(());
    }
    let user_id = caller.user.id;
    if record.is_some() {
        let role = app
            .db
            .with(|c| owners::role(c, &owner_key(name), user_id))?;
        return role.map(|_| ()).ok_or_else(|| {
            ApiError::forbidden(format!(
                "You may not publish {name}: you are not one of its maintainers"
            ))
        });
    }
    if let Some(scope) = name.scope() {
        // `scope` is written with its `@`.
        let prefix = format!("{NAME}:{scope}/");
        let members = app.db.with(|c| owners::members_with_prefix(c, &prefix))?;
        if !members.is_empty() && !members.contains(&user_id) {
            return Err(ApiError::forbidden(format!(
                "The scope {scope} belongs to other accounts; you may not publish in it"
            )));
        }
    }
    Ok(())
}

/// The answer npm gets for a publish (it reads none of it).
#[derive(Debug, serde::Serialize)]
pub struct Published {
    /// Always `true`.
    pub ok: bool,
    /// `name@version`.
    pub id: String,
}

async fn publish(
    app: &Arc<App>,
    parts: &Parts,
    caller: Caller,
    new: NewVersion,
    staged: Staged,
    inspected: tarball::Inspected,
) -> Result<Response, ApiError> {
    let author = Author {
        name: caller.user.username.clone(),
        email: caller.user.email.clone(),
    };
    let (job_app, ip, now) = (app.clone(), client_ip(parts), app.now());
    let id = format!("{}@{}", new.name, new.version);
    let target = format!("npm:{id}");
    app.writer
        .run(move |registry: &mut Registry| -> Result<(), ApiError> {
            let at = now.unix_timestamp();
            let name = new.name.clone();
            let (key, user_id) = (owner_key(&name), caller.user.id);
            let mut claimed = false;
            let authorize = |record: Option<&NpmRecord>| {
                may_publish(&job_app, &caller, &name, record)?;
                // A new name is claimed before its commit: a server killed between the two
                // would leave a package nobody may publish to. A publish refused after
                // this takes the claim back.
                if record.is_none() {
                    job_app
                        .db
                        .with_synced_later(|c| owners::claim(c, &key, user_id, at))?;
                    claimed = true;
                }
                Ok::<(), ApiError>(())
            };
            let published = registry.npm_publish(new, staged, &inspected, &author, now, authorize);
            let unclaim = {
                let (app, key) = (job_app.clone(), key.clone());
                move || {
                    if let Err(e) = app.db.with(|c| owners::remove(c, &key, user_id)) {
                        tracing::error!("taking back the claim of a refused publish: {e}");
                    }
                }
            };
            let published = match published {
                Ok(published) => published,
                Err(e) => {
                    if claimed {
                        unclaim();
                    }
                    return Err(conflict_as_npm_says(e));
                }
            };
            if claimed {
                registry.on_refused(unclaim);
            }
            let details = serde_json::json!({ "commit": published.commit });
            let user = &caller.user;
            job_app.audit_change(registry, at, user, "npm_publish", &target, &details, &ip)?;
            Ok(())
        })
        .await??;
    let answer = Published { ok: true, id };
    Ok((StatusCode::OK, axum::Json(answer)).into_response())
}

/// npm's registry answers a version number used before with 403 and this message, which
/// the npm client prints as it is.
fn conflict_as_npm_says(error: ApiError) -> ApiError {
    if error.status == StatusCode::CONFLICT {
        return ApiError::forbidden(format!(
            "You cannot publish over the previously published versions: {}",
            error.message
        ));
    }
    error
}
