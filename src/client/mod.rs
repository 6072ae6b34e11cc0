//! The author's side of the registry: packing a folder, remembering credentials, and calling
//! the write API (`login`, `releases`, the upload, `tokens`, `keys`) over HTTP.
//!
//! A publish runs through it in order: [`pack`] turns a folder into a deterministic zip,
//! [`crate::serverless::package::archive::inspect`] checks it with the server's own rules, [`auth`]
//! picks the credentials from flags, the environment and the [`credentials`] file, and
//! [`RegistryClient`] announces the release and streams the zip, signing it when a key is
//! used ([`crate::auth::signature`], the code the server verifies with). The network sits
//! behind [`Transport`], so all of this runs in tests without a server.
//!
//! This module never touches the registry's own data (index, blobs, site, database): it only
//! talks to a registry the way any other client would.

pub mod auth;
pub mod bodies;
pub mod credentials;
pub mod env;
pub mod pack;
pub mod registry;
pub mod transport;

pub use auth::Auth;
pub use credentials::{Credentials, CredentialsFile, RegistryCredentials, Secret};
pub use registry::{ClientError, RegistryClient, RegistryUrl};
pub use transport::{HttpTransport, Transport};
