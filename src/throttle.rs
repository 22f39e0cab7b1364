//! Rate limits, in two kinds.
//!
//! - [`LoginThrottle`]: failed sign-ins per account and per client address, counted in
//!   the database (`throttle_counters`), so the limit holds across every instance on one
//!   PostgreSQL. An attempt is counted *before* the password is verified, in one atomic
//!   upsert, and refunded when it succeeds: concurrent guesses cannot overshoot the limit,
//!   and a refused one costs no password hash.
//! - [`WindowLimiter`]: requests per partner API token, counted in process memory, so the
//!   bound is per instance (N instances let a token make at most N × the limit). A shared
//!   counter would cost a database write — a row lock on the token's row and a WAL flush —
//!   on every partner request, most of which are cheap reads: that would more than double
//!   their cost and serialize each token's requests on one row. `api_tokens.last_used_at`
//!   is throttled to one write a minute for the same reason.
//!
//! Both are fixed windows of one minute that start at a key's first event. Written by
//! hand: the limits count *failures* (only a failed sign-in costs), which the
//! token-bucket crates (governor) cannot peek at without spending a cell.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use crate::db::schema::throttle_counters;
use crate::db::{Db, DbConnection};
use crate::error::{ApiError, ApiResult};

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

/// Failed sign-ins per key in a window, shared through the database.
pub struct LoginThrottle {
    limit: i64,
    window_ms: i64,
    /// When this instance next deletes ended windows (ms since the epoch): at most once
    /// a window per instance, so the prune costs one indexed `DELETE` a minute.
    next_prune_ms: AtomicI64,
}

/// The attempts counted by [`LoginThrottle::count`], to refund if the sign-in succeeds.
#[derive(Debug)]
pub struct Attempt {
    /// Each key's hash with the start of the window it was counted in.
    counted: Vec<(String, i64)>,
}

#[derive(QueryableByName)]
struct Counter {
    #[diesel(sql_type = BigInt)]
    attempts: i64,
    #[diesel(sql_type = BigInt)]
    window_start_ms: i64,
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Counts one attempt for `key` (already hashed) atomically and returns the counter after it.
/// A window that has ended starts afresh in the same statement. The one place with
/// backend-specific SQL of throttling (diesel's `on_conflict` needs the inner connection).
fn increment(
    conn: &mut DbConnection,
    key: &str,
    now: i64,
    ended_before: i64,
) -> ApiResult<Counter> {
    // `#n` becomes `$n` (PostgreSQL) or `?n` (SQLite): numbered on both, so `#3` binds once.
    const UPSERT: &str = "INSERT INTO throttle_counters (key, window_start_ms, attempts) VALUES (#1, #2, 1) \
         ON CONFLICT (key) DO UPDATE SET \
         attempts = CASE WHEN throttle_counters.window_start_ms <= #3 THEN 1 \
                         ELSE throttle_counters.attempts + 1 END, \
         window_start_ms = CASE WHEN throttle_counters.window_start_ms <= #3 \
                                THEN excluded.window_start_ms \
                                ELSE throttle_counters.window_start_ms END \
         RETURNING attempts, window_start_ms";
    let counter = match conn {
        DbConnection::Pg(pg) => diesel::sql_query(UPSERT.replace('#', "$"))
            .bind::<Text, _>(key)
            .bind::<BigInt, _>(now)
            .bind::<BigInt, _>(ended_before)
            .get_result(pg)?,
        DbConnection::Sqlite(sqlite) => diesel::sql_query(UPSERT.replace('#', "?"))
            .bind::<Text, _>(key)
            .bind::<BigInt, _>(now)
            .bind::<BigInt, _>(ended_before)
            .get_result(sqlite)?,
    };
    Ok(counter)
}

impl LoginThrottle {
    pub fn new(limit: u32, window: Duration) -> Self {
        Self {
            limit: i64::from(limit),
            window_ms: i64::try_from(window.as_millis()).unwrap_or(i64::MAX).max(1),
            next_prune_ms: AtomicI64::new(0),
        }
    }

    /// Counts an attempt under every key (before the password is looked at). Answers
    /// 429 with the wait when any key has gone over its limit; otherwise the attempt,
    /// to [`refund`](Self::refund) if it succeeds.
    pub async fn count(&self, db: &Db, keys: &[&str]) -> ApiResult<Attempt> {
        let hashed: Vec<String> = keys.iter().map(|k| crate::digest::sha256_hex(k)).collect();
        let (limit, window_ms) = (self.limit, self.window_ms);
        let now = now_ms();
        let counters = db
            .transaction(move |conn| {
                hashed
                    .into_iter()
                    .map(|key| {
                        let counter = increment(conn, &key, now, now - window_ms)?;
                        Ok((key, counter))
                    })
                    .collect::<ApiResult<Vec<_>>>()
            })
            .await?;
        self.prune_if_due(db, now).await;
        let retry_after = counters
            .iter()
            .filter(|(_, c)| c.attempts > limit)
            .map(|(_, c)| c.window_start_ms + window_ms - now)
            .max();
        if let Some(wait_ms) = retry_after {
            let secs = u64::try_from(wait_ms.max(0)).unwrap_or(0).div_ceil(1000);
            return Err(ApiError::too_many_requests(secs.max(1)));
        }
        Ok(Attempt {
            counted: counters
                .into_iter()
                .map(|(key, c)| (key, c.window_start_ms))
                .collect(),
        })
    }

    /// Takes back a successful attempt (only failures use up the limit).
    pub async fn refund(&self, db: &Db, attempt: Attempt) -> ApiResult<()> {
        db.transaction(move |conn| {
            for (key, window_start_ms) in &attempt.counted {
                diesel::update(
                    throttle_counters::table
                        .filter(throttle_counters::key.eq(key))
                        .filter(throttle_counters::window_start_ms.eq(window_start_ms))
                        .filter(throttle_counters::attempts.gt(0)),
                )
                .set(throttle_counters::attempts.eq(throttle_counters::attempts - 1))
                .execute(conn)?;
            }
            Ok(())
        })
        .await
    }

    /// Deletes counters whose window has ended, once a window per instance (and on the
    /// first attempt after start). Sprayed unknown e-mails leave one row each; without
    /// this they would pile up. Its own short transaction, so it never holds the row
    /// locks of an attempt; a failure is logged, not answered.
    async fn prune_if_due(&self, db: &Db, now: i64) {
        let due = self.next_prune_ms.load(Ordering::Relaxed);
        if now < due
            || self
                .next_prune_ms
                .compare_exchange(
                    due,
                    now + self.window_ms,
                    Ordering::Relaxed,
                    Ordering::Relaxed,
                )
                .is_err()
        {
            return;
        }
        let ended_before = now - self.window_ms;
        let pruned = db
            .transaction(move |conn| {
                Ok(diesel::delete(
                    throttle_counters::table
                        .filter(throttle_counters::window_start_ms.le(ended_before)),
                )
                .execute(conn)?)
            })
            .await;
        if let Err(error) = pruned {
            log::warn!("could not prune ended throttle counters: {error}");
        }
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
