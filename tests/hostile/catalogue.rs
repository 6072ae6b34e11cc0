//! The catalogue: hostile requests, each with the exact status and the error fragment it
//! must be answered with. Built against a registry where alice owns `hello@1.0.0` and holds
//! an unused upload URL for `victim@1.0.0`; every zip below is aimed at that URL, so a
//! refusal that forgot to refuse would publish `victim` and show in the snapshot.

use shelf::api::testing::TestApp;

use crate::{credentials, requests, uploads};

/// What the catalogue needs to know about the registry.
pub struct Ctx {
    /// alice's login token.
    pub token: String,
    /// alice's API key: (id, secret).
    pub key: (String, String),
    /// The path of alice's upload URL for `victim@1.0.0`.
    pub upload: String,
}

/// How a body is sent.
pub enum Payload {
    /// In one piece, with its length known.
    Bytes(Vec<u8>),
    /// As a stream of chunks, with no length announced.
    Chunks(Vec<Vec<u8>>),
}

/// One hostile request and the answer it must get.
pub struct Case {
    /// What the case is, in failure messages.
    pub name: String,
    pub method: &'static str,
    /// Sent as is: percent-encodings stay encoded.
    pub path: String,
    /// Raw values, so that bytes a `&str` cannot hold reach the server.
    pub headers: Vec<(String, Vec<u8>)>,
    pub body: Payload,
    /// Sent twice; the second answer is the one checked (a replay).
    pub replay: bool,
    /// The exact status.
    pub status: u16,
    /// A fragment the `error` message must contain.
    pub error: String,
}

/// A case with no headers and no body; the builder methods add them.
pub fn case(name: impl Into<String>, method: &'static str, path: impl Into<String>) -> Case {
    Case {
        name: name.into(),
        method,
        path: path.into(),
        headers: Vec::new(),
        body: Payload::Bytes(Vec::new()),
        replay: false,
        status: 0,
        error: String::new(),
    }
}

impl Case {
    pub fn header(mut self, name: &str, value: impl Into<Vec<u8>>) -> Self {
        self.headers.push((name.to_owned(), value.into()));
        self
    }

    pub fn bearer(self, token: &str) -> Self {
        self.header("authorization", format!("Bearer {token}"))
    }

    pub fn body(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.body = Payload::Bytes(bytes.into());
        self
    }

    pub fn json(self, body: impl Into<Vec<u8>>) -> Self {
        self.header("content-type", "application/json").body(body)
    }

    pub fn expect(mut self, status: u16, error: impl Into<String>) -> Self {
        self.status = status;
        self.error = error.into();
        self
    }

    /// Drops the first `Authorization` header (the fixture's own bearer token).
    pub fn without_first_authorization(mut self) -> Self {
        if let Some(at) = self.headers.iter().position(|(k, _)| k == "authorization") {
            self.headers.remove(at);
        }
        self
    }
}

/// Every case, in the order they are sent.
pub fn all(t: &TestApp, ctx: &Ctx) -> Vec<Case> {
    let mut cases = Vec::new();
    cases.extend(requests::url_paths(ctx));
    cases.extend(requests::static_reads());
    cases.extend(requests::release_bodies(ctx));
    cases.extend(requests::content_types(ctx));
    cases.extend(requests::giant_json(ctx));
    cases.extend(uploads::manifests(ctx));
    cases.extend(uploads::zips(ctx));
    cases.extend(uploads::bombs(ctx));
    cases.extend(credentials::authorization(ctx));
    cases.extend(credentials::signatures(t, ctx));
    cases
}

/// A raw upload of `zip` to the victim's upload URL, as alice.
pub fn put_zip(ctx: &Ctx, name: impl Into<String>, zip: Vec<u8>) -> Case {
    case(name, "PUT", ctx.upload.clone())
        .bearer(&ctx.token)
        .header("content-type", "application/zip")
        .body(zip)
}
