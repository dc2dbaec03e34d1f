//! The lookup behind every authenticated client request: a live token with its local user and
//! actor, and the viewer state every timeline needs (the accounts it mutes or blocks or that
//! block it, and whether it has content filters), in one query instead of five round trips.
use crate::{
    db::entity::{actor, local_user, oauth_token},
    db::rows::{ActorRow, Columns, TokenRow, UserRow},
    db::timelines::stmt,
    error::AppResult,
};
use sea_orm::{ConnectionTrait, DbBackend};
use std::sync::LazyLock;

/// A live user token with the user and actor it acts for.
#[derive(Debug, Clone)]
pub struct UserToken {
    pub token: oauth_token::Model,
    pub user: local_user::Model,
    pub actor: actor::Model,
    /// Accounts whose posts the viewer does not see: muted (unexpired), blocked, or blocking
    /// the viewer; sorted. The same set as `db::timelines::excluded_authors`.
    pub excluded: Vec<i64>,
    /// Whether the viewer has any content filter (expired ones included): only then are the
    /// filters loaded for a page.
    pub has_filters: bool,
}

/// The excluded accounts of the viewer `a` as one comma-separated text column: mutes that have
/// not expired (the first bound value is now), blocks by the viewer and blocks of the viewer.
fn excluded_column(backend: DbBackend) -> String {
    // UNION ALL: the ids are deduplicated when parsed; a plain UNION would build a temporary
    // b-tree on every authenticated request.
    let ids = "SELECT m.target_id AS id FROM mute m WHERE m.actor_id = a.id \
               AND (m.expires_at IS NULL OR m.expires_at > ?) \
               UNION ALL SELECT b.target_id AS id FROM block b WHERE b.actor_id = a.id \
               UNION ALL SELECT b2.actor_id AS id FROM block b2 WHERE b2.target_id = a.id";
    let aggregate = match backend {
        DbBackend::Postgres => "string_agg(x.id::text, ',')",
        _ => "group_concat(x.id, ',')",
    };
    format!("(SELECT {aggregate} FROM ({ids}) x) AS \"v_excluded\"")
}

fn user_token_sql(backend: DbBackend) -> String {
    format!(
        "SELECT {}, {}, {}, {}, \
         EXISTS (SELECT 1 FROM filter f WHERE f.owner_id = a.id) AS \"v_has_filters\" \
         FROM oauth_token t \
         JOIN local_user u ON u.id = t.user_id JOIN actor a ON a.id = u.actor_id \
         WHERE t.token_hash = ? AND t.revoked_at IS NULL",
        TokenRow::select("t"),
        UserRow::select("u"),
        ActorRow::select("a"),
        excluded_column(backend),
    )
}

static USER_TOKEN_SQL_SQLITE: LazyLock<String> =
    LazyLock::new(|| user_token_sql(DbBackend::Sqlite));
static USER_TOKEN_SQL_POSTGRES: LazyLock<String> =
    LazyLock::new(|| user_token_sql(DbBackend::Postgres));

/// Parses the comma-separated ids of `v_excluded` (NULL when there are none), sorted.
fn excluded_ids(text: Option<String>) -> Vec<i64> {
    let mut ids: Vec<i64> = text
        .as_deref()
        .unwrap_or("")
        .split(',')
        .filter_map(|id| id.trim().parse().ok())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// The live (not revoked) user token with this hash, its user and actor; `None` for unknown,
/// revoked and client-credentials tokens.
pub async fn user_token(
    db: &impl ConnectionTrait,
    token_hash: &str,
) -> AppResult<Option<UserToken>> {
    let backend = db.get_database_backend();
    let sql: &str = match backend {
        DbBackend::Postgres => &USER_TOKEN_SQL_POSTGRES,
        _ => &USER_TOKEN_SQL_SQLITE,
    };
    let row = db
        .query_one_raw(stmt(
            backend,
            sql,
            vec![chrono::Utc::now().into(), token_hash.into()],
        ))
        .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let mut columns = Columns::new(&row, 0);
    Ok(Some(UserToken {
        token: TokenRow::read(&mut columns)?,
        user: UserRow::read(&mut columns)?,
        actor: ActorRow::read(&mut columns)?,
        excluded: excluded_ids(columns.value()?),
        has_filters: columns.value()?,
    }))
}
