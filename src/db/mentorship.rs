//! Queries on mentorship: offers (directory filters, lookups by id, ActivityPub id and linked
//! Note), requests, agreements (the mentorships), their goals, meetings and messages, and the
//! PLN notifications. Rules (who may do what) live in `service::mentorship`.
use crate::{
    db::{
        entity::{
            mentorship_agreement as agreement, mentorship_event as event, mentorship_goal as goal,
            mentorship_meeting as meeting, mentorship_message as message,
            mentorship_offer as offer, mentorship_request as request,
        },
        paging::Cursor,
    },
    error::{AppError, AppResult},
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Select,
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

/// The mentorship ids of accepted requests, by request id (one query).
pub async fn agreement_ids_by_request(
    db: &impl ConnectionTrait,
    request_ids: &[i64],
) -> AppResult<HashMap<i64, i64>> {
    if request_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, i64)> = agreement::Entity::find()
        .select_only()
        .column(agreement::Column::RequestId)
        .column(agreement::Column::Id)
        .filter(agreement::Column::RequestId.is_in(request_ids.iter().copied()))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
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

// ---- requests ----

/// A request by id, or 404.
pub async fn get_request(db: &impl ConnectionTrait, id: i64) -> AppResult<request::Model> {
    request::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("request not found"))
}

/// A request by its ActivityPub id (the `Offer` activity's id).
pub async fn find_request_by_ap_id(
    db: &impl ConnectionTrait,
    ap_id: &str,
) -> AppResult<Option<request::Model>> {
    Ok(request::Entity::find()
        .filter(request::Column::ApId.eq(ap_id))
        .one(db)
        .await?)
}

/// `mentee_id`'s request for `offer_id` that still stands: pending, or accepted with the
/// mentorship still active (a declined or withdrawn request, or an ended mentorship, does not).
pub async fn find_open_request_of(
    db: &impl ConnectionTrait,
    offer_id: i64,
    mentee_id: i64,
) -> AppResult<Option<request::Model>> {
    let requests = request::Entity::find()
        .filter(request::Column::OfferId.eq(offer_id))
        .filter(request::Column::MenteeId.eq(mentee_id))
        .filter(request::Column::State.is_in(["pending", "accepted"]))
        .all(db)
        .await?;
    for req in requests {
        if req.state == "pending" {
            return Ok(Some(req));
        }
        let active = agreement::Entity::find()
            .filter(agreement::Column::RequestId.eq(req.id))
            .filter(agreement::Column::State.eq("active"))
            .count(db)
            .await?;
        if active > 0 {
            return Ok(Some(req));
        }
    }
    Ok(None)
}

/// The state of `mentee`'s latest request for each of `offer_ids` (one query).
pub async fn request_states(
    db: &impl ConnectionTrait,
    mentee_id: i64,
    offer_ids: &[i64],
) -> AppResult<HashMap<i64, (i64, String)>> {
    if offer_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, i64, String)> = request::Entity::find()
        .select_only()
        .column(request::Column::OfferId)
        .column(request::Column::Id)
        .column(request::Column::State)
        .filter(request::Column::MenteeId.eq(mentee_id))
        .filter(request::Column::OfferId.is_in(offer_ids.iter().copied()))
        // Oldest first: the latest request of each offer is the one kept.
        .order_by_asc(request::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|(o, id, s)| (o, (id, s))).collect())
}

/// Inserts a request; a second pending request of the same mentee for the same offer is a 409.
pub async fn insert_request(
    db: &impl ConnectionTrait,
    row: request::ActiveModel,
) -> AppResult<request::Model> {
    row.insert(db).await.map_err(|e| {
        if crate::db::is_unique_violation(&e) {
            AppError::Conflict("you already have a pending request for this offer".into())
        } else {
            e.into()
        }
    })
}

/// Saves the changed columns of a request.
pub async fn update_request(
    db: &impl ConnectionTrait,
    row: request::ActiveModel,
) -> AppResult<request::Model> {
    Ok(row.update(db).await?)
}

/// Requests where `actor_id` is the mentor (`as_mentor`) or the mentee, newest first.
pub async fn list_requests(
    db: &impl ConnectionTrait,
    actor_id: i64,
    as_mentor: bool,
    state: Option<&str>,
    cursor: Cursor,
) -> AppResult<Vec<request::Model>> {
    let column = if as_mentor {
        request::Column::MentorId
    } else {
        request::Column::MenteeId
    };
    let mut query = request::Entity::find().filter(column.eq(actor_id));
    if let Some(state) = state {
        query = query.filter(request::Column::State.eq(state));
    }
    let rows = cursor.apply(query, request::Column::Id).all(db).await?;
    Ok(cursor.finish(rows))
}

/// The pending requests of `offer_id`, oldest first.
pub async fn pending_requests_of(
    db: &impl ConnectionTrait,
    offer_id: i64,
) -> AppResult<Vec<request::Model>> {
    Ok(request::Entity::find()
        .filter(request::Column::OfferId.eq(offer_id))
        .filter(request::Column::State.eq("pending"))
        .order_by_asc(request::Column::Id)
        .all(db)
        .await?)
}

/// The requests `mentee_id` still waits on, oldest first.
pub async fn pending_requests_by(
    db: &impl ConnectionTrait,
    mentee_id: i64,
) -> AppResult<Vec<request::Model>> {
    Ok(request::Entity::find()
        .filter(request::Column::MenteeId.eq(mentee_id))
        .filter(request::Column::State.eq("pending"))
        .order_by_asc(request::Column::Id)
        .all(db)
        .await?)
}

/// The mentees (actor ids) who requested `offer_id`, whatever the state.
pub async fn requester_ids(db: &impl ConnectionTrait, offer_id: i64) -> AppResult<Vec<i64>> {
    Ok(request::Entity::find()
        .select_only()
        .column(request::Column::MenteeId)
        .filter(request::Column::OfferId.eq(offer_id))
        .into_tuple()
        .all(db)
        .await?)
}

// ---- agreements (mentorships) ----

/// A mentorship by id, or 404.
pub async fn get_agreement(db: &impl ConnectionTrait, id: i64) -> AppResult<agreement::Model> {
    agreement::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("mentorship not found"))
}

/// A mentorship by its ActivityPub id (the Agreement's id).
pub async fn find_agreement_by_ap_id(
    db: &impl ConnectionTrait,
    ap_id: &str,
) -> AppResult<Option<agreement::Model>> {
    Ok(agreement::Entity::find()
        .filter(agreement::Column::ApId.eq(ap_id))
        .one(db)
        .await?)
}

/// Inserts a mentorship.
pub async fn insert_agreement(
    db: &impl ConnectionTrait,
    row: agreement::ActiveModel,
) -> AppResult<agreement::Model> {
    Ok(row.insert(db).await?)
}

/// Saves the changed columns of a mentorship.
pub async fn update_agreement(
    db: &impl ConnectionTrait,
    row: agreement::ActiveModel,
) -> AppResult<agreement::Model> {
    Ok(row.update(db).await?)
}

/// How many active mentorships `offer_id` has.
pub async fn count_active(db: &impl ConnectionTrait, offer_id: i64) -> AppResult<i64> {
    Ok(agreement::Entity::find()
        .filter(agreement::Column::OfferId.eq(offer_id))
        .filter(agreement::Column::State.eq("active"))
        .count(db)
        .await? as i64)
}

/// The mentorships `actor_id` is a party to, newest first.
pub async fn list_agreements(
    db: &impl ConnectionTrait,
    actor_id: i64,
    cursor: Cursor,
) -> AppResult<Vec<agreement::Model>> {
    let query = agreement::Entity::find().filter(
        sea_orm::Condition::any()
            .add(agreement::Column::MentorId.eq(actor_id))
            .add(agreement::Column::MenteeId.eq(actor_id)),
    );
    let rows = cursor.apply(query, agreement::Column::Id).all(db).await?;
    Ok(cursor.finish(rows))
}

// ---- goals, meetings, messages ----

/// A goal by its ActivityPub id.
pub async fn find_goal_by_ap_id(
    db: &impl ConnectionTrait,
    ap_id: &str,
) -> AppResult<Option<goal::Model>> {
    Ok(goal::Entity::find()
        .filter(goal::Column::ApId.eq(ap_id))
        .one(db)
        .await?)
}

/// A goal by id, or 404.
pub async fn get_goal(db: &impl ConnectionTrait, id: i64) -> AppResult<goal::Model> {
    goal::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("goal not found"))
}

/// Inserts a goal (a repeated ActivityPub id keeps the first copy).
pub async fn insert_goal(db: &impl ConnectionTrait, row: goal::ActiveModel) -> AppResult<()> {
    insert_ignoring_duplicates(row.insert(db).await.map(|_| ()))
}

/// Saves the changed columns of a goal.
pub async fn update_goal(
    db: &impl ConnectionTrait,
    row: goal::ActiveModel,
) -> AppResult<goal::Model> {
    Ok(row.update(db).await?)
}

/// The goals of mentorships, oldest first, grouped by mentorship (one query).
pub async fn goals_of(
    db: &impl ConnectionTrait,
    agreement_ids: &[i64],
) -> AppResult<HashMap<i64, Vec<goal::Model>>> {
    let mut grouped: HashMap<i64, Vec<goal::Model>> = HashMap::new();
    if agreement_ids.is_empty() {
        return Ok(grouped);
    }
    let rows = goal::Entity::find()
        .filter(goal::Column::AgreementId.is_in(agreement_ids.iter().copied()))
        .order_by_asc(goal::Column::Id)
        .all(db)
        .await?;
    for row in rows {
        grouped.entry(row.agreement_id).or_default().push(row);
    }
    Ok(grouped)
}

/// Inserts a meeting note (a repeated ActivityPub id keeps the first copy).
pub async fn insert_meeting(db: &impl ConnectionTrait, row: meeting::ActiveModel) -> AppResult<()> {
    insert_ignoring_duplicates(row.insert(db).await.map(|_| ()))
}

/// The meeting log of a mentorship, newest first.
pub async fn meetings_of(
    db: &impl ConnectionTrait,
    agreement_id: i64,
    cursor: Cursor,
) -> AppResult<Vec<meeting::Model>> {
    let query = meeting::Entity::find().filter(meeting::Column::AgreementId.eq(agreement_id));
    let rows = cursor.apply(query, meeting::Column::Id).all(db).await?;
    Ok(cursor.finish(rows))
}

/// Inserts a message (a repeated ActivityPub id keeps the first copy).
pub async fn insert_message(db: &impl ConnectionTrait, row: message::ActiveModel) -> AppResult<()> {
    insert_ignoring_duplicates(row.insert(db).await.map(|_| ()))
}

/// The private thread of a mentorship, newest first.
pub async fn messages_of(
    db: &impl ConnectionTrait,
    agreement_id: i64,
    cursor: Cursor,
) -> AppResult<Vec<message::Model>> {
    let query = message::Entity::find().filter(message::Column::AgreementId.eq(agreement_id));
    let rows = cursor.apply(query, message::Column::Id).all(db).await?;
    Ok(cursor.finish(rows))
}

fn insert_ignoring_duplicates(result: Result<(), sea_orm::DbErr>) -> AppResult<()> {
    match result {
        Err(e) if crate::db::is_unique_violation(&e) => Ok(()),
        other => Ok(other?),
    }
}

// ---- PLN notifications ----

/// Records a PLN notification.
pub async fn insert_event(db: &impl ConnectionTrait, row: event::ActiveModel) -> AppResult<()> {
    row.insert(db).await?;
    Ok(())
}

/// Which of `recipients` already have a `kind` notification about `resource_id` in collection
/// `collection_id`.
pub async fn told_about_item(
    db: &impl ConnectionTrait,
    recipients: &[i64],
    kind: &str,
    collection_id: i64,
    resource_id: i64,
) -> AppResult<std::collections::HashSet<i64>> {
    if recipients.is_empty() {
        return Ok(Default::default());
    }
    let rows = event::Entity::find()
        .filter(event::Column::RecipientId.is_in(recipients.iter().copied()))
        .filter(event::Column::Kind.eq(kind))
        .filter(event::Column::CollectionId.eq(collection_id))
        .filter(event::Column::ResourceId.eq(resource_id))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|e| e.recipient_id).collect())
}

/// `recipient`'s PLN notifications, newest first.
pub async fn events_of(
    db: &impl ConnectionTrait,
    recipient: i64,
    cursor: Cursor,
) -> AppResult<Vec<event::Model>> {
    let query = event::Entity::find().filter(event::Column::RecipientId.eq(recipient));
    let rows = cursor.apply(query, event::Column::Id).all(db).await?;
    Ok(cursor.finish(rows))
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
