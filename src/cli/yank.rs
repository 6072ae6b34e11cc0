//! `shelf yank NAME VERSION [--undo]`.

use crate::registry::{Options, Registry};

/// Arguments of `shelf yank`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Package name.
    pub name: String,
    /// Version to yank.
    #[arg(id = "package_version", value_name = "VERSION")]
    pub version: String,
    /// Un-yank instead.
    #[arg(long)]
    pub undo: bool,
    /// Account name recorded as the author of the change.
    #[arg(long)]
    pub publisher: Option<String>,
}

/// Runs `shelf yank`.
///
/// # Errors
/// Unknown package or version, failed writes.
pub fn run(options: &Options, args: &Args) -> anyhow::Result<()> {
    let mut registry = Registry::open(options)?;
    let actor = super::local_publisher(args.publisher.as_deref());
    let changed = registry.set_yanked(&args.name, &args.version, !args.undo, &actor)?;
    let state = if args.undo { "not yanked" } else { "yanked" };
    if changed {
        println!("{}@{} is now {state}", args.name, args.version);
    } else {
        println!(
            "{}@{} was already {state}; nothing changed",
            args.name, args.version
        );
    }
    Ok(())
}
