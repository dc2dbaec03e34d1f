//! `ScheduledStatus`: a status waiting to be published, with its create parameters and the
//! attachments it will carry.
use super::{datetime, media};
use crate::{
    AppState, db, db::entity::scheduled_status, error::AppResult,
    service::scheduled::ScheduledParams,
};
use activitypub_federation::config::Data;
use serde::Serialize;
use serde_json::{Value, json};

/// Mastodon's ScheduledStatus entity.
#[derive(Debug, Clone, Serialize)]
pub struct ScheduledStatus {
    pub id: String,
    pub scheduled_at: String,
    pub params: Value,
    pub media_attachments: Vec<media::MediaAttachment>,
}

/// The `params` object as Mastodon shows it (ids as strings, unset values `null`).
pub fn params_json(p: &ScheduledParams) -> Value {
    json!({
        "text": p.text,
        "poll": p.poll.as_ref().map(|poll| json!({
            "options": poll.options,
            "expires_in": poll.expires_in,
            "multiple": poll.multiple,
            "hide_totals": poll.hide_totals,
        })),
        "media_ids": (!p.media_ids.is_empty())
            .then(|| p.media_ids.iter().map(i64::to_string).collect::<Vec<_>>()),
        "sensitive": p.sensitive,
        "spoiler_text": p.spoiler_text,
        "visibility": p.visibility,
        "language": p.language,
        "in_reply_to_id": p.in_reply_to_id.map(|id| id.to_string()),
        "application_id": p.application_id.map(|id| id.to_string()),
        "scheduled_at": null,
        "idempotency": null,
        "with_rate_limit": false,
    })
}

/// Builds the entity (its attachments read by id).
pub async fn scheduled_status(
    data: &Data<AppState>,
    row: &scheduled_status::Model,
) -> AppResult<ScheduledStatus> {
    let params = ScheduledParams::of(row);
    let by_id = db::posts::media_by_ids(&data.db.read, &params.media_ids).await?;
    let media_attachments = params
        .media_ids
        .iter()
        .filter_map(|id| by_id.get(id))
        .map(|m| media::build(data, m))
        .collect();
    Ok(ScheduledStatus {
        id: row.id.to_string(),
        scheduled_at: datetime(&row.scheduled_at),
        params: params_json(&params),
        media_attachments,
    })
}

/// Builds several.
pub async fn scheduled_statuses(
    data: &Data<AppState>,
    rows: &[scheduled_status::Model],
) -> AppResult<Vec<ScheduledStatus>> {
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        out.push(scheduled_status(data, row).await?);
    }
    Ok(out)
}
