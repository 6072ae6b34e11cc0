//! [`S3Target`]: the [`Target`] that writes to a bucket through the AWS SDK.
//!
//! The [`Target`] trait is synchronous and is called from the registry's writer thread, from
//! the command line, and from `spawn_blocking` inside the server; the SDK is async. The
//! target therefore owns a small tokio runtime and blocks on it, from a thread of its own
//! when the caller already runs on a runtime (where blocking on another one panics).

use std::{
    collections::BTreeSet,
    fs::File,
    future::Future,
    io::{self, Read},
    path::Path,
    sync::atomic::{AtomicU64, Ordering},
    thread,
    time::Duration,
};

use aws_config::{BehaviorVersion, meta::region::RegionProviderChain};
use aws_sdk_s3::{
    Client,
    config::{
        Region, RequestChecksumCalculation, ResponseChecksumValidation, http::HttpResponse,
        retry::RetryConfig, timeout::TimeoutConfig,
    },
    error::{DisplayErrorContext, SdkError},
    operation::head_object::HeadObjectError,
    primitives::ByteStream,
};
use base64::Engine as _;
use futures_util::{StreamExt as _, stream};
use md5::{Digest as _, Md5};
use tokio::runtime::Runtime;

use super::location::Location;
use crate::{
    output::{Body, Listing, Outcome, Put, Stamp, Target},
    output::{Class, Kind},
};

/// How many requests (uploads, deletions) run at once.
const CONCURRENCY: usize = 16;

/// How many times the SDK tries a request that failed transiently (5xx, throttling,
/// timeouts, broken connections) before giving up.
const ATTEMPTS: u32 = 5;

/// The region used when the AWS configuration names none: S3-compatible stores mostly
/// ignore it, but requests are signed with one.
const FALLBACK_REGION: &str = "us-east-1";

/// Environment variable of the AWS SDKs naming an S3-only endpoint.
const ENV_ENDPOINT_URL_S3: &str = "AWS_ENDPOINT_URL_S3";

/// How many requests of each kind a target sent, for logs, tests and measurements.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Requests {
    /// `PutObject` requests that succeeded.
    pub puts: u64,
    /// `DeleteObject` requests that succeeded.
    pub deletes: u64,
    /// `ListObjectsV2` pages read.
    pub lists: u64,
    /// `HeadObject` requests (only the one-key methods send them).
    pub heads: u64,
}

/// The live counts behind [`Requests`], bumped by concurrent requests.
#[derive(Debug, Default)]
struct Counters {
    puts: AtomicU64,
    deletes: AtomicU64,
    lists: AtomicU64,
    heads: AtomicU64,
}

fn bump(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

/// A runtime of the target's own. It is shut down without waiting when dropped: the target
/// may be dropped on another runtime's thread, where a blocking shutdown panics.
struct OwnRuntime(Option<Runtime>);

impl Drop for OwnRuntime {
    fn drop(&mut self) {
        if let Some(runtime) = self.0.take() {
            runtime.shutdown_background();
        }
    }
}

impl OwnRuntime {
    fn new() -> io::Result<Self> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("shelf-s3")
            .enable_all()
            .build()?;
        Ok(OwnRuntime(Some(runtime)))
    }

    /// Runs the future `make` returns to completion.
    fn block_on<F, Fut, T>(&self, make: F) -> io::Result<T>
    where
        F: FnOnce() -> Fut + Send,
        Fut: Future<Output = io::Result<T>>,
        T: Send,
    {
        let handle = self
            .0
            .as_ref()
            .map(Runtime::handle)
            .ok_or_else(|| io::Error::other("the S3 target's runtime is shut down"))?;
        if tokio::runtime::Handle::try_current().is_err() {
            return handle.block_on(make());
        }
        // On a thread of another runtime: block on a thread of our own instead.
        thread::scope(|scope| scope.spawn(|| handle.block_on(make())).join())
            .map_err(|_| io::Error::other("the S3 request thread panicked"))?
    }
}

/// Writes the site's keys as objects under a prefix of a bucket.
pub struct S3Target {
    client: Client,
    location: Location,
    counters: Counters,
    runtime: OwnRuntime,
}

impl std::fmt::Debug for S3Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Target")
            .field("location", &self.location)
            .field("requests", &self.requests())
            .finish_non_exhaustive()
    }
}

/// An access key given to Shelf itself (flags, environment or configuration file) rather
/// than found by the AWS configuration. Its `Debug` never shows the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct Keys {
    /// The access key id.
    pub access_key_id: String,
    /// The secret access key.
    pub secret_access_key: String,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keys")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"(hidden)")
            .finish()
    }
}

impl S3Target {
    /// A target writing to `location`, configured like the AWS CLI: credentials, region
    /// and endpoint from the standard environment variables and `~/.aws` files (region
    /// `us-east-1` when none is named). `endpoint` (`--s3-endpoint`) points at an
    /// S3-compatible store instead; then, and whenever the AWS configuration names an
    /// endpoint, path-style URLs are used (`ENDPOINT/BUCKET/KEY`), which such stores serve
    /// without per-bucket DNS names. `keys` (`--s3-access-key-id`, `--s3-secret-access-key`)
    /// replace the credentials the AWS configuration would find.
    ///
    /// # Errors
    /// The runtime cannot start.
    pub fn connect(
        location: Location,
        endpoint: Option<&str>,
        keys: Option<&Keys>,
    ) -> io::Result<Self> {
        let runtime = OwnRuntime::new()?;
        let shared = runtime.block_on(|| async {
            let region = RegionProviderChain::default_provider().or_else(FALLBACK_REGION);
            Ok(aws_config::defaults(BehaviorVersion::latest())
                .region(region)
                .load()
                .await)
        })?;
        let configured_endpoint = shared.endpoint_url().is_some()
            || std::env::var_os(ENV_ENDPOINT_URL_S3).is_some_and(|v| !v.is_empty());
        let mut config = aws_sdk_s3::config::Builder::from(&shared);
        if let Some(endpoint) = endpoint {
            config = config.endpoint_url(endpoint);
        }
        if endpoint.is_some() || configured_endpoint {
            config = config.force_path_style(true);
        }
        if let Some(keys) = keys {
            config = config.credentials_provider(aws_sdk_s3::config::Credentials::new(
                &keys.access_key_id,
                &keys.secret_access_key,
                None,
                None,
                "shelf-configuration",
            ));
        }
        Ok(Self::build(location, config, runtime))
    }

    /// A target writing to `location` with a client configuration made by the caller (a
    /// test's fixed credentials, say). Retries, timeouts and checksums are set as
    /// [`S3Target::connect`] sets them.
    ///
    /// # Errors
    /// The runtime cannot start.
    pub fn with_config(location: Location, config: aws_sdk_s3::Config) -> io::Result<Self> {
        let mut builder = config.to_builder();
        if config.region().is_none() {
            builder = builder.region(Region::new(FALLBACK_REGION));
        }
        Ok(Self::build(location, builder, OwnRuntime::new()?))
    }

    fn build(location: Location, config: aws_sdk_s3::config::Builder, runtime: OwnRuntime) -> Self {
        let config = config
            .retry_config(RetryConfig::standard().with_max_attempts(ATTEMPTS))
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(Duration::from_secs(10))
                    // Long enough for the largest zip on a slow link, short enough that a
                    // stuck request is retried rather than hanging the writer.
                    .operation_attempt_timeout(Duration::from_secs(300))
                    .build(),
            )
            // Every PUT carries a Content-MD5 of its own; the SDK's newer default checksums
            // (aws-chunked trailers) are not understood by every S3-compatible store.
            .request_checksum_calculation(RequestChecksumCalculation::WhenRequired)
            .response_checksum_validation(ResponseChecksumValidation::WhenRequired)
            .build();
        S3Target {
            client: Client::from_conf(config),
            location,
            counters: Counters::default(),
            runtime,
        }
    }

    /// Where this target writes.
    #[must_use]
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// How many requests of each kind this target has sent so far.
    #[must_use]
    pub fn requests(&self) -> Requests {
        let read = |c: &AtomicU64| c.load(Ordering::Relaxed);
        Requests {
            puts: read(&self.counters.puts),
            deletes: read(&self.counters.deletes),
            lists: read(&self.counters.lists),
            heads: read(&self.counters.heads),
        }
    }

    async fn list_all(&self, prefixes: &[String]) -> io::Result<Listing> {
        let mut listing = Listing::default();
        for prefix in prefixes {
            let object_prefix = self.location.object_key(prefix);
            let mut pages = self
                .client
                .list_objects_v2()
                .bucket(&self.location.bucket)
                .prefix(&object_prefix)
                .into_paginator()
                .send();
            while let Some(page) = pages.next().await {
                let page = page.map_err(|e| failed("list", &object_prefix, e))?;
                bump(&self.counters.lists);
                for object in page.contents() {
                    let Some(key) = object.key().and_then(|k| self.location.site_key(k)) else {
                        continue;
                    };
                    let stamp = Stamp {
                        size: object
                            .size()
                            .and_then(|s| u64::try_from(s).ok())
                            .unwrap_or_default(),
                        md5: object.e_tag().and_then(etag_md5),
                    };
                    listing.insert(key.to_owned(), Some(stamp));
                }
            }
        }
        Ok(listing)
    }

    /// What the bucket holds at `key`, by a HEAD request (for the one-key methods).
    async fn head(&self, key: &str) -> io::Result<Option<Stamp>> {
        let object_key = self.location.object_key(key);
        let result = self
            .client
            .head_object()
            .bucket(&self.location.bucket)
            .key(&object_key)
            .send()
            .await;
        bump(&self.counters.heads);
        match result {
            Ok(head) => Ok(Some(Stamp {
                size: head
                    .content_length()
                    .and_then(|s| u64::try_from(s).ok())
                    .unwrap_or_default(),
                md5: head.e_tag().and_then(etag_md5),
            })),
            Err(e) if is_not_found(&e) => Ok(None),
            Err(e) => Err(failed("head", &object_key, e)),
        }
    }

    async fn put_all(&self, batch: &[Put<'_>], listed: &Listing) -> io::Result<Vec<Outcome>> {
        let mut outcomes = vec![Outcome::Unchanged; batch.len()];
        for phase in write_order(batch) {
            let mut jobs = stream::iter(phase)
                .map(|index| async move {
                    let item = &batch[index];
                    let outcome = self.put_one(item, listed.stamp(item.key)).await?;
                    Ok::<_, io::Error>((index, outcome))
                })
                .buffer_unordered(CONCURRENCY);
            while let Some(done) = jobs.next().await {
                // An error drops the stream, which cancels the uploads still running.
                let (index, outcome) = done?;
                outcomes[index] = outcome;
            }
        }
        Ok(outcomes)
    }

    /// Uploads one item unless `held` (what the bucket has at its key) shows the same bytes.
    async fn put_one(&self, item: &Put<'_>, held: Option<&Stamp>) -> io::Result<Outcome> {
        let (size, md5) = match item.body {
            Body::Bytes(bytes) => (bytes.len() as u64, Md5::digest(bytes).into()),
            Body::Blob(path) => {
                let path = path.to_owned();
                tokio::task::spawn_blocking(move || md5_of_file(&path))
                    .await
                    .map_err(io::Error::other)??
            }
        };
        let md5_hex = hex::encode(md5);
        if held.is_some_and(|h| h.size == size && h.md5.as_deref() == Some(md5_hex.as_str())) {
            return Ok(Outcome::Unchanged);
        }
        let body = match item.body {
            Body::Bytes(bytes) => ByteStream::from(bytes.to_vec()),
            // Streamed from the file (and re-opened for a retry), never read into memory.
            Body::Blob(path) => ByteStream::from_path(path)
                .await
                .map_err(io::Error::other)?,
        };
        let object_key = self.location.object_key(item.key);
        let mut request = self.client.put_object();
        if let Some((name, value)) = item.header {
            request = request.metadata(name, value);
        }
        request
            .bucket(&self.location.bucket)
            .key(&object_key)
            .body(body)
            .content_length(i64::try_from(size).map_err(io::Error::other)?)
            .content_md5(base64::engine::general_purpose::STANDARD.encode(md5))
            .content_type(item.class.kind.content_type())
            .cache_control(item.class.cache.header())
            .send()
            .await
            .map_err(|e| failed("upload", &object_key, e))?;
        bump(&self.counters.puts);
        Ok(Outcome::Written)
    }

    async fn delete_all(&self, keys: &[String]) -> io::Result<Vec<bool>> {
        let mut jobs = stream::iter(keys)
            .map(|key| async move {
                let object_key = self.location.object_key(key);
                self.client
                    .delete_object()
                    .bucket(&self.location.bucket)
                    .key(&object_key)
                    .send()
                    .await
                    .map_err(|e| failed("delete", &object_key, e))?;
                bump(&self.counters.deletes);
                Ok::<_, io::Error>(())
            })
            .buffer_unordered(CONCURRENCY);
        while let Some(done) = jobs.next().await {
            done?;
        }
        // DeleteObject succeeds whether or not the key existed; the callers delete keys
        // they just listed.
        Ok(vec![true; keys.len()])
    }
}

impl std::fmt::Display for Requests {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} PUT, {} DELETE, {} LIST, {} HEAD",
            self.puts, self.deletes, self.lists, self.heads
        )
    }
}

impl Target for S3Target {
    fn requests_sent(&self) -> Option<String> {
        Some(self.requests().to_string())
    }

    fn put(&self, key: &str, bytes: &[u8]) -> io::Result<Outcome> {
        let item = Put {
            key,
            body: Body::Bytes(bytes),
            class: one_key_class(key),
            header: None,
        };
        self.runtime.block_on(|| async move {
            let held = self.head(key).await?;
            self.put_one(&item, held.as_ref()).await
        })
    }

    fn put_blob(&self, key: &str, blob: &Path) -> io::Result<Outcome> {
        let item = Put {
            key,
            body: Body::Blob(blob),
            class: one_key_class(key),
            header: None,
        };
        self.runtime.block_on(|| async move {
            let held = self.head(key).await?;
            self.put_one(&item, held.as_ref()).await
        })
    }

    fn remove(&self, key: &str) -> io::Result<bool> {
        let keys = [key.to_owned()];
        self.runtime.block_on(|| async {
            if self.head(key).await?.is_none() {
                return Ok(false);
            }
            self.delete_all(&keys).await?;
            Ok(true)
        })
    }

    fn list(&self, prefix: &str) -> io::Result<Vec<String>> {
        let prefixes = [prefix.to_owned()];
        let listing = self.runtime.block_on(|| self.list_all(&prefixes))?;
        Ok(listing.keys().map(str::to_owned).collect())
    }

    fn list_stamped(&self, scope: &[String]) -> io::Result<Listing> {
        // A listing by prefix, then exact entries keep only their key.
        let mut listing = self.runtime.block_on(|| self.list_all(scope))?;
        listing.retain(|key| scope.iter().any(|entry| super::super::in_scope(entry, key)));
        Ok(listing)
    }

    fn put_many(&self, batch: &[Put<'_>], listed: &Listing) -> io::Result<Vec<Outcome>> {
        let before = self.requests().puts;
        let outcomes = self.runtime.block_on(|| self.put_all(batch, listed))?;
        tracing::debug!(
            batch = batch.len(),
            uploaded = self.requests().puts - before,
            "S3 batch written"
        );
        Ok(outcomes)
    }

    fn remove_many(&self, keys: &[String]) -> io::Result<Vec<bool>> {
        self.runtime.block_on(|| self.delete_all(keys))
    }
}

/// The batch's indices in two phases: first the keys no other key of the batch lies below,
/// then the ones that are also a folder (`hello/releases` when `hello/releases/latest` is in
/// the batch).
///
/// S3 does not care, but stores that keep objects as files (SeaweedFS) can turn a folder
/// into a plain file when `hello/releases` is written while `hello/releases/latest` is being
/// created, after which every key below it is missing from listings: never found unchanged,
/// never removed. Writing the two apart avoids the race.
fn write_order(batch: &[Put<'_>]) -> [Vec<usize>; 2] {
    let keys: BTreeSet<&str> = batch.iter().map(|item| item.key).collect();
    let is_folder = |key: &str| {
        let folder = format!("{key}/");
        keys.range(folder.as_str()..)
            .next()
            .is_some_and(|below| below.starts_with(&folder))
    };
    let (folders, leaves): (Vec<usize>, Vec<usize>) =
        (0..batch.len()).partition(|&index| is_folder(batch[index].key));
    [leaves, folders]
}

/// The MD5 of an ETag that is one (`"…"` around 32 hex digits); a multipart upload's tag
/// (`…-3`) is not a digest of the content.
fn etag_md5(etag: &str) -> Option<String> {
    let tag = etag.trim_start_matches("W/").trim_matches('"');
    (tag.len() == 32 && tag.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| tag.to_ascii_lowercase())
}

/// The size and MD5 of a file, read in pieces.
fn md5_of_file(path: &Path) -> io::Result<(u64, [u8; 16])> {
    let mut file = File::open(path)?;
    let mut hasher = Md5::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut size = 0u64;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            return Ok((size, hasher.finalize().into()));
        }
        size += n as u64;
        hasher.update(&buf[..n]);
    }
}

/// Whether a HEAD found nothing: modeled as `NotFound`, or a bare 404 (a HEAD answer has
/// no body to name the error).
fn is_not_found(error: &SdkError<HeadObjectError, HttpResponse>) -> bool {
    error
        .as_service_error()
        .is_some_and(HeadObjectError::is_not_found)
        || error
            .raw_response()
            .is_some_and(|response| response.status().as_u16() == 404)
}

/// An SDK error as an I/O error naming the operation and key, with the SDK's whole chain.
fn failed<E>(operation: &str, key: &str, error: E) -> io::Error
where
    E: std::error::Error + Send + Sync + 'static,
{
    io::Error::other(format!(
        "S3 {operation} of {key:?} failed: {}",
        DisplayErrorContext(&error)
    ))
}

/// The class of a file stored one key at a time, outside the writer's batches (which carry
/// each file's planned class): typed by its extension and revalidated.
fn one_key_class(key: &str) -> Class {
    Class::revalidate(Kind::by_extension(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_are_written_after_what_lies_below_them() {
        let put = |key| Put {
            key,
            body: Body::Bytes(b""),
            class: one_key_class(key),
            header: None,
        };
        let batch = [
            put("hello/releases"),
            put("hello/releases/latest"),
            put("hello/releases.json"),
            put("v3/packages/hello/release"),
            put("hello/zipball/1.0.0"),
            put("v3/packages/hello/release/tags/1.0.0"),
        ];
        assert_eq!(write_order(&batch), [vec![1, 2, 4, 5], vec![0, 3]]);
    }

    #[test]
    fn etags_that_are_digests() {
        assert_eq!(
            etag_md5("\"D41D8CD98F00B204E9800998ECF8427E\"").as_deref(),
            Some("d41d8cd98f00b204e9800998ecf8427e")
        );
        assert_eq!(etag_md5("\"d41d8cd98f00b204e9800998ecf8427e-2\""), None);
        assert_eq!(etag_md5(""), None);
    }

    #[test]
    fn file_digests_match_byte_digests() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("blob");
        let bytes: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &bytes).expect("write");
        let (size, md5) = md5_of_file(&path).expect("digest");
        assert_eq!(size, bytes.len() as u64);
        assert_eq!(md5, <[u8; 16]>::from(Md5::digest(&bytes)));
    }
}
