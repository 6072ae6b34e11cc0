//! Issue 14, what an operator meets: the configuration file (`shelf.toml`, `shelf config`)
//! and progress on long work, through the real binary (a pseudo-terminal from `script`
//! for the progress bar).

mod common;
#[path = "operator/config.rs"]
mod config;
#[path = "operator/progress.rs"]
mod progress;
