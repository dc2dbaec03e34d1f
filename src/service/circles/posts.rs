//! Posting to circles. A member addresses a public or unlisted status to a circle by mentioning
//! it (in the text, or silently through `POST /api/v1/pln/circles/:id/statuses`); the post's
//! `Note` carries `audience` = the circle (FEP-1b12). A local circle then boosts it: an
//! `Announce` of the note to every member's server (Mastodon shows it as a boost by the group).
//! Posts arriving from other servers addressed to a local circle (mention, `to`/`cc` or
//! `audience`) are announced the same way when their author is a member, and ignored otherwise.
//! Between Halqa nodes the boost is all; for Lemmy and other FEP-1b12 software the circle also
//! sends `Announce(Create)` with the Note, and edits go out as `Announce(Update)`.
//! A moderator's removal takes the circle's boost back (`Undo(Announce)`) and announces a
//! `Delete` of the post (Lemmy's way), which member servers apply to their copy.
use crate::{
    AppState,
    db::{
        self,
        entity::{actor, post},
    },
    error::{AppError, AppResult},
    federation::outbox,
    service::{commit, posts::boosts},
};
use activitypub_federation::config::Data;
use chrono::Utc;
use sea_orm::{DatabaseTransaction, TransactionTrait};
use url::Url;

fn is_circle(actor: &actor::Model) -> bool {
    actor.kind == "Group" && actor.deleted_at.is_none()
}

fn announceable(visibility: &str) -> bool {
    matches!(visibility, "public" | "unlisted")
}

/// The circles a new status by local `author` is posted to: `named` (the circle endpoint; it
/// is added to `mentioned`) and the circles it mentions. A public or unlisted post to a circle
/// needs the author to be a member (403 otherwise, nothing posted); a post to a named circle
/// must be public or unlisted. Followers-only and direct mentions of a circle stay mentions.
pub async fn addressed(
    data: &Data<AppState>,
    author: &actor::Model,
    mentioned: &mut Vec<actor::Model>,
    named: Option<&actor::Model>,
    visibility: &str,
) -> AppResult<Vec<actor::Model>> {
    if let Some(circle) = named {
        if !is_circle(circle) {
            return Err(AppError::not_found("circle not found"));
        }
        if !announceable(visibility) {
            return Err(AppError::Invalid(
                "visibility: a post to a circle is public or unlisted".into(),
            ));
        }
        if !mentioned.iter().any(|a| a.id == circle.id) {
            mentioned.push(circle.clone());
        }
    }
    if !announceable(visibility) {
        return Ok(Vec::new());
    }
    let mut circles = Vec::new();
    for circle in mentioned.iter().filter(|a| is_circle(a)) {
        if !super::is_member(data, circle.id, author.id).await? {
            return Err(AppError::Forbidden(format!(
                "you are not a member of the circle @{}; join it before posting to it",
                if circle.local {
                    circle.username.clone()
                } else {
                    circle.handle()
                }
            )));
        }
        circles.push(circle.clone());
    }
    Ok(circles)
}

/// A local post was published to `circles`: each local one announces it (remote circles get
/// the Create through the mention and announce it themselves).
pub async fn shared(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    post: &post::Model,
    circles: &[actor::Model],
) -> AppResult<()> {
    for circle in circles.iter().filter(|c| c.local) {
        announce_in(txn, data, circle, post).await?;
    }
    Ok(())
}

/// Local circle `circle` boosts `post` (once): the boost reaches local members' home
/// timelines and an `Announce` goes to the members' servers and the post's author.
async fn announce_in(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    circle: &actor::Model,
    post: &post::Model,
) -> AppResult<()> {
    if db::circles::find_post(txn, circle.id, post.id)
        .await?
        .is_some()
    {
        return Ok(());
    }
    let id = data.ids.next();
    let row = boosts::boost_row(
        id,
        data.urls.activity(id),
        true,
        circle.id,
        post.id,
        "public".into(),
        Utc::now(),
    );
    let boost = db::posts::insert_local(txn, row, &[], &[]).await?;
    db::circles::insert_post(txn, circle.id, post.id, boost.id).await?;
    crate::service::timelines::reblogged(txn, data, &boost, post).await?;
    outbox::announced(txn, data, circle, &boost, post).await?;
    outbox::circle_post_relayed(txn, data, circle, post, "Create").await
}

/// `post` was edited (here by its local author, or an `Update` from its server): every local
/// circle that shares it announces the `Update` to its members' servers (Lemmy's
/// `Announce(Update)`), so its members see the edit whoever they follow.
pub async fn edited(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    post: &post::Model,
) -> AppResult<()> {
    if post.reblog_of_id.is_some() || !announceable(&post.visibility) {
        return Ok(());
    }
    for link in db::circles::circles_of_post(txn, post.id).await? {
        let circle = db::actors::get_by_id(txn, link.circle_id).await?;
        if circle.local && is_circle(&circle) {
            outbox::circle_post_relayed(txn, data, &circle, post, "Update").await?;
        }
    }
    Ok(())
}

/// [`edited`] for a post from another server, after its `Update` was stored.
pub async fn remote_post_edited(data: &Data<AppState>, post: &post::Model) -> AppResult<()> {
    if post.local {
        return Ok(());
    }
    let txn = data.db.write.begin().await?;
    edited(&txn, data, post).await?;
    commit(data, txn).await
}

/// A post from another server was stored; `addressed` are its `to`, `cc` and `audience`. Each
/// local circle it is addressed to (there or by mention) announces it when the author is a
/// member; a non-member's post is not announced.
pub async fn remote_post_arrived(
    data: &Data<AppState>,
    post: &post::Model,
    addressed: &[Url],
) -> AppResult<()> {
    if post.local || post.reblog_of_id.is_some() || !announceable(&post.visibility) {
        return Ok(());
    }
    let mut candidates: Vec<actor::Model> = db::posts::mentioned_actors(&data.db.read, post.id)
        .await?
        .into_iter()
        .filter(|a| a.local && is_circle(a))
        .collect();
    for url in addressed.iter().filter(|u| data.urls.is_local(u)) {
        if let Some(actor) = db::actors::find_by_ap_id(&data.db.read, url.as_str()).await?
            && actor.local
            && is_circle(&actor)
            && !candidates.iter().any(|c| c.id == actor.id)
        {
            candidates.push(actor);
        }
    }
    for circle in candidates {
        if !super::is_member(data, circle.id, post.author_id).await? {
            tracing::info!(
                circle = %circle.username,
                post = %post.ap_id,
                "a post to a circle by a non-member is not announced"
            );
            continue;
        }
        let txn = data.db.write.begin().await?;
        announce_in(&txn, data, &circle, post).await?;
        commit(data, txn).await?;
    }
    Ok(())
}

/// A moderator of local circle `circle_id` removes post `post_id` from it: the circle's boost
/// is taken back (`Undo(Announce)`), a `Delete` of the post is announced to the members'
/// servers, and this node's copy of a remote post is hidden. A local author's own post stays
/// on their profile, out of the circle.
pub async fn remove_post(
    data: &Data<AppState>,
    moderator: &actor::Model,
    circle_id: i64,
    post_id: i64,
) -> AppResult<()> {
    let (circle, _) = super::moderated_by(data, circle_id, moderator).await?;
    let link = db::circles::find_post(&data.db.read, circle.id, post_id)
        .await?
        .filter(|l| l.removed_at.is_none())
        .ok_or_else(|| AppError::not_found("that post is not in this circle"))?;
    let post = db::posts::get_by_id(&data.db.read, post_id).await?;
    let boost = match link.boost_id {
        Some(id) => db::posts::get_by_id(&data.db.read, id).await.ok(),
        None => None,
    };
    let txn = data.db.write.begin().await?;
    db::circles::mark_post_removed(&txn, link).await?;
    if let Some(boost) = boost.filter(|b| b.deleted_at.is_none()) {
        outbox::unannounced(&txn, data, &circle, &boost, &post).await?;
        db::posts::mark_deleted(&txn, boost.id).await?;
        crate::service::timelines::post_deleted(data, &boost);
    }
    outbox::circle_post_removed(&txn, data, &circle, moderator, &post).await?;
    if !post.local {
        db::posts::mark_deleted(&txn, post.id).await?;
        crate::service::timelines::post_deleted(data, &post);
    }
    commit(data, txn).await
}

/// Remote circle `circle` announced the deletion (a moderator's removal, or the author's own
/// delete) of `object`: if the circle had announced that post here, its boost goes and this
/// node's copy of a remote post is hidden. A post the circle never shared here is left alone.
pub async fn receive_removal(
    data: &Data<AppState>,
    circle: &actor::Model,
    object: &Url,
) -> AppResult<()> {
    if !is_circle(circle) || circle.local {
        return Err(AppError::Forbidden(
            "only a remote circle announces removals here".into(),
        ));
    }
    let Some(post) = db::posts::find_by_ap_id(&data.db.read, object.as_str()).await? else {
        return Ok(());
    };
    // The boost may be gone already: the circle's Undo(Announce) can arrive first.
    let Some(boost) = db::circles::ever_boosted(&data.db.read, circle.id, post.id).await? else {
        tracing::info!(circle = %circle.ap_id, post = %post.ap_id, "a removal of a post the circle never shared here is ignored");
        return Ok(());
    };
    let txn = data.db.write.begin().await?;
    if boost.deleted_at.is_none() {
        db::posts::mark_deleted(&txn, boost.id).await?;
    }
    if !post.local && post.deleted_at.is_none() {
        db::posts::mark_deleted(&txn, post.id).await?;
    }
    txn.commit().await?;
    crate::service::timelines::post_deleted(data, &boost);
    if !post.local {
        crate::service::timelines::post_deleted(data, &post);
    }
    data.events.flush();
    Ok(())
}

/// Local `author` posts `new` to circle `circle_id` (local or remote): a member's public or
/// unlisted status that mentions the circle (see [`addressed`]).
pub async fn post(
    data: &Data<AppState>,
    author: &actor::Model,
    circle_id: i64,
    new: crate::service::posts::NewPost,
    extras: crate::service::posts::PostExtras,
) -> AppResult<post::Model> {
    let view = super::get(data, circle_id).await?;
    crate::service::posts::create_status_to(data, author, new, extras, Some(&view.actor)).await
}
