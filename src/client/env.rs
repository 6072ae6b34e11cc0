//! Names of the environment variables the author's commands read, in one place.
//!
//! Precedence everywhere is: credentials file < environment < flags.

/// Folder holding `credentials.json` (default `$HOME/.config/shelf`).
pub const ENV_CONFIG_DIR: &str = "SHELF_CONFIG_DIR";
/// Registry URL for `login`, `publish`, `token` and `key` when `--registry` is not given.
pub const ENV_REGISTRY: &str = "SHELF_REGISTRY";
/// A token to use instead of the stored one (CI: the output of `shelf token create`).
pub const ENV_TOKEN: &str = "SHELF_TOKEN";
/// The id of the API key `publish` signs with, when `--key-id` is not given.
pub const ENV_API_KEY: &str = "SHELF_API_KEY";
/// The secret of that API key, when it is not stored in the credentials file.
pub const ENV_API_SECRET: &str = "SHELF_API_SECRET";
/// Home folder, for the default configuration folder.
pub const ENV_HOME: &str = "HOME";
