//! Keyed fixed-window counters: failed sign-ins per account and per client address,
//! and requests per API token. In memory, per instance; a window is one minute.
//!
//! Written by hand: the limits count *failures* (only a failed sign-in costs), which
//! the token-bucket crates (governor) cannot peek at without spending a cell.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Entries kept before stale windows are swept.
const SWEEP_ABOVE: usize = 10_000;

pub struct WindowLimiter {
    limit: u32,
    window: Duration,
    counts: Mutex<HashMap<String, (Instant, u32)>>,
}

impl WindowLimiter {
    pub fn new(limit: u32, window: Duration) -> Self {
        Self {
            limit,
            window,
            counts: Mutex::new(HashMap::new()),
        }
    }

    /// Seconds until `key` may try again, if it has used up its window.
    pub fn blocked(&self, key: &str) -> Option<u64> {
        let counts = self
            .counts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let (start, count) = counts.get(key)?;
        let elapsed = start.elapsed();
        (elapsed < self.window && *count >= self.limit).then(|| self.retry_after(elapsed))
    }

    /// Counts one event for `key`; returns the wait if this one went over the limit.
    pub fn hit(&self, key: &str) -> Option<u64> {
        let mut counts = self
            .counts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if counts.len() > SWEEP_ABOVE {
            let window = self.window;
            counts.retain(|_, (start, _)| start.elapsed() < window);
        }
        let now = Instant::now();
        let entry = counts.entry(key.to_owned()).or_insert((now, 0));
        if entry.0.elapsed() >= self.window {
            *entry = (now, 0);
        }
        entry.1 = entry.1.saturating_add(1);
        let elapsed = entry.0.elapsed();
        (entry.1 > self.limit).then(|| self.retry_after(elapsed))
    }

    /// Forgets `key` (a successful sign-in clears the account's failures).
    pub fn clear(&self, key: &str) {
        self.counts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .remove(key);
    }

    fn retry_after(&self, elapsed: Duration) -> u64 {
        self.window.saturating_sub(elapsed).as_secs().max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_after_the_limit_within_the_window() {
        let limiter = WindowLimiter::new(2, Duration::from_secs(60));
        assert_eq!(limiter.hit("a"), None);
        assert_eq!(limiter.blocked("a"), None);
        assert_eq!(limiter.hit("a"), None);
        assert!(limiter.blocked("a").is_some());
        assert!(limiter.hit("a").is_some());
        assert_eq!(limiter.blocked("b"), None, "keys are independent");
        limiter.clear("a");
        assert_eq!(limiter.blocked("a"), None);
    }

    #[test]
    fn a_new_window_starts_afresh() {
        let limiter = WindowLimiter::new(1, Duration::from_millis(20));
        limiter.hit("a");
        assert!(limiter.blocked("a").is_some());
        std::thread::sleep(Duration::from_millis(30));
        assert_eq!(limiter.blocked("a"), None);
        assert_eq!(limiter.hit("a"), None);
    }
}
