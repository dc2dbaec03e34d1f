//! A `Move` from another server, checked as Mastodon checks it before anything changes: the
//! activity's actor is the account that moves, the target's document (fetched fresh) lists
//! that account in `alsoKnownAs`, and the moving account's own document (fetched fresh) says
//! `movedTo` the target. A Move that fails a check is refused with the reason and changes
//! nothing; a believed one hands this node's relations over (`transfer`).
use super::{refetch, rules, transfer};
use crate::{
    AppState, db,
    db::entity::actor,
    error::{AppError, AppResult},
};
use activitypub_federation::config::Data;
use url::Url;

fn refused(why: rules::Forged) -> AppError {
    match why {
        rules::Forged::ActorIsNotObject | rules::Forged::TargetIsOrigin => {
            AppError::BadRequest(why.to_string())
        }
        _ => AppError::Forbidden(why.to_string()),
    }
}

/// The Move's target: a local account from the database, a remote one fetched now.
async fn fresh_target(data: &Data<AppState>, target: &Url) -> AppResult<actor::Model> {
    if data.urls.is_local(target) {
        let name = data.urls.parse_actor(target.as_str()).ok_or_else(|| {
            AppError::BadRequest("the Move's target is not an account here".into())
        })?;
        return db::actors::find_local(&data.db.read, &name)
            .await?
            .ok_or_else(|| {
                AppError::BadRequest("the Move's target is not an account here".into())
            });
    }
    refetch(data, target.as_str())
        .await
        .map_err(|e| AppError::BadRequest(format!("cannot fetch the Move's target {target}: {e}")))
}

/// Applies `Move {actor, object, target}` (already authenticated: `actor` signed it).
pub async fn receive_move(
    data: &Data<AppState>,
    actor: &Url,
    object: &Url,
    target: &Url,
) -> AppResult<()> {
    rules::check_move_shape(actor.as_str(), object.as_str(), target.as_str()).map_err(refused)?;
    if data.urls.is_local(object) {
        return Err(AppError::BadRequest(
            "an account of this server cannot be moved from outside".into(),
        ));
    }
    let target = fresh_target(data, target).await?;
    if !rules::lists_alias(&target, object.as_str()) {
        return Err(refused(rules::Forged::TargetDoesNotListOrigin));
    }
    let origin = refetch(data, object.as_str())
        .await
        .map_err(|e| AppError::BadRequest(format!("cannot fetch the moving account: {e}")))?;
    rules::check_move_documents(&origin, &target).map_err(refused)?;
    tracing::info!(from = %origin.ap_id, to = %target.ap_id, "an account moved");
    transfer::hand_over(data, &origin, &target).await
}
