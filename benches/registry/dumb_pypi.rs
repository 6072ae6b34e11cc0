//! dumb-pypi, the peer of a full build: a static generator of a Python package index (one
//! page per package, a JSON document per package and a simple index) from a list of file
//! names, installed from PyPI into a virtual environment under `target/tmp` and run on the
//! same package names and versions as the synthetic registry, in the same run.

use std::{
    fs,
    path::{Path, PathBuf},
    process::Command,
};

use anyhow::{Context as _, bail, ensure};

use crate::{
    process::{Measured, run_measured},
    synth,
};

/// The version measured against, pinned (the peer).
pub const DUMB_PYPI: &str = "1.15.0";

/// dumb-pypi installed in `dir` (once; later runs find it there); its command.
fn install(dir: &Path) -> anyhow::Result<PathBuf> {
    let bin = dir.join("bin/dumb-pypi");
    let done = dir.join(format!("installed-{DUMB_PYPI}"));
    if done.exists() && bin.exists() {
        return Ok(bin);
    }
    eprintln!("installing dumb-pypi=={DUMB_PYPI} into {}", dir.display());
    let _ = fs::remove_dir_all(dir);
    let venv = Command::new("python3")
        .args(["-m", "venv"])
        .arg(dir)
        .output()
        .context("cannot run `python3 -m venv` (install python3 and python3-venv)")?;
    ensure!(
        venv.status.success(),
        "`python3 -m venv {}` failed (install python3-venv): {}",
        dir.display(),
        String::from_utf8_lossy(&venv.stderr)
    );
    let pip = Command::new(dir.join("bin/pip"))
        .args([
            "install",
            "--quiet",
            "--disable-pip-version-check",
            &format!("dumb-pypi=={DUMB_PYPI}"),
        ])
        .output()
        .context("cannot run the virtual environment's pip")?;
    if !pip.status.success() {
        bail!(
            "`pip install dumb-pypi=={DUMB_PYPI}` failed:\n{}",
            String::from_utf8_lossy(&pip.stderr)
        );
    }
    ensure!(bin.exists(), "pip left no {}", bin.display());
    fs::write(&done, "")?;
    Ok(bin)
}

/// Builds with dumb-pypi an index of `packages` × `versions` source distributions named as
/// the synthetic registry's packages and versions, into a fresh folder under `root`.
///
/// # Errors
/// Installing or running dumb-pypi.
pub fn build(root: &Path, packages: usize, versions: usize) -> anyhow::Result<Measured> {
    let bin = install(&root.join("dumb-pypi"))?;
    let work = root.join("dumb-pypi-work");
    crate::discard(root, &work)?;
    fs::create_dir_all(&work)?;
    let mut list = String::new();
    for p in 0..packages {
        let name = synth::package_name(p);
        for v in 0..versions {
            list.push_str(&format!("{name}-{}.tar.gz\n", synth::version(v)));
        }
    }
    let list_file = work.join("packages.txt");
    fs::write(&list_file, list)?;
    let measured = run_measured(
        Command::new(&bin)
            .arg("--package-list")
            .arg(&list_file)
            .args(["--packages-url", "https://files.example.com/packages/"])
            .arg("--output-dir")
            .arg(work.join("site")),
    )?;
    let pages = fs::read_dir(work.join("site/simple"))
        .context("dumb-pypi wrote no simple/ index")?
        .count();
    ensure!(
        pages >= packages,
        "dumb-pypi wrote {pages} simple pages for {packages} packages"
    );
    Ok(measured)
}
