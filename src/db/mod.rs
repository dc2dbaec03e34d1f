//! Database access: connecting (SQLite with one writer and a small read pool, or a PostgreSQL
//! pool), migrating, and the query modules. All sea-orm code lives under `db/`.
pub mod actors;
pub mod admin_accounts;
pub mod archives;
pub mod audit;
pub mod circles;
pub mod collections;
pub mod credentials;
pub mod dashboard;
pub mod deliveries;
pub mod domain_policy;
pub mod entity;
pub mod filters;
pub mod follows;
pub mod instance;
pub mod institutions;
pub mod invites;
pub mod lists;
pub mod media;
pub mod mentorship;
pub mod moves;
pub mod notifications;
pub mod oauth;
pub mod paging;
pub mod password_resets;
pub mod pln_search;
pub mod polls;
pub mod posts;
pub mod relationships;
pub mod remote_copies;
pub mod remote_media;
pub mod reports;
pub mod resources;
pub mod rows;
pub mod search;
pub mod settings;
pub mod tags;
pub mod timelines;
pub mod users;
pub mod views;
pub mod warnings;
pub mod web_sessions;

use anyhow::Context;
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbBackend};
use std::{str::FromStr, time::Duration};

/// The node's database handles. On SQLite, `write` is a single connection (SQLite allows one
/// writer; measured here, one connection is faster than several on this 2-core box) and `read` a
/// small pool over the same WAL file. On PostgreSQL both are the same pool.
#[derive(Clone, Debug)]
pub struct Db {
    pub read: DatabaseConnection,
    pub write: DatabaseConnection,
}

impl Db {
    /// Connects to `url` (`sqlite://path`, created if missing, or `postgres://…`).
    pub async fn connect(url: &str, max_connections: u32) -> anyhow::Result<Self> {
        if url.starts_with("sqlite:") {
            ensure_sqlite_dir(url)?;
            let write = connect_sqlite(url, 1).await?;
            let read = connect_sqlite(url, max_connections).await?;
            Ok(Db { read, write })
        } else {
            let mut opts = ConnectOptions::new(url);
            opts.max_connections(max_connections.max(2))
                .min_connections(1)
                .connect_timeout(Duration::from_secs(10))
                .sqlx_logging(false);
            let pool = Database::connect(opts)
                .await
                .with_context(|| format!("connecting to PostgreSQL at {}", redact(url)))?;
            Ok(Db {
                read: pool.clone(),
                write: pool,
            })
        }
    }

    /// Applies pending migrations.
    pub async fn migrate(&self) -> anyhow::Result<()> {
        Migrator::up(&self.write, None)
            .await
            .context("applying database migrations")
    }

    /// Which backend this is.
    pub fn backend(&self) -> DbBackend {
        self.write.get_database_backend()
    }
}

async fn connect_sqlite(url: &str, connections: u32) -> anyhow::Result<DatabaseConnection> {
    use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
    // Validate the URL early for a clear message.
    SqliteConnectOptions::from_str(url).with_context(|| format!("invalid SQLite url {url}"))?;
    let mut opts = ConnectOptions::new(url);
    opts.max_connections(connections)
        .min_connections(1)
        .sqlx_logging(false)
        .test_before_acquire(false)
        .map_sqlx_sqlite_opts(|o| {
            o.create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(30))
                .foreign_keys(true)
                .pragma("cache_size", "-16000")
        })
        .map_sqlx_sqlite_pool_opts(|pool| {
            pool.after_connect(|conn, _meta| Box::pin(stable_query_plans(conn)))
        });
    Database::connect(opts)
        .await
        .with_context(|| format!("opening SQLite database {url}"))
}

/// Turns on SQLite's query planner stability guarantee (`SQLITE_DBCONFIG_ENABLE_QPSG`) for a
/// new connection. Without it SQLite throws a cached statement away and compiles it again
/// whenever a bound value its plan looked at is rebound: a `LIMIT ?` (sea-query binds the limit
/// of every `.one()` and page), a `LIKE ?`, a value compared with a partial index's condition.
/// That re-preparation was 2–3 compilations per home-timeline request (docs/benchmarks.md,
/// session 8). With the guarantee, plans never depend on bound values, which costs nothing here:
/// the node runs no `ANALYZE`, and none of its `LIKE` patterns could use an index anyway (they
/// apply to `lower(…)` or to columns without a `NOCASE` index).
async fn stable_query_plans(
    conn: &mut sea_orm::sqlx::sqlite::SqliteConnection,
) -> Result<(), sea_orm::sqlx::Error> {
    use std::ffi::c_int;
    let mut handle = conn.lock_handle().await?;
    let raw = handle.as_raw_handle();
    // SAFETY: `raw` is this connection's open handle, held locked for the call. ENABLE_QPSG
    // takes an int (1: on) and an `int*` for the previous value, which may be NULL.
    let rc = unsafe {
        libsqlite3_sys::sqlite3_db_config(
            raw.as_ptr(),
            libsqlite3_sys::SQLITE_DBCONFIG_ENABLE_QPSG,
            1 as c_int,
            std::ptr::null_mut::<c_int>(),
        )
    };
    if rc != libsqlite3_sys::SQLITE_OK {
        return Err(sea_orm::sqlx::Error::Configuration(
            format!("SQLite refused the query planner stability guarantee (code {rc})").into(),
        ));
    }
    Ok(())
}

fn ensure_sqlite_dir(url: &str) -> anyhow::Result<()> {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:")
        .split('?')
        .next()
        .unwrap_or_default();
    if path.is_empty() || path.starts_with(':') {
        return Ok(());
    }
    if let Some(parent) = std::path::Path::new(path).parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating database directory {}", parent.display()))?;
    }
    Ok(())
}

/// A database URL without its password, for messages.
fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_string(),
    }
}

/// Whether a database error is a unique-constraint violation (both backends).
pub fn is_unique_violation(err: &sea_orm::DbErr) -> bool {
    matches!(
        err.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}

/// Inserts `row` unless one of its unique keys is already taken: `false` when another task
/// stored the same remote object first (two inbox requests fetching the same actor or note at
/// once). The caller then reads that row back instead of failing the request. Uses
/// `ON CONFLICT DO NOTHING`, so a PostgreSQL transaction stays usable after the conflict.
pub async fn insert_unless_taken<A>(
    db: &impl sea_orm::ConnectionTrait,
    row: A,
) -> crate::error::AppResult<bool>
where
    A: sea_orm::ActiveModelTrait + Send,
{
    use sea_orm::{EntityTrait, sea_query::OnConflict};
    let inserted = <A::Entity as EntityTrait>::insert(row)
        .on_conflict(OnConflict::new().do_nothing().to_owned())
        .exec_without_returning(db)
        .await;
    match inserted {
        Ok(rows) => Ok(rows > 0),
        Err(sea_orm::DbErr::RecordNotInserted) => Ok(false),
        Err(e) => Err(e.into()),
    }
}
