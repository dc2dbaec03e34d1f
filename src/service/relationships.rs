//! Blocks and mutes. A block ends the follows between the two accounts both ways (federating
//! Undo(Follow) for ours and Reject for theirs, as Mastodon does) and sends `Block`; a received
//! Block does the same on our side. Mutes are private: nothing federates.
use crate::{
    AppState,
    db::{
        self,
        entity::{actor, block, mute},
    },
    error::{AppError, AppResult},
    federation::outbox,
    service::commit,
};
use activitypub_federation::config::Data;
use chrono::{Duration, Utc};
use sea_orm::{DatabaseTransaction, TransactionTrait};

/// Removes the follows between `local` and `other` both ways, federating what the other side
/// needs to know when it is remote and `federate` is set.
async fn sever_follows(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    local: &actor::Model,
    other: &actor::Model,
    federate: bool,
) -> AppResult<()> {
    if let Some(ours) = db::follows::find(txn, local.id, other.id).await? {
        db::follows::delete(txn, ours.id).await?;
        if federate && !other.local {
            outbox::undo_follow(txn, data, local, other, &ours).await?;
        }
    }
    if let Some(theirs) = db::follows::find(txn, other.id, local.id).await? {
        db::follows::delete(txn, theirs.id).await?;
        if federate && !other.local {
            outbox::reject_follow(txn, data, local, other, &theirs.ap_id).await?;
        }
    }
    Ok(())
}

/// Local `blocker` blocks `target`: follows both ways end, remote targets get a Block.
pub async fn block(
    data: &Data<AppState>,
    blocker: &actor::Model,
    target: &actor::Model,
) -> AppResult<block::Model> {
    if !blocker.local {
        return Err(AppError::Forbidden(
            "only local accounts can block from here".into(),
        ));
    }
    if blocker.id == target.id {
        return Err(AppError::Invalid("you cannot block yourself".into()));
    }
    if let Some(existing) =
        db::relationships::find_block(&data.db.read, blocker.id, target.id).await?
    {
        return Ok(existing);
    }
    let id = data.ids.next();
    let txn = data.db.write.begin().await?;
    sever_follows(&txn, data, blocker, target, true).await?;
    let row =
        db::relationships::insert_block(&txn, id, data.urls.activity(id), blocker.id, target.id)
            .await?;
    if !target.local {
        outbox::block(&txn, data, blocker, target, &row).await?;
    }
    commit(data, txn).await?;
    Ok(row)
}

/// Local `blocker` lifts its block of `target` (remote targets get Undo(Block)).
pub async fn unblock(
    data: &Data<AppState>,
    blocker: &actor::Model,
    target: &actor::Model,
) -> AppResult<()> {
    let Some(row) = db::relationships::find_block(&data.db.read, blocker.id, target.id).await?
    else {
        return Ok(());
    };
    let txn = data.db.write.begin().await?;
    db::relationships::delete_block(&txn, row.id).await?;
    if !target.local {
        outbox::undo_block(&txn, data, blocker, target, &row).await?;
    }
    commit(data, txn).await
}

/// Remote `blocker` blocked local `target` with Block `ap_id`: the follows between them end
/// (nothing to tell the blocker) and the block is recorded.
pub async fn receive_block(
    data: &Data<AppState>,
    blocker: &actor::Model,
    target: &actor::Model,
    ap_id: &str,
) -> AppResult<()> {
    if !target.local || blocker.local {
        return Err(AppError::BadRequest(
            "a received Block must be from a remote account about a local one".into(),
        ));
    }
    let txn = data.db.write.begin().await?;
    sever_follows(&txn, data, target, blocker, false).await?;
    if let Some(existing) = db::relationships::find_block(&txn, blocker.id, target.id).await? {
        db::relationships::delete_block(&txn, existing.id).await?;
    }
    db::relationships::insert_block(
        &txn,
        data.ids.next(),
        ap_id.to_string(),
        blocker.id,
        target.id,
    )
    .await?;
    commit(data, txn).await
}

/// Remote `blocker` undid its Block `ap_id` (or, when we don't know that id, its block of the
/// account `object`).
pub async fn receive_undo_block(
    data: &Data<AppState>,
    blocker: &actor::Model,
    ap_id: &str,
    object: Option<&str>,
) -> AppResult<()> {
    let row = match db::relationships::find_block_by_ap_id(&data.db.read, ap_id).await? {
        Some(row) => Some(row),
        None => match object {
            Some(target) => match db::actors::find_by_ap_id(&data.db.read, target).await? {
                Some(target) => {
                    db::relationships::find_block(&data.db.read, blocker.id, target.id).await?
                }
                None => None,
            },
            None => None,
        },
    };
    match row {
        Some(row) if row.actor_id == blocker.id => {
            db::relationships::delete_block(&data.db.write, row.id).await
        }
        Some(_) => Err(AppError::Forbidden(
            "only the blocker can undo a block".into(),
        )),
        None => Ok(()),
    }
}

/// Local `muter` mutes `target`: hidden from its timelines, and from its notifications when
/// `notifications` is set; for `duration_secs` seconds (none or 0: until unmuted).
pub async fn mute(
    data: &Data<AppState>,
    muter: &actor::Model,
    target: &actor::Model,
    notifications: bool,
    duration_secs: Option<i64>,
) -> AppResult<mute::Model> {
    if muter.id == target.id {
        return Err(AppError::Invalid("you cannot mute yourself".into()));
    }
    let expires_at = match duration_secs {
        Some(secs) if secs < 0 => {
            return Err(AppError::Invalid("duration must not be negative".into()));
        }
        Some(secs) if secs > 0 => Some(
            Duration::try_seconds(secs)
                .and_then(|d| Utc::now().checked_add_signed(d))
                .ok_or_else(|| AppError::Invalid("duration is too long".into()))?,
        ),
        _ => None,
    };
    db::relationships::upsert_mute(
        &data.db.write,
        data.ids.next(),
        muter.id,
        target.id,
        notifications,
        expires_at,
    )
    .await
}

/// Local `muter` unmutes `target`.
pub async fn unmute(
    data: &Data<AppState>,
    muter: &actor::Model,
    target: &actor::Model,
) -> AppResult<()> {
    db::relationships::delete_mute(&data.db.write, muter.id, target.id).await
}
