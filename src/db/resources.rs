//! Queries on teaching resources: lookups by id, ActivityPub id and readable Note, the filtered
//! list, their attachments, and storing remote ones. Rules (who may do what) live in
//! `service::resources`.
use crate::{
    db::{
        entity::{resource, resource_attachment as attachment},
        mentorship::codes_json,
        paging::Cursor,
        remote_copies::{StoredCopy, check_overwrite, vanished},
    },
    error::{AppError, AppResult},
    ids::IdGenerator,
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, Select, Set,
};
use std::collections::HashMap;

/// A resource by id (deleted ones too), or 404.
pub async fn get(db: &impl ConnectionTrait, id: i64) -> AppResult<resource::Model> {
    resource::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("resource not found"))
}

/// A resource by its ActivityPub id (deleted ones too).
pub async fn find_by_ap_id(
    db: &impl ConnectionTrait,
    ap_id: &str,
) -> AppResult<Option<resource::Model>> {
    Ok(resource::Entity::find()
        .filter(resource::Column::ApId.eq(ap_id))
        .one(db)
        .await?)
}

/// The resources (deleted ones too) with these ActivityPub ids, by id (one query).
pub async fn by_ap_ids(
    db: &impl ConnectionTrait,
    ap_ids: &[String],
) -> AppResult<HashMap<String, resource::Model>> {
    if ap_ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(resource::Entity::find()
        .filter(resource::Column::ApId.is_in(ap_ids.iter().cloned()))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.ap_id.clone(), r))
        .collect())
}

/// The live resources whose readable Notes have these ids, by Note id (one query).
pub async fn by_notes(
    db: &impl ConnectionTrait,
    note_ap_ids: &[String],
) -> AppResult<HashMap<String, resource::Model>> {
    if note_ap_ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(resource::Entity::find()
        .filter(resource::Column::NoteApId.is_in(note_ap_ids.iter().cloned()))
        .filter(resource::Column::DeletedAt.is_null())
        .all(db)
        .await?
        .into_iter()
        .filter_map(|r| r.note_ap_id.clone().map(|n| (n, r)))
        .collect())
}

/// The attachments of these resources, in order, by resource id (one query).
pub async fn attachments_of(
    db: &impl ConnectionTrait,
    resource_ids: &[i64],
) -> AppResult<HashMap<i64, Vec<attachment::Model>>> {
    let mut out: HashMap<i64, Vec<attachment::Model>> = HashMap::new();
    if resource_ids.is_empty() {
        return Ok(out);
    }
    let rows = attachment::Entity::find()
        .filter(attachment::Column::ResourceId.is_in(resource_ids.iter().copied()))
        .order_by_asc(attachment::Column::Position)
        .all(db)
        .await?;
    for row in rows {
        out.entry(row.resource_id).or_default().push(row);
    }
    Ok(out)
}

/// A file of a resource before it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAttachment {
    pub media_id: Option<i64>,
    pub url: String,
    pub media_type: String,
    pub size_bytes: Option<i64>,
    pub name: String,
}

/// Replaces the attachments of resource `id` with `files`, in order.
pub async fn set_attachments(
    db: &impl ConnectionTrait,
    ids: &IdGenerator,
    id: i64,
    files: &[NewAttachment],
) -> AppResult<()> {
    attachment::Entity::delete_many()
        .filter(attachment::Column::ResourceId.eq(id))
        .exec(db)
        .await?;
    if files.is_empty() {
        return Ok(());
    }
    let rows = files
        .iter()
        .enumerate()
        .map(|(i, f)| attachment::ActiveModel {
            id: Set(ids.next()),
            resource_id: Set(id),
            position: Set(i as i32),
            media_id: Set(f.media_id),
            url: Set(f.url.clone()),
            media_type: Set(f.media_type.clone()),
            size_bytes: Set(f.size_bytes),
            name: Set(f.name.clone()),
        });
    attachment::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Inserts a resource.
pub async fn insert(
    db: &impl ConnectionTrait,
    row: resource::ActiveModel,
) -> AppResult<resource::Model> {
    Ok(row.insert(db).await?)
}

/// Saves the changed columns of a resource.
pub async fn update(
    db: &impl ConnectionTrait,
    row: resource::ActiveModel,
) -> AppResult<resource::Model> {
    Ok(row.update(db).await?)
}

/// Marks a resource deleted (the row stays for collections that name it).
pub async fn mark_deleted(
    db: &impl ConnectionTrait,
    existing: &resource::Model,
) -> AppResult<resource::Model> {
    let mut row: resource::ActiveModel = existing.clone().into();
    let now = Utc::now();
    row.deleted_at = Set(Some(now));
    row.updated_at = Set(now);
    Ok(row.update(db).await?)
}

/// List filters; every field is optional.
#[derive(Debug, Clone, Default)]
pub struct ResourceFilter {
    pub subject: Option<String>,
    pub level: Option<String>,
    pub language: Option<String>,
    pub license: Option<String>,
    pub resource_type: Option<String>,
    pub author_id: Option<i64>,
    /// Only local (`true`) or only remote (`false`) ones.
    pub local: Option<bool>,
}

/// `"code"` inside a JSON array column (codes are checked first, so they hold no wildcards).
fn contains_code(col: resource::Column, code: &str) -> Condition {
    Condition::all().add(col.like(format!("%\"{}\"%", code.replace(['%', '_', '"'], ""))))
}

/// Live resources matching `filter`, newest first, paged by id.
pub async fn list(
    db: &impl ConnectionTrait,
    filter: &ResourceFilter,
    cursor: Cursor,
) -> AppResult<Vec<resource::Model>> {
    let rows = cursor
        .apply(matching(filter), resource::Column::Id)
        .all(db)
        .await?;
    Ok(cursor.finish(rows))
}

/// The query for live resources matching `filter` (the list and the search add to it).
pub fn matching(filter: &ResourceFilter) -> Select<resource::Entity> {
    let mut query = resource::Entity::find().filter(resource::Column::DeletedAt.is_null());
    if let Some(s) = &filter.subject {
        query = query.filter(contains_code(resource::Column::Subjects, s));
    }
    if let Some(l) = &filter.level {
        query = query.filter(contains_code(resource::Column::Levels, l));
    }
    if let Some(l) = &filter.language {
        query = query.filter(contains_code(resource::Column::Languages, l));
    }
    if let Some(l) = &filter.license {
        query = query.filter(resource::Column::License.eq(l.as_str()));
    }
    if let Some(t) = &filter.resource_type {
        query = query.filter(resource::Column::ResourceType.eq(t.as_str()));
    }
    if let Some(a) = filter.author_id {
        query = query.filter(resource::Column::AuthorId.eq(a));
    }
    if let Some(local) = filter.local {
        query = query.filter(resource::Column::Local.eq(local));
    }
    query
}

/// A resource as another server describes it (already sanitised and checked against the
/// vocabulary by `service::resources`).
#[derive(Debug, Clone, Default)]
pub struct RemoteResource {
    pub ap_id: String,
    pub author_id: i64,
    pub note_ap_id: Option<String>,
    pub url: Option<String>,
    pub title: String,
    pub description: String,
    pub body_source: String,
    pub body_html: String,
    pub license: String,
    pub resource_type: String,
    pub subjects: Vec<String>,
    pub levels: Vec<String>,
    pub languages: Vec<String>,
    pub duration: Option<String>,
    pub prerequisites: Vec<String>,
    /// JSON array of `{url, title}`.
    pub links: String,
    pub based_on: Option<String>,
    pub attachments: Vec<NewAttachment>,
    pub published: Option<DateTime<Utc>>,
}

/// Inserts or updates a remote resource by `ap_id`, with its attachments; its author cannot
/// change and a deleted one stays deleted.
pub async fn upsert_remote(
    db: &impl ConnectionTrait,
    ids: &IdGenerator,
    remote: RemoteResource,
) -> AppResult<resource::Model> {
    let existing = find_by_ap_id(db, &remote.ap_id).await?;
    check_overwrite(
        existing.as_ref().map(|e| StoredCopy {
            local: e.local,
            owner_id: e.author_id,
            deleted: e.deleted_at.is_some(),
        }),
        remote.author_id,
        "resource",
        "author",
    )?;
    let now = Utc::now();
    let published = Ord::min(remote.published.unwrap_or(now), now);
    let mut row = match &existing {
        Some(m) => resource::ActiveModel::from(m.clone()),
        None => resource::ActiveModel {
            id: Set(ids.for_time(published)),
            ap_id: Set(remote.ap_id.clone()),
            local: Set(false),
            author_id: Set(remote.author_id),
            published_at: Set(published),
            deleted_at: Set(None),
            ..Default::default()
        },
    };
    row.note_ap_id = Set(remote.note_ap_id);
    row.url = Set(remote.url);
    row.title = Set(remote.title);
    row.description = Set(remote.description);
    row.body_source = Set(remote.body_source);
    row.body_html = Set(remote.body_html);
    row.license = Set(remote.license);
    row.resource_type = Set(remote.resource_type);
    row.subjects = Set(codes_json(&remote.subjects));
    row.levels = Set(codes_json(&remote.levels));
    row.languages = Set(codes_json(&remote.languages));
    row.duration = Set(remote.duration);
    row.prerequisites = Set(codes_json(&remote.prerequisites));
    row.links = Set(remote.links);
    row.based_on = Set(remote.based_on);
    row.updated_at = Set(now);
    let stored = if existing.is_some() {
        row.update(db).await?
    } else {
        // A concurrent delivery or fetch of the same resource may have stored it first.
        crate::db::insert_unless_taken(db, row).await?;
        find_by_ap_id(db, &remote.ap_id)
            .await?
            .ok_or_else(|| vanished("resource", &remote.ap_id))?
    };
    set_attachments(db, ids, stored.id, &remote.attachments).await?;
    Ok(stored)
}
