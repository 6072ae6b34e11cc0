//! `shelf check`: verify that the index, the blobs and the site agree; change nothing.

use std::time::Instant;

use super::progress::{Shown, Style};
use crate::registry::{Options, check};

/// Arguments of `shelf check`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print every problem, not only the first few of each kind.
    #[arg(long)]
    pub all: bool,
}

/// How many problems of one kind are printed without `--all`.
const SHOWN: usize = 20;

/// Runs `shelf check`: prints what is wrong and fails when anything is.
///
/// # Errors
/// Any problem found (after printing them all), or a check that cannot run.
pub fn run(options: &Options, args: &Args, style: Style) -> anyhow::Result<()> {
    let started = Instant::now();
    let shown = Shown::new(style, "check");
    let report = check::check(options, &(shown.clone() as crate::progress::Reporter));
    shown.finish();
    let report = report?;
    let limit = if args.all { usize::MAX } else { SHOWN };
    let sections = [
        ("index", &report.index),
        ("blob", &report.blobs),
        (
            "differs from the index (missing, torn or stale)",
            &report.differing,
        ),
        ("should not be in the site", &report.extra),
        ("cannot be built", &report.unbuildable),
    ];
    for (what, problems) in sections {
        for problem in problems.iter().take(limit) {
            println!("{what}: {problem}");
        }
        if problems.len() > limit {
            println!(
                "{what}: … and {} more (--all lists them)",
                problems.len() - limit
            );
        }
    }
    println!(
        "Checked {} in {:.2}s: {} site files match, {} differ, {} extra; {} blobs verified, {} bad; {} index problems",
        options.data.display(),
        started.elapsed().as_secs_f64(),
        report.matching,
        report.differing.len(),
        report.extra.len(),
        report.blobs_checked,
        report.blobs.len(),
        report.index.len()
    );
    anyhow::ensure!(
        report.is_clean(),
        "the registry is not consistent; `shelf build --verify` rewrites the site from the index \
         (index and blob problems need a person: see the lines above)"
    );
    Ok(())
}
