//! The notifications page of the signed-in user, newest first, paged with `?max_id=`; each
//! says who did what (translated) and shows the post it is about, or the moderators' message
//! for a `moderation_warning`.
use super::{
    page::Page,
    timelines::{Paging, next_link},
};
use crate::{
    api::mastodon::entities::notification,
    db::{self, notifications::NotificationFilter},
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
    let rows = db::notifications::page(
        &page.data.db.read,
        me.actor.id,
        &NotificationFilter::default(),
        paging.cursor(),
    )
    .await?;
    let next = next_link("/notifications", &rows, |n| n.id);
    let list = notification::notifications(&page.data, me.actor.id, &rows).await?;
    let notifications: Vec<Value> = list
        .iter()
        .map(|n| {
            context! {
                kind => kind_key(&n.kind).trim_start_matches("notif-"),
                account => Value::from(Serde(&n.account)),
                status => n.status.as_ref().map(|s| Value::from(Serde(s))),
                warning => n.moderation_warning.as_ref().map(|w| context! {
                    action => w.action.clone(),
                    text => w.text.clone(),
                }),
                target => n.target.as_ref().map(|t| Value::from(Serde(t))),
                created_at => n.created_at.clone(),
            }
        })
        .collect();
    page.render("pages/notifications.html", context! { notifications, next })
}
