//! The protocols Shelf serves, registered in one place: adding one is adding its folder
//! under `src/` and its lines here.

use std::path::Path;

use crate::{
    index::IndexError,
    npm, oci,
    output::{RegistryPaths, Rules},
    serverless,
    site::protocol::{PackageId, Protocol},
};

/// Every protocol, in the order their packages are planned.
pub static ALL: &[&dyn Protocol] = &[&serverless::SERVERLESS, &npm::NPM, &oci::OCI];

/// The package whose index file is `rel`, whichever protocol's it is.
#[must_use]
pub fn package_of(rel: &str) -> Option<PackageId> {
    ALL.iter().find_map(|protocol| {
        protocol.package_of(rel).map(|canonical| PackageId {
            protocol: protocol.name(),
            canonical,
        })
    })
}

/// Every protocol with the canonical names of its packages, and how many packages that is
/// in all (a build's or a check's total, for its progress).
pub type Listed = (Vec<(&'static dyn Protocol, Vec<String>)>, u64);

/// Every protocol's packages in the index at `root` ([`Listed`]).
///
/// # Errors
/// The index cannot be listed.
pub fn packages(root: &Path) -> Result<Listed, IndexError> {
    let mut lists = Vec::with_capacity(ALL.len());
    for protocol in ALL {
        lists.push((*protocol, protocol.packages(root)?));
    }
    let total = lists.iter().map(|(_, names)| names.len() as u64).sum();
    Ok((lists, total))
}

/// The protocol named `name`.
#[must_use]
pub fn named(name: &str) -> Option<&'static dyn Protocol> {
    ALL.iter().copied().find(|p| p.name() == name)
}

/// What every path of the site is: each protocol's rules (npm's and OCI's first: their paths
/// start with `npm/` and `v2/`, where the Serverless rules would see a package of that
/// name), then the registry-wide ones.
pub static RULES: Rules = Rules::new(&[
    &npm::paths::PATHS,
    &oci::paths::PATHS,
    &serverless::paths::PATHS,
    &RegistryPaths,
]);
