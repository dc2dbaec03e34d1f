//! Queries on agreements (the mentorships), the goals, meetings and messages of their private
//! space, and the PLN notifications.
use crate::{
    db::{
        entity::{
            mentorship_agreement as agreement, mentorship_event as event, mentorship_goal as goal,
            mentorship_meeting as meeting, mentorship_message as message,
        },
        paging::Cursor,
    },
    error::{AppError, AppResult},
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use std::collections::HashMap;

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
