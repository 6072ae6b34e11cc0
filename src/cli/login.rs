//! `shelf login --registry URL [--username NAME]`: exchange a password for a login token and
//! remember the token for that registry.

use std::io::{BufRead as _, IsTerminal as _, Write as _};

use anyhow::Context as _;

use crate::client::{
    CredentialsFile, HttpTransport, RegistryClient, RegistryUrl, Secret, auth::Auth,
    env::ENV_REGISTRY,
};

/// Arguments of `shelf login`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Registry URL.
    #[arg(long, env = ENV_REGISTRY)]
    pub registry: String,
    /// Account name; asked for when not given. The password is read from stdin when stdin
    /// is not a terminal (`echo "$PASSWORD" | shelf login --username NAME …`), else asked
    /// for without echo.
    #[arg(long)]
    pub username: Option<String>,
}

/// Runs `shelf login`.
///
/// # Errors
/// Missing input, the registry's refusal, or a credentials file that cannot be written.
pub fn run(args: &Args) -> anyhow::Result<()> {
    let registry = RegistryUrl::parse(&args.registry)?;
    let file = CredentialsFile::from_env()?;
    let interactive = std::io::stdin().is_terminal();
    let username = match &args.username {
        Some(name) => name.clone(),
        None if interactive => prompt_line("Username: ")?,
        None => anyhow::bail!("give --username when the password is read from stdin"),
    };
    if username.is_empty() {
        anyhow::bail!("the username is empty");
    }
    let password = if interactive {
        Secret::new(rpassword::prompt_password("Password: ").context("cannot read the password")?)
    } else {
        read_stdin_line().context("cannot read the password from stdin")?
    };
    if password.expose().is_empty() {
        anyhow::bail!("the password is empty");
    }

    let client = RegistryClient::new(registry.clone(), Auth::Anonymous, HttpTransport::new());
    let answer = client
        .login(&username, password.expose())
        .with_context(|| format!("cannot log in to {registry} as {username}"))?;
    file.update(registry.as_str(), |entry| entry.token = Some(answer.token))?;
    match answer.expires {
        Some(expires) => println!("Logged in to {registry} as {username} until {expires}"),
        None => println!("Logged in to {registry} as {username}"),
    }
    println!("Token saved in {}", file.path().display());
    Ok(())
}

/// Asks for a line on the terminal.
fn prompt_line(prompt: &str) -> anyhow::Result<String> {
    eprint!("{prompt}");
    std::io::stderr().flush()?;
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("cannot read from stdin")?;
    Ok(line.trim().to_owned())
}

/// The first line of stdin without its line ending. Spaces are kept: they may be part of
/// the password.
fn read_stdin_line() -> std::io::Result<Secret> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    let password = line.strip_suffix('\n').unwrap_or(&line);
    let password = password.strip_suffix('\r').unwrap_or(password);
    Ok(Secret::new(password))
}
