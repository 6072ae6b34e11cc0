//! Property checks for Shelf's parsers of untrusted input, one module per fuzz target.
//!
//! Each `check` takes the fuzzer's raw bytes and panics when a property fails; returning
//! normally means the input was handled correctly, whether it was accepted or refused. The
//! main crate's `tests/fuzz_regressions.rs` includes these modules by path and replays the
//! committed corpus through them, so the seeds and every fixed finding run on stable in CI.

pub mod index_line;
pub mod name_version;
pub mod publish_yaml;
pub mod signature_headers;
pub mod zip_archive;
