//! Queries on the delivery queue (`outgoing_activity`, `delivery`) and host health
//! (`remote_host`: failure days, the unavailable mark, and the circuit breaker's consecutive
//! failures and cool-down, shared by every process and kept across restarts): enqueue in the
//! caller's transaction, claim due rows with a lease, record outcomes in batches.
use crate::{
    db::entity::{delivery, outgoing_activity, remote_host},
    error::AppResult,
    ids::IdGenerator,
};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, TransactionSession, TransactionTrait, sea_query::Expr,
};
use std::collections::HashMap;

/// One activity to store and the inboxes (with their hosts) to deliver it to.
pub struct NewActivity<'a> {
    pub ap_id: &'a str,
    pub id: i64,
    pub actor_id: i64,
    pub kind: &'a str,
    pub public: bool,
    pub body: &'a str,
    /// `(inbox, host, skip)`: skipped rows are stored as such (host unavailable).
    pub inboxes: Vec<(String, String, bool)>,
}

/// Stores an activity and one delivery row per inbox, in the caller's transaction.
pub async fn enqueue(
    db: &impl ConnectionTrait,
    ids: &IdGenerator,
    new: NewActivity<'_>,
) -> AppResult<()> {
    let now = Utc::now();
    outgoing_activity::ActiveModel {
        id: Set(new.id),
        ap_id: Set(new.ap_id.to_string()),
        actor_id: Set(new.actor_id),
        kind: Set(new.kind.to_string()),
        public: Set(new.public),
        body: Set(new.body.to_string()),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    if new.inboxes.is_empty() {
        return Ok(());
    }
    let rows = new
        .inboxes
        .into_iter()
        .map(|(inbox, host, skip)| delivery::ActiveModel {
            id: Set(ids.next()),
            activity_id: Set(new.id),
            inbox: Set(inbox),
            host: Set(host),
            state: Set(if skip {
                delivery::state::SKIPPED
            } else {
                delivery::state::PENDING
            }
            .to_string()),
            attempts: Set(0),
            next_attempt_at: Set(now),
            locked_until: Set(None),
            last_error: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        });
    for chunk in rows.collect::<Vec<_>>().chunks(200) {
        delivery::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// Due, unleased pending deliveries, oldest due first, excluding some hosts.
pub async fn due_candidates(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    exclude_hosts: &[String],
    limit: u64,
) -> AppResult<Vec<(i64, String)>> {
    let mut query = delivery::Entity::find()
        .select_only()
        .column(delivery::Column::Id)
        .column(delivery::Column::Host)
        .filter(delivery::Column::State.eq(delivery::state::PENDING))
        .filter(delivery::Column::NextAttemptAt.lte(now))
        .filter(
            delivery::Column::LockedUntil
                .is_null()
                .or(delivery::Column::LockedUntil.lt(now)),
        );
    if !exclude_hosts.is_empty() {
        query = query.filter(delivery::Column::Host.is_not_in(exclude_hosts.iter().cloned()));
    }
    Ok(query
        .order_by_asc(delivery::Column::NextAttemptAt)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await?)
}

/// Takes a lease on the given rows; returns the rows this caller won (another process may have
/// taken some first).
pub async fn claim(
    db: &impl ConnectionTrait,
    ids: &[i64],
    now: DateTime<Utc>,
    lease: Duration,
) -> AppResult<Vec<delivery::Model>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(delivery::Entity::update_many()
        .col_expr(delivery::Column::LockedUntil, Expr::value(now + lease))
        .filter(delivery::Column::Id.is_in(ids.iter().copied()))
        .filter(delivery::Column::State.eq(delivery::state::PENDING))
        .filter(
            delivery::Column::LockedUntil
                .is_null()
                .or(delivery::Column::LockedUntil.lt(now)),
        )
        .exec_with_returning(db)
        .await?)
}

/// When the next pending delivery that could be claimed falls due: rows leased at `now` (in
/// flight here or in another process) and rows of `exclude_hosts` (at their limit, cooling down)
/// do not count — their end wakes the dispatcher by other means. None: nothing to wait for.
pub async fn next_due_at(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    exclude_hosts: &[String],
) -> AppResult<Option<DateTime<Utc>>> {
    let mut query = delivery::Entity::find()
        .select_only()
        .column(delivery::Column::NextAttemptAt)
        .filter(delivery::Column::State.eq(delivery::state::PENDING))
        .filter(
            delivery::Column::LockedUntil
                .is_null()
                .or(delivery::Column::LockedUntil.lt(now)),
        );
    if !exclude_hosts.is_empty() {
        query = query.filter(delivery::Column::Host.is_not_in(exclude_hosts.iter().cloned()));
    }
    let row: Option<DateTime<Utc>> = query
        .order_by_asc(delivery::Column::NextAttemptAt)
        .limit(1)
        .into_tuple()
        .one(db)
        .await?;
    Ok(row)
}

/// Frees every lease (on start: a crashed process's in-flight rows become due again).
pub async fn release_leases(db: &impl ConnectionTrait) -> AppResult<u64> {
    let res = delivery::Entity::update_many()
        .col_expr(
            delivery::Column::LockedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(delivery::Column::State.eq(delivery::state::PENDING))
        .filter(delivery::Column::LockedUntil.is_not_null())
        .exec(db)
        .await?;
    Ok(res.rows_affected)
}

/// The body and signer of each activity.
pub async fn activities(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> AppResult<HashMap<i64, outgoing_activity::Model>> {
    Ok(outgoing_activity::Entity::find()
        .filter(outgoing_activity::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect())
}

/// The result of one delivery attempt.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub delivery_id: i64,
    pub host: String,
    pub attempts: i32,
    /// New state and, for a retry, when.
    pub state: &'static str,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub error: Option<String>,
    /// The host answered at all (any HTTP status).
    pub host_reachable: bool,
}

/// Records a batch of outcomes and host health in one transaction: a host that answered is
/// cleared; one that did not gets one more consecutive failure and a cool-down of
/// `cooldown(consecutive failures)`. Returns the hosts that just became unavailable.
pub async fn record_outcomes<C: TransactionTrait>(
    db: &C,
    outcomes: &[Outcome],
    unavailable_after_days: i32,
    cooldown: impl Fn(i32) -> Duration,
) -> AppResult<Vec<String>> {
    let now = Utc::now();
    let txn = db.begin().await?;
    for o in outcomes {
        let mut update = delivery::Entity::update_many()
            .col_expr(delivery::Column::State, Expr::value(o.state))
            .col_expr(delivery::Column::Attempts, Expr::value(o.attempts))
            .col_expr(
                delivery::Column::LockedUntil,
                Expr::value(Option::<DateTime<Utc>>::None),
            )
            .col_expr(delivery::Column::LastError, Expr::value(o.error.clone()))
            .col_expr(delivery::Column::UpdatedAt, Expr::value(now));
        if let Some(at) = o.next_attempt_at {
            update = update.col_expr(delivery::Column::NextAttemptAt, Expr::value(at));
        }
        update
            .filter(delivery::Column::Id.eq(o.delivery_id))
            .exec(&txn)
            .await?;
    }
    // Host health: one verdict per host for the batch.
    let mut verdicts: HashMap<&str, bool> = HashMap::new();
    for o in outcomes {
        let ok = verdicts.entry(o.host.as_str()).or_insert(false);
        *ok |= o.host_reachable;
    }
    let mut newly_unavailable = Vec::new();
    for (host, reachable) in verdicts {
        let existing = remote_host::Entity::find_by_id(host.to_string())
            .one(&txn)
            .await?;
        let mut row = match &existing {
            Some(m) => remote_host::ActiveModel::from(m.clone()),
            None => remote_host::ActiveModel {
                host: Set(host.to_string()),
                software: Set(None),
                failure_days: Set(0),
                last_failure_at: Set(None),
                last_success_at: Set(None),
                unavailable: Set(false),
                consecutive_failures: Set(0),
                cooldown_until: Set(None),
            },
        };
        if reachable {
            row.failure_days = Set(0);
            row.last_success_at = Set(Some(now));
            row.unavailable = Set(false);
            row.consecutive_failures = Set(0);
            row.cooldown_until = Set(None);
        } else {
            let failures = existing
                .as_ref()
                .map_or(0, |m| m.consecutive_failures)
                .saturating_add(1);
            row.consecutive_failures = Set(failures);
            row.cooldown_until = Set(Some(now + cooldown(failures)));
            let last_day = existing
                .as_ref()
                .and_then(|m| m.last_failure_at)
                .map(|t| t.date_naive());
            let days = existing.as_ref().map_or(0, |m| m.failure_days);
            let days = if last_day == Some(now.date_naive()) {
                days
            } else {
                days + 1
            };
            row.failure_days = Set(days);
            row.last_failure_at = Set(Some(now));
            if days >= unavailable_after_days && !existing.as_ref().is_some_and(|m| m.unavailable) {
                row.unavailable = Set(true);
                newly_unavailable.push(host.to_string());
            }
        }
        if existing.is_some() {
            row.update(&txn).await?;
        } else {
            row.insert(&txn).await?;
        }
    }
    for host in &newly_unavailable {
        skip_pending_for_host(&txn, host).await?;
    }
    txn.commit().await?;
    Ok(newly_unavailable)
}

async fn skip_pending_for_host(db: &impl ConnectionTrait, host: &str) -> AppResult<()> {
    delivery::Entity::update_many()
        .col_expr(
            delivery::Column::State,
            Expr::value(delivery::state::SKIPPED),
        )
        .col_expr(delivery::Column::LastError, Expr::value("host unavailable"))
        .filter(delivery::Column::Host.eq(host))
        .filter(delivery::Column::State.eq(delivery::state::PENDING))
        .exec(db)
        .await?;
    Ok(())
}

/// A host the circuit breaker is holding back: how many delivery batches in a row it did not
/// answer, and until when nothing is sent to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailingHost {
    pub host: String,
    pub consecutive_failures: i32,
    pub cooldown_until: Option<DateTime<Utc>>,
}

/// Available hosts whose latest deliveries failed (recorded by any process, before or since the
/// last restart).
pub async fn failing_hosts(db: &impl ConnectionTrait) -> AppResult<Vec<FailingHost>> {
    let rows: Vec<(String, i32, Option<DateTime<Utc>>)> = remote_host::Entity::find()
        .select_only()
        .column(remote_host::Column::Host)
        .column(remote_host::Column::ConsecutiveFailures)
        .column(remote_host::Column::CooldownUntil)
        .filter(remote_host::Column::ConsecutiveFailures.gt(0))
        .filter(remote_host::Column::Unavailable.eq(false))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(host, consecutive_failures, cooldown_until)| FailingHost {
            host,
            consecutive_failures,
            cooldown_until,
        })
        .collect())
}

/// Hosts whose latest delivery got an answer: they may take several deliveries at once.
pub async fn answering_hosts(db: &impl ConnectionTrait) -> AppResult<Vec<String>> {
    Ok(remote_host::Entity::find()
        .select_only()
        .column(remote_host::Column::Host)
        .filter(remote_host::Column::ConsecutiveFailures.eq(0))
        .filter(remote_host::Column::LastSuccessAt.is_not_null())
        .filter(remote_host::Column::Unavailable.eq(false))
        .into_tuple()
        .all(db)
        .await?)
}

/// Hosts currently marked unavailable.
pub async fn unavailable_hosts(db: &impl ConnectionTrait) -> AppResult<Vec<String>> {
    Ok(remote_host::Entity::find()
        .select_only()
        .column(remote_host::Column::Host)
        .filter(remote_host::Column::Unavailable.eq(true))
        .into_tuple()
        .all(db)
        .await?)
}

/// A host showed signs of life (it sent us a signed activity): clear its failures and
/// cool-down and make its pending deliveries due now. Returns whether anything changed.
pub async fn host_is_back(db: &impl ConnectionTrait, host: &str) -> AppResult<bool> {
    let now = Utc::now();
    let cleared = remote_host::Entity::update_many()
        .col_expr(remote_host::Column::Unavailable, Expr::value(false))
        .col_expr(remote_host::Column::FailureDays, Expr::value(0))
        .col_expr(remote_host::Column::ConsecutiveFailures, Expr::value(0))
        .col_expr(
            remote_host::Column::CooldownUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(remote_host::Column::Host.eq(host))
        .filter(
            remote_host::Column::Unavailable
                .eq(true)
                .or(remote_host::Column::FailureDays.gt(0))
                .or(remote_host::Column::ConsecutiveFailures.gt(0)),
        )
        .exec(db)
        .await?
        .rows_affected;
    if cleared == 0 {
        return Ok(false);
    }
    delivery::Entity::update_many()
        .col_expr(delivery::Column::NextAttemptAt, Expr::value(now))
        .filter(delivery::Column::Host.eq(host))
        .filter(delivery::Column::State.eq(delivery::state::PENDING))
        .exec(db)
        .await?;
    Ok(true)
}

/// Counts of deliveries by state (for tests, the CLI and later the dashboard).
pub async fn count_by_state(db: &impl ConnectionTrait) -> AppResult<HashMap<String, i64>> {
    let rows: Vec<(String, i64)> = delivery::Entity::find()
        .select_only()
        .column(delivery::Column::State)
        .column_as(delivery::Column::Id.count(), "n")
        .group_by(delivery::Column::State)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}
