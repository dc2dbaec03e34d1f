//! A post's page (its thread: what it answers, the post, the replies, and a reply form for
//! the signed-in) and the composer's `POST /compose`, which publishes through
//! `service::posts::create_status` as the client API does.
use super::{
    page::{Page, display_name},
    timelines::{see_other, statuses},
};
use crate::{
    AppState,
    api::form::{ApiForm, de},
    db::{
        self,
        entity::{actor, post},
    },
    error::{AppError, AppResult},
    service::posts::{self, NewPost, PostExtras},
    text,
};
use activitypub_federation::config::Data;
use axum::{extract::Path, http::HeaderMap, response::Response};
use minijinja::context;
use serde::Deserialize;

/// The thread page of `post` by `author` (the post's URL, for browsers).
pub async fn post_page(
    data: &Data<AppState>,
    headers: &HeaderMap,
    author: &actor::Model,
    post: &post::Model,
) -> AppResult<Response> {
    let page = Page::from_headers(data, headers).await?;
    thread_page(&page, author, post).await
}

async fn thread_page(
    page: &Page,
    author: &actor::Model,
    post: &post::Model,
) -> AppResult<Response> {
    let viewer = page.me.as_ref().map(|m| &m.actor);
    if !posts::can_see(&page.data, viewer, post).await? {
        return Err(AppError::not_found("post not found"));
    }
    let (ancestors, descendants) = posts::thread::thread(&page.data, viewer, post).await?;
    let mut main = statuses(page, vec![post.clone()]).await?;
    let Some(main) = main.pop() else {
        return Err(AppError::not_found("post not found"));
    };
    let plain = text::html_to_plain_text(&post.content);
    let excerpt: String = plain.chars().take(140).collect();
    // A reply starts with the author's handle, unless one replies to oneself.
    let mention = match &page.me {
        Some(me) if me.actor.id != author.id => format!("@{} ", author.handle()),
        _ => String::new(),
    };
    let default_visibility = page
        .me
        .as_ref()
        .map(|m| m.user.default_visibility.clone())
        .unwrap_or_else(|| "public".into());
    page.render(
        "pages/post.html",
        context! {
            main, excerpt, mention, default_visibility,
            ancestors => statuses(page, ancestors).await?,
            descendants => statuses(page, descendants).await?,
            display_name => display_name(author),
            handle => author.handle(),
            ap_id => post.ap_id.clone(),
            url => post.url.clone().unwrap_or_else(|| post.ap_id.clone()),
        },
    )
}

/// `GET /web/statuses/{id}`: the thread of any post this node knows (remote ones have no
/// page of ours at their own URL).
pub async fn status_by_id(page: Page, Path(id): Path<String>) -> AppResult<Response> {
    let id: i64 = id
        .parse()
        .map_err(|_| AppError::not_found("post not found"))?;
    let post = db::posts::get_by_id(&page.data.db.read, id)
        .await
        .map_err(|_| AppError::not_found("post not found"))?;
    let post = match post.reblog_of_id {
        Some(original) => db::posts::get_by_id(&page.data.db.read, original).await?,
        None => post,
    };
    let author = db::actors::get_by_id(&page.data.db.read, post.author_id).await?;
    thread_page(&page, &author, &post).await
}

/// The composer form.
#[derive(Debug, Default, Deserialize)]
pub struct ComposeForm {
    #[serde(default, deserialize_with = "de::opt_string")]
    csrf: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    status: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    spoiler_text: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    visibility: Option<String>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    in_reply_to_id: Option<i64>,
}

/// `POST /compose`: publishes and shows the new post's thread.
pub async fn compose(page: Page, form: ApiForm<ComposeForm>) -> AppResult<Response> {
    let me = match page.me() {
        Ok(me) => me.clone(),
        Err(to_login) => return Ok(to_login),
    };
    let form = form.params;
    if let Err(refused) = page.check_csrf(form.csrf.as_deref().unwrap_or("")) {
        return Ok(refused);
    }
    let spoiler = form.spoiler_text.filter(|s| !s.trim().is_empty());
    let new = NewPost {
        text: form.status.unwrap_or_default(),
        sensitive: spoiler.is_some() || me.user.default_sensitive,
        spoiler_text: spoiler,
        visibility: form
            .visibility
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| me.user.default_visibility.clone()),
        language: me.user.default_language.clone(),
        in_reply_to_id: form.in_reply_to_id,
    };
    let post = posts::create_status(&page.data, &me.actor, new, PostExtras::default()).await?;
    Ok(see_other(&format!("/web/statuses/{}", post.id)))
}
