//! The delivery workers' in-memory view of remote hosts: deliveries in flight per host,
//! cool-downs after failures, and which hosts have proven they answer.
use super::Timing;
use crate::db;
use chrono::{DateTime, Utc};
use std::{
    collections::{HashMap, HashSet},
    sync::{Mutex, MutexGuard, PoisonError},
    time::Instant,
};

/// In-memory view of hosts: deliveries in flight, cool-downs after failures, and which hosts
/// have proven they answer.
pub(super) struct Hosts {
    pub(super) per_host: usize,
    pub(super) timing: Timing,
    pub(super) in_flight: HashMap<String, usize>,
    pub(super) cooling: HashMap<String, Instant>,
    /// Failures in a row of hosts that are failing (how long their next cool-down lasts).
    pub(super) failures: HashMap<String, i32>,
    /// Hosts whose latest delivery from this process got an HTTP answer (other than 5xx). Only
    /// they get `delivery_concurrency_per_host` deliveries at once; a host not tried yet, or whose
    /// last attempt timed out, failed to connect or got a 5xx, gets one at a time.
    pub(super) answered: HashSet<String>,
}

impl Hosts {
    pub(super) fn new(per_host: usize, timing: Timing) -> Self {
        Hosts {
            per_host: per_host.max(1),
            timing,
            in_flight: HashMap::new(),
            cooling: HashMap::new(),
            failures: HashMap::new(),
            answered: HashSet::new(),
        }
    }

    /// How many deliveries to `host` may be in flight at once.
    pub(super) fn limit(&self, host: &str) -> usize {
        if self.answered.contains(host) {
            self.per_host
        } else {
            1
        }
    }

    /// Hosts that must not get another delivery now: at their limit, cooling down, unavailable.
    pub(super) fn excluded(&mut self, unavailable: &HashSet<String>) -> Vec<String> {
        let now = Instant::now();
        self.cooling.retain(|_, until| *until > now);
        let mut hosts: HashSet<String> = self
            .in_flight
            .iter()
            .filter(|(h, n)| **n >= self.limit(h))
            .map(|(h, _)| h.clone())
            .collect();
        hosts.extend(self.cooling.keys().cloned());
        hosts.extend(unavailable.iter().cloned());
        hosts.into_iter().collect()
    }

    /// When the earliest cool-down ends.
    pub(super) fn next_cooldown_end(&self) -> Option<Instant> {
        self.cooling.values().min().copied()
    }

    /// Takes in the persisted state of hosts that are failing (from an earlier run or another
    /// process): their failure count and cool-down, whichever lasts longer.
    pub(super) fn merge_failing(
        &mut self,
        failing: &[db::deliveries::FailingHost],
        now: DateTime<Utc>,
    ) {
        let instant_now = Instant::now();
        for host in failing {
            self.answered.remove(&host.host);
            let failures = self.failures.entry(host.host.clone()).or_insert(0);
            *failures = (*failures).max(host.consecutive_failures);
            if let Some(left) = host
                .cooldown_until
                .and_then(|until| (until - now).to_std().ok())
            {
                let until = instant_now + left;
                let cooling = self.cooling.entry(host.host.clone()).or_insert(until);
                *cooling = (*cooling).max(until);
            }
        }
    }

    pub(super) fn started(&mut self, host: &str) {
        *self.in_flight.entry(host.to_string()).or_insert(0) += 1;
    }

    /// A delivery to `host` ended; `reachable`: the host answered (not a 5xx). A timeout counts
    /// as unreachable, like a refused connection. Deliveries that were in flight together and
    /// fail together count as one failure (the first starts the cool-down).
    pub(super) fn finished(&mut self, host: &str, reachable: bool) {
        let now = Instant::now();
        if reachable {
            self.answered.insert(host.to_string());
            self.failures.remove(host);
        } else {
            self.answered.remove(host);
            if self.cooling.get(host).is_none_or(|until| *until <= now) {
                let failures = self.failures.entry(host.to_string()).or_insert(0);
                *failures = failures.saturating_add(1);
                self.cooling
                    .insert(host.to_string(), now + self.timing.cooldown(*failures));
            }
        }
        if let Some(n) = self.in_flight.get_mut(host) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                self.in_flight.remove(host);
            }
        }
    }
}

/// The hosts' state stays consistent even if a holder panicked, so poisoning is ignored.
pub(super) fn lock(hosts: &Mutex<Hosts>) -> MutexGuard<'_, Hosts> {
    hosts.lock().unwrap_or_else(PoisonError::into_inner)
}
