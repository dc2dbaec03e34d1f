//! Favourites and bookmarks: a local account favouriting (a `Like` to the author) or
//! bookmarking a post it can see, taking either back, and likes arriving from other servers.
use super::can_see;
use crate::{
    AppState,
    db::{
        self,
        entity::{actor, favourite, post},
    },
    error::{AppError, AppResult},
    federation::outbox,
    service::commit,
};
use activitypub_federation::config::Data;
use chrono::Utc;
use sea_orm::{Set, TransactionTrait};

/// `actor` (local) favourites a post.
pub async fn favourite(
    data: &Data<AppState>,
    actor: &actor::Model,
    post_id: i64,
) -> AppResult<favourite::Model> {
    let post = db::posts::get_by_id(&data.db.read, post_id).await?;
    if !can_see(data, Some(actor), &post).await? || post.reblog_of_id.is_some() {
        return Err(AppError::not_found("post not found"));
    }
    if let Some(existing) = db::posts::find_favourite(&data.db.read, actor.id, post.id).await? {
        return Ok(existing);
    }
    let id = data.ids.next();
    let row = favourite::ActiveModel {
        id: Set(id),
        ap_id: Set(data.urls.activity(id)),
        actor_id: Set(actor.id),
        post_id: Set(post.id),
        created_at: Set(Utc::now()),
    };
    let txn = data.db.write.begin().await?;
    let fav = db::posts::insert_favourite(&txn, row, actor.id, post.id).await?;
    crate::service::timelines::favourited(&txn, data, &fav, &post).await?;
    outbox::liked(&txn, data, actor, &post, &fav).await?;
    commit(data, txn).await?;
    Ok(fav)
}

/// `actor` (local) takes back a favourite.
pub async fn unfavourite(
    data: &Data<AppState>,
    actor: &actor::Model,
    post_id: i64,
) -> AppResult<()> {
    let post = db::posts::get_by_id(&data.db.read, post_id).await?;
    let Some(fav) = db::posts::find_favourite(&data.db.read, actor.id, post.id).await? else {
        return Ok(());
    };
    let txn = data.db.write.begin().await?;
    db::posts::delete_favourite(&txn, fav.id).await?;
    outbox::unliked(&txn, data, actor, &post, &fav).await?;
    commit(data, txn).await
}

/// `actor` (local) bookmarks a post it can see.
pub async fn bookmark(data: &Data<AppState>, actor: &actor::Model, post_id: i64) -> AppResult<()> {
    let post = db::posts::get_by_id(&data.db.read, post_id).await?;
    if !can_see(data, Some(actor), &post).await? || post.reblog_of_id.is_some() {
        return Err(AppError::not_found("post not found"));
    }
    db::posts::insert_bookmark(&data.db.write, data.ids.next(), actor.id, post.id).await
}

/// `actor` (local) removes a bookmark.
pub async fn unbookmark(
    data: &Data<AppState>,
    actor: &actor::Model,
    post_id: i64,
) -> AppResult<()> {
    db::posts::delete_bookmark(&data.db.write, actor.id, post_id).await
}

/// A remote actor liked `post` with Like `ap_id`.
pub async fn receive_like(
    data: &Data<AppState>,
    liker: &actor::Model,
    post: &post::Model,
    ap_id: &str,
) -> AppResult<()> {
    if !can_see(data, Some(liker), post).await? {
        return Err(AppError::not_found("post not found"));
    }
    let row = favourite::ActiveModel {
        id: Set(data.ids.next()),
        ap_id: Set(ap_id.to_string()),
        actor_id: Set(liker.id),
        post_id: Set(post.id),
        created_at: Set(Utc::now()),
    };
    let fav = db::posts::insert_favourite(&data.db.write, row, liker.id, post.id).await?;
    crate::service::timelines::favourited(&data.db.write, data, &fav, post).await?;
    data.events.flush();
    Ok(())
}

/// A remote actor undid its Like `ap_id`.
pub async fn receive_undo_like(
    data: &Data<AppState>,
    liker: &actor::Model,
    ap_id: &str,
    post_ap_id: Option<&str>,
) -> AppResult<()> {
    let fav = match db::posts::find_favourite_by_ap_id(&data.db.read, ap_id).await? {
        Some(fav) => Some(fav),
        // Some servers mint a new id for the Like inside an Undo: fall back to actor + object.
        None => match post_ap_id {
            Some(p) => match db::posts::find_by_ap_id(&data.db.read, p).await? {
                Some(post) => db::posts::find_favourite(&data.db.read, liker.id, post.id).await?,
                None => None,
            },
            None => None,
        },
    };
    match fav {
        Some(fav) if fav.actor_id == liker.id => {
            db::posts::delete_favourite(&data.db.write, fav.id).await
        }
        Some(_) => Err(AppError::Forbidden("only the liker can undo a like".into())),
        None => Ok(()),
    }
}
