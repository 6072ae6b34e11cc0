//! Password hashing: Argon2id with a random salt, stored as a PHC string
//! (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`).
//!
//! Verification reads the parameters from the stored string, so raising the cost later
//! leaves old hashes valid.

use std::sync::LazyLock;

use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier, password_hash::SaltString};

use super::token::random;

/// The shortest password accepted, in characters.
pub const MIN_LEN: usize = 8;

/// Why a password could not be hashed.
#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    /// Shorter than [`MIN_LEN`] characters.
    #[error("password must be at least {MIN_LEN} characters")]
    TooShort,
    /// Argon2 refused (it does not with the default parameters).
    #[error("could not hash the password")]
    Hash(#[source] Argon2Failure),
}

/// An error from the Argon2 crate, which does not implement `std::error::Error` itself
/// without its `std` feature.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Argon2Failure(argon2::password_hash::Error);

/// Checks the password policy without hashing (for answering before the expensive part).
///
/// # Errors
/// [`PasswordError::TooShort`].
pub fn check(password: &str) -> Result<(), PasswordError> {
    if password.chars().count() < MIN_LEN {
        return Err(PasswordError::TooShort);
    }
    Ok(())
}

/// Hashes `password` with Argon2id (default parameters: 19 MiB, 2 passes) and a fresh
/// 16-byte salt. Takes tens of milliseconds on purpose: async callers run it on a blocking
/// thread.
///
/// # Errors
/// [`PasswordError::TooShort`] below [`MIN_LEN`] characters; [`PasswordError::Hash`] if
/// Argon2 fails.
pub fn hash(password: &str) -> Result<String, PasswordError> {
    check(password)?;
    let salt = SaltString::encode_b64(&random::<16>())
        .map_err(|e| PasswordError::Hash(Argon2Failure(e)))?;
    let phc = Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| PasswordError::Hash(Argon2Failure(e)))?;
    Ok(phc.to_string())
}

/// Whether `password` matches the PHC string `phc`. A malformed `phc` matches nothing.
/// The final comparison is constant-time (done by the argon2 crate).
#[must_use]
pub fn verify(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// A hash nobody's password matches, made once per process with the current parameters.
static DECOY: LazyLock<Option<String>> =
    LazyLock::new(|| hash("decoy password that is never stored").ok());

/// Spends the time of one [`verify`] and matches nothing. Login calls it for an unknown
/// username, so the answer's timing does not tell which usernames exist.
pub fn verify_decoy(password: &str) {
    if let Some(decoy) = DECOY.as_deref() {
        let _ = verify(password, decoy);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_salts_differ() {
        let a = hash("correct horse").expect("hash");
        let b = hash("correct horse").expect("hash");
        assert!(a.starts_with("$argon2id$v=19$"), "{a}");
        assert_ne!(a, b, "each hash has its own salt");
        assert!(verify("correct horse", &a));
        assert!(verify("correct horse", &b));
        assert!(!verify("correct horsE", &a));
        assert!(!verify("correct horse", "not a phc string"));
        verify_decoy("anything");
    }

    #[test]
    fn short_passwords_are_refused_by_characters_not_bytes() {
        assert!(matches!(hash("1234567"), Err(PasswordError::TooShort)));
        assert!(check("12345678").is_ok());
        // Seven characters, 21 bytes.
        assert!(matches!(
            check("密码密码密码密"),
            Err(PasswordError::TooShort)
        ));
        assert_eq!(
            PasswordError::TooShort.to_string(),
            "password must be at least 8 characters"
        );
    }
}

/// Passwords verified a moment ago: a client that sends the same right password on every
/// request (Docker-style clients fetch a token with Basic credentials for each command and
/// each repository) is checked against this instead of Argon2 each time.
///
/// Nothing here can be turned back into a password: an entry is an HMAC, under the
/// server's secret, of the account, its stored hash (so a changed password misses) and
/// the password, kept for [`VERIFIED_FOR`]. A wrong password never matches one.
#[derive(Default)]
pub struct Verified {
    seen: std::sync::Mutex<std::collections::HashMap<[u8; 32], std::time::Instant>>,
}

/// How long a verified password is remembered.
pub const VERIFIED_FOR: std::time::Duration = std::time::Duration::from_secs(300);

/// At most this many remembered at once (the oldest half goes past it).
const VERIFIED_CAP: usize = 4096;

impl Verified {
    /// The entry for `password` of the account `user_id` whose stored hash is `phc`.
    #[must_use]
    pub fn key(&self, secret: &[u8], user_id: i64, phc: &str, password: &str) -> [u8; 32] {
        use hmac::{Hmac, Mac};
        let Ok(mut mac) = Hmac::<sha2::Sha256>::new_from_slice(secret) else {
            return [0; 32];
        };
        mac.update(&user_id.to_be_bytes());
        mac.update(&(phc.len() as u64).to_be_bytes());
        mac.update(phc.as_bytes());
        mac.update(password.as_bytes());
        mac.finalize().into_bytes().into()
    }

    /// Whether `key` was verified within [`VERIFIED_FOR`].
    #[must_use]
    pub fn holds(&self, key: &[u8; 32]) -> bool {
        let seen = self
            .seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        seen.get(key).is_some_and(|at| at.elapsed() < VERIFIED_FOR)
    }

    /// Remembers `key` as verified now.
    pub fn remember(&self, key: [u8; 32]) {
        let mut seen = self
            .seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if seen.len() >= VERIFIED_CAP {
            seen.retain(|_, at| at.elapsed() < VERIFIED_FOR);
            if seen.len() >= VERIFIED_CAP {
                let mut ages: Vec<std::time::Instant> = seen.values().copied().collect();
                ages.sort_unstable();
                let cut = ages[ages.len() / 2];
                seen.retain(|_, at| *at > cut);
            }
        }
        seen.insert(key, std::time::Instant::now());
    }
}
