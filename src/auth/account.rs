//! What a valid account looks like: the username and email rules shared by
//! `POST /register` and `shelf user add`.

/// The longest username, in bytes.
pub const MAX_NAME_LEN: usize = 64;

/// The longest email accepted, in bytes (the SMTP path limit).
pub const MAX_EMAIL_LEN: usize = 254;

/// Why a username or email was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountError {
    /// The username breaks the naming rules (those of package names, without the reserved
    /// list: maintainers are named in the same places packages are).
    #[error(
        "invalid username {0:?}: use 1 to {MAX_NAME_LEN} lowercase letters, digits, '-' and \
         '_', starting with a letter"
    )]
    Username(String),
    /// The email is not of the form `someone@somewhere`, or uses characters outside the
    /// safe set of [`check_email`].
    #[error(
        "invalid email address {0:?}: use letters, digits and . _ % + - before the @, and \
         letters, digits, - and dots after it"
    )]
    Email(String),
}

/// Checks a username: lowercase ASCII letters, digits, `-` and `_`, starting with a letter,
/// at most [`MAX_NAME_LEN`] bytes.
///
/// # Errors
/// [`AccountError::Username`].
pub fn check_username(username: &str) -> Result<(), AccountError> {
    let starts_with_letter = username
        .bytes()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase());
    let allowed = username
        .bytes()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-' || c == b'_');
    if starts_with_letter && allowed && username.len() <= MAX_NAME_LEN {
        Ok(())
    } else {
        Err(AccountError::Username(username.to_owned()))
    }
}

/// Checks an email is plausible and safe everywhere it is written: one `@`; before it,
/// letters, digits and `.` `_` `%` `+` `-`, with no dot first, last or doubled; after it,
/// dot-separated labels of letters, digits and `-` (not first or last in a label); at most
/// [`MAX_EMAIL_LEN`] bytes. Whether it receives mail is not checked.
///
/// Narrower than RFC 5322 on purpose: the address becomes the author of git commits, and
/// git refuses `<`, `>` and line breaks there (a refused signature used to fail a publish
/// half-way); quotes, spaces and non-ASCII addresses are refused rather than rewritten,
/// so what an account registered with is exactly what its commits carry.
///
/// # Errors
/// [`AccountError::Email`].
pub fn check_email(email: &str) -> Result<(), AccountError> {
    let local_ok = |local: &str| {
        !local.is_empty()
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || b"._%+-".contains(&c))
    };
    let label_ok = |label: &str| {
        !label.is_empty()
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-')
    };
    let plausible = email.len() <= MAX_EMAIL_LEN
        && email
            .split_once('@')
            .is_some_and(|(local, domain)| local_ok(local) && domain.split('.').all(label_ok));
    if plausible {
        Ok(())
    } else {
        Err(AccountError::Email(email.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_follow_the_package_name_rules_without_reservations() {
        let long = "a".repeat(MAX_NAME_LEN);
        for ok in [
            "a",
            "alice",
            "bob-2",
            "c_d",
            "search",
            "admin",
            long.as_str(),
        ] {
            assert_eq!(check_username(ok), Ok(()), "{ok}");
        }
        let too_long = "a".repeat(MAX_NAME_LEN + 1);
        for bad in [
            "",
            "1abc",
            "-abc",
            "Alice",
            "al ice",
            "al.ice",
            "ali/ce",
            "é",
            too_long.as_str(),
        ] {
            assert_eq!(
                check_username(bad),
                Err(AccountError::Username(bad.to_owned())),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn emails_are_plausible() {
        for ok in [
            "a@b",
            "alice@example.com",
            "Alice.Smith+x@mail.example.org",
            "o_brien-2%x@sub-1.example.co",
        ] {
            assert_eq!(check_email(ok), Ok(()), "{ok}");
        }
        let too_long = format!("{}@example.com", "a".repeat(MAX_EMAIL_LEN));
        for bad in [
            "",
            "alice",
            "@example.com",
            "alice@",
            "a@b@c",
            "al ice@example.com",
            "alice@exa\nmple.com",
            // git refuses these in a commit's author (issue 10, defect 1).
            "m<x>@example.com",
            "m@example.com>",
            "\"m x\"@example.com",
            "m@exa<mple.com",
            ".m@example.com",
            "m.@example.com",
            "m..n@example.com",
            "m@-example.com",
            "m@example..com",
            "m@example.com.",
            "café@example.com",
            too_long.as_str(),
        ] {
            assert_eq!(
                check_email(bad),
                Err(AccountError::Email(bad.to_owned())),
                "{bad:?}"
            );
        }
    }
}
