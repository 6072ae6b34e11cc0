//! Scopes: what a token or API key may do, as a subset of what its user may do.
//!
//! A scope is `*` (everything the user may do), `admin` (the administrator's actions, for an
//! administrator), or `[PROTOCOL:]ACTION:GLOB` with ACTION one of `publish`, `yank`,
//! `delete`, `maintainers` and GLOB `*`, `prefix*` or a package name (`@acme/*` for an npm
//! scope). Without a PROTOCOL (`npm`, `serverless`) a scope covers every protocol's
//! packages of that name: one token works everywhere. Serverless names are compared in
//! canonical form (`_` is `-`), so `publish:fc_*` and `publish:fc-*` are the same scope
//! there; other protocols' names are compared as written.
//!
//! Scopes only ever narrow: whether the user may act on a package at all (is a maintainer,
//! is an administrator) is decided by the caller of [`Scopes::allows`].

/// The grammar, for error messages.
const GRAMMAR: &str = "a scope is `*`, `admin`, or [PROTOCOL:]ACTION:GLOB with ACTION one of \
                       publish, yank, delete, maintainers and GLOB `*`, `prefix*` or a package \
                       name";

/// The protocol whose names are compared in canonical form (`_` as `-`).
const CANONICALISED: &str = "serverless";

/// The most scopes one credential may carry.
pub const MAX_SCOPES: usize = 64;

/// The longest glob accepted (an npm name is at most 214 bytes, plus a `*`).
const MAX_GLOB_LEN: usize = 215;

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
    /// Whether `package` (canonical when `canonicalised`) matches.
    fn matches(&self, package: &str, canonicalised: bool) -> bool {
        let form = |text: &str| {
            if canonicalised {
                canonical(text)
            } else {
                text.to_owned()
            }
        };
        match self {
            Glob::Any => true,
            Glob::Prefix(prefix) => package.starts_with(&form(prefix)),
            Glob::Exact(name) => package == form(name),
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
    /// `[PROTOCOL:]ACTION:GLOB`.
    Grant {
        protocol: Option<String>,
        action: Action,
        glob: Glob,
    },
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
        let parts: Vec<&str> = raw.split(':').collect();
        let (protocol, action, glob) = match parts.as_slice() {
            [action, glob] => (None, *action, *glob),
            [protocol, action, glob] => (Some(*protocol), *action, *glob),
            _ => {
                return Err(invalid(
                    "it is neither `*`, `admin` nor [PROTOCOL:]ACTION:GLOB",
                ));
            }
        };
        if let Some(protocol) = protocol
            && (protocol.is_empty() || !protocol.bytes().all(|c| c.is_ascii_lowercase()))
        {
            return Err(invalid("a PROTOCOL is a lowercase word such as npm"));
        }
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
        // Only package-name characters: a `*` inside the glob or an uppercase letter would be
        // a pattern this grammar does not have, and silently matching nothing is worse than
        // saying so. `@`, `/` and `.` are npm's (`@acme/*`, `lodash.merge`).
        let allowed = |c: u8| c.is_ascii_lowercase() || c.is_ascii_digit() || b"-_.@/".contains(&c);
        if !stem.bytes().all(allowed) {
            return Err(invalid(
                "the GLOB may only hold lowercase letters, digits, '-', '_', '.', '@', '/' and \
                 a final '*'",
            ));
        }
        let glob = match (stem.is_empty(), is_prefix) {
            (true, _) => Glob::Any,
            (false, true) => Glob::Prefix(stem.to_owned()),
            (false, false) => Glob::Exact(stem.to_owned()),
        };
        Ok(Scope::Grant {
            protocol: protocol.map(str::to_owned),
            action,
            glob,
        })
    }

    fn allows(&self, action: Action, protocol: &str, package: &str) -> bool {
        match self {
            Scope::All => true,
            Scope::Admin => action == Action::Admin,
            Scope::Grant {
                protocol: only,
                action: granted,
                glob,
            } => {
                *granted == action
                    && action != Action::Admin
                    && only.as_deref().is_none_or(|only| only == protocol)
                    && glob.matches(package, protocol == CANONICALISED)
            }
        }
    }

    fn to_text(&self) -> String {
        match self {
            Scope::All => "*".to_owned(),
            Scope::Admin => "admin".to_owned(),
            Scope::Grant {
                protocol,
                action,
                glob,
            } => {
                let qualifier = protocol
                    .as_deref()
                    .map_or_else(String::new, |p| format!("{p}:"));
                match glob {
                    Glob::Any => format!("{qualifier}{}:*", action.as_str()),
                    Glob::Prefix(prefix) => format!("{qualifier}{}:{prefix}*", action.as_str()),
                    Glob::Exact(name) => format!("{qualifier}{}:{name}", action.as_str()),
                }
            }
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

    /// Whether these scopes allow `action` on the Serverless package `package` (a
    /// canonical name, or `""` for [`Action::Admin`]). The package is canonicalised again,
    /// so a raw name works too.
    #[must_use]
    pub fn allows(&self, action: Action, package: &str) -> bool {
        self.allows_in(CANONICALISED, action, package)
    }

    /// Whether these scopes allow `action` on `protocol`'s package `package`.
    #[must_use]
    pub fn allows_in(&self, protocol: &str, action: Action, package: &str) -> bool {
        let package = if protocol == CANONICALISED {
            canonical(package)
        } else {
            package.to_owned()
        };
        self.0
            .iter()
            .any(|scope| scope.allows(action, protocol, &package))
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
    fn protocols_qualify_scopes_and_npm_names_are_globs() {
        let parse = |list: &[&str]| {
            Scopes::parse(&list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>()).expect("valid")
        };
        let npm = parse(&["npm:publish:@acme/*"]);
        assert!(npm.allows_in("npm", Action::Publish, "@acme/widget"));
        assert!(!npm.allows_in("npm", Action::Publish, "@other/widget"));
        assert!(!npm.allows_in("serverless", Action::Publish, "@acme/widget"));
        assert!(!npm.allows(Action::Publish, "acme"));
        let any = parse(&["publish:hello*"]);
        assert!(any.allows(Action::Publish, "hello_world"), "canonical");
        assert!(any.allows_in("npm", Action::Publish, "hello-there"));
        assert!(
            !parse(&["publish:my_pkg"]).allows_in("npm", Action::Publish, "my-pkg"),
            "npm names are compared as written"
        );
        assert_eq!(npm.to_strings(), ["npm:publish:@acme/*"]);
    }

    #[test]
    fn refuses_what_is_outside_the_grammar() {
        let cases: &[(&[&str], &str)] = &[
            (&[], "at least one scope is required"),
            (&[""], "invalid scope \"\""),
            (
                &["publish"],
                "neither `*`, `admin` nor [PROTOCOL:]ACTION:GLOB",
            ),
            (
                &["npm:publish:a:b"],
                "neither `*`, `admin` nor [PROTOCOL:]ACTION:GLOB",
            ),
            (&["NPM:publish:*"], "a PROTOCOL is a lowercase word"),
            (&["publish:"], "the GLOB is empty"),
            (&["admin:*"], "unknown ACTION"),
            (&["push:*"], "unknown ACTION"),
            (&["Publish:*"], "unknown ACTION"),
            (&["publish:fc*x"], "may only hold"),
            (&["publish:*fc"], "may only hold"),
            (&["publish:Hello"], "may only hold"),
            (&["publish:a\\b"], "may only hold"),
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
        let long = format!("publish:{}", "a".repeat(216));
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
