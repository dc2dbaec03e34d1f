//! Queries on resource collections: lookups by id, ActivityPub id and readable Note, an owner's
//! list and the filtered list, and storing remote collections; their items ([`items`], in
//! order, paged by position) and follows ([`follows`]). Rules (who may see or change what) live
//! in `service::collections`.
mod follows;
mod items;

pub use follows::*;
pub use items::*;

use crate::{
    db::{
        entity::{collection, collection_follow as follow, collection_item as item},
        mentorship::codes_json,
        paging::Cursor,
        remote_copies::{StoredCopy, check_overwrite, vanished},
    },
    error::{AppError, AppResult},
    ids::IdGenerator,
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, Select,
    Set,
};
use std::collections::HashMap;

/// A collection by id (deleted ones too), or 404.
pub async fn get(db: &impl ConnectionTrait, id: i64) -> AppResult<collection::Model> {
    collection::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("collection not found"))
}

/// A collection by its ActivityPub id (deleted ones too).
pub async fn find_by_ap_id(
    db: &impl ConnectionTrait,
    ap_id: &str,
) -> AppResult<Option<collection::Model>> {
    Ok(collection::Entity::find()
        .filter(collection::Column::ApId.eq(ap_id))
        .one(db)
        .await?)
}

/// The live collections whose readable Notes have these ids, by Note id (one query).
pub async fn by_notes(
    db: &impl ConnectionTrait,
    note_ap_ids: &[String],
) -> AppResult<HashMap<String, collection::Model>> {
    if note_ap_ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(collection::Entity::find()
        .filter(collection::Column::NoteApId.is_in(note_ap_ids.iter().cloned()))
        .filter(collection::Column::DeletedAt.is_null())
        .all(db)
        .await?
        .into_iter()
        .filter_map(|c| c.note_ap_id.clone().map(|n| (n, c)))
        .collect())
}

/// Inserts a collection.
pub async fn insert(
    db: &impl ConnectionTrait,
    row: collection::ActiveModel,
) -> AppResult<collection::Model> {
    Ok(row.insert(db).await?)
}

/// Saves the changed columns of a collection.
pub async fn update(
    db: &impl ConnectionTrait,
    row: collection::ActiveModel,
) -> AppResult<collection::Model> {
    Ok(row.update(db).await?)
}

/// Marks a collection deleted (its row stays; its items and follows go).
pub async fn mark_deleted(
    db: &impl ConnectionTrait,
    existing: &collection::Model,
) -> AppResult<collection::Model> {
    let mut row: collection::ActiveModel = existing.clone().into();
    let now = Utc::now();
    row.deleted_at = Set(Some(now));
    row.updated_at = Set(now);
    let stored = row.update(db).await?;
    item::Entity::delete_many()
        .filter(item::Column::CollectionId.eq(existing.id))
        .exec(db)
        .await?;
    follow::Entity::delete_many()
        .filter(follow::Column::CollectionId.eq(existing.id))
        .exec(db)
        .await?;
    Ok(stored)
}

/// Marks every live collection of `owner_id` deleted (its owner, a person or a circle, was
/// deleted).
pub async fn mark_all_deleted_of(db: &impl ConnectionTrait, owner_id: i64) -> AppResult<()> {
    let live = collection::Entity::find()
        .filter(collection::Column::OwnerId.eq(owner_id))
        .filter(collection::Column::DeletedAt.is_null())
        .all(db)
        .await?;
    for c in &live {
        mark_deleted(db, c).await?;
    }
    Ok(())
}

/// List filters; every field is optional.
#[derive(Debug, Clone, Default)]
pub struct CollectionFilter {
    pub subject: Option<String>,
    pub level: Option<String>,
    pub language: Option<String>,
    pub owner_id: Option<i64>,
    /// Private collections too (the owner's own list).
    pub include_private: bool,
}

fn contains_code(col: collection::Column, code: &str) -> Condition {
    Condition::all().add(col.like(format!("%\"{}\"%", code.replace(['%', '_', '"'], ""))))
}

/// The query for live collections matching `filter` (the lists and the search add to it).
pub fn matching(filter: &CollectionFilter) -> Select<collection::Entity> {
    let mut query = collection::Entity::find().filter(collection::Column::DeletedAt.is_null());
    if !filter.include_private {
        query = query.filter(collection::Column::Visibility.ne("private"));
    }
    if let Some(s) = &filter.subject {
        query = query.filter(contains_code(collection::Column::Subjects, s));
    }
    if let Some(l) = &filter.level {
        query = query.filter(contains_code(collection::Column::Levels, l));
    }
    if let Some(l) = &filter.language {
        query = query.filter(contains_code(collection::Column::Languages, l));
    }
    if let Some(o) = filter.owner_id {
        query = query.filter(collection::Column::OwnerId.eq(o));
    }
    query
}

/// Live collections matching `filter`, newest first, paged by id.
pub async fn list(
    db: &impl ConnectionTrait,
    filter: &CollectionFilter,
    cursor: Cursor,
) -> AppResult<Vec<collection::Model>> {
    let rows = cursor
        .apply(matching(filter), collection::Column::Id)
        .all(db)
        .await?;
    Ok(cursor.finish(rows))
}

/// A collection as another server describes it (already checked by `service::collections`).
#[derive(Debug, Clone, Default)]
pub struct RemoteCollection {
    pub ap_id: String,
    pub owner_id: i64,
    pub note_ap_id: Option<String>,
    pub url: Option<String>,
    pub title: String,
    pub description: String,
    pub subjects: Vec<String>,
    pub levels: Vec<String>,
    pub languages: Vec<String>,
    pub visibility: String,
    pub published: Option<DateTime<Utc>>,
}

/// Inserts or updates a remote collection by `ap_id`; its owner cannot change and a deleted
/// one stays deleted.
pub async fn upsert_remote(
    db: &impl ConnectionTrait,
    ids: &IdGenerator,
    remote: RemoteCollection,
) -> AppResult<collection::Model> {
    let existing = find_by_ap_id(db, &remote.ap_id).await?;
    check_overwrite(
        existing.as_ref().map(|e| StoredCopy {
            local: e.local,
            owner_id: e.owner_id,
            deleted: e.deleted_at.is_some(),
        }),
        remote.owner_id,
        "collection",
        "owner",
    )?;
    let now = Utc::now();
    let published = Ord::min(remote.published.unwrap_or(now), now);
    let mut row = match &existing {
        Some(m) => collection::ActiveModel::from(m.clone()),
        None => collection::ActiveModel {
            id: Set(ids.for_time(published)),
            ap_id: Set(remote.ap_id.clone()),
            local: Set(false),
            owner_id: Set(remote.owner_id),
            published_at: Set(published),
            deleted_at: Set(None),
            ..Default::default()
        },
    };
    row.note_ap_id = Set(remote.note_ap_id);
    row.url = Set(remote.url);
    row.title = Set(remote.title);
    row.description = Set(remote.description);
    row.subjects = Set(codes_json(&remote.subjects));
    row.levels = Set(codes_json(&remote.levels));
    row.languages = Set(codes_json(&remote.languages));
    row.visibility = Set(remote.visibility);
    row.updated_at = Set(now);
    if existing.is_some() {
        Ok(row.update(db).await?)
    } else {
        crate::db::insert_unless_taken(db, row).await?;
        find_by_ap_id(db, &remote.ap_id)
            .await?
            .ok_or_else(|| vanished("collection", &remote.ap_id))
    }
}
