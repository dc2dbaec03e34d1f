//! Queries behind the admin accounts API and CLI: accounts (local with their user row, and
//! remote) filtered by origin, state and role; and the moderation columns staff change.
use crate::{
    db::entity::{actor, local_user, oauth_token},
    error::AppResult,
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait, Query},
};

/// Which accounts a list shows (Mastodon's admin filters).
#[derive(Debug, Clone, Default)]
pub struct AccountFilter {
    /// Some(true): local only; Some(false): remote only.
    pub local: Option<bool>,
    /// active, pending, disabled, silenced or suspended.
    pub status: Option<String>,
    /// Admins and moderators only.
    pub staff: bool,
    /// Exact role (v2 `role_ids` map to it).
    pub role: Option<String>,
    pub username: Option<String>,
    pub domain: Option<String>,
    pub email: Option<String>,
    pub max_id: Option<i64>,
    pub since_id: Option<i64>,
    pub limit: u64,
}

fn users_where(condition: Expr) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(local_user::Column::ActorId)
        .from(local_user::Entity)
        .and_where(condition)
        .to_owned()
}

/// Accounts matching `filter`, newest first, each with its user row when local.
pub async fn list(
    db: &impl ConnectionTrait,
    filter: &AccountFilter,
) -> AppResult<Vec<(actor::Model, Option<local_user::Model>)>> {
    let mut query = actor::Entity::find().filter(actor::Column::Kind.ne("Application"));
    if let Some(local) = filter.local {
        query = query.filter(actor::Column::Local.eq(local));
    }
    if let Some(status) = filter.status.as_deref() {
        query = match status {
            "active" => query
                .filter(actor::Column::SuspendedAt.is_null())
                .filter(actor::Column::DeletedAt.is_null())
                .filter(
                    actor::Column::Id.not_in_subquery(users_where(
                        Expr::col(local_user::Column::Approval)
                            .ne("approved")
                            .or(Expr::col(local_user::Column::Disabled).eq(true)),
                    )),
                ),
            "pending" => query.filter(actor::Column::Id.in_subquery(users_where(
                Expr::col(local_user::Column::Approval).eq("pending"),
            ))),
            "disabled" => query.filter(actor::Column::Id.in_subquery(users_where(
                Expr::col(local_user::Column::Disabled).eq(true),
            ))),
            "silenced" => query.filter(actor::Column::SilencedAt.is_not_null()),
            "suspended" => query.filter(actor::Column::SuspendedAt.is_not_null()),
            _ => query,
        };
    }
    if filter.staff {
        query = query.filter(actor::Column::Id.in_subquery(users_where(
            local_user::Column::Role.is_in(["admin", "moderator"]),
        )));
    }
    if let Some(role) = &filter.role {
        query = query.filter(actor::Column::Id.in_subquery(users_where(
            Expr::col(local_user::Column::Role).eq(role.as_str()),
        )));
    }
    if let Some(email) = &filter.email {
        query = query.filter(actor::Column::Id.in_subquery(users_where(
            local_user::Column::Email.like(format!("%{}%", email.to_lowercase())),
        )));
    }
    if let Some(username) = &filter.username {
        query = query.filter(actor::Column::Username.like(format!("{}%", username.to_lowercase())));
    }
    if let Some(domain) = &filter.domain {
        query = query.filter(actor::Column::Domain.eq(domain.to_lowercase()));
    }
    if let Some(max_id) = filter.max_id {
        query = query.filter(actor::Column::Id.lt(max_id));
    }
    if let Some(since_id) = filter.since_id {
        query = query.filter(actor::Column::Id.gt(since_id));
    }
    let actors = query
        .order_by_desc(actor::Column::Id)
        .limit(filter.limit)
        .all(db)
        .await?;
    let users = local_user::Entity::find()
        .filter(local_user::Column::ActorId.is_in(actors.iter().map(|a| a.id)))
        .all(db)
        .await?;
    Ok(actors
        .into_iter()
        .map(|a| {
            let user = users.iter().find(|u| u.actor_id == a.id).cloned();
            (a, user)
        })
        .collect())
}

/// Sets a user's approval state (approved, pending, rejected).
pub async fn set_approval(
    db: &impl ConnectionTrait,
    user_id: i64,
    approval: &str,
) -> AppResult<()> {
    local_user::Entity::update_many()
        .col_expr(local_user::Column::Approval, Expr::value(approval))
        .filter(local_user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Turns a user's logins off or on.
pub async fn set_disabled(
    db: &impl ConnectionTrait,
    user_id: i64,
    disabled: bool,
) -> AppResult<()> {
    local_user::Entity::update_many()
        .col_expr(local_user::Column::Disabled, Expr::value(disabled))
        .filter(local_user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Sets a user's role.
pub async fn set_role(db: &impl ConnectionTrait, user_id: i64, role: &str) -> AppResult<()> {
    local_user::Entity::update_many()
        .col_expr(local_user::Column::Role, Expr::value(role))
        .filter(local_user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Replaces a user's password hash and asks for a new password at next login.
pub async fn set_password(db: &impl ConnectionTrait, user_id: i64, hash: &str) -> AppResult<()> {
    local_user::Entity::update_many()
        .col_expr(local_user::Column::PasswordHash, Expr::value(hash))
        .col_expr(local_user::Column::MustChangePassword, Expr::value(true))
        .filter(local_user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// How many admins there are.
pub async fn admin_count(db: &impl ConnectionTrait) -> AppResult<u64> {
    use sea_orm::PaginatorTrait;
    Ok(local_user::Entity::find()
        .filter(local_user::Column::Role.eq("admin"))
        .count(db)
        .await?)
}

/// Sets or clears an actor's silence.
pub async fn set_silenced(
    db: &impl ConnectionTrait,
    actor_id: i64,
    at: Option<DateTime<Utc>>,
) -> AppResult<()> {
    actor::Entity::update_many()
        .col_expr(actor::Column::SilencedAt, Expr::value(at))
        .filter(actor::Column::Id.eq(actor_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Sets or clears an actor's suspension.
pub async fn set_suspended(
    db: &impl ConnectionTrait,
    actor_id: i64,
    at: Option<DateTime<Utc>>,
) -> AppResult<()> {
    actor::Entity::update_many()
        .col_expr(actor::Column::SuspendedAt, Expr::value(at))
        .filter(actor::Column::Id.eq(actor_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Revokes every live token of a user (its sessions and apps stop working).
pub async fn revoke_tokens(db: &impl ConnectionTrait, user_id: i64) -> AppResult<()> {
    oauth_token::Entity::update_many()
        .col_expr(oauth_token::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(oauth_token::Column::UserId.eq(user_id))
        .filter(oauth_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}
