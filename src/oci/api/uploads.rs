//! Blob uploads: monolithic (`POST`, then `PUT ?digest=` with the blob), in one request
//! (`POST ?digest=`), chunked (`PATCH`es with `Content-Range`, then `PUT ?digest=`), and
//! mounted from another repository (`POST ?mount=&from=`).
//!
//! An upload session is a file of the blob store's sessions, `DATA/blobs/uploads/{id}` (the id is 128 random bits, so
//! knowing it is the right to write to it), locked while a request writes to it. A chunk
//! must start where the session ends and be as long as its `Content-Range` says; a chunk
//! refused leaves the session as it was, and the bytes of a chunk whose connection broke
//! stay, so a client resumes from the `Range` a `GET` of the session reports. Bytes are
//! hashed as they arrive ([`RUNNING`]); the final `PUT` checks the digest is the one named
//! and moves the session's file into the blob store (no copy). A session whose running hash
//! was lost (a refused chunk, a restart) is hashed from its file instead. Sessions idle for longer than the upload lifetime go when the
//! next one starts.

use std::{
    fs, io,
    path::{Path, PathBuf},
    sync::Arc,
    time::SystemTime,
};

use axum::{
    body::Body,
    http::{HeaderValue, StatusCode, header, request::Parts},
    response::{IntoResponse, Response},
};
use futures_util::StreamExt;
use sha2::{Digest as _, Sha256};
use tokio::io::AsyncWriteExt;

use super::{CONTENT_DIGEST, OciError, query, token};
use crate::{
    api::{App, extract::content_length, server::body_timeout},
    blob::{StageError, Staged},
    oci::name::{Algorithm, Digest, RepoName},
};

/// The running hash of each session whose every byte went through this process, keyed by
/// session id (ids are 128 random bits, so servers of several registries in one process
/// never meet here): taken out while a request appends, put back when every byte it wrote
/// was hashed. Gone with the session.
static RUNNING: std::sync::LazyLock<std::sync::Mutex<std::collections::HashMap<String, Running>>> =
    std::sync::LazyLock::new(Default::default);

/// A session's hash so far.
struct Running {
    hasher: Sha256,
    size: u64,
}

fn running() -> std::sync::MutexGuard<'static, std::collections::HashMap<String, Running>> {
    RUNNING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The header naming an upload session.
const UPLOAD_UUID: &str = "docker-upload-uuid";

fn session_dir(app: &App) -> Result<PathBuf, OciError> {
    app.blobs.sessions().map_err(|e| internal(&e))
}

fn session_path(app: &App, id: &str) -> Result<PathBuf, OciError> {
    // Ids are 32 lowercase hex digits: nothing else names a file here.
    if id.len() != 32
        || !id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return Err(unknown_upload());
    }
    Ok(session_dir(app)?.join(id))
}

fn unknown_upload() -> OciError {
    OciError::unknown("BLOB_UPLOAD_UNKNOWN", "No such upload session")
}

fn internal(e: &io::Error) -> OciError {
    crate::api::error::ApiError::internal(e).into()
}

/// 202 for a session at `size` bytes.
fn accepted(name: &RepoName, id: &str, size: u64, status: StatusCode) -> Response {
    let mut response = status.into_response();
    let headers = response.headers_mut();
    if let Ok(location) = HeaderValue::try_from(format!("/v2/{name}/blobs/uploads/{id}")) {
        headers.insert(header::LOCATION, location);
    }
    headers.insert(
        header::RANGE,
        HeaderValue::try_from(format!("0-{}", size.saturating_sub(1)))
            .unwrap_or(HeaderValue::from_static("0-0")),
    );
    if let Ok(id) = HeaderValue::try_from(id) {
        headers.insert(UPLOAD_UUID, id);
    }
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(0));
    response
}

/// 201 for a blob now in the registry.
fn created(name: &RepoName, digest: &Digest) -> Response {
    let mut response = StatusCode::CREATED.into_response();
    let headers = response.headers_mut();
    if let Ok(location) = HeaderValue::try_from(format!("/v2/{name}/blobs/{digest}")) {
        headers.insert(header::LOCATION, location);
    }
    if let Ok(value) = HeaderValue::try_from(digest.as_str()) {
        headers.insert(CONTENT_DIGEST, value);
    }
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(0));
    response
}

fn new_id() -> Result<String, OciError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| internal(&io::Error::other(e.to_string())))?;
    Ok(hex::encode(bytes))
}

/// Removes sessions idle for longer than `ttl`, and the running hashes of sessions gone.
fn sweep(dir: &Path, ttl: std::time::Duration) {
    running().retain(|id, _| dir.join(id).exists());
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let now = SystemTime::now();
    for entry in entries.flatten() {
        let idle = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| now.duration_since(t).ok());
        if idle.is_some_and(|idle| idle > ttl) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Whether the repository `name` holds the blob `hex` ([`crate::oci::ops::repository_holds`]).
pub(super) async fn held_by(app: &App, name: &RepoName, hex: &str) -> bool {
    let (root, blobs, name, hex) = (
        app.index_root.clone(),
        app.blobs.clone(),
        name.clone(),
        hex.to_owned(),
    );
    tokio::task::spawn_blocking(move || {
        // The marker answers most reads; the record is read only without one.
        if blobs.holds(&crate::oci::ops::holder(&name), &hex) {
            return true;
        }
        let record = crate::oci::record::read_record(&root, &name).ok().flatten();
        crate::oci::ops::repository_holds(&blobs, &name, record.as_ref(), &hex)
    })
    .await
    .unwrap_or(false)
}

/// How many of the sessions marked in `owners` (an account's folder of
/// [`crate::blob::BlobStore::session_owners`]) are still open in `sessions`; the markers of
/// the others go.
fn open_sessions(owners: &Path, sessions: &Path) -> io::Result<usize> {
    let mut open = 0;
    for entry in fs::read_dir(owners)? {
        let entry = entry?;
        if sessions.join(entry.file_name()).exists() {
            open += 1;
        } else {
            let _ = fs::remove_file(entry.path());
        }
    }
    Ok(open)
}

/// The digest a finished upload must have.
fn wanted_digest(parts: &Parts) -> Result<Digest, OciError> {
    let digest = query(parts, "digest")
        .ok_or_else(|| OciError::bad("DIGEST_INVALID", "The digest parameter is missing"))?;
    Ok(Digest::parse(&digest)?)
}

/// `POST /v2/{name}/blobs/uploads/`.
///
/// # Errors
/// 401 without push, 400 for a digest that is not valid or not the body's.
pub async fn start(
    app: &Arc<App>,
    parts: &Parts,
    name: RepoName,
    body: Body,
) -> Result<Response, OciError> {
    let claims = token::require(app, parts, &name, token::PUSH)?;
    if let Some(mount) = query(parts, "mount") {
        // A blob the repository `from` holds (every repository may be read): the new one
        // holds it too. Anything else starts an upload, as the spec has it.
        // With no `from`, any repository that holds it (the spec's automatic
        // cross-mount).
        let from = query(parts, "from").map(|f| RepoName::parse(&f).ok());
        let digest = Digest::parse(&mount).ok();
        let key = digest.as_ref().and_then(|d| d.store_key(&app.blobs));
        let held = match (key, from) {
            (Some(key), Some(Some(from))) => held_by(app, &from, &key).await.then_some(key),
            (Some(key), None) => {
                let (blobs, hex) = (app.blobs.clone(), key.clone());
                let namespace = crate::oci::NAME;
                tokio::task::spawn_blocking(move || blobs.held_in(namespace, &hex))
                    .await
                    .unwrap_or(false)
                    .then_some(key)
            }
            _ => None,
        };
        if let (Some(key), Some(digest)) = (held, digest) {
            // Its manifest is coming: the garbage collection's grace starts again.
            app.blobs.mark_fresh(&key).map_err(|e| internal(&e))?;
            app.blobs
                .hold(&crate::oci::ops::holder(&name), &key)
                .map_err(|e| internal(&e))?;
            return Ok(created(&name, &digest));
        }
    } else if query(parts, "digest").is_some() {
        let digest = wanted_digest(parts)?;
        announced_within(parts, 0, app.settings.max_blob_bytes)?;
        let staged = stage_body(app, body).await?;
        return commit(app, &name, &digest, staged).await;
    }
    let dir = session_dir(app)?;
    let owners = app
        .blobs
        .session_owners()
        .map_err(|e| internal(&e))?
        .join(claims.sub.unwrap_or_default().to_string());
    let (ttl, cap) = (app.settings.upload_ttl, app.settings.max_pending_uploads);
    let id = new_id()?;
    let path = dir.join(&id);
    let marker = owners.join(&id);
    let opened = tokio::task::spawn_blocking(move || {
        fs::create_dir_all(&dir)?;
        sweep(&dir, ttl);
        // One cap for every protocol: an account holds at most as many open sessions as
        // it may have Serverless uploads announced and not sent.
        fs::create_dir_all(&owners)?;
        if open_sessions(&owners, &dir)? >= cap {
            return Ok(false);
        }
        fs::File::create_new(&marker)?;
        fs::File::create_new(path).map(|_| true)
    })
    .await
    .map_err(|e| internal(&io::Error::other(e)))?
    .map_err(|e| internal(&e))?;
    if !opened {
        return Err(OciError {
            retry_after: Some(ttl.as_secs().max(1)),
            ..OciError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "TOOMANYREQUESTS",
                format!(
                    "This account has {cap} upload sessions open: finish or abandon one (an \
                     idle session goes after {} s)",
                    ttl.as_secs()
                ),
            )
        });
    }
    let fresh = Running {
        hasher: Sha256::new(),
        size: 0,
    };
    running().insert(id.clone(), fresh);
    Ok(accepted(&name, &id, 0, StatusCode::ACCEPTED))
}

/// Streams a request body into the blob store's staging, capped.
async fn stage_body(app: &App, body: Body) -> Result<Staged, OciError> {
    let limit = app.settings.max_blob_bytes;
    let mut stager = app.blobs.stager(limit).map_err(|e| internal(&e))?;
    let mut stream = body.into_data_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| body_error(&e))?;
        io::Write::write_all(&mut stager, &chunk).map_err(|e| size_or_internal(&e, limit))?;
    }
    stager.finish().map_err(|e| match e {
        StageError::TooLarge { limit } => too_large(limit),
        StageError::Io(e) => internal(&e),
    })
}

/// Refuses a body whose announced length alone passes the cap, before reading it.
fn announced_within(parts: &Parts, already: u64, limit: u64) -> Result<(), OciError> {
    match content_length(&parts.headers) {
        Some(n) if already.saturating_add(n) > limit => Err(too_large(limit)),
        _ => Ok(()),
    }
}

fn too_large(limit: u64) -> OciError {
    OciError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "SIZE_INVALID",
        format!("The blob is larger than the limit of {limit} bytes"),
    )
}

fn size_or_internal(e: &io::Error, limit: u64) -> OciError {
    if e.kind() == io::ErrorKind::FileTooLarge {
        return too_large(limit);
    }
    internal(e)
}

fn body_error(e: &axum::Error) -> OciError {
    if body_timeout(e).is_some() {
        return OciError::new(
            StatusCode::REQUEST_TIMEOUT,
            "BLOB_UPLOAD_INVALID",
            "The body stopped arriving",
        );
    }
    OciError::bad(
        "BLOB_UPLOAD_INVALID",
        format!("The body could not be read: {e}"),
    )
}

/// Checks a staged blob against `digest` and gives it its address.
async fn commit(
    app: &App,
    name: &RepoName,
    digest: &Digest,
    staged: Staged,
) -> Result<Response, OciError> {
    let blobs = app.blobs.clone();
    let holder = crate::oci::ops::holder(name);
    let wanted = digest.clone();
    let committed = tokio::task::spawn_blocking(move || {
        // The store addresses by SHA-256; a `sha512:` digest is checked against the
        // staged bytes and kept as an alias of the address.
        let actual = match wanted.algorithm() {
            Algorithm::Sha256 => format!("sha256:{}", staged.sha256),
            Algorithm::Sha512 => {
                let mut hasher = sha2::Sha512::new();
                io::copy(&mut staged.open()?, &mut hasher)?;
                format!("sha512:{}", hex::encode(hasher.finalize()))
            }
        };
        if actual != wanted.as_str() {
            return Ok(Err(actual));
        }
        let key = staged.sha256.clone();
        blobs.commit(staged)?;
        if wanted.algorithm() == Algorithm::Sha512 {
            blobs.alias("sha512", wanted.encoded(), &key)?;
        }
        // The repository it was pushed to holds it (only it may read it, or name it).
        blobs.hold(&holder, &key)?;
        Ok::<_, io::Error>(Ok(()))
    })
    .await
    .map_err(|e| internal(&io::Error::other(e)))?
    .map_err(|e| internal(&e))?;
    if let Err(actual) = committed {
        return Err(OciError::bad(
            "DIGEST_INVALID",
            format!("The blob's digest is {actual}, not {digest}"),
        ));
    }
    Ok(created(name, digest))
}

/// `start-end` of a `Content-Range` (`bytes ` or `bytes=` before it and `/total` after it
/// are allowed), inclusive.
fn content_range(parts: &Parts) -> Result<Option<(u64, u64)>, OciError> {
    let Some(value) = parts.headers.get(header::CONTENT_RANGE) else {
        return Ok(None);
    };
    let invalid = || {
        OciError::new(
            StatusCode::RANGE_NOT_SATISFIABLE,
            "BLOB_UPLOAD_INVALID",
            "The Content-Range is not start-end",
        )
    };
    let text = value.to_str().map_err(|_| invalid())?.trim();
    let text = text
        .strip_prefix("bytes")
        .map_or(text, |t| t.trim_start_matches([' ', '=']));
    let text = text.split('/').next().unwrap_or_default();
    let (start, end) = text.split_once('-').ok_or_else(invalid)?;
    let (start, end) = (
        start.trim().parse::<u64>().map_err(|_| invalid())?,
        end.trim().parse::<u64>().map_err(|_| invalid())?,
    );
    if end < start {
        return Err(invalid());
    }
    Ok(Some((start, end)))
}

/// An open session, locked for this request.
struct Session {
    id: String,
    /// The session's file: its path, for what syncs it ([`Writeback`]).
    path: PathBuf,
    file: tokio::fs::File,
    size: u64,
    /// Its running hash, when it covers every byte of the file.
    running: Option<Running>,
}

async fn open_session(path: &Path, id: &str) -> Result<Session, OciError> {
    let path_of_session = path.to_owned();
    let path = path.to_owned();
    let opened = tokio::task::spawn_blocking(move || -> io::Result<Option<(fs::File, u64)>> {
        let file = match fs::OpenOptions::new().append(true).open(&path) {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        match file.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                return Err(io::Error::new(io::ErrorKind::WouldBlock, "busy"));
            }
            Err(fs::TryLockError::Error(e)) => return Err(e),
        }
        let size = file.metadata()?.len();
        Ok(Some((file, size)))
    })
    .await
    .map_err(|e| internal(&io::Error::other(e)))?;
    match opened {
        Ok(Some((file, size))) => Ok(Session {
            id: id.to_owned(),
            path: path_of_session,
            file: tokio::fs::File::from_std(file),
            size,
            running: running().remove(id).filter(|r| r.size == size),
        }),
        Ok(None) => Err(unknown_upload()),
        Err(e) if e.kind() == io::ErrorKind::WouldBlock => Err(OciError::new(
            StatusCode::CONFLICT,
            "BLOB_UPLOAD_INVALID",
            "Another request is writing to this upload",
        )),
        Err(e) => Err(internal(&e)),
    }
}

/// Appends a request body to a session: the chunk must start at the session's end and be
/// as long as its `Content-Range` says, else the session is put back as it was.
async fn append(
    session: &mut Session,
    parts: &Parts,
    body: Body,
    limit: u64,
) -> Result<(), OciError> {
    let range = content_range(parts)?;
    announced_within(parts, session.size, limit)?;
    if let Some((start, _)) = range
        && start != session.size
    {
        return Err(OciError::new(
            StatusCode::RANGE_NOT_SATISFIABLE,
            "BLOB_UPLOAD_INVALID",
            format!(
                "The chunk starts at byte {start}; the upload has {} bytes",
                session.size
            ),
        ));
    }
    let before = session.size;
    let mut stream = body.into_data_stream();
    let mut written = 0u64;
    // The body broke off: what arrived stays, and the client resumes from there.
    let mut broke = None;
    // The chunk is refused: the session goes back to where it was.
    let mut refused = None;
    // The body's pieces (a few KiB each) are written a MiB at a time: each write of a
    // `tokio::fs::File` is a trip to a blocking thread.
    let mut out = tokio::io::BufWriter::with_capacity(WRITE_BUFFER, &mut session.file);
    let mut writeback = Writeback::default();
    while let Some(chunk) = stream.next().await {
        let chunk = match chunk {
            Ok(chunk) => chunk,
            Err(e) => {
                broke = Some(body_error(&e));
                break;
            }
        };
        written += chunk.len() as u64;
        if before + written > limit {
            refused = Some(too_large(limit));
            break;
        }
        if let Err(e) = out.write_all(&chunk).await {
            refused = Some(internal(&e));
            break;
        }
        if let Some(running) = &mut session.running {
            running.hasher.update(&chunk);
            running.size += chunk.len() as u64;
        }
        writeback.wrote(chunk.len() as u64, &session.path);
    }
    let flushed = out.flush().await;
    drop(out);
    if refused.is_none()
        && broke.is_none()
        && let Some((start, end)) = range
        && end - start + 1 != written
    {
        refused = Some(OciError::new(
            StatusCode::RANGE_NOT_SATISFIABLE,
            "BLOB_UPLOAD_INVALID",
            format!(
                "The chunk is {written} bytes; its Content-Range says {}",
                end - start + 1
            ),
        ));
    }
    if let Some(error) = refused {
        // A hash cannot be taken back: the session is hashed from its file at the end.
        session.running = None;
        session
            .file
            .set_len(before)
            .await
            .map_err(|e| internal(&e))?;
        return Err(error);
    }
    flushed.map_err(|e| internal(&e))?;
    session.size = session
        .file
        .metadata()
        .await
        .map_err(|e| internal(&e))?
        .len();
    broke.map_or(Ok(()), Err)
}

/// What an upload writes at a time ([`append`]).
const WRITE_BUFFER: usize = 1 << 20;

/// How many bytes an upload writes between two starts of its file's writeback.
const WRITEBACK_EVERY: u64 = 64 << 20;

/// Makes a large upload's bytes durable as they arrive: every [`WRITEBACK_EVERY`] bytes, an
/// `fdatasync` of the session's file starts on a blocking thread (one at a time), so that
/// the disk writes while the network delivers and the `fsync` before the blob is stored
/// ([`crate::blob::BlobStore::commit`]) waits only for the last of it: for a 500 MiB layer,
/// most of a second that was spent after the last byte arrived.
#[derive(Default)]
struct Writeback {
    since: u64,
    running: Option<tokio::task::JoinHandle<()>>,
}

impl Writeback {
    fn wrote(&mut self, bytes: u64, path: &Path) {
        self.since += bytes;
        if self.since < WRITEBACK_EVERY || self.running.as_ref().is_some_and(|r| !r.is_finished()) {
            return;
        }
        self.since = 0;
        // Opened again rather than shared (`try_clone`): a shared descriptor would hold the
        // session's lock until the sync ends, and the client's next chunk would be refused
        // as busy. Best effort: the `fsync` before the blob is stored is what makes the
        // bytes durable.
        let path = path.to_owned();
        self.running = Some(tokio::task::spawn_blocking(move || {
            if let Ok(file) = fs::File::open(&path) {
                let _ = file.sync_data();
            }
        }));
    }
}

impl Drop for Session {
    /// Puts the running hash back for the session's next request, when it covers every
    /// byte of the file.
    fn drop(&mut self) {
        if let Some(r) = self.running.take().filter(|r| r.size == self.size) {
            running().insert(std::mem::take(&mut self.id), r);
        }
    }
}

/// `PATCH /v2/{name}/blobs/uploads/{id}`: a chunk.
///
/// # Errors
/// 401, 404 for an unknown session, 416 for a chunk out of order or a `Content-Range`
/// that lies, 413 past the size limit.
pub async fn patch(
    app: &Arc<App>,
    parts: &Parts,
    name: RepoName,
    id: &str,
    body: Body,
) -> Result<Response, OciError> {
    token::require(app, parts, &name, token::PUSH)?;
    let path = session_path(app, id)?;
    let mut session = open_session(&path, id).await?;
    append(&mut session, parts, body, app.settings.max_blob_bytes).await?;
    Ok(accepted(&name, id, session.size, StatusCode::ACCEPTED))
}

/// `PUT /v2/{name}/blobs/uploads/{id}?digest=…`: the last chunk (if any), then the blob.
///
/// # Errors
/// 401, 404, 416 as [`patch`]; 400 `DIGEST_INVALID` when the bytes are not the digest's
/// (the session is then gone).
pub async fn finish(
    app: &Arc<App>,
    parts: &Parts,
    name: RepoName,
    id: &str,
    body: Body,
) -> Result<Response, OciError> {
    token::require(app, parts, &name, token::PUSH)?;
    let digest = wanted_digest(parts)?;
    let path = session_path(app, id)?;
    let mut session = open_session(&path, id).await?;
    append(&mut session, parts, body, app.settings.max_blob_bytes).await?;
    let (blobs, limit) = (app.blobs.clone(), app.settings.max_blob_bytes);
    let hashed = session
        .running
        .take()
        .filter(|r| r.size == session.size)
        .map(|r| (hex::encode(r.hasher.finalize()), r.size));
    // The lock goes with the file; the session is moved, not copied.
    drop(session);
    let staged = tokio::task::spawn_blocking(move || blobs.stage_file(&path, limit, hashed))
        .await
        .map_err(|e| internal(&io::Error::other(e)))?
        .map_err(|e| match e {
            StageError::TooLarge { limit } => too_large(limit),
            StageError::Io(e) if e.kind() == io::ErrorKind::NotFound => unknown_upload(),
            StageError::Io(e) => internal(&e),
        })?;
    commit(app, &name, &digest, staged).await
}

/// `GET /v2/{name}/blobs/uploads/{id}`: how much has arrived.
///
/// # Errors
/// 401, 404.
pub async fn status(
    app: &Arc<App>,
    parts: &Parts,
    name: RepoName,
    id: &str,
) -> Result<Response, OciError> {
    token::require(app, parts, &name, token::PUSH)?;
    let path = session_path(app, id)?;
    let size = tokio::fs::metadata(&path)
        .await
        .map_err(|_| unknown_upload())?
        .len();
    Ok(accepted(&name, id, size, StatusCode::NO_CONTENT))
}

/// `DELETE /v2/{name}/blobs/uploads/{id}`: abandons the session.
///
/// # Errors
/// 401, 404.
pub async fn cancel(
    app: &Arc<App>,
    parts: &Parts,
    name: RepoName,
    id: &str,
) -> Result<Response, OciError> {
    token::require(app, parts, &name, token::PUSH)?;
    let path = session_path(app, id)?;
    tokio::fs::remove_file(&path)
        .await
        .map_err(|_| unknown_upload())?;
    running().remove(id);
    Ok(StatusCode::NO_CONTENT.into_response())
}
