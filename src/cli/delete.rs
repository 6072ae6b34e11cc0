//! `shelf delete NAME [VERSION]`.

use crate::{
    clock,
    registry::{Options, Registry},
};

/// Arguments of `shelf delete`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Package name.
    pub name: String,
    /// Version to delete; without it, every version of the package.
    #[arg(id = "package_version", value_name = "VERSION")]
    pub version: Option<String>,
    /// Account name recorded as the author of the change.
    #[arg(long)]
    pub publisher: Option<String>,
}

/// Runs `shelf delete`.
///
/// # Errors
/// Unknown package or version, failed writes.
pub fn run(options: &Options, args: &Args) -> anyhow::Result<()> {
    let mut registry = Registry::open(options)?;
    let actor = super::local_publisher(args.publisher.as_deref());
    let stats = registry.delete(&args.name, args.version.as_deref(), &actor, clock::now())?;
    let what = args
        .version
        .as_ref()
        .map_or_else(|| args.name.clone(), |v| format!("{}@{v}", args.name));
    println!("Deleted {what} ({} files removed)", stats.removed.len());
    Ok(())
}
