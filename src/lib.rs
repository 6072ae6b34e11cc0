//! Shelf: a static-first package registry, one core and several protocols.
//!
//! A publish, whatever the protocol, runs one way: the protocol checks the upload → the
//! content-addressed [`blob`] store keeps its archive → the protocol's record is committed to
//! the git-backed [`index`] → the protocol plans its package's files and [`site`] the
//! registry-wide ones → the one writer in [`output`] puts them on a directory or a bucket.
//! [`registry`] walks that path on one writer thread and plans no package format's files
//! (its error type and options still carry the Serverless zip checks' errors and limits);
//! [`history`] derives the change feed and the `git clone` copy from the index's history.
//! [`api`] serves the HTTP API every protocol shares (accounts, tokens, keys and signed
//! requests ([`auth`], [`db`]), rate limits, the static files) and [`cli`] drives everything from the command
//! line (its settings also from a `shelf.toml`, [`cli::config`]); [`client`], [`mirror`] and
//! [`watch`] are the author's side, a follower's copy and editing the index by git. Long work
//! tells [`progress`] how far it is; the command line draws it, the server does not. Files
//! the index and the site replace are freed on a thread of their own ([`reap`]).
//!
//! **The seam.** A protocol is one folder: [`serverless`] (the Serverless Devs packages, the
//! first), [`npm`] and [`oci`] (container images and artifacts). Each owns how an upload is checked, its records in the index (under
//! its own paths), the files its clients read and what they are ([`site::protocol::Protocol`],
//! [`output::PathRules`]: a path's type and cache class, and, for a file whose type is its
//! content's (an OCI manifest), the key and stored header an object store keeps it with),
//! its changes on the writer (`ops.rs`) and its HTTP routes (`api/`). What every protocol
//! shares besides: the blob store's upload sessions and garbage collection
//! ([`registry::gc`], which marks what each protocol's records name).
//! Its model (checks, record, documents, plan) uses only the core below the registry; its
//! operations and routes sit with the API at the top. Registering one is its lines in
//! [`protocols`] and its routes' line in the API's router. Layers point one way: `blob`,
//! `index`, `db`, `auth` and `output` name no protocol, `site` and `history` name them only
//! through [`protocols`], and no protocol names another.

pub mod api;
pub mod auth;
pub mod blob;
pub mod cli;
pub mod client;
pub mod clock;
pub mod config;
pub mod db;
pub mod history;
pub mod index;
pub mod mirror;
pub mod npm;
pub mod oci;
pub mod output;
pub mod progress;
pub mod protocols;
pub mod reap;
pub mod registry;
pub mod serverless;
pub mod site;
pub mod spelling;
pub mod text;
pub mod watch;
