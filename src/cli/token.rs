//! `shelf token create`: a narrower, expiring token for CI, made with the login token; or,
//! with `--kind s-client`, a code for the official Serverless Devs client (`s registry
//! publish`, `list`, `detail`, `delete`).

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
    Create(CreateArgs),
}

/// Arguments of `shelf token create`.
#[derive(Debug, clap::Args)]
pub struct CreateArgs {
    #[command(flatten)]
    pub grant: GrantArgs,
    /// `bearer`: a token for `shelf publish` and the API. `s-client`: a code for the
    /// official `s` client (`s registry login --token CODE`), kept by the registry as an API
    /// key's secret is.
    #[arg(long, value_enum, default_value = "bearer")]
    pub kind: TokenKind,
}

/// What `shelf token create` makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TokenKind {
    /// A bearer token.
    Bearer,
    /// A code for the Serverless Devs client.
    SClient,
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
            kind: None,
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
        Command::Create(args) => match args.kind {
            TokenKind::Bearer => create(&args.grant),
            TokenKind::SClient => create_s_client(&args.grant),
        },
    }
}

fn create_s_client(args: &GrantArgs) -> anyhow::Result<()> {
    let (client, mut body) = args.client()?;
    body.kind = Some("s-client".to_owned());
    let registry = client.registry().clone();
    let created = client
        .create_key(&body)
        .with_context(|| format!("cannot create an s client code on {registry}"))?;
    anyhow::ensure!(
        created.kind == "s-client",
        "{registry} does not make s client codes (it answered a key of kind {:?})",
        created.kind
    );
    eprintln!(
        "Created an s client code {:?} on {registry} with scopes {}, expiring {}",
        created.name,
        created.scopes.join(" "),
        created.expires.as_deref().unwrap_or("never"),
    );
    eprintln!("It is shown once. Give it to the Serverless Devs client:");
    eprintln!(
        "  s set registry {}/v3",
        registry.as_str().trim_end_matches('/')
    );
    eprintln!("  s registry login --token CODE   (or serverless_devs_registry_token=CODE)");
    eprintln!(
        "The client sends publishes and deletes to port 80 whatever port the registry URL \
         names: serve the registry on port 80."
    );
    println!("{}", created.secret.expose());
    Ok(())
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
