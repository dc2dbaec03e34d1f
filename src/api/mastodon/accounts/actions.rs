//! The actions on an account, each answering the viewer's relationship with it: follow (with
//! its options) and unfollow, remove from followers, block and unblock, mute and unmute.
use super::{some_list, target};
use crate::{
    AppState,
    api::{
        auth::Auth,
        form::{ApiForm, de},
        mastodon::entities::relationship::{self, Relationship},
    },
    db::entity::actor,
    error::AppResult,
    service::{self, follows::FollowOptions},
};
use activitypub_federation::config::Data;
use axum::{Json, extract::Path};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
pub(super) struct FollowParams {
    #[serde(default, deserialize_with = "de::opt_bool")]
    reblogs: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    notify: Option<bool>,
    #[serde(default, deserialize_with = "some_list")]
    languages: Option<Vec<String>>,
}

/// The viewer's relationship with `target` as the response.
async fn relationship_with(
    data: &Data<AppState>,
    auth: &Auth,
    target: &actor::Model,
) -> AppResult<Json<Relationship>> {
    Ok(Json(
        relationship::relationship(data, auth.actor.id, target.id).await?,
    ))
}

/// `POST /api/v1/accounts/:id/follow` (`reblogs`, `notify`, `languages[]`): `requested` until
/// a remote account accepts or a locked one approves; following again updates the options.
pub(super) async fn follow(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    form: ApiForm<FollowParams>,
) -> AppResult<Json<Relationship>> {
    auth.require("write:follows")?;
    let target = target(&data, &id).await?;
    let p = form.params;
    service::follows::follow_with_options(
        &data,
        &auth.actor,
        &target,
        FollowOptions {
            reblogs: p.reblogs,
            notify: p.notify,
            languages: p.languages,
        },
    )
    .await?;
    relationship_with(&data, &auth, &target).await
}

/// `POST /api/v1/accounts/:id/unfollow` (also withdraws a pending request).
pub(super) async fn unfollow(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Relationship>> {
    auth.require("write:follows")?;
    let target = target(&data, &id).await?;
    service::follows::unfollow(&data, &auth.actor, &target).await?;
    relationship_with(&data, &auth, &target).await
}

/// `POST /api/v1/accounts/:id/remove_from_followers`: the account stops following us.
pub(super) async fn remove_from_followers(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Relationship>> {
    auth.require("write:follows")?;
    let target = target(&data, &id).await?;
    service::follows::remove_follower(&data, &auth.actor, &target).await?;
    relationship_with(&data, &auth, &target).await
}

/// `POST /api/v1/accounts/:id/block`: ends follows both ways and federates a Block.
pub(super) async fn block(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Relationship>> {
    auth.require("write:blocks")?;
    let target = target(&data, &id).await?;
    service::relationships::block(&data, &auth.actor, &target).await?;
    relationship_with(&data, &auth, &target).await
}

/// `POST /api/v1/accounts/:id/unblock`.
pub(super) async fn unblock(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Relationship>> {
    auth.require("write:blocks")?;
    let target = target(&data, &id).await?;
    service::relationships::unblock(&data, &auth.actor, &target).await?;
    relationship_with(&data, &auth, &target).await
}

fn default_true() -> Option<bool> {
    Some(true)
}

#[derive(Debug, Deserialize)]
pub(super) struct MuteParams {
    #[serde(default = "default_true", deserialize_with = "de::opt_bool")]
    notifications: Option<bool>,
    /// Seconds; 0 or absent: indefinitely.
    #[serde(default, deserialize_with = "de::opt_i64")]
    duration: Option<i64>,
}

/// `POST /api/v1/accounts/:id/mute` (`notifications`, default true; `duration` in seconds).
pub(super) async fn mute(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    form: ApiForm<MuteParams>,
) -> AppResult<Json<Relationship>> {
    auth.require("write:mutes")?;
    let target = target(&data, &id).await?;
    service::relationships::mute(
        &data,
        &auth.actor,
        &target,
        form.params.notifications.unwrap_or(true),
        form.params.duration,
    )
    .await?;
    relationship_with(&data, &auth, &target).await
}

/// `POST /api/v1/accounts/:id/unmute`.
pub(super) async fn unmute(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Relationship>> {
    auth.require("write:mutes")?;
    let target = target(&data, &id).await?;
    service::relationships::unmute(&data, &auth.actor, &target).await?;
    relationship_with(&data, &auth, &target).await
}
