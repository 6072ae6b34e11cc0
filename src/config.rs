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
