//! `shelf publish [DIR|ZIP] --registry URL`: pack a folder (or take a zip), check it with the
//! registry's own rules, announce the release and upload the zip.

use std::{
    fs::File,
    io::{IsTerminal as _, Seek as _, SeekFrom},
    path::{Path, PathBuf},
};

use anyhow::Context as _;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::{
    client::{
        Auth, ClientError, CredentialsFile, HttpTransport, RegistryClient, RegistryUrl, auth,
        bodies::NewRelease,
        env::{ENV_API_KEY, ENV_REGISTRY},
        pack::{self, PackOptions, SkipReason},
    },
    serverless::package::archive::{ArchiveError, Inspected, Limits, inspect},
};

/// Arguments of `shelf publish`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The package folder to pack, or a zip to upload as it is.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Registry URL.
    #[arg(long, env = ENV_REGISTRY)]
    pub registry: String,
    /// A file whose text becomes the release notes.
    #[arg(long)]
    pub notes: Option<PathBuf>,
    /// Pack node_modules folders too (Serverless Devs installs nothing when it downloads a
    /// component, so runtime dependencies must travel in the zip).
    #[arg(long)]
    pub include_node_modules: bool,
    /// Sign with this API key instead of using the login token; the secret comes from
    /// $SHELF_API_SECRET or from the credentials file (`shelf key create --save`).
    /// Without it, $SHELF_TOKEN or the stored login token is used.
    #[arg(long, env = ENV_API_KEY)]
    pub key_id: Option<String>,
    /// Pack and check only; upload nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// Runs `shelf publish`.
///
/// # Errors
/// Unreadable input, a zip the registry would refuse (with the validator's message), missing
/// credentials, or the registry's refusal (with its message and status).
pub fn run(args: &Args, limits: &Limits) -> anyhow::Result<()> {
    let registry = RegistryUrl::parse(&args.registry)?;
    let notes = match &args.notes {
        Some(path) => std::fs::read_to_string(path)
            .with_context(|| format!("cannot read release notes {}", path.display()))?,
        None => String::new(),
    };
    // Credentials first, so a missing login is reported before a large folder is packed.
    let credentials = if args.dry_run {
        None
    } else {
        let file = CredentialsFile::from_env()?;
        let stored = file.load()?;
        let supplied = auth::Supplied::from_env(args.key_id.clone());
        Some(auth::for_publish(
            registry.as_str(),
            stored.get(registry.as_str()),
            &supplied,
        )?)
    };

    // The same limits as the global flags give `add` and `serve`, so a zip the registry
    // would refuse is refused before it is uploaded.
    let limits = limits.clone();
    let mut zip = open_or_pack(&args.path, args.include_node_modules, &limits)?;
    let inspected = inspect(&mut zip, &limits)
        .with_context(|| format!("{} cannot be published", args.path.display()))?;
    let size = zip.seek(SeekFrom::End(0))?;
    let release = NewRelease::from_inspected(&inspected, notes);
    let what = format!("{}@{}", release.name, release.version);
    eprintln!(
        "{what}: {} {}, {} bytes ({size} bytes zipped)",
        inspected.entries,
        if inspected.entries == 1 {
            "entry"
        } else {
            "entries"
        },
        inspected.uncompressed_bytes
    );
    warn_about(&inspected);
    let Some(auth) = credentials else {
        eprintln!("Dry run: {what} is valid and was not uploaded");
        return Ok(());
    };
    let uses_token = matches!(auth, Auth::Token(_));

    let client = RegistryClient::new(registry.clone(), auth, HttpTransport::new());
    eprintln!("Publishing {what} to {registry}");
    let hint = |error: ClientError| {
        let relogin = uses_token && error.status() == Some(401);
        let error = anyhow::Error::new(error);
        if relogin {
            error.context(format!(
                "the token was refused (expired or revoked?); run `shelf login --registry {registry}` \
                 for a new one"
            ))
        } else {
            error
        }
    };
    let created = client
        .create_release(&release)
        .map_err(hint)
        .with_context(|| format!("{what} was not published"))?;

    let bar = progress_bar(size);
    let uploaded = client
        .upload(&created.upload_url, &mut zip, &mut |sent| {
            bar.set_position(sent);
        })
        .map_err(hint);
    bar.finish_and_clear();
    let uploaded = uploaded
        .with_context(|| format!("the release {what} was created, but uploading its zip failed"))?;

    // The digest was checked against the zip sent, so the local size and name are the
    // registry's too.
    println!(
        "Published {what} ({size} bytes, sha256 {})",
        uploaded.sha256
    );
    println!("  release: {}", uploaded.release_url);
    println!("  zipball: {}", uploaded.zipball_url);
    println!("  page:    {}", uploaded.page_url);
    Ok(())
}

/// The zip at `path`, or a temporary zip packed from the folder at `path`.
fn open_or_pack(path: &Path, include_node_modules: bool, limits: &Limits) -> anyhow::Result<File> {
    let metadata =
        std::fs::metadata(path).with_context(|| format!("cannot open {}", path.display()))?;
    if !metadata.is_dir() {
        return File::open(path).with_context(|| format!("cannot open {}", path.display()));
    }
    let plan = pack::plan(
        path,
        PackOptions {
            include_node_modules,
        },
    )?;
    report_skipped(&plan.skipped);
    // The validator would refuse these after packing; saying so first spares compressing a
    // folder that cannot be published. Same errors, so the same messages.
    if plan.files.len() > limits.max_entries {
        return Err(ArchiveError::TooManyEntries {
            limit: limits.max_entries,
        })
        .with_context(|| format!("{} cannot be published", path.display()));
    }
    if plan.total_bytes() > limits.max_uncompressed_bytes {
        return Err(ArchiveError::TooMuchData {
            limit: limits.max_uncompressed_bytes,
        })
        .with_context(|| format!("{} cannot be published", path.display()));
    }
    // An unnamed temporary file: removed by the system however the program ends.
    let temp = tempfile::tempfile().context("cannot create a temporary file for the zip")?;
    let zip =
        pack::write(&plan, temp).with_context(|| format!("cannot pack {}", path.display()))?;
    Ok(zip)
}

fn report_skipped(skipped: &[pack::Skipped]) {
    for item in skipped {
        match item.reason {
            SkipReason::Symlink => eprintln!(
                "warning: skipped symlink {} (registries refuse links; copy the file instead)",
                item.name
            ),
            SkipReason::NotAFile => {
                eprintln!("warning: skipped {} (not a regular file)", item.name);
            }
            SkipReason::NodeModules => eprintln!(
                "note: skipped {} (pass --include-node-modules to pack it)",
                item.name
            ),
            SkipReason::Metadata => {}
        }
    }
}

fn warn_about(inspected: &Inspected) {
    if inspected.readme_truncated {
        eprintln!("warning: the readme is longer than the registry shows; it will be cut");
    }
}

/// A byte progress bar on stderr, hidden when stderr is not a terminal (CI logs, pipes).
fn progress_bar(length: u64) -> ProgressBar {
    let target = if std::io::stderr().is_terminal() {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    };
    let style = ProgressStyle::with_template(
        "Uploading {bar:30} {bytes}/{total_bytes} {bytes_per_sec} {eta}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar());
    ProgressBar::with_draw_target(Some(length), target).with_style(style)
}
