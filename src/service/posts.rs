//! Posts: composing (mentions, hashtags, replies, content warnings, visibility), editing and
//! deleting local posts, favourites and boosts — and the same changes arriving from other servers.
use crate::{
    AppState,
    db::{
        self,
        entity::{actor, favourite, post},
    },
    error::{AppError, AppResult},
    federation::outbox,
    service::{
        accounts, commit,
        polls::{self, NewPoll},
    },
    text,
};
use activitypub_federation::config::Data;
use chrono::Utc;
use sea_orm::{Set, TransactionTrait};

/// Longest status text accepted, in characters (Mastodon's default).
pub const MAX_CHARS: usize = 500;
/// The four visibilities.
pub const VISIBILITIES: [&str; 4] = ["public", "unlisted", "private", "direct"];

/// A status as a local author writes it.
#[derive(Debug, Clone, Default)]
pub struct NewPost {
    pub text: String,
    pub spoiler_text: Option<String>,
    pub sensitive: bool,
    pub visibility: String,
    pub language: Option<String>,
    pub in_reply_to_id: Option<i64>,
}

/// Most media attachments on one status.
pub const MAX_MEDIA: usize = 4;
/// How long an `Idempotency-Key` keeps answering with the status it created.
pub const IDEMPOTENCY_HOURS: i64 = 24;

/// What a status carries besides its text (client API posts).
#[derive(Debug, Clone, Default)]
pub struct PostExtras {
    /// Own, unattached uploads, in display order.
    pub media_ids: Vec<i64>,
    pub poll: Option<NewPoll>,
    /// The OAuth app it is posted from.
    pub application_id: Option<i64>,
    /// A client's `Idempotency-Key`: a repeat within a day returns the first status.
    pub idempotency_key: Option<String>,
}

/// What an edit does to the poll.
#[derive(Debug, Clone, Default)]
pub enum PollEdit {
    /// Leave it as it is.
    #[default]
    Keep,
    /// Remove it.
    Remove,
    /// Set it (a poll whose options change starts over).
    Set(NewPoll),
}

/// What an edit changes besides the text.
#[derive(Debug, Clone, Default)]
pub struct EditExtras {
    /// `None` keeps the attachments; `Some` sets them (own uploads, in order).
    pub media_ids: Option<Vec<i64>>,
    pub poll: PollEdit,
}

/// The rendered text of a status with the accounts it mentions.
struct Rendered {
    html: String,
    mentioned: Vec<actor::Model>,
    hashtags: Vec<String>,
}

async fn render(data: &Data<AppState>, source: &str) -> AppResult<Rendered> {
    let parsed = text::parse_mentions_and_tags(source);
    let mut mentioned: Vec<(text::MentionRef, actor::Model)> = Vec::new();
    for mention in parsed.mentions.iter().take(20) {
        let handle = match &mention.domain {
            Some(domain) => format!("{}@{domain}", mention.username),
            None => format!("{}@{}", mention.username, data.config.instance.domain),
        };
        // A mention that doesn't resolve stays plain text, as on Mastodon.
        if let Ok(actor) = accounts::resolve_handle(data, &handle).await {
            mentioned.push((mention.clone(), actor));
        }
    }
    let resolve = |m: &text::MentionRef| {
        mentioned
            .iter()
            .find(|(r, _)| {
                r.username.eq_ignore_ascii_case(&m.username)
                    && r.domain.as_deref().map(str::to_lowercase)
                        == m.domain.as_deref().map(str::to_lowercase)
            })
            .map(|(_, a)| text::ResolvedMention {
                url: a.url.clone().unwrap_or_else(|| a.ap_id.clone()),
                display: if a.local {
                    format!("@{}", a.username)
                } else {
                    format!("@{}", a.handle())
                },
            })
    };
    let tag_url = |t: &str| data.urls.tag(t);
    let html = text::render_local_status(source, &resolve, &tag_url);
    Ok(Rendered {
        html,
        mentioned: mentioned.into_iter().map(|(_, a)| a).collect(),
        hashtags: parsed.hashtags,
    })
}

fn validate(new: &NewPost, has_media_or_poll: bool) -> AppResult<()> {
    let length =
        new.text.chars().count() + new.spoiler_text.as_deref().map_or(0, |s| s.chars().count());
    if new.text.trim().is_empty() && !has_media_or_poll {
        return Err(AppError::Invalid("text can't be blank".into()));
    }
    if length > MAX_CHARS {
        return Err(AppError::Invalid(format!(
            "text is longer than {MAX_CHARS} characters"
        )));
    }
    if !VISIBILITIES.contains(&new.visibility.as_str()) {
        return Err(AppError::Invalid(format!(
            "visibility must be one of {}",
            VISIBILITIES.join(", ")
        )));
    }
    Ok(())
}

/// Whether `viewer` (None: anonymous) may see `post` by `author`.
pub async fn can_see(
    data: &Data<AppState>,
    viewer: Option<&actor::Model>,
    post: &post::Model,
) -> AppResult<bool> {
    if post.deleted_at.is_some() {
        return Ok(false);
    }
    match post.visibility.as_str() {
        "public" | "unlisted" => Ok(true),
        _ => {
            let Some(viewer) = viewer else {
                return Ok(false);
            };
            if viewer.id == post.author_id {
                return Ok(true);
            }
            let mentioned = db::posts::mentioned_actors(&data.db.read, post.id).await?;
            if mentioned.iter().any(|a| a.id == viewer.id) {
                return Ok(true);
            }
            Ok(post.visibility == "private"
                && db::follows::find(&data.db.read, viewer.id, post.author_id)
                    .await?
                    .is_some_and(|f| f.accepted))
        }
    }
}

/// Checks `ids` are `author`'s processed uploads, unattached or attached to `post_id` (an
/// edit), at most [`MAX_MEDIA`]; returns them deduplicated in order.
async fn check_media(
    data: &Data<AppState>,
    author: &actor::Model,
    ids: &[i64],
    post_id: Option<i64>,
) -> AppResult<Vec<i64>> {
    let mut unique: Vec<i64> = Vec::new();
    for id in ids {
        if !unique.contains(id) {
            unique.push(*id);
        }
    }
    if unique.len() > MAX_MEDIA {
        return Err(AppError::Invalid(format!(
            "a status has at most {MAX_MEDIA} media attachments"
        )));
    }
    for id in &unique {
        let media = db::media::get(&data.db.read, *id).await.ok();
        let usable = media.is_some_and(|m| {
            m.actor_id == author.id
                && m.remote_url.is_none()
                && m.processed
                && (m.post_id.is_none() || m.post_id == post_id)
        });
        if !usable {
            return Err(AppError::Invalid(format!(
                "media {id} is not one of your unattached uploads"
            )));
        }
    }
    Ok(unique)
}

/// Publishes a status by local `author`.
pub async fn create_post(
    data: &Data<AppState>,
    author: &actor::Model,
    new: NewPost,
) -> AppResult<post::Model> {
    create_status(data, author, new, PostExtras::default()).await
}

/// Publishes a status by local `author` with media, a poll, its app and idempotency key.
pub async fn create_status(
    data: &Data<AppState>,
    author: &actor::Model,
    new: NewPost,
    extras: PostExtras,
) -> AppResult<post::Model> {
    let idempotency_key = extras
        .idempotency_key
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= 200)
        .map(str::to_string);
    let since = Utc::now() - chrono::Duration::hours(IDEMPOTENCY_HOURS);
    if let Some(key) = &idempotency_key
        && let Some(id) =
            db::posts::find_idempotency_key(&data.db.read, author.id, key, since).await?
    {
        return db::posts::get_by_id(&data.db.read, id).await;
    }
    if let Some(poll) = &extras.poll {
        polls::validate(poll)?;
        if !extras.media_ids.is_empty() {
            return Err(AppError::Invalid(
                "a status cannot have both media and a poll".into(),
            ));
        }
    }
    let media_ids = check_media(data, author, &extras.media_ids, None).await?;
    validate(&new, !media_ids.is_empty() || extras.poll.is_some())?;
    let parent = match new.in_reply_to_id {
        Some(id) => {
            let parent = db::posts::get_by_id(&data.db.read, id).await?;
            if !can_see(data, Some(author), &parent).await? {
                return Err(AppError::not_found("the post you reply to was not found"));
            }
            Some(parent)
        }
        None => None,
    };
    let rendered = render(data, &new.text).await?;
    let id = data.ids.next();
    let username = &author.username;
    let now = Utc::now();
    let row = post::ActiveModel {
        id: Set(id),
        ap_id: Set(data.urls.post(username, id)),
        local: Set(true),
        author_id: Set(author.id),
        url: Set(Some(data.urls.post_page(username, id))),
        content: Set(rendered.html),
        source: Set(Some(new.text)),
        summary: Set(new.spoiler_text.filter(|s| !s.trim().is_empty())),
        sensitive: Set(new.sensitive),
        visibility: Set(new.visibility),
        language: Set(new.language),
        in_reply_to_ap_id: Set(parent.as_ref().map(|p| p.ap_id.clone())),
        in_reply_to_id: Set(parent.as_ref().map(|p| p.id)),
        reblog_of_id: Set(None),
        published_at: Set(now),
        edited_at: Set(None),
        created_at: Set(now),
        deleted_at: Set(None),
        application_id: Set(extras.application_id),
    };
    let mention_ids: Vec<i64> = rendered.mentioned.iter().map(|a| a.id).collect();
    let txn = data.db.write.begin().await?;
    let post = db::posts::insert_local(&txn, row, &mention_ids, &rendered.hashtags).await?;
    if !media_ids.is_empty() {
        db::media::attach(&txn, post.id, &media_ids).await?;
    }
    if let Some(poll) = &extras.poll {
        db::polls::put(&txn, post.id, polls::initial_state(poll)).await?;
    }
    if let Some(key) = &idempotency_key {
        db::posts::save_idempotency_key(&txn, author.id, key, post.id).await?;
    }
    crate::service::timelines::post_created(&txn, data, &post).await?;
    outbox::post_created(&txn, data, author, &post, parent.as_ref()).await?;
    commit(data, txn).await?;
    Ok(post)
}

/// Edits a local post's text, content warning, sensitivity or language.
pub async fn edit_post(
    data: &Data<AppState>,
    author: &actor::Model,
    post_id: i64,
    new: NewPost,
) -> AppResult<post::Model> {
    edit_status(data, author, post_id, new, EditExtras::default()).await
}

/// Edits a local post, its media and poll; the previous revision goes to the history.
pub async fn edit_status(
    data: &Data<AppState>,
    author: &actor::Model,
    post_id: i64,
    new: NewPost,
    extras: EditExtras,
) -> AppResult<post::Model> {
    let existing = db::posts::get_by_id(&data.db.read, post_id).await?;
    if existing.author_id != author.id
        || !existing.local
        || existing.deleted_at.is_some()
        || existing.reblog_of_id.is_some()
    {
        return Err(AppError::not_found("post not found"));
    }
    let new = NewPost {
        visibility: existing.visibility.clone(),
        ..new
    };
    let media_ids = match &extras.media_ids {
        Some(ids) => Some(check_media(data, author, ids, Some(existing.id)).await?),
        None => None,
    };
    let has_media = match &media_ids {
        Some(ids) => !ids.is_empty(),
        None => !db::media::of_post(&data.db.read, existing.id)
            .await?
            .is_empty(),
    };
    let old_poll = db::polls::get(&data.db.read, existing.id).await?;
    let has_poll = match &extras.poll {
        PollEdit::Keep => old_poll.is_some(),
        PollEdit::Remove => false,
        PollEdit::Set(poll) => {
            polls::validate(poll)?;
            true
        }
    };
    if has_media && has_poll {
        return Err(AppError::Invalid(
            "a status cannot have both media and a poll".into(),
        ));
    }
    validate(&new, has_media || has_poll)?;
    let rendered = render(data, &new.text).await?;
    let mut row: post::ActiveModel = existing.clone().into();
    row.content = Set(rendered.html);
    row.source = Set(Some(new.text));
    row.summary = Set(new.spoiler_text.filter(|s| !s.trim().is_empty()));
    row.sensitive = Set(new.sensitive);
    row.language = Set(new.language.or(existing.language.clone()));
    row.edited_at = Set(Some(Utc::now()));
    let mention_ids: Vec<i64> = rendered.mentioned.iter().map(|a| a.id).collect();
    let txn = data.db.write.begin().await?;
    db::posts::save_revision(&txn, &data.ids, &existing).await?;
    let post = db::posts::update_content(&txn, row, &mention_ids, &rendered.hashtags).await?;
    if let Some(ids) = &media_ids {
        db::media::attach(&txn, post.id, ids).await?;
    }
    match &extras.poll {
        PollEdit::Keep => {}
        PollEdit::Remove => {
            if old_poll.is_some() {
                db::polls::remove(&txn, post.id).await?;
            }
        }
        PollEdit::Set(poll) => {
            let unchanged = old_poll.as_ref().is_some_and(|old| {
                db::polls::options(old) == poll.options && old.multiple == poll.multiple
            });
            if !unchanged {
                db::polls::put(&txn, post.id, polls::initial_state(poll)).await?;
            }
        }
    }
    crate::service::timelines::post_edited(&txn, data, &post).await?;
    outbox::post_updated(&txn, data, author, &post).await?;
    commit(data, txn).await?;
    Ok(post)
}

/// Deletes a local post (or boost) of `author`; returns it as it was (for "delete and redraft").
pub async fn delete_post(
    data: &Data<AppState>,
    author: &actor::Model,
    post_id: i64,
) -> AppResult<post::Model> {
    let existing = db::posts::get_by_id(&data.db.read, post_id).await?;
    if existing.author_id != author.id || existing.deleted_at.is_some() {
        return Err(AppError::not_found("post not found"));
    }
    if let Some(original) = existing.reblog_of_id {
        unreblog(data, author, original).await?;
        return Ok(existing);
    }
    let txn = data.db.write.begin().await?;
    // Recipients are computed from the live post, before it is wiped.
    crate::service::timelines::post_deleted(data, &existing);
    outbox::post_deleted(&txn, data, author, &existing).await?;
    db::posts::mark_deleted(&txn, existing.id).await?;
    // The uploads become free again, so "delete and redraft" can attach them to the new post.
    db::media::attach(&txn, existing.id, &[]).await?;
    commit(data, txn).await?;
    Ok(existing)
}

/// `actor` (local) favourites a post.
pub async fn favourite(
    data: &Data<AppState>,
    actor: &actor::Model,
    post_id: i64,
) -> AppResult<favourite::Model> {
    let post = db::posts::get_by_id(&data.db.read, post_id).await?;
    if !can_see(data, Some(actor), &post).await? || post.reblog_of_id.is_some() {
        return Err(AppError::not_found("post not found"));
    }
    if let Some(existing) = db::posts::find_favourite(&data.db.read, actor.id, post.id).await? {
        return Ok(existing);
    }
    let id = data.ids.next();
    let row = favourite::ActiveModel {
        id: Set(id),
        ap_id: Set(data.urls.activity(id)),
        actor_id: Set(actor.id),
        post_id: Set(post.id),
        created_at: Set(Utc::now()),
    };
    let txn = data.db.write.begin().await?;
    let fav = db::posts::insert_favourite(&txn, row, actor.id, post.id).await?;
    crate::service::timelines::favourited(&txn, data, &fav, &post).await?;
    outbox::liked(&txn, data, actor, &post, &fav).await?;
    commit(data, txn).await?;
    Ok(fav)
}

/// `actor` (local) takes back a favourite.
pub async fn unfavourite(
    data: &Data<AppState>,
    actor: &actor::Model,
    post_id: i64,
) -> AppResult<()> {
    let post = db::posts::get_by_id(&data.db.read, post_id).await?;
    let Some(fav) = db::posts::find_favourite(&data.db.read, actor.id, post.id).await? else {
        return Ok(());
    };
    let txn = data.db.write.begin().await?;
    db::posts::delete_favourite(&txn, fav.id).await?;
    outbox::unliked(&txn, data, actor, &post, &fav).await?;
    commit(data, txn).await
}

/// `actor` (local) boosts a public or unlisted post; the boost is a post of its own.
pub async fn reblog(
    data: &Data<AppState>,
    actor: &actor::Model,
    post_id: i64,
) -> AppResult<post::Model> {
    reblog_as(data, actor, post_id, "public").await
}

/// [`reblog`] with the boost's own visibility (public, unlisted or private).
pub async fn reblog_as(
    data: &Data<AppState>,
    actor: &actor::Model,
    post_id: i64,
    visibility: &str,
) -> AppResult<post::Model> {
    if !matches!(visibility, "public" | "unlisted" | "private") {
        return Err(AppError::Invalid(
            "visibility must be public, unlisted or private".into(),
        ));
    }
    let original = db::posts::get_by_id(&data.db.read, post_id).await?;
    let original = match original.reblog_of_id {
        Some(inner) => db::posts::get_by_id(&data.db.read, inner).await?,
        None => original,
    };
    if original.deleted_at.is_some()
        || !matches!(original.visibility.as_str(), "public" | "unlisted")
    {
        return Err(AppError::not_found("post not found or not boostable"));
    }
    if let Some(existing) = db::posts::find_reblog(&data.db.read, actor.id, original.id).await? {
        return Ok(existing);
    }
    let id = data.ids.next();
    let now = Utc::now();
    let row = post::ActiveModel {
        id: Set(id),
        ap_id: Set(data.urls.activity(id)),
        local: Set(true),
        author_id: Set(actor.id),
        url: Set(None),
        content: Set(String::new()),
        source: Set(None),
        summary: Set(None),
        sensitive: Set(false),
        visibility: Set(visibility.into()),
        language: Set(None),
        in_reply_to_ap_id: Set(None),
        in_reply_to_id: Set(None),
        reblog_of_id: Set(Some(original.id)),
        published_at: Set(now),
        edited_at: Set(None),
        created_at: Set(now),
        deleted_at: Set(None),
        application_id: Set(None),
    };
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

/// `actor` (local) bookmarks a post it can see.
pub async fn bookmark(data: &Data<AppState>, actor: &actor::Model, post_id: i64) -> AppResult<()> {
    let post = db::posts::get_by_id(&data.db.read, post_id).await?;
    if !can_see(data, Some(actor), &post).await? || post.reblog_of_id.is_some() {
        return Err(AppError::not_found("post not found"));
    }
    db::posts::insert_bookmark(&data.db.write, data.ids.next(), actor.id, post.id).await
}

/// `actor` (local) removes a bookmark.
pub async fn unbookmark(
    data: &Data<AppState>,
    actor: &actor::Model,
    post_id: i64,
) -> AppResult<()> {
    db::posts::delete_bookmark(&data.db.write, actor.id, post_id).await
}

/// A remote actor liked `post` with Like `ap_id`.
pub async fn receive_like(
    data: &Data<AppState>,
    liker: &actor::Model,
    post: &post::Model,
    ap_id: &str,
) -> AppResult<()> {
    if !can_see(data, Some(liker), post).await? {
        return Err(AppError::not_found("post not found"));
    }
    let row = favourite::ActiveModel {
        id: Set(data.ids.next()),
        ap_id: Set(ap_id.to_string()),
        actor_id: Set(liker.id),
        post_id: Set(post.id),
        created_at: Set(Utc::now()),
    };
    let fav = db::posts::insert_favourite(&data.db.write, row, liker.id, post.id).await?;
    crate::service::timelines::favourited(&data.db.write, data, &fav, post).await?;
    data.events.flush();
    Ok(())
}

/// A remote actor undid its Like `ap_id`.
pub async fn receive_undo_like(
    data: &Data<AppState>,
    liker: &actor::Model,
    ap_id: &str,
    post_ap_id: Option<&str>,
) -> AppResult<()> {
    let fav = match db::posts::find_favourite_by_ap_id(&data.db.read, ap_id).await? {
        Some(fav) => Some(fav),
        // Some servers mint a new id for the Like inside an Undo: fall back to actor + object.
        None => match post_ap_id {
            Some(p) => match db::posts::find_by_ap_id(&data.db.read, p).await? {
                Some(post) => db::posts::find_favourite(&data.db.read, liker.id, post.id).await?,
                None => None,
            },
            None => None,
        },
    };
    match fav {
        Some(fav) if fav.actor_id == liker.id => {
            db::posts::delete_favourite(&data.db.write, fav.id).await
        }
        Some(_) => Err(AppError::Forbidden("only the liker can undo a like".into())),
        None => Ok(()),
    }
}

/// A remote actor boosted `original` with Announce `ap_id`.
pub async fn receive_announce(
    data: &Data<AppState>,
    booster: &actor::Model,
    original: &post::Model,
    ap_id: &str,
    published: Option<chrono::DateTime<Utc>>,
) -> AppResult<()> {
    if original.deleted_at.is_some()
        || !matches!(original.visibility.as_str(), "public" | "unlisted")
    {
        return Err(AppError::Forbidden("that post cannot be boosted".into()));
    }
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
    let row = post::ActiveModel {
        id: Set(data.ids.for_time(published)),
        ap_id: Set(ap_id.to_string()),
        local: Set(false),
        author_id: Set(booster.id),
        url: Set(None),
        content: Set(String::new()),
        source: Set(None),
        summary: Set(None),
        sensitive: Set(false),
        visibility: Set("public".into()),
        language: Set(None),
        in_reply_to_ap_id: Set(None),
        in_reply_to_id: Set(None),
        reblog_of_id: Set(Some(original.id)),
        published_at: Set(published),
        edited_at: Set(None),
        created_at: Set(now),
        deleted_at: Set(None),
        application_id: Set(None),
    };
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

/// A remote actor deleted its post `ap_id`.
pub async fn receive_delete_post(
    data: &Data<AppState>,
    deleter: &actor::Model,
    post: &post::Model,
) -> AppResult<()> {
    if post.author_id != deleter.id {
        return Err(AppError::Forbidden(
            "only the author can delete a post".into(),
        ));
    }
    db::posts::mark_deleted(&data.db.write, post.id).await?;
    crate::service::timelines::post_deleted(data, post);
    data.events.flush();
    Ok(())
}

/// A remote actor deleted itself: forget its follows and posts.
pub async fn receive_delete_actor(data: &Data<AppState>, actor: &actor::Model) -> AppResult<()> {
    if actor.local {
        return Err(AppError::Forbidden(
            "a local account cannot be deleted from outside".into(),
        ));
    }
    let txn = data.db.write.begin().await?;
    db::follows::delete_all_of(&txn, actor.id).await?;
    db::posts::mark_all_deleted_by(&txn, actor.id).await?;
    db::actors::mark_deleted(&txn, actor.id).await?;
    txn.commit().await?;
    Ok(())
}
