//! Scheduled statuses: a local account asks for a status to be published later (at least
//! [`MIN_LEAD_SECS`] ahead, within Mastodon's limits of [`TOTAL_LIMIT`] waiting and
//! [`DAILY_LIMIT`] per day), lists, moves and cancels them; the status jobs publish the due ones
//! through the normal create path ([`publish_due`]), each exactly once.
use crate::{
    AppState,
    db::{
        self,
        entity::{actor, post, scheduled_status},
        paging::Cursor,
    },
    error::{AppError, AppResult},
    service::{
        polls::NewPoll,
        posts::{self, NewPost, PostExtras},
    },
};
use activitypub_federation::config::Data;
use chrono::{DateTime, Duration, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

/// How far ahead a status must be scheduled (Mastodon: 5 minutes).
pub const MIN_LEAD_SECS: i64 = 300;
/// Most statuses one account may have waiting.
pub const TOTAL_LIMIT: u64 = 300;
/// Most statuses one account may schedule for one (UTC) day.
pub const DAILY_LIMIT: u64 = 25;
/// How many due statuses one sweep publishes (the rest go at the next sweep).
const SWEEP_BATCH: u64 = 50;

/// What is kept of a status until it is published: the create parameters.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ScheduledParams {
    pub text: String,
    pub spoiler_text: Option<String>,
    pub sensitive: bool,
    pub visibility: String,
    pub language: Option<String>,
    pub in_reply_to_id: Option<i64>,
    #[serde(default)]
    pub media_ids: Vec<i64>,
    pub poll: Option<NewPoll>,
    pub application_id: Option<i64>,
}

impl ScheduledParams {
    /// The parameters stored in a row (a row that does not parse holds an empty status).
    pub fn of(row: &scheduled_status::Model) -> ScheduledParams {
        serde_json::from_str(&row.params).unwrap_or_default()
    }

    fn split(self) -> (NewPost, PostExtras) {
        (
            NewPost {
                text: self.text,
                spoiler_text: self.spoiler_text,
                sensitive: self.sensitive,
                visibility: self.visibility,
                language: self.language,
                in_reply_to_id: self.in_reply_to_id,
            },
            PostExtras {
                media_ids: self.media_ids,
                poll: self.poll,
                application_id: self.application_id,
                idempotency_key: None,
            },
        )
    }
}

/// What `POST /api/v1/statuses` with a `scheduled_at` did.
#[derive(Debug)]
pub enum Outcome {
    /// The time was already past: published now, as Mastodon does.
    Published(Box<post::Model>),
    /// Waiting for its time.
    Scheduled(scheduled_status::Model),
}

/// The UTC day `at` falls on, as `[start, end)`.
fn day_of(at: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = at.date_naive().and_time(NaiveTime::MIN).and_utc();
    (start, start + Duration::days(1))
}

/// Checks `at` is far enough ahead and `author` within the limits (`moving`: a status already
/// counted, being moved to `at`).
async fn check_time(
    data: &Data<AppState>,
    author: &actor::Model,
    at: DateTime<Utc>,
    moving: Option<&scheduled_status::Model>,
) -> AppResult<()> {
    if at < Utc::now() + Duration::seconds(MIN_LEAD_SECS) {
        return Err(AppError::Invalid(format!(
            "scheduled_at must be at least {} minutes in the future",
            MIN_LEAD_SECS / 60
        )));
    }
    let db = &data.db.read;
    if moving.is_none()
        && db::posts::scheduled::count_own(db, author.id, None).await? >= TOTAL_LIMIT
    {
        return Err(AppError::Invalid(format!(
            "at most {TOTAL_LIMIT} statuses can wait to be published"
        )));
    }
    let same_day = moving.is_some_and(|m| day_of(m.scheduled_at) == day_of(at));
    if !same_day
        && db::posts::scheduled::count_own(db, author.id, Some(day_of(at))).await? >= DAILY_LIMIT
    {
        return Err(AppError::Invalid(format!(
            "at most {DAILY_LIMIT} statuses can be scheduled for one day"
        )));
    }
    Ok(())
}

/// `author` (local) posts a status at `at`: checked now as it would be on publishing, kept
/// until then — or published at once when `at` is already past.
pub async fn schedule(
    data: &Data<AppState>,
    author: &actor::Model,
    new: NewPost,
    extras: PostExtras,
    at: DateTime<Utc>,
) -> AppResult<Outcome> {
    if at <= Utc::now() {
        return Ok(Outcome::Published(Box::new(
            posts::create_status(data, author, new, extras).await?,
        )));
    }
    let checked = posts::check_new_status(data, author, &new, &extras).await?;
    check_time(data, author, at, None).await?;
    let params = ScheduledParams {
        text: new.text,
        spoiler_text: new.spoiler_text,
        sensitive: new.sensitive,
        visibility: new.visibility,
        language: new.language,
        in_reply_to_id: checked.parent.map(|p| p.id),
        media_ids: checked.media_ids,
        poll: extras.poll,
        application_id: extras.application_id,
    };
    let row = scheduled_status::ActiveModel {
        id: sea_orm::Set(data.ids.next()),
        actor_id: sea_orm::Set(author.id),
        scheduled_at: sea_orm::Set(at),
        params: sea_orm::Set(
            serde_json::to_string(&params).map_err(|e| anyhow::anyhow!("scheduled params: {e}"))?,
        ),
        created_at: sea_orm::Set(Utc::now()),
    };
    Ok(Outcome::Scheduled(
        db::posts::scheduled::insert(&data.db.write, row).await?,
    ))
}

/// `author`'s waiting statuses, newest first.
pub async fn list(
    data: &Data<AppState>,
    author: &actor::Model,
    cursor: Cursor,
) -> AppResult<Vec<scheduled_status::Model>> {
    db::posts::scheduled::list_own(&data.db.read, author.id, cursor).await
}

/// One of `author`'s waiting statuses, or 404.
pub async fn get(
    data: &Data<AppState>,
    author: &actor::Model,
    id: i64,
) -> AppResult<scheduled_status::Model> {
    db::posts::scheduled::get_own(&data.db.read, author.id, id).await
}

/// Moves one of `author`'s waiting statuses to `at`.
pub async fn reschedule(
    data: &Data<AppState>,
    author: &actor::Model,
    id: i64,
    at: DateTime<Utc>,
) -> AppResult<scheduled_status::Model> {
    let row = get(data, author, id).await?;
    check_time(data, author, at, Some(&row)).await?;
    db::posts::scheduled::reschedule(&data.db.write, row, at).await
}

/// Cancels one of `author`'s waiting statuses.
pub async fn cancel(data: &Data<AppState>, author: &actor::Model, id: i64) -> AppResult<()> {
    let row = get(data, author, id).await?;
    db::posts::scheduled::delete(&data.db.write, row.id).await?;
    Ok(())
}

/// The parameters made publishable now: uploads that are no longer the author's free ones
/// are left out, and a reply whose parent is gone (or hidden) becomes a standalone post —
/// what was checked when it was scheduled may have changed since.
async fn still_valid(
    data: &Data<AppState>,
    author: &actor::Model,
    mut params: ScheduledParams,
) -> AppResult<ScheduledParams> {
    let mut media = Vec::new();
    for id in params.media_ids {
        if posts::check_media(data, author, &[id], None).await.is_ok() {
            media.push(id);
        }
    }
    params.media_ids = media;
    if let Some(parent) = params.in_reply_to_id {
        let visible = match db::posts::get_by_id(&data.db.read, parent).await {
            Ok(p) => posts::can_see(data, Some(author), &p).await?,
            Err(_) => false,
        };
        if !visible {
            params.in_reply_to_id = None;
        }
    }
    Ok(params)
}

/// Publishes every scheduled status due at `now` through the normal create path (it
/// federates, notifies and reaches timelines); returns how many were published. A row is
/// deleted in the transaction that publishes it, so a crash or a second process never
/// publishes it twice, and a failed try stays for the next sweep — unless the status itself
/// became impossible (its author gone, its text refused), which drops it with a warning.
pub async fn publish_due(data: &Data<AppState>, now: DateTime<Utc>) -> AppResult<usize> {
    let mut published = 0;
    for row in db::posts::scheduled::due(&data.db.read, now, SWEEP_BATCH).await? {
        let author = db::actors::get_by_id(&data.db.read, row.actor_id)
            .await
            .ok()
            .filter(|a| a.local && a.deleted_at.is_none());
        let Some(author) = author else {
            db::posts::scheduled::delete(&data.db.write, row.id).await?;
            continue;
        };
        let params = still_valid(data, &author, ScheduledParams::of(&row)).await?;
        let (new, extras) = params.split();
        match posts::publish_scheduled(data, &author, new, extras, row.id).await {
            Ok(Some(_)) => published += 1,
            Ok(None) => {}
            Err(e @ (AppError::Invalid(_) | AppError::NotFound(_))) => {
                tracing::warn!(error = %e, id = row.id, "dropping a scheduled status that can no longer be published");
                db::posts::scheduled::delete(&data.db.write, row.id).await?;
            }
            Err(e) => return Err(e),
        }
    }
    Ok(published)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_utc_calendar_days() {
        let at = DateTime::parse_from_rfc3339("2026-03-01T23:59:00+00:00")
            .unwrap_or_default()
            .with_timezone(&Utc);
        let (start, end) = day_of(at);
        assert_eq!(start.to_rfc3339(), "2026-03-01T00:00:00+00:00");
        assert_eq!(end - start, Duration::days(1));
    }

    #[test]
    fn params_round_trip_and_tolerate_junk() {
        let params = ScheduledParams {
            text: "Bonjour".into(),
            visibility: "unlisted".into(),
            media_ids: vec![3, 1],
            poll: Some(NewPoll {
                options: vec!["a".into(), "b".into()],
                expires_in: 600,
                ..Default::default()
            }),
            ..Default::default()
        };
        let row = scheduled_status::Model {
            id: 1,
            actor_id: 2,
            scheduled_at: Utc::now(),
            params: serde_json::to_string(&params).unwrap_or_default(),
            created_at: Utc::now(),
        };
        assert_eq!(ScheduledParams::of(&row), params);
        let junk = scheduled_status::Model {
            params: "not json".into(),
            ..row
        };
        assert_eq!(ScheduledParams::of(&junk), ScheduledParams::default());
    }
}
