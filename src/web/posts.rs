//! A post's page (its thread: what it answers, the post, the replies, and a reply form for
//! the signed-in) and the composer's `POST /compose` (urlencoded, or multipart with up to four
//! images and their alt text, stored through `service::media::upload`), which publishes
//! through `service::posts::create_status` as the client API does.
use super::{
    page::{Page, display_name},
    timelines::{see_other, statuses},
};
use crate::{
    AppState,
    api::form::{ApiForm, UploadedFile, de},
    db::{
        self,
        entity::{actor, post},
    },
    error::{AppError, AppResult},
    service::{
        media::{self, Upload},
        posts::{self, NewPost, PostExtras},
    },
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
    let show_counts = page.counts_visible(author).await?;
    page.render(
        "pages/post.html",
        context! {
            main, excerpt, mention, default_visibility, show_counts,
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
    #[serde(default, deserialize_with = "de::opt_string")]
    alt1: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    alt2: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    alt3: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    alt4: Option<String>,
}

/// Images one post may carry (Mastodon's limit).
pub const MAX_IMAGES: usize = 4;
/// The largest composer body: four images of the default 16 MB limit and the text (each
/// image is then checked against the node's own limit by the media service). A multipart body
/// is read into memory, so this stays far below the media API's limit for videos.
pub const COMPOSE_BODY_LIMIT: usize = MAX_IMAGES * 16 * 1024 * 1024 + 1024 * 1024;

impl ComposeForm {
    /// The alt text typed for image `n` (1 to 4).
    fn alt(&self, n: usize) -> Option<String> {
        let alt = match n {
            1 => &self.alt1,
            2 => &self.alt2,
            3 => &self.alt3,
            4 => &self.alt4,
            _ => &None,
        };
        alt.clone().filter(|a| !a.trim().is_empty())
    }
}

/// The images of a composer form, `(n, file)` for fields `image1`…`image4` that hold a file
/// (a browser sends an empty part for an input left empty); any other file field is refused.
fn chosen_images(files: &[UploadedFile]) -> AppResult<Vec<(usize, &UploadedFile)>> {
    let mut out = Vec::new();
    for f in files {
        let n = f
            .field
            .strip_prefix("image")
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|n| (1..=MAX_IMAGES).contains(n))
            .ok_or_else(|| {
                AppError::Invalid(format!(
                    "{}: at most {MAX_IMAGES} images, in image1 to image{MAX_IMAGES}",
                    f.field
                ))
            })?;
        if !f.bytes.is_empty() {
            out.push((n, f));
        }
    }
    out.sort_by_key(|(n, _)| *n);
    Ok(out)
}

/// `POST /compose`: publishes and shows the new post's thread.
pub async fn compose(page: Page, form: ApiForm<ComposeForm>) -> AppResult<Response> {
    let ApiForm {
        params: form,
        files,
    } = form;
    let me = match page.signed_in_form(form.csrf.as_deref()) {
        Ok(me) => me,
        Err(answer) => return Ok(answer),
    };
    let mut media_ids = Vec::new();
    for (n, file) in chosen_images(&files)? {
        let upload = Upload {
            bytes: file.bytes.to_vec(),
            description: form.alt(n),
            focus: None,
        };
        media_ids.push(media::upload(&page.data, me.actor.id, upload).await?.id);
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
    let extras = PostExtras {
        media_ids,
        ..PostExtras::default()
    };
    let post = posts::create_status(&page.data, &me.actor, new, extras).await?;
    Ok(see_other(&format!("/web/statuses/{}", post.id)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(field: &str, bytes: &'static [u8]) -> UploadedFile {
        UploadedFile {
            field: field.into(),
            file_name: Some("a.png".into()),
            content_type: Some("image/png".into()),
            bytes: bytes.into(),
        }
    }

    #[test]
    fn composer_images_are_numbered_and_empty_inputs_skipped() {
        let files = [
            file("image2", b"x"),
            file("image1", b"y"),
            file("image3", b""),
        ];
        let chosen = chosen_images(&files).unwrap_or_default();
        let numbers: Vec<usize> = chosen.iter().map(|(n, _)| *n).collect();
        assert_eq!(numbers, [1, 2]);
        assert!(chosen_images(&[file("image5", b"x")]).is_err());
        assert!(chosen_images(&[file("avatar", b"x")]).is_err());
    }
}
