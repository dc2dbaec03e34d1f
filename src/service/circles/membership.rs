//! Membership of circles: joining and leaving (follows of the Group; remote circles get
//! Follow / Undo), members and join requests, a moderator's answer to a request and removal of
//! a member (a remote member's server gets a `Reject` of its Follow).
use super::{get, moderated_by};
use crate::{
    AppState,
    db::{
        self,
        entity::{actor, follow},
        follows::Listing,
        paging::Cursor,
    },
    error::{AppError, AppResult},
    service::follows,
};
use activitypub_federation::config::Data;

/// Whether `actor_id` is an admitted member (an accepted follower) of circle `circle_id`.
pub async fn is_member(data: &Data<AppState>, circle_id: i64, actor_id: i64) -> AppResult<bool> {
    Ok(db::follows::find(&data.db.read, actor_id, circle_id)
        .await?
        .is_some_and(|f| f.accepted))
}

/// Where a member stands with a circle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Membership {
    None,
    Requested,
    Member,
}

impl Membership {
    pub fn as_str(self) -> &'static str {
        match self {
            Membership::None => "none",
            Membership::Requested => "requested",
            Membership::Member => "member",
        }
    }

    fn of(row: Option<&follow::Model>) -> Membership {
        match row {
            Some(f) if f.accepted => Membership::Member,
            Some(_) => Membership::Requested,
            None => Membership::None,
        }
    }
}

/// `viewer`'s membership of circle `circle_id`.
pub async fn membership(
    data: &Data<AppState>,
    circle_id: i64,
    viewer_id: i64,
) -> AppResult<Membership> {
    let row = db::follows::find(&data.db.read, viewer_id, circle_id).await?;
    Ok(Membership::of(row.as_ref()))
}

/// Local `member` joins a circle: a public local circle admits at once, an `approval` one
/// records a join request; a remote circle gets a Follow (and answers with Accept or Reject).
pub async fn join(data: &Data<AppState>, member: &actor::Model, id: i64) -> AppResult<Membership> {
    let view = get(data, id).await?;
    let row = follows::follow(data, member, &view.actor).await?;
    Ok(Membership::of(Some(&row)))
}

/// Local `member` leaves a circle (or withdraws a join request); a remote circle gets an
/// Undo of the Follow. The creator of a local circle cannot leave it.
pub async fn leave(data: &Data<AppState>, member: &actor::Model, id: i64) -> AppResult<()> {
    let view = get(data, id).await?;
    if view
        .circle
        .as_ref()
        .is_some_and(|c| c.creator_id == member.id)
    {
        return Err(AppError::Invalid(
            "the creator of a circle cannot leave it".into(),
        ));
    }
    follows::unfollow(data, member, &view.actor).await
}

/// A page of a circle's members (`Listing::Followers`) or, for its moderators, join requests
/// (`Listing::Requests`): `(follow id, account)`, newest first.
pub async fn people(
    data: &Data<AppState>,
    viewer: Option<&actor::Model>,
    id: i64,
    listing: Listing,
    cursor: Cursor,
) -> AppResult<Vec<(i64, actor::Model)>> {
    let view = get(data, id).await?;
    if listing == Listing::Requests {
        let Some(viewer) = viewer else {
            return Err(AppError::Forbidden(
                "only a moderator of this circle can see its join requests".into(),
            ));
        };
        moderated_by(data, id, viewer).await?;
    }
    db::follows::list_page(&data.db.read, view.actor.id, listing, cursor).await
}

/// A moderator admits `account_id`'s join request (a remote member's server gets an Accept).
pub async fn authorize(
    data: &Data<AppState>,
    moderator: &actor::Model,
    id: i64,
    account_id: i64,
) -> AppResult<()> {
    let (group, _) = moderated_by(data, id, moderator).await?;
    follows::authorize_request(data, &group, account_id).await
}

/// A moderator refuses `account_id`'s join request (a remote member's server gets a Reject).
pub async fn reject(
    data: &Data<AppState>,
    moderator: &actor::Model,
    id: i64,
    account_id: i64,
) -> AppResult<()> {
    let (group, _) = moderated_by(data, id, moderator).await?;
    follows::reject_request(data, &group, account_id).await
}

/// A moderator removes member `account_id` (not the creator); a remote member's server gets a
/// `Reject` of its Follow, which ends the membership there too.
pub async fn remove_member(
    data: &Data<AppState>,
    moderator: &actor::Model,
    id: i64,
    account_id: i64,
) -> AppResult<()> {
    let (group, circle) = moderated_by(data, id, moderator).await?;
    if account_id == circle.creator_id {
        return Err(AppError::Invalid(
            "the creator of a circle cannot be removed from it".into(),
        ));
    }
    if !is_member(data, group.id, account_id).await? {
        return Err(AppError::not_found("that account is not a member"));
    }
    let member = db::actors::get_by_id(&data.db.read, account_id).await?;
    follows::remove_follower(data, &group, &member).await?;
    if circle.is_moderator(account_id) {
        let rest: Vec<i64> = circle
            .moderator_ids()
            .into_iter()
            .filter(|m| *m != account_id)
            .collect();
        let rules = circle.rules.clone();
        db::circles::update(&data.db.write, circle, &rest, rules).await?;
    }
    Ok(())
}
