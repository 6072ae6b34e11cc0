//! Signed requests (PROTOCOL.md section 4): HMAC-SHA256 over
//! `METHOD + PATH + TIMESTAMP + NONCE + BODY`, keyed by a secret that never travels.
//!
//! The MAC is computed incrementally, so an upload's body is hashed as it streams and is
//! never held in memory. `PATH` is the URL path without the query string, as the seed's
//! reference implementation signs it.

use std::{
    collections::{HashMap, VecDeque},
    sync::{Mutex, PoisonError},
};

use base64::{Engine, engine::general_purpose::STANDARD};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Header naming the API key (its public id).
pub const HEADER_KEY: &str = "x-api-key";
/// Header with the Unix time in seconds.
pub const HEADER_TIMESTAMP: &str = "x-timestamp";
/// Header with a random string used once.
pub const HEADER_NONCE: &str = "x-nonce";
/// Header with the base64 signature.
pub const HEADER_SIGNATURE: &str = "x-signature";

/// An HMAC over a request, fed piece by piece.
pub struct Signer(Hmac<Sha256>);

impl Signer {
    /// Starts the MAC of a request: everything but the body.
    #[must_use]
    pub fn new(secret: &[u8], method: &str, path: &str, timestamp: &str, nonce: &str) -> Self {
        // HMAC accepts keys of any length, so this cannot fail.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret)
            .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
        for part in [method, path, timestamp, nonce] {
            mac.update(part.as_bytes());
        }
        Signer(mac)
    }

    /// Feeds the next piece of the body.
    pub fn update(&mut self, chunk: &[u8]) {
        self.0.update(chunk);
    }

    /// The signature as sent in `X-Signature`.
    #[must_use]
    pub fn finish(self) -> String {
        STANDARD.encode(self.0.finalize().into_bytes())
    }

    /// Whether `provided` (base64) is the signature, compared in constant time.
    #[must_use]
    pub fn verify(self, provided: &str) -> bool {
        match STANDARD.decode(provided.trim()) {
            Ok(bytes) => self.0.verify_slice(&bytes).is_ok(),
            Err(_) => false,
        }
    }
}

/// Signs a whole request at once (clients, tests).
#[must_use]
pub fn sign(
    secret: &[u8],
    method: &str,
    path: &str,
    timestamp: &str,
    nonce: &str,
    body: &[u8],
) -> String {
    let mut signer = Signer::new(secret, method, path, timestamp, nonce);
    signer.update(body);
    signer.finish()
}

/// Why a nonce was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NonceError {
    /// Seen within the window: a replay.
    Replayed,
    /// The memory is full of unexpired nonces; the request must be retried later.
    Full,
}

/// The nonces seen within the signature window.
///
/// Bounded two ways: every entry expires (it is forgotten once its request's timestamp has
/// left the window, when a replay would be refused for its timestamp anyway), and at most
/// `capacity` entries are held. Expired entries are dropped from the front of an insertion-
/// ordered queue on every insert, so the cost is amortised O(1). When the memory is full of
/// unexpired entries, new signed requests are refused rather than an entry forgotten early,
/// because forgetting an unexpired nonce would let its request be replayed.
pub struct NonceCache {
    capacity: usize,
    inner: Mutex<Nonces>,
}

#[derive(Default)]
struct Nonces {
    /// Nonce → the Unix second after which it may be forgotten.
    seen: HashMap<String, i64>,
    /// Insertion order, for expiry. An expiry is never earlier than its predecessor's by
    /// more than the window, so the front is checked until an unexpired entry is found.
    order: VecDeque<(i64, String)>,
}

impl NonceCache {
    /// A cache holding at most `capacity` nonces.
    #[must_use]
    pub fn new(capacity: usize) -> Self {
        NonceCache {
            capacity,
            inner: Mutex::new(Nonces::default()),
        }
    }

    /// Records `nonce`, which may be forgotten after `expires` (Unix seconds), unless it was
    /// seen before and has not expired.
    ///
    /// # Errors
    /// [`NonceError::Replayed`] or [`NonceError::Full`].
    pub fn check_and_insert(&self, nonce: &str, expires: i64, now: i64) -> Result<(), NonceError> {
        let mut nonces = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        while let Some((at, _)) = nonces.order.front() {
            if *at >= now {
                break;
            }
            if let Some((_, old)) = nonces.order.pop_front() {
                // Only forget it if a later insert did not renew it.
                if nonces.seen.get(&old).is_some_and(|e| *e < now) {
                    nonces.seen.remove(&old);
                }
            }
        }
        if nonces.seen.get(nonce).is_some_and(|e| *e >= now) {
            return Err(NonceError::Replayed);
        }
        if nonces.seen.len() >= self.capacity {
            return Err(NonceError::Full);
        }
        nonces.seen.insert(nonce.to_owned(), expires);
        nonces.order.push_back((expires, nonce.to_owned()));
        Ok(())
    }

    /// How many nonces are remembered.
    #[must_use]
    pub fn len(&self) -> usize {
        self.inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .seen
            .len()
    }

    /// Whether no nonce is remembered.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_like_the_reference_implementation() {
        // Python: base64(hmac.new(b"secret", b"POST/releases1700000000abc{}", sha256).digest())
        let sig = sign(b"secret", "POST", "/releases", "1700000000", "abc", b"{}");
        let mut incremental = Signer::new(b"secret", "POST", "/releases", "1700000000", "abc");
        incremental.update(b"{");
        incremental.update(b"}");
        assert!(incremental.verify(&sig));
        assert!(!Signer::new(b"secret", "POST", "/releases", "1700000000", "abc").verify(&sig));
        assert!(
            !Signer::new(b"other", "POST", "/releases", "1700000000", "abc").verify("not base64!")
        );
    }

    #[test]
    fn nonces_are_refused_until_they_expire_and_memory_is_bounded() {
        let cache = NonceCache::new(2);
        assert_eq!(cache.check_and_insert("a", 110, 100), Ok(()));
        assert_eq!(
            cache.check_and_insert("a", 110, 105),
            Err(NonceError::Replayed)
        );
        assert_eq!(cache.check_and_insert("b", 112, 105), Ok(()));
        assert_eq!(cache.check_and_insert("c", 112, 106), Err(NonceError::Full));
        // Past a's expiry it is forgotten, making room.
        assert_eq!(cache.check_and_insert("c", 120, 111), Ok(()));
        assert_eq!(cache.len(), 2);
        assert_eq!(
            cache.check_and_insert("a", 130, 113),
            Ok(()),
            "b expired, a may be used again"
        );
    }
}
