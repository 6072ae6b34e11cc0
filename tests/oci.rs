//! The OCI protocol with real clients (`skopeo`, the oras SDK) against `shelf serve` and
//! against the generated files behind nginx with no Shelf process in the read path, and
//! the API's refusals.

mod common;
#[path = "oci/gc.rs"]
mod gc;
#[path = "oci/oras.rs"]
mod oras;
#[path = "oci/refusals.rs"]
mod refusals;
#[path = "oci/skopeo.rs"]
mod skopeo;
