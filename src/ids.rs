//! Snowflake ids: 48 bits of Unix milliseconds and a 16-bit sequence, so ids sort by time
//! (Mastodon's `max_id` paging relies on that) and fit an i64.
use chrono::{DateTime, Utc};
use std::sync::Mutex;

/// Hands out increasing, unique ids for one node.
#[derive(Debug, Default)]
pub struct IdGenerator {
    last: Mutex<(i64, i64)>,
}

impl IdGenerator {
    /// A fresh id for something created now.
    pub fn next(&self) -> i64 {
        let now = Utc::now().timestamp_millis();
        let mut last = self
            .last
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let (ms, seq) = if now > last.0 {
            (now, 0)
        } else if last.1 < 0xFFFF {
            (last.0, last.1 + 1)
        } else {
            // Sequence exhausted in this millisecond: borrow the next one.
            (last.0 + 1, 0)
        };
        *last = (ms, seq);
        (ms << 16) | seq
    }

    /// An id for a remote object published at `at`: its time in the high bits and random low
    /// bits, so it sorts among local ids by publication time.
    pub fn for_time(&self, at: DateTime<Utc>) -> i64 {
        let ms = at.timestamp_millis().clamp(0, (1 << 47) - 1);
        let mut low = [0u8; 2];
        if openssl::rand::rand_bytes(&mut low).is_err() {
            return self.next();
        }
        (ms << 16) | i64::from(u16::from_be_bytes(low))
    }
}

/// The smallest id that can belong to something created at `at` (for time-bounded queries).
pub fn min_id_at(at: DateTime<Utc>) -> i64 {
    at.timestamp_millis() << 16
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_strictly_increase() {
        let ids = IdGenerator::default();
        let mut previous = ids.next();
        for _ in 0..100_000 {
            let id = ids.next();
            assert!(id > previous);
            previous = id;
        }
    }

    #[test]
    fn remote_ids_sort_by_time() {
        let ids = IdGenerator::default();
        let early = ids.for_time(DateTime::from_timestamp(1_600_000_000, 0).unwrap_or_default());
        let late = ids.for_time(DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default());
        assert!(early < late);
        assert!(early >= min_id_at(DateTime::from_timestamp(1_600_000_000, 0).unwrap_or_default()));
    }
}
