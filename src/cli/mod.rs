//! The `shelf` command line: global options here, one file per subcommand. Every option that
//! sets the registry up is also a key of the configuration file ([`config`], which parses
//! the command line with the file's values as defaults), and long work draws its progress
//! through [`progress`].

pub mod add;
pub mod build;
pub mod check;
pub mod config;
pub mod delete;
pub mod docs;
pub mod gc;
pub mod key;
pub mod login;
pub mod mirror;
pub mod progress;
pub mod publish;
pub mod serve;
pub mod token;
pub mod user;
pub mod watch;
pub mod yank;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::{
    config::{
        DEFAULT_DATA, ENV_BASE_URL, ENV_CONFIG, ENV_DATA, ENV_INDEX_REMOTE, ENV_OUT,
        ENV_PURGE_COMMAND, ENV_PURGE_TOKEN, ENV_PURGE_URL, ENV_S3_ENDPOINT, ENV_TARGET,
    },
    output::Layout,
    registry::{Options, lock::DataLock},
    serverless::package::archive::Limits,
};

/// Shelf: a static-first package registry for Serverless Devs components, plugins and
/// applications.
#[derive(Debug, Parser)]
#[command(name = "shelf", version, about, propagate_version = true)]
pub struct Cli {
    /// The configuration file (default: DATA/shelf.toml when it exists). Every key names a
    /// flag; a flag or an environment variable wins over the file (`shelf config show`).
    #[arg(long, global = true, env = ENV_CONFIG, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Print no progress (bars on a terminal, plain lines elsewhere); summaries and errors
    /// are still printed.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// Data directory holding index/ (git), blobs/ and site/.
    #[arg(long, global = true, env = ENV_DATA, default_value = DEFAULT_DATA)]
    pub data: PathBuf,
    /// Public base URL every absolute URL starts with. Recorded in the index when it is
    /// created (default http://127.0.0.1:8080, or the listen address for `serve`); giving a
    /// different one later records it and rewrites every URL.
    #[arg(long, global = true, env = ENV_BASE_URL, value_name = "URL")]
    pub base_url: Option<String>,
    /// Where the site is written (default: DATA/site).
    #[arg(long, global = true, env = ENV_OUT, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// How documents are stored: `dir` for filesystems, `keys` for object stores.
    #[arg(long, global = true, value_enum, default_value = "dir")]
    pub layout: Layout,
    /// Folder of templates overriding the embedded ones (same file names).
    #[arg(long, global = true, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Folder of site assets overriding the embedded ones (same file names).
    #[arg(long, global = true, value_name = "DIR")]
    pub assets: Option<PathBuf>,
    /// Write the site to an object store instead of a directory: `s3://BUCKET/PREFIX`
    /// (credentials, region and endpoint from the standard AWS environment and files).
    #[arg(long, global = true, env = ENV_TARGET, value_name = "URL")]
    pub target: Option<String>,
    /// Endpoint of an S3-compatible store (SeaweedFS, MinIO, R2…); implies path-style URLs.
    #[arg(long, global = true, env = ENV_S3_ENDPOINT, value_name = "URL")]
    pub s3_endpoint: Option<String>,
    /// Access key id for the store, with --s3-secret-access-key (default: the standard AWS
    /// environment and files).
    #[arg(long, global = true, value_name = "ID")]
    pub s3_access_key_id: Option<String>,
    /// Secret access key for the store, with --s3-access-key-id.
    #[arg(long, global = true, value_name = "SECRET")]
    pub s3_secret_access_key: Option<String>,
    /// After each write, POST the changed paths (JSON) to this URL, e.g. a CDN purge hook.
    #[arg(long, global = true, env = ENV_PURGE_URL, value_name = "URL")]
    pub purge_url: Option<String>,
    /// Sent to --purge-url as `Authorization: Bearer TOKEN` (a CDN's API key).
    #[arg(long, global = true, env = ENV_PURGE_TOKEN, value_name = "TOKEN")]
    pub purge_token: Option<String>,
    /// After each write, run this command with the changed paths, one per line, on stdin.
    #[arg(long, global = true, env = ENV_PURGE_COMMAND, value_name = "COMMAND")]
    pub purge_command: Option<String>,
    /// After each commit, push the index to this git remote (retried; never loses a commit).
    #[arg(long, global = true, env = ENV_INDEX_REMOTE, value_name = "URL")]
    pub index_remote: Option<String>,
    #[command(flatten)]
    pub limits: LimitArgs,
    #[command(subcommand)]
    pub command: Command,
    /// Where each setting came from (the configuration file, say), for `shelf config show`.
    #[arg(skip)]
    pub sources: config::Sources,
}

/// Limits on incoming zips (every default is [`Limits::default`]'s).
#[derive(Debug, Clone, Args)]
pub struct LimitArgs {
    /// Largest zip accepted, in bytes (64 MiB).
    #[arg(
        long,
        global = true,
        value_name = "BYTES",
        default_value_t = Limits::default().max_zip_bytes,
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    pub max_zip_bytes: u64,
    /// Most entries a zip may hold.
    #[arg(
        long,
        global = true,
        value_name = "N",
        default_value_t = Limits::default().max_entries,
        value_parser = positive_usize()
    )]
    pub max_entries: usize,
    /// Largest total uncompressed size of a zip's entries, in bytes (512 MiB).
    #[arg(
        long,
        global = true,
        value_name = "BYTES",
        default_value_t = Limits::default().max_uncompressed_bytes,
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    pub max_uncompressed_bytes: u64,
    /// Highest compression ratio of an entry.
    #[arg(
        long,
        global = true,
        value_name = "RATIO",
        default_value_t = Limits::default().max_ratio,
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    pub max_ratio: u64,
    /// Largest `publish.yaml` in a zip, in bytes (1 MiB); at most --max-uncompressed-bytes.
    #[arg(
        long,
        global = true,
        value_name = "BYTES",
        default_value_t = Limits::default().max_manifest_bytes,
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    pub max_manifest_bytes: u64,
}

/// A count that must be at least 1.
fn positive_usize() -> clap::builder::RangedU64ValueParser<usize> {
    clap::builder::RangedU64ValueParser::new().range(1..)
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the registry (the static site) over HTTP.
    Serve(serve::Args),
    /// Regenerate the static site from the index and blobs.
    Build(build::Args),
    /// Verify that the index, the blobs and the site agree (after a crash, say); change nothing.
    Check(check::Args),
    /// Delete the blobs nothing in the index names any more (after a grace period).
    Gc(gc::Args),
    /// Check a package zip and publish it.
    Add(add::Args),
    /// Yank a version (still downloadable, never latest), or un-yank it with --undo.
    Yank(yank::Args),
    /// Delete a version, or a whole package; its numbers are never used again.
    Delete(delete::Args),
    /// Pack a directory (or take a zip) and publish it to a registry over HTTP.
    Publish(publish::Args),
    /// Log in to a registry and store the token for `publish`.
    Login(login::Args),
    /// Create narrower, expiring tokens (for CI) on a registry.
    #[command(subcommand)]
    Token(token::Command),
    /// Create API keys for signed requests on a registry.
    #[command(subcommand)]
    Key(key::Command),
    /// Manage accounts of the local registry's database (offline).
    #[command(subcommand)]
    User(user::Command),
    /// Watch the index (and templates/assets) and regenerate what changes outside the API.
    Watch(watch::Args),
    /// Copy a remote Shelf registry from its static files, and keep the copy current.
    Mirror(mirror::Args),
    /// Print the completion script for a shell.
    Completions(docs::CompletionArgs),
    /// Print the man page (or write every page with --out).
    Man(docs::ManArgs),
    /// Show the effective configuration, or print a commented example file.
    #[command(subcommand)]
    Config(config::Command),
}

impl Cli {
    /// The registry options the global flags describe.
    #[must_use]
    pub fn options(&self) -> Options {
        let l = &self.limits;
        Options {
            data: self.data.clone(),
            base_url: self.base_url.clone(),
            out: self.out.clone(),
            layout: self.layout,
            templates: self.templates.clone(),
            assets: self.assets.clone(),
            limits: Limits {
                max_zip_bytes: l.max_zip_bytes,
                max_entries: l.max_entries,
                max_uncompressed_bytes: l.max_uncompressed_bytes,
                max_ratio: l.max_ratio,
                max_manifest_bytes: l.max_manifest_bytes,
            },
            target: self.target.clone(),
            s3_endpoint: self.s3_endpoint.clone(),
            s3_keys: self
                .s3_access_key_id
                .clone()
                .zip(self.s3_secret_access_key.clone())
                .map(
                    |(access_key_id, secret_access_key)| crate::output::s3::Keys {
                        access_key_id,
                        secret_access_key,
                    },
                ),
            purge_url: self.purge_url.clone(),
            purge_token: self.purge_token.clone(),
            purge_command: self.purge_command.clone(),
            index_remote: self.index_remote.clone(),
        }
    }
}

/// Runs the command the arguments name.
///
/// # Errors
/// Whatever the command failed with; the message names the problem.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    let options = cli.options();
    let style = progress::Style::detect(cli.quiet);
    // Held until the command returns (for `serve`, until it stops).
    let _lock = data_lock(&cli.command, &options)?;
    // libgit2 hashes every object it reads again (SHA-1 with collision detection), which git
    // itself only does in `git fsck`: 7-12% of the time spent reading the history (the change
    // feed, the `git clone` copy's packs). Only `check`, which is there to distrust the data
    // directory, keeps it.
    if !matches!(cli.command, Command::Check(_)) {
        git2::opts::strict_hash_verification(false);
    }
    match cli.command {
        Command::Serve(args) => serve::run(&options, &args),
        Command::Build(args) => build::run(&options, &args, style),
        Command::Check(args) => check::run(&options, &args, style),
        Command::Gc(args) => gc::run(&options, &args, style),
        Command::Add(args) => add::run(&options, &args),
        Command::Yank(args) => yank::run(&options, &args),
        Command::Delete(args) => delete::run(&options, &args),
        Command::Publish(args) => publish::run(&args, &options.limits),
        Command::Login(args) => login::run(&args),
        Command::Token(command) => token::run(&command),
        Command::Key(command) => key::run(&command),
        Command::User(command) => user::run(&options, &command),
        Command::Watch(args) => watch::run(&options, &args),
        Command::Mirror(args) => mirror::run(&args, style),
        Command::Completions(args) => docs::run_completions(&args),
        Command::Man(args) => docs::run_man(&args),
        Command::Config(command) => config::run(&command, &cli.sources),
    }
}

/// Takes the data directory's lock for the commands that write to it (see
/// [`crate::registry::lock`]); the others run alongside anything.
fn data_lock(command: &Command, options: &Options) -> anyhow::Result<Option<DataLock>> {
    let writes = match command {
        Command::Serve(args) => args.site.is_none(),
        Command::Build(_)
        | Command::Gc(_)
        | Command::Add(_)
        | Command::Yank(_)
        | Command::Delete(_)
        | Command::Watch(_) => true,
        // A check of a registry being written would report its half-done writes as damage.
        // (A missing data directory is the check's error to report, not one to create.)
        Command::Check(_) => options.data.is_dir(),
        // Accounts live in SQLite, which has locks of its own; the rest write elsewhere.
        Command::Publish(_)
        | Command::Login(_)
        | Command::Token(_)
        | Command::Key(_)
        | Command::User(_)
        | Command::Mirror(_)
        | Command::Completions(_)
        | Command::Man(_)
        | Command::Config(_) => false,
    };
    Ok(if writes {
        Some(DataLock::acquire(&options.data)?)
    } else {
        None
    })
}

/// The account name recorded for changes made from the command line.
fn local_publisher(explicit: Option<&str>) -> crate::index::repo::Author {
    let name = explicit
        .map(str::to_owned)
        .or_else(|| std::env::var(crate::config::ENV_PUBLISHER).ok())
        .or_else(|| std::env::var("USER").ok())
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| "shelf".to_owned());
    crate::index::repo::Author::named(&name)
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        super::Cli::command().debug_assert();
    }
}
