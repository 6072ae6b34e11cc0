//! The `shelf` command line: global options here, one file per subcommand.

pub mod add;
pub mod build;
pub mod check;
pub mod delete;
pub mod docs;
pub mod gc;
pub mod key;
pub mod login;
pub mod mirror;
pub mod publish;
pub mod serve;
pub mod token;
pub mod user;
pub mod watch;
pub mod yank;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::{
    config::{DEFAULT_DATA, ENV_BASE_URL, ENV_DATA, ENV_OUT},
    output::Layout,
    registry::{Options, lock::DataLock},
    serverless::package::archive::Limits,
};

/// Shelf: a static-first package registry for Serverless Devs components, plugins and
/// applications.
#[derive(Debug, Parser)]
#[command(name = "shelf", version, about, propagate_version = true)]
pub struct Cli {
    /// Data directory holding index/ (git), blobs/ and site/.
    #[arg(long, global = true, env = ENV_DATA, default_value = DEFAULT_DATA)]
    pub data: PathBuf,
    /// Public base URL every absolute URL starts with. Recorded in the index when it is
    /// created (default http://127.0.0.1:8080, or the listen address for `serve`); giving a
    /// different one later records it and rewrites every URL.
    #[arg(long, global = true, env = ENV_BASE_URL)]
    pub base_url: Option<String>,
    /// Where the site is written (default: DATA/site).
    #[arg(long, global = true, env = ENV_OUT)]
    pub out: Option<PathBuf>,
    /// How documents are stored: `dir` for filesystems, `keys` for object stores.
    #[arg(long, global = true, value_enum, default_value = "dir")]
    pub layout: Layout,
    /// Folder of templates overriding the embedded ones (same file names).
    #[arg(long, global = true)]
    pub templates: Option<PathBuf>,
    /// Folder of site assets overriding the embedded ones (same file names).
    #[arg(long, global = true)]
    pub assets: Option<PathBuf>,
    /// Write the site to an object store instead of a directory: `s3://BUCKET/PREFIX`
    /// (credentials, region and endpoint from the standard AWS environment and files).
    #[arg(long, global = true, env = "SHELF_TARGET")]
    pub target: Option<String>,
    /// Endpoint of an S3-compatible store (SeaweedFS, MinIO, R2…); implies path-style URLs.
    #[arg(long, global = true, env = "SHELF_S3_ENDPOINT")]
    pub s3_endpoint: Option<String>,
    /// After each write, POST the changed paths (JSON) to this URL, e.g. a CDN purge hook.
    #[arg(long, global = true, env = "SHELF_PURGE_URL")]
    pub purge_url: Option<String>,
    /// After each write, run this command with the changed paths, one per line, on stdin.
    #[arg(long, global = true, env = "SHELF_PURGE_COMMAND")]
    pub purge_command: Option<String>,
    /// After each commit, push the index to this git remote (retried; never loses a commit).
    #[arg(long, global = true, env = "SHELF_INDEX_REMOTE")]
    pub index_remote: Option<String>,
    #[command(flatten)]
    pub limits: LimitArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Limits on incoming zips; each defaults to the documented value.
#[derive(Debug, Clone, Args)]
pub struct LimitArgs {
    /// Largest zip accepted, in bytes (default 64 MiB).
    #[arg(long, global = true)]
    pub max_zip_bytes: Option<u64>,
    /// Most entries a zip may hold (default 10,000).
    #[arg(long, global = true)]
    pub max_entries: Option<usize>,
    /// Largest total uncompressed size, in bytes (default 512 MiB).
    #[arg(long, global = true)]
    pub max_uncompressed_bytes: Option<u64>,
    /// Highest compression ratio of an entry (default 100).
    #[arg(long, global = true)]
    pub max_ratio: Option<u64>,
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
}

impl Cli {
    /// The registry options the global flags describe.
    #[must_use]
    pub fn options(&self) -> Options {
        let defaults = Limits::default();
        let l = &self.limits;
        Options {
            data: self.data.clone(),
            base_url: self.base_url.clone(),
            out: self.out.clone(),
            layout: self.layout,
            templates: self.templates.clone(),
            assets: self.assets.clone(),
            limits: Limits {
                max_zip_bytes: l.max_zip_bytes.unwrap_or(defaults.max_zip_bytes),
                max_entries: l.max_entries.unwrap_or(defaults.max_entries),
                max_uncompressed_bytes: l
                    .max_uncompressed_bytes
                    .unwrap_or(defaults.max_uncompressed_bytes),
                max_ratio: l.max_ratio.unwrap_or(defaults.max_ratio),
                ..defaults
            },
            target: self.target.clone(),
            s3_endpoint: self.s3_endpoint.clone(),
            purge_url: self.purge_url.clone(),
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
        Command::Build(args) => build::run(&options, &args),
        Command::Check(args) => check::run(&options, &args),
        Command::Gc(args) => gc::run(&options, &args),
        Command::Add(args) => add::run(&options, &args),
        Command::Yank(args) => yank::run(&options, &args),
        Command::Delete(args) => delete::run(&options, &args),
        Command::Publish(args) => publish::run(&args, &options.limits),
        Command::Login(args) => login::run(&args),
        Command::Token(command) => token::run(&command),
        Command::Key(command) => key::run(&command),
        Command::User(command) => user::run(&options, &command),
        Command::Watch(args) => watch::run(&options, &args),
        Command::Mirror(args) => mirror::run(&args),
        Command::Completions(args) => docs::run_completions(&args),
        Command::Man(args) => docs::run_man(&args),
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
        | Command::Man(_) => false,
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
