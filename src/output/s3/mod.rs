//! The S3 target: the site as objects in a bucket (`--target s3://BUCKET/PREFIX`), for a
//! CDN or the bucket's own website endpoint to serve.
//!
//! Objects use the keys layout: `hello/releases` and `hello/releases/latest` are two
//! objects. Each carries the `Content-Type` and `Cache-Control` of its
//! [`crate::output::Class`], which the writer hands over with it. A write is skipped when the bucket already holds the
//! same bytes, decided against one listing of the scope (size and the MD5 that S3 reports
//! as the ETag of an object written in one PUT), so a rebuild of an unchanged site sends no
//! PUT. Uploads run concurrently, are retried by the SDK on transient failures, carry a
//! `Content-MD5` the store checks, and stream zips from the blob store.
//!
//! [`location`] parses the spec (pure); [`store`] talks to the bucket. Nothing here decides which files exist: that is the site plan's.

pub mod location;
pub mod store;

pub use location::{Location, LocationError};
pub use store::{Keys, Requests, S3Target};
