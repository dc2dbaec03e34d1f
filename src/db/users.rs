//! Queries on `local_user` and `oauth_token`.
use crate::{
    db::entity::{actor, local_user, oauth_token},
    error::AppResult,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};

/// The user row of a local actor.
pub async fn find_by_actor(
    db: &impl ConnectionTrait,
    actor_id: i64,
) -> AppResult<Option<local_user::Model>> {
    Ok(local_user::Entity::find()
        .filter(local_user::Column::ActorId.eq(actor_id))
        .one(db)
        .await?)
}

/// A user by email (case-insensitive: emails are stored lowercase).
pub async fn find_by_email(
    db: &impl ConnectionTrait,
    email: &str,
) -> AppResult<Option<local_user::Model>> {
    Ok(local_user::Entity::find()
        .filter(local_user::Column::Email.eq(email.to_lowercase()))
        .one(db)
        .await?)
}

/// Inserts a user row.
pub async fn insert(
    db: &impl ConnectionTrait,
    row: local_user::ActiveModel,
) -> AppResult<local_user::Model> {
    Ok(row.insert(db).await?)
}

/// Whether any admin exists.
pub async fn admin_exists(db: &impl ConnectionTrait) -> AppResult<bool> {
    Ok(local_user::Entity::find()
        .filter(local_user::Column::Role.eq("admin"))
        .count(db)
        .await?
        > 0)
}

/// Every local user with its actor, oldest first.
pub async fn list_with_actors(
    db: &impl ConnectionTrait,
) -> AppResult<Vec<(local_user::Model, actor::Model)>> {
    let users = local_user::Entity::find()
        .order_by_asc(local_user::Column::Id)
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(users.len());
    for user in users {
        if let Some(actor) = actor::Entity::find_by_id(user.actor_id).one(db).await? {
            out.push((user, actor));
        }
    }
    Ok(out)
}

/// How many local users there are (for NodeInfo).
pub async fn count(db: &impl ConnectionTrait) -> AppResult<u64> {
    Ok(local_user::Entity::find().count(db).await?)
}

/// Stores a token row.
pub async fn insert_token(
    db: &impl ConnectionTrait,
    row: oauth_token::ActiveModel,
) -> AppResult<oauth_token::Model> {
    Ok(row.insert(db).await?)
}

/// A live (not revoked) token by its hash.
pub async fn find_token(
    db: &impl ConnectionTrait,
    token_hash: &str,
) -> AppResult<Option<oauth_token::Model>> {
    Ok(oauth_token::Entity::find()
        .filter(oauth_token::Column::TokenHash.eq(token_hash))
        .filter(oauth_token::Column::RevokedAt.is_null())
        .one(db)
        .await?)
}

/// A local user by id.
pub async fn get(db: &impl ConnectionTrait, id: i64) -> AppResult<Option<local_user::Model>> {
    Ok(local_user::Entity::find_by_id(id).one(db).await?)
}
