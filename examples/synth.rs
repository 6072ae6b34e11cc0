//! Writes a synthetic registry for measurements: N packages × M versions with realistic
//! metadata, readmes and zips, straight into a data directory's index (one commit per
//! version) and blob store. Then `shelf --data DIR build` measures a full build.
//! `cargo bench` makes and measures these registries itself; this is for measuring by hand.
//!
//! Usage: `cargo run --release --example synth -- DIR PACKAGES VERSIONS`

use std::{env, path::PathBuf, process::ExitCode};

#[path = "../benches/registry/synth.rs"]
#[allow(
    dead_code,
    reason = "the bench uses the naming helpers; this example only generates"
)]
mod synth;

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let [dir, packages, versions] = args.as_slice() else {
        eprintln!("usage: synth DIR PACKAGES VERSIONS");
        return ExitCode::FAILURE;
    };
    let (Ok(packages), Ok(versions)) = (packages.parse::<usize>(), versions.parse::<usize>())
    else {
        eprintln!("PACKAGES and VERSIONS are whole numbers");
        return ExitCode::FAILURE;
    };
    let dir = PathBuf::from(dir);
    match synth::generate(&dir, packages, versions) {
        Ok(()) => {
            println!(
                "wrote {packages} packages x {versions} versions to {}",
                dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
