//! Reports: a local user reports an account (and some of its posts) to this node's moderators,
//! optionally forwarding it to the account's own server as a `Flag`; and `Flag`s received from
//! other servers about local accounts, stored as reports for the moderation queue. Either way the
//! node's admins and moderators get an `admin.report` notification in the same transaction.
use crate::{
    AppState,
    db::{
        self,
        entity::{actor, report},
    },
    error::{AppError, AppResult},
    federation::outbox,
    service::{commit, notifications},
};
use activitypub_federation::config::Data;
use chrono::Utc;
use sea_orm::{Set, TransactionTrait};
use url::Url;

/// Report categories.
pub const CATEGORIES: [&str; 4] = ["spam", "legal", "violation", "other"];
/// Longest comment of a local report, in characters (Mastodon's limit).
pub const MAX_COMMENT: usize = 1000;
/// Longest comment kept from a received Flag.
const MAX_REMOTE_COMMENT: usize = 5000;

/// A report as a local user files it.
#[derive(Debug, Clone, Default)]
pub struct NewReport {
    pub target_id: i64,
    pub status_ids: Vec<i64>,
    pub comment: String,
    pub forward: bool,
    pub category: Option<String>,
    pub rule_ids: Vec<String>,
}

/// Files a report; forwards it as a Flag when asked and the account is remote.
pub async fn create(
    data: &Data<AppState>,
    reporter: &actor::Model,
    new: NewReport,
) -> AppResult<(report::Model, actor::Model)> {
    let target = db::actors::get_by_id(&data.db.read, new.target_id)
        .await
        .map_err(|_| AppError::not_found("Record not found"))?;
    if target.deleted_at.is_some() {
        return Err(AppError::not_found("Record not found"));
    }
    if new.comment.chars().count() > MAX_COMMENT {
        return Err(AppError::Invalid(format!(
            "Validation failed: Comment is too long (maximum is {MAX_COMMENT} characters)"
        )));
    }
    let category = match new.category.as_deref().filter(|c| !c.is_empty()) {
        Some(c) if CATEGORIES.contains(&c) => c.to_string(),
        Some(c) => {
            return Err(AppError::Invalid(format!(
                "category {c:?} must be one of {}",
                CATEGORIES.join(", ")
            )));
        }
        None if !new.rule_ids.is_empty() => "violation".into(),
        None => "other".into(),
    };
    let mut status_ids = new.status_ids.clone();
    status_ids.sort_unstable();
    status_ids.dedup();
    let found = db::views::posts_by_ids(&data.db.read, &status_ids).await?;
    let mut posts = Vec::with_capacity(status_ids.len());
    for id in &status_ids {
        match found.get(id) {
            Some(p) if p.author_id == target.id => posts.push(p.clone()),
            _ => return Err(AppError::not_found("Record not found")),
        }
    }
    let forwarded = new.forward && !target.local;
    let id = data.ids.next();
    let txn = data.db.write.begin().await?;
    let row = db::reports::insert(
        &txn,
        report::ActiveModel {
            id: Set(id),
            ap_id: Set(data.urls.activity(id)),
            reporter_id: Set(reporter.id),
            target_id: Set(target.id),
            status_ids: Set(serde_json::to_string(&status_ids).unwrap_or_else(|_| "[]".into())),
            comment: Set(new.comment.trim().to_string()),
            category: Set(category),
            rule_ids: Set(serde_json::to_string(&new.rule_ids).unwrap_or_else(|_| "[]".into())),
            forwarded: Set(forwarded),
            action_taken_at: Set(None),
            created_at: Set(Utc::now()),
            assigned_id: Set(None),
            action_taken_by_id: Set(None),
            updated_at: Set(None),
        },
    )
    .await?;
    notifications::admin_report(&txn, data, reporter.id, row.id).await?;
    if forwarded {
        outbox::flagged(&txn, data, &row, &target, &posts).await?;
    }
    commit(data, txn).await?;
    Ok((row, target))
}

/// Stores a `Flag` from another server about local accounts: the first local account named (or
/// the author of the first local post named) is the target, the sender the reporter. Flags
/// about nothing local are ignored; a Flag is stored once.
pub async fn receive_flag(
    data: &Data<AppState>,
    reporter: &actor::Model,
    ap_id: &str,
    objects: &[Url],
    content: &str,
) -> AppResult<()> {
    if db::reports::find_by_ap_id(&data.db.read, ap_id)
        .await?
        .is_some()
    {
        return Ok(());
    }
    let mut target: Option<actor::Model> = None;
    let mut post_ids = Vec::new();
    for url in objects.iter().filter(|u| data.urls.is_local(u)) {
        if let Some(name) = data.urls.parse_actor(url.as_str()) {
            if target.is_none() {
                target = db::actors::find_local(&data.db.read, &name).await?;
            }
        } else if let Some(id) = data.urls.parse_post(url.as_str())
            && let Some(post) = db::views::posts_by_ids(&data.db.read, &[id])
                .await?
                .remove(&id)
        {
            if target.is_none() {
                target = Some(db::actors::get_by_id(&data.db.read, post.author_id).await?);
            }
            post_ids.push(post);
        }
    }
    let Some(target) = target else {
        return Ok(());
    };
    let status_ids: Vec<i64> = post_ids
        .into_iter()
        .filter(|p| p.author_id == target.id)
        .map(|p| p.id)
        .collect();
    let comment: String = crate::text::html_to_plain_text(content)
        .chars()
        .take(MAX_REMOTE_COMMENT)
        .collect();
    let txn = data.db.write.begin().await?;
    let inserted = db::reports::insert(
        &txn,
        report::ActiveModel {
            id: Set(data.ids.next()),
            ap_id: Set(ap_id.to_string()),
            reporter_id: Set(reporter.id),
            target_id: Set(target.id),
            status_ids: Set(serde_json::to_string(&status_ids).unwrap_or_else(|_| "[]".into())),
            comment: Set(comment),
            category: Set("other".into()),
            rule_ids: Set("[]".into()),
            forwarded: Set(false),
            action_taken_at: Set(None),
            created_at: Set(Utc::now()),
            assigned_id: Set(None),
            action_taken_by_id: Set(None),
            updated_at: Set(None),
        },
    )
    .await;
    match inserted {
        Ok(row) => {
            notifications::admin_report(&txn, data, reporter.id, row.id).await?;
            commit(data, txn).await
        }
        // Stored meanwhile by a concurrent delivery of the same Flag (the transaction rolls back).
        Err(AppError::Db(e)) if db::is_unique_violation(&e) => Ok(()),
        Err(e) => Err(e),
    }
}
