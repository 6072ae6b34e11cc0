//! The configuration file, `shelf.toml`, and `shelf config show|example`.
//!
//! Every key of the file is a command-line flag: [`KEYS`] names the flag (its clap id) and
//! the section the key lives in, nothing else. The type, the default, the range, the help
//! text and the environment variable all come from the flag's own definition, so the
//! parser of the file, `shelf config show` and the example `shelf config example` prints
//! cannot drift from the flags (and a test fails when a flag has no key).
//!
//! How a value is chosen: a flag, else its environment variable, else the file, else the
//! default. The file is applied by making each of its values the default of its flag
//! before clap parses the command line ([`parse_from`]), so clap's own precedence (command
//! line, environment, default) gives exactly that order. Which file: `--config FILE` or
//! `SHELF_CONFIG`, else `DATA/shelf.toml` when it exists ([`file`]).
//!
//! A file is read whole before anything runs: a syntax error, an unknown section or key, a
//! value of the wrong type or out of its flag's range, and values that cannot go together
//! ([`check`]) stop the command with the file, line and key named — never a value ignored.

mod file;

use std::{ffi::OsString, fmt::Write as _, path::PathBuf};

use anyhow::Context as _;
use clap::{ArgMatches, CommandFactory as _, FromArgMatches as _, parser::ValueSource};

pub use file::Loaded;

use super::Cli;

/// Which command reads a key: every command (a global flag), or `shelf serve` alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// A global flag (`--data`, `--max-zip-bytes`…).
    Global,
    /// A flag of `shelf serve`.
    Serve,
}

/// One key of the file: `[section] name`, the flag whose clap id is `name`.
#[derive(Debug, PartialEq, Eq)]
pub struct Key {
    /// The section (`server`, `limits`…).
    pub section: &'static str,
    /// The key, which is also the flag's id (`max_zip_bytes` is `--max-zip-bytes`).
    pub name: &'static str,
    /// Which command's flag it is.
    pub scope: Scope,
    /// Never printed: `shelf config show` says only whether it is set.
    pub secret: bool,
}

const fn key(section: &'static str, name: &'static str, scope: Scope) -> Key {
    Key {
        section,
        name,
        scope,
        secret: false,
    }
}

const fn secret(section: &'static str, name: &'static str) -> Key {
    Key {
        section,
        name,
        scope: Scope::Global,
        secret: true,
    }
}

/// The sections, in the file's order, with what they hold.
pub const SECTIONS: [(&str, &str); 7] = [
    (
        "server",
        "How `shelf serve` listens and answers (`base_url` is every command's; the rest, serve's).",
    ),
    ("storage", "Where the registry's data lives."),
    (
        "output",
        "Where and how the site is written, and who is told of each change.",
    ),
    (
        "limits",
        "What a published Serverless Devs zip may be (checked by the server and `shelf add`).",
    ),
    (
        "rate_limits",
        "Requests allowed per client and period (`shelf serve`).",
    ),
    ("npm", "The npm protocol (`shelf serve`)."),
    (
        "oci",
        "The OCI protocol: images and artifacts (`shelf serve`).",
    ),
];

/// Every key, in the file's order.
pub const KEYS: &[Key] = &[
    key("server", "listen", Scope::Serve),
    key("server", "base_url", Scope::Global),
    key("server", "registration", Scope::Serve),
    key("server", "token_days", Scope::Serve),
    key("server", "signature_window", Scope::Serve),
    key("server", "upload_ttl", Scope::Serve),
    key("server", "max_pending_uploads", Scope::Serve),
    key("server", "header_timeout", Scope::Serve),
    key("server", "body_timeout", Scope::Serve),
    key("server", "max_connections", Scope::Serve),
    key("server", "site", Scope::Serve),
    key("server", "gc_every", Scope::Serve),
    key("server", "gc_grace", Scope::Serve),
    key("storage", "data", Scope::Global),
    secret("storage", "index_remote"),
    key("output", "out", Scope::Global),
    key("output", "layout", Scope::Global),
    key("output", "templates", Scope::Global),
    key("output", "assets", Scope::Global),
    key("output", "target", Scope::Global),
    key("output", "s3_endpoint", Scope::Global),
    secret("output", "s3_access_key_id"),
    secret("output", "s3_secret_access_key"),
    secret("output", "purge_url"),
    secret("output", "purge_token"),
    secret("output", "purge_command"),
    key("limits", "max_zip_bytes", Scope::Global),
    key("limits", "max_entries", Scope::Global),
    key("limits", "max_uncompressed_bytes", Scope::Global),
    key("limits", "max_ratio", Scope::Global),
    key("limits", "max_manifest_bytes", Scope::Global),
    key("rate_limits", "register_per_hour", Scope::Serve),
    key("rate_limits", "login_per_minute", Scope::Serve),
    key("rate_limits", "publish_per_hour", Scope::Serve),
    key("rate_limits", "search_per_minute", Scope::Serve),
    key("npm", "max_tarball_bytes", Scope::Serve),
    key("oci", "token_realm", Scope::Serve),
    key("oci", "max_blob_bytes", Scope::Serve),
];

/// Flags that are not keys: they say what one run does, not how the registry is set up.
pub const NOT_KEYS: [&str; 4] = ["help", "version", "config", "quiet"];

/// The key `data` names the data directory, which is where `shelf.toml` is looked for:
/// only a file named by `--config` may set it.
const DATA_KEY: &str = "data";

/// Arguments of `shelf config`.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Print the configuration a command would run with, and where each value comes from
    /// (flag, environment, file and line, default); secrets are never printed.
    Show,
    /// Print a commented `shelf.toml` with every key at its default.
    Example,
}

/// Where a setting's value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A flag on the command line.
    Flag,
    /// This environment variable.
    Env(String),
    /// The configuration file, at this line.
    File(usize),
    /// The flag's default.
    Default,
    /// Nowhere: the setting is off.
    Unset,
}

/// One setting as the command will use it.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// The key.
    pub key: &'static Key,
    /// Its value as text (`None` when unset).
    pub value: Option<String>,
    /// Where the value came from.
    pub source: Source,
    /// Whether the value is text (quoted in TOML) rather than a number.
    pub text: bool,
}

/// Where every setting came from, for `shelf config show` and the checks across keys.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// The configuration file read, if any.
    pub file: Option<PathBuf>,
    /// Every key of [`KEYS`], resolved.
    pub settings: Vec<Resolved>,
}

impl Sources {
    fn get(&self, name: &str) -> Option<&Resolved> {
        self.settings.iter().find(|r| r.key.name == name)
    }

    /// Where a setting came from, in the words of an error message.
    fn origin(&self, name: &str) -> String {
        let Some(resolved) = self.get(name) else {
            return name.to_owned();
        };
        let Key { section, name, .. } = resolved.key;
        let flag = flag_of(name);
        match &resolved.source {
            Source::Flag => flag,
            Source::Env(var) => format!("{flag} (from {var})"),
            Source::File(line) => format!("{}:{line}: [{section}] {name}", self.file_shown()),
            Source::Default | Source::Unset => format!("{flag} (the default)"),
        }
    }

    /// The file read, for a message.
    fn file_shown(&self) -> std::path::Display<'_> {
        self.file
            .as_deref()
            .unwrap_or_else(|| "?".as_ref())
            .display()
    }

    fn number(&self, name: &str) -> Option<u64> {
        self.get(name)?.value.as_deref()?.parse().ok()
    }

    fn is_set(&self, name: &str) -> bool {
        self.get(name)
            .and_then(|r| r.value.as_deref())
            .is_some_and(|v| !v.trim().is_empty())
    }
}

/// Parses the command line as `shelf` does: finds and reads the configuration file, then
/// parses the arguments with the file's values as the flags' defaults, then checks the
/// values that must agree with each other.
///
/// A command-line mistake (and `--help`, `--version`) exits as clap does.
///
/// # Errors
/// The configuration file cannot be read, or holds a mistake (named with file, line and
/// key); values that cannot go together.
pub fn parse_from<I, T>(args: I) -> anyhow::Result<Cli>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    let defined = Cli::command();
    let first = defined
        .clone()
        .try_get_matches_from(&args)
        .unwrap_or_else(|e| e.exit());
    let loaded = match file::locate(&first) {
        Some((path, named)) => Some(file::load(&path, named, &defined)?),
        None => None,
    };
    let command = with_defaults(defined, loaded.as_ref());
    let matches = command
        .clone()
        .try_get_matches_from(&args)
        .unwrap_or_else(|e| e.exit());
    let mut cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    cli.sources = resolve(&command, &matches, loaded.as_ref())?;
    check(&cli.sources)?;
    Ok(cli)
}

/// The command line with each of the file's values as its flag's default.
fn with_defaults(mut command: clap::Command, loaded: Option<&Loaded>) -> clap::Command {
    let Some(loaded) = loaded else {
        return command;
    };
    for entry in &loaded.entries {
        let value = entry.value.clone();
        command = match entry.key.scope {
            Scope::Global => command.mut_arg(entry.key.name, |a| a.default_value(value)),
            Scope::Serve => command.mut_subcommand("serve", |serve| {
                serve.mut_arg(entry.key.name, |a| a.default_value(value))
            }),
        };
    }
    command
}

/// The flag a key names, in `command` (the root for global flags, `serve` for its own).
fn flag<'a>(command: &'a clap::Command, key: &Key) -> Option<&'a clap::Arg> {
    let owner = match key.scope {
        Scope::Global => command,
        Scope::Serve => command.find_subcommand("serve")?,
    };
    owner.get_arguments().find(|a| a.get_id() == key.name)
}

/// Whether a flag takes a number (an integer in the file) rather than text.
fn takes_number(arg: &clap::Arg) -> bool {
    use std::any::TypeId;
    let id = arg.get_value_parser().type_id();
    id == TypeId::of::<u64>() || id == TypeId::of::<u32>() || id == TypeId::of::<usize>()
}

/// Every key's value and where it came from. The flags of `shelf serve` are read from its
/// own matches, or, for another command (`shelf config show`), as `shelf serve` with no
/// flags would see them (environment, file, default).
fn resolve(
    command: &clap::Command,
    matches: &ArgMatches,
    loaded: Option<&Loaded>,
) -> anyhow::Result<Sources> {
    let serve_matches = match matches.subcommand() {
        Some(("serve", serve)) => serve.clone(),
        _ => command
            .find_subcommand("serve")
            .context("the command line has no `serve`")?
            .clone()
            .try_get_matches_from(["serve"])
            .map_err(|e| anyhow::anyhow!("{}", reason(&e)))?,
    };
    let mut settings = Vec::with_capacity(KEYS.len());
    for key in KEYS {
        let arg = flag(command, key).with_context(|| format!("no flag for key {}", key.name))?;
        let m = match key.scope {
            Scope::Global => matches,
            Scope::Serve => &serve_matches,
        };
        let value = m.get_raw(key.name).map(|values| {
            values
                .map(|v| v.to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join(",")
        });
        let in_file = loaded.and_then(|l| l.entries.iter().find(|e| e.key == key));
        let source = match (m.value_source(key.name), in_file) {
            (Some(ValueSource::CommandLine), _) => Source::Flag,
            (Some(ValueSource::EnvVariable), _) => Source::Env(
                arg.get_env()
                    .map(|v| v.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            ),
            (Some(ValueSource::DefaultValue), Some(entry)) => Source::File(entry.line),
            (Some(_), _) => Source::Default,
            (None, _) => Source::Unset,
        };
        settings.push(Resolved {
            key,
            value,
            source,
            text: !takes_number(arg),
        });
    }
    Ok(Sources {
        file: loaded.map(|l| l.path.clone()),
        settings,
    })
}

/// The values that cannot go together, whatever each came from.
fn check(sources: &Sources) -> anyhow::Result<()> {
    let (manifest, uncompressed) = (
        sources.number("max_manifest_bytes"),
        sources.number("max_uncompressed_bytes"),
    );
    if let (Some(manifest), Some(uncompressed)) = (manifest, uncompressed)
        && manifest > uncompressed
    {
        anyhow::bail!(
            "{} = {manifest} is larger than {} = {uncompressed}: `publish.yaml` is one of the \
             zip's entries, so no zip could pass both",
            sources.origin("max_manifest_bytes"),
            sources.origin("max_uncompressed_bytes"),
        );
    }
    for (one, other) in [
        ("s3_access_key_id", "s3_secret_access_key"),
        ("s3_secret_access_key", "s3_access_key_id"),
    ] {
        if sources.is_set(one) && !sources.is_set(other) {
            anyhow::bail!(
                "{} is set but [output] {other} is not: an S3 key needs both halves",
                sources.origin(one)
            );
        }
    }
    if sources.is_set("purge_token") && !sources.is_set("purge_url") {
        anyhow::bail!(
            "{} is set but [output] purge_url is not: the token is sent to the purge webhook",
            sources.origin("purge_token")
        );
    }
    Ok(())
}

/// The flag a key is (`max_zip_bytes` is `--max-zip-bytes`).
fn flag_of(name: &str) -> String {
    format!("--{}", name.replace('_', "-"))
}

/// A clap error in one line, without its "error:" and hints.
fn reason(error: &clap::Error) -> String {
    error
        .to_string()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("For more information"))
        .map(|l| l.strip_prefix("error: ").unwrap_or(l))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Runs `shelf config`.
///
/// # Errors
/// Never; the configuration was read and checked before.
pub fn run(command: &Command, sources: &Sources) -> anyhow::Result<()> {
    match command {
        Command::Show => print!("{}", show(sources)),
        Command::Example => print!("{}", example()),
    }
    Ok(())
}

/// `text` in lines of at most `width` characters (a longer word stays whole); its own line
/// breaks are kept.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.lines() {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            if !line.is_empty() && line.len() + 1 + word.len() > width {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(line);
    }
    lines
}

/// A value as TOML: a number bare, text quoted.
fn toml_value(value: &str, text: bool) -> String {
    if text {
        format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
    } else {
        value.to_owned()
    }
}

/// The text `shelf config show` prints: the file as it would have to be written to give
/// the same configuration, each line saying where its value came from.
#[must_use]
pub fn show(sources: &Sources) -> String {
    let mut out = String::new();
    match &sources.file {
        Some(file) => {
            let _ = writeln!(out, "# Configuration file: {}", file.display());
        }
        None => {
            let _ = writeln!(
                out,
                "# No configuration file (DATA/shelf.toml or --config)."
            );
        }
    }
    for (section, _) in SECTIONS {
        let _ = write!(out, "\n[{section}]\n");
        for resolved in sources.settings.iter().filter(|r| r.key.section == section) {
            let name = resolved.key.name;
            let Some(value) = &resolved.value else {
                let _ = writeln!(out, "# {name}: not set");
                continue;
            };
            let shown = if resolved.key.secret {
                "\"(hidden)\"".to_owned()
            } else {
                toml_value(value, resolved.text)
            };
            let from = match &resolved.source {
                Source::Flag => format!("flag {}", flag_of(name)),
                Source::Env(var) => format!("environment {var}"),
                Source::File(line) => format!("file {}:{line}", sources.file_shown()),
                Source::Default | Source::Unset => "default".to_owned(),
            };
            let _ = writeln!(out, "{name} = {shown}  # {from}");
        }
    }
    out
}

/// `shelf config example`: every section and key, each with its flag's help, set to its
/// default (or commented out when it has none), made from the flags' definitions.
#[must_use]
pub fn example() -> String {
    let command = Cli::command();
    let mut out = String::from(
        "# shelf.toml: the configuration of a Shelf registry. Put it in the data directory \
         (DATA/shelf.toml)\n\
         # or name it with --config FILE or SHELF_CONFIG. Every key is a flag of the same \
         name\n\
         # ([limits] max_zip_bytes is --max-zip-bytes): a flag wins over its environment \
         variable,\n\
         # which wins over this file, which wins over the default. Unknown keys, wrong types \
         and\n\
         # impossible values are refused at start. Generated by `shelf config example`.\n",
    );
    for (section, about) in SECTIONS {
        let _ = write!(out, "\n# {about}\n[{section}]\n");
        for key in KEYS.iter().filter(|k| k.section == section) {
            let Some(arg) = flag(&command, key) else {
                continue;
            };
            out.push('\n');
            let help = arg
                .get_long_help()
                .or_else(|| arg.get_help())
                .map(ToString::to_string)
                .unwrap_or_default();
            for line in wrap(&help, 88) {
                let _ = writeln!(out, "{}", format!("# {line}").trim_end());
            }
            if let Some(var) = arg.get_env() {
                let _ = writeln!(out, "# (environment: {})", var.to_string_lossy());
            }
            let text = !takes_number(arg);
            let default = arg
                .get_default_values()
                .first()
                .map(|v| v.to_string_lossy().into_owned());
            match default {
                Some(value) if key.name != DATA_KEY => {
                    let _ = writeln!(out, "{} = {}", key.name, toml_value(&value, text));
                }
                Some(value) => {
                    let _ = writeln!(
                        out,
                        "# (only in a file named by --config)\n# {} = {}",
                        key.name,
                        toml_value(&value, text)
                    );
                }
                None => {
                    let hint = arg
                        .get_value_names()
                        .and_then(|names| names.first())
                        .map_or_else(|| key.name.to_uppercase(), ToString::to_string);
                    let _ = writeln!(out, "# {} = {}", key.name, toml_value(&hint, text));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
