//! Rendering an event for one connection: which of its subscriptions the event reaches (home
//! feed membership, the list's members and replies policy, visibility, hashtags, direct
//! recipients), then the Status or Notification JSON as that viewer sees it, with its mutes,
//! blocks and filters.
use super::subs::Sub;
use crate::{
    AppState,
    api::mastodon::{entities::notification, entities::status, timelines::apply_filters},
    db::{self, paging::Cursor},
    error::AppResult,
    service::events::{Event, EventKind},
};
use activitypub_federation::config::Data;
use serde_json::json;
use std::{collections::HashMap, time::Duration};

/// One frame to send: the stream array, the event name and the payload string.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub stream: Vec<String>,
    pub event: &'static str,
    pub payload: String,
}

impl Outgoing {
    pub(super) fn frame(&self) -> String {
        json!({"stream": self.stream, "event": self.event, "payload": self.payload}).to_string()
    }
}

/// Loads a post, once more after a short wait if it is not visible yet (an event flushed
/// before its transaction committed).
async fn load_post(
    data: &Data<AppState>,
    id: i64,
) -> AppResult<Option<crate::db::entity::post::Model>> {
    for attempt in 0..2 {
        if let Some(p) = db::views::posts_by_ids(&data.db.read, &[id])
            .await?
            .remove(&id)
        {
            return Ok(Some(p));
        }
        if attempt == 0 {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    Ok(None)
}

/// Whether `owner`'s list `list_id` shows post `post_id` now: the list timeline's own query
/// (the owner's home feed, the list's members, its replies policy) over just that id, so the
/// stream and `GET /api/v1/timelines/list/:id` always agree.
async fn list_shows(
    data: &Data<AppState>,
    owner: i64,
    list_id: i64,
    post_id: i64,
) -> AppResult<bool> {
    let Some(list) = db::lists::find(&data.db.read, list_id)
        .await?
        .filter(|l| l.owner_id == owner)
    else {
        return Ok(false);
    };
    let only_this_post = Cursor {
        max_id: Some(post_id.saturating_add(1)),
        since_id: Some(post_id.saturating_sub(1)),
        min_id: None,
        limit: 1,
    };
    let page = db::timelines::list_page(
        &data.db.read,
        owner,
        list.id,
        &list.replies_policy,
        only_this_post,
        &[],
    )
    .await?;
    Ok(!page.is_empty())
}

/// The frames `event` gives a connection with `viewer` and `subs`.
pub async fn render(
    data: &Data<AppState>,
    viewer: Option<i64>,
    subs: &[Sub],
    event: &Event,
) -> AppResult<Vec<Outgoing>> {
    let mut out = Vec::new();
    if subs.is_empty() {
        return Ok(out);
    }
    match event.kind {
        EventKind::Notification => {
            let Some(viewer) = viewer.filter(|v| Some(*v) == event.recipient) else {
                return Ok(out);
            };
            let wanted: Vec<&Sub> = subs
                .iter()
                .filter(|s| matches!(s, Sub::User | Sub::UserNotification))
                .collect();
            if wanted.is_empty() {
                return Ok(out);
            }
            let mut row = db::notifications::get(&data.db.read, viewer, event.id).await?;
            if row.is_none() {
                tokio::time::sleep(Duration::from_millis(50)).await;
                row = db::notifications::get(&data.db.read, viewer, event.id).await?;
            }
            let Some(row) = row else { return Ok(out) };
            let Some(entity) = notification::notifications(data, viewer, &[row])
                .await?
                .into_iter()
                .next()
            else {
                return Ok(out);
            };
            let payload = serde_json::to_string(&entity).map_err(anyhow::Error::from)?;
            for sub in wanted {
                out.push(Outgoing {
                    stream: sub.names(),
                    event: "notification",
                    payload: payload.clone(),
                });
            }
        }
        EventKind::Delete => {
            for sub in subs.iter().filter(|s| !matches!(s, Sub::UserNotification)) {
                out.push(Outgoing {
                    stream: sub.names(),
                    event: "delete",
                    payload: event.id.to_string(),
                });
            }
        }
        EventKind::Update | EventKind::StatusUpdate => {
            let mut matched: Vec<(&Sub, &'static str)> = Vec::new();
            let mut in_home: Option<bool> = None;
            for sub in subs {
                let hit = match sub {
                    Sub::User => {
                        let Some(v) = viewer.filter(|_| event.home) else {
                            continue;
                        };
                        if in_home.is_none() {
                            in_home =
                                Some(db::timelines::in_feed(&data.db.read, v, event.id).await?);
                        }
                        in_home == Some(true)
                    }
                    Sub::List(list) => {
                        let Some(v) = viewer.filter(|_| event.home) else {
                            continue;
                        };
                        list_shows(data, v, *list, event.id).await?
                    }
                    Sub::Public { local, media } => {
                        event.public
                            && local.is_none_or(|l| l == event.local)
                            && (!media || event.media)
                    }
                    Sub::Hashtag { tag, local } => {
                        event.tags.contains(tag) && (!local || event.local)
                    }
                    Sub::Direct => viewer.is_some_and(|v| event.direct_to.contains(&v)),
                    Sub::UserNotification => false,
                };
                if hit {
                    let context = match sub {
                        Sub::Public { .. } | Sub::Hashtag { .. } => "public",
                        _ => "home",
                    };
                    matched.push((sub, context));
                }
            }
            if matched.is_empty() {
                return Ok(out);
            }
            let Some(post) = load_post(data, event.id).await? else {
                return Ok(out);
            };
            if post.deleted_at.is_some() {
                return Ok(out);
            }
            if let Some(v) = viewer {
                let excluded = db::timelines::excluded_authors(&data.db.read, v).await?;
                let mut authors = vec![post.author_id];
                if let Some(original) = post.reblog_of_id
                    && let Some(o) = load_post(data, original).await?
                {
                    authors.push(o.author_id);
                }
                if authors.iter().any(|a| excluded.contains(a)) {
                    return Ok(out);
                }
            }
            let mut rendered: HashMap<&'static str, Option<String>> = HashMap::new();
            for (sub, context) in matched {
                if !rendered.contains_key(context) {
                    let mut statuses = status::statuses(data, viewer, vec![post.clone()]).await?;
                    apply_filters(data, viewer, context, &mut statuses).await?;
                    let payload = match statuses.first() {
                        Some(s) => Some(serde_json::to_string(s).map_err(anyhow::Error::from)?),
                        None => None,
                    };
                    rendered.insert(context, payload);
                }
                if let Some(Some(payload)) = rendered.get(context) {
                    out.push(Outgoing {
                        stream: sub.names(),
                        event: event.kind.name(),
                        payload: payload.clone(),
                    });
                }
            }
        }
    }
    Ok(out)
}
