//! What a package is: its name, its version, its `publish.yaml` and the zip that carries them.
//!
//! Everything here is pure: values and `Read + Seek` in, checked values or a typed error out.
//! Nothing in this module touches the index, the blob store or the site.

pub mod archive;
pub mod manifest;
pub mod name;
pub mod testing;
pub mod version;

pub use manifest::{Manifest, ManifestError, PackageType};
pub use name::{NameError, PackageName};
pub use version::{Version, VersionError};
