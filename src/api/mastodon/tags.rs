//! Hashtags: `GET /api/v1/tags/:name`, follow/unfollow, `GET /api/v1/followed_tags` (Link paging
//! over followed-tag rows), and the Tag entity with its real 7-day history, built for a whole
//! list of names at once (search and trends use it too).
use crate::{
    AppState,
    api::{
        auth::{Auth, MaybeAuth},
        form::ApiQuery,
        pagination::{PageParams, paged},
    },
    db::{self, entity::followed_tag},
    error::{AppError, AppResult},
};
use activitypub_federation::config::Data;
use axum::{
    Json, Router,
    extract::{OriginalUri, Path},
    response::Response,
    routing::{get, post},
};
use chrono::{DateTime, Duration, Utc};
use sea_orm::Set;
use serde::Serialize;
use std::collections::HashSet;

/// One day of a tag's history; numbers as strings, `day` a unix timestamp string.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct History {
    pub day: String,
    pub uses: String,
    pub accounts: String,
}

/// Tag.
#[derive(Debug, Clone, Serialize)]
pub struct Tag {
    pub name: String,
    pub url: String,
    pub history: Vec<History>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub following: Option<bool>,
}

/// The tag routes.
pub fn routes() -> Router {
    Router::new()
        .route("/api/v1/tags/{name}", get(show))
        .route("/api/v1/tags/{name}/follow", post(follow))
        .route("/api/v1/tags/{name}/unfollow", post(unfollow))
        .route("/api/v1/followed_tags", get(followed))
}

/// A tag name as stored: without `#`, lowercase; letters, digits and `_` only.
pub fn normalize(raw: &str) -> AppResult<String> {
    let name = raw.trim().trim_start_matches('#').to_lowercase();
    let ok = !name.is_empty()
        && name.chars().count() <= 100
        && name.chars().all(|c| c.is_alphanumeric() || c == '_');
    if ok {
        Ok(name)
    } else {
        Err(AppError::not_found("Record not found"))
    }
}

/// The last seven UTC days' usage of each posts-per-day bucket, newest first.
pub fn history_of(uses: &[(DateTime<Utc>, i64)], today: DateTime<Utc>) -> Vec<History> {
    let midnight = today
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc())
        .unwrap_or(today);
    (0..7)
        .map(|back| {
            let start = midnight - Duration::days(back);
            let end = start + Duration::days(1);
            let day: Vec<&(DateTime<Utc>, i64)> = uses
                .iter()
                .filter(|(t, _)| *t >= start && *t < end)
                .collect();
            let accounts: HashSet<i64> = day.iter().map(|(_, a)| *a).collect();
            History {
                day: start.timestamp().to_string(),
                uses: day.len().to_string(),
                accounts: accounts.len().to_string(),
            }
        })
        .collect()
}

/// Tag entities for `names` (already normalised), with history, and `following` for a viewer.
pub async fn tags(
    data: &Data<AppState>,
    viewer: Option<i64>,
    names: &[String],
) -> AppResult<Vec<Tag>> {
    let now = Utc::now();
    let since = now - Duration::days(7);
    let uses = db::tags::uses_since(&data.db.read, names, since).await?;
    let followed = match viewer {
        Some(v) => Some(db::tags::followed_among(&data.db.read, v, names).await?),
        None => None,
    };
    let empty = Vec::new();
    Ok(names
        .iter()
        .map(|name| Tag {
            name: name.clone(),
            url: data.urls.tag(name),
            history: history_of(uses.get(name).unwrap_or(&empty), now),
            following: followed.as_ref().map(|f| f.contains(name)),
        })
        .collect())
}

/// One Tag entity.
pub async fn tag(data: &Data<AppState>, viewer: Option<i64>, name: &str) -> AppResult<Tag> {
    tags(data, viewer, &[name.to_string()])
        .await?
        .pop()
        .ok_or_else(|| AppError::not_found("Record not found"))
}

async fn show(
    data: Data<AppState>,
    auth: MaybeAuth,
    Path(name): Path<String>,
) -> AppResult<Json<Tag>> {
    let name = normalize(&name)?;
    Ok(Json(tag(&data, auth.actor_id(), &name).await?))
}

async fn follow(
    data: Data<AppState>,
    auth: Auth,
    Path(name): Path<String>,
) -> AppResult<Json<Tag>> {
    auth.require("write:follows")?;
    let name = normalize(&name)?;
    if db::tags::find_followed(&data.db.read, auth.actor.id, &name)
        .await?
        .is_none()
    {
        let inserted = db::tags::insert_followed(
            &data.db.write,
            followed_tag::ActiveModel {
                id: Set(data.ids.next()),
                actor_id: Set(auth.actor.id),
                name: Set(name.clone()),
                created_at: Set(Utc::now()),
            },
        )
        .await;
        match inserted {
            Ok(_) => {}
            // A concurrent follow of the same tag won the race: same outcome.
            Err(AppError::Db(e)) if db::is_unique_violation(&e) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(Json(tag(&data, Some(auth.actor.id), &name).await?))
}

async fn unfollow(
    data: Data<AppState>,
    auth: Auth,
    Path(name): Path<String>,
) -> AppResult<Json<Tag>> {
    auth.require("write:follows")?;
    let name = normalize(&name)?;
    db::tags::delete_followed(&data.db.write, auth.actor.id, &name).await?;
    Ok(Json(tag(&data, Some(auth.actor.id), &name).await?))
}

async fn followed(
    data: Data<AppState>,
    auth: Auth,
    OriginalUri(uri): OriginalUri,
    ApiQuery(page): ApiQuery<PageParams>,
) -> AppResult<Response> {
    auth.require("read:follows")?;
    let rows = db::tags::followed_page(
        &data.db.read,
        auth.actor.id,
        page.max_id,
        page.since_id,
        page.min_id,
        page.limit(100, 200),
    )
    .await?;
    let names: Vec<String> = rows.iter().map(|r| r.name.clone()).collect();
    let built = tags(&data, Some(auth.actor.id), &names).await?;
    let range = rows.first().zip(rows.last()).map(|(a, b)| (a.id, b.id));
    paged(data.urls.base(), &uri, built, range)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn names_are_normalised() {
        assert_eq!(normalize("#Maths").unwrap(), "maths");
        assert_eq!(normalize("تعليم").unwrap(), "تعليم");
        assert!(normalize("a b").is_err());
        assert!(normalize("").is_err());
    }

    #[test]
    fn history_buckets_by_utc_day() {
        let now = Utc.with_ymd_and_hms(2024, 3, 10, 15, 0, 0).unwrap();
        let uses = vec![
            (Utc.with_ymd_and_hms(2024, 3, 10, 1, 0, 0).unwrap(), 1),
            (Utc.with_ymd_and_hms(2024, 3, 10, 2, 0, 0).unwrap(), 1),
            (Utc.with_ymd_and_hms(2024, 3, 9, 2, 0, 0).unwrap(), 2),
        ];
        let h = history_of(&uses, now);
        assert_eq!(h.len(), 7);
        assert_eq!(
            h[0].day,
            Utc.with_ymd_and_hms(2024, 3, 10, 0, 0, 0)
                .unwrap()
                .timestamp()
                .to_string()
        );
        assert_eq!((h[0].uses.as_str(), h[0].accounts.as_str()), ("2", "1"));
        assert_eq!((h[1].uses.as_str(), h[1].accounts.as_str()), ("1", "1"));
        assert_eq!(h[6].uses, "0");
    }
}
