//! `shelf key create`: an API key for signed requests, made with the login token.

use anyhow::Context as _;

use super::token::GrantArgs;
use crate::client::{
    CredentialsFile,
    env::{ENV_API_KEY, ENV_API_SECRET},
};

/// Subcommands of `shelf key`.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Create an API key. Prints `SHELF_API_KEY=…` and `SHELF_API_SECRET=…` on stdout, the
    /// variables `shelf publish` signs with; the secret is shown once.
    Create(CreateArgs),
}

/// Arguments of `shelf key create`.
#[derive(Debug, clap::Args)]
pub struct CreateArgs {
    #[command(flatten)]
    pub grant: GrantArgs,
    /// Also store the key id and secret in the credentials file for this registry (replacing
    /// a stored key), so `shelf publish --key-id ID` finds the secret.
    #[arg(long)]
    pub save: bool,
}

/// Runs `shelf key`.
///
/// # Errors
/// Not logged in, the registry's refusal, or a credentials file that cannot be written.
pub fn run(command: &Command) -> anyhow::Result<()> {
    match command {
        Command::Create(args) => create(args),
    }
}

fn create(args: &CreateArgs) -> anyhow::Result<()> {
    let (client, body) = args.grant.client()?;
    let registry = client.registry().clone();
    let created = client
        .create_key(&body)
        .with_context(|| format!("cannot create an API key on {registry}"))?;
    eprintln!(
        "Created API key {:?} on {registry} with scopes {}, expiring {}",
        created.name,
        created.scopes.join(" "),
        created.expires.as_deref().unwrap_or("never"),
    );
    // Printed before saving, so a credentials file that cannot be written does not lose
    // the only copy of the secret.
    println!("{ENV_API_KEY}={}", created.key_id);
    println!("{ENV_API_SECRET}={}", created.secret.expose());
    if args.save {
        let file = CredentialsFile::from_env()?;
        file.update(registry.as_str(), |entry| {
            entry.key_id = Some(created.key_id.clone());
            entry.key_secret = Some(created.secret.clone());
        })?;
        eprintln!("Key saved in {}", file.path().display());
    } else {
        eprintln!("The secret is shown once; keep it, or create the key with --save.");
    }
    Ok(())
}
