//! The report queue (`/admin/reports`, `?resolved=1` for the closed ones) and one report's page:
//! who reported whom and why, the reported posts, the target's earlier reports; actions —
//! dismiss, delete the posts, limit, suspend — with a note for staff and an optional message to
//! the reported user; assign to oneself, reopen, and forward to the remote account's server.
use super::{Flash, Level, allowed, allowed_form, finish, render};
use crate::{
    api::form::{ApiForm, de},
    db::{self, entity::report, reports::ReportFilter},
    error::AppResult,
    service::moderation::{
        Moderator,
        reports::{self as queue, ReportAction},
    },
    web::{i18n, page::Page, timelines},
};
use axum::{
    extract::{Path, Query},
    response::Response,
};
use minijinja::{Value, context};
use serde::Deserialize;

const PAGE: u64 = 50;

/// `?resolved=1` lists the resolved reports.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    resolved: Option<String>,
    #[serde(default)]
    max_id: Option<String>,
}

/// The reports as the list shows them (reporter and target handles).
async fn rows_of(page: &Page, rows: &[report::Model]) -> AppResult<Vec<Value>> {
    let ids: Vec<i64> = rows
        .iter()
        .flat_map(|r| [r.reporter_id, r.target_id])
        .chain(rows.iter().filter_map(|r| r.assigned_id))
        .collect();
    let actors = db::views::actors_by_ids(&page.data.db.read, &ids).await?;
    let handle = |id: i64| actors.get(&id).map(|a| a.handle()).unwrap_or_default();
    Ok(rows
        .iter()
        .map(|r| {
            let status_count = serde_json::from_str::<Vec<i64>>(&r.status_ids)
                .map(|v| v.len())
                .unwrap_or(0);
            context! {
                id => r.id.to_string(),
                reporter => handle(r.reporter_id),
                target => handle(r.target_id),
                target_id => r.target_id.to_string(),
                target_local => actors.get(&r.target_id).is_some_and(|a| a.local),
                assigned => r.assigned_id.map(handle),
                comment => r.comment.clone(),
                category => r.category.clone(),
                status_count,
                forwarded => r.forwarded,
                remote_report => !actors.get(&r.reporter_id).is_some_and(|a| a.local),
                resolved => r.action_taken_at.is_some(),
                at => i18n::format_datetime(page.lang, &r.created_at),
            }
        })
        .collect())
}

/// `GET /admin/reports`.
pub async fn list(page: Page, Query(q): Query<ListQuery>) -> AppResult<Response> {
    let me = match allowed(&page, Level::Staff) {
        Ok(me) => me,
        Err(refused) => return Ok(refused),
    };
    let resolved = q
        .resolved
        .as_deref()
        .is_some_and(|r| r == "1" || r == "true");
    let rows = queue::list(
        &page.data,
        Moderator::Staff(&me.user),
        &ReportFilter {
            resolved: Some(resolved),
            max_id: q.max_id.as_deref().and_then(|m| m.parse().ok()),
            limit: PAGE,
            ..ReportFilter::default()
        },
    )
    .await?;
    let next = (rows.len() as u64 >= PAGE)
        .then(|| {
            rows.last().map(|r| {
                format!(
                    "/admin/reports?resolved={}&max_id={}",
                    u8::from(resolved),
                    r.id
                )
            })
        })
        .flatten();
    let reports = rows_of(&page, &rows).await?;
    render(
        &page,
        &me,
        "pages/admin/reports.html",
        "reports",
        context! { reports, resolved, next },
    )
}

/// `GET /admin/reports/{id}`.
pub async fn show(
    page: Page,
    Path(id): Path<i64>,
    Query(flash): Query<Flash>,
) -> AppResult<Response> {
    let me = match allowed(&page, Level::Staff) {
        Ok(me) => me,
        Err(refused) => return Ok(refused),
    };
    let row = match queue::get(&page.data, Moderator::Staff(&me.user), id).await {
        Ok(row) => row,
        Err(e) => return Ok(page.error(e.status(), &e.to_string())),
    };
    let report = rows_of(&page, std::slice::from_ref(&row))
        .await?
        .pop()
        .unwrap_or_default();
    let status_ids: Vec<i64> = serde_json::from_str(&row.status_ids).unwrap_or_default();
    let posts: Vec<_> = db::views::posts_by_ids(&page.data.db.read, &status_ids)
        .await?
        .into_values()
        .filter(|p| p.deleted_at.is_none() && p.author_id == row.target_id)
        .collect();
    let statuses = timelines::statuses(&page, posts).await?;
    // Named posts that are no longer here (deleted by their author or by staff).
    let gone_posts = status_ids.len().saturating_sub(statuses.len());
    let earlier = db::reports::against(&page.data.db.read, row.target_id)
        .await?
        .into_iter()
        .filter(|r| r.id != row.id)
        .count();
    render(
        &page,
        &me,
        "pages/admin/report.html",
        "reports",
        context! {
            report, statuses, earlier,
            gone_posts,
            done => flash.done.is_some(),
        },
    )
}

/// The fields of the report forms.
#[derive(Debug, Default, Deserialize)]
pub struct ReportForm {
    #[serde(default, deserialize_with = "de::opt_string")]
    csrf: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    action: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    note: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    message: Option<String>,
    /// `assign`: "1" to take it, else to let it go.
    #[serde(default, deserialize_with = "de::opt_string")]
    to_self: Option<String>,
}

/// `POST /admin/reports/{id}/resolve` (`action`, `note`, `message`).
pub async fn resolve(
    page: Page,
    Path(id): Path<i64>,
    form: ApiForm<ReportForm>,
) -> AppResult<Response> {
    let f = form.params;
    let me = match allowed_form(&page, Level::Staff, f.csrf.as_deref()) {
        Ok(me) => me,
        Err(refused) => return Ok(refused),
    };
    let result = match ReportAction::parse(f.action.as_deref().unwrap_or("dismiss")) {
        Ok(action) => {
            queue::resolve(
                &page.data,
                Moderator::Staff(&me.user),
                id,
                action,
                f.note.as_deref().unwrap_or_default(),
                f.message.as_deref(),
            )
            .await
        }
        Err(e) => Err(e),
    };
    finish(&page, result, &format!("/admin/reports/{id}"))
}

/// `POST /admin/reports/{id}/reopen`.
pub async fn reopen(
    page: Page,
    Path(id): Path<i64>,
    form: ApiForm<ReportForm>,
) -> AppResult<Response> {
    let f = form.params;
    let me = match allowed_form(&page, Level::Staff, f.csrf.as_deref()) {
        Ok(me) => me,
        Err(refused) => return Ok(refused),
    };
    let result = queue::reopen(&page.data, Moderator::Staff(&me.user), id).await;
    finish(&page, result, &format!("/admin/reports/{id}"))
}

/// `POST /admin/reports/{id}/assign` (`to_self=1` takes it, otherwise lets it go).
pub async fn assign(
    page: Page,
    Path(id): Path<i64>,
    form: ApiForm<ReportForm>,
) -> AppResult<Response> {
    let f = form.params;
    let me = match allowed_form(&page, Level::Staff, f.csrf.as_deref()) {
        Ok(me) => me,
        Err(refused) => return Ok(refused),
    };
    let to_self = f.to_self.as_deref() == Some("1");
    let result = queue::assign(&page.data, Moderator::Staff(&me.user), id, to_self).await;
    finish(&page, result, &format!("/admin/reports/{id}"))
}

/// `POST /admin/reports/{id}/forward`: a `Flag` to the reported account's server.
pub async fn forward(
    page: Page,
    Path(id): Path<i64>,
    form: ApiForm<ReportForm>,
) -> AppResult<Response> {
    let f = form.params;
    let me = match allowed_form(&page, Level::Staff, f.csrf.as_deref()) {
        Ok(me) => me,
        Err(refused) => return Ok(refused),
    };
    let result = queue::forward(&page.data, Moderator::Staff(&me.user), id).await;
    finish(&page, result, &format!("/admin/reports/{id}"))
}
