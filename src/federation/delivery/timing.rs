//! When the delivery queue tries again: the retry schedule of one failed delivery (exponential
//! backoff for about a week) and the cool-down of a host that did not answer (circuit breaker),
//! both starting from the `[federation]` keys `delivery_first_retry_secs` and
//! `delivery_host_cooldown_secs`.
use crate::config::FederationConfig;
use chrono::{DateTime, Utc};
use std::time::Duration;

/// Longest delay between two retries of one delivery (unless the first is longer).
const MAX_RETRY_DELAY: Duration = Duration::from_secs(86_400);
/// Each retry waits this many times longer than the one before.
const RETRY_GROWTH: f64 = 3.0;
/// Longest cool-down of a host that keeps failing (unless the base cool-down is longer): a dead
/// host is tried about hourly, one delivery at a time, until it answers or is marked
/// unavailable.
const MAX_HOST_COOLDOWN: Duration = Duration::from_secs(3600);
/// Retries stop once this much time has passed since the first attempt.
const GIVE_UP_AFTER: chrono::Duration = chrono::Duration::days(7);

/// The queue's timing, from the configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    /// Delay before the first retry of a failed delivery.
    pub first_retry: Duration,
    /// Cool-down of a host after its first failure in a row.
    pub host_cooldown: Duration,
}

impl Timing {
    /// The timing `[federation]` asks for.
    pub fn from_config(cfg: &FederationConfig) -> Timing {
        Timing {
            first_retry: Duration::from_secs(cfg.delivery_first_retry_secs),
            host_cooldown: Duration::from_secs(cfg.delivery_host_cooldown_secs),
        }
    }

    /// Delay before retry number `attempts` (1 = after the first failure): the first retry
    /// delay, ×3 each time, capped at a day, each with ±10 % jitter; `None` once the retry
    /// would come more than a week after `first_attempt_at`.
    pub fn retry_delay(
        &self,
        attempts: i32,
        first_attempt_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Option<chrono::Duration> {
        let exp = attempts.clamp(1, 20) - 1;
        let cap = MAX_RETRY_DELAY.max(self.first_retry).as_secs_f64();
        let secs = (self.first_retry.as_secs_f64() * RETRY_GROWTH.powi(exp)).min(cap);
        let mut jitter = [0u8; 1];
        let _ = openssl::rand::rand_bytes(&mut jitter);
        let factor = 0.9 + f64::from(jitter[0]) / 255.0 * 0.2;
        let delay = chrono::Duration::milliseconds((secs * factor * 1000.0) as i64);
        (now + delay - first_attempt_at <= GIVE_UP_AFTER).then_some(delay)
    }

    /// The cool-down after `failures` failures in a row: the base cool-down, doubling, at most
    /// an hour (or the base, when that is longer).
    pub fn cooldown(&self, failures: i32) -> Duration {
        let doublings = failures.clamp(1, 16) - 1;
        self.host_cooldown
            .saturating_mul(1u32 << doublings)
            .min(MAX_HOST_COOLDOWN.max(self.host_cooldown))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn defaults() -> Timing {
        Timing::from_config(&crate::Config::defaults().unwrap().federation)
    }

    /// Follows the schedule from `start` until it gives up: (retries, time of the last one).
    fn schedule(timing: Timing, start: DateTime<Utc>) -> (i32, DateTime<Utc>) {
        let mut now = start;
        let mut attempts = 0;
        let mut previous = chrono::Duration::zero();
        while let Some(delay) = timing.retry_delay(attempts + 1, start, now) {
            attempts += 1;
            assert!(delay >= previous || delay >= chrono::Duration::hours(21));
            previous = delay;
            now += delay;
            assert!(attempts < 100, "never gives up");
        }
        (attempts, now)
    }

    #[test]
    fn backoff_grows_and_gives_up_after_a_week() {
        let timing = defaults();
        assert_eq!(timing.first_retry, Duration::from_secs(30));
        let start = Utc::now();
        let (_, last) = schedule(timing, start);
        let total = last - start;
        assert!(total > chrono::Duration::days(5), "{total}");
        assert!(total <= GIVE_UP_AFTER, "{total}");
        let first = timing.retry_delay(1, start, start).unwrap_or_default();
        assert!(first >= chrono::Duration::seconds(27) && first <= chrono::Duration::seconds(33));
        let third = timing.retry_delay(3, start, start).unwrap_or_default();
        assert!(third >= chrono::Duration::seconds(243) && third <= chrono::Duration::seconds(297));
    }

    #[test]
    fn a_custom_first_retry_keeps_the_shape_and_the_week() {
        let timing = Timing {
            first_retry: Duration::from_secs(1),
            ..defaults()
        };
        let start = Utc::now();
        let delay = |n| {
            timing
                .retry_delay(n, start, start)
                .unwrap()
                .num_milliseconds()
        };
        assert!((900..=1100).contains(&delay(1)), "{}", delay(1));
        assert!((2700..=3300).contains(&delay(2)), "{}", delay(2));
        assert!((8100..=9900).contains(&delay(3)), "{}", delay(3));
        // Still capped at a day, and still given up about a week after the first attempt,
        // after more retries than with the default.
        assert!(timing.retry_delay(20, start, start).unwrap() <= chrono::Duration::hours(27));
        let (retries, last) = schedule(timing, start);
        let (default_retries, _) = schedule(defaults(), start);
        assert!(retries > default_retries, "{retries} vs {default_retries}");
        assert!(last - start > chrono::Duration::days(5) && last - start <= GIVE_UP_AFTER);
        // A first retry longer than the daily cap is kept as it is.
        let slow = Timing {
            first_retry: Duration::from_secs(2 * 86_400),
            ..defaults()
        };
        let hours = |n| slow.retry_delay(n, start, start).unwrap().num_hours();
        assert!((43..=53).contains(&hours(1)) && (43..=53).contains(&hours(2)));
    }

    #[test]
    fn the_cooldown_doubles_with_failures_in_a_row_up_to_an_hour() {
        let timing = defaults();
        let minutes = |n| timing.cooldown(n).as_secs() / 60;
        assert_eq!(
            (minutes(0), minutes(1), minutes(2), minutes(3)),
            (1, 1, 2, 4)
        );
        assert_eq!((minutes(7), minutes(8), minutes(500)), (60, 60, 60));
    }

    #[test]
    fn a_custom_cooldown_base_doubles_the_same_way() {
        let short = Timing {
            host_cooldown: Duration::from_secs(2),
            ..defaults()
        };
        let secs = |n| short.cooldown(n).as_secs();
        assert_eq!((secs(1), secs(2), secs(3), secs(4)), (2, 4, 8, 16));
        // 2 s × 2^11 = 4096 s: past the hour, so capped at it.
        assert_eq!((secs(11), secs(12), secs(500)), (2048, 3600, 3600));
        // A base longer than the hour is the cool-down itself, never shortened.
        let long = Timing {
            host_cooldown: Duration::from_secs(7200),
            ..defaults()
        };
        assert_eq!(
            (long.cooldown(1), long.cooldown(9)),
            (long.host_cooldown, long.host_cooldown)
        );
    }
}
