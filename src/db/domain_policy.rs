//! Queries on the federation policy tables: `federation_setting` (mode), `domain_permission`
//! (block/allow entries) and `domain_subscription`; plus the rows a block removes (remote actors
//! of a domain, pending deliveries to blocked hosts).
use crate::{
    db::entity::{actor, delivery, domain_permission, domain_subscription, federation_setting},
    error::AppResult,
};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, sea_query::OnConflict,
};

/// The mode set by an admin, if any.
pub async fn mode(db: &impl ConnectionTrait) -> AppResult<Option<String>> {
    Ok(federation_setting::Entity::find_by_id(1)
        .one(db)
        .await?
        .map(|row| row.mode))
}

/// Stores the mode.
pub async fn set_mode(db: &impl ConnectionTrait, mode: &str) -> AppResult<()> {
    federation_setting::Entity::insert(federation_setting::ActiveModel {
        id: Set(1),
        mode: Set(mode.to_string()),
        updated_at: Set(Utc::now()),
    })
    .on_conflict(
        OnConflict::column(federation_setting::Column::Id)
            .update_columns([
                federation_setting::Column::Mode,
                federation_setting::Column::UpdatedAt,
            ])
            .to_owned(),
    )
    .exec(db)
    .await?;
    Ok(())
}

/// Every entry of `kind` (`block`/`allow`), local and subscribed, oldest first.
pub async fn entries(
    db: &impl ConnectionTrait,
    kind: &str,
) -> AppResult<Vec<domain_permission::Model>> {
    Ok(domain_permission::Entity::find()
        .filter(domain_permission::Column::Kind.eq(kind))
        .order_by_asc(domain_permission::Column::Id)
        .all(db)
        .await?)
}

/// Every entry, both kinds.
pub async fn all_entries(db: &impl ConnectionTrait) -> AppResult<Vec<domain_permission::Model>> {
    Ok(domain_permission::Entity::find()
        .order_by_asc(domain_permission::Column::Id)
        .all(db)
        .await?)
}

/// One entry of `kind` by id.
pub async fn entry(
    db: &impl ConnectionTrait,
    kind: &str,
    id: i64,
) -> AppResult<Option<domain_permission::Model>> {
    Ok(domain_permission::Entity::find_by_id(id)
        .filter(domain_permission::Column::Kind.eq(kind))
        .one(db)
        .await?)
}

/// The local entry of `kind` for exactly `domain`.
pub async fn local_entry(
    db: &impl ConnectionTrait,
    kind: &str,
    domain: &str,
) -> AppResult<Option<domain_permission::Model>> {
    Ok(domain_permission::Entity::find()
        .filter(domain_permission::Column::Kind.eq(kind))
        .filter(domain_permission::Column::Domain.eq(domain))
        .filter(domain_permission::Column::SubscriptionId.is_null())
        .one(db)
        .await?)
}

/// The entries a subscription brought in.
pub async fn entries_of_subscription(
    db: &impl ConnectionTrait,
    subscription_id: i64,
) -> AppResult<Vec<domain_permission::Model>> {
    Ok(domain_permission::Entity::find()
        .filter(domain_permission::Column::SubscriptionId.eq(subscription_id))
        .all(db)
        .await?)
}

pub async fn insert_entry(
    db: &impl ConnectionTrait,
    row: domain_permission::ActiveModel,
) -> AppResult<domain_permission::Model> {
    Ok(row.insert(db).await?)
}

pub async fn update_entry(
    db: &impl ConnectionTrait,
    row: domain_permission::ActiveModel,
) -> AppResult<domain_permission::Model> {
    Ok(row.update(db).await?)
}

pub async fn delete_entries(db: &impl ConnectionTrait, ids: &[i64]) -> AppResult<u64> {
    if ids.is_empty() {
        return Ok(0);
    }
    Ok(domain_permission::Entity::delete_many()
        .filter(domain_permission::Column::Id.is_in(ids.iter().copied()))
        .exec(db)
        .await?
        .rows_affected)
}

/// Subscriptions, highest priority first.
pub async fn subscriptions(
    db: &impl ConnectionTrait,
) -> AppResult<Vec<domain_subscription::Model>> {
    Ok(domain_subscription::Entity::find()
        .order_by_desc(domain_subscription::Column::Priority)
        .order_by_asc(domain_subscription::Column::Id)
        .all(db)
        .await?)
}

pub async fn subscription(
    db: &impl ConnectionTrait,
    id: i64,
) -> AppResult<Option<domain_subscription::Model>> {
    Ok(domain_subscription::Entity::find_by_id(id).one(db).await?)
}

pub async fn subscription_by_url(
    db: &impl ConnectionTrait,
    url: &str,
    kind: &str,
) -> AppResult<Option<domain_subscription::Model>> {
    Ok(domain_subscription::Entity::find()
        .filter(domain_subscription::Column::Url.eq(url))
        .filter(domain_subscription::Column::Kind.eq(kind))
        .one(db)
        .await?)
}

pub async fn insert_subscription(
    db: &impl ConnectionTrait,
    row: domain_subscription::ActiveModel,
) -> AppResult<domain_subscription::Model> {
    Ok(row.insert(db).await?)
}

pub async fn update_subscription(
    db: &impl ConnectionTrait,
    row: domain_subscription::ActiveModel,
) -> AppResult<domain_subscription::Model> {
    Ok(row.update(db).await?)
}

/// Deletes a subscription and the entries it brought in.
pub async fn delete_subscription(db: &impl ConnectionTrait, id: i64) -> AppResult<()> {
    domain_permission::Entity::delete_many()
        .filter(domain_permission::Column::SubscriptionId.eq(id))
        .exec(db)
        .await?;
    domain_subscription::Entity::delete_by_id(id)
        .exec(db)
        .await?;
    Ok(())
}

/// Remote actors not yet deleted whose domain is `domain` or `domain:port` or a subdomain
/// (the caller filters exactly with the policy's own matching).
pub async fn remote_actors_near(
    db: &impl ConnectionTrait,
    domain: &str,
) -> AppResult<Vec<actor::Model>> {
    let name = domain.split(':').next().unwrap_or(domain);
    Ok(actor::Entity::find()
        .filter(actor::Column::Local.eq(false))
        .filter(actor::Column::DeletedAt.is_null())
        .filter(actor::Column::Domain.contains(name))
        .order_by_asc(actor::Column::Id)
        .all(db)
        .await?)
}

/// Hosts with deliveries still pending.
pub async fn pending_delivery_hosts(db: &impl ConnectionTrait) -> AppResult<Vec<String>> {
    Ok(delivery::Entity::find()
        .select_only()
        .column(delivery::Column::Host)
        .distinct()
        .filter(delivery::Column::State.eq(delivery::state::PENDING))
        .into_tuple::<String>()
        .all(db)
        .await?)
}

/// Drops the pending deliveries to `hosts`; returns how many.
pub async fn drop_pending_deliveries(
    db: &impl ConnectionTrait,
    hosts: &[String],
) -> AppResult<u64> {
    if hosts.is_empty() {
        return Ok(0);
    }
    Ok(delivery::Entity::delete_many()
        .filter(delivery::Column::State.eq(delivery::state::PENDING))
        .filter(delivery::Column::Host.is_in(hosts.iter().cloned()))
        .exec(db)
        .await?
        .rows_affected)
}
