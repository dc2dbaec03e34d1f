//! Queries for account archives and imports: what an export reads (a local account's own
//! posts, resources, collections, mentorships with their history), the `account_import` job
//! rows (claiming, progress, reports) and `archived_post`. Rules live in `service::archive`
//! and `service::imports`.
use crate::{
    db::entity::{
        account_import, archived_post, collection, mentorship_agreement as agreement,
        mentorship_goal as goal, mentorship_meeting as meeting, mentorship_message as message,
        post, resource,
    },
    error::{AppError, AppResult},
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, sea_query::Expr,
};

/// The live original posts of `author` (no boosts), oldest first, leaving out the readable
/// statuses of resources, collections and offers (`skip`: their ids).
pub async fn own_posts(
    db: &impl ConnectionTrait,
    author: i64,
    skip: &[String],
) -> AppResult<Vec<post::Model>> {
    let rows = post::Entity::find()
        .filter(post::Column::AuthorId.eq(author))
        .filter(post::Column::Local.eq(true))
        .filter(post::Column::DeletedAt.is_null())
        .filter(post::Column::ReblogOfId.is_null())
        .order_by_asc(post::Column::Id)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter(|p| !skip.contains(&p.ap_id))
        .collect())
}

/// The live local resources of `author`, oldest first.
pub async fn own_resources(
    db: &impl ConnectionTrait,
    author: i64,
) -> AppResult<Vec<resource::Model>> {
    Ok(resource::Entity::find()
        .filter(resource::Column::AuthorId.eq(author))
        .filter(resource::Column::Local.eq(true))
        .filter(resource::Column::DeletedAt.is_null())
        .order_by_asc(resource::Column::Id)
        .all(db)
        .await?)
}

/// The live local collections `owner` owns itself (not a circle's), oldest first.
pub async fn own_collections(
    db: &impl ConnectionTrait,
    owner: i64,
) -> AppResult<Vec<collection::Model>> {
    Ok(collection::Entity::find()
        .filter(collection::Column::OwnerId.eq(owner))
        .filter(collection::Column::Local.eq(true))
        .filter(collection::Column::DeletedAt.is_null())
        .order_by_asc(collection::Column::Id)
        .all(db)
        .await?)
}

/// Every mentorship `actor` is a party to, oldest first.
pub async fn mentorships_of(
    db: &impl ConnectionTrait,
    actor: i64,
) -> AppResult<Vec<agreement::Model>> {
    Ok(agreement::Entity::find()
        .filter(
            Condition::any()
                .add(agreement::Column::MentorId.eq(actor))
                .add(agreement::Column::MenteeId.eq(actor)),
        )
        .order_by_asc(agreement::Column::Id)
        .all(db)
        .await?)
}

/// The whole history of mentorship `id`: goals, meetings and messages, oldest first.
pub async fn history_of(
    db: &impl ConnectionTrait,
    id: i64,
) -> AppResult<(Vec<goal::Model>, Vec<meeting::Model>, Vec<message::Model>)> {
    let goals = goal::Entity::find()
        .filter(goal::Column::AgreementId.eq(id))
        .order_by_asc(goal::Column::Id)
        .all(db)
        .await?;
    let meetings = meeting::Entity::find()
        .filter(meeting::Column::AgreementId.eq(id))
        .order_by_asc(meeting::Column::Id)
        .all(db)
        .await?;
    let messages = message::Entity::find()
        .filter(message::Column::AgreementId.eq(id))
        .order_by_asc(message::Column::Id)
        .all(db)
        .await?;
    Ok((goals, meetings, messages))
}

/// The resource of `author` imported from `original` (an earlier run of an import).
pub async fn imported_resource(
    db: &impl ConnectionTrait,
    author: i64,
    original: &str,
) -> AppResult<Option<resource::Model>> {
    Ok(resource::Entity::find()
        .filter(resource::Column::AuthorId.eq(author))
        .filter(resource::Column::OriginalUrl.eq(original))
        .filter(resource::Column::DeletedAt.is_null())
        .one(db)
        .await?)
}

/// The collection of `owner` imported from `original`.
pub async fn imported_collection(
    db: &impl ConnectionTrait,
    owner: i64,
    original: &str,
) -> AppResult<Option<collection::Model>> {
    Ok(collection::Entity::find()
        .filter(collection::Column::OwnerId.eq(owner))
        .filter(collection::Column::OriginalUrl.eq(original))
        .filter(collection::Column::DeletedAt.is_null())
        .one(db)
        .await?)
}

/// Inserts an import job.
pub async fn insert_import(
    db: &impl ConnectionTrait,
    row: account_import::ActiveModel,
) -> AppResult<account_import::Model> {
    Ok(row.insert(db).await?)
}

/// An import by id.
pub async fn get_import(db: &impl ConnectionTrait, id: i64) -> AppResult<account_import::Model> {
    account_import::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("import not found"))
}

/// The latest imports of `actor`, newest first.
pub async fn imports_of(
    db: &impl ConnectionTrait,
    actor: i64,
    limit: u64,
) -> AppResult<Vec<account_import::Model>> {
    Ok(account_import::Entity::find()
        .filter(account_import::Column::ActorId.eq(actor))
        .order_by_desc(account_import::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// Whether `actor` has an import that has not ended.
pub async fn unfinished_import(
    db: &impl ConnectionTrait,
    actor: i64,
) -> AppResult<Option<account_import::Model>> {
    Ok(account_import::Entity::find()
        .filter(account_import::Column::ActorId.eq(actor))
        .filter(account_import::Column::State.is_in(["queued", "running"]))
        .one(db)
        .await?)
}

/// Claims the oldest import waiting, or one whose worker stopped sending heartbeats before
/// `stale` (it died): marks it running with a fresh heartbeat. Two workers never both claim
/// one: the UPDATE only succeeds while the row still looks claimable.
pub async fn claim_import(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    stale: DateTime<Utc>,
) -> AppResult<Option<account_import::Model>> {
    let claimable = || {
        Condition::any()
            .add(account_import::Column::State.eq("queued"))
            .add(
                Condition::all()
                    .add(account_import::Column::State.eq("running"))
                    .add(account_import::Column::HeartbeatAt.lt(stale)),
            )
    };
    let candidates = account_import::Entity::find()
        .filter(claimable())
        .order_by_asc(account_import::Column::Id)
        .limit(5)
        .all(db)
        .await?;
    for c in candidates {
        let done = account_import::Entity::update_many()
            .col_expr(account_import::Column::State, Expr::value("running"))
            .col_expr(account_import::Column::HeartbeatAt, Expr::value(now))
            .col_expr(
                account_import::Column::StartedAt,
                Expr::value(c.started_at.unwrap_or(now)),
            )
            .filter(account_import::Column::Id.eq(c.id))
            .filter(claimable())
            .exec(db)
            .await?;
        if done.rows_affected == 1 {
            return Ok(Some(get_import(db, c.id).await?));
        }
    }
    Ok(None)
}

/// Saves an import's progress (and its heartbeat).
pub async fn save_import(
    db: &impl ConnectionTrait,
    row: account_import::Model,
) -> AppResult<account_import::Model> {
    let mut active = account_import::ActiveModel::from(row).reset_all();
    active.heartbeat_at = Set(Some(Utc::now()));
    Ok(active.update(db).await?)
}

/// The archived posts of `actor`, newest first.
pub async fn archived_posts(
    db: &impl ConnectionTrait,
    actor: i64,
    offset: u64,
    limit: u64,
) -> AppResult<Vec<archived_post::Model>> {
    Ok(archived_post::Entity::find()
        .filter(archived_post::Column::ActorId.eq(actor))
        .order_by_desc(archived_post::Column::PublishedAt)
        .order_by_desc(archived_post::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?)
}

/// Whether `actor` already has archived post `ap_id`.
pub async fn has_archived_post(
    db: &impl ConnectionTrait,
    actor: i64,
    ap_id: &str,
) -> AppResult<bool> {
    Ok(archived_post::Entity::find()
        .filter(archived_post::Column::ActorId.eq(actor))
        .filter(archived_post::Column::ApId.eq(ap_id))
        .one(db)
        .await?
        .is_some())
}

/// Stores an archived post.
pub async fn insert_archived_post(
    db: &impl ConnectionTrait,
    row: archived_post::ActiveModel,
) -> AppResult<()> {
    row.insert(db).await?;
    Ok(())
}

/// Every offer `author` published here (closed ones too).
pub async fn offers_of(
    db: &impl ConnectionTrait,
    author: i64,
) -> AppResult<Vec<crate::db::entity::mentorship_offer::Model>> {
    use crate::db::entity::mentorship_offer as offer;
    Ok(offer::Entity::find()
        .filter(offer::Column::AuthorId.eq(author))
        .filter(offer::Column::Local.eq(true))
        .all(db)
        .await?)
}

/// The follows (accepted or requested) of `actor`.
pub async fn follows_of(
    db: &impl ConnectionTrait,
    actor: i64,
) -> AppResult<Vec<crate::db::entity::follow::Model>> {
    use crate::db::entity::follow;
    Ok(follow::Entity::find()
        .filter(follow::Column::FollowerId.eq(actor))
        .all(db)
        .await?)
}

/// The accounts `actor` blocks.
pub async fn blocked_ids(db: &impl ConnectionTrait, actor: i64) -> AppResult<Vec<i64>> {
    use crate::db::entity::block;
    Ok(block::Entity::find()
        .filter(block::Column::ActorId.eq(actor))
        .all(db)
        .await?
        .into_iter()
        .map(|b| b.target_id)
        .collect())
}

/// The accounts `actor` mutes.
pub async fn muted_ids(db: &impl ConnectionTrait, actor: i64) -> AppResult<Vec<i64>> {
    use crate::db::entity::mute;
    Ok(mute::Entity::find()
        .filter(mute::Column::ActorId.eq(actor))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.target_id)
        .collect())
}

/// The posts `actor` bookmarked.
pub async fn bookmarked_ids(db: &impl ConnectionTrait, actor: i64) -> AppResult<Vec<i64>> {
    use crate::db::entity::bookmark;
    Ok(bookmark::Entity::find()
        .filter(bookmark::Column::ActorId.eq(actor))
        .all(db)
        .await?
        .into_iter()
        .map(|b| b.post_id)
        .collect())
}
