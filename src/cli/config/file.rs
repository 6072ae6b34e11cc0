//! Finding and reading `shelf.toml`: every value checked against its flag (type, range,
//! choices) with the file, line and key named in the refusal.

use std::{
    ffi::OsStr,
    path::{Path, PathBuf},
};

use anyhow::{Context as _, bail};
use clap::ArgMatches;
use toml_edit::{Document, Item, Value};

use super::{DATA_KEY, KEYS, Key, SECTIONS, flag, reason, takes_number};
use crate::config::CONFIG_FILE;

/// A read configuration file.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// Where it was read from.
    pub path: PathBuf,
    /// Its values, each checked by its flag's parser.
    pub entries: Vec<Entry>,
}

/// One value of the file.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Its key.
    pub key: &'static Key,
    /// The value as its flag would be given it.
    pub value: String,
    /// The line it is on (from 1).
    pub line: usize,
}

/// The file a command line names (`--config`, `SHELF_CONFIG`: `true`), else
/// `DATA/shelf.toml` when it exists (`false`).
pub fn locate(matches: &ArgMatches) -> Option<(PathBuf, bool)> {
    if let Some(named) = matches.get_one::<PathBuf>("config") {
        return Some((named.clone(), true));
    }
    let data = matches.get_one::<PathBuf>("data")?;
    let path = data.join(CONFIG_FILE);
    path.is_file().then_some((path, false))
}

/// The line (from 1) that byte `at` of `text` is on.
fn line_of(text: &str, at: usize) -> usize {
    text.get(..at)
        .map_or(0, |before| before.matches('\n').count())
        + 1
}

/// Reads and checks the file at `path`; `named` when `--config` or `SHELF_CONFIG` named
/// it (only such a file may set `data`).
///
/// # Errors
/// The file cannot be read or is not TOML; an unknown section or key; a value of the wrong
/// type or refused by its flag; `data` in `DATA/shelf.toml`. Each names file, line and key.
pub fn load(path: &Path, named: bool, command: &clap::Command) -> anyhow::Result<Loaded> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the configuration file {}", path.display()))?;
    let shown = path.display();
    let document = Document::parse(text.as_str()).map_err(|e| {
        let line = e.span().map_or(1, |span| line_of(&text, span.start));
        anyhow::anyhow!("{shown}:{line}: not valid TOML: {}", e.message().trim())
    })?;
    let sections: Vec<&str> = SECTIONS.iter().map(|(name, _)| *name).collect();
    let mut entries = Vec::new();
    for (section, item) in document.iter() {
        let at = |span: Option<std::ops::Range<usize>>| span.map_or(1, |s| line_of(&text, s.start));
        let section_line = at(document.as_table().key(section).and_then(|k| k.span()));
        if !item.is_table_like() {
            bail!(
                "{shown}:{section_line}: `{section}` is outside any section; every key belongs \
                 in one ({})",
                listed(&sections)
            );
        }
        if !sections.contains(&section) {
            bail!(
                "{shown}:{section_line}: unknown section [{section}]; the sections are {}",
                listed(&sections)
            );
        }
        let Some(table) = item.as_table_like() else {
            continue;
        };
        for (name, value) in table.iter() {
            let line = table
                .get_key_value(name)
                .and_then(|(k, _)| k.span())
                .or_else(|| value.span())
                .map_or(section_line, |s| line_of(&text, s.start));
            let place = format!("{shown}:{line}: [{section}] {name}");
            let Some(key) = KEYS.iter().find(|k| k.section == section && k.name == name) else {
                let known: Vec<&str> = KEYS
                    .iter()
                    .filter(|k| k.section == section)
                    .map(|k| k.name)
                    .collect();
                let elsewhere = KEYS
                    .iter()
                    .find(|k| k.name == name)
                    .map(|k| format!(" (`{name}` belongs in [{}])", k.section))
                    .unwrap_or_default();
                bail!(
                    "{place}: unknown key{elsewhere}; the keys of [{section}] are {}",
                    known.join(", ")
                );
            };
            if key.name == DATA_KEY && !named {
                bail!(
                    "{place}: the data directory cannot be set by the file inside it; give \
                     --data, or name a file outside it with --config"
                );
            }
            let arg = flag(command, key).with_context(|| format!("{place}: no such flag"))?;
            let number = takes_number(arg);
            let value = match (value, number) {
                (Item::Value(Value::Integer(n)), true) if *n.value() >= 0 => n.value().to_string(),
                (Item::Value(Value::Integer(n)), true) => {
                    bail!("{place} = {}: must not be negative", n.value())
                }
                (Item::Value(Value::String(s)), false) => s.value().clone(),
                (other, _) => bail!(
                    "{place}: expected {}, found {}",
                    if number { "an integer" } else { "a string" },
                    describe(other)
                ),
            };
            if let Err(e) = parses(arg, &value) {
                let shown = super::toml_value(&value, !number);
                bail!("{place} = {shown}: {}", reason(&e));
            }
            entries.push(Entry { key, value, line });
        }
    }
    Ok(Loaded {
        path: path.to_owned(),
        entries,
    })
}

/// Whether `arg` takes `value`, as its flag would (range, choices, format).
fn parses(arg: &clap::Arg, value: &str) -> Result<(), clap::Error> {
    let long = arg.get_long().unwrap_or(arg.get_id().as_str());
    let given = format!("--{long}={value}");
    clap::Command::new("shelf")
        .arg(arg.clone())
        .try_get_matches_from([OsStr::new("shelf"), OsStr::new(&given)])
        .map(drop)
}

/// `[server], [storage], …`.
fn listed(sections: &[&str]) -> String {
    let names: Vec<String> = sections.iter().map(|s| format!("[{s}]")).collect();
    names.join(", ")
}

/// What kind of TOML item this is, for a refusal.
fn describe(item: &Item) -> &'static str {
    match item {
        Item::Value(Value::String(_)) => "a string",
        Item::Value(Value::Integer(_)) => "an integer",
        Item::Value(Value::Float(_)) => "a float",
        Item::Value(Value::Boolean(_)) => "a boolean",
        Item::Value(Value::Datetime(_)) => "a date",
        Item::Value(Value::Array(_)) | Item::ArrayOfTables(_) => "an array",
        Item::Value(Value::InlineTable(_)) | Item::Table(_) => "a table",
        Item::None => "nothing",
    }
}
