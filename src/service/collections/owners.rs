//! Who acts for a collection: its owner is an actor — a person, or a circle (a local `Group`)
//! whose moderators manage it. Every change to a local collection goes through [`managed`],
//! which answers the collection and the actor its activities are sent as (the circle for a
//! circle's collection, so they are attributed to the Group on the wire).
use super::Visibility;
use crate::{
    AppState, db,
    db::entity::{actor, collection},
    error::{AppError, AppResult},
};
use activitypub_federation::config::Data;
use sea_orm::ConnectionTrait;

/// A local collection someone may change, with the actor that owns it.
#[derive(Debug, Clone)]
pub struct Managed {
    pub collection: collection::Model,
    /// The owner: `user` itself, or the circle `user` moderates.
    pub owner: actor::Model,
}

/// Whether `user_id` manages the collections of `owner`: it is the owner, or a moderator of
/// the local circle `owner` is.
pub async fn manages(
    db: &impl ConnectionTrait,
    owner: &actor::Model,
    user_id: i64,
) -> AppResult<bool> {
    if owner.id == user_id {
        return Ok(true);
    }
    if !owner.local || owner.kind != "Group" {
        return Ok(false);
    }
    Ok(db::circles::find(db, owner.id)
        .await?
        .is_some_and(|c| c.is_moderator(user_id)))
}

/// Whether `viewer` manages collection `c` (sees everything in it, may change it).
pub async fn is_manager(
    db: &impl ConnectionTrait,
    c: &collection::Model,
    viewer: Option<i64>,
) -> AppResult<bool> {
    let Some(viewer) = viewer else {
        return Ok(false);
    };
    if viewer == c.owner_id {
        return Ok(true);
    }
    if !c.local {
        return Ok(false);
    }
    let owner = db::actors::get_by_id(db, c.owner_id).await?;
    manages(db, &owner, viewer).await
}

/// The live local collection `id` that `user` may change (its owner, or a moderator of the
/// circle owning it): 404 when there is none (or it is someone else's private one), 403 when
/// it is someone else's, 410 when it was deleted.
pub async fn managed(
    db: &impl ConnectionTrait,
    user: &actor::Model,
    id: i64,
) -> AppResult<Managed> {
    let existing = db::collections::get(db, id).await?;
    let owner = if existing.owner_id == user.id {
        user.clone()
    } else {
        db::actors::get_by_id(db, existing.owner_id).await?
    };
    if !existing.local || !manages(db, &owner, user.id).await? {
        if Visibility::of(&existing) == Visibility::Private {
            return Err(AppError::not_found("collection not found"));
        }
        return Err(AppError::Forbidden(
            "only its owner (or, for a circle's collection, the circle's moderators) can change \
             this collection"
                .into(),
        ));
    }
    if existing.deleted_at.is_some() {
        return Err(AppError::Gone("this collection was deleted".into()));
    }
    Ok(Managed {
        collection: existing,
        owner,
    })
}

/// [`managed`], the collection only.
pub async fn own_collection(
    db: &impl ConnectionTrait,
    user: &actor::Model,
    id: i64,
) -> AppResult<collection::Model> {
    Ok(managed(db, user, id).await?.collection)
}

/// The owner a new collection of `user` gets: `user`, or with `circle_id` that local circle,
/// which `user` must moderate (403 otherwise, 404 for no such circle). A circle's collection
/// cannot be private (it is the circle's, not one moderator's).
pub async fn owner_for_new(
    data: &Data<AppState>,
    user: &actor::Model,
    circle_id: Option<i64>,
    visibility: Option<&str>,
) -> AppResult<actor::Model> {
    let Some(circle_id) = circle_id else {
        return Ok(user.clone());
    };
    let (group, _) = crate::service::circles::moderated_by(data, circle_id, user).await?;
    if visibility.map(str::trim) == Some(Visibility::Private.as_str()) {
        return Err(AppError::Invalid(
            "visibility: a circle's collection is public or approval, not private".into(),
        ));
    }
    Ok(group)
}

/// Records a PLN notification for whoever manages collection `c` of `owner`: the owner, or
/// every moderator of the circle owning it.
pub async fn notify_managers(
    db: &impl ConnectionTrait,
    data: &Data<AppState>,
    owner: &actor::Model,
    kind: &str,
    from: i64,
    c: &collection::Model,
) -> AppResult<()> {
    if owner.kind != "Group" {
        return super::notify(db, data, owner, kind, from, c, None).await;
    }
    let Some(circle) = db::circles::find(db, owner.id).await? else {
        return Ok(());
    };
    for id in circle.moderator_ids() {
        if let Ok(moderator) = db::actors::get_by_id(db, id).await {
            super::notify(db, data, &moderator, kind, from, c, None).await?;
        }
    }
    Ok(())
}
