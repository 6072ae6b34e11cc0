//! Package names: which are valid, which are reserved, and when two names are the same.

use std::fmt;

/// The longest name accepted, in bytes (names are ASCII).
pub const MAX_NAME_LEN: usize = 64;

/// Names that would collide with the registry's own paths: API routes, the registry-wide
/// folder, the v3 prefix, the other protocols' prefixes (`npm/`, OCI's `v2/`) and files the
/// site writes at its root. Compared after
/// canonicalisation, so `change-password` also blocks `change_password`.
const RESERVED: &[&str] = &[
    "-",
    "api",
    "assets",
    "audit",
    "change-password",
    "favicon",
    "index",
    "keys",
    "login",
    "logout",
    "maintainers",
    "npm",
    "packages",
    "refresh-token",
    "register",
    "releases",
    "robots",
    "search",
    "shelf",
    "static",
    "tokens",
    "upload",
    "users",
    "v1",
    "v2",
    "v3",
    "zipball",
];

/// A validated package name: lowercase ASCII letters, digits, `-` and `_`, starting with a
/// letter, at most [`MAX_NAME_LEN`] bytes, not reserved.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PackageName(String);

/// Why a string is not a valid package name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("package name is empty")]
    Empty,
    #[error("package name is {len} bytes long; the limit is {MAX_NAME_LEN}")]
    TooLong { len: usize },
    #[error("package name must start with a lowercase letter, not {0:?}")]
    BadStart(char),
    #[error("package name may only hold lowercase letters, digits, '-' and '_'; found {0:?}")]
    BadChar(char),
    #[error("package name {0:?} is reserved by the registry")]
    Reserved(String),
}

impl PackageName {
    /// Checks `raw` against the naming rules.
    ///
    /// # Errors
    /// [`NameError`] naming the first rule `raw` breaks.
    pub fn parse(raw: &str) -> Result<Self, NameError> {
        let first = raw.chars().next().ok_or(NameError::Empty)?;
        if raw.len() > MAX_NAME_LEN {
            return Err(NameError::TooLong { len: raw.len() });
        }
        if !first.is_ascii_lowercase() {
            return Err(NameError::BadStart(first));
        }
        if let Some(bad) = raw
            .chars()
            .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-' || *c == '_'))
        {
            return Err(NameError::BadChar(bad));
        }
        let name = PackageName(raw.to_owned());
        if RESERVED.contains(&name.canonical().as_str()) {
            return Err(NameError::Reserved(raw.to_owned()));
        }
        Ok(name)
    }

    /// The name as published.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form two names are compared in: `-` and `_` are the same character, so
    /// `my_pkg` and `my-pkg` cannot both exist. The index stores a package under this form.
    #[must_use]
    pub fn canonical(&self) -> String {
        self.0.replace('_', "-")
    }
}

impl fmt::Display for PackageName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_rejects_by_rule() {
        for ok in ["a", "hello", "fc-http", "my_pkg2", &"a".repeat(64)] {
            assert!(PackageName::parse(ok).is_ok(), "{ok}");
        }
        let cases: &[(&str, NameError)] = &[
            ("", NameError::Empty),
            (&"a".repeat(65), NameError::TooLong { len: 65 }),
            ("1abc", NameError::BadStart('1')),
            ("-abc", NameError::BadStart('-')),
            ("Hello", NameError::BadStart('H')),
            ("hEllo", NameError::BadChar('E')),
            ("a.b", NameError::BadChar('.')),
            ("a/b", NameError::BadChar('/')),
            ("a\0", NameError::BadChar('\0')),
            ("v3", NameError::Reserved("v3".into())),
            (
                "change_password",
                NameError::Reserved("change_password".into()),
            ),
            ("search", NameError::Reserved("search".into())),
        ];
        for (raw, want) in cases {
            assert_eq!(PackageName::parse(raw).as_ref(), Err(want), "{raw:?}");
        }
    }

    #[test]
    fn dash_and_underscore_are_one_name() {
        let a = PackageName::parse("my_pkg").expect("valid");
        let b = PackageName::parse("my-pkg").expect("valid");
        assert_eq!(a.canonical(), b.canonical());
        assert_ne!(a, b);
    }
}
