//! Queries of account migration (Move): aliases and the moved mark on `actor`, and the rows that
//! name the account that moved (followers, list memberships, blocks, mutes, mentorships, circle
//! memberships, collection follows) read or re-pointed at its new account; and the mentorship
//! activities held for an account that moved here until its archive is imported.
use crate::{
    db::entity::{
        actor, block, collection_follow, follow, held_activity, list_member, mentorship_agreement,
        mentorship_request, mute,
    },
    error::AppResult,
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, JoinType, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, RelationTrait, Set, sea_query::Expr,
};
use std::collections::HashMap;

/// Actors by ActivityPub id (unknown ids are left out).
pub async fn actors_by_ap_ids(
    db: &impl ConnectionTrait,
    ap_ids: &[String],
) -> AppResult<HashMap<String, actor::Model>> {
    if ap_ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(actor::Entity::find()
        .filter(actor::Column::ApId.is_in(ap_ids.iter().cloned()))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.ap_id.clone(), a))
        .collect())
}

/// Replaces an actor's `alsoKnownAs` list.
pub async fn set_aliases(db: &impl ConnectionTrait, id: i64, aliases: &[String]) -> AppResult<()> {
    let json = serde_json::to_string(aliases).unwrap_or_else(|_| "[]".into());
    actor::Entity::update_many()
        .col_expr(actor::Column::AlsoKnownAs, Expr::value(json))
        .col_expr(actor::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(actor::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Marks an actor moved to `target_ap_id` at `at`.
pub async fn set_moved(
    db: &impl ConnectionTrait,
    id: i64,
    target_ap_id: &str,
    at: DateTime<Utc>,
) -> AppResult<()> {
    actor::Entity::update_many()
        .col_expr(actor::Column::MovedToApId, Expr::value(target_ap_id))
        .col_expr(actor::Column::MovedAt, Expr::value(at))
        .col_expr(actor::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(actor::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// The accepted follows of `actor_id` by local accounts.
pub async fn local_followers(
    db: &impl ConnectionTrait,
    actor_id: i64,
) -> AppResult<Vec<follow::Model>> {
    Ok(follow::Entity::find()
        .join(JoinType::InnerJoin, follow::Relation::Follower.def())
        .filter(follow::Column::FolloweeId.eq(actor_id))
        .filter(follow::Column::Accepted.eq(true))
        .filter(actor::Column::Local.eq(true))
        .filter(actor::Column::DeletedAt.is_null())
        .all(db)
        .await?)
}

/// The ids of the lists `actor_id` is a member of.
pub async fn lists_with(db: &impl ConnectionTrait, actor_id: i64) -> AppResult<Vec<i64>> {
    Ok(list_member::Entity::find()
        .select_only()
        .column(list_member::Column::ListId)
        .filter(list_member::Column::ActorId.eq(actor_id))
        .into_tuple()
        .all(db)
        .await?)
}

/// Blocks of `actor_id` by local accounts.
pub async fn local_blocks_of(
    db: &impl ConnectionTrait,
    actor_id: i64,
) -> AppResult<Vec<block::Model>> {
    let local = local_ids(db).await?;
    Ok(block::Entity::find()
        .filter(block::Column::TargetId.eq(actor_id))
        .filter(block::Column::ActorId.is_in(local))
        .all(db)
        .await?)
}

/// Mutes of `actor_id` (only local accounts mute).
pub async fn mutes_of(db: &impl ConnectionTrait, actor_id: i64) -> AppResult<Vec<mute::Model>> {
    Ok(mute::Entity::find()
        .filter(mute::Column::TargetId.eq(actor_id))
        .all(db)
        .await?)
}

async fn local_ids(db: &impl ConnectionTrait) -> AppResult<Vec<i64>> {
    Ok(actor::Entity::find()
        .select_only()
        .column(actor::Column::Id)
        .filter(actor::Column::Local.eq(true))
        .into_tuple()
        .all(db)
        .await?)
}

/// Points every mentorship (agreements and requests) where `from` is the mentor or the mentee
/// at `to`; returns how many agreements changed.
pub async fn repoint_mentorships(db: &impl ConnectionTrait, from: i64, to: i64) -> AppResult<u64> {
    let mut changed = 0;
    for (column, is_mentor) in [
        (mentorship_agreement::Column::MentorId, true),
        (mentorship_agreement::Column::MenteeId, false),
    ] {
        changed += mentorship_agreement::Entity::update_many()
            .col_expr(column, Expr::value(to))
            .filter(column.eq(from))
            .exec(db)
            .await?
            .rows_affected;
        let request_column = if is_mentor {
            mentorship_request::Column::MentorId
        } else {
            mentorship_request::Column::MenteeId
        };
        mentorship_request::Entity::update_many()
            .col_expr(request_column, Expr::value(to))
            .filter(request_column.eq(from))
            .exec(db)
            .await?;
    }
    Ok(changed)
}

/// The follows `actor_id` holds of local actors of `kind` (circle memberships for `Group`).
pub async fn follows_of_local_kind(
    db: &impl ConnectionTrait,
    actor_id: i64,
    kind: &str,
) -> AppResult<Vec<follow::Model>> {
    Ok(follow::Entity::find()
        .join(JoinType::InnerJoin, follow::Relation::Followee.def())
        .filter(follow::Column::FollowerId.eq(actor_id))
        .filter(actor::Column::Local.eq(true))
        .filter(actor::Column::Kind.eq(kind))
        .all(db)
        .await?)
}

/// The collection follows `actor_id` holds.
pub async fn collection_follows_by(
    db: &impl ConnectionTrait,
    actor_id: i64,
) -> AppResult<Vec<collection_follow::Model>> {
    Ok(collection_follow::Entity::find()
        .filter(collection_follow::Column::FollowerId.eq(actor_id))
        .all(db)
        .await?)
}

/// Hands a follow row (a circle membership) to another follower.
pub async fn set_follower(db: &impl ConnectionTrait, follow_id: i64, to: i64) -> AppResult<()> {
    follow::Entity::update_many()
        .col_expr(follow::Column::FollowerId, Expr::value(to))
        .filter(follow::Column::Id.eq(follow_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Hands a collection follow to another follower.
pub async fn set_collection_follower(
    db: &impl ConnectionTrait,
    follow_id: i64,
    to: i64,
) -> AppResult<()> {
    collection_follow::Entity::update_many()
        .col_expr(collection_follow::Column::FollowerId, Expr::value(to))
        .filter(collection_follow::Column::Id.eq(follow_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Holds `body` (a verified mentorship activity) for local account `recipient_id` until the
/// agreement `context` arrives with its archive import.
pub async fn hold_activity(
    db: &impl ConnectionTrait,
    id: i64,
    recipient_id: i64,
    context: &str,
    body: &str,
) -> AppResult<()> {
    held_activity::ActiveModel {
        id: Set(id),
        recipient_id: Set(recipient_id),
        context: Set(context.to_string()),
        body: Set(body.to_string()),
        received_at: Set(Utc::now()),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// How many activities are held for local account `recipient_id`.
pub async fn held_count(db: &impl ConnectionTrait, recipient_id: i64) -> AppResult<u64> {
    Ok(held_activity::Entity::find()
        .filter(held_activity::Column::RecipientId.eq(recipient_id))
        .count(db)
        .await?)
}

/// The activities held for agreement `context`, in the order they arrived.
pub async fn held_for(
    db: &impl ConnectionTrait,
    context: &str,
) -> AppResult<Vec<held_activity::Model>> {
    Ok(held_activity::Entity::find()
        .filter(held_activity::Column::Context.eq(context))
        .order_by_asc(held_activity::Column::Id)
        .all(db)
        .await?)
}

/// Forgets held activity `id` (replayed, or past keeping).
pub async fn forget_held(db: &impl ConnectionTrait, id: i64) -> AppResult<()> {
    held_activity::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}

/// Forgets the held activities received before `before`; returns how many.
pub async fn forget_held_before(
    db: &impl ConnectionTrait,
    before: DateTime<Utc>,
) -> AppResult<u64> {
    Ok(held_activity::Entity::delete_many()
        .filter(held_activity::Column::ReceivedAt.lt(before))
        .exec(db)
        .await?
        .rows_affected)
}
