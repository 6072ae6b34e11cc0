//! `shelf watch`: regenerate the site when the index, templates or assets change on disk.

use std::{io::Write as _, time::Duration};

use crate::{registry::Options, watch};

/// Arguments of `shelf watch`. The index is `DATA/index`; `--templates` and `--assets` (global
/// flags) are watched too when given.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// How long the files must stay quiet before a batch of changes is applied, in
    /// milliseconds (a `git pull` writes many files; they are rebuilt once).
    #[arg(long, default_value_t = 300)]
    pub debounce_ms: u64,
}

/// Runs `shelf watch` until interrupted. Each rebuild is reported on stdout; each failure
/// (an invalid index line: which file, which line) on stderr, and the watch goes on with
/// the published files left as they were.
///
/// # Errors
/// The registry cannot be opened or the folders cannot be watched.
pub fn run(options: &Options, args: &Args) -> anyhow::Result<()> {
    watch::run(
        options,
        Duration::from_millis(args.debounce_ms),
        |roots| {
            let mut folders = vec![roots.index.display().to_string()];
            folders.extend(
                [&roots.templates, &roots.assets]
                    .into_iter()
                    .flatten()
                    .map(|p| p.display().to_string()),
            );
            println!("Watching {}", folders.join(", "));
            let _ = std::io::stdout().flush();
        },
        |report| {
            // The commit tells a reader which state of the index the site now shows.
            let at = report
                .head
                .as_deref()
                .map(|head| format!(" (index at {head})"))
                .unwrap_or_default();
            for line in &report.done {
                println!("{line}{at}");
            }
            for line in &report.failed {
                eprintln!("error: {line}");
            }
            // Piped output is block-buffered; whoever reads the log sees each batch at once.
            let _ = std::io::stdout().flush();
        },
    )
}
