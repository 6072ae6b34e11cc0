//! `shelf token create`: a narrower, expiring token for CI, made with the login token.

use anyhow::Context as _;

use crate::client::{
    CredentialsFile, HttpTransport, RegistryClient, RegistryUrl, auth,
    bodies::NewToken,
    env::{ENV_REGISTRY, ENV_TOKEN},
};

/// Subcommands of `shelf token`.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Create a token. Only the token is printed on stdout, so scripts can capture it
    /// (`SHELF_TOKEN=$(shelf token create …)`); the rest goes to stderr.
    Create(GrantArgs),
}

/// What a new token or key is for. Shared by `shelf token create` and `shelf key create`.
#[derive(Debug, clap::Args)]
pub struct GrantArgs {
    /// Registry URL.
    #[arg(long, env = ENV_REGISTRY)]
    pub registry: String,
    /// A label to recognise it by.
    #[arg(long)]
    pub name: String,
    /// What it may do, e.g. `publish:hello*`; repeat the flag or list several.
    #[arg(long = "scope", value_name = "SCOPE", required = true, num_args = 1..)]
    pub scopes: Vec<String>,
    /// Lifetime in days (default: the registry's, 30 days for tokens; keys never expire).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    pub expires_in_days: Option<u32>,
}

impl GrantArgs {
    /// The registry, and a client holding the login token for it ($SHELF_TOKEN, else the
    /// stored one).
    pub(super) fn client(&self) -> anyhow::Result<(RegistryClient<HttpTransport>, NewToken)> {
        let registry = RegistryUrl::parse(&self.registry)?;
        let stored = CredentialsFile::from_env()?.load()?;
        let supplied = auth::Supplied::from_env(None);
        let token = auth::login_token(registry.as_str(), stored.get(registry.as_str()), &supplied)?;
        let body = NewToken {
            name: self.name.clone(),
            scopes: self.scopes.clone(),
            expires_in_days: self.expires_in_days,
        };
        Ok((
            RegistryClient::new(registry, token, HttpTransport::new()),
            body,
        ))
    }
}

/// Runs `shelf token`.
///
/// # Errors
/// Not logged in, or the registry's refusal.
pub fn run(command: &Command) -> anyhow::Result<()> {
    match command {
        Command::Create(args) => create(args),
    }
}

fn create(args: &GrantArgs) -> anyhow::Result<()> {
    let (client, body) = args.client()?;
    let created = client
        .create_token(&body)
        .with_context(|| format!("cannot create a token on {}", client.registry()))?;
    let id = match &created.id {
        serde_json::Value::String(id) => id.clone(),
        other => other.to_string(),
    };
    eprintln!(
        "Created token {:?} (id {id}) on {} with scopes {}, expiring {}",
        created.name,
        client.registry(),
        created.scopes.join(" "),
        created.expires.as_deref().unwrap_or("never"),
    );
    eprintln!("It is shown once; use it as {ENV_TOKEN} for `shelf publish`.");
    println!("{}", created.token.expose());
    Ok(())
}
