//! Reports: `POST /api/v1/reports` (forward = also send a `Flag` to the account's server) and
//! the Report entity.
use crate::{
    AppState,
    api::{
        auth::Auth,
        form::{ApiForm, de},
        mastodon::entities::{Account, account, datetime, opt_datetime},
    },
    db::entity::{actor, report},
    error::{AppError, AppResult},
    service::reports::{self, NewReport},
};
use activitypub_federation::config::Data;
use axum::{Json, Router, routing::post};
use serde::{Deserialize, Serialize};

/// Report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub id: String,
    pub action_taken: bool,
    pub action_taken_at: Option<String>,
    pub category: String,
    pub comment: String,
    pub forwarded: bool,
    pub created_at: String,
    pub status_ids: Option<Vec<String>>,
    pub rule_ids: Option<Vec<String>>,
    pub target_account: Account,
}

/// The Report entity.
pub async fn entity(
    data: &Data<AppState>,
    r: &report::Model,
    target: &actor::Model,
) -> AppResult<Report> {
    let status_ids: Vec<i64> = serde_json::from_str(&r.status_ids).unwrap_or_default();
    let rule_ids: Vec<String> = serde_json::from_str(&r.rule_ids).unwrap_or_default();
    Ok(Report {
        id: r.id.to_string(),
        action_taken: r.action_taken_at.is_some(),
        action_taken_at: opt_datetime(&r.action_taken_at),
        category: r.category.clone(),
        comment: r.comment.clone(),
        forwarded: r.forwarded,
        created_at: datetime(&r.created_at),
        status_ids: (!status_ids.is_empty())
            .then(|| status_ids.iter().map(i64::to_string).collect()),
        rule_ids: (!rule_ids.is_empty()).then_some(rule_ids),
        target_account: account::account(data, target).await?,
    })
}

/// The report routes.
pub fn routes() -> Router {
    Router::new().route("/api/v1/reports", post(create))
}

#[derive(Debug, Deserialize)]
struct ReportParams {
    #[serde(default, deserialize_with = "de::opt_i64")]
    account_id: Option<i64>,
    #[serde(default, deserialize_with = "de::vec_i64")]
    status_ids: Vec<i64>,
    #[serde(default, deserialize_with = "de::opt_string")]
    comment: Option<String>,
    #[serde(default, deserialize_with = "de::bool")]
    forward: bool,
    #[serde(default, deserialize_with = "de::opt_string")]
    category: Option<String>,
    #[serde(default, deserialize_with = "de::vec_string")]
    rule_ids: Vec<String>,
}

async fn create(
    data: Data<AppState>,
    auth: Auth,
    form: ApiForm<ReportParams>,
) -> AppResult<Json<Report>> {
    auth.require("write:reports")?;
    let p = form.params;
    let target_id = p
        .account_id
        .ok_or_else(|| AppError::Invalid("account_id can't be blank".into()))?;
    let (row, target) = reports::create(
        &data,
        &auth.actor,
        NewReport {
            target_id,
            status_ids: p.status_ids,
            comment: p.comment.unwrap_or_default(),
            forward: p.forward,
            category: p.category,
            rule_ids: p.rule_ids,
        },
    )
    .await?;
    Ok(Json(entity(&data, &row, &target).await?))
}
