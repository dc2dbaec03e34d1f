//! Posts: composing (mentions, hashtags, replies, content warnings, visibility), editing and
//! deleting local posts — and the same changes arriving from other servers. Boosts are in
//! [`boosts`], favourites and bookmarks in [`favourites`], pins and muted conversations in
//! [`pins`].
pub mod boosts;
pub mod favourites;
pub mod pins;
pub mod thread;

pub use boosts::{reblog, reblog_as, receive_announce, receive_undo_announce, unreblog};
pub use favourites::{
    bookmark, favourite, receive_like, receive_undo_like, unbookmark, unfavourite,
};

use crate::{
    AppState,
    db::{
        self,
        entity::{actor, post},
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

/// The node's character limit for a status (text and content warning together).
async fn max_chars(data: &Data<AppState>) -> AppResult<usize> {
    let settings = crate::service::settings::current(&data.db.read, &data.config).await?;
    Ok(usize::try_from(settings.max_characters).unwrap_or(MAX_CHARS))
}

/// Checks a status's text and visibility; `max_chars` is the node's limit (`service::settings`).
fn validate(new: &NewPost, has_media_or_poll: bool, max_chars: usize) -> AppResult<()> {
    let length =
        new.text.chars().count() + new.spoiler_text.as_deref().map_or(0, |s| s.chars().count());
    if new.text.trim().is_empty() && !has_media_or_poll {
        return Err(AppError::Invalid("text can't be blank".into()));
    }
    if length > max_chars {
        return Err(AppError::Invalid(format!(
            "text is longer than {max_chars} characters"
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
pub async fn check_media(
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
    if !unique.is_empty() {
        // The node's limit (`service::settings`), never above what the schema allows.
        let settings = crate::service::settings::current(&data.db.read, &data.config).await?;
        let max = usize::try_from(settings.max_media_attachments)
            .unwrap_or(MAX_MEDIA)
            .min(MAX_MEDIA);
        if unique.len() > max {
            return Err(AppError::Invalid(format!(
                "a status has at most {max} media attachments"
            )));
        }
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
    create_status_to(data, author, new, extras, None).await
}

/// [`create_status`] addressed to `circle` too (a `Group` the author is a member of; see
/// `service::circles::posts`), which the post mentions without naming it in its text.
pub async fn create_status_to(
    data: &Data<AppState>,
    author: &actor::Model,
    new: NewPost,
    extras: PostExtras,
    circle: Option<&actor::Model>,
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
    let extras = PostExtras {
        idempotency_key,
        ..extras
    };
    publish(data, author, new, extras, None, circle)
        .await?
        .ok_or_else(|| AppError::Conflict("the status was published already".into()))
}

/// Publishes the due scheduled status `scheduled_id` of `author` through the normal create
/// path; its row is deleted in the same transaction, so it is published once: `None` when it
/// was gone (published or cancelled meanwhile).
pub async fn publish_scheduled(
    data: &Data<AppState>,
    author: &actor::Model,
    new: NewPost,
    extras: PostExtras,
    scheduled_id: i64,
) -> AppResult<Option<post::Model>> {
    publish(data, author, new, extras, Some(scheduled_id), None).await
}

/// What a checked new status refers to.
pub struct CheckedStatus {
    /// The attachments, deduplicated, in order.
    pub media_ids: Vec<i64>,
    /// The post it replies to.
    pub parent: Option<post::Model>,
}

/// Checks a new status by `author` as publishing would (text, visibility, poll, media, the
/// post it replies to), changing nothing.
pub async fn check_new_status(
    data: &Data<AppState>,
    author: &actor::Model,
    new: &NewPost,
    extras: &PostExtras,
) -> AppResult<CheckedStatus> {
    crate::service::moves::ensure_not_moved(data, author).await?;
    if let Some(poll) = &extras.poll {
        polls::validate(poll)?;
        if !extras.media_ids.is_empty() {
            return Err(AppError::Invalid(
                "a status cannot have both media and a poll".into(),
            ));
        }
    }
    let media_ids = check_media(data, author, &extras.media_ids, None).await?;
    validate(
        new,
        !media_ids.is_empty() || extras.poll.is_some(),
        max_chars(data).await?,
    )?;
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
    Ok(CheckedStatus { media_ids, parent })
}

/// The create path: checks, stores, fans out, federates. With `scheduled_id`, that row is
/// claimed (deleted) in the same transaction; `None` when it was already gone.
async fn publish(
    data: &Data<AppState>,
    author: &actor::Model,
    new: NewPost,
    extras: PostExtras,
    scheduled_id: Option<i64>,
    circle: Option<&actor::Model>,
) -> AppResult<Option<post::Model>> {
    let CheckedStatus { media_ids, parent } = check_new_status(data, author, &new, &extras).await?;
    let idempotency_key = extras.idempotency_key.clone();
    let mut rendered = render(data, &new.text).await?;
    // Circles it is posted to (named, or mentioned): only their members may.
    let circles = crate::service::circles::posts::addressed(
        data,
        author,
        &mut rendered.mentioned,
        circle,
        &new.visibility,
    )
    .await?;
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
    if let Some(scheduled) = scheduled_id
        && !db::posts::scheduled::delete(&txn, scheduled).await?
    {
        return Ok(None);
    }
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
    crate::service::circles::posts::shared(&txn, data, &post, &circles).await?;
    commit(data, txn).await?;
    Ok(Some(post))
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
    validate(&new, has_media || has_poll, max_chars(data).await?)?;
    let rendered = render(data, &new.text).await?;
    let mut row: post::ActiveModel = existing.clone().into();
    row.content = Set(rendered.html);
    row.source = Set(Some(new.text));
    row.summary = Set(new.spoiler_text.filter(|s| !s.trim().is_empty()));
    row.sensitive = Set(new.sensitive);
    row.language = Set(new.language.or(existing.language.clone()));
    row.edited_at = Set(Some(Utc::now()));
    let mut mention_ids: Vec<i64> = rendered.mentioned.iter().map(|a| a.id).collect();
    // A post stays in the circles it was posted to (their mention may not be in the text).
    for circle in db::posts::mentioned_actors(&data.db.read, existing.id).await? {
        if circle.kind == "Group" && !mention_ids.contains(&circle.id) {
            mention_ids.push(circle.id);
        }
    }
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
    crate::service::circles::posts::edited(&txn, data, &post).await?;
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
    // A mentorship offer's status taken down takes the offer with it.
    crate::service::mentorship::offers::status_deleted(&txn, data, &existing).await?;
    commit(data, txn).await?;
    Ok(existing)
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
    let txn = data.db.write.begin().await?;
    db::posts::mark_deleted(&txn, post.id).await?;
    crate::service::mentorship::offers::status_deleted(&txn, data, post).await?;
    txn.commit().await?;
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
    db::mentorship::close_offers_of(&txn, actor.id).await?;
    // A deleted person's or circle's collections go with it.
    db::collections::mark_all_deleted_of(&txn, actor.id).await?;
    db::actors::mark_deleted(&txn, actor.id).await?;
    txn.commit().await?;
    Ok(())
}
