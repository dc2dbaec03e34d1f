//! `GET /admin`: the dashboard, the same aggregates as `/api/v1/pln/admin/dashboard` and
//! `/metrics` (no personal data), with the counts of what waits for staff.
use super::{Level, allowed, render};
use crate::{
    db::{admin_accounts::AccountFilter, reports::ReportFilter},
    error::AppResult,
    service::{dashboard, moderation::Moderator},
    web::page::Page,
};
use axum::response::Response;
use minijinja::{Value, context, value::Serde};

/// `GET /admin`.
pub async fn dashboard(page: Page) -> AppResult<Response> {
    let me = match allowed(&page, Level::Staff) {
        Ok(me) => me,
        Err(refused) => return Ok(refused),
    };
    let figures = dashboard::figures(&page.data).await?;
    let by = Moderator::Staff(&me.user);
    let pending = crate::service::moderation::accounts::list(
        &page.data,
        by,
        &AccountFilter {
            local: Some(true),
            status: Some("pending".into()),
            limit: 200,
            ..AccountFilter::default()
        },
    )
    .await?
    .len();
    let open_reports = crate::service::moderation::reports::list(
        &page.data,
        by,
        &ReportFilter {
            resolved: Some(false),
            limit: 200,
            ..ReportFilter::default()
        },
    )
    .await?
    .len();
    let deliveries: Vec<Value> = figures
        .deliveries_by_state
        .iter()
        .map(|(state, n)| context! { state, count => *n })
        .collect();
    let nodes: Vec<Value> = figures
        .totals
        .nodes_by_kind
        .iter()
        .map(|(kind, n)| context! { kind, count => *n })
        .collect();
    render(
        &page,
        &me,
        "pages/admin/dashboard.html",
        "dashboard",
        context! {
            d => Value::from(Serde(&figures)),
            deliveries, nodes, pending, open_reports,
        },
    )
}
