//! The network behind a small trait: [`HttpTransport`] (ureq) for real, anything else in
//! tests. A transport moves bytes; it knows nothing of JSON, credentials or the registry's
//! error shape, which [`super::RegistryClient`] handles above it.

use std::{io::Read, time::Duration};

/// A request method the registry's write API uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// `POST`.
    Post,
    /// `PUT`.
    Put,
}

impl Method {
    /// The method as sent, and as signed.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Post => "POST",
            Method::Put => "PUT",
        }
    }
}

/// A request body.
pub enum Body<'a> {
    /// Bytes held in memory (JSON documents).
    Bytes(&'a [u8]),
    /// A stream of exactly `length` bytes (a zip), sent with that `Content-Length`.
    Stream {
        /// The bytes.
        reader: &'a mut dyn Read,
        /// How many bytes `reader` yields.
        length: u64,
    },
}

/// One request. Deliberately not `Debug`: its headers may carry a bearer token.
pub struct Request<'a> {
    /// The method.
    pub method: Method,
    /// The absolute URL.
    pub url: &'a str,
    /// Header names (lowercase) and values, in order.
    pub headers: Vec<(&'static str, String)>,
    /// The body.
    pub body: Body<'a>,
}

/// The answer to a request, whatever its status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// HTTP status code.
    pub status: u16,
    /// The `Location` header, kept to explain redirects (which are never followed, so that
    /// credentials only go where the user pointed them).
    pub location: Option<String>,
    /// The body, at most [`MAX_ANSWER_BYTES`].
    pub body: Vec<u8>,
}

/// Largest answer body read. The registry's answers are small JSON documents; a larger one
/// is a misconfigured URL, and reading it would only waste memory.
pub const MAX_ANSWER_BYTES: u64 = 1 << 20;

/// Why no answer arrived: DNS, connection, TLS, timeout, or a body that could not be sent.
pub type TransportError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Sends requests.
pub trait Transport {
    /// Sends `request` and returns the answer, 4xx and 5xx included.
    ///
    /// # Errors
    /// When no answer arrived.
    fn send(&self, request: Request<'_>) -> Result<Answer, TransportError>;
}

/// The real network, through ureq (blocking, rustls).
#[derive(Debug, Clone)]
pub struct HttpTransport {
    agent: ureq::Agent,
}

/// How long connecting (TCP and TLS) may take. Nothing else has a timeout: an upload of a
/// large zip over a slow link legitimately takes minutes.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

impl HttpTransport {
    /// A transport that returns every status as an answer and follows no redirect.
    #[must_use]
    pub fn new() -> Self {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_connect(Some(CONNECT_TIMEOUT))
            .user_agent(concat!("shelf/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        HttpTransport { agent }
    }
}

impl Default for HttpTransport {
    fn default() -> Self {
        Self::new()
    }
}

impl Transport for HttpTransport {
    fn send(&self, request: Request<'_>) -> Result<Answer, TransportError> {
        let mut builder = match request.method {
            Method::Post => self.agent.post(request.url),
            Method::Put => self.agent.put(request.url),
        };
        for (name, value) in request.headers {
            builder = builder.header(name, value);
        }
        let response = match request.body {
            Body::Bytes(bytes) => builder.send(bytes)?,
            Body::Stream { reader, length } => builder
                .header("content-length", length.to_string())
                // The server can refuse (bad credentials, too large, version taken) before
                // any of the zip is sent, and its answer is then read instead of a broken
                // pipe halfway through the upload.
                .header("expect", "100-continue")
                .send(ureq::SendBody::from_reader(reader))?,
        };
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = response
            .into_body()
            .into_with_config()
            .limit(MAX_ANSWER_BYTES)
            .read_to_vec()?;
        Ok(Answer {
            status,
            location,
            body,
        })
    }
}
