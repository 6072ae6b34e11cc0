//! Names and defaults of every setting, in one place.

/// Environment variable for the data directory.
pub const ENV_DATA: &str = "SHELF_DATA";
/// Environment variable for the public base URL.
pub const ENV_BASE_URL: &str = "SHELF_BASE_URL";
/// Environment variable for the listen address of `shelf serve`.
pub const ENV_LISTEN: &str = "SHELF_LISTEN";
/// Environment variable for the site output directory.
pub const ENV_OUT: &str = "SHELF_OUT";
/// Environment variable for the realm OCI clients get tokens from (`shelf serve
/// --token-realm`).
pub const ENV_TOKEN_REALM: &str = "SHELF_TOKEN_REALM";
/// Environment variable for the publisher name `shelf add` records.
pub const ENV_PUBLISHER: &str = "SHELF_PUBLISHER";
/// Environment variable that makes the tests of generated files (`doc/man`,
/// `doc/completions`) rewrite them instead of failing.
pub const ENV_BLESS: &str = "SHELF_BLESS";

/// Default data directory.
pub const DEFAULT_DATA: &str = "./data";
/// Default listen address; the default base URL matches it.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
/// Default public base URL.
pub const DEFAULT_BASE_URL: &str = "http://127.0.0.1:8080";
/// Default of `shelf serve --header-timeout`, in seconds: far more than any client on a
/// working network needs to send a request's headers.
pub const DEFAULT_HEADER_TIMEOUT_SECS: u64 = 10;
/// Default of `shelf serve --body-timeout`, in seconds: a request body or a response that
/// moves no byte for this long is given up on.
pub const DEFAULT_BODY_TIMEOUT_SECS: u64 = 30;
/// Default of `shelf serve --max-blob-bytes`: the largest blob an OCI client may upload.
pub const DEFAULT_MAX_BLOB_BYTES: u64 = 8 << 30;
/// Default of `shelf serve --max-tarball-bytes`: the largest npm tarball (as the zip limit).
pub const DEFAULT_MAX_TARBALL_BYTES: u64 = 64 << 20;

/// Environment variable naming the configuration file (`shelf --config`).
pub const ENV_CONFIG: &str = "SHELF_CONFIG";
/// The configuration file looked for in the data directory when none is named.
pub const CONFIG_FILE: &str = "shelf.toml";
/// Environment variable for the purge webhook's bearer token (`--purge-token`).
pub const ENV_PURGE_TOKEN: &str = "SHELF_PURGE_TOKEN";
/// Environment variable for `--target` (an object store the site is written to).
pub const ENV_TARGET: &str = "SHELF_TARGET";
/// Environment variable for `--s3-endpoint`.
pub const ENV_S3_ENDPOINT: &str = "SHELF_S3_ENDPOINT";
/// Environment variable for `--purge-url`.
pub const ENV_PURGE_URL: &str = "SHELF_PURGE_URL";
/// Environment variable for `--purge-command`.
pub const ENV_PURGE_COMMAND: &str = "SHELF_PURGE_COMMAND";
/// Environment variable for `--index-remote`.
pub const ENV_INDEX_REMOTE: &str = "SHELF_INDEX_REMOTE";
/// Environment variable holding the log filter (`SHELF_LOG=shelf=debug`).
pub const ENV_LOG: &str = "SHELF_LOG";
