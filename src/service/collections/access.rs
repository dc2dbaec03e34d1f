//! Who sees a collection and its items: private ones only their owner; approval-required ones
//! show their items to the owner (or the owning circle's moderators) and approved followers.
use super::{Visibility, owners};
use crate::{
    AppState, db,
    db::entity::collection,
    error::{AppError, AppResult},
};
use activitypub_federation::config::Data;
use sea_orm::ConnectionTrait;

/// Whether `viewer` may see collection `c` at all (private ones: the owner only).
pub fn can_see(c: &collection::Model, viewer: Option<i64>) -> bool {
    c.deleted_at.is_none()
        && (Visibility::of(c) != Visibility::Private || viewer == Some(c.owner_id))
}

/// The collection `id` as `viewer` may see it: 404 for someone else's private one, 410 once
/// deleted.
pub async fn visible(
    data: &Data<AppState>,
    viewer: Option<i64>,
    id: i64,
) -> AppResult<collection::Model> {
    let c = db::collections::get(&data.db.read, id).await?;
    if c.deleted_at.is_some() {
        return Err(AppError::Gone("this collection was deleted".into()));
    }
    if !can_see(&c, viewer) {
        return Err(AppError::not_found("collection not found"));
    }
    Ok(c)
}

/// Whether `viewer` may see the items of `c`: everyone for public ones, the owner (or the
/// owning circle's moderators) and the approved followers for approval-required ones.
pub async fn can_see_items(
    db: &impl ConnectionTrait,
    c: &collection::Model,
    viewer: Option<i64>,
) -> AppResult<bool> {
    if Visibility::of(c) != Visibility::Public && owners::is_manager(db, c, viewer).await? {
        return Ok(true);
    }
    Ok(match Visibility::of(c) {
        Visibility::Public => true,
        Visibility::Private => false,
        Visibility::Approval => match viewer {
            Some(v) => db::collections::find_follow(db, c.id, v)
                .await?
                .is_some_and(|f| f.accepted),
            None => false,
        },
    })
}
