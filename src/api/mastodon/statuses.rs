//! Statuses: create (media, poll, reply, CW, visibility, language, `Idempotency-Key`), show,
//! delete (returning the source for "delete and redraft"), context, favourite/boost/bookmark and
//! their undo, edit with history and source, who favourited/boosted, several by id, and P2
//! stubs (pin, mute, translate, card) with the right shapes.
use crate::{
    AppState,
    api::{
        auth::{Auth, MaybeAuth},
        form::{ApiForm, ApiQuery, de},
        mastodon::entities::{
            Emojis,
            account::{self, Account},
            datetime, media,
            status::{self, Status},
        },
        pagination::{PageParams, paged},
        parse_id,
    },
    db::{
        self,
        entity::{actor, post},
    },
    error::{AppError, AppResult},
    service::{
        polls::NewPoll,
        posts::{self, EditExtras, NewPost, PollEdit, PostExtras, can_see},
    },
};
use activitypub_federation::config::Data;
use axum::{
    Json, Router,
    extract::{OriginalUri, Path},
    http::HeaderMap,
    response::Response,
    routing::{get, post},
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::HashMap;

/// The status routes.
pub fn routes() -> Router {
    Router::new()
        .route("/api/v1/statuses", post(create).get(index))
        .route(
            "/api/v1/statuses/{id}",
            get(show).delete(destroy).put(update),
        )
        .route("/api/v1/statuses/{id}/context", get(context))
        .route("/api/v1/statuses/{id}/history", get(history))
        .route("/api/v1/statuses/{id}/source", get(source))
        .route("/api/v1/statuses/{id}/favourited_by", get(favourited_by))
        .route("/api/v1/statuses/{id}/reblogged_by", get(reblogged_by))
        .route("/api/v1/statuses/{id}/favourite", post(favourite))
        .route("/api/v1/statuses/{id}/unfavourite", post(unfavourite))
        .route("/api/v1/statuses/{id}/reblog", post(reblog))
        .route("/api/v1/statuses/{id}/unreblog", post(unreblog))
        .route("/api/v1/statuses/{id}/bookmark", post(bookmark))
        .route("/api/v1/statuses/{id}/unbookmark", post(unbookmark))
        .route("/api/v1/statuses/{id}/pin", post(unchanged))
        .route("/api/v1/statuses/{id}/unpin", post(unchanged))
        .route("/api/v1/statuses/{id}/mute", post(unchanged))
        .route("/api/v1/statuses/{id}/unmute", post(unchanged))
        .route("/api/v1/statuses/{id}/translate", post(translate))
        .route("/api/v1/statuses/{id}/card", get(card))
}

/// The post `id` if `viewer` may see it; 404 otherwise (as if it did not exist).
async fn visible(
    data: &Data<AppState>,
    viewer: Option<&actor::Model>,
    id: &str,
) -> AppResult<post::Model> {
    let not_found = || AppError::not_found("Record not found");
    let post = db::posts::get_by_id(&data.db.read, parse_id(id)?)
        .await
        .map_err(|_| not_found())?;
    if !can_see(data, viewer, &post).await? {
        return Err(not_found());
    }
    Ok(post)
}

/// The boosted post when `post` is a boost wrapper, else `post`.
async fn content_post(data: &Data<AppState>, post: post::Model) -> AppResult<post::Model> {
    match post.reblog_of_id {
        Some(original) => db::posts::get_by_id(&data.db.read, original).await,
        None => Ok(post),
    }
}

fn viewer(auth: &MaybeAuth) -> Option<&actor::Model> {
    auth.0.as_ref().map(|a| &a.actor)
}

fn require_read(auth: &MaybeAuth) -> AppResult<()> {
    match &auth.0 {
        Some(a) => a.require("read:statuses"),
        None => Ok(()),
    }
}

#[derive(Debug, Default, Deserialize)]
struct PollParams {
    #[serde(default, deserialize_with = "de::vec_string")]
    options: Vec<String>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    expires_in: Option<i64>,
    #[serde(default, deserialize_with = "de::bool")]
    multiple: bool,
    #[serde(default, deserialize_with = "de::bool")]
    hide_totals: bool,
}

impl PollParams {
    fn into_new(self) -> NewPoll {
        NewPoll {
            options: self.options,
            expires_in: self.expires_in.unwrap_or(86400),
            multiple: self.multiple,
            hide_totals: self.hide_totals,
        }
    }
}

/// A poll parameter that may be absent, `null`, or an (empty) object.
fn opt_poll<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<PollParams>, D::Error> {
    let value = Value::deserialize(d)?;
    match value {
        Value::Null => Ok(None),
        Value::String(s) if s.is_empty() => Ok(None),
        Value::Object(map) if map.is_empty() => Ok(None),
        other => serde_json::from_value::<PollParams>(other)
            .map(Some)
            .map_err(serde::de::Error::custom),
    }
}

#[derive(Debug, Default, Deserialize)]
struct StatusParams {
    #[serde(default, deserialize_with = "de::opt_string")]
    status: Option<String>,
    #[serde(default, deserialize_with = "de::vec_i64")]
    media_ids: Vec<i64>,
    #[serde(default, deserialize_with = "opt_poll")]
    poll: Option<PollParams>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    in_reply_to_id: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    sensitive: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_string")]
    spoiler_text: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    visibility: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    language: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    scheduled_at: Option<String>,
}

fn language(raw: Option<String>) -> Option<String> {
    raw.map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty() && l.len() <= 16)
}

async fn create(
    data: Data<AppState>,
    auth: Auth,
    headers: HeaderMap,
    form: ApiForm<StatusParams>,
) -> AppResult<Json<Status>> {
    auth.require("write:statuses")?;
    let p = form.params;
    if p.scheduled_at
        .as_deref()
        .is_some_and(|s| !s.trim().is_empty())
    {
        return Err(AppError::Invalid(
            "scheduled statuses are not supported yet".into(),
        ));
    }
    let visibility = p
        .visibility
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| auth.user.default_visibility.clone());
    let new = NewPost {
        text: p.status.unwrap_or_default(),
        spoiler_text: p.spoiler_text,
        sensitive: p.sensitive.unwrap_or(auth.user.default_sensitive),
        visibility,
        language: language(p.language).or_else(|| auth.user.default_language.clone()),
        in_reply_to_id: p.in_reply_to_id,
    };
    let extras = PostExtras {
        media_ids: p.media_ids,
        poll: p.poll.map(PollParams::into_new),
        application_id: auth.token.app_id,
        idempotency_key: headers
            .get("idempotency-key")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
    };
    let post = posts::create_status(&data, &auth.actor, new, extras).await?;
    Ok(Json(
        status::status(&data, Some(auth.actor.id), post).await?,
    ))
}

async fn show(
    data: Data<AppState>,
    auth: MaybeAuth,
    Path(id): Path<String>,
) -> AppResult<Json<Status>> {
    require_read(&auth)?;
    let post = visible(&data, viewer(&auth), &id).await?;
    Ok(Json(status::status(&data, auth.actor_id(), post).await?))
}

#[derive(Debug, Deserialize)]
struct IdsParams {
    #[serde(default, deserialize_with = "de::vec_i64")]
    id: Vec<i64>,
}

async fn index(
    data: Data<AppState>,
    auth: MaybeAuth,
    ApiQuery(params): ApiQuery<IdsParams>,
) -> AppResult<Json<Vec<Status>>> {
    require_read(&auth)?;
    let ids: Vec<i64> = params.id.into_iter().take(40).collect();
    let by_id = db::views::posts_by_ids(&data.db.read, &ids).await?;
    let mut posts = Vec::new();
    for id in &ids {
        if let Some(p) = by_id.get(id)
            && can_see(&data, viewer(&auth), p).await?
        {
            posts.push(p.clone());
        }
    }
    Ok(Json(status::statuses(&data, auth.actor_id(), posts).await?))
}

async fn destroy(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Status>> {
    auth.require("write:statuses")?;
    let post = db::posts::get_by_id(&data.db.read, parse_id(&id)?)
        .await
        .map_err(|_| AppError::not_found("Record not found"))?;
    if post.author_id != auth.actor.id || post.deleted_at.is_some() {
        return Err(AppError::not_found("Record not found"));
    }
    // Built before the delete wipes it: the source, media and poll let clients redraft.
    let mut entity = status::status(&data, Some(auth.actor.id), post.clone()).await?;
    entity.text = post.source.clone().or_else(|| Some(String::new()));
    posts::delete_post(&data, &auth.actor, post.id).await?;
    Ok(Json(entity))
}

/// Mastodon's Context entity.
#[derive(Debug, Serialize)]
struct Context {
    ancestors: Vec<Status>,
    descendants: Vec<Status>,
}

/// How far up a thread the ancestors go, and how many descendants are read.
const MAX_ANCESTORS: usize = 40;
const MAX_DESCENDANTS: usize = 4096;

async fn context(
    data: Data<AppState>,
    auth: MaybeAuth,
    Path(id): Path<String>,
) -> AppResult<Json<Context>> {
    require_read(&auth)?;
    let post = visible(&data, viewer(&auth), &id).await?;
    let post = content_post(&data, post).await?;
    // Ancestors: up the reply chain, shown oldest first.
    let mut ancestors = Vec::new();
    let mut parent = post.in_reply_to_id;
    while let Some(parent_id) = parent {
        if ancestors.len() >= MAX_ANCESTORS {
            break;
        }
        let Ok(p) = db::posts::get_by_id(&data.db.read, parent_id).await else {
            break;
        };
        parent = p.in_reply_to_id;
        if can_see(&data, viewer(&auth), &p).await? {
            ancestors.push(p);
        }
    }
    ancestors.reverse();
    // Descendants: read level by level, then ordered depth-first (each reply after its parent,
    // siblings oldest first), as threads read.
    let mut children: HashMap<i64, Vec<post::Model>> = HashMap::new();
    let mut frontier = vec![post.id];
    let mut total = 0;
    while !frontier.is_empty() && total < MAX_DESCENDANTS {
        let replies = db::posts::replies_to(&data.db.read, &frontier).await?;
        frontier = Vec::new();
        for r in replies {
            if r.id == post.id || total >= MAX_DESCENDANTS {
                continue;
            }
            total += 1;
            frontier.push(r.id);
            if let Some(parent) = r.in_reply_to_id {
                children.entry(parent).or_default().push(r);
            }
        }
    }
    let mut ordered = Vec::new();
    let mut stack: Vec<post::Model> = children.remove(&post.id).unwrap_or_default();
    stack.reverse();
    while let Some(next) = stack.pop() {
        // A reply we may not see hides its branch too.
        if !can_see(&data, viewer(&auth), &next).await? {
            continue;
        }
        if let Some(mut kids) = children.remove(&next.id) {
            kids.reverse();
            stack.extend(kids);
        }
        ordered.push(next);
    }
    Ok(Json(Context {
        ancestors: status::statuses(&data, auth.actor_id(), ancestors).await?,
        descendants: status::statuses(&data, auth.actor_id(), ordered).await?,
    }))
}

/// A viewer's toggle on a status: each answers with the (original) status in its new state.
#[derive(Debug, Clone, Copy)]
enum Toggle {
    Favourite,
    Unfavourite,
    Unreblog,
    Bookmark,
    Unbookmark,
}

impl Toggle {
    fn scope(self) -> &'static str {
        match self {
            Toggle::Favourite | Toggle::Unfavourite => "write:favourites",
            Toggle::Unreblog => "write:statuses",
            Toggle::Bookmark | Toggle::Unbookmark => "write:bookmarks",
        }
    }
}

async fn toggle(
    data: &Data<AppState>,
    auth: &Auth,
    id: &str,
    what: Toggle,
) -> AppResult<Json<Status>> {
    auth.require(what.scope())?;
    let post = visible(data, Some(&auth.actor), id).await?;
    let post = content_post(data, post).await?;
    let actor = &auth.actor;
    match what {
        Toggle::Favourite => {
            posts::favourite(data, actor, post.id).await?;
        }
        Toggle::Unfavourite => posts::unfavourite(data, actor, post.id).await?,
        Toggle::Unreblog => posts::unreblog(data, actor, post.id).await?,
        Toggle::Bookmark => posts::bookmark(data, actor, post.id).await?,
        Toggle::Unbookmark => posts::unbookmark(data, actor, post.id).await?,
    }
    Ok(Json(status::status(data, Some(actor.id), post).await?))
}

async fn favourite(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Status>> {
    toggle(&data, &auth, &id, Toggle::Favourite).await
}

async fn unfavourite(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Status>> {
    toggle(&data, &auth, &id, Toggle::Unfavourite).await
}

async fn unreblog(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Status>> {
    toggle(&data, &auth, &id, Toggle::Unreblog).await
}

async fn bookmark(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Status>> {
    toggle(&data, &auth, &id, Toggle::Bookmark).await
}

async fn unbookmark(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Status>> {
    toggle(&data, &auth, &id, Toggle::Unbookmark).await
}

#[derive(Debug, Default, Deserialize)]
struct ReblogParams {
    #[serde(default, deserialize_with = "de::opt_string")]
    visibility: Option<String>,
}

async fn reblog(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    form: ApiForm<ReblogParams>,
) -> AppResult<Json<Status>> {
    auth.require("write:statuses")?;
    let post = visible(&data, Some(&auth.actor), &id).await?;
    let visibility = form
        .params
        .visibility
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "public".into());
    let boost = posts::reblog_as(&data, &auth.actor, post.id, &visibility).await?;
    Ok(Json(
        status::status(&data, Some(auth.actor.id), boost).await?,
    ))
}

async fn update(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    form: ApiForm<Value>,
) -> AppResult<Json<Status>> {
    auth.require("write:statuses")?;
    let id = parse_id(&id)?;
    let raw = form.params;
    let media_sent = raw.get("media_ids").is_some();
    let p: StatusParams = serde_json::from_value(raw)
        .map_err(|e| AppError::Invalid(format!("invalid parameters: {e}")))?;
    let existing = db::posts::get_by_id(&data.db.read, id)
        .await
        .map_err(|_| AppError::not_found("Record not found"))?;
    let new = NewPost {
        text: p.status.unwrap_or_default(),
        spoiler_text: p.spoiler_text,
        sensitive: p.sensitive.unwrap_or(existing.sensitive),
        visibility: existing.visibility.clone(),
        language: language(p.language),
        in_reply_to_id: None,
    };
    let extras = EditExtras {
        media_ids: media_sent.then_some(p.media_ids),
        // As on Mastodon, an edit without a poll removes it.
        poll: match p.poll {
            Some(poll) => PollEdit::Set(poll.into_new()),
            None => PollEdit::Remove,
        },
    };
    let post = posts::edit_status(&data, &auth.actor, id, new, extras).await?;
    Ok(Json(
        status::status(&data, Some(auth.actor.id), post).await?,
    ))
}

/// Mastodon's StatusEdit entity.
#[derive(Debug, Serialize)]
struct StatusEdit {
    content: String,
    spoiler_text: String,
    sensitive: bool,
    created_at: String,
    account: Account,
    poll: Option<Value>,
    media_attachments: Vec<media::MediaAttachment>,
    emojis: Emojis,
}

async fn history(
    data: Data<AppState>,
    auth: MaybeAuth,
    Path(id): Path<String>,
) -> AppResult<Json<Vec<StatusEdit>>> {
    require_read(&auth)?;
    let post = visible(&data, viewer(&auth), &id).await?;
    let post = content_post(&data, post).await?;
    let author = db::actors::get_by_id(&data.db.read, post.author_id).await?;
    let account = account::account(&data, &author).await?;
    let media: Vec<media::MediaAttachment> = db::media::of_post(&data.db.read, post.id)
        .await?
        .iter()
        .map(|m| media::build(&data, m))
        .collect();
    let poll = db::polls::get(&data.db.read, post.id).await?.map(|p| {
        json!({
            "options": db::polls::options(&p)
                .into_iter()
                .map(|title| json!({"title": title}))
                .collect::<Vec<_>>()
        })
    });
    // Earlier revisions keep only their text; media and poll are shown as they are now.
    let mut edits: Vec<StatusEdit> = db::posts::revisions(&data.db.read, post.id)
        .await?
        .into_iter()
        .map(|r| StatusEdit {
            content: r.content,
            spoiler_text: r.summary.unwrap_or_default(),
            sensitive: r.sensitive,
            created_at: datetime(&r.created_at),
            account: account.clone(),
            poll: poll.clone(),
            media_attachments: media.clone(),
            emojis: Vec::new(),
        })
        .collect();
    edits.push(StatusEdit {
        content: post.content.clone(),
        spoiler_text: post.summary.clone().unwrap_or_default(),
        sensitive: post.sensitive,
        created_at: datetime(&post.edited_at.unwrap_or(post.published_at)),
        account,
        poll,
        media_attachments: media,
        emojis: Vec::new(),
    });
    Ok(Json(edits))
}

async fn source(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    auth.require("read:statuses")?;
    let post = visible(&data, Some(&auth.actor), &id).await?;
    if post.author_id != auth.actor.id {
        return Err(AppError::not_found("Record not found"));
    }
    Ok(Json(json!({
        "id": post.id.to_string(),
        "text": post.source.clone().unwrap_or_else(|| crate::text::html_to_plain_text(&post.content)),
        "spoiler_text": post.summary.clone().unwrap_or_default(),
    })))
}

/// Accounts for `(row id, actor id)` rows, with a Link header over the row ids.
async fn accounts_page(
    data: &Data<AppState>,
    uri: &axum::http::Uri,
    rows: Vec<(i64, i64)>,
) -> AppResult<Response> {
    let range = rows.first().zip(rows.last()).map(|(a, b)| (a.0, b.0));
    let ids: Vec<i64> = rows.iter().map(|r| r.1).collect();
    let by_id = db::views::actors_by_ids(&data.db.read, &ids).await?;
    let actors: Vec<actor::Model> = ids.iter().filter_map(|id| by_id.get(id).cloned()).collect();
    let accounts = account::accounts(data, &actors).await?;
    paged(data.urls.base(), uri, accounts, range)
}

async fn favourited_by(
    data: Data<AppState>,
    auth: MaybeAuth,
    Path(id): Path<String>,
    OriginalUri(uri): OriginalUri,
    ApiQuery(params): ApiQuery<PageParams>,
) -> AppResult<Response> {
    require_read(&auth)?;
    let post = visible(&data, viewer(&auth), &id).await?;
    let post = content_post(&data, post).await?;
    let rows = db::posts::favouriters_of(&data.db.read, post.id, params.cursor(40, 80)).await?;
    accounts_page(&data, &uri, rows).await
}

async fn reblogged_by(
    data: Data<AppState>,
    auth: MaybeAuth,
    Path(id): Path<String>,
    OriginalUri(uri): OriginalUri,
    ApiQuery(params): ApiQuery<PageParams>,
) -> AppResult<Response> {
    require_read(&auth)?;
    let post = visible(&data, viewer(&auth), &id).await?;
    let post = content_post(&data, post).await?;
    let rows = db::posts::rebloggers_of(&data.db.read, post.id, params.cursor(40, 80)).await?;
    accounts_page(&data, &uri, rows).await
}

/// Pin, unpin, mute, unmute: not kept yet; answers with the status as it is.
async fn unchanged(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Status>> {
    auth.require("write:accounts")
        .or_else(|_| auth.require("write:mutes"))?;
    let post = visible(&data, Some(&auth.actor), &id).await?;
    Ok(Json(
        status::status(&data, Some(auth.actor.id), post).await?,
    ))
}

async fn translate(
    data: Data<AppState>,
    auth: MaybeAuth,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    visible(&data, viewer(&auth), &id).await?;
    Err(AppError::Invalid(
        "translation is not available on this server".into(),
    ))
}

async fn card(
    data: Data<AppState>,
    auth: MaybeAuth,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    visible(&data, viewer(&auth), &id).await?;
    Err(AppError::not_found("Record not found"))
}
