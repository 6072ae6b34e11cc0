//! The OCI protocol: container images and artifacts pushed through the API (`/v2/`), pulled
//! from static files.
//!
//! The model, below the registry: [`name`] is the spec's grammar of repositories, tags and
//! digests; [`manifest`] reads a pushed manifest (its media type, the blobs and manifests it
//! names, its subject); [`record`] is a repository's file in the index (under `oci/`);
//! [`plan`] makes the files a puller reads (manifests by tag and digest, blobs, tag list,
//! referrers) and the repository's page; [`paths`] says what those files are, including the
//! media type and digest a static host must send with a manifest; [`protocol`] is the
//! registry's view of all that. Blobs and manifests are blobs of the one content-addressed
//! store, whatever repository or protocol they came through.
//!
//! Above the registry: [`ops`] are OCI's changes (put a manifest, delete one, delete a tag)
//! on the one writer, and [`api`] the routes under `/v2/`: the token endpoint, blob
//! uploads, manifests, and the reads `shelf serve` answers from the generated files.

pub mod api;
pub mod manifest;
pub mod name;
pub mod ops;
pub mod paths;
pub mod plan;
pub mod protocol;
pub mod record;

pub use protocol::{NAME, OCI};
