//! The OCI protocol with real clients (`skopeo`, the oras SDK) against `shelf serve` and
//! against the generated files behind nginx with no Shelf process in the read path, and
//! the API's refusals, and the distribution spec's own conformance suites.

mod common;
#[path = "oci/conformance.rs"]
mod conformance;
#[path = "oci/gc.rs"]
mod gc;
#[path = "oci/oras.rs"]
mod oras;
#[path = "oci/refusals.rs"]
mod refusals;
#[path = "oci/skopeo.rs"]
mod skopeo;
#[path = "oci/uploads.rs"]
mod uploads;
