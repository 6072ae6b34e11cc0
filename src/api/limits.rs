//! Rate limits per client IP and per account (governor's keyed GCRA limiters).
//!
//! Each limit allows `count` requests per period, replenished evenly (one every
//! `period / count`) with a burst of `count`. Keys are IPs (`203.0.113.7`) or accounts
//! (`user:alice`). Limiter memory is pruned of keys back at full allowance every
//! [`PRUNE_EVERY`] checks, so it stays bounded by the clients active within one period.

use std::{
    net::SocketAddr,
    num::NonZeroU32,
    sync::atomic::{AtomicU64, Ordering},
    time::Duration,
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
    /// `POST /login` (and old-password checks), per username and address.
    Login,
    /// `POST /login`, per address across usernames: four times [`Limit::Login`]'s quota,
    /// so one address cannot spray guesses over many accounts.
    LoginAddress,
    /// `POST /releases` and uploads, per account.
    Publish,
    /// `GET /search`, per IP.
    Search,
}

/// One limiter per kind of request.
pub struct RateLimits {
    register: DefaultKeyedRateLimiter<String>,
    login: DefaultKeyedRateLimiter<String>,
    login_address: DefaultKeyedRateLimiter<String>,
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
            login: limiter(settings.login),
            login_address: limiter(Quota {
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
            Limit::Login => &self.login,
            Limit::LoginAddress => &self.login_address,
            Limit::Publish => &self.publish,
            Limit::Search => &self.search,
        };
        if self.checks.fetch_add(1, Ordering::Relaxed) % PRUNE_EVERY == PRUNE_EVERY - 1 {
            let all = [
                &self.register,
                &self.login,
                &self.login_address,
                &self.publish,
                &self.search,
            ];
            for l in all {
                l.retain_recent();
                l.shrink_to_fit();
            }
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
            login: Quota {
                count: 5,
                per: Duration::from_secs(60),
            },
            ..RateSettings::default()
        };
        let limits = RateLimits::new(&settings);
        for _ in 0..5 {
            limits
                .check(Limit::Login, "10.0.0.1")
                .expect("within quota");
        }
        let err = limits
            .check(Limit::Login, "10.0.0.1")
            .expect_err("over quota");
        assert_eq!(err.status, StatusCode::TOO_MANY_REQUESTS);
        let retry = err.retry_after.expect("retry-after");
        assert!(
            (1..=13).contains(&retry),
            "one request comes back every 12 s: {retry}"
        );
        limits
            .check(Limit::Login, "10.0.0.2")
            .expect("another key has its own allowance");
        limits
            .check(Limit::Search, "10.0.0.1")
            .expect("another kind has its own allowance");
    }
}
