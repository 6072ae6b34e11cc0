//! Scopes: what a token or API key may do, as a subset of what its user may do.
//!
//! A scope is `*` (everything the user may do), `admin` (the administrator's actions, for an
//! administrator), or `ACTION:GLOB` with ACTION one of `publish`, `yank`, `delete`,
//! `maintainers` and GLOB `*`, `prefix*` or a package name. Names are compared in canonical
//! form (`_` is `-`), so `publish:fc_*` and `publish:fc-*` are the same scope.
//!
//! Scopes only ever narrow: whether the user may act on a package at all (is a maintainer,
//! is an administrator) is decided by the caller of [`Scopes::allows`].

/// The grammar, for error messages.
const GRAMMAR: &str = "a scope is `*`, `admin`, or ACTION:GLOB with ACTION one of publish, yank, \
                       delete, maintainers and GLOB `*`, `prefix*` or a package name";

/// The most scopes one credential may carry.
pub const MAX_SCOPES: usize = 64;

/// The longest glob accepted (a package name is at most 64 bytes, plus a `*`).
const MAX_GLOB_LEN: usize = 65;

/// Something a credential may be allowed to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Publish a new version.
    Publish,
    /// Yank or un-yank a version.
    Yank,
    /// Delete a version or a package.
    Delete,
    /// Add or remove maintainers.
    Maintainers,
    /// Registry-wide administration (the audit log); never tied to a package.
    Admin,
}

impl Action {
    /// The action's name in scopes and messages.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Publish => "publish",
            Action::Yank => "yank",
            Action::Delete => "delete",
            Action::Maintainers => "maintainers",
            Action::Admin => "admin",
        }
    }

    /// The action a scope's ACTION names; `admin` is a scope of its own, not an ACTION.
    fn for_package(name: &str) -> Option<Self> {
        match name {
            "publish" => Some(Action::Publish),
            "yank" => Some(Action::Yank),
            "delete" => Some(Action::Delete),
            "maintainers" => Some(Action::Maintainers),
            _ => None,
        }
    }
}

/// Which packages an `ACTION:GLOB` scope covers. Strings are kept as written; matching
/// canonicalises both sides.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Glob {
    /// `*`: every package.
    Any,
    /// `prefix*`: names starting with the prefix.
    Prefix(String),
    /// A package name.
    Exact(String),
}

impl Glob {
    fn matches(&self, canonical_package: &str) -> bool {
        match self {
            Glob::Any => true,
            Glob::Prefix(prefix) => canonical_package.starts_with(&canonical(prefix)),
            Glob::Exact(name) => canonical_package == canonical(name),
        }
    }
}

/// One parsed scope.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Scope {
    /// `*`.
    All,
    /// `admin`.
    Admin,
    /// `ACTION:GLOB`.
    Grant { action: Action, glob: Glob },
}

impl Scope {
    fn parse(raw: &str) -> Result<Self, ScopeError> {
        let invalid = |reason: &'static str| ScopeError::Invalid {
            scope: raw.to_owned(),
            reason,
        };
        match raw {
            "*" => return Ok(Scope::All),
            "admin" => return Ok(Scope::Admin),
            _ => {}
        }
        let (action, glob) = raw
            .split_once(':')
            .ok_or_else(|| invalid("it is neither `*`, `admin` nor ACTION:GLOB"))?;
        let action = Action::for_package(action).ok_or_else(|| invalid("unknown ACTION"))?;
        let (stem, is_prefix) = match glob.strip_suffix('*') {
            Some(stem) => (stem, true),
            None => (glob, false),
        };
        if stem.is_empty() && !is_prefix {
            return Err(invalid("the GLOB is empty"));
        }
        if glob.len() > MAX_GLOB_LEN {
            return Err(invalid("the GLOB is longer than a package name can be"));
        }
        // Only package-name characters: a `*` inside the glob, a `/` or an uppercase letter
        // would be a pattern this grammar does not have, and silently matching nothing is
        // worse than saying so.
        if !stem
            .bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-' || c == b'_')
        {
            return Err(invalid(
                "the GLOB may only hold lowercase letters, digits, '-', '_' and a final '*'",
            ));
        }
        let glob = match (stem.is_empty(), is_prefix) {
            (true, _) => Glob::Any,
            (false, true) => Glob::Prefix(stem.to_owned()),
            (false, false) => Glob::Exact(stem.to_owned()),
        };
        Ok(Scope::Grant { action, glob })
    }

    fn allows(&self, action: Action, canonical_package: &str) -> bool {
        match self {
            Scope::All => true,
            Scope::Admin => action == Action::Admin,
            Scope::Grant {
                action: granted,
                glob,
            } => *granted == action && action != Action::Admin && glob.matches(canonical_package),
        }
    }

    fn to_text(&self) -> String {
        match self {
            Scope::All => "*".to_owned(),
            Scope::Admin => "admin".to_owned(),
            Scope::Grant { action, glob } => match glob {
                Glob::Any => format!("{}:*", action.as_str()),
                Glob::Prefix(prefix) => format!("{}:{prefix}*", action.as_str()),
                Glob::Exact(name) => format!("{}:{name}", action.as_str()),
            },
        }
    }
}

fn canonical(name: &str) -> String {
    name.replace('_', "-")
}

/// Why a list of scopes was refused. Every message names the bad scope and the grammar.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScopeError {
    /// No scopes at all.
    #[error("at least one scope is required; {GRAMMAR}")]
    Empty,
    /// More than [`MAX_SCOPES`].
    #[error("{count} scopes given; the limit is {MAX_SCOPES}")]
    TooMany {
        /// How many were given.
        count: usize,
    },
    /// A scope outside the grammar.
    #[error("invalid scope {scope:?}: {reason}; {GRAMMAR}")]
    Invalid {
        /// The scope as given.
        scope: String,
        /// What is wrong with it.
        reason: &'static str,
    },
}

/// The scopes of one credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scopes(Vec<Scope>);

impl Scopes {
    /// `*`: everything the user may do (login tokens).
    #[must_use]
    pub fn all() -> Self {
        Scopes(vec![Scope::All])
    }

    /// Parses scopes as stored or as sent by a client.
    ///
    /// # Errors
    /// [`ScopeError`] for an empty list, too many scopes, or the first scope outside the
    /// grammar.
    pub fn parse(list: &[String]) -> Result<Self, ScopeError> {
        if list.is_empty() {
            return Err(ScopeError::Empty);
        }
        if list.len() > MAX_SCOPES {
            return Err(ScopeError::TooMany { count: list.len() });
        }
        list.iter()
            .map(|raw| Scope::parse(raw))
            .collect::<Result<_, _>>()
            .map(Scopes)
    }

    /// Whether these scopes allow `action` on `package` (a canonical name, or `""` for
    /// [`Action::Admin`]). The package is canonicalised again, so a raw name works too.
    #[must_use]
    pub fn allows(&self, action: Action, package: &str) -> bool {
        let package = canonical(package);
        self.0.iter().any(|scope| scope.allows(action, &package))
    }

    /// The scopes as strings, in the order given; [`Scopes::parse`] reads them back.
    #[must_use]
    pub fn to_strings(&self) -> Vec<String> {
        self.0.iter().map(Scope::to_text).collect()
    }

    /// Whether these are all the user's rights (`*` is among them).
    #[must_use]
    pub fn is_all(&self) -> bool {
        self.0.contains(&Scope::All)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scopes(list: &[&str]) -> Scopes {
        let list: Vec<String> = list.iter().map(|s| (*s).to_owned()).collect();
        Scopes::parse(&list).unwrap_or_else(|e| panic!("{list:?}: {e}"))
    }

    #[test]
    fn allows_by_action_and_glob() {
        use Action::*;
        let cases: &[(&[&str], Action, &str, bool)] = &[
            (&["*"], Publish, "anything", true),
            (&["*"], Admin, "", true),
            (&["admin"], Admin, "", true),
            (&["admin"], Publish, "hello", false),
            (&["publish:*"], Publish, "hello", true),
            (&["publish:*"], Yank, "hello", false),
            (&["publish:*"], Admin, "", false),
            (&["publish:fc-*"], Publish, "fc-http", true),
            (&["publish:fc-*"], Publish, "fc-", true),
            (&["publish:fc-*"], Publish, "fc", false),
            (&["publish:fc-*"], Publish, "fcx-http", false),
            (&["publish:fc_*"], Publish, "fc-http", true),
            (&["publish:fc-*"], Publish, "fc_http", true),
            (&["publish:hello"], Publish, "hello", true),
            (&["publish:hello"], Publish, "hello2", false),
            (&["publish:my_pkg"], Publish, "my-pkg", true),
            (&["yank:hello", "delete:hello"], Delete, "hello", true),
            (&["yank:hello", "delete:hello"], Publish, "hello", false),
            (&["maintainers:hello*"], Maintainers, "hello-world", true),
        ];
        for (list, action, package, want) in cases {
            assert_eq!(
                scopes(list).allows(*action, package),
                *want,
                "{list:?} {action:?} {package:?}"
            );
        }
    }

    #[test]
    fn refuses_what_is_outside_the_grammar() {
        let cases: &[(&[&str], &str)] = &[
            (&[], "at least one scope is required"),
            (&[""], "invalid scope \"\""),
            (&["publish"], "neither `*`, `admin` nor ACTION:GLOB"),
            (&["publish:"], "the GLOB is empty"),
            (&["admin:*"], "unknown ACTION"),
            (&["push:*"], "unknown ACTION"),
            (&["Publish:*"], "unknown ACTION"),
            (&["publish:fc*x"], "may only hold"),
            (&["publish:*fc"], "may only hold"),
            (&["publish:Hello"], "may only hold"),
            (&["publish:a/b"], "may only hold"),
            (&["publish: hello"], "may only hold"),
            (&["publish:**"], "may only hold"),
            (&["publish:hello", "all"], "invalid scope \"all\""),
        ];
        for (list, want) in cases {
            let list: Vec<String> = list.iter().map(|s| (*s).to_owned()).collect();
            let message = Scopes::parse(&list)
                .expect_err(&format!("{list:?} is refused"))
                .to_string();
            assert!(message.contains(want), "{list:?}: {message}");
            assert!(
                message.contains("ACTION:GLOB"),
                "names the grammar: {message}"
            );
        }
        let long = format!("publish:{}", "a".repeat(66));
        assert!(Scopes::parse(&[long]).is_err());
        let many = vec!["publish:*".to_owned(); MAX_SCOPES + 1];
        assert_eq!(
            Scopes::parse(&many),
            Err(ScopeError::TooMany {
                count: MAX_SCOPES + 1
            })
        );
    }

    #[test]
    fn round_trips_and_reports_breadth() {
        let list = ["publish:fc_*", "yank:hello", "delete:*", "admin", "*"];
        let parsed = scopes(&list);
        assert_eq!(parsed.to_strings(), list);
        assert_eq!(Scopes::parse(&parsed.to_strings()), Ok(parsed.clone()));
        assert!(parsed.is_all());
        assert_eq!(scopes(&["*"]), Scopes::all());
        assert!(!scopes(&["publish:*"]).is_all());
    }
}
