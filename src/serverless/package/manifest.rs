//! `publish.yaml`: the package's own description of itself (Serverless Package Model).
//!
//! Parsing goes through a generic YAML value first so that every type error can name the key
//! that is wrong; the YAML parser itself bounds nesting depth and alias expansion, which is
//! what stops "billion laughs" and deeply nested documents. Its tokenizer is quadratic in
//! the nesting of flow collections, though, and runs before those bounds are consulted, so
//! [`MAX_FLOW_WORK`] refuses such documents before they reach it.

use serde_json::{Map, Value};
use serde_yaml_ng::Value as Yaml;

use super::{NameError, PackageName, Version, VersionError};

/// The kinds of package the Serverless Devs tooling knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum PackageType {
    Component,
    Plugin,
    Project,
    Application,
}

impl PackageType {
    /// The spelling used in `publish.yaml` and in every document Shelf writes.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            PackageType::Component => "Component",
            PackageType::Plugin => "Plugin",
            PackageType::Project => "Project",
            PackageType::Application => "Application",
        }
    }

    /// The type spelled `raw`, in any case: the specification's schema stores `component`,
    /// the v3 tooling writes `Component`; both mean the same, and Shelf writes the latter.
    #[must_use]
    pub fn parse(raw: &str) -> Option<Self> {
        [
            Self::Component,
            Self::Plugin,
            Self::Project,
            Self::Application,
        ]
        .into_iter()
        .find(|t| t.as_str().eq_ignore_ascii_case(raw))
    }
}

/// A checked `publish.yaml`. Optional text fields are empty when absent.
#[derive(Debug, Clone, PartialEq)]
pub struct Manifest {
    /// `Edition`: the package model's edition, `3.0.0` for v3 packages.
    pub edition: String,
    /// `Type`.
    pub kind: PackageType,
    /// `Name`.
    pub name: PackageName,
    /// `Version`.
    pub version: Version,
    /// `Provider`: cloud names.
    pub provider: Vec<String>,
    /// `Description`.
    pub description: String,
    /// `HomePage`.
    pub home: String,
    /// `Tags`.
    pub tags: Vec<String>,
    /// `Category`.
    pub category: String,
    /// `Effective`: `Public`, `Private` or `Organization`.
    pub effective: String,
    /// `Service`: service name to its authorities.
    pub service: Map<String, Value>,
    /// `Commands`: command to description.
    pub commands: Map<String, Value>,
    /// `Properties`: JSON-Schema-like inputs.
    pub properties: Map<String, Value>,
    /// `Parameters`: JSON-Schema-like inputs (applications).
    pub parameters: Map<String, Value>,
    /// `Dependencies`: package name to version requirement, when the package declares any.
    pub dependencies: Map<String, Value>,
}

/// Why a `publish.yaml` was refused.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    #[error("publish.yaml is not valid YAML: {0}")]
    Yaml(#[source] serde_yaml_ng::Error),
    #[error("publish.yaml must be a mapping of keys to values")]
    NotAMapping,
    #[error("publish.yaml is missing the required field {0}")]
    Missing(&'static str),
    #[error("publish.yaml field {field} must be {expected}")]
    WrongType {
        field: &'static str,
        expected: &'static str,
    },
    #[error("publish.yaml field Type must be Component, Plugin, Project or Application, not {0:?}")]
    UnknownType(String),
    #[error("publish.yaml field Name is invalid: {0}")]
    Name(#[source] NameError),
    #[error("publish.yaml field Version is invalid: {0}")]
    Version(#[source] VersionError),
    #[error("publish.yaml field {field} has a key that is not a string")]
    NonStringKey { field: &'static str },
    #[error(
        "publish.yaml has too many '[' and '{{' for its size to be parsed safely; write nested \
         lists and mappings in block style"
    )]
    TooManyFlowCollections,
}

/// The most work, in [`flow_work`] units, the YAML tokenizer may be given.
///
/// libyaml (under serde_yaml_ng) keeps one entry per open flow collection (`[`, `{`) and
/// walks all of them for every token, so 100,000 nested brackets (200 KB) cost it 30 s before
/// serde_yaml_ng's depth limit of 128 is ever checked. Limiting the nesting itself would need
/// a second YAML tokenizer that agrees with libyaml about quotes and comments, and any
/// disagreement would be a way past the check; instead this bounds the walk from above
/// without tokenizing: every open flow collection starts at a `[` or `{` byte, so at any byte
/// the walk is at most the number of those bytes before it. 2^26 units cost a fraction of a
/// second; a manifest of 64 KiB may hold 1,000 brackets anywhere in it, so only documents
/// built to be expensive (or megabytes of flow style) are refused.
pub const MAX_FLOW_WORK: u64 = 1 << 26;

/// An upper bound on the tokenizer's walk: the sum, over every byte, of the `[` and `{`
/// bytes before it.
fn flow_work(bytes: &[u8]) -> u64 {
    let mut opened: u64 = 0;
    let mut work: u64 = 0;
    for &byte in bytes {
        work = work.saturating_add(opened);
        if byte == b'[' || byte == b'{' {
            opened += 1;
        }
    }
    work
}

/// Parses and checks a `publish.yaml`.
///
/// # Errors
/// [`ManifestError`] naming the first field that is missing or of the wrong type.
pub fn parse(bytes: &[u8]) -> Result<Manifest, ManifestError> {
    if flow_work(bytes) > MAX_FLOW_WORK {
        return Err(ManifestError::TooManyFlowCollections);
    }
    let doc: Yaml = serde_yaml_ng::from_slice(bytes).map_err(ManifestError::Yaml)?;
    let Yaml::Mapping(map) = doc else {
        return Err(ManifestError::NotAMapping);
    };
    let get = |key: &str| map.get(key).filter(|v| !v.is_null());

    let required = |field: &'static str| -> Result<String, ManifestError> {
        text(field, get(field))?.ok_or(ManifestError::Missing(field))
    };
    let name = PackageName::parse(&required("Name")?).map_err(ManifestError::Name)?;
    let version = Version::parse(&required("Version")?).map_err(ManifestError::Version)?;
    let type_raw = required("Type")?;
    let kind = PackageType::parse(&type_raw).ok_or(ManifestError::UnknownType(type_raw))?;

    Ok(Manifest {
        edition: text("Edition", get("Edition"))?.unwrap_or_default(),
        kind,
        name,
        version,
        provider: list("Provider", get("Provider"))?,
        description: text("Description", get("Description"))?.unwrap_or_default(),
        home: text("HomePage", get("HomePage"))?.unwrap_or_default(),
        tags: list("Tags", get("Tags"))?,
        category: text("Category", get("Category"))?.unwrap_or_default(),
        effective: text("Effective", get("Effective"))?.unwrap_or_default(),
        service: object("Service", get("Service"))?,
        commands: object("Commands", get("Commands"))?,
        properties: object("Properties", get("Properties"))?,
        parameters: object("Parameters", get("Parameters"))?,
        dependencies: object("Dependencies", get("Dependencies"))?,
    })
}

/// A scalar read as text. Numbers and booleans are accepted and kept as written, because
/// authors write `Version: 0.1` or `Edition: 3.0.0` without quotes and YAML types them.
fn text(field: &'static str, value: Option<&Yaml>) -> Result<Option<String>, ManifestError> {
    match value {
        None => Ok(None),
        Some(Yaml::String(s)) => Ok(Some(s.clone())),
        Some(Yaml::Number(n)) => Ok(Some(n.to_string())),
        Some(Yaml::Bool(b)) => Ok(Some(b.to_string())),
        Some(_) => Err(ManifestError::WrongType {
            field,
            expected: "text",
        }),
    }
}

/// A list of text. A single string is accepted as a one-item list (`Provider: alibaba`).
fn list(field: &'static str, value: Option<&Yaml>) -> Result<Vec<String>, ManifestError> {
    let wrong = || ManifestError::WrongType {
        field,
        expected: "a list of text",
    };
    match value {
        None => Ok(Vec::new()),
        Some(Yaml::String(s)) => Ok(vec![s.clone()]),
        Some(Yaml::Sequence(items)) => items
            .iter()
            .map(|item| {
                text(field, Some(item))
                    .map_err(|_| wrong())?
                    .ok_or_else(wrong)
            })
            .collect(),
        Some(_) => Err(wrong()),
    }
}

fn object(field: &'static str, value: Option<&Yaml>) -> Result<Map<String, Value>, ManifestError> {
    match value {
        None => Ok(Map::new()),
        Some(yaml @ Yaml::Mapping(_)) => match to_json(field, yaml)? {
            Value::Object(map) => Ok(map),
            _ => Err(ManifestError::WrongType {
                field,
                expected: "a mapping",
            }),
        },
        Some(_) => Err(ManifestError::WrongType {
            field,
            expected: "a mapping",
        }),
    }
}

fn to_json(field: &'static str, yaml: &Yaml) -> Result<Value, ManifestError> {
    Ok(match yaml {
        Yaml::Null => Value::Null,
        Yaml::Bool(b) => Value::Bool(*b),
        Yaml::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                // NaN and infinities have no JSON form; keep them as the text YAML gave.
                n.as_f64()
                    .and_then(serde_json::Number::from_f64)
                    .map_or_else(|| Value::String(n.to_string()), Value::Number)
            }
        }
        Yaml::String(s) => Value::String(s.clone()),
        Yaml::Sequence(items) => Value::Array(
            items
                .iter()
                .map(|i| to_json(field, i))
                .collect::<Result<_, _>>()?,
        ),
        Yaml::Mapping(map) => {
            let mut out = Map::new();
            for (k, v) in map {
                let key = match k {
                    Yaml::String(s) => s.clone(),
                    Yaml::Number(n) => n.to_string(),
                    Yaml::Bool(b) => b.to_string(),
                    _ => return Err(ManifestError::NonStringKey { field }),
                };
                out.insert(key, to_json(field, v)?);
            }
            Value::Object(out)
        }
        Yaml::Tagged(tagged) => to_json(field, &tagged.value)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const FULL: &str = r#"
Edition: 3.0.0
Type: Component
Name: fc-http
Version: 0.1.2-beta.1
Provider:
  - 阿里云
Description: An HTTP function
HomePage: https://example.com
Tags: [http, fc]
Category: 基础云服务
Service:
  函数计算:
    Authorities:
      - AliyunFCFullAccess
Commands:
  deploy: Deploy the function
Properties:
  region:
    type: string
    required: true
"#;

    #[test]
    fn reads_every_field() {
        let m = parse(FULL.as_bytes()).expect("valid manifest");
        assert_eq!(m.name.as_str(), "fc-http");
        assert_eq!(m.version.to_string(), "0.1.2-beta.1");
        assert_eq!(m.kind, PackageType::Component);
        assert_eq!(m.edition, "3.0.0");
        assert_eq!(m.provider, vec!["阿里云"]);
        assert_eq!(m.tags, vec!["http", "fc"]);
        assert_eq!(m.home, "https://example.com");
        assert_eq!(m.commands["deploy"], "Deploy the function");
        assert_eq!(m.properties["region"]["required"], true);
        assert_eq!(
            m.service["函数计算"]["Authorities"][0],
            "AliyunFCFullAccess"
        );
    }

    #[test]
    fn names_the_bad_field() {
        let cases: &[(&str, &str)] = &[
            (
                "Type: Component\nVersion: 1.0.0",
                "missing the required field Name",
            ),
            (
                "Name: a\nType: Component",
                "missing the required field Version",
            ),
            ("Name: a\nVersion: 1.0.0", "missing the required field Type"),
            (
                "Name: a\nVersion: 1.0.0\nType: Widget",
                "Type must be Component",
            ),
            (
                "Name: A\nVersion: 1.0.0\nType: Plugin",
                "field Name is invalid",
            ),
            (
                "Name: a\nVersion: 1.0\nType: Plugin",
                "field Version is invalid",
            ),
            (
                "Name: a\nVersion: 1.0.0\nType: Plugin\nTags: {a: 1}",
                "Tags must be a list",
            ),
            (
                "Name: [a]\nVersion: 1.0.0\nType: Plugin",
                "Name must be text",
            ),
            (
                "Name: a\nVersion: 1.0.0\nType: Plugin\nService: nope",
                "Service must be a mapping",
            ),
            ("- just\n- a list", "must be a mapping"),
            ("Name: a\n  bad: indent: here", "not valid YAML"),
        ];
        for (yaml, want) in cases {
            let err = parse(yaml.as_bytes()).expect_err(yaml).to_string();
            assert!(err.contains(want), "{yaml:?}: {err}");
        }
    }

    #[test]
    fn refuses_alias_bombs_and_deep_nesting() {
        let mut bomb = String::from("a: &a [x,x,x,x,x,x,x,x,x,x]\n");
        for i in 0..12 {
            let prev = if i == 0 {
                "a".to_string()
            } else {
                format!("l{}", i - 1)
            };
            bomb.push_str(&format!(
                "l{i}: &l{i} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
            ));
        }
        assert!(matches!(
            parse(bomb.as_bytes()),
            Err(ManifestError::Yaml(_))
        ));
        let deep = |depth: usize| {
            format!(
                "Name: a\nProperties: {}{}",
                "[".repeat(depth),
                "]".repeat(depth)
            )
        };
        // Past serde_yaml_ng's depth limit, within what the tokenizer may be given.
        assert!(matches!(
            parse(deep(200).as_bytes()),
            Err(ManifestError::Yaml(_))
        ));
        // Refused before the tokenizer, whose cost would grow with the square of the depth.
        assert!(matches!(
            parse(deep(10_000).as_bytes()),
            Err(ManifestError::TooManyFlowCollections)
        ));
    }

    #[test]
    fn flow_work_bounds_open_brackets_times_bytes() {
        assert_eq!(flow_work(b""), 0);
        assert_eq!(flow_work(b"[]"), 1);
        // Closing brackets (which may sit inside quotes) never lower the bound.
        assert_eq!(flow_work(b"[a]]][b"), 7);
        let legit = format!("{}{}", "Tags: [a, b]\n".repeat(1_000), "x".repeat(48 << 10));
        assert!(flow_work(legit.as_bytes()) <= MAX_FLOW_WORK);
    }
}
