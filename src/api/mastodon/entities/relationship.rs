//! `Relationship`: the viewer's follow/block/mute state, note and endorsement with each
//! account, in one batch.
use crate::{
    AppState,
    db::{self, views::Relations},
    error::AppResult,
};
use activitypub_federation::config::Data;
use serde::Serialize;

/// Mastodon's Relationship entity.
#[derive(Debug, Clone, Serialize)]
pub struct Relationship {
    pub id: String,
    pub following: bool,
    pub showing_reblogs: bool,
    pub notifying: bool,
    pub languages: Option<Vec<String>>,
    pub followed_by: bool,
    pub blocking: bool,
    pub blocked_by: bool,
    pub muting: bool,
    pub muting_notifications: bool,
    pub muting_expires_at: Option<String>,
    pub requested: bool,
    pub requested_by: bool,
    pub domain_blocking: bool,
    pub endorsed: bool,
    pub note: String,
}

/// Builds one from the batch.
pub fn build(rel: &Relations, target: i64) -> Relationship {
    let follow = rel.following.get(&target);
    let mute = rel.muting.get(&target);
    Relationship {
        id: target.to_string(),
        following: follow.is_some_and(|f| f.accepted),
        showing_reblogs: follow.is_none_or(|f| f.show_reblogs),
        notifying: follow.is_some_and(|f| f.notify),
        languages: follow
            .and_then(|f| f.languages.as_deref())
            .and_then(|l| serde_json::from_str(l).ok()),
        followed_by: rel.followed_by.get(&target).copied().unwrap_or(false),
        blocking: rel.blocking.contains(&target),
        blocked_by: rel.blocked_by.contains(&target),
        muting: mute.is_some(),
        muting_notifications: mute.is_some_and(|m| m.hide_notifications),
        muting_expires_at: mute.and_then(|m| super::opt_datetime(&m.expires_at)),
        requested: follow.is_some_and(|f| !f.accepted),
        requested_by: rel
            .followed_by
            .get(&target)
            .is_some_and(|accepted| !accepted),
        domain_blocking: false,
        endorsed: false,
        note: String::new(),
    }
}

/// Relationships of the viewer with each target, in the targets' order.
pub async fn relationships(
    data: &Data<AppState>,
    viewer: i64,
    targets: &[i64],
) -> AppResult<Vec<Relationship>> {
    let rel = db::views::relations(&data.db.read, viewer, targets).await?;
    let notes = db::relationships::notes_on(&data.db.read, viewer, targets).await?;
    let endorsed = db::relationships::endorsed_among(&data.db.read, viewer, targets).await?;
    Ok(targets
        .iter()
        .map(|t| Relationship {
            note: notes.get(t).cloned().unwrap_or_default(),
            endorsed: endorsed.contains(t),
            ..build(&rel, *t)
        })
        .collect())
}

/// The relationship with one account.
pub async fn relationship(
    data: &Data<AppState>,
    viewer: i64,
    target: i64,
) -> AppResult<Relationship> {
    let mut list = relationships(data, viewer, &[target]).await?;
    Ok(list.remove(0))
}
