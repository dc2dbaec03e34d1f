//! Deleting a circle: its creator or the node's staff (admin, moderator) delete a local circle;
//! the circle's members' nodes get a `Delete` of the Group (as for a deleted account) and drop
//! it, its memberships and its boosts. Here the Group's follows, boosts and collections go and
//! the actor row stays, marked deleted, so its id answers 410 and its name is not reused.
use crate::{
    AppState,
    db::{
        self,
        entity::{actor, local_user},
    },
    error::{AppError, AppResult},
    federation::outbox,
    service::commit,
};
use activitypub_federation::config::Data;
use sea_orm::TransactionTrait;

/// Whether an account (`actor_id`, with node role `role`) may delete the circle whose creator
/// is `creator_id`.
fn may_delete(role: &str, actor_id: i64, creator_id: i64) -> bool {
    actor_id == creator_id || matches!(role, "admin" | "moderator")
}

/// `deleter` (a local account, `user` its login) deletes local circle `id`.
pub async fn delete(
    data: &Data<AppState>,
    deleter: &actor::Model,
    user: &local_user::Model,
    id: i64,
) -> AppResult<()> {
    let (group, circle) = super::get_local(data, id).await?;
    if !may_delete(&user.role, deleter.id, circle.creator_id) {
        return Err(AppError::Forbidden(
            "only the circle's creator or this node's staff can delete it".into(),
        ));
    }
    let txn = data.db.write.begin().await?;
    // Recipients are read before the memberships are removed.
    outbox::actor_deleted(&txn, data, &group).await?;
    db::collections::mark_all_deleted_of(&txn, group.id).await?;
    db::follows::delete_all_of(&txn, group.id).await?;
    db::posts::mark_all_deleted_by(&txn, group.id).await?;
    db::actors::mark_deleted(&txn, group.id).await?;
    commit(data, txn).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_creator_and_staff_may_delete() {
        assert!(may_delete("user", 7, 7));
        assert!(may_delete("admin", 8, 7));
        assert!(may_delete("moderator", 8, 7));
        // Another member, even one of the circle's moderators, may not.
        assert!(!may_delete("user", 8, 7));
    }
}
