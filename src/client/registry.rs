//! The registry's write API from the author's side: one method per endpoint, each adding the
//! credentials ([`Auth`]) and turning the answer into a typed value or a [`ClientError`]
//! that names the problem.

use std::{
    fmt,
    io::{self, Read, Seek, SeekFrom},
    time::{SystemTime, UNIX_EPOCH},
};

use serde::{Serialize, de::DeserializeOwned};
use sha2::{Digest as _, Sha256};

use super::{
    auth::Auth,
    bodies::{
        CreatedKey, CreatedToken, ErrorAnswer, LoginAnswer, LoginRequest, NewKey, NewRelease,
        NewToken, Release, Uploaded,
    },
    transport::{Answer, Body, Method, Request, Transport, TransportError},
};
use crate::auth::signature::{
    HEADER_KEY, HEADER_NONCE, HEADER_SIGNATURE, HEADER_TIMESTAMP, Signer,
};

/// A registry's base URL: `http` or `https`, a host, no query, no trailing slash. This is
/// also the key of its entry in the credentials file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RegistryUrl(String);

/// Why a registry URL was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum UrlError {
    #[error("registry URL {0:?} must start with http:// or https://")]
    Scheme(String),
    #[error("registry URL {0:?} has no host")]
    NoHost(String),
    #[error("registry URL {0:?} must not have a query, a fragment or credentials")]
    Extra(String),
}

impl RegistryUrl {
    /// Checks and normalises a registry URL: trailing slashes are dropped, so
    /// `https://r.example/` and `https://r.example` are one registry.
    ///
    /// # Errors
    /// [`UrlError`] naming what is wrong.
    pub fn parse(raw: &str) -> Result<Self, UrlError> {
        let raw = raw.trim();
        let rest = raw
            .strip_prefix("https://")
            .or_else(|| raw.strip_prefix("http://"))
            .ok_or_else(|| UrlError::Scheme(raw.to_owned()))?;
        // `user:pass@host` would put a password in the credentials file's keys and in
        // every message that names the registry.
        if rest.contains(['?', '#', '@']) {
            return Err(UrlError::Extra(raw.to_owned()));
        }
        if rest.split('/').next().is_none_or(str::is_empty) {
            return Err(UrlError::NoHost(raw.to_owned()));
        }
        Ok(RegistryUrl(raw.trim_end_matches('/').to_owned()))
    }

    /// The URL, without a trailing slash.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The URL of an endpoint; `path` starts with `/`.
    #[must_use]
    pub fn endpoint(&self, path: &str) -> String {
        format!("{}{path}", self.0)
    }

    fn is_https(&self) -> bool {
        self.0.starts_with("https://")
    }
}

impl fmt::Display for RegistryUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The path of an absolute URL, without query or fragment: what a signature covers.
/// `https://h:8080/upload/3f?x=1` gives `/upload/3f`; a URL with no path gives `/`.
#[must_use]
pub fn url_path(url: &str) -> &str {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = after_scheme
        .find('/')
        .map_or("/", |start| &after_scheme[start..]);
    let end = path.find(['?', '#']).unwrap_or(path.len());
    &path[..end]
}

/// Why a request to the registry failed. Messages never include credentials.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// No answer: DNS, refused connection, TLS, or the connection broke while sending.
    #[error("request {method} {url} failed")]
    Connection {
        method: &'static str,
        url: String,
        #[source]
        source: TransportError,
    },
    /// The registry answered with an error status; `message` is its `error` text, or a
    /// description of the answer when it was not the registry's JSON error shape.
    #[error("{url} answered {status}: {message}")]
    Status {
        url: String,
        status: Status,
        message: String,
    },
    /// A success status with a body that is not the expected document.
    #[error("{url} answered {status} with a body that is not the expected JSON")]
    UnexpectedAnswer {
        url: String,
        status: Status,
        #[source]
        source: serde_json::Error,
    },
    /// The zip could not be read while signing or hashing it.
    #[error("cannot read the zip")]
    Read(#[source] io::Error),
    /// A nonce could not be drawn.
    #[error("cannot draw a random nonce")]
    Random(#[source] getrandom::Error),
    /// The upload URL would send credentials in clear to an https registry's files.
    #[error(
        "the registry gave the plain-http upload URL {url}; refusing to send credentials unencrypted"
    )]
    InsecureUpload { url: String },
    /// The registry stored different bytes than were sent.
    #[error("the registry stored a zip with sha256 {stored}, but the zip sent has sha256 {sent}")]
    DigestMismatch { sent: String, stored: String },
}

impl ClientError {
    /// The HTTP status of an error answer, if the registry answered.
    #[must_use]
    pub fn status(&self) -> Option<u16> {
        match self {
            ClientError::Status { status, .. } | ClientError::UnexpectedAnswer { status, .. } => {
                Some(status.0)
            }
            _ => None,
        }
    }
}

/// An HTTP status, shown with its reason phrase (`403 Forbidden`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Status(pub u16);

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let reason = ureq::http::StatusCode::from_u16(self.0)
            .ok()
            .and_then(|s| s.canonical_reason());
        match reason {
            Some(reason) => write!(f, "{} {reason}", self.0),
            None => write!(f, "{}", self.0),
        }
    }
}

/// Size of the pieces a zip is read in, to sign it and to send it.
const CHUNK: usize = 64 * 1024;

/// A client of one registry, with one set of credentials.
pub struct RegistryClient<T> {
    registry: RegistryUrl,
    auth: Auth,
    transport: T,
}

impl<T: Transport> RegistryClient<T> {
    /// A client of `registry` sending `auth` through `transport`.
    #[must_use]
    pub fn new(registry: RegistryUrl, auth: Auth, transport: T) -> Self {
        RegistryClient {
            registry,
            auth,
            transport,
        }
    }

    /// The registry.
    #[must_use]
    pub fn registry(&self) -> &RegistryUrl {
        &self.registry
    }

    /// `POST /login`. Sent without credentials, whatever the client holds.
    ///
    /// # Errors
    /// [`ClientError`]; wrong credentials are a [`ClientError::Status`] with the server's
    /// message.
    pub fn login(&self, username: &str, password: &str) -> Result<LoginAnswer, ClientError> {
        let body = LoginRequest { username, password };
        self.post_json("/login", &body, &Auth::Anonymous)
    }

    /// `POST /releases`: announces a version and gets its upload URL.
    ///
    /// # Errors
    /// [`ClientError`].
    pub fn create_release(&self, release: &NewRelease) -> Result<Release, ClientError> {
        self.post_json("/releases", release, &self.auth)
    }

    /// `POST /tokens`.
    ///
    /// # Errors
    /// [`ClientError`].
    pub fn create_token(&self, token: &NewToken) -> Result<CreatedToken, ClientError> {
        self.post_json("/tokens", token, &self.auth)
    }

    /// `POST /keys`.
    ///
    /// # Errors
    /// [`ClientError`].
    pub fn create_key(&self, key: &NewKey) -> Result<CreatedKey, ClientError> {
        self.post_json("/keys", key, &self.auth)
    }

    /// `PUT {upload_url}` with the zip, streamed from `zip` (read from its start; never held
    /// in memory). A signed upload reads the zip twice: once to sign it, once to send it.
    /// `progress` is told the number of bytes sent so far. The SHA-256 of what was sent is
    /// checked against the one the registry reports.
    ///
    /// # Errors
    /// [`ClientError`].
    pub fn upload<R: Read + Seek>(
        &self,
        upload_url: &str,
        zip: &mut R,
        progress: &mut dyn FnMut(u64),
    ) -> Result<Uploaded, ClientError> {
        if self.registry.is_https() && !upload_url.starts_with("https://") {
            return Err(ClientError::InsecureUpload {
                url: upload_url.to_owned(),
            });
        }
        let length = zip.seek(SeekFrom::End(0)).map_err(ClientError::Read)?;
        zip.seek(SeekFrom::Start(0)).map_err(ClientError::Read)?;
        let mut headers = credentials(Method::Put, upload_url, &self.auth, |signer| {
            feed(zip, |chunk| signer.update(chunk))
        })?;
        zip.seek(SeekFrom::Start(0)).map_err(ClientError::Read)?;
        headers.push(("content-type", "application/zip".to_owned()));
        headers.push(("accept", "application/json".to_owned()));

        let mut sending = Hashing {
            inner: zip.take(length),
            hasher: Sha256::new(),
            sent: 0,
            progress,
        };
        let answer = self
            .transport
            .send(Request {
                method: Method::Put,
                url: upload_url,
                headers,
                body: Body::Stream {
                    reader: &mut sending,
                    length,
                },
            })
            .map_err(|source| ClientError::Connection {
                method: Method::Put.as_str(),
                url: upload_url.to_owned(),
                source,
            })?;
        let sent = hex::encode(sending.hasher.finalize());
        let uploaded: Uploaded = decode(upload_url, &answer)?;
        if !uploaded.sha256.eq_ignore_ascii_case(&sent) {
            return Err(ClientError::DigestMismatch {
                sent,
                stored: uploaded.sha256,
            });
        }
        Ok(uploaded)
    }

    fn post_json<Q: Serialize, A: DeserializeOwned>(
        &self,
        path: &str,
        body: &Q,
        auth: &Auth,
    ) -> Result<A, ClientError> {
        let url = self.registry.endpoint(path);
        // Serialising plain structs and maps of JSON values cannot fail.
        let bytes = serde_json::to_vec(body).unwrap_or_default();
        let mut headers = credentials(Method::Post, &url, auth, |signer| {
            signer.update(&bytes);
            Ok(())
        })?;
        headers.push(("content-type", "application/json".to_owned()));
        headers.push(("accept", "application/json".to_owned()));
        let answer = self
            .transport
            .send(Request {
                method: Method::Post,
                url: &url,
                headers,
                body: Body::Bytes(&bytes),
            })
            .map_err(|source| ClientError::Connection {
                method: Method::Post.as_str(),
                url: url.clone(),
                source,
            })?;
        decode(&url, &answer)
    }
}

/// The headers that carry `auth` for a request; `body` feeds the request's body to the
/// signer when the request is signed (and is not called otherwise).
fn credentials(
    method: Method,
    url: &str,
    auth: &Auth,
    body: impl FnOnce(&mut Signer) -> Result<(), ClientError>,
) -> Result<Vec<(&'static str, String)>, ClientError> {
    Ok(match auth {
        Auth::Anonymous => Vec::new(),
        Auth::Token(token) => vec![("authorization", format!("Bearer {}", token.expose()))],
        Auth::Key { id, secret } => {
            let timestamp = unix_seconds().to_string();
            let nonce = nonce()?;
            let mut signer = Signer::new(
                secret.expose().as_bytes(),
                method.as_str(),
                url_path(url),
                &timestamp,
                &nonce,
            );
            body(&mut signer)?;
            vec![
                (HEADER_KEY, id.clone()),
                (HEADER_TIMESTAMP, timestamp),
                (HEADER_NONCE, nonce),
                (HEADER_SIGNATURE, signer.finish()),
            ]
        }
    })
}

/// The typed body of a 2xx answer, or the error the answer describes.
fn decode<A: DeserializeOwned>(url: &str, answer: &Answer) -> Result<A, ClientError> {
    let status = Status(answer.status);
    if (200..300).contains(&answer.status) {
        return serde_json::from_slice(&answer.body).map_err(|source| {
            ClientError::UnexpectedAnswer {
                url: url.to_owned(),
                status,
                source,
            }
        });
    }
    let message = match serde_json::from_slice::<ErrorAnswer>(&answer.body) {
        Ok(error) => error.error,
        Err(_) => match (&answer.location, answer.status) {
            (Some(location), 300..400) => format!(
                "a redirect to {location}, which is not followed; give the registry's final \
                 URL with --registry"
            ),
            _ => describe_body(&answer.body),
        },
    };
    Err(ClientError::Status {
        url: url.to_owned(),
        status,
        message,
    })
}

/// A short description of a body that is not the registry's error shape (a proxy's HTML
/// page, say): its first line of text, cut to 200 characters.
fn describe_body(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let first = text.lines().map(str::trim).find(|l| !l.is_empty());
    match first {
        None => "no error message (is this URL a Shelf registry?)".to_owned(),
        Some(line) => {
            let cut: String = line.chars().take(200).collect();
            format!("not a registry error answer: {cut:?}")
        }
    }
}

/// Reads `reader` to its end in pieces, handing each to `each`.
fn feed(reader: &mut impl Read, mut each: impl FnMut(&[u8])) -> Result<(), ClientError> {
    let mut buffer = vec![0; CHUNK];
    loop {
        match reader.read(&mut buffer) {
            Ok(0) => return Ok(()),
            Ok(n) => each(&buffer[..n]),
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => return Err(ClientError::Read(error)),
        }
    }
}

/// The upload body: hashes what is sent and reports progress.
struct Hashing<'a, R> {
    inner: R,
    hasher: Sha256,
    sent: u64,
    progress: &'a mut dyn FnMut(u64),
}

impl<R: Read> Read for Hashing<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.sent += n as u64;
        (self.progress)(self.sent);
        Ok(n)
    }
}

fn unix_seconds() -> u64 {
    // A clock before 1970 is a broken clock; the server will say the timestamp is off.
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// 128 random bits as 32 hex characters.
fn nonce() -> Result<String, ClientError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(ClientError::Random)?;
    Ok(hex::encode(bytes))
}
