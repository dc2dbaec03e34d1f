//! Following: local follows (of local or remote accounts), unfollows, and the inbound side:
//! Follow requests from other servers and their Accept / Reject / Undo.
use crate::{
    AppState,
    db::{
        self,
        entity::{actor, follow},
    },
    error::{AppError, AppResult},
    federation::outbox,
    service::commit,
};
use activitypub_federation::config::Data;
use sea_orm::TransactionTrait;

/// `follower` (local) follows `target`. Local targets that don't approve followers manually are
/// followed at once; remote ones get a Follow and stay pending until they Accept.
pub async fn follow(
    data: &Data<AppState>,
    follower: &actor::Model,
    target: &actor::Model,
) -> AppResult<follow::Model> {
    if !follower.local {
        return Err(AppError::Forbidden(
            "only local accounts can follow from here".into(),
        ));
    }
    if follower.id == target.id {
        return Err(AppError::Invalid("you cannot follow yourself".into()));
    }
    if target.deleted_at.is_some() {
        return Err(AppError::not_found("account not found"));
    }
    if let Some(existing) = db::follows::find(&data.db.read, follower.id, target.id).await? {
        return Ok(existing);
    }
    let id = data.ids.next();
    let ap_id = data.urls.activity(id);
    let accepted = target.local && !target.manually_approves_followers;
    let txn = data.db.write.begin().await?;
    let row = db::follows::insert(
        &txn,
        db::follows::new_row(id, ap_id, follower.id, target.id, accepted),
        follower.id,
        target.id,
    )
    .await?;
    if !target.local {
        outbox::follow(&txn, data, follower, target, &row).await?;
    }
    commit(data, txn).await?;
    Ok(row)
}

/// `follower` (local) stops following `target` (or withdraws a pending request).
pub async fn unfollow(
    data: &Data<AppState>,
    follower: &actor::Model,
    target: &actor::Model,
) -> AppResult<()> {
    let Some(row) = db::follows::find(&data.db.read, follower.id, target.id).await? else {
        return Ok(());
    };
    let txn = data.db.write.begin().await?;
    db::follows::delete(&txn, row.id).await?;
    if !target.local {
        outbox::undo_follow(&txn, data, follower, target, &row).await?;
    }
    commit(data, txn).await
}

/// A remote `follower` asked to follow local `target` with Follow `ap_id`.
pub async fn receive_follow(
    data: &Data<AppState>,
    follower: &actor::Model,
    target: &actor::Model,
    ap_id: &str,
) -> AppResult<()> {
    if !target.local || target.deleted_at.is_some() {
        return Err(AppError::not_found("no such local account"));
    }
    if target.kind == "Application" {
        // The instance actor is not followable; tell the follower so.
        let txn = data.db.write.begin().await?;
        outbox::reject_follow(&txn, data, target, follower, ap_id).await?;
        return commit(data, txn).await;
    }
    let accepted = !target.manually_approves_followers;
    let txn = data.db.write.begin().await?;
    let row = match db::follows::find(&txn, follower.id, target.id).await? {
        // A repeated Follow (e.g. the remote side lost its state): answer again.
        Some(existing) => existing,
        None => {
            db::follows::insert(
                &txn,
                db::follows::new_row(
                    data.ids.next(),
                    ap_id.to_string(),
                    follower.id,
                    target.id,
                    accepted,
                ),
                follower.id,
                target.id,
            )
            .await?
        }
    };
    if row.accepted {
        outbox::accept_follow(&txn, data, target, follower, ap_id).await?;
    }
    commit(data, txn).await
}

/// The remote followee of `follow` accepted it.
pub async fn receive_accept(
    data: &Data<AppState>,
    row: &follow::Model,
    accepter: &actor::Model,
) -> AppResult<()> {
    if row.followee_id != accepter.id {
        return Err(AppError::Forbidden(
            "only the followed account can accept".into(),
        ));
    }
    db::follows::accept(&data.db.write, row.id).await
}

/// The remote followee refused `follow`, or removed an existing follower.
pub async fn receive_reject(
    data: &Data<AppState>,
    row: &follow::Model,
    rejecter: &actor::Model,
) -> AppResult<()> {
    if row.followee_id != rejecter.id {
        return Err(AppError::Forbidden(
            "only the followed account can reject".into(),
        ));
    }
    db::follows::delete(&data.db.write, row.id).await
}

/// A remote follower undid its Follow.
pub async fn receive_undo_follow(
    data: &Data<AppState>,
    follower: &actor::Model,
    row: &follow::Model,
) -> AppResult<()> {
    if row.follower_id != follower.id {
        return Err(AppError::Forbidden(
            "only the follower can undo a follow".into(),
        ));
    }
    db::follows::delete(&data.db.write, row.id).await
}
