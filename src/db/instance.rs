//! Node-wide figures for the instance endpoints: counts, known remote domains (peers), the
//! first admin, and weekly activity buckets.
use crate::{
    db::entity::{actor, local_user, oauth_token, post},
    error::AppResult,
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

/// Distinct domains of the remote actors this node knows, sorted.
pub async fn peers(db: &impl ConnectionTrait) -> AppResult<Vec<String>> {
    let mut domains: Vec<String> = actor::Entity::find()
        .select_only()
        .column(actor::Column::Domain)
        .filter(actor::Column::Local.eq(false))
        .distinct()
        .into_tuple()
        .all(db)
        .await?;
    domains.sort();
    domains.dedup();
    Ok(domains)
}

/// The first admin's actor (the instance contact), if any.
pub async fn first_admin(db: &impl ConnectionTrait) -> AppResult<Option<actor::Model>> {
    let Some(user) = local_user::Entity::find()
        .filter(local_user::Column::Role.eq("admin"))
        .order_by_asc(local_user::Column::Id)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    Ok(actor::Entity::find_by_id(user.actor_id)
        .one(db)
        .await?
        .filter(|a| a.deleted_at.is_none()))
}

/// Local users active since `since` (a token used, or a post written).
pub async fn active_users_since(db: &impl ConnectionTrait, since: DateTime<Utc>) -> AppResult<u64> {
    let mut users: Vec<Option<i64>> = oauth_token::Entity::find()
        .select_only()
        .column(oauth_token::Column::UserId)
        .filter(oauth_token::Column::LastUsedAt.gte(since))
        .filter(oauth_token::Column::UserId.is_not_null())
        .distinct()
        .into_tuple()
        .all(db)
        .await?;
    let authors: Vec<i64> = post::Entity::find()
        .select_only()
        .column(post::Column::AuthorId)
        .filter(post::Column::Local.eq(true))
        .filter(post::Column::PublishedAt.gte(since))
        .distinct()
        .into_tuple()
        .all(db)
        .await?;
    let from_posts: Vec<Option<i64>> = if authors.is_empty() {
        Vec::new()
    } else {
        local_user::Entity::find()
            .select_only()
            .column(local_user::Column::Id)
            .filter(local_user::Column::ActorId.is_in(authors))
            .into_tuple::<i64>()
            .all(db)
            .await?
            .into_iter()
            .map(Some)
            .collect()
    };
    users.extend(from_posts);
    users.sort_unstable();
    users.dedup();
    Ok(users.len() as u64)
}

/// One week of activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Week {
    pub start: DateTime<Utc>,
    pub statuses: u64,
    pub logins: u64,
    pub registrations: u64,
}

/// Local statuses, distinct users who used a token, and sign-ups in `[start, end)`.
pub async fn week(
    db: &impl ConnectionTrait,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> AppResult<Week> {
    let statuses = post::Entity::find()
        .filter(post::Column::Local.eq(true))
        .filter(post::Column::ReblogOfId.is_null())
        .filter(post::Column::PublishedAt.gte(start))
        .filter(post::Column::PublishedAt.lt(end))
        .count(db)
        .await?;
    let logins: Vec<Option<i64>> = oauth_token::Entity::find()
        .select_only()
        .column(oauth_token::Column::UserId)
        .filter(oauth_token::Column::UserId.is_not_null())
        .filter(oauth_token::Column::LastUsedAt.gte(start))
        .filter(oauth_token::Column::LastUsedAt.lt(end))
        .distinct()
        .into_tuple()
        .all(db)
        .await?;
    let registrations = local_user::Entity::find()
        .filter(local_user::Column::CreatedAt.gte(start))
        .filter(local_user::Column::CreatedAt.lt(end))
        .count(db)
        .await?;
    Ok(Week {
        start,
        statuses,
        logins: logins.len() as u64,
        registrations,
    })
}

/// Discoverable, live accounts for the profile directory (local ones only when `local_only`),
/// newest first.
pub async fn discoverable(
    db: &impl ConnectionTrait,
    local_only: bool,
    limit: u64,
    offset: u64,
) -> AppResult<Vec<actor::Model>> {
    let mut query = actor::Entity::find()
        .filter(actor::Column::Discoverable.eq(true))
        .filter(actor::Column::DeletedAt.is_null())
        .filter(actor::Column::Kind.is_in(["Person", "Service", "Group"]));
    if local_only {
        query = query.filter(actor::Column::Local.eq(true));
    }
    Ok(query
        .order_by_desc(actor::Column::Id)
        .limit(limit)
        .offset(offset)
        .all(db)
        .await?)
}
