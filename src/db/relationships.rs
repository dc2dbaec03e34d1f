//! Queries on `block` and `mute` (finding, inserting and removing them, and the paged lists of
//! blocked and muted accounts), and on the viewer's private notes on accounts and endorsed
//! accounts (`account_note`, `account_pin`).
use crate::{
    db::entity::{account_note, account_pin, actor, block, mute},
    error::AppResult,
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QuerySelect, Set,
};
use std::collections::{HashMap, HashSet};

/// The block from `actor_id` to `target_id`, if any.
pub async fn find_block(
    db: &impl ConnectionTrait,
    actor_id: i64,
    target_id: i64,
) -> AppResult<Option<block::Model>> {
    Ok(block::Entity::find()
        .filter(block::Column::ActorId.eq(actor_id))
        .filter(block::Column::TargetId.eq(target_id))
        .one(db)
        .await?)
}

/// A block by its Block activity id.
pub async fn find_block_by_ap_id(
    db: &impl ConnectionTrait,
    ap_id: &str,
) -> AppResult<Option<block::Model>> {
    Ok(block::Entity::find()
        .filter(block::Column::ApId.eq(ap_id))
        .one(db)
        .await?)
}

/// Whether either of the two blocks the other.
pub async fn blocked_either_way(db: &impl ConnectionTrait, a: i64, b: i64) -> AppResult<bool> {
    Ok(block::Entity::find()
        .filter(
            Condition::any()
                .add(
                    Condition::all()
                        .add(block::Column::ActorId.eq(a))
                        .add(block::Column::TargetId.eq(b)),
                )
                .add(
                    Condition::all()
                        .add(block::Column::ActorId.eq(b))
                        .add(block::Column::TargetId.eq(a)),
                ),
        )
        .one(db)
        .await?
        .is_some())
}

/// Inserts a block, or returns the existing one for the pair.
pub async fn insert_block(
    db: &impl ConnectionTrait,
    id: i64,
    ap_id: String,
    actor_id: i64,
    target_id: i64,
) -> AppResult<block::Model> {
    if let Some(existing) = find_block(db, actor_id, target_id).await? {
        return Ok(existing);
    }
    Ok(block::ActiveModel {
        id: Set(id),
        ap_id: Set(ap_id),
        actor_id: Set(actor_id),
        target_id: Set(target_id),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await?)
}

/// Removes a block.
pub async fn delete_block(db: &impl ConnectionTrait, id: i64) -> AppResult<()> {
    block::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}

/// The viewer's live (unexpired) mute of `target_id`, if any.
pub async fn find_mute(
    db: &impl ConnectionTrait,
    actor_id: i64,
    target_id: i64,
) -> AppResult<Option<mute::Model>> {
    Ok(mute::Entity::find()
        .filter(mute::Column::ActorId.eq(actor_id))
        .filter(mute::Column::TargetId.eq(target_id))
        .one(db)
        .await?)
}

/// Creates or replaces the mute of `target_id` by `actor_id`.
pub async fn upsert_mute(
    db: &impl ConnectionTrait,
    id: i64,
    actor_id: i64,
    target_id: i64,
    hide_notifications: bool,
    expires_at: Option<DateTime<Utc>>,
) -> AppResult<mute::Model> {
    match find_mute(db, actor_id, target_id).await? {
        Some(existing) => {
            let mut row: mute::ActiveModel = existing.into();
            row.hide_notifications = Set(hide_notifications);
            row.expires_at = Set(expires_at);
            Ok(row.update(db).await?)
        }
        None => Ok(mute::ActiveModel {
            id: Set(id),
            actor_id: Set(actor_id),
            target_id: Set(target_id),
            hide_notifications: Set(hide_notifications),
            expires_at: Set(expires_at),
            created_at: Set(Utc::now()),
        }
        .insert(db)
        .await?),
    }
}

/// Removes the mute of `target_id` by `actor_id`.
pub async fn delete_mute(
    db: &impl ConnectionTrait,
    actor_id: i64,
    target_id: i64,
) -> AppResult<()> {
    mute::Entity::delete_many()
        .filter(mute::Column::ActorId.eq(actor_id))
        .filter(mute::Column::TargetId.eq(target_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Accounts `actor_id` blocks, paged over block row ids: `(block id, account)`.
pub async fn list_blocked(
    db: &impl ConnectionTrait,
    actor_id: i64,
    cursor: crate::db::paging::Cursor,
) -> AppResult<Vec<(i64, actor::Model)>> {
    let query = block::Entity::find().filter(block::Column::ActorId.eq(actor_id));
    let rows = cursor.apply(query, block::Column::Id).all(db).await?;
    let rows = cursor.finish(rows);
    let ids: Vec<i64> = rows.iter().map(|b| b.target_id).collect();
    let actors = crate::db::views::actors_by_ids(db, &ids).await?;
    Ok(rows
        .into_iter()
        .filter_map(|b| actors.get(&b.target_id).map(|a| (b.id, a.clone())))
        .filter(|(_, a)| a.deleted_at.is_none())
        .collect())
}

/// Accounts `actor_id` mutes (unexpired), paged over mute row ids: `(mute id, account)`.
pub async fn list_muted(
    db: &impl ConnectionTrait,
    actor_id: i64,
    cursor: crate::db::paging::Cursor,
) -> AppResult<Vec<(i64, actor::Model)>> {
    let query = mute::Entity::find()
        .filter(mute::Column::ActorId.eq(actor_id))
        .filter(
            Condition::any()
                .add(mute::Column::ExpiresAt.is_null())
                .add(mute::Column::ExpiresAt.gt(Utc::now())),
        );
    let rows = cursor.apply(query, mute::Column::Id).all(db).await?;
    let rows = cursor.finish(rows);
    let ids: Vec<i64> = rows.iter().map(|m| m.target_id).collect();
    let actors = crate::db::views::actors_by_ids(db, &ids).await?;
    Ok(rows
        .into_iter()
        .filter_map(|m| actors.get(&m.target_id).map(|a| (m.id, a.clone())))
        .filter(|(_, a)| a.deleted_at.is_none())
        .collect())
}

/// Sets (or, with an empty comment, removes) `actor_id`'s note on `target_id`.
pub async fn set_note(
    db: &impl ConnectionTrait,
    actor_id: i64,
    target_id: i64,
    comment: &str,
) -> AppResult<()> {
    account_note::Entity::delete_by_id((actor_id, target_id))
        .exec(db)
        .await?;
    if !comment.is_empty() {
        account_note::ActiveModel {
            actor_id: Set(actor_id),
            target_id: Set(target_id),
            comment: Set(comment.to_string()),
            updated_at: Set(Utc::now()),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// `actor_id`'s notes on each of `targets` that has one.
pub async fn notes_on(
    db: &impl ConnectionTrait,
    actor_id: i64,
    targets: &[i64],
) -> AppResult<HashMap<i64, String>> {
    if targets.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, String)> = account_note::Entity::find()
        .select_only()
        .column(account_note::Column::TargetId)
        .column(account_note::Column::Comment)
        .filter(account_note::Column::ActorId.eq(actor_id))
        .filter(account_note::Column::TargetId.is_in(targets.iter().copied()))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

/// Endorses `target_id` for `actor_id` (nothing happens if it is already).
pub async fn insert_endorsement(
    db: &impl ConnectionTrait,
    id: i64,
    actor_id: i64,
    target_id: i64,
) -> AppResult<()> {
    if !endorsed_among(db, actor_id, &[target_id]).await?.is_empty() {
        return Ok(());
    }
    account_pin::ActiveModel {
        id: Set(id),
        actor_id: Set(actor_id),
        target_id: Set(target_id),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Ends `actor_id`'s endorsement of `target_id`, if any.
pub async fn delete_endorsement(
    db: &impl ConnectionTrait,
    actor_id: i64,
    target_id: i64,
) -> AppResult<()> {
    account_pin::Entity::delete_many()
        .filter(account_pin::Column::ActorId.eq(actor_id))
        .filter(account_pin::Column::TargetId.eq(target_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Which of `targets` `actor_id` endorses.
pub async fn endorsed_among(
    db: &impl ConnectionTrait,
    actor_id: i64,
    targets: &[i64],
) -> AppResult<HashSet<i64>> {
    if targets.is_empty() {
        return Ok(HashSet::new());
    }
    let ids: Vec<i64> = account_pin::Entity::find()
        .select_only()
        .column(account_pin::Column::TargetId)
        .filter(account_pin::Column::ActorId.eq(actor_id))
        .filter(account_pin::Column::TargetId.is_in(targets.iter().copied()))
        .into_tuple()
        .all(db)
        .await?;
    Ok(ids.into_iter().collect())
}

/// Accounts `actor_id` endorses, paged over endorsement row ids: `(row id, account)`.
pub async fn list_endorsed(
    db: &impl ConnectionTrait,
    actor_id: i64,
    cursor: crate::db::paging::Cursor,
) -> AppResult<Vec<(i64, actor::Model)>> {
    let query = account_pin::Entity::find().filter(account_pin::Column::ActorId.eq(actor_id));
    let rows = cursor.apply(query, account_pin::Column::Id).all(db).await?;
    let rows = cursor.finish(rows);
    let ids: Vec<i64> = rows.iter().map(|p| p.target_id).collect();
    let actors = crate::db::views::actors_by_ids(db, &ids).await?;
    Ok(rows
        .into_iter()
        .filter_map(|p| actors.get(&p.target_id).map(|a| (p.id, a.clone())))
        .filter(|(_, a)| a.deleted_at.is_none())
        .collect())
}
