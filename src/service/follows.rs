//! Following: local follows (of local or remote accounts), unfollows, and the inbound side:
//! Follow requests from other servers and their Accept / Reject / Undo.
use crate::{
    AppState,
    db::{
        self,
        entity::{actor, follow},
    },
    error::{AppError, AppResult},
    federation::outbox,
    service::commit,
};
use activitypub_federation::config::Data;
use sea_orm::TransactionTrait;

/// A follower's options for one follow (Mastodon's `reblogs`, `notify`, `languages[]`); `None`
/// keeps the current value (or the default for a new follow).
#[derive(Debug, Clone, Default)]
pub struct FollowOptions {
    pub reblogs: Option<bool>,
    pub notify: Option<bool>,
    pub languages: Option<Vec<String>>,
}

/// `follower` (local) follows `target`. Local targets that don't approve followers manually are
/// followed at once; remote ones get a Follow and stay pending until they Accept.
pub async fn follow(
    data: &Data<AppState>,
    follower: &actor::Model,
    target: &actor::Model,
) -> AppResult<follow::Model> {
    follow_with_options(data, follower, target, FollowOptions::default()).await
}

/// [`follow`] with options; following again only updates the options.
pub async fn follow_with_options(
    data: &Data<AppState>,
    follower: &actor::Model,
    target: &actor::Model,
    options: FollowOptions,
) -> AppResult<follow::Model> {
    if !follower.local {
        return Err(AppError::Forbidden(
            "only local accounts can follow from here".into(),
        ));
    }
    if follower.id == target.id {
        return Err(AppError::Invalid("you cannot follow yourself".into()));
    }
    if target.deleted_at.is_some() {
        return Err(AppError::not_found("account not found"));
    }
    if db::relationships::blocked_either_way(&data.db.read, follower.id, target.id).await? {
        return Err(AppError::Forbidden("This action is not allowed".into()));
    }
    let languages = |list: Option<Vec<String>>| {
        list.filter(|l| !l.is_empty())
            .and_then(|l| serde_json::to_string(&l).ok())
    };
    if let Some(existing) = db::follows::find(&data.db.read, follower.id, target.id).await? {
        let show_reblogs = options.reblogs.unwrap_or(existing.show_reblogs);
        let notify = options.notify.unwrap_or(existing.notify);
        let langs = match options.languages {
            Some(list) => languages(Some(list)),
            None => existing.languages.clone(),
        };
        if (show_reblogs, notify, &langs)
            == (existing.show_reblogs, existing.notify, &existing.languages)
        {
            return Ok(existing);
        }
        db::follows::set_options(
            &data.db.write,
            existing.id,
            show_reblogs,
            notify,
            langs.clone(),
        )
        .await?;
        return Ok(follow::Model {
            show_reblogs,
            notify,
            languages: langs,
            ..existing
        });
    }
    let id = data.ids.next();
    let ap_id = data.urls.activity(id);
    let accepted = target.local && !target.manually_approves_followers;
    let mut new_row = db::follows::new_row(id, ap_id, follower.id, target.id, accepted);
    new_row.show_reblogs = sea_orm::Set(options.reblogs.unwrap_or(true));
    new_row.notify = sea_orm::Set(options.notify.unwrap_or(false));
    new_row.languages = sea_orm::Set(languages(options.languages));
    let txn = data.db.write.begin().await?;
    let row = db::follows::insert(&txn, new_row, follower.id, target.id).await?;
    crate::service::timelines::follow_created(&txn, data, &row).await?;
    if !target.local {
        outbox::follow(&txn, data, follower, target, &row).await?;
    }
    commit(data, txn).await?;
    Ok(row)
}

/// `follower` (local) stops following `target` (or withdraws a pending request).
pub async fn unfollow(
    data: &Data<AppState>,
    follower: &actor::Model,
    target: &actor::Model,
) -> AppResult<()> {
    let Some(row) = db::follows::find(&data.db.read, follower.id, target.id).await? else {
        return Ok(());
    };
    let txn = data.db.write.begin().await?;
    db::follows::delete(&txn, row.id).await?;
    crate::service::timelines::unfollowed(&txn, data, follower.id, target.id).await?;
    if !target.local {
        outbox::undo_follow(&txn, data, follower, target, &row).await?;
    }
    commit(data, txn).await
}

/// A remote `follower` asked to follow local `target` with Follow `ap_id`.
pub async fn receive_follow(
    data: &Data<AppState>,
    follower: &actor::Model,
    target: &actor::Model,
    ap_id: &str,
) -> AppResult<()> {
    if !target.local || target.deleted_at.is_some() {
        return Err(AppError::not_found("no such local account"));
    }
    if target.kind == "Application" {
        // The instance actor is not followable; tell the follower so.
        let txn = data.db.write.begin().await?;
        outbox::reject_follow(&txn, data, target, follower, ap_id).await?;
        return commit(data, txn).await;
    }
    if db::relationships::find_block(&data.db.read, target.id, follower.id)
        .await?
        .is_some()
    {
        // Blocked accounts can't follow; tell them no, as Mastodon does.
        let txn = data.db.write.begin().await?;
        outbox::reject_follow(&txn, data, target, follower, ap_id).await?;
        return commit(data, txn).await;
    }
    // Accounts on limited (silenced) domains always need approval.
    let accepted =
        !target.manually_approves_followers && !data.domain_policy.is_limited(&follower.domain);
    let txn = data.db.write.begin().await?;
    let row = match db::follows::find(&txn, follower.id, target.id).await? {
        // A repeated Follow (e.g. the remote side lost its state): answer again.
        Some(existing) => existing,
        None => {
            db::follows::insert(
                &txn,
                db::follows::new_row(
                    data.ids.next(),
                    ap_id.to_string(),
                    follower.id,
                    target.id,
                    accepted,
                ),
                follower.id,
                target.id,
            )
            .await?
        }
    };
    crate::service::timelines::follow_created(&txn, data, &row).await?;
    if row.accepted {
        outbox::accept_follow(&txn, data, target, follower, ap_id).await?;
    }
    commit(data, txn).await
}

/// The remote followee of `follow` accepted it.
pub async fn receive_accept(
    data: &Data<AppState>,
    row: &follow::Model,
    accepter: &actor::Model,
) -> AppResult<()> {
    if row.followee_id != accepter.id {
        return Err(AppError::Forbidden(
            "only the followed account can accept".into(),
        ));
    }
    db::follows::accept(&data.db.write, row.id).await?;
    crate::service::timelines::follow_accepted(&data.db.write, data, row).await
}

/// The remote followee refused `follow`, or removed an existing follower.
pub async fn receive_reject(
    data: &Data<AppState>,
    row: &follow::Model,
    rejecter: &actor::Model,
) -> AppResult<()> {
    if row.followee_id != rejecter.id {
        return Err(AppError::Forbidden(
            "only the followed account can reject".into(),
        ));
    }
    db::follows::delete(&data.db.write, row.id).await?;
    crate::service::timelines::unfollowed(&data.db.write, data, row.follower_id, row.followee_id)
        .await
}

/// A remote follower undid its Follow.
pub async fn receive_undo_follow(
    data: &Data<AppState>,
    follower: &actor::Model,
    row: &follow::Model,
) -> AppResult<()> {
    if row.follower_id != follower.id {
        return Err(AppError::Forbidden(
            "only the follower can undo a follow".into(),
        ));
    }
    db::follows::delete(&data.db.write, row.id).await
}

/// Local `target` approves `follower_id`'s pending follow request; a remote follower gets an
/// Accept.
pub async fn authorize_request(
    data: &Data<AppState>,
    target: &actor::Model,
    follower_id: i64,
) -> AppResult<()> {
    let row = pending_request(data, target, follower_id).await?;
    let follower = db::actors::get_by_id(&data.db.read, follower_id).await?;
    let txn = data.db.write.begin().await?;
    db::follows::accept(&txn, row.id).await?;
    crate::service::timelines::follow_accepted(&txn, data, &row).await?;
    if !follower.local {
        outbox::accept_follow(&txn, data, target, &follower, &row.ap_id).await?;
    }
    commit(data, txn).await
}

/// Local `target` refuses `follower_id`'s pending follow request; a remote follower gets a
/// Reject.
pub async fn reject_request(
    data: &Data<AppState>,
    target: &actor::Model,
    follower_id: i64,
) -> AppResult<()> {
    let row = pending_request(data, target, follower_id).await?;
    let follower = db::actors::get_by_id(&data.db.read, follower_id).await?;
    let txn = data.db.write.begin().await?;
    db::follows::delete(&txn, row.id).await?;
    if !follower.local {
        outbox::reject_follow(&txn, data, target, &follower, &row.ap_id).await?;
    }
    commit(data, txn).await
}

async fn pending_request(
    data: &Data<AppState>,
    target: &actor::Model,
    follower_id: i64,
) -> AppResult<follow::Model> {
    db::follows::find(&data.db.read, follower_id, target.id)
        .await?
        .filter(|f| !f.accepted)
        .ok_or_else(|| AppError::not_found("Follow request not found"))
}

/// Local `actor` removes `follower` from its followers (a remote follower gets a Reject).
pub async fn remove_follower(
    data: &Data<AppState>,
    actor: &actor::Model,
    follower: &actor::Model,
) -> AppResult<()> {
    let Some(row) = db::follows::find(&data.db.read, follower.id, actor.id).await? else {
        return Ok(());
    };
    let txn = data.db.write.begin().await?;
    db::follows::delete(&txn, row.id).await?;
    if !follower.local {
        outbox::reject_follow(&txn, data, actor, follower, &row.ap_id).await?;
    }
    commit(data, txn).await
}
