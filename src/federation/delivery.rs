//! The persistent delivery queue's workers: claim due rows with a lease, sign with OpenSSL and
//! POST with bounded concurrency (overall and per host), record outcomes in batches, retry with
//! exponential backoff for about a week ([`Timing`]), and keep dead hosts from holding up
//! healthy ones.
//!
//! Rows are written by `outbox` in the same transaction as the change that caused them, so a
//! crash loses nothing: leases of a dead process are released on start (or expire), and the rows
//! are sent again. A repeat delivery is harmless (receivers de-duplicate activity ids).
//!
//! Silent hosts (they accept the connection and never answer) are kept from starving the others
//! three ways: a host gets one delivery at a time until it has answered one (and again after a
//! failure), a timeout cools the host down like a refused connection, and a delivery still
//! unanswered after [`SLOW_AFTER`] gives its slot back and waits in a separate, bounded overflow
//! pool, so the `delivery_concurrency` slots stay with hosts that answer.
//!
//! The cool-down is a circuit breaker that lengthens with each failure in a row
//! ([`Timing::cooldown`]: `delivery_host_cooldown_secs`, a minute by default, doubling, at most
//! an hour). It is recorded on `remote_host` with the outcomes and read back on start and every
//! [`HOST_STATE_REFRESH`], so a restarted process (or another process on the same PostgreSQL)
//! keeps leaving a dead host alone instead of trying it again at once; which hosts answered is
//! read back too.
use crate::{
    AppState,
    db::{self, deliveries::Outcome, entity::delivery},
    federation::signatures,
};
use chrono::Utc;
use std::{
    collections::{HashMap, HashSet},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore, mpsc, watch};

mod hosts;
mod timing;
use hosts::{Hosts, lock};
pub use timing::Timing;

/// How long a claimed row stays ours before another worker may take it.
const LEASE: chrono::Duration = chrono::Duration::minutes(2);
/// Longest idle sleep when nothing is due. Enqueues in this process wake the loop at once; this
/// bounds how long work enqueued by another process (the CLI, another node process on the same
/// PostgreSQL) waits. One indexed query every few seconds costs nothing measurable.
const MAX_IDLE: Duration = Duration::from_secs(5);
/// How often the hosts' persisted state (unavailable marks, other processes' cool-downs) is
/// read again.
const HOST_STATE_REFRESH: Duration = Duration::from_secs(30);
/// A delivery unanswered for this long stops holding one of the `delivery_concurrency` slots and
/// waits in the overflow pool instead. Most inboxes answer in a few hundred milliseconds; a slower
/// one is not cut off (that is `delivery_timeout_secs`), it only stops blocking other hosts, and
/// the per-host limit still holds, so nobody gets more requests at once.
pub const SLOW_AFTER: Duration = Duration::from_secs(1);
/// Size of the overflow pool, as a multiple of `delivery_concurrency`: a slow delivery that finds
/// it full keeps its slot.
const OVERFLOW_FACTOR: usize = 3;

/// The queue's wake-up handle, kept in the app state.
#[derive(Default)]
pub struct DeliveryQueue {
    notify: Notify,
    revived: Mutex<HashSet<String>>,
}

impl DeliveryQueue {
    /// Something was enqueued (call after the transaction commits) or capacity freed up.
    pub fn wake(&self) {
        self.notify.notify_one();
    }

    /// A host we failed to reach has contacted us: end its cool-down and send to it now.
    pub fn host_is_back(&self, host: &str) {
        if let Ok(mut revived) = self.revived.lock() {
            revived.insert(host.to_string());
        }
        self.wake();
    }

    fn take_revived(&self) -> Vec<String> {
        self.revived
            .lock()
            .map(|mut r| r.drain().collect())
            .unwrap_or_default()
    }
}

/// Frees leases left by a previous run of this node (called before the workers start).
pub async fn release_leases(state: &AppState) -> anyhow::Result<()> {
    let released = db::deliveries::release_leases(&state.db.write)
        .await
        .map_err(|e| anyhow::anyhow!("releasing delivery leases: {e}"))?;
    if released > 0 {
        tracing::info!(released, "resuming deliveries interrupted by the last stop");
    }
    Ok(())
}

/// Runs the dispatcher until `shutdown` turns true, then lets in-flight deliveries finish.
pub async fn run_workers(state: AppState, mut shutdown: watch::Receiver<bool>) {
    let cfg = &state.config.federation;
    let slots = Arc::new(Semaphore::new(cfg.delivery_concurrency));
    let overflow_size = cfg.delivery_concurrency.saturating_mul(OVERFLOW_FACTOR);
    let overflow = Arc::new(Semaphore::new(overflow_size));
    let timing = Timing::from_config(cfg);
    let hosts = Arc::new(Mutex::new(Hosts::new(
        cfg.delivery_concurrency_per_host,
        timing,
    )));
    let (outcomes_tx, outcomes_rx) = mpsc::unbounded_channel::<Outcome>();
    let writer = tokio::spawn(write_outcomes(state.clone(), outcomes_rx));
    let mut unavailable: HashSet<String> = HashSet::new();
    match db::deliveries::answering_hosts(&state.db.read).await {
        Ok(answering) => lock(&hosts).answered.extend(answering),
        Err(e) => tracing::warn!(error = %e, "reading which hosts answer deliveries"),
    }
    let mut host_state_read: Option<Instant> = None;

    loop {
        if *shutdown.borrow() {
            break;
        }
        let revived = state.delivery.take_revived();
        if !revived.is_empty() {
            let mut h = lock(&hosts);
            for host in &revived {
                h.cooling.remove(host);
            }
        }
        if host_state_read.is_none_or(|at| at.elapsed() > HOST_STATE_REFRESH) {
            if let Ok(list) = db::deliveries::unavailable_hosts(&state.db.read).await {
                unavailable = list.into_iter().collect();
            }
            match db::deliveries::failing_hosts(&state.db.read).await {
                Ok(failing) => lock(&hosts).merge_failing(&failing, Utc::now()),
                Err(e) => tracing::warn!(error = %e, "reading the hosts' cool-downs"),
            }
            host_state_read = Some(Instant::now());
        }
        let (excluded, in_flight) = {
            let mut h = lock(&hosts);
            (h.excluded(&unavailable), h.in_flight.clone())
        };
        let free = slots.available_permits();
        let claimed = if free == 0 {
            Vec::new()
        } else {
            claim_batch(&state, &hosts, &excluded, in_flight, free).await
        };
        let claimed_any = !claimed.is_empty();
        for row in claimed {
            let Ok(permit) = slots.clone().acquire_owned().await else {
                break;
            };
            let state = state.clone();
            let hosts = hosts.clone();
            let outcomes = outcomes_tx.clone();
            let overflow = overflow.clone();
            tokio::spawn(async move {
                let host = row.host.clone();
                let outcome = deliver_fairly(&state, row, permit, &overflow).await;
                lock(&hosts).finished(&host, outcome.host_reachable);
                let _ = outcomes.send(outcome);
                state.delivery.wake();
            });
        }
        if claimed_any {
            continue;
        }
        let wait = if free == 0 {
            // Every slot is busy: a finishing (or slow) delivery wakes the loop.
            MAX_IDLE
        } else {
            let now = Utc::now();
            let due = match db::deliveries::next_due_at(&state.db.read, now, &excluded).await {
                // Due now yet not claimed: another process won the rows; look again soon.
                Ok(Some(at)) => (at - now).to_std().unwrap_or(Duration::from_millis(200)),
                Ok(None) => MAX_IDLE,
                Err(e) => {
                    tracing::warn!(error = %e, "reading the delivery queue");
                    MAX_IDLE
                }
            };
            let cooled = lock(&hosts)
                .next_cooldown_end()
                .map_or(MAX_IDLE, |at| at.saturating_duration_since(Instant::now()));
            due.min(cooled)
        }
        .clamp(Duration::from_millis(50), MAX_IDLE);
        tokio::select! {
            _ = state.delivery.notify.notified() => {},
            _ = tokio::time::sleep(wait) => {},
            _ = shutdown.changed() => {},
        }
    }
    // Let in-flight deliveries finish (bounded by the delivery timeout), then flush outcomes.
    let total = u32::try_from(cfg.delivery_concurrency).unwrap_or(u32::MAX);
    let overflow_total = u32::try_from(overflow_size).unwrap_or(u32::MAX);
    let _ = tokio::time::timeout(Duration::from_secs(cfg.delivery_timeout_secs + 5), async {
        let _all = slots.acquire_many(total).await;
        let _ = overflow.acquire_many(overflow_total).await;
    })
    .await;
    drop(outcomes_tx);
    let _ = writer.await;
}

/// Runs one delivery holding `permit` (one of the `delivery_concurrency` slots). If the host has
/// not answered after [`SLOW_AFTER`], the delivery moves to the overflow pool (when it has room)
/// and gives its slot back, so silent hosts cannot hold every slot until they time out.
async fn deliver_fairly(
    state: &AppState,
    row: delivery::Model,
    permit: OwnedSemaphorePermit,
    overflow: &Arc<Semaphore>,
) -> Outcome {
    let delivery = deliver(state, row);
    tokio::pin!(delivery);
    tokio::select! {
        outcome = &mut delivery => outcome,
        _ = tokio::time::sleep(SLOW_AFTER) => {
            let parked = overflow.clone().try_acquire_owned().ok();
            let _kept = if parked.is_some() {
                drop(permit);
                state.delivery.wake();
                None
            } else {
                Some(permit)
            };
            delivery.await
        }
    }
}

/// Claims up to `free` due rows of hosts not in `excluded`, keeping each host within its limit.
async fn claim_batch(
    state: &AppState,
    hosts: &Arc<Mutex<Hosts>>,
    excluded: &[String],
    in_flight: HashMap<String, usize>,
    free: usize,
) -> Vec<delivery::Model> {
    let now = Utc::now();
    let candidates = match db::deliveries::due_candidates(
        &state.db.read,
        now,
        excluded,
        (free * 4).min(1000) as u64,
    )
    .await
    {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!(error = %e, "listing due deliveries");
            return Vec::new();
        }
    };
    let mut counts = in_flight;
    let mut chosen = Vec::new();
    {
        let h = lock(hosts);
        for (id, host) in candidates {
            if chosen.len() >= free {
                break;
            }
            let limit = h.limit(&host);
            let n = counts.entry(host).or_insert(0);
            if *n < limit {
                *n += 1;
                chosen.push(id);
            }
        }
    }
    let claimed = match db::deliveries::claim(&state.db.write, &chosen, now, LEASE).await {
        Ok(rows) => rows,
        Err(e) => {
            tracing::warn!(error = %e, "claiming deliveries");
            return Vec::new();
        }
    };
    {
        let mut h = lock(hosts);
        for row in &claimed {
            h.started(&row.host);
        }
    }
    claimed
}

/// Signs and sends one delivery; classifies the answer the way Mastodon does.
async fn deliver(state: &AppState, row: delivery::Model) -> Outcome {
    let attempts = row.attempts + 1;
    if state.domain_policy.is_blocked(&row.host) {
        // Queued before the federation policy refused the host (or by another process that
        // has not reloaded it yet): never sent.
        return Outcome {
            delivery_id: row.id,
            host: row.host.clone(),
            attempts: row.attempts,
            state: delivery::state::SKIPPED,
            next_attempt_at: None,
            error: Some("refused by the federation policy".into()),
            host_reachable: true,
        };
    }
    let result = send_signed(state, &row).await;
    // The retry delay counts from the end of this attempt (a timeout does not eat into it).
    let now = Utc::now();
    let timing = Timing::from_config(&state.config.federation);
    let retry = |error: String, reachable: bool| {
        let first = row.created_at;
        match timing.retry_delay(attempts, first, now) {
            Some(delay) => Outcome {
                delivery_id: row.id,
                host: row.host.clone(),
                attempts,
                state: delivery::state::PENDING,
                next_attempt_at: Some(now + delay),
                error: Some(error),
                host_reachable: reachable,
            },
            None => Outcome {
                delivery_id: row.id,
                host: row.host.clone(),
                attempts,
                state: delivery::state::FAILED,
                next_attempt_at: None,
                error: Some(format!("gave up after {attempts} attempts: {error}")),
                host_reachable: reachable,
            },
        }
    };
    let finished = |state_name: &'static str, error: Option<String>| Outcome {
        delivery_id: row.id,
        host: row.host.clone(),
        attempts,
        state: state_name,
        next_attempt_at: None,
        error,
        host_reachable: true,
    };
    match result {
        Ok(status) if status.is_success() => finished(delivery::state::DONE, None),
        Ok(status) if status == reqwest::StatusCode::GONE => {
            finished(delivery::state::GONE, Some("410 Gone".into()))
        }
        // 4xx other than these cannot be fixed by retrying (Mastodon's rule).
        Ok(status) if status.is_client_error() && !matches!(status.as_u16(), 401 | 408 | 429) => {
            finished(
                delivery::state::FAILED,
                Some(format!("refused with {status}")),
            )
        }
        Ok(status) => retry(format!("answered {status}"), !status.is_server_error()),
        Err(e) => retry(e, false),
    }
}

/// POSTs the activity to the row's inbox, signed by its actor.
async fn send_signed(
    state: &AppState,
    row: &delivery::Model,
) -> Result<reqwest::StatusCode, String> {
    let activity = db::deliveries::activities(&state.db.read, &[row.activity_id])
        .await
        .map_err(|e| e.to_string())?
        .remove(&row.activity_id)
        .ok_or("activity row missing")?;
    let actor = db::actors::get_by_id(&state.db.read, activity.actor_id)
        .await
        .map_err(|e| e.to_string())?;
    let pem = actor
        .private_key_pem
        .as_deref()
        .ok_or("actor has no private key")?;
    let key = state
        .private_keys
        .get_or_parse(actor.id, pem)
        .map_err(|e| e.to_string())?;
    let url = url::Url::parse(&row.inbox).map_err(|e| format!("bad inbox URL: {e}"))?;
    let body = activity.body.into_bytes();
    let content_type = "application/activity+json";
    let signed = signatures::sign_request(
        &key,
        &actor.public_key_id,
        &http::Method::POST,
        &url,
        Some(&body),
        Some(content_type),
        Utc::now(),
    )
    .map_err(|e| e.to_string())?;
    let mut request = state
        .http
        .post(url)
        .header("content-type", content_type)
        .header("date", signed.date)
        .header("signature", signed.signature);
    if let Some(digest) = signed.digest {
        request = request.header("digest", digest);
    }
    let timeout = Duration::from_secs(state.config.federation.delivery_timeout_secs);
    let response = request
        .timeout(timeout)
        .body(body)
        .send()
        .await
        .map_err(|e| {
            if e.is_timeout() {
                "timed out".to_string()
            } else if e.is_connect() {
                "connection failed".to_string()
            } else {
                e.to_string()
            }
        })?;
    Ok(response.status())
}

/// Writes outcomes in batches (one transaction per batch) until the channel closes.
async fn write_outcomes(state: AppState, mut rx: mpsc::UnboundedReceiver<Outcome>) {
    let mut batch = Vec::with_capacity(256);
    while let Some(first) = rx.recv().await {
        batch.push(first);
        while batch.len() < 512 {
            match rx.try_recv() {
                Ok(o) => batch.push(o),
                Err(_) => break,
            }
        }
        let timing = Timing::from_config(&state.config.federation);
        match db::deliveries::record_outcomes(
            &state.db.write,
            &batch,
            state.config.federation.unavailable_after_days,
            |failures| {
                chrono::Duration::from_std(timing.cooldown(failures))
                    .unwrap_or(chrono::Duration::hours(1))
            },
        )
        .await
        {
            Ok(hosts) => {
                for host in hosts {
                    tracing::warn!(%host, "host marked unavailable after repeated delivery failures");
                }
            }
            // The rows keep their lease and are retried when it expires.
            Err(e) => tracing::error!(error = %e, "recording delivery outcomes"),
        }
        batch.clear();
        state.delivery.wake();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The timing of the default configuration (a minute's cool-down).
    fn default_timing() -> Timing {
        Timing::from_config(&crate::Config::defaults().expect("defaults load").federation)
    }

    #[test]
    fn a_host_gets_its_full_limit_only_after_answering_and_cools_down_after_a_timeout() {
        let none = HashSet::new();
        let mut hosts = Hosts::new(4, default_timing());
        let host = "school.example".to_string();
        // Not tried yet: one delivery at a time.
        assert_eq!(hosts.limit(&host), 1);
        hosts.started(&host);
        assert!(hosts.excluded(&none).contains(&host));
        hosts.finished(&host, true);
        assert!(!hosts.excluded(&none).contains(&host));
        // It answered: four at a time.
        assert_eq!(hosts.limit(&host), 4);
        for _ in 0..3 {
            hosts.started(&host);
        }
        assert!(!hosts.excluded(&none).contains(&host));
        hosts.started(&host);
        assert!(hosts.excluded(&none).contains(&host));
        // A timeout (or refused connection, or 5xx): cooling down, then one at a time again.
        hosts.finished(&host, false);
        assert_eq!(hosts.limit(&host), 1);
        assert!(hosts.next_cooldown_end().is_some());
        for _ in 0..3 {
            hosts.finished(&host, false);
        }
        assert!(hosts.in_flight.is_empty());
        assert!(hosts.excluded(&none).contains(&host), "still cooling down");
        hosts.cooling.clear();
        assert!(!hosts.excluded(&none).contains(&host));
        assert!(
            hosts
                .excluded(&HashSet::from([host.clone()]))
                .contains(&host)
        );
    }

    #[test]
    fn failures_in_a_row_lengthen_the_host_cooldown() {
        let mut hosts = Hosts::new(4, default_timing());
        let host = "dead.example".to_string();
        for _ in 0..3 {
            hosts.started(&host);
        }
        // Three deliveries failing together are one failure.
        for _ in 0..3 {
            hosts.finished(&host, false);
        }
        assert_eq!(hosts.failures[&host], 1);
        hosts.cooling.clear();
        hosts.started(&host);
        hosts.finished(&host, false);
        assert_eq!(hosts.failures[&host], 2);
        // The second failure in a row: twice the minute.
        let until = hosts.cooling[&host];
        assert!(until > Instant::now() + Duration::from_secs(100));
        assert!(until <= Instant::now() + Duration::from_secs(120));
        hosts.started(&host);
        hosts.finished(&host, true);
        assert!(!hosts.failures.contains_key(&host));
    }

    #[test]
    fn persisted_failures_and_cooldowns_are_taken_in() {
        let now = Utc::now();
        let mut hosts = Hosts::new(4, default_timing());
        let (dead, past) = ("dead.example".to_string(), "past.example".to_string());
        hosts.answered.insert(dead.clone());
        hosts.merge_failing(
            &[
                db::deliveries::FailingHost {
                    host: dead.clone(),
                    consecutive_failures: 3,
                    cooldown_until: Some(now + chrono::Duration::minutes(4)),
                },
                db::deliveries::FailingHost {
                    host: past.clone(),
                    consecutive_failures: 1,
                    cooldown_until: Some(now - chrono::Duration::minutes(1)),
                },
            ],
            now,
        );
        let excluded = hosts.excluded(&HashSet::new());
        assert!(excluded.contains(&dead) && !excluded.contains(&past));
        assert_eq!(hosts.limit(&dead), 1);
        assert_eq!((hosts.failures[&dead], hosts.failures[&past]), (3, 1));
        // The next failure of the dead host lengthens the cool-down from there.
        hosts.cooling.clear();
        hosts.finished(&dead, false);
        assert_eq!(hosts.failures[&dead], 4);
    }

    #[test]
    fn the_configured_cooldown_base_is_the_one_used() {
        let short = Timing {
            host_cooldown: Duration::from_secs(2),
            ..default_timing()
        };
        let mut hosts = Hosts::new(4, short);
        let host = "flaky.example".to_string();
        hosts.started(&host);
        hosts.finished(&host, false);
        let until = hosts.cooling[&host];
        assert!(until <= Instant::now() + Duration::from_secs(2));
        assert!(until > Instant::now() + Duration::from_secs(1));
    }
}
