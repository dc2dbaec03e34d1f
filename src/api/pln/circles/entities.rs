//! The JSON shape of a circle in the PLN API: its account (the `Group` as Mastodon clients
//! see it), facets, visibility, moderators and counts, and the viewer's membership.
use crate::{
    AppState,
    api::mastodon::entities::{Account, account, datetime},
    db::{self, entity::actor},
    error::AppResult,
    service::circles::{self, CircleView},
};
use activitypub_federation::config::Data;
use serde::Serialize;

/// A circle.
#[derive(Debug, Clone, Serialize)]
pub struct Circle {
    /// The circle's account id (follow it, mention it, post to it).
    pub id: String,
    /// `name@host` (the WebFinger handle; Lemmy-style `!name@host` works too).
    pub acct: String,
    pub name: String,
    pub display_name: String,
    /// Sanitised HTML.
    pub description: String,
    pub url: String,
    pub subjects: Vec<String>,
    pub levels: Vec<String>,
    pub languages: Vec<String>,
    pub region: Option<String>,
    /// `public` or `approval`.
    pub visibility: String,
    /// Local circles: the rules; remote: empty.
    pub rules: String,
    /// Whether this node runs it (moderation happens on the circle's own node).
    pub local: bool,
    /// Local circles only: moderator account ids, creator first.
    pub moderators: Vec<String>,
    pub created_by: Option<String>,
    pub members_count: u64,
    /// The viewer's membership: `none`, `requested` or `member` (`none` when signed out).
    pub membership: String,
    pub created_at: String,
    pub account: Account,
}

/// One circle for `viewer`.
pub async fn circle(
    data: &Data<AppState>,
    viewer: Option<&actor::Model>,
    view: CircleView,
) -> AppResult<Circle> {
    let CircleView { actor, circle } = view;
    let membership = match viewer {
        Some(v) => circles::membership(data, actor.id, v.id).await?,
        None => circles::Membership::None,
    };
    let members_count = db::follows::count_accepted(&data.db.read, actor.id, true).await?;
    let acct = if actor.local {
        actor.username.clone()
    } else {
        actor.handle()
    };
    Ok(Circle {
        id: actor.id.to_string(),
        acct,
        name: actor.username.clone(),
        display_name: actor.display_name.clone(),
        description: actor.summary.clone(),
        url: actor.url.clone().unwrap_or_else(|| actor.ap_id.clone()),
        subjects: actor::Model::facet_list(&actor.subjects),
        levels: actor::Model::facet_list(&actor.levels),
        languages: actor::Model::facet_list(&actor.languages),
        region: actor.region.clone(),
        visibility: match &circle {
            Some(c) => c.visibility.clone(),
            None if actor.manually_approves_followers => "approval".into(),
            None => "public".into(),
        },
        rules: circle.as_ref().map(|c| c.rules.clone()).unwrap_or_default(),
        local: actor.local,
        moderators: circle
            .as_ref()
            .map(|c| c.moderator_ids().iter().map(i64::to_string).collect())
            .unwrap_or_default(),
        created_by: circle.as_ref().map(|c| c.creator_id.to_string()),
        members_count,
        membership: membership.as_str().into(),
        created_at: datetime(&actor.created_at),
        account: account::account(data, &actor).await?,
    })
}

/// Several circles for `viewer`, in order.
pub async fn circles(
    data: &Data<AppState>,
    viewer: Option<&actor::Model>,
    views: Vec<CircleView>,
) -> AppResult<Vec<Circle>> {
    let mut out = Vec::with_capacity(views.len());
    for view in views {
        out.push(circle(data, viewer, view).await?);
    }
    Ok(out)
}
