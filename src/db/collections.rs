//! Queries on resource collections: lookups by id, ActivityPub id and readable Note, an owner's
//! list and the filtered list, items in order (paged by position), follows, and storing remote
//! collections. Rules (who may see or change what) live in `service::collections`.
use crate::{
    db::{
        entity::{collection, collection_follow as follow, collection_item as item, resource},
        mentorship::codes_json,
        paging::Cursor,
    },
    error::{AppError, AppResult},
    ids::IdGenerator,
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Select, Set,
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

// ---- items ----

/// The paging key of an item: its position, negated, so that "newest first" paging ids
/// (`max_id`/`min_id` in Link headers) walk the collection in its own order.
pub fn item_key(i: &item::Model) -> i64 {
    -i.position
}

/// A page of the items of collection `id` in order, `cursor` over [`item_key`].
pub async fn items_page(
    db: &impl ConnectionTrait,
    id: i64,
    cursor: Cursor,
) -> AppResult<Vec<item::Model>> {
    let mut query = item::Entity::find().filter(item::Column::CollectionId.eq(id));
    if let Some(max) = cursor.max_id {
        query = query.filter(item::Column::Position.gt(-max));
    }
    if let Some(since) = cursor.since_id {
        query = query.filter(item::Column::Position.lt(-since));
    }
    let reverse = if let Some(min) = cursor.min_id {
        query = query
            .filter(item::Column::Position.lt(-min))
            .order_by_desc(item::Column::Position);
        true
    } else {
        query = query.order_by_asc(item::Column::Position);
        false
    };
    let mut rows = query.limit(cursor.limit.max(1)).all(db).await?;
    if reverse {
        rows.reverse();
    }
    Ok(rows)
}

/// Every item of collection `id`, in order.
pub async fn items_of(db: &impl ConnectionTrait, id: i64) -> AppResult<Vec<item::Model>> {
    Ok(item::Entity::find()
        .filter(item::Column::CollectionId.eq(id))
        .order_by_asc(item::Column::Position)
        .all(db)
        .await?)
}

/// How many items each of these collections holds (one query).
pub async fn item_counts(db: &impl ConnectionTrait, ids: &[i64]) -> AppResult<HashMap<i64, u64>> {
    let mut out = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let rows = item::Entity::find()
        .select_only()
        .column(item::Column::CollectionId)
        .filter(item::Column::CollectionId.is_in(ids.iter().copied()))
        .into_tuple::<i64>()
        .all(db)
        .await?;
    for id in rows {
        *out.entry(id).or_insert(0u64) += 1;
    }
    Ok(out)
}

/// The item of collection `collection_id` holding `resource_id`, if any.
pub async fn find_item(
    db: &impl ConnectionTrait,
    collection_id: i64,
    resource_id: i64,
) -> AppResult<Option<item::Model>> {
    Ok(item::Entity::find()
        .filter(item::Column::CollectionId.eq(collection_id))
        .filter(item::Column::ResourceId.eq(resource_id))
        .one(db)
        .await?)
}

/// An item by id, or 404.
pub async fn get_item(db: &impl ConnectionTrait, id: i64) -> AppResult<item::Model> {
    item::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("item not found"))
}

/// Appends `resource_id` (with `note`) at the end of collection `collection_id`.
pub async fn append_item(
    db: &impl ConnectionTrait,
    ids: &IdGenerator,
    collection_id: i64,
    resource_id: i64,
    note: &str,
) -> AppResult<item::Model> {
    let last = item::Entity::find()
        .filter(item::Column::CollectionId.eq(collection_id))
        .order_by_desc(item::Column::Position)
        .one(db)
        .await?
        .map_or(0, |i| i.position);
    Ok(item::ActiveModel {
        id: Set(ids.next()),
        collection_id: Set(collection_id),
        resource_id: Set(resource_id),
        position: Set(last + 1),
        note: Set(note.to_string()),
        added_at: Set(Utc::now()),
    }
    .insert(db)
    .await?)
}

/// Removes an item.
pub async fn delete_item(db: &impl ConnectionTrait, id: i64) -> AppResult<()> {
    item::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}

/// Gives the items `ordered` positions 1, 2, … in that order.
pub async fn set_order(db: &impl ConnectionTrait, ordered: &[i64]) -> AppResult<()> {
    for (i, id) in ordered.iter().enumerate() {
        item::Entity::update_many()
            .col_expr(
                item::Column::Position,
                sea_orm::sea_query::Expr::value(i as i64 + 1),
            )
            .filter(item::Column::Id.eq(*id))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// The resources of these items, by resource id (deleted ones too; one query).
pub async fn resources_of(
    db: &impl ConnectionTrait,
    items: &[item::Model],
) -> AppResult<HashMap<i64, resource::Model>> {
    if items.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(resource::Entity::find()
        .filter(resource::Column::Id.is_in(items.iter().map(|i| i.resource_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect())
}

// ---- follows ----

/// `follower`'s follow of collection `collection_id`, if any.
pub async fn find_follow(
    db: &impl ConnectionTrait,
    collection_id: i64,
    follower: i64,
) -> AppResult<Option<follow::Model>> {
    Ok(follow::Entity::find()
        .filter(follow::Column::CollectionId.eq(collection_id))
        .filter(follow::Column::FollowerId.eq(follower))
        .one(db)
        .await?)
}

/// A follow by its `Follow` activity's id.
pub async fn find_follow_by_ap_id(
    db: &impl ConnectionTrait,
    ap_id: &str,
) -> AppResult<Option<follow::Model>> {
    Ok(follow::Entity::find()
        .filter(follow::Column::ApId.eq(ap_id))
        .one(db)
        .await?)
}

/// Records a follow (pending unless `accepted`); an existing one is returned as it is.
pub async fn insert_follow(
    db: &impl ConnectionTrait,
    ids: &IdGenerator,
    collection_id: i64,
    follower: i64,
    ap_id: &str,
    accepted: bool,
) -> AppResult<follow::Model> {
    if let Some(existing) = find_follow(db, collection_id, follower).await? {
        return Ok(existing);
    }
    Ok(follow::ActiveModel {
        id: Set(ids.next()),
        ap_id: Set(ap_id.to_string()),
        collection_id: Set(collection_id),
        follower_id: Set(follower),
        accepted: Set(accepted),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await?)
}

/// Marks a follow accepted.
pub async fn accept_follow(db: &impl ConnectionTrait, row: &follow::Model) -> AppResult<()> {
    let mut active: follow::ActiveModel = row.clone().into();
    active.accepted = Set(true);
    active.update(db).await?;
    Ok(())
}

/// Removes a follow.
pub async fn delete_follow(db: &impl ConnectionTrait, id: i64) -> AppResult<()> {
    follow::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}

/// The follows of collection `id`: accepted ones, or the pending requests.
pub async fn follows_of(
    db: &impl ConnectionTrait,
    id: i64,
    accepted: bool,
) -> AppResult<Vec<follow::Model>> {
    Ok(follow::Entity::find()
        .filter(follow::Column::CollectionId.eq(id))
        .filter(follow::Column::Accepted.eq(accepted))
        .order_by_asc(follow::Column::Id)
        .all(db)
        .await?)
}

/// How many accepted followers each of these collections has (one query).
pub async fn follower_counts(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> AppResult<HashMap<i64, u64>> {
    let mut out = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let rows = follow::Entity::find()
        .select_only()
        .column(follow::Column::CollectionId)
        .filter(follow::Column::CollectionId.is_in(ids.iter().copied()))
        .filter(follow::Column::Accepted.eq(true))
        .into_tuple::<i64>()
        .all(db)
        .await?;
    for id in rows {
        *out.entry(id).or_insert(0u64) += 1;
    }
    Ok(out)
}

/// `follower`'s follows of these collections, by collection id (one query).
pub async fn follows_by(
    db: &impl ConnectionTrait,
    follower: i64,
    ids: &[i64],
) -> AppResult<HashMap<i64, follow::Model>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(follow::Entity::find()
        .filter(follow::Column::FollowerId.eq(follower))
        .filter(follow::Column::CollectionId.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|f| (f.collection_id, f))
        .collect())
}

/// Whether an accepted follower of collection `id` is `actor` or (for a remote follower)
/// another actor of `actor`'s server (peers fetch with their instance actor).
pub async fn has_approved_follower_on(
    db: &impl ConnectionTrait,
    id: i64,
    actor_id: i64,
    domain: &str,
) -> AppResult<bool> {
    let followers: Vec<i64> = follows_of(db, id, true)
        .await?
        .iter()
        .map(|f| f.follower_id)
        .collect();
    if followers.contains(&actor_id) {
        return Ok(true);
    }
    if followers.is_empty() {
        return Ok(false);
    }
    use crate::db::entity::actor;
    Ok(actor::Entity::find()
        .filter(actor::Column::Id.is_in(followers))
        .filter(actor::Column::Local.eq(false))
        .filter(actor::Column::Domain.eq(domain.to_lowercase()))
        .count(db)
        .await?
        > 0)
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
    if let Some(e) = &existing {
        if e.local || e.owner_id != remote.owner_id {
            return Err(AppError::Forbidden(
                "only its owner can change a collection".into(),
            ));
        }
        if e.deleted_at.is_some() {
            return Err(AppError::Gone("this collection was deleted".into()));
        }
    }
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
        find_by_ap_id(db, &remote.ap_id).await?.ok_or_else(|| {
            AppError::from(anyhow::anyhow!(
                "collection {} vanished while stored",
                remote.ap_id
            ))
        })
    }
}
