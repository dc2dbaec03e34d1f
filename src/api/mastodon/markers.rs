//! Reading positions: `GET /api/v1/markers?timeline[]=home&timeline[]=notifications` and
//! `POST /api/v1/markers` (`home[last_read_id]=…`, `notifications[last_read_id]=…`, or JSON);
//! each save bumps the marker's `version`. A timeline without a saved marker answers
//! `last_read_id: "0"`, version 0 (Elk's badge breaks on a missing notifications marker).
use crate::{
    AppState,
    api::{
        auth::Auth,
        form::{ApiForm, ApiQuery, de},
        mastodon::entities::datetime,
    },
    db::{self, entity::marker},
    error::{AppError, AppResult},
};
use activitypub_federation::config::Data;
use axum::{Json, Router, routing::get};
use serde::Deserialize;
use serde_json::{Map, Value, json};

/// The timelines that have markers.
const TIMELINES: [&str; 2] = ["home", "notifications"];

/// The marker routes.
pub fn routes() -> Router {
    Router::new().route("/api/v1/markers", get(show).post(save))
}

#[derive(Debug, Default, Deserialize)]
struct ShowParams {
    #[serde(default, deserialize_with = "de::vec_string")]
    timeline: Vec<String>,
}

fn entity(m: &marker::Model) -> Value {
    json!({
        "last_read_id": m.last_read_id,
        "version": m.version,
        "updated_at": datetime(&m.updated_at),
    })
}

async fn show(
    data: Data<AppState>,
    auth: Auth,
    ApiQuery(params): ApiQuery<ShowParams>,
) -> AppResult<Json<Value>> {
    auth.require("read:statuses")?;
    let wanted: Vec<String> = params
        .timeline
        .into_iter()
        .filter(|t| TIMELINES.contains(&t.as_str()))
        .collect();
    let found = db::notifications::markers(&data.db.read, auth.actor.id, &wanted).await?;
    let mut out = Map::new();
    for timeline in wanted {
        let value = match found.iter().find(|m| m.timeline == timeline) {
            Some(m) => entity(m),
            None => json!({
                "last_read_id": "0",
                "version": 0,
                "updated_at": datetime(&auth.user.created_at),
            }),
        };
        out.insert(timeline, value);
    }
    Ok(Json(Value::Object(out)))
}

async fn save(
    data: Data<AppState>,
    auth: Auth,
    ApiForm { params, .. }: ApiForm<Value>,
) -> AppResult<Json<Value>> {
    auth.require("write:statuses")?;
    let mut out = Map::new();
    for timeline in TIMELINES {
        let Some(last_read_id) = params
            .get(timeline)
            .and_then(|t| t.get("last_read_id"))
            .and_then(|v| match v {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
        else {
            continue;
        };
        if last_read_id.parse::<i64>().is_err() {
            return Err(AppError::Invalid("last_read_id must be an id".into()));
        }
        let m =
            db::notifications::set_marker(&data.db.write, auth.actor.id, timeline, &last_read_id)
                .await?;
        out.insert(timeline.to_string(), entity(&m));
    }
    Ok(Json(Value::Object(out)))
}
