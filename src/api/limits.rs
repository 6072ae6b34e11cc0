//! Rate limits per client IP and per account (governor's keyed GCRA limiters).
//!
//! Each limit allows `count` requests per period, replenished evenly (one every
//! `period / count`) with a burst of `count`. Keys are IPs (`203.0.113.7`) or accounts
//! (`user:alice`). Limiter memory is pruned of keys back at full allowance every
//! [`PRUNE_EVERY`] checks, so it stays bounded by the clients active within one period.
//! Logins are the exception: only wrong passwords count against them
//! ([`RateLimits::admit_login`]), within a sliding period.

use std::{
    collections::{HashMap, VecDeque},
    net::SocketAddr,
    num::NonZeroU32,
    sync::{
        Mutex, PoisonError,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use axum::{
    extract::{ConnectInfo, connect_info::MockConnectInfo},
    http::{StatusCode, request::Parts},
};
use governor::{
    DefaultKeyedRateLimiter, Quota as Gcra, RateLimiter,
    clock::{Clock, DefaultClock},
};

use super::error::ApiError;

/// Request quotas: how many requests of a kind one client may make per period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    /// Requests allowed per period.
    pub count: u32,
    /// The period.
    pub per: Duration,
}

/// The rate limits, per client IP and per account. Defaults are the spec's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateSettings {
    /// `POST /register`, per IP: 10 an hour.
    pub register: Quota,
    /// `POST /login`, per username from one address: 5 a minute (an address gets four
    /// times this across usernames).
    pub login: Quota,
    /// `POST /releases` and uploads, per account: 20 an hour.
    pub publish: Quota,
    /// `GET /search`, per IP: 100 a minute.
    pub search: Quota,
}

impl Default for RateSettings {
    fn default() -> Self {
        let minute = Duration::from_secs(60);
        let hour = Duration::from_secs(3600);
        RateSettings {
            register: Quota {
                count: 10,
                per: hour,
            },
            login: Quota {
                count: 5,
                per: minute,
            },
            publish: Quota {
                count: 20,
                per: hour,
            },
            search: Quota {
                count: 100,
                per: minute,
            },
        }
    }
}

/// How often (in checks) limiter memory is pruned.
pub const PRUNE_EVERY: u64 = 1024;

/// The kinds of limited request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// `POST /register`, per IP.
    Register,
    /// `POST /releases` and uploads, per account.
    Publish,
    /// `GET /search`, per IP.
    Search,
}

/// One limiter per kind of request.
pub struct RateLimits {
    register: DefaultKeyedRateLimiter<String>,
    /// Wrong passwords per username from one address.
    login: Failures,
    /// Wrong passwords per address across usernames: four times the per-username quota,
    /// so one address cannot spray guesses over many accounts.
    login_address: Failures,
    publish: DefaultKeyedRateLimiter<String>,
    search: DefaultKeyedRateLimiter<String>,
    checks: AtomicU64,
    clock: DefaultClock,
}

fn limiter(quota: Quota) -> DefaultKeyedRateLimiter<String> {
    let count = NonZeroU32::new(quota.count.max(1)).unwrap_or(NonZeroU32::MIN);
    let interval = quota.per / count.get();
    // A zero interval (absurd settings) would mean "unlimited"; governor refuses it, so fall
    // back to the per-period allowance over the smallest interval it takes.
    let gcra = Gcra::with_period(interval)
        .unwrap_or_else(|| Gcra::per_second(count))
        .allow_burst(count);
    RateLimiter::keyed(gcra)
}

impl RateLimits {
    /// Limiters for these settings.
    #[must_use]
    pub fn new(settings: &RateSettings) -> Self {
        RateLimits {
            register: limiter(settings.register),
            login: Failures::new(settings.login),
            login_address: Failures::new(Quota {
                count: settings.login.count.saturating_mul(4),
                per: settings.login.per,
            }),
            publish: limiter(settings.publish),
            search: limiter(settings.search),
            checks: AtomicU64::new(0),
            clock: DefaultClock::default(),
        }
    }

    /// Counts one request of `kind` from `key`.
    ///
    /// # Errors
    /// 429 with `Retry-After` when the key is over its allowance.
    pub fn check(&self, kind: Limit, key: &str) -> Result<(), ApiError> {
        let limiter = match kind {
            Limit::Register => &self.register,
            Limit::Publish => &self.publish,
            Limit::Search => &self.search,
        };
        if self.checks.fetch_add(1, Ordering::Relaxed) % PRUNE_EVERY == PRUNE_EVERY - 1 {
            let all = [&self.register, &self.publish, &self.search];
            for l in all {
                l.retain_recent();
                l.shrink_to_fit();
            }
            self.login.prune();
            self.login_address.prune();
        }
        limiter.check_key(&key.to_owned()).map_err(|not_until| {
            let wait = not_until.wait_time_from(self.clock.now());
            ApiError::retry(
                StatusCode::TOO_MANY_REQUESTS,
                "Too many requests; try again later",
                wait.as_secs() + 1,
            )
        })
    }
}

impl RateLimits {
    /// Whether a password for `user_key` (a username from one address) from `ip` may be
    /// checked now: refused while its wrong passwords, or its address's, fill their
    /// allowance. A right password never counts (a client that logs in on every request,
    /// as Docker-style clients fetch a token, is never limited); each wrong one does
    /// ([`RateLimits::login_failed`]).
    ///
    /// # Errors
    /// 429 with `Retry-After`.
    pub fn admit_login(&self, user_key: &str, ip: &str) -> Result<(), ApiError> {
        self.login_address.admit(ip)?;
        self.login.admit(user_key)
    }

    /// Counts a wrong password for `user_key` from `ip`.
    pub fn login_failed(&self, user_key: &str, ip: &str) {
        self.login_address.failed(ip);
        self.login.failed(user_key);
    }
}

/// Failures per key within a sliding period: at most `count` in any `per`. Only failures
/// are counted, and a key is refused while `count` of them lie within the last period.
struct Failures {
    quota: Quota,
    seen: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl Failures {
    fn new(quota: Quota) -> Self {
        Failures {
            quota,
            seen: Mutex::new(HashMap::new()),
        }
    }

    fn admit(&self, key: &str) -> Result<(), ApiError> {
        let now = Instant::now();
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(times) = seen.get_mut(key) else {
            return Ok(());
        };
        while times
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.quota.per)
        {
            times.pop_front();
        }
        match times.front() {
            Some(oldest) if times.len() >= self.quota.count.max(1) as usize => {
                let wait = self.quota.per.saturating_sub(now.duration_since(*oldest));
                Err(ApiError::retry(
                    StatusCode::TOO_MANY_REQUESTS,
                    "Too many wrong passwords; try again later",
                    wait.as_secs() + 1,
                ))
            }
            Some(_) => Ok(()),
            None => {
                seen.remove(key);
                Ok(())
            }
        }
    }

    fn failed(&self, key: &str) {
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        let times = seen.entry(key.to_owned()).or_default();
        times.push_back(Instant::now());
        // Only the newest `count` matter.
        while times.len() > self.quota.count.max(1) as usize {
            times.pop_front();
        }
    }

    /// Forgets keys with no failure within the period.
    fn prune(&self) {
        let now = Instant::now();
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        let per = self.quota.per;
        seen.retain(|_, times| times.back().is_some_and(|t| now.duration_since(*t) < per));
        seen.shrink_to_fit();
    }
}

/// The client's address, from the connection (`ConnectInfo`, or the `MockConnectInfo` a
/// router test sets); `unknown` when there is neither.
#[must_use]
pub fn client_ip(parts: &Parts) -> String {
    let connected = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| *addr);
    let mocked = || {
        parts
            .extensions
            .get::<MockConnectInfo<SocketAddr>>()
            .map(|MockConnectInfo(addr)| *addr)
    };
    connected
        .or_else(mocked)
        .map_or_else(|| "unknown".to_owned(), |addr| addr.ip().to_string())
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn allows_the_quota_then_answers_429_with_retry_after() {
        let settings = RateSettings {
            search: Quota {
                count: 5,
                per: Duration::from_secs(60),
            },
            ..RateSettings::default()
        };
        let limits = RateLimits::new(&settings);
        for _ in 0..5 {
            limits
                .check(Limit::Search, "10.0.0.1")
                .expect("within quota");
        }
        let err = limits
            .check(Limit::Search, "10.0.0.1")
            .expect_err("over quota");
        assert_eq!(err.status, StatusCode::TOO_MANY_REQUESTS);
        let retry = err.retry_after.expect("retry-after");
        assert!(
            (1..=13).contains(&retry),
            "one request comes back every 12 s: {retry}"
        );
        limits
            .check(Limit::Search, "10.0.0.2")
            .expect("another key has its own allowance");
        limits
            .check(Limit::Publish, "10.0.0.1")
            .expect("another kind has its own allowance");
    }

    #[test]
    fn logins_count_wrong_passwords_only() {
        let settings = RateSettings {
            login: Quota {
                count: 5,
                per: Duration::from_secs(60),
            },
            ..RateSettings::default()
        };
        let limits = RateLimits::new(&settings);
        // Right passwords, as often as a client likes.
        for _ in 0..50 {
            limits
                .admit_login("user:a@ip1", "ip1")
                .expect("never counted");
        }
        for _ in 0..5 {
            limits
                .admit_login("user:a@ip1", "ip1")
                .expect("within quota");
            limits.login_failed("user:a@ip1", "ip1");
        }
        let err = limits
            .admit_login("user:a@ip1", "ip1")
            .expect_err("five wrong passwords fill the allowance");
        assert_eq!(err.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(err.retry_after.is_some_and(|r| (1..=61).contains(&r)));
        limits
            .admit_login("user:a@ip2", "ip2")
            .expect("another address has its own allowance");
        // An address spraying usernames meets four times the quota.
        for n in 0..15 {
            limits.login_failed(&format!("user:{n}@ip1"), "ip1");
        }
        let err = limits
            .admit_login("user:fresh@ip1", "ip1")
            .expect_err("the address");
        assert_eq!(err.status, StatusCode::TOO_MANY_REQUESTS);
    }
}
