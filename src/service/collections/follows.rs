//! Following collections, like Funkwhale libraries: a public collection accepts follows at
//! once, an approval-required one waits for its owner (who sees the pending requests and
//! authorizes or rejects them), a private one refuses them. Local followers of local
//! collections need no network; a remote collection is followed with `Follow` to its owner's
//! node, answered by `Accept`/`Reject`, undone with `Undo(Follow)`. On acceptance the follower's
//! node fetches the collection again, now with its items.
use super::{Visibility, notify};
use crate::{
    AppState,
    db::{
        self,
        entity::{actor, collection, collection_follow as follow},
    },
    error::{AppError, AppResult},
    federation::outbox,
    service::commit,
};
use activitypub_federation::config::Data;
use sea_orm::TransactionTrait;

/// Local `follower` follows collection `id` (local or remote): accepted at once when public
/// and local, pending otherwise. Following again answers the existing follow.
pub async fn follow(
    data: &Data<AppState>,
    follower: &actor::Model,
    id: i64,
) -> AppResult<follow::Model> {
    let c = super::visible(data, Some(follower.id), id).await?;
    if c.owner_id == follower.id {
        return Err(AppError::Invalid(
            "you own this collection; there is nothing to follow".into(),
        ));
    }
    let visibility = Visibility::of(&c);
    if visibility == Visibility::Private {
        return Err(AppError::Forbidden(
            "a private collection cannot be followed".into(),
        ));
    }
    if let Some(existing) = db::collections::find_follow(&data.db.read, c.id, follower.id).await? {
        return Ok(existing);
    }
    let owner = db::actors::get_by_id(&data.db.read, c.owner_id).await?;
    let activity_id = data.ids.next();
    let ap_id = data.urls.activity(activity_id);
    let txn = data.db.write.begin().await?;
    let row = if c.local {
        let accepted = visibility == Visibility::Public;
        let row =
            db::collections::insert_follow(&txn, &data.ids, c.id, follower.id, &ap_id, accepted)
                .await?;
        if !accepted {
            super::owners::notify_managers(
                &txn,
                data,
                &owner,
                "collection_follow_requested",
                follower.id,
                &c,
            )
            .await?;
        }
        row
    } else {
        let row = db::collections::insert_follow(&txn, &data.ids, c.id, follower.id, &ap_id, false)
            .await?;
        outbox::collection_follow(&txn, data, follower, &c, &owner, activity_id).await?;
        row
    };
    commit(data, txn).await?;
    Ok(row)
}

/// Local `follower` stops following collection `id` (or withdraws the request).
pub async fn unfollow(data: &Data<AppState>, follower: &actor::Model, id: i64) -> AppResult<()> {
    let c = db::collections::get(&data.db.read, id).await?;
    let Some(row) = db::collections::find_follow(&data.db.read, c.id, follower.id).await? else {
        return Ok(());
    };
    let txn = data.db.write.begin().await?;
    db::collections::delete_follow(&txn, row.id).await?;
    if !c.local && c.deleted_at.is_none() {
        let owner = db::actors::get_by_id(&txn, c.owner_id).await?;
        outbox::collection_unfollow(&txn, data, follower, &c, &owner, &row).await?;
    }
    commit(data, txn).await
}

/// The pending follow requests of local collection `id` (its owner or, for a circle's, a moderator), oldest first.
pub async fn requests(
    data: &Data<AppState>,
    user: &actor::Model,
    id: i64,
) -> AppResult<Vec<actor::Model>> {
    let c = super::own_collection(&data.db.read, user, id).await?;
    let rows = db::collections::follows_of(&data.db.read, c.id, false).await?;
    let ids: Vec<i64> = rows.iter().map(|f| f.follower_id).collect();
    let mut actors = db::views::actors_by_ids(&data.db.read, &ids).await?;
    Ok(ids.iter().filter_map(|i| actors.remove(i)).collect())
}

/// The owner answers the pending request of `account_id` to follow collection `id`: on
/// `authorize` the follower is in (a remote one gets `Accept`, a local one a notification);
/// otherwise the request is dropped (a remote one gets `Reject`). 404 when nothing is pending.
pub async fn answer(
    data: &Data<AppState>,
    user: &actor::Model,
    id: i64,
    account_id: i64,
    authorize: bool,
) -> AppResult<actor::Model> {
    let super::Managed {
        collection: c,
        owner,
    } = super::managed(&data.db.read, user, id).await?;
    let owner = &owner;
    let row = db::collections::find_follow(&data.db.read, c.id, account_id)
        .await?
        .filter(|f| !f.accepted)
        .ok_or_else(|| AppError::not_found("no pending follow request from this account"))?;
    let follower = db::actors::get_by_id(&data.db.read, account_id).await?;
    let txn = data.db.write.begin().await?;
    if authorize {
        db::collections::accept_follow(&txn, &row).await?;
        notify(
            &txn,
            data,
            &follower,
            "collection_follow_accepted",
            owner.id,
            &c,
            None,
        )
        .await?;
    } else {
        db::collections::delete_follow(&txn, row.id).await?;
    }
    if !follower.local {
        let kind = if authorize { "Accept" } else { "Reject" };
        outbox::collection_follow_answered(&txn, data, owner, &c, &row, &follower, kind).await?;
    }
    commit(data, txn).await?;
    Ok(follower)
}

/// A remote `follower` asks to follow local collection `c` (its `Follow` is `ap_id`): a public
/// one accepts at once, an approval-required one waits for the owner, a private or deleted
/// one is rejected.
pub async fn receive_follow(
    data: &Data<AppState>,
    follower: &actor::Model,
    c: &collection::Model,
    ap_id: &str,
) -> AppResult<()> {
    let owner = db::actors::get_by_id(&data.db.read, c.owner_id).await?;
    let visibility = Visibility::of(c);
    let txn = data.db.write.begin().await?;
    if c.deleted_at.is_some() || visibility == Visibility::Private {
        // Answered without keeping anything: the follower's node drops its request.
        let row = follow::Model {
            id: 0,
            ap_id: ap_id.to_string(),
            collection_id: c.id,
            follower_id: follower.id,
            accepted: false,
            created_at: chrono::Utc::now(),
        };
        outbox::collection_follow_answered(&txn, data, &owner, c, &row, follower, "Reject").await?;
        return commit(data, txn).await;
    }
    let accepted = visibility == Visibility::Public;
    let row =
        db::collections::insert_follow(&txn, &data.ids, c.id, follower.id, ap_id, accepted).await?;
    if row.accepted {
        outbox::collection_follow_answered(&txn, data, &owner, c, &row, follower, "Accept").await?;
    } else {
        super::owners::notify_managers(
            &txn,
            data,
            &owner,
            "collection_follow_requested",
            follower.id,
            c,
        )
        .await?;
    }
    commit(data, txn).await
}

/// The owner's node accepted (`accepted`) or rejected the follow `row` of a remote collection.
/// On acceptance the collection is fetched again (its items are now served to us) and the
/// local follower is notified.
pub async fn receive_answer(
    data: &Data<AppState>,
    answerer: &actor::Model,
    row: &follow::Model,
    accepted: bool,
) -> AppResult<()> {
    let c = db::collections::get(&data.db.read, row.collection_id).await?;
    if c.local || c.owner_id != answerer.id {
        return Err(AppError::Forbidden(
            "only the collection's owner answers a follow".into(),
        ));
    }
    let follower = db::actors::get_by_id(&data.db.read, row.follower_id).await?;
    if !accepted {
        db::collections::delete_follow(&data.db.write, row.id).await?;
        return Ok(());
    }
    if !row.accepted {
        let txn = data.db.write.begin().await?;
        db::collections::accept_follow(&txn, row).await?;
        notify(
            &txn,
            data,
            &follower,
            "collection_follow_accepted",
            answerer.id,
            &c,
            None,
        )
        .await?;
        commit(data, txn).await?;
    }
    if let Err(e) = crate::federation::activities::collections::refresh(data, &c).await {
        tracing::debug!(collection = %c.ap_id, error = %e, "could not fetch a followed collection");
    }
    Ok(())
}

/// `follower` undid its follow `row` of a local collection.
pub async fn receive_undo(
    data: &Data<AppState>,
    follower: &actor::Model,
    row: &follow::Model,
) -> AppResult<()> {
    if row.follower_id != follower.id {
        return Err(AppError::Forbidden(
            "only the follower can undo a follow".into(),
        ));
    }
    db::collections::delete_follow(&data.db.write, row.id).await
}
