//! Queries on mentorship requests: lookups by id and ActivityPub id, the open request of a
//! mentee for an offer, their states, the lists a mentor and a mentee see.
use crate::{
    db::{
        entity::{mentorship_agreement as agreement, mentorship_request as request},
        paging::Cursor,
    },
    error::{AppError, AppResult},
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use std::collections::HashMap;

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
