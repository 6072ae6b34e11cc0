//! Signed requests (PROTOCOL.md section 4): HMAC-SHA256 over
//! `METHOD + PATH + TIMESTAMP + NONCE + BODY`, keyed by a secret that never travels.
//!
//! The MAC is computed incrementally, so an upload's body is hashed as it streams and is
//! never held in memory. `PATH` is the URL path without the query string, as the seed's
//! reference implementation signs it.

use std::{
    collections::{HashMap, HashSet, VecDeque},
    sync::{Arc, Mutex, PoisonError},
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
    /// Seen within the window, or in use by a request still in flight: a replay.
    Replayed,
    /// Too many requests with this key are waiting for their signature to be checked.
    Busy,
    /// The memory (or this key's share of it) is full of unexpired nonces of verified
    /// requests; the request must be retried later.
    Full,
}

/// The nonces of verified signed requests within the signature window, and those of
/// requests whose signature is still being checked.
///
/// A nonce is *reserved* when a request arrives (so a replay racing the original is
/// refused) and *recorded* only once the request's signature verified; a request that
/// fails verification, or goes away, lets its reservation go. So a stranger who knows a key
/// id but not its secret can hold at most `max_in_flight` reservations for that key, for as
/// long as those requests stay open, and never fills the memory: only the key's holder can.
///
/// Recorded nonces are bounded two ways: every entry expires (it is forgotten once its
/// request's timestamp has left the window, when a replay would be refused for its
/// timestamp anyway), and at most `capacity` entries are held, of which one key holds at
/// most `per_key`. Expired entries are dropped from the front of an insertion-ordered queue
/// on every insert, so the cost is amortised O(1). When the memory is full of unexpired
/// entries, new requests are refused rather than an entry forgotten early, because
/// forgetting an unexpired nonce would let its request be replayed.
pub struct NonceCache {
    capacity: usize,
    per_key: usize,
    max_in_flight: usize,
    inner: Mutex<Nonces>,
}

/// A nonce, scoped by the key that signed it: keys do not share nonces, or limits.
type Scoped = (String, String);

#[derive(Default)]
struct Nonces {
    /// (key, nonce) → the Unix second after which it may be forgotten.
    seen: HashMap<Scoped, i64>,
    /// Insertion order, for expiry. An expiry is never earlier than its predecessor's by
    /// more than the window, so the front is checked until an unexpired entry is found.
    order: VecDeque<(i64, Scoped)>,
    /// How many recorded nonces each key holds.
    recorded: HashMap<String, usize>,
    /// Nonces of requests whose signature is being checked.
    in_flight: HashSet<Scoped>,
    /// How many of those each key has.
    pending: HashMap<String, usize>,
}

impl Nonces {
    fn expire(&mut self, now: i64) {
        while let Some((at, _)) = self.order.front() {
            if *at >= now {
                break;
            }
            if let Some((_, old)) = self.order.pop_front() {
                // Only forget it if a later insert did not renew it.
                if self.seen.get(&old).is_some_and(|e| *e < now) {
                    self.seen.remove(&old);
                    decrement(&mut self.recorded, &old.0);
                }
            }
        }
    }
}

fn decrement(counts: &mut HashMap<String, usize>, key: &str) {
    if let Some(count) = counts.get_mut(key) {
        *count = count.saturating_sub(1);
        if *count == 0 {
            counts.remove(key);
        }
    }
}

impl NonceCache {
    /// A cache holding at most `capacity` nonces, a tenth of them (at least one) per key,
    /// and at most 64 requests in flight per key.
    #[must_use]
    pub fn new(capacity: usize) -> Arc<Self> {
        Arc::new(NonceCache {
            capacity,
            per_key: (capacity / 10).max(1),
            max_in_flight: 64,
            inner: Mutex::new(Nonces::default()),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Nonces> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Reserves `nonce` for a request signed with `key`, unless it was recorded and has not
    /// expired, or another request holds it. The reservation is recorded by
    /// [`NonceReservation::record`] once the signature verified, and let go when dropped
    /// otherwise.
    ///
    /// # Errors
    /// [`NonceError::Replayed`] or [`NonceError::Busy`].
    pub fn reserve(
        self: &Arc<Self>,
        key: &str,
        nonce: &str,
        expires: i64,
        now: i64,
    ) -> Result<NonceReservation, NonceError> {
        let scoped = (key.to_owned(), nonce.to_owned());
        let mut nonces = self.lock();
        nonces.expire(now);
        if nonces.in_flight.contains(&scoped) || nonces.seen.get(&scoped).is_some_and(|e| *e >= now)
        {
            return Err(NonceError::Replayed);
        }
        let pending = nonces.pending.entry(key.to_owned()).or_default();
        if *pending >= self.max_in_flight {
            return Err(NonceError::Busy);
        }
        *pending += 1;
        nonces.in_flight.insert(scoped.clone());
        Ok(NonceReservation {
            cache: Arc::clone(self),
            scoped: Some(scoped),
            expires,
        })
    }

    fn release(&self, nonces: &mut Nonces, scoped: &Scoped) {
        if nonces.in_flight.remove(scoped) {
            decrement(&mut nonces.pending, &scoped.0);
        }
    }

    /// Reserves and at once records a nonce (a request whose signature is already known to
    /// be good).
    ///
    /// # Errors
    /// As [`NonceCache::reserve`] and [`NonceReservation::record`].
    pub fn check_and_insert(
        self: &Arc<Self>,
        key: &str,
        nonce: &str,
        expires: i64,
        now: i64,
    ) -> Result<(), NonceError> {
        self.reserve(key, nonce, expires, now)?.record(now)
    }

    /// How many nonces are recorded.
    #[must_use]
    pub fn len(&self) -> usize {
        self.lock().seen.len()
    }

    /// How many requests are waiting for their signature to be checked.
    #[must_use]
    pub fn in_flight(&self) -> usize {
        self.lock().in_flight.len()
    }

    /// Whether no nonce is recorded.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A nonce held by a request whose signature is being checked.
pub struct NonceReservation {
    cache: Arc<NonceCache>,
    /// `None` once recorded.
    scoped: Option<Scoped>,
    expires: i64,
}

impl NonceReservation {
    /// Records the nonce: the request's signature verified.
    ///
    /// # Errors
    /// [`NonceError::Full`] when the memory, or the key's share of it, is full.
    pub fn record(mut self, now: i64) -> Result<(), NonceError> {
        let Some(scoped) = self.scoped.take() else {
            return Ok(());
        };
        let cache = Arc::clone(&self.cache);
        let mut nonces = cache.lock();
        cache.release(&mut nonces, &scoped);
        nonces.expire(now);
        // A request that took longer than the window (a slow upload) needs no record: its
        // timestamp alone refuses a replay now.
        if self.expires < now {
            return Ok(());
        }
        let held = nonces.recorded.get(&scoped.0).copied().unwrap_or(0);
        if nonces.seen.len() >= cache.capacity || held >= cache.per_key {
            return Err(NonceError::Full);
        }
        *nonces.recorded.entry(scoped.0.clone()).or_default() += 1;
        nonces.seen.insert(scoped.clone(), self.expires);
        nonces.order.push_back((self.expires, scoped));
        Ok(())
    }
}

impl Drop for NonceReservation {
    fn drop(&mut self) {
        if let Some(scoped) = self.scoped.take() {
            let mut nonces = self.cache.lock();
            self.cache.release(&mut nonces, &scoped);
        }
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
        let cache = NonceCache::new(20);
        assert_eq!(cache.check_and_insert("k", "a", 110, 100), Ok(()));
        assert_eq!(
            cache.check_and_insert("k", "a", 110, 105),
            Err(NonceError::Replayed)
        );
        assert_eq!(
            cache.check_and_insert("other", "a", 110, 105),
            Ok(()),
            "each key has its own nonces"
        );
        assert_eq!(cache.check_and_insert("k", "b", 112, 105), Ok(()));
        assert_eq!(
            cache.check_and_insert("k", "c", 112, 106),
            Err(NonceError::Full),
            "a key holds a tenth of the memory"
        );
        assert_eq!(cache.check_and_insert("third", "c", 112, 106), Ok(()));
        // Past a's expiry it is forgotten, making room.
        assert_eq!(cache.check_and_insert("k", "c", 120, 111), Ok(()));
        assert_eq!(cache.len(), 3, "k's b and c, third's c");
        assert_eq!(
            cache.check_and_insert("k", "a", 130, 113),
            Ok(()),
            "b expired, a may be used again"
        );
    }

    #[test]
    fn only_verified_requests_are_recorded_and_strangers_hold_little() {
        let cache = NonceCache::new(100);
        // A request in flight holds its nonce: a replay racing it is refused.
        let first = cache.reserve("k", "n", 110, 100).expect("reserved");
        assert_eq!(
            cache.reserve("k", "n", 110, 100).err(),
            Some(NonceError::Replayed)
        );
        // A failed signature lets the nonce go and records nothing.
        drop(first);
        assert_eq!((cache.len(), cache.in_flight()), (0, 0));
        // A stranger's garbage signatures: each request is let go, however many.
        for n in 0..10_000 {
            drop(
                cache
                    .reserve("k", &n.to_string(), 110, 100)
                    .expect("reserved"),
            );
        }
        assert_eq!((cache.len(), cache.in_flight()), (0, 0));
        // Requests held open are bounded per key; other keys are not affected.
        let held: Vec<_> = (0..64)
            .map(|n| {
                cache
                    .reserve("k", &format!("h{n}"), 110, 100)
                    .expect("held")
            })
            .collect();
        assert_eq!(
            cache.reserve("k", "one more", 110, 100).err(),
            Some(NonceError::Busy)
        );
        assert!(cache.reserve("other", "x", 110, 100).is_ok());
        drop(held);
        // The owner's verified request is recorded.
        let good = cache.reserve("k", "good", 110, 100).expect("reserved");
        assert_eq!(good.record(101), Ok(()));
        assert_eq!(cache.len(), 1);
        assert_eq!(
            cache.reserve("k", "good", 110, 102).err(),
            Some(NonceError::Replayed)
        );
        // A request verified after its window closed needs no record.
        let slow = cache.reserve("k", "slow", 110, 100).expect("reserved");
        assert_eq!(slow.record(200), Ok(()));
        assert_eq!(cache.in_flight(), 0);
    }
}
