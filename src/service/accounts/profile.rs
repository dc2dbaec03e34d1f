//! Profile changes of a local user (`update_credentials`, the settings page): Mastodon's
//! limits, the bio and fields rendered as HTML, avatar and header resized and stored, posting
//! defaults and PLN facets; followers' servers get Update(Person) when what they show changed.
use super::random_token;
use crate::{
    AppState,
    db::{
        self,
        entity::{actor, local_user},
    },
    error::{AppError, AppResult},
    federation::urls::Urls,
    service::profiles::Facets,
};
use activitypub_federation::config::Data;
use chrono::Utc;
use sea_orm::{Set, TransactionTrait};

/// Longest display name, bio and profile field parts, and how many fields (Mastodon's limits).
pub const MAX_DISPLAY_NAME: usize = 30;
pub const MAX_NOTE: usize = 500;
pub const MAX_FIELDS: usize = 4;
pub const MAX_FIELD_PART: usize = 255;

/// A profile change (`update_credentials`); `None` keeps the current value.
#[derive(Debug, Clone, Default)]
pub struct ProfileUpdate {
    pub display_name: Option<String>,
    /// The bio as typed (plain text).
    pub note: Option<String>,
    /// Image bytes for the avatar and the header.
    pub avatar: Option<Vec<u8>>,
    pub header: Option<Vec<u8>>,
    pub locked: Option<bool>,
    pub bot: Option<bool>,
    pub discoverable: Option<bool>,
    /// Profile fields `(name, value)` as typed; replaces all fields.
    pub fields: Option<Vec<(String, String)>>,
    /// Posting defaults.
    pub privacy: Option<String>,
    pub sensitive: Option<bool>,
    pub language: Option<String>,
    /// Replaces the PLN facets (merge with
    /// [`facets_of`](crate::service::profiles::facets_of) first for a partial change).
    pub facets: Option<Facets>,
    /// Mastodon's `hide_collections`: followers and following lists (and, on the web, the
    /// account's counts) hidden from others.
    pub hide_collections: Option<bool>,
    /// The web shows this user no counts at all (a viewer's choice, not federated).
    pub hide_counts: Option<bool>,
}

/// Plain text rendered as Mastodon renders a bio: escaped, paragraphs and line breaks, links and
/// hashtags linked.
fn render_plain(urls: &Urls, text: &str) -> String {
    crate::text::render_local_status(text, &|_| None, &|tag| urls.tag(tag))
}

/// A field value rendered as one line of HTML (links become anchors), without a paragraph.
fn render_field_value(urls: &Urls, value: &str) -> String {
    let one_line = value.replace(['\r', '\n'], " ");
    let html = render_plain(urls, &one_line);
    html.strip_prefix("<p>")
        .and_then(|h| h.strip_suffix("</p>"))
        .map(str::to_string)
        .unwrap_or(html)
}

/// Resizes an uploaded avatar (at most 400 px) or header (at most 1920 px) with the media
/// service and stores it under `media.dir`; returns its public URL.
async fn store_profile_image(
    data: &Data<AppState>,
    bytes: Vec<u8>,
    avatar: bool,
) -> AppResult<String> {
    use crate::service::media;
    let limit = data.config.media.max_image_bytes;
    if bytes.len() > limit {
        return Err(AppError::Invalid(format!(
            "file size must be less than {} MB",
            limit / (1024 * 1024)
        )));
    }
    let Some(media::Sniffed::Image(format)) = media::sniff(&bytes) else {
        return Err(AppError::Invalid(format!(
            "the image must be one of {}",
            media::IMAGE_TYPES.join(", ")
        )));
    };
    let processed = tokio::task::spawn_blocking(move || media::process_image(&bytes, format))
        .await
        .map_err(|e| anyhow::anyhow!("image processing task failed: {e}"))??;
    let (bytes, ext) = if avatar {
        (processed.preview, processed.preview_ext)
    } else {
        (processed.original, processed.original_ext)
    };
    let name = format!("{}.{ext}", random_token(18));
    let dir = std::path::PathBuf::from(&data.config.media.dir);
    tokio::fs::create_dir_all(&dir)
        .await
        .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
    tokio::fs::write(dir.join(&name), &bytes)
        .await
        .map_err(|e| anyhow::anyhow!("cannot write media file {name}: {e}"))?;
    Ok(data.urls.media(&name))
}

/// Applies a profile change of a local user; followers' servers get Update(Person) when what
/// they show changed.
pub async fn update_profile(
    data: &Data<AppState>,
    user: &local_user::Model,
    actor: &actor::Model,
    update: ProfileUpdate,
) -> AppResult<(local_user::Model, actor::Model)> {
    use sea_orm::ActiveModelTrait;
    let too_long = |what: &str, max: usize| {
        AppError::Invalid(format!("{what} must be at most {max} characters"))
    };
    let mut row: actor::ActiveModel = actor.clone().into();
    let mut user_row: local_user::ActiveModel = user.clone().into();
    let mut federate = false;
    if let Some(name) = update.display_name {
        let name = name.trim().to_string();
        if name.chars().count() > MAX_DISPLAY_NAME {
            return Err(too_long("display_name", MAX_DISPLAY_NAME));
        }
        row.display_name = Set(name);
        federate = true;
    }
    if let Some(note) = update.note {
        if note.chars().count() > MAX_NOTE {
            return Err(too_long("note", MAX_NOTE));
        }
        row.summary = Set(render_plain(&data.urls, &note));
        user_row.note_source = Set(Some(note));
        federate = true;
    }
    if let Some(fields) = update.fields {
        let fields: Vec<(String, String)> = fields
            .into_iter()
            .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
            .filter(|(n, v)| !n.is_empty() || !v.is_empty())
            .collect();
        if fields.len() > MAX_FIELDS {
            return Err(AppError::Invalid(format!(
                "at most {MAX_FIELDS} profile fields"
            )));
        }
        if fields
            .iter()
            .any(|(n, v)| n.chars().count() > MAX_FIELD_PART || v.chars().count() > MAX_FIELD_PART)
        {
            return Err(too_long("a profile field name or value", MAX_FIELD_PART));
        }
        let rendered: Vec<(String, String)> = fields
            .iter()
            .map(|(n, v)| (n.clone(), render_field_value(&data.urls, v)))
            .collect();
        row.fields = Set(db::actors::fields_json(&rendered));
        federate = true;
    }
    if let Some(locked) = update.locked {
        row.manually_approves_followers = Set(locked);
        federate = true;
    }
    if let Some(bot) = update.bot {
        row.bot = Set(bot);
        federate = true;
    }
    if let Some(discoverable) = update.discoverable {
        row.discoverable = Set(discoverable);
        federate = true;
    }
    if let Some(facets) = update.facets {
        crate::service::profiles::apply_facets(&mut row, facets)?;
        federate = true;
    }
    if let Some(hide) = update.hide_collections
        && hide != actor.hide_collections
    {
        row.hide_collections = Set(hide);
        // Other servers re-read the collections on Update (Mastodon marks the account's
        // collections hidden when they have no first page).
        federate = true;
    }
    if let Some(hide) = update.hide_counts {
        user_row.hide_counts = Set(hide);
    }
    if let Some(privacy) = update.privacy {
        if !matches!(privacy.as_str(), "public" | "unlisted" | "private") {
            return Err(AppError::Invalid(
                "source[privacy] must be public, unlisted or private".into(),
            ));
        }
        user_row.default_visibility = Set(privacy);
    }
    if let Some(sensitive) = update.sensitive {
        user_row.default_sensitive = Set(sensitive);
    }
    if let Some(language) = update.language {
        let language = language.trim().to_lowercase();
        if !language.is_empty()
            && (language.len() > 3 || !language.chars().all(|c| c.is_ascii_lowercase()))
        {
            return Err(AppError::Invalid(
                "source[language] must be an ISO 639 code".into(),
            ));
        }
        user_row.default_language = Set((!language.is_empty()).then_some(language));
    }
    // Images last: nothing is written to disk for a request that fails validation.
    if let Some(bytes) = update.avatar {
        row.avatar_url = Set(Some(store_profile_image(data, bytes, true).await?));
        federate = true;
    }
    if let Some(bytes) = update.header {
        row.header_url = Set(Some(store_profile_image(data, bytes, false).await?));
        federate = true;
    }
    if federate {
        row.updated_at = Set(Utc::now());
    }
    let txn = data.db.write.begin().await?;
    let actor = if row.is_changed() {
        row.update(&txn).await?
    } else {
        actor.clone()
    };
    let user = if user_row.is_changed() {
        user_row.update(&txn).await?
    } else {
        user.clone()
    };
    if federate {
        crate::federation::outbox::actor_updated(&txn, data, &actor).await?;
    }
    crate::service::commit(data, txn).await?;
    Ok((user, actor))
}
