//! Boosts: a local account boosting a post (a post of its own wrapping the original), taking
//! it back, and the same arriving from other servers. As on Mastodon, a followers-only status
//! can be boosted by its author alone, and that boost stays followers-only; direct statuses
//! are never boosted.
use crate::{
    AppState,
    db::{
        self,
        entity::{actor, post},
    },
    error::{AppError, AppResult},
    federation::outbox,
    service::commit,
};
use activitypub_federation::config::Data;
use chrono::Utc;
use sea_orm::{Set, TransactionTrait};

/// The visibility a boost by `booster_id` of `original` gets when `requested` is asked for,
/// or why it cannot be boosted (422).
pub fn boost_visibility(
    booster_id: i64,
    original: &post::Model,
    requested: &str,
) -> AppResult<String> {
    if !matches!(requested, "public" | "unlisted" | "private") {
        return Err(AppError::Invalid(
            "visibility must be public, unlisted or private".into(),
        ));
    }
    match original.visibility.as_str() {
        "public" | "unlisted" => Ok(requested.to_string()),
        // Mastodon: only the author may boost a followers-only status, to the same audience.
        "private" if original.author_id == booster_id => Ok("private".into()),
        "private" => Err(AppError::Invalid(
            "only its author can boost a followers-only status".into(),
        )),
        _ => Err(AppError::Invalid(
            "direct statuses cannot be boosted".into(),
        )),
    }
}

/// The row of a boost (local or received).
pub(crate) fn boost_row(
    id: i64,
    ap_id: String,
    local: bool,
    booster_id: i64,
    original_id: i64,
    visibility: String,
    published: chrono::DateTime<Utc>,
) -> post::ActiveModel {
    post::ActiveModel {
        id: Set(id),
        ap_id: Set(ap_id),
        local: Set(local),
        author_id: Set(booster_id),
        url: Set(None),
        content: Set(String::new()),
        source: Set(None),
        summary: Set(None),
        sensitive: Set(false),
        visibility: Set(visibility),
        language: Set(None),
        in_reply_to_ap_id: Set(None),
        in_reply_to_id: Set(None),
        reblog_of_id: Set(Some(original_id)),
        published_at: Set(published),
        edited_at: Set(None),
        created_at: Set(Utc::now()),
        deleted_at: Set(None),
        application_id: Set(None),
    }
}

/// `actor` (local) boosts a post publicly; the boost is a post of its own.
pub async fn reblog(
    data: &Data<AppState>,
    actor: &actor::Model,
    post_id: i64,
) -> AppResult<post::Model> {
    reblog_as(data, actor, post_id, "public").await
}

/// [`reblog`] with the boost's own visibility (public, unlisted or private; a self-boost of a
/// followers-only status is always followers-only).
pub async fn reblog_as(
    data: &Data<AppState>,
    actor: &actor::Model,
    post_id: i64,
    visibility: &str,
) -> AppResult<post::Model> {
    let original = db::posts::get_by_id(&data.db.read, post_id).await?;
    let original = match original.reblog_of_id {
        Some(inner) => db::posts::get_by_id(&data.db.read, inner).await?,
        None => original,
    };
    if original.deleted_at.is_some() {
        return Err(AppError::not_found("post not found"));
    }
    let visibility = boost_visibility(actor.id, &original, visibility)?;
    if let Some(existing) = db::posts::find_reblog(&data.db.read, actor.id, original.id).await? {
        return Ok(existing);
    }
    let id = data.ids.next();
    let row = boost_row(
        id,
        data.urls.activity(id),
        true,
        actor.id,
        original.id,
        visibility,
        Utc::now(),
    );
    let txn = data.db.write.begin().await?;
    let boost = db::posts::insert_local(&txn, row, &[], &[]).await?;
    crate::service::timelines::reblogged(&txn, data, &boost, &original).await?;
    outbox::announced(&txn, data, actor, &boost, &original).await?;
    commit(data, txn).await?;
    Ok(boost)
}

/// `actor` (local) takes back a boost.
pub async fn unreblog(data: &Data<AppState>, actor: &actor::Model, post_id: i64) -> AppResult<()> {
    let original = db::posts::get_by_id(&data.db.read, post_id).await?;
    let Some(boost) = db::posts::find_reblog(&data.db.read, actor.id, original.id).await? else {
        return Ok(());
    };
    let txn = data.db.write.begin().await?;
    db::posts::mark_deleted(&txn, boost.id).await?;
    crate::service::timelines::post_deleted(data, &boost);
    outbox::unannounced(&txn, data, actor, &boost, &original).await?;
    commit(data, txn).await
}

/// A remote actor boosted `original` with Announce `ap_id`. A followers-only status is only
/// taken as boosted by its own author (and that boost stays followers-only).
pub async fn receive_announce(
    data: &Data<AppState>,
    booster: &actor::Model,
    original: &post::Model,
    ap_id: &str,
    published: Option<chrono::DateTime<Utc>>,
) -> AppResult<()> {
    if original.deleted_at.is_some() {
        return Err(AppError::Forbidden("that post cannot be boosted".into()));
    }
    let visibility = boost_visibility(booster.id, original, "public")
        .map_err(|_| AppError::Forbidden("that post cannot be boosted".into()))?;
    if db::posts::find_by_ap_id(&data.db.read, ap_id)
        .await?
        .is_some()
        || db::posts::find_reblog(&data.db.read, booster.id, original.id)
            .await?
            .is_some()
    {
        return Ok(());
    }
    let now = Utc::now();
    let published = published.unwrap_or(now).min(now);
    let row = boost_row(
        data.ids.for_time(published),
        ap_id.to_string(),
        false,
        booster.id,
        original.id,
        visibility,
        published,
    );
    let boost = db::posts::insert_local(&data.db.write, row, &[], &[]).await?;
    crate::service::timelines::reblogged(&data.db.write, data, &boost, original).await?;
    data.events.flush();
    Ok(())
}

/// A remote actor undid its Announce `ap_id`.
pub async fn receive_undo_announce(
    data: &Data<AppState>,
    booster: &actor::Model,
    ap_id: &str,
) -> AppResult<()> {
    match db::posts::find_by_ap_id(&data.db.read, ap_id).await? {
        Some(boost) if boost.author_id == booster.id && boost.reblog_of_id.is_some() => {
            db::posts::mark_deleted(&data.db.write, boost.id).await
        }
        Some(_) => Err(AppError::Forbidden(
            "only the booster can undo a boost".into(),
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(author_id: i64, visibility: &str) -> post::Model {
        post::Model {
            id: 1,
            ap_id: "https://a.example/1".into(),
            local: true,
            author_id,
            url: None,
            content: String::new(),
            source: None,
            summary: None,
            sensitive: false,
            visibility: visibility.into(),
            language: None,
            in_reply_to_ap_id: None,
            in_reply_to_id: None,
            reblog_of_id: None,
            published_at: Utc::now(),
            edited_at: None,
            created_at: Utc::now(),
            deleted_at: None,
            application_id: None,
        }
    }

    #[test]
    fn who_may_boost_what_and_to_whom() {
        let ok = |booster, visibility, requested| {
            boost_visibility(booster, &post(7, visibility), requested).ok()
        };
        assert_eq!(ok(8, "public", "public").as_deref(), Some("public"));
        assert_eq!(ok(8, "unlisted", "private").as_deref(), Some("private"));
        // Followers-only: the author alone, and the boost stays followers-only.
        assert_eq!(ok(7, "private", "public").as_deref(), Some("private"));
        assert_eq!(ok(8, "private", "public"), None);
        // Direct: nobody, not even the author.
        assert_eq!(ok(7, "direct", "private"), None);
        assert_eq!(ok(8, "public", "direct"), None);
        assert!(matches!(
            boost_visibility(8, &post(7, "private"), "public"),
            Err(AppError::Invalid(_))
        ));
    }
}
