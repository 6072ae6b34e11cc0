//! Reading the origin's files: a small trait, over HTTP for real and from memory in tests.

use std::{collections::BTreeMap, time::Duration};

use serde::{Deserialize, Serialize};

/// What the origin said about a file last time, to ask "has it changed?".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validators {
    /// The `ETag` it was served with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    /// The `Last-Modified` it was served with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
}

impl Validators {
    /// Whether there is anything to ask with.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.etag.is_none() && self.last_modified.is_none()
    }
}

/// The answer for one path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetched {
    /// The file (200), with what to ask next time.
    Body(Vec<u8>, Validators),
    /// Unchanged since the validators given (304).
    NotModified,
    /// No such file (404).
    NotFound,
}

/// Why a file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("GET {url} failed")]
    Transport {
        url: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    #[error("GET {url} answered {status}")]
    Status { url: String, status: u16 },
}

/// Where a mirror reads the origin's files from: paths relative to its base URL.
pub trait Fetch {
    /// Reads `path`, at most `limit` bytes, asking with `validators` whether it changed.
    ///
    /// # Errors
    /// Transport errors, a body over `limit`, and statuses other than 200, 304 and 404.
    fn get(
        &self,
        path: &str,
        validators: Option<&Validators>,
        limit: u64,
    ) -> Result<Fetched, FetchError>;
}

/// The origin over HTTP.
pub struct Http {
    agent: ureq::Agent,
    base: String,
}

impl Http {
    /// An HTTP origin at `base` (`http://host:port`, with or without a trailing slash).
    #[must_use]
    pub fn new(base: &str) -> Self {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(30)))
            .timeout_recv_response(Some(Duration::from_secs(60)))
            .timeout_per_read(Some(Duration::from_secs(60)))
            .user_agent(concat!("shelf-mirror/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Http {
            agent,
            base: base.trim_end_matches('/').to_owned(),
        }
    }
}

impl Fetch for Http {
    fn get(
        &self,
        path: &str,
        validators: Option<&Validators>,
        limit: u64,
    ) -> Result<Fetched, FetchError> {
        let url = format!("{}/{path}", self.base);
        let transport = |e: ureq::Error| FetchError::Transport {
            url: url.clone(),
            source: Box::new(e),
        };
        let mut request = self.agent.get(&url);
        if let Some(validators) = validators {
            if let Some(etag) = &validators.etag {
                request = request.header("If-None-Match", etag);
            }
            if let Some(modified) = &validators.last_modified {
                request = request.header("If-Modified-Since", modified);
            }
        }
        let mut response = request.call().map_err(transport)?;
        match response.status().as_u16() {
            200 => {
                let header = |name: &str| {
                    response
                        .headers()
                        .get(name)
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned)
                };
                let validators = Validators {
                    etag: header("etag"),
                    last_modified: header("last-modified"),
                };
                let body = response
                    .body_mut()
                    .with_config()
                    .limit(limit)
                    .read_to_vec()
                    .map_err(transport)?;
                Ok(Fetched::Body(body, validators))
            }
            304 => Ok(Fetched::NotModified),
            404 => Ok(Fetched::NotFound),
            status => Err(FetchError::Status { url, status }),
        }
    }
}

/// An origin in memory, for tests: paths to bytes, and every request it answered.
#[derive(Debug, Default)]
pub struct Canned {
    /// The files.
    pub files: BTreeMap<String, Vec<u8>>,
    /// The paths asked for, in order.
    pub requests: std::sync::Mutex<Vec<String>>,
}

impl Fetch for Canned {
    fn get(
        &self,
        path: &str,
        validators: Option<&Validators>,
        limit: u64,
    ) -> Result<Fetched, FetchError> {
        if let Ok(mut requests) = self.requests.lock() {
            requests.push(path.to_owned());
        }
        let Some(bytes) = self.files.get(path) else {
            return Ok(Fetched::NotFound);
        };
        // The content's hash is its ETag here: unchanged bytes answer 304.
        let etag = format!(
            "\"{}\"",
            hex::encode(<sha2::Sha256 as sha2::Digest>::digest(bytes))
        );
        if validators.and_then(|v| v.etag.as_deref()) == Some(etag.as_str()) {
            return Ok(Fetched::NotModified);
        }
        if bytes.len() as u64 > limit {
            return Err(FetchError::Status {
                url: path.to_owned(),
                status: 413,
            });
        }
        Ok(Fetched::Body(
            bytes.clone(),
            Validators {
                etag: Some(etag),
                last_modified: None,
            },
        ))
    }
}
