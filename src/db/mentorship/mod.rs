//! Queries on mentorship offers (directory filters, lookups by id, ActivityPub id and linked
//! Note) and the facet codes they carry; requests, agreements and their spaces are in the
//! submodules, re-exported here. Rules (who may do what) live in `service::mentorship`.
mod requests;
mod space;

pub use requests::*;
pub use space::*;

use crate::{
    db::{entity::mentorship_offer as offer, paging::Cursor},
    error::{AppError, AppResult},
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter,
    QueryOrder, QuerySelect, Select,
    sea_query::{Expr, Func},
};
use std::collections::HashMap;

/// Encodes a list of codes as the JSON array stored in a facet column.
pub fn codes_json(codes: &[String]) -> String {
    serde_json::to_string(codes).unwrap_or_else(|_| "[]".into())
}

/// Decodes a facet column (an unreadable value reads as empty).
pub fn codes_of(raw: &str) -> Vec<String> {
    serde_json::from_str(raw).unwrap_or_default()
}
// ---- offers ----

/// An offer by id, or 404.
pub async fn get_offer(db: &impl ConnectionTrait, id: i64) -> AppResult<offer::Model> {
    offer::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("offer not found"))
}

/// An offer by its ActivityPub id.
pub async fn find_offer_by_ap_id(
    db: &impl ConnectionTrait,
    ap_id: &str,
) -> AppResult<Option<offer::Model>> {
    Ok(offer::Entity::find()
        .filter(offer::Column::ApId.eq(ap_id))
        .one(db)
        .await?)
}

/// The offer whose readable Note is `note_ap_id`.
pub async fn find_offer_by_note(
    db: &impl ConnectionTrait,
    note_ap_id: &str,
) -> AppResult<Option<offer::Model>> {
    Ok(offer::Entity::find()
        .filter(offer::Column::NoteApId.eq(note_ap_id))
        .one(db)
        .await?)
}

/// Closes every offer of `author_id` (its author's account was deleted, here or remotely).
pub async fn close_offers_of(db: &impl ConnectionTrait, author_id: i64) -> AppResult<()> {
    offer::Entity::update_many()
        .col_expr(offer::Column::State, Expr::value("closed"))
        .col_expr(offer::Column::UpdatedAt, Expr::value(chrono::Utc::now()))
        .filter(offer::Column::AuthorId.eq(author_id))
        .filter(offer::Column::State.ne("closed"))
        .exec(db)
        .await?;
    Ok(())
}

/// The offers of `author_id` that are not closed (open or full).
pub async fn unclosed_offers_of(
    db: &impl ConnectionTrait,
    author_id: i64,
) -> AppResult<Vec<offer::Model>> {
    Ok(offer::Entity::find()
        .filter(offer::Column::AuthorId.eq(author_id))
        .filter(offer::Column::State.ne("closed"))
        .all(db)
        .await?)
}

/// Offers by the ActivityPub ids of their Notes, for a page of statuses (one query).
pub async fn offers_by_note(
    db: &impl ConnectionTrait,
    note_ap_ids: &[String],
) -> AppResult<HashMap<String, offer::Model>> {
    if note_ap_ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(offer::Entity::find()
        .filter(offer::Column::NoteApId.is_in(note_ap_ids.iter().cloned()))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|o| o.note_ap_id.clone().map(|n| (n, o)))
        .collect())
}

/// Local post ids of the Notes with these ActivityPub ids (one query).
pub async fn post_ids_by_ap_id(
    db: &impl ConnectionTrait,
    ap_ids: &[String],
) -> AppResult<HashMap<String, i64>> {
    use crate::db::entity::post;
    if ap_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(String, i64)> = post::Entity::find()
        .select_only()
        .column(post::Column::ApId)
        .column(post::Column::Id)
        .filter(post::Column::ApId.is_in(ap_ids.iter().cloned()))
        .filter(post::Column::DeletedAt.is_null())
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

/// Offers by id (one query).
pub async fn offers_by_ids(db: &impl ConnectionTrait, ids: &[i64]) -> AppResult<Vec<offer::Model>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(offer::Entity::find()
        .filter(offer::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?)
}

/// Inserts an offer.
pub async fn insert_offer(
    db: &impl ConnectionTrait,
    row: offer::ActiveModel,
) -> AppResult<offer::Model> {
    Ok(row.insert(db).await?)
}

/// Saves the changed columns of an offer.
pub async fn update_offer(
    db: &impl ConnectionTrait,
    row: offer::ActiveModel,
) -> AppResult<offer::Model> {
    Ok(row.update(db).await?)
}

/// An offer as another server describes it (already sanitised and checked against the
/// vocabulary by `service::mentorship::offers`).
#[derive(Debug, Clone)]
pub struct RemoteOffer {
    pub ap_id: String,
    pub author_id: i64,
    pub note_ap_id: Option<String>,
    pub url: Option<String>,
    pub title: String,
    pub description: String,
    pub subjects: Vec<String>,
    pub levels: Vec<String>,
    pub languages: Vec<String>,
    pub format: String,
    pub region: Option<String>,
    pub capacity: i32,
    pub available: i32,
    pub state: String,
    pub starts_at: Option<chrono::DateTime<chrono::Utc>>,
    pub ends_at: Option<chrono::DateTime<chrono::Utc>>,
    pub published: chrono::DateTime<chrono::Utc>,
}

/// Inserts or updates a remote offer by `ap_id`; its author cannot change.
pub async fn upsert_remote_offer(
    db: &impl ConnectionTrait,
    ids: &crate::ids::IdGenerator,
    remote: RemoteOffer,
) -> AppResult<offer::Model> {
    use sea_orm::Set;
    let existing = find_offer_by_ap_id(db, &remote.ap_id).await?;
    // Offers are closed, never deleted.
    crate::db::remote_copies::check_overwrite(
        existing
            .as_ref()
            .map(|e| crate::db::remote_copies::StoredCopy {
                local: e.local,
                owner_id: e.author_id,
                deleted: false,
            }),
        remote.author_id,
        "mentorship offer",
        "author",
    )?;
    let now = chrono::Utc::now();
    let published = Ord::min(remote.published, now);
    let mut row = match &existing {
        Some(m) => offer::ActiveModel::from(m.clone()),
        None => offer::ActiveModel {
            id: Set(ids.for_time(published)),
            ap_id: Set(remote.ap_id.clone()),
            local: Set(false),
            author_id: Set(remote.author_id),
            published_at: Set(published),
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
    row.format = Set(remote.format);
    row.region = Set(remote.region);
    row.capacity = Set(remote.capacity);
    row.available = Set(remote.available);
    row.state = Set(remote.state);
    row.starts_at = Set(remote.starts_at);
    row.ends_at = Set(remote.ends_at);
    row.updated_at = Set(now);
    if existing.is_some() {
        return Ok(row.update(db).await?);
    }
    // A concurrent delivery or fetch of the same offer may have stored it first.
    crate::db::insert_unless_taken(db, row).await?;
    find_offer_by_ap_id(db, &remote.ap_id)
        .await?
        .ok_or_else(|| crate::db::remote_copies::vanished("offer", &remote.ap_id))
}

/// Takes the offer's row lock (an empty update) so that concurrent acceptances of the same
/// offer count its places one after the other.
pub async fn lock_offer(db: &impl ConnectionTrait, id: i64) -> AppResult<()> {
    offer::Entity::update_many()
        .col_expr(offer::Column::Id, Expr::col(offer::Column::Id))
        .filter(offer::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Directory filters; every field is optional.
#[derive(Debug, Clone, Default)]
pub struct OfferFilter {
    pub subject: Option<String>,
    pub level: Option<String>,
    pub language: Option<String>,
    pub region: Option<String>,
    pub format: Option<String>,
    pub open_only: bool,
    pub author_id: Option<i64>,
}

/// `"code"` inside a JSON array column (codes are checked against the vocabulary first).
fn contains_code(col: offer::Column, code: &str) -> sea_orm::Condition {
    sea_orm::Condition::all().add(col.like(format!("%\"{}\"%", code.replace(['%', '_'], ""))))
}

/// Offers matching `filter`, newest first, paged by id.
pub async fn list_offers(
    db: &impl ConnectionTrait,
    filter: &OfferFilter,
    cursor: Cursor,
) -> AppResult<Vec<offer::Model>> {
    let rows = cursor
        .apply(offers_matching(filter), offer::Column::Id)
        .all(db)
        .await?;
    Ok(cursor.finish(rows))
}

/// The query for offers matching `filter` (the directory and the search add to it).
pub fn offers_matching(filter: &OfferFilter) -> Select<offer::Entity> {
    let mut query = offer::Entity::find();
    if let Some(s) = &filter.subject {
        query = query.filter(contains_code(offer::Column::Subjects, s));
    }
    if let Some(l) = &filter.level {
        query = query.filter(contains_code(offer::Column::Levels, l));
    }
    if let Some(l) = &filter.language {
        query = query.filter(contains_code(offer::Column::Languages, l));
    }
    if let Some(r) = &filter.region {
        query = query
            .filter(Expr::expr(Func::lower(Expr::col(offer::Column::Region))).eq(r.to_lowercase()));
    }
    if let Some(f) = &filter.format {
        query = query.filter(offer::Column::Format.eq(f.as_str()));
    }
    if filter.open_only {
        query = query.filter(offer::Column::State.eq("open"));
    }
    if let Some(a) = filter.author_id {
        query = query.filter(offer::Column::AuthorId.eq(a));
    }
    query
}

/// The newest open offers not by `viewer`, for ranking suggestions.
pub async fn open_offers_except(
    db: &impl ConnectionTrait,
    viewer: i64,
    limit: u64,
) -> AppResult<Vec<offer::Model>> {
    Ok(offer::Entity::find()
        .filter(offer::Column::State.eq("open"))
        .filter(offer::Column::AuthorId.ne(viewer))
        .order_by_desc(offer::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}
#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::{DbBackend, QueryTrait};

    #[test]
    fn facet_lists_round_trip_and_bad_json_reads_empty() {
        let codes = vec!["mathematics".to_string(), "french".to_string()];
        assert_eq!(codes_of(&codes_json(&codes)), codes);
        assert!(codes_of("not json").is_empty());
    }

    #[test]
    fn directory_filters_match_whole_codes_in_json_arrays() {
        let filter = OfferFilter {
            subject: Some("mathematics".into()),
            region: Some("Fès-Meknès".into()),
            open_only: true,
            ..Default::default()
        };
        let mut query = offer::Entity::find();
        if let Some(s) = &filter.subject {
            query = query.filter(contains_code(offer::Column::Subjects, s));
        }
        let sql = query.build(DbBackend::Sqlite).to_string();
        assert!(sql.contains(r#"LIKE '%"mathematics"%'"#), "{sql}");
        let sneaky = contains_code(offer::Column::Subjects, "%_");
        let sql = offer::Entity::find()
            .filter(sneaky)
            .build(DbBackend::Sqlite)
            .to_string();
        assert!(sql.contains(r#"LIKE '%""%'"#), "{sql}");
    }
}
