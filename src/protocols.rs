//! The protocols Shelf serves, registered in one place: adding one is adding its folder
//! under `src/` and its lines here.

use crate::{
    output::{RegistryPaths, Rules},
    serverless,
    site::protocol::Protocol,
};

/// Every protocol, in the order their packages are planned.
pub static ALL: &[&dyn Protocol] = &[&serverless::SERVERLESS];

/// The protocol named `name`.
#[must_use]
pub fn named(name: &str) -> Option<&'static dyn Protocol> {
    ALL.iter().copied().find(|p| p.name() == name)
}

/// What every path of the site is: each protocol's rules, then the registry-wide ones.
pub static RULES: Rules = Rules::new(&[&serverless::paths::PATHS, &RegistryPaths]);
