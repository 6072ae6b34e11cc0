//! Placeholder for `shelf watch` (being written).

/// Arguments.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs the command.
///
/// # Errors
/// Always, until written.
pub fn run(_options: &crate::registry::Options, _args: &Args) -> anyhow::Result<()> {
    anyhow::bail!("not written yet")
}
