//! `shelf user`: accounts in the local registry's database, offline (the way to make the
//! first administrator, and every account when registration is closed).

use std::io::{self, BufRead, IsTerminal};

use anyhow::Context;

use crate::{
    auth::{account, password},
    clock,
    db::{Db, users},
    registry::Options,
};

/// The database file inside the data directory.
pub const DB_FILE: &str = "shelf.db";

/// Subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Create an account. The password is read from the first line of stdin when stdin is
    /// not a terminal, otherwise prompted for twice.
    Add(AddArgs),
}

/// `shelf user add`.
#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// Login name: lowercase letters, digits, '-' and '_', starting with a letter.
    pub name: String,
    /// Email address (unique, regardless of case).
    #[arg(long)]
    pub email: String,
    /// Make the account an administrator (may read the audit log and act on any package).
    #[arg(long)]
    pub admin: bool,
}

/// Runs the command.
///
/// # Errors
/// An invalid name, email or password, an existing username or email, or a database that
/// cannot be opened or written.
pub fn run(options: &Options, command: &Command) -> anyhow::Result<()> {
    match command {
        Command::Add(args) => add(options, args),
    }
}

fn add(options: &Options, args: &AddArgs) -> anyhow::Result<()> {
    account::check_username(&args.name)?;
    account::check_email(&args.email)?;
    let secret = read_password()?;
    let phc = password::hash(&secret)?;
    std::fs::create_dir_all(&options.data)
        .with_context(|| format!("could not create {}", options.data.display()))?;
    let path = options.data.join(DB_FILE);
    let db = Db::open(&path).with_context(|| format!("could not open {}", path.display()))?;
    let now = clock::now().unix_timestamp();
    let created = db
        .with(|conn| users::create(conn, &args.name, &args.email, &phc, args.admin, now))
        .with_context(|| format!("could not write {}", path.display()))?;
    let user = created?;
    let role = if user.is_admin {
        "administrator"
    } else {
        "user"
    };
    println!("Created {role} {} <{}>", user.username, user.email);
    Ok(())
}

/// The new password: the first line of stdin when it is piped (scripts, tests), otherwise
/// typed twice without echo. Checked against the policy before returning.
fn read_password() -> anyhow::Result<String> {
    let stdin = io::stdin();
    let secret = if stdin.is_terminal() {
        let first =
            rpassword::prompt_password("Password: ").context("could not read the password")?;
        password::check(&first)?;
        let second = rpassword::prompt_password("Password again: ")
            .context("could not read the password")?;
        anyhow::ensure!(first == second, "the passwords do not match");
        first
    } else {
        let mut line = String::new();
        stdin
            .lock()
            .read_line(&mut line)
            .context("could not read the password from stdin")?;
        let trimmed = line.strip_suffix('\n').unwrap_or(&line);
        trimmed.strip_suffix('\r').unwrap_or(trimmed).to_owned()
    };
    password::check(&secret)?;
    Ok(secret)
}
