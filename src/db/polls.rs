//! Queries on polls: the poll row of a post (options and counts as JSON arrays), votes, the
//! counts a remote poll's author reports, and the two markers the status jobs claim: a pending
//! `Update(Question)` (`update_due_at`) and a closing not yet handled (`closed_at` unset).
use crate::{
    db::entity::{poll, poll_vote},
    error::AppResult,
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, sea_query::Expr,
};

/// The poll of a post, if it has one.
pub async fn get(db: &impl ConnectionTrait, post_id: i64) -> AppResult<Option<poll::Model>> {
    Ok(poll::Entity::find_by_id(post_id).one(db).await?)
}

/// Option titles of a poll row.
pub fn options(p: &poll::Model) -> Vec<String> {
    serde_json::from_str(&p.options).unwrap_or_default()
}

/// Vote counts of a poll row (one per option).
pub fn counts(p: &poll::Model) -> Vec<i64> {
    let mut counts: Vec<i64> = serde_json::from_str(&p.vote_counts).unwrap_or_default();
    counts.resize(options(p).len(), 0);
    counts
}

fn json(value: &impl serde::Serialize) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "[]".into())
}

/// What a poll looks like, from its author.
#[derive(Debug, Clone, PartialEq)]
pub struct PollState {
    pub options: Vec<String>,
    pub counts: Vec<i64>,
    pub multiple: bool,
    pub hide_totals: bool,
    pub voters_count: i32,
    pub expires_at: Option<DateTime<Utc>>,
}

/// Creates or replaces the poll of `post_id`. When the options change, earlier votes are
/// dropped (an edited poll starts over, as on Mastodon).
pub async fn put(db: &impl ConnectionTrait, post_id: i64, state: PollState) -> AppResult<()> {
    let existing = get(db, post_id).await?;
    if let Some(existing) = &existing
        && options(existing) != state.options
    {
        poll_vote::Entity::delete_many()
            .filter(poll_vote::Column::PostId.eq(post_id))
            .exec(db)
            .await?;
    }
    let mut counts = state.counts;
    counts.resize(state.options.len(), 0);
    // A poll given a new end (an edit that starts it over) will close again.
    let reopened = existing
        .as_ref()
        .is_some_and(|e| e.expires_at != state.expires_at);
    let mut row = poll::ActiveModel {
        post_id: Set(post_id),
        options: Set(json(&state.options)),
        vote_counts: Set(json(&counts)),
        multiple: Set(state.multiple),
        hide_totals: Set(state.hide_totals),
        voters_count: Set(state.voters_count),
        expires_at: Set(state.expires_at),
        updated_at: Set(Utc::now()),
        ..Default::default()
    };
    if reopened {
        row.closed_at = Set(None);
    }
    if existing.is_some() {
        row.update(db).await?;
    } else {
        row.insert(db).await?;
    }
    Ok(())
}

/// Removes a post's poll and its votes.
pub async fn remove(db: &impl ConnectionTrait, post_id: i64) -> AppResult<()> {
    poll_vote::Entity::delete_many()
        .filter(poll_vote::Column::PostId.eq(post_id))
        .exec(db)
        .await?;
    poll::Entity::delete_by_id(post_id).exec(db).await?;
    Ok(())
}

/// Whether `actor_id` has voted in the poll of `post_id`.
pub async fn has_voted(db: &impl ConnectionTrait, post_id: i64, actor_id: i64) -> AppResult<bool> {
    Ok(poll_vote::Entity::find()
        .filter(poll_vote::Column::PostId.eq(post_id))
        .filter(poll_vote::Column::ActorId.eq(actor_id))
        .count(db)
        .await?
        > 0)
}

/// Whether a vote with this ActivityPub id was already counted.
pub async fn vote_exists(db: &impl ConnectionTrait, ap_id: &str) -> AppResult<bool> {
    Ok(poll_vote::Entity::find()
        .filter(poll_vote::Column::ApId.eq(ap_id))
        .count(db)
        .await?
        > 0)
}

/// The options `actor_id` chose.
pub async fn choices_of(
    db: &impl ConnectionTrait,
    post_id: i64,
    actor_id: i64,
) -> AppResult<Vec<i32>> {
    Ok(poll_vote::Entity::find()
        .select_only()
        .column(poll_vote::Column::Choice)
        .filter(poll_vote::Column::PostId.eq(post_id))
        .filter(poll_vote::Column::ActorId.eq(actor_id))
        .into_tuple()
        .all(db)
        .await?)
}

/// Records votes (`(vote id, ap_id, choice)`) of one voter and adds them to the counts, under
/// the poll row's lock (call it in a transaction); the voter counts once however many options it picked (or picks later, for remote ballots that
/// arrive one option per note).
pub async fn record_votes(
    db: &impl ConnectionTrait,
    post_id: i64,
    actor_id: i64,
    votes: &[(i64, String, i32)],
) -> AppResult<poll::Model> {
    // The poll row's lock first (an empty update, the same on both databases): concurrent
    // ballots then count one after the other instead of overwriting each other's counts.
    poll::Entity::update_many()
        .col_expr(poll::Column::PostId, Expr::col(poll::Column::PostId))
        .filter(poll::Column::PostId.eq(post_id))
        .exec(db)
        .await?;
    let Some(row) = get(db, post_id).await? else {
        return Err(crate::error::AppError::not_found("Record not found"));
    };
    let first_vote = !has_voted(db, post_id, actor_id).await?;
    let mut counts = counts(&row);
    let now = Utc::now();
    for (id, ap_id, choice) in votes {
        poll_vote::ActiveModel {
            id: Set(*id),
            ap_id: Set(ap_id.clone()),
            post_id: Set(post_id),
            actor_id: Set(actor_id),
            choice: Set(*choice),
            created_at: Set(now),
        }
        .insert(db)
        .await?;
        if let Some(c) = usize::try_from(*choice)
            .ok()
            .and_then(|i| counts.get_mut(i))
        {
            *c += 1;
        }
    }
    let mut active: poll::ActiveModel = row.into();
    active.vote_counts = Set(json(&counts));
    if first_vote {
        active.voters_count = Set(active.voters_count.as_ref() + 1);
    }
    active.updated_at = Set(now);
    Ok(active.update(db).await?)
}

/// The accounts that voted in a poll.
pub async fn voters(
    db: &impl ConnectionTrait,
    post_id: i64,
) -> AppResult<Vec<crate::db::entity::actor::Model>> {
    use crate::db::entity::actor;
    let ids: Vec<i64> = poll_vote::Entity::find()
        .select_only()
        .column(poll_vote::Column::ActorId)
        .distinct()
        .filter(poll_vote::Column::PostId.eq(post_id))
        .into_tuple()
        .all(db)
        .await?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(actor::Entity::find()
        .filter(actor::Column::Id.is_in(ids))
        .all(db)
        .await?)
}

/// Asks for one `Update(Question)` of poll `post_id` at `due`, unless one is already waiting
/// (votes in the meantime ride on that one).
pub async fn request_update(
    db: &impl ConnectionTrait,
    post_id: i64,
    due: DateTime<Utc>,
) -> AppResult<()> {
    poll::Entity::update_many()
        .col_expr(poll::Column::UpdateDueAt, Expr::value(Some(due)))
        .filter(poll::Column::PostId.eq(post_id))
        .filter(poll::Column::UpdateDueAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Polls whose waiting `Update(Question)` is due at `now`, oldest first.
pub async fn updates_due(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    limit: u64,
) -> AppResult<Vec<i64>> {
    Ok(poll::Entity::find()
        .select_only()
        .column(poll::Column::PostId)
        .filter(poll::Column::UpdateDueAt.lte(now))
        .order_by_asc(poll::Column::UpdateDueAt)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await?)
}

/// Takes the waiting update of `post_id` (in the transaction that sends it); false when it is
/// not due or another process took it first.
pub async fn claim_update(
    db: &impl ConnectionTrait,
    post_id: i64,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    Ok(poll::Entity::update_many()
        .col_expr(
            poll::Column::UpdateDueAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(poll::Column::PostId.eq(post_id))
        .filter(poll::Column::UpdateDueAt.lte(now))
        .exec(db)
        .await?
        .rows_affected
        == 1)
}

/// Polls that ended by `now` and whose closing was not handled yet, oldest first.
pub async fn closings_due(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    limit: u64,
) -> AppResult<Vec<i64>> {
    Ok(poll::Entity::find()
        .select_only()
        .column(poll::Column::PostId)
        .filter(poll::Column::ClosedAt.is_null())
        .filter(poll::Column::ExpiresAt.lte(now))
        .order_by_asc(poll::Column::ExpiresAt)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await?)
}

/// Marks the closing of `post_id` handled (in the transaction that handles it), also taking
/// any waiting update (the closing sends the last one); false when another process did.
pub async fn claim_closing(
    db: &impl ConnectionTrait,
    post_id: i64,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    Ok(poll::Entity::update_many()
        .col_expr(poll::Column::ClosedAt, Expr::value(Some(now)))
        .col_expr(
            poll::Column::UpdateDueAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(poll::Column::PostId.eq(post_id))
        .filter(poll::Column::ClosedAt.is_null())
        .filter(poll::Column::ExpiresAt.lte(now))
        .exec(db)
        .await?
        .rows_affected
        == 1)
}

/// The local accounts that voted in a poll.
pub async fn local_voter_ids(db: &impl ConnectionTrait, post_id: i64) -> AppResult<Vec<i64>> {
    Ok(voters(db, post_id)
        .await?
        .into_iter()
        .filter(|a| a.local)
        .map(|a| a.id)
        .collect())
}
