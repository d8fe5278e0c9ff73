//! Token buckets per key and per client address, with the answers' rate-limit headers.
//!
//! Each bucket holds `burst` requests and refills at `per_second`. Answers carry
//! `RateLimit-Limit` (the burst), `RateLimit-Remaining` (requests left in the bucket) and
//! `RateLimit-Reset` (seconds until the bucket is full again); a refused request is answered
//! 429 with `Retry-After` and `RateLimit-Reset` both set to the seconds until one more request
//! is accepted.
//!
//! State is kept per key or address seen. Every [`SWEEP_EVERY`] a check first drops the
//! buckets that are full again, which hold nothing a fresh bucket would not, so memory follows
//! the number of clients active within one refill time, not every client ever seen.

use std::hash::Hash;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, HeaderValue};
use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};

use crate::config::Rate;

/// How often idle buckets are dropped.
pub const SWEEP_EVERY: Duration = Duration::from_secs(10);

type Middleware = StateInformationMiddleware;
type Keyed<K> = RateLimiter<K, DefaultKeyedStateStore<K>, DefaultClock, Middleware>;

/// One token bucket per key `K`.
pub struct Buckets<K: Hash + Eq + Clone> {
    limiter: Keyed<K>,
    burst: u32,
    refill: Duration,
    sweep_every: Duration,
    last_sweep: Mutex<Instant>,
}

/// The state of a bucket after a request, for the answer's headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    /// The bucket's size.
    pub limit: u32,
    /// Requests left.
    pub remaining: u32,
    /// Seconds until the bucket is full (accepted) or takes one more request (refused).
    pub reset_seconds: u64,
}

impl<K: Hash + Eq + Clone> Buckets<K> {
    /// Buckets for `rate`; none when the rate cannot be a quota (the config check refuses
    /// such rates).
    pub fn new(rate: Rate) -> Option<Buckets<K>> {
        let burst = NonZeroU32::new(rate.burst)?;
        let refill = Duration::try_from_secs_f64(1.0 / rate.per_second).ok()?;
        let quota = Quota::with_period(refill)?.allow_burst(burst);

        Some(Buckets {
            limiter: RateLimiter::dashmap(quota).with_middleware::<StateInformationMiddleware>(),
            burst: rate.burst,
            refill,
            sweep_every: SWEEP_EVERY,
            last_sweep: Mutex::new(Instant::now()),
        })
    }

    /// Takes one request from `key`'s bucket; `Err` when it is empty.
    pub fn check(&self, key: &K) -> Result<Standing, Standing> {
        self.sweep();

        match self.limiter.check_key(key) {
            Ok(state) => {
                let remaining = state.remaining_burst_capacity();
                let missing = self.burst.saturating_sub(remaining);
                let reset = self.refill.saturating_mul(missing);
                Ok(Standing { limit: self.burst, remaining, reset_seconds: ceil_seconds(reset) })
            }
            Err(not_until) => {
                let wait = not_until.wait_time_from(self.limiter.clock().now());
                let reset_seconds = ceil_seconds(wait).max(1);
                Err(Standing { limit: self.burst, remaining: 0, reset_seconds })
            }
        }
    }

    /// How many keys hold state now.
    pub fn tracked(&self) -> usize {
        self.limiter.len()
    }

    fn sweep(&self) {
        let Ok(mut last) = self.last_sweep.try_lock() else { return };
        if last.elapsed() < self.sweep_every {
            return;
        }
        *last = Instant::now();
        self.limiter.retain_recent();
        self.limiter.shrink_to_fit();
    }
}

impl Standing {
    /// The tighter of two standings: the one with fewer requests left.
    pub fn tighter(self, other: Option<Standing>) -> Standing {
        match other {
            Some(other) if other.remaining < self.remaining => other,
            _ => self,
        }
    }

    /// Writes the `RateLimit-*` headers (and `Retry-After` when `refused`).
    pub fn write(&self, headers: &mut HeaderMap, refused: bool) {
        let number = |value: u64| HeaderValue::from(value);
        headers.insert("ratelimit-limit", number(self.limit.into()));
        headers.insert("ratelimit-remaining", number(self.remaining.into()));
        headers.insert("ratelimit-reset", number(self.reset_seconds));
        if refused {
            headers.insert("retry-after", number(self.reset_seconds));
        }
    }
}

fn ceil_seconds(duration: Duration) -> u64 {
    let whole = duration.as_secs();
    if duration.subsec_nanos() > 0 { whole + 1 } else { whole }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_empties_then_refuses_with_a_wait() {
        let buckets = Buckets::<u8>::new(Rate { per_second: 0.5, burst: 2 }).unwrap();

        let first = buckets.check(&1).unwrap();
        assert_eq!((first.limit, first.remaining, first.reset_seconds), (2, 1, 2));
        assert_eq!(buckets.check(&1).unwrap().remaining, 0);

        let refused = buckets.check(&1).unwrap_err();
        assert_eq!(refused.remaining, 0);
        assert!((1..=2).contains(&refused.reset_seconds), "{refused:?}");
        assert_eq!(buckets.check(&2).unwrap().remaining, 1, "another key has its own bucket");
        assert_eq!(buckets.tracked(), 2);
    }

    #[test]
    fn full_buckets_are_dropped_so_state_stays_bounded() {
        let mut buckets = Buckets::<u32>::new(Rate { per_second: 20.0, burst: 1 }).unwrap();
        for client in 0..1000 {
            let _ = buckets.check(&client);
        }
        assert_eq!(buckets.tracked(), 1000);

        buckets.sweep_every = Duration::ZERO;
        std::thread::sleep(Duration::from_millis(150));
        let _ = buckets.check(&5000);
        assert_eq!(buckets.tracked(), 1, "only the client seen after the sweep stays");
    }

    #[test]
    fn a_rate_that_is_no_quota_gives_no_buckets() {
        assert!(Buckets::<u8>::new(Rate { per_second: 1.0, burst: 0 }).is_none());
        assert!(Buckets::<u8>::new(Rate { per_second: 0.0, burst: 1 }).is_none());
    }
}
