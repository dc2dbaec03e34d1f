//! Pruning: deletes inbound activity ids past the de-duplication window, finished deliveries past
//! the retention window, the non-public outgoing activities no delivery refers to any more, and
//! mentorship activities held for a moved-in account that no archive import claimed in
//! [`HELD_DAYS`].
//! Public outgoing activities stay (they are served at `/activities/{id}`). Rows are picked in
//! batches on the read pool and deleted in short statements on the writer, so SQLite's single
//! writer is never held for long.
use crate::{
    config::JobsConfig,
    db::{
        Db,
        entity::{delivery, outgoing_activity, received_activity},
    },
    error::AppResult,
    ids::min_id_at,
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait, Query},
};
use tokio::sync::watch;

/// Rows deleted per statement.
pub const BATCH: u64 = 500;

/// How long a mentorship activity for an account that moved here waits for its archive.
pub const HELD_DAYS: i64 = 30;

/// The delivery states that never change again.
const FINISHED: [&str; 4] = [
    delivery::state::DONE,
    delivery::state::GONE,
    delivery::state::FAILED,
    delivery::state::SKIPPED,
];

/// What is old enough to go.
#[derive(Debug, Clone, Copy)]
pub struct Cutoffs {
    /// `received_activity` rows received before this.
    pub received_before: DateTime<Utc>,
    /// Finished deliveries last updated before this, and unreferenced non-public activities
    /// created before this.
    pub delivered_before: DateTime<Utc>,
    /// Held mentorship activities received before this.
    pub held_before: DateTime<Utc>,
}

impl Cutoffs {
    /// The cutoffs `config` gives at `now`.
    pub fn new(config: &JobsConfig, now: DateTime<Utc>) -> Self {
        Cutoffs {
            received_before: now - chrono::Duration::days(i64::from(config.received_activity_days)),
            delivered_before: now
                - chrono::Duration::days(i64::from(config.delivery_retention_days)),
            held_before: now - chrono::Duration::days(HELD_DAYS),
        }
    }
}

/// How many rows one run deleted.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pruned {
    pub received_activities: u64,
    pub deliveries: u64,
    pub outgoing_activities: u64,
    pub held_activities: u64,
}

impl Pruned {
    /// Whether anything was deleted.
    pub fn is_empty(&self) -> bool {
        *self == Pruned::default()
    }
}

/// Deletes everything older than `cutoffs`, batch by batch, stopping early (with what was done
/// so far) once `shutdown` turns true.
pub async fn prune(
    db: &Db,
    cutoffs: Cutoffs,
    shutdown: &watch::Receiver<bool>,
) -> AppResult<Pruned> {
    let stop = || *shutdown.borrow();
    let mut pruned = Pruned::default();

    // Inbound activity ids: keyed by text, so batches are picked by time (through the
    // `received_at` index, on a read connection; the delete is by primary key on the writer).
    while !stop() {
        let ids: Vec<String> = received_activity::Entity::find()
            .select_only()
            .column(received_activity::Column::ApId)
            .filter(received_activity::Column::ReceivedAt.lt(cutoffs.received_before))
            .limit(BATCH)
            .into_tuple()
            .all(&db.read)
            .await?;
        if ids.is_empty() {
            break;
        }
        let picked = ids.len() as u64;
        let deleted = received_activity::Entity::delete_many()
            .filter(received_activity::Column::ApId.is_in(ids))
            .filter(received_activity::Column::ReceivedAt.lt(cutoffs.received_before))
            .exec(&db.write)
            .await?
            .rows_affected;
        pruned.received_activities += deleted;
        if picked < BATCH || deleted == 0 {
            break;
        }
        tokio::task::yield_now().await;
    }

    // Finished deliveries. Ids are snowflakes (creation time in the high bits), so the primary
    // key bounds the scan; `updated_at` (when the row was finished) decides.
    let below = min_id_at(cutoffs.delivered_before);
    let mut after = i64::MIN;
    while !stop() {
        let ids: Vec<i64> = delivery::Entity::find()
            .select_only()
            .column(delivery::Column::Id)
            .filter(delivery::Column::Id.gt(after))
            .filter(delivery::Column::Id.lt(below))
            .filter(delivery::Column::State.is_in(FINISHED))
            .filter(delivery::Column::UpdatedAt.lt(cutoffs.delivered_before))
            .order_by_asc(delivery::Column::Id)
            .limit(BATCH)
            .into_tuple()
            .all(&db.read)
            .await?;
        let Some(&last) = ids.last() else { break };
        let picked = ids.len() as u64;
        pruned.deliveries += delivery::Entity::delete_many()
            .filter(delivery::Column::Id.is_in(ids))
            .filter(delivery::Column::State.is_in(FINISHED))
            .exec(&db.write)
            .await?
            .rows_affected;
        after = last;
        if picked < BATCH {
            break;
        }
        tokio::task::yield_now().await;
    }

    // Non-public outgoing activities that no delivery refers to any more.
    let unreferenced = || {
        Expr::not_exists(
            Query::select()
                .expr(Expr::val(1))
                .from(delivery::Entity)
                .and_where(
                    Expr::col((delivery::Entity, delivery::Column::ActivityId))
                        .equals((outgoing_activity::Entity, outgoing_activity::Column::Id)),
                )
                .to_owned(),
        )
    };
    let mut after = i64::MIN;
    while !stop() {
        let ids: Vec<i64> = outgoing_activity::Entity::find()
            .select_only()
            .column(outgoing_activity::Column::Id)
            .filter(outgoing_activity::Column::Id.gt(after))
            .filter(outgoing_activity::Column::Id.lt(below))
            .filter(outgoing_activity::Column::Public.eq(false))
            .filter(outgoing_activity::Column::CreatedAt.lt(cutoffs.delivered_before))
            .filter(unreferenced())
            .order_by_asc(outgoing_activity::Column::Id)
            .limit(BATCH)
            .into_tuple()
            .all(&db.read)
            .await?;
        let Some(&last) = ids.last() else { break };
        let picked = ids.len() as u64;
        pruned.outgoing_activities += outgoing_activity::Entity::delete_many()
            .filter(outgoing_activity::Column::Id.is_in(ids))
            .filter(outgoing_activity::Column::Public.eq(false))
            .filter(unreferenced())
            .exec(&db.write)
            .await?
            .rows_affected;
        after = last;
        if picked < BATCH {
            break;
        }
        tokio::task::yield_now().await;
    }

    // Held mentorship activities nobody imported (a handful at most: one statement).
    if !stop() {
        pruned.held_activities =
            crate::db::moves::forget_held_before(&db.write, cutoffs.held_before).await?;
    }
    Ok(pruned)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
pub(crate) mod tests {
    use super::*;
    use sea_orm::{ActiveModelTrait, PaginatorTrait, Set};
    use std::sync::atomic::{AtomicI64, Ordering};

    /// A unique snowflake-style id for a row created at `at`.
    fn id_at(at: DateTime<Utc>) -> i64 {
        static NEXT: AtomicI64 = AtomicI64::new(0);
        min_id_at(at) + NEXT.fetch_add(1, Ordering::Relaxed)
    }

    /// A migrated SQLite database in a temporary file, removed on drop.
    pub(crate) struct TempDb {
        pub db: Db,
        path: std::path::PathBuf,
    }

    impl TempDb {
        pub(crate) async fn new(name: &str) -> TempDb {
            let path = std::env::temp_dir().join(format!(
                "halqa-{name}-{}-{}.db",
                std::process::id(),
                Utc::now().timestamp_micros()
            ));
            let db = Db::connect(&format!("sqlite://{}", path.display()), 2)
                .await
                .unwrap();
            db.migrate().await.unwrap();
            TempDb { db, path }
        }

        /// The database's URL, to open it again (e.g. as a whole node).
        pub(crate) fn url(&self) -> String {
            format!("sqlite://{}", self.path.display())
        }
    }

    impl Drop for TempDb {
        fn drop(&mut self) {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", self.path.display()));
            }
        }
    }

    pub(crate) async fn received(db: &Db, ap_id: &str, at: DateTime<Utc>) {
        received_activity::ActiveModel {
            ap_id: Set(ap_id.into()),
            received_at: Set(at),
        }
        .insert(&db.write)
        .await
        .unwrap();
    }

    /// An outgoing activity created at `at`, with one delivery per given state.
    pub(crate) async fn activity(db: &Db, at: DateTime<Utc>, public: bool, states: &[&str]) -> i64 {
        let id = id_at(at);
        outgoing_activity::ActiveModel {
            id: Set(id),
            ap_id: Set(format!("https://a.example/activities/{id}")),
            actor_id: Set(1),
            kind: Set("Create".into()),
            public: Set(public),
            body: Set("{}".into()),
            created_at: Set(at),
        }
        .insert(&db.write)
        .await
        .unwrap();
        for (i, state) in states.iter().enumerate() {
            delivery::ActiveModel {
                id: Set(id_at(at)),
                activity_id: Set(id),
                inbox: Set(format!("https://b{i}.example/inbox")),
                host: Set(format!("b{i}.example")),
                state: Set((*state).into()),
                attempts: Set(1),
                next_attempt_at: Set(at),
                locked_until: Set(None),
                last_error: Set(None),
                created_at: Set(at),
                updated_at: Set(at),
            }
            .insert(&db.write)
            .await
            .unwrap();
        }
        id
    }

    pub(crate) async fn counts(db: &Db) -> (u64, u64, u64) {
        (
            received_activity::Entity::find()
                .count(&db.read)
                .await
                .unwrap(),
            delivery::Entity::find().count(&db.read).await.unwrap(),
            outgoing_activity::Entity::find()
                .count(&db.read)
                .await
                .unwrap(),
        )
    }

    #[tokio::test]
    async fn old_rows_go_and_recent_or_needed_ones_stay() {
        use delivery::state::{DONE, FAILED, GONE, PENDING, SKIPPED};
        let temp = TempDb::new("prune").await;
        let db = &temp.db;
        let now = Utc::now();
        let old = now - chrono::Duration::days(20);
        let recent = now - chrono::Duration::days(3);
        let config = JobsConfig {
            prune_interval_secs: 3600,
            received_activity_days: 14,
            delivery_retention_days: 14,
            ..crate::Config::defaults().unwrap().jobs
        };

        // More than one batch of old inbound ids, and a few recent ones.
        for i in 0..(BATCH + 20) {
            received(db, &format!("https://r.example/old/{i}"), old).await;
        }
        for i in 0..3 {
            received(db, &format!("https://r.example/new/{i}"), recent).await;
        }
        // Old private activity, every delivery finished: activity and deliveries go.
        let finished = activity(db, old, false, &[DONE, GONE, FAILED, SKIPPED]).await;
        // Old private activity with a delivery still pending: the pending row and the
        // activity stay, the finished row goes.
        let waiting = activity(db, old, false, &[DONE, PENDING]).await;
        // Old public activity: its deliveries go, the activity stays (served at its id).
        let public = activity(db, old, true, &[DONE, DONE]).await;
        // Old private activity that never had deliveries: goes.
        let lonely = activity(db, old, false, &[]).await;
        // Recent private activity, finished: everything stays.
        let fresh = activity(db, recent, false, &[DONE]).await;
        // Mentorship activities held for a moved-in account: past 30 days they go.
        let held_at =
            |at: DateTime<Utc>, context: &str| crate::db::entity::held_activity::ActiveModel {
                id: Set(id_at(at)),
                recipient_id: Set(1),
                context: Set(context.into()),
                body: Set("{}".into()),
                received_at: Set(at),
            };
        for (at, context) in [
            (
                now - chrono::Duration::days(HELD_DAYS + 1),
                "https://m.example/agreements/old",
            ),
            (
                now - chrono::Duration::days(HELD_DAYS + 5),
                "https://m.example/agreements/old",
            ),
            (recent, "https://m.example/agreements/new"),
        ] {
            held_at(at, context).insert(&db.write).await.unwrap();
        }

        let (_, stop) = watch::channel(false);
        let pruned = prune(db, Cutoffs::new(&config, now), &stop).await.unwrap();
        assert_eq!(
            pruned,
            Pruned {
                received_activities: BATCH + 20,
                deliveries: 4 + 1 + 2,
                outgoing_activities: 2,
                held_activities: 2,
            }
        );
        let held_left = crate::db::entity::held_activity::Entity::find()
            .all(&db.read)
            .await
            .unwrap();
        assert_eq!(held_left.len(), 1);
        assert_eq!(held_left[0].context, "https://m.example/agreements/new");
        assert_eq!(counts(db).await, (3, 2, 3));
        let left: Vec<i64> = outgoing_activity::Entity::find()
            .order_by_asc(outgoing_activity::Column::Id)
            .all(&db.read)
            .await
            .unwrap()
            .into_iter()
            .map(|a| a.id)
            .collect();
        let mut expected = vec![waiting, public, fresh];
        expected.sort_unstable();
        assert_eq!(left, expected);
        assert!(!left.contains(&finished) && !left.contains(&lonely));
        let pending = delivery::Entity::find()
            .filter(delivery::Column::ActivityId.eq(waiting))
            .all(&db.read)
            .await
            .unwrap();
        assert_eq!(pending.len(), 1);
        assert_eq!(pending[0].state, PENDING);

        // A second run finds nothing more.
        let again = prune(db, Cutoffs::new(&config, now), &stop).await.unwrap();
        assert!(again.is_empty(), "{again:?}");
    }

    #[tokio::test]
    async fn a_stopped_run_deletes_nothing() {
        let temp = TempDb::new("prune-stop").await;
        let db = &temp.db;
        received(
            db,
            "https://r.example/1",
            Utc::now() - chrono::Duration::days(30),
        )
        .await;
        let (stop_tx, stop) = watch::channel(false);
        stop_tx.send(true).unwrap();
        let config = JobsConfig {
            prune_interval_secs: 3600,
            received_activity_days: 14,
            delivery_retention_days: 14,
            ..crate::Config::defaults().unwrap().jobs
        };
        let pruned = prune(db, Cutoffs::new(&config, Utc::now()), &stop)
            .await
            .unwrap();
        assert!(pruned.is_empty());
        assert_eq!(counts(db).await.0, 1);
    }
}
