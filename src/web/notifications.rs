//! The notifications page of the signed-in user, newest first, paged with `?max_id=`, grouped
//! as the grouped API groups them (likes and boosts of one post, follows: "Amina and 4 others
//! liked your post", one entry for a burst a phone would scroll through); each says who did
//! what (translated) and shows the post it is about, or the moderators' message for a
//! `moderation_warning`.
use super::{page::Page, timelines::Paging};
use crate::{
    api::mastodon::entities::{notification, notification_group},
    db::{
        self,
        notifications::{GROUPED_KINDS, NotificationFilter},
    },
    error::AppResult,
};
use axum::{extract::Query, response::Response};
use minijinja::{Value, context, value::Serde};

/// The translation key of a notification kind (kinds without their own text share one).
fn kind_key(kind: &str) -> &'static str {
    match kind {
        "follow" => "notif-follow",
        "follow_request" => "notif-follow-request",
        "favourite" => "notif-favourite",
        "reblog" => "notif-reblog",
        "mention" => "notif-mention",
        "status" => "notif-status",
        "update" => "notif-update",
        "poll" => "notif-poll",
        "moderation_warning" => "notif-moderation-warning",
        "move" => "notif-move",
        _ => "notif-other",
    }
}

/// `GET /notifications`.
pub async fn notifications(page: Page, Query(paging): Query<Paging>) -> AppResult<Response> {
    let me = match page.me() {
        Ok(me) => me.clone(),
        Err(to_login) => return Ok(to_login),
    };
    let grouped = GROUPED_KINDS.map(String::from).to_vec();
    let cursor = paging.cursor();
    let rows = db::notifications::group_page_rows(
        &page.data.db.read,
        me.actor.id,
        &NotificationFilter::default(),
        cursor,
        |r| notification_group::page_key(r, &grouped),
    )
    .await?;
    let groups = notification_group::groups(&rows, &grouped);
    let next = (groups.len() as u64 >= cursor.limit)
        .then(|| {
            rows.last()
                .map(|r| format!("/notifications?max_id={}", r.id))
        })
        .flatten();
    let latest_rows: Vec<_> = groups.iter().map(|g| g.latest().clone()).collect();
    let latest = notification::notifications(&page.data, me.actor.id, &latest_rows).await?;
    let notifications: Vec<Value> = groups
        .iter()
        .filter_map(|g| {
            let n = latest.iter().find(|n| n.id == g.latest().id.to_string())?;
            let mut people: Vec<i64> = g.rows.iter().map(|r| r.from_actor_id).collect();
            people.sort_unstable();
            people.dedup();
            Some(context! {
                kind => kind_key(&n.kind).trim_start_matches("notif-"),
                account => Value::from(Serde(&n.account)),
                others => people.len() - 1,
                status => n.status.as_ref().map(|s| Value::from(Serde(s))),
                warning => n.moderation_warning.as_ref().map(|w| context! {
                    action => w.action.clone(),
                    text => w.text.clone(),
                }),
                target => n.target.as_ref().map(|t| Value::from(Serde(t))),
                created_at => n.created_at.clone(),
            })
        })
        .collect();
    page.render("pages/notifications.html", context! { notifications, next })
}
