//! `shelf gc`: delete the blobs no index line names any more, older than a grace period,
//! and what crashes and abandoned uploads left in the blob store ([`crate::registry::gc`]).
//! `shelf serve --gc-every` runs the same collection on the server's writer.

use std::time::Duration;

use super::progress::{Shown, Style};
use crate::registry::{Options, Registry};

/// The default grace period: a push that has uploaded its blobs has a day to put its
/// manifest.
pub const DEFAULT_GRACE: &str = "24h";

/// Arguments of `shelf gc`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Say what would be deleted; delete nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Keep unreferenced blobs stored or used less than this long ago (`90s`, `15m`, `24h`,
    /// `7d`).
    #[arg(long, value_name = "DURATION", default_value = DEFAULT_GRACE, value_parser = duration)]
    pub grace: Duration,
}

/// Reads `90`, `90s`, `15m`, `24h` or `7d`.
///
/// # Errors
/// A text that is none of these.
pub fn duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, unit) = match text.find(|c: char| !c.is_ascii_digit()) {
        Some(at) => text.split_at(at),
        None => (text, "s"),
    };
    let n: u64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a duration like 90s, 15m, 24h or 7d"))?;
    let seconds = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(format!("{text:?}: the unit is one of s, m, h, d")),
    };
    Ok(Duration::from_secs(n.saturating_mul(seconds)))
}

/// Runs `shelf gc`.
///
/// # Errors
/// The registry cannot be opened, a record cannot be read, I/O errors.
pub fn run(options: &Options, args: &Args, style: Style) -> anyhow::Result<()> {
    let mut registry = Registry::open(options)?;
    let shown = Shown::new(style, "gc");
    registry.set_progress(shown.clone());
    let report = registry.gc(args.grace, args.dry_run);
    shown.finish();
    let report = report?;
    let verb = if args.dry_run {
        "would delete"
    } else {
        "deleted"
    };
    for (sha256, size) in &report.deleted {
        println!("{verb} blob {sha256} ({size} bytes)");
    }
    println!(
        "{} blobs referenced, {} unreferenced but younger than {}s kept; {verb} {} blobs \
         ({} bytes) and {} leftover files",
        report.referenced,
        report.fresh,
        args.grace.as_secs(),
        report.deleted.len(),
        report.bytes(),
        report.leftovers
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(duration("90"), Ok(Duration::from_secs(90)));
        assert_eq!(duration("15m"), Ok(Duration::from_secs(900)));
        assert_eq!(duration("24h"), Ok(Duration::from_secs(86_400)));
        assert_eq!(duration("7d"), Ok(Duration::from_secs(604_800)));
        assert!(duration("1w").is_err());
        assert!(duration("h").is_err());
    }
}
