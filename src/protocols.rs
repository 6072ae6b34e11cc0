//! The protocols Shelf serves, registered in one place: adding one is adding its folder
//! under `src/` and its lines here.

use crate::{
    output::{RegistryPaths, Rules},
    serverless,
};

/// What every path of the site is: each protocol's rules, then the registry-wide ones.
pub static RULES: Rules = Rules::new(&[&serverless::paths::PATHS, &RegistryPaths]);
