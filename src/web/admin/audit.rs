//! `GET /admin/audit`: the audit log, newest first, paged with `?max_id=` — who (a staff
//! member, or the CLI), what, on what, the note, when.
use super::{Level, allowed, render};
use crate::{
    db,
    error::AppResult,
    service::moderation::audit,
    web::{i18n, page::Page, timelines::Paging},
};
use axum::{extract::Query, response::Response};
use minijinja::{Value, context};

const PAGE: u64 = 50;

/// `GET /admin/audit`.
pub async fn log(page: Page, Query(paging): Query<Paging>) -> AppResult<Response> {
    let me = match allowed(&page, Level::Staff) {
        Ok(me) => me,
        Err(refused) => return Ok(refused),
    };
    let max_id = paging.max_id.as_deref().and_then(|m| m.parse().ok());
    let rows = audit::page(&page.data, max_id, PAGE).await?;
    let actor_ids: Vec<i64> = rows.iter().filter_map(|r| r.actor_id).collect();
    let actors = db::views::actors_by_ids(&page.data.db.read, &actor_ids).await?;
    let entries: Vec<Value> = rows
        .iter()
        .map(|r| {
            context! {
                by => r.actor_id.and_then(|id| actors.get(&id)).map(|a| a.username.clone()),
                action => r.action.clone(),
                target => format!("{} {}", r.target_kind, r.target_id),
                target_kind => r.target_kind.clone(),
                target_id => r.target_id.clone(),
                note => r.note.clone(),
                at => i18n::format_datetime(page.lang, &r.created_at),
                at_iso => r.created_at.to_rfc3339(),
            }
        })
        .collect();
    let next = (rows.len() as u64 >= PAGE)
        .then(|| rows.last().map(|r| format!("/admin/audit?max_id={}", r.id)))
        .flatten();
    render(
        &page,
        &me,
        "pages/admin/audit.html",
        "audit",
        context! { entries, next },
    )
}
