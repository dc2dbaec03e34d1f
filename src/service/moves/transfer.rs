//! What follows a person to their new account once a move is done here or believed from
//! another server: this node's followers follow the new account (a Follow through the outbox
//! for a remote one; a locked account makes it a request) and unfollow the old one, and get a
//! `move` notification; lists holding the old account hold the new one; blocks and mutes of the
//! old account are copied to the new one (as Mastodon does); mentorships where the old account
//! is a party continue with the new one; and when both accounts are on this node, the old
//! account's circle memberships and collection follows pass to the new one. The old account's
//! mentorship offers close (the requests waiting on them declined, naming the new account),
//! and the requests it still waits on itself are withdrawn.
use crate::{
    AppState,
    db::{self, entity::actor},
    error::AppResult,
    service::{commit, follows, notifications, relationships},
};
use activitypub_federation::config::Data;
use sea_orm::TransactionTrait;

/// Hands `origin`'s relations on this node to `target` (idempotent: a repeated Move finds
/// nothing left to move). A refusal for one follower (a block between them) skips that one.
pub(super) async fn hand_over(
    data: &Data<AppState>,
    origin: &actor::Model,
    target: &actor::Model,
) -> AppResult<()> {
    move_followers(data, origin, target).await?;
    move_lists(data, origin, target).await?;
    copy_blocks_and_mutes(data, origin, target).await?;
    crate::service::mentorship::offers::author_moved(data, origin, target).await?;
    crate::service::mentorship::requests::mentee_moved(data, origin).await?;
    // The old account's own node keeps its mentorships when the person leaves it: the other
    // party's node re-points them (on this Move), and the archive carries the history.
    if !origin.local || target.local {
        let changed = db::moves::repoint_mentorships(&data.db.write, origin.id, target.id).await?;
        if changed > 0 {
            tracing::info!(from = %origin.ap_id, to = %target.ap_id, changed, "mentorships follow a move");
        }
    }
    if origin.local && target.local {
        move_memberships(data, origin, target).await?;
    }
    Ok(())
}

async fn move_followers(
    data: &Data<AppState>,
    origin: &actor::Model,
    target: &actor::Model,
) -> AppResult<()> {
    for row in db::moves::local_followers(&data.db.read, origin.id).await? {
        let follower = db::actors::get_by_id(&data.db.read, row.follower_id).await?;
        if follower.id != target.id {
            let options = follows::FollowOptions {
                reblogs: Some(row.show_reblogs),
                notify: Some(row.notify),
                languages: row
                    .languages
                    .as_deref()
                    .and_then(|l| serde_json::from_str(l).ok()),
            };
            match follows::follow_with_options(data, &follower, target, options).await {
                Ok(_) => {}
                Err(e) if e.status().is_client_error() => {
                    tracing::debug!(follower = %follower.ap_id, error = %e, "a follower does not follow a moved account");
                }
                Err(e) => return Err(e),
            }
        }
        follows::unfollow(data, &follower, origin).await?;
        let txn = data.db.write.begin().await?;
        notifications::notify(&txn, data, follower.id, "move", origin.id, None).await?;
        commit(data, txn).await?;
    }
    Ok(())
}

async fn move_lists(
    data: &Data<AppState>,
    origin: &actor::Model,
    target: &actor::Model,
) -> AppResult<()> {
    for list_id in db::moves::lists_with(&data.db.read, origin.id).await? {
        let Some(list) = db::lists::find(&data.db.read, list_id).await? else {
            continue;
        };
        let txn = data.db.write.begin().await?;
        if list.owner_id != target.id && !db::lists::is_member(&txn, list_id, target.id).await? {
            db::lists::add_members(&txn, list_id, &[target.id]).await?;
        }
        db::lists::remove_members(&txn, list_id, &[origin.id]).await?;
        txn.commit().await?;
    }
    Ok(())
}

async fn copy_blocks_and_mutes(
    data: &Data<AppState>,
    origin: &actor::Model,
    target: &actor::Model,
) -> AppResult<()> {
    for block in db::moves::local_blocks_of(&data.db.read, origin.id).await? {
        if block.actor_id == target.id {
            continue;
        }
        let blocker = db::actors::get_by_id(&data.db.read, block.actor_id).await?;
        if let Err(e) = relationships::block(data, &blocker, target).await
            && !e.status().is_client_error()
        {
            return Err(e);
        }
    }
    for mute in db::moves::mutes_of(&data.db.read, origin.id).await? {
        if mute.actor_id == target.id {
            continue;
        }
        db::relationships::upsert_mute(
            &data.db.write,
            data.ids.next(),
            mute.actor_id,
            target.id,
            mute.hide_notifications,
            mute.expires_at,
        )
        .await?;
    }
    Ok(())
}

/// Both accounts are here: circle memberships (follows of local Groups, with their admission)
/// and collection follows pass from the old account to the new one, unless it has its own.
async fn move_memberships(
    data: &Data<AppState>,
    origin: &actor::Model,
    target: &actor::Model,
) -> AppResult<()> {
    let txn = data.db.write.begin().await?;
    for row in db::moves::follows_of_local_kind(&txn, origin.id, "Group").await? {
        if db::follows::find(&txn, target.id, row.followee_id)
            .await?
            .is_none()
        {
            db::moves::set_follower(&txn, row.id, target.id).await?;
        }
    }
    for row in db::moves::collection_follows_by(&txn, origin.id).await? {
        if db::collections::find_follow(&txn, row.collection_id, target.id)
            .await?
            .is_none()
        {
            db::moves::set_collection_follower(&txn, row.id, target.id).await?;
        }
    }
    txn.commit().await?;
    Ok(())
}
