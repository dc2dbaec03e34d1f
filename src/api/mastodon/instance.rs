//! The instance endpoints: `GET /api/v1/instance` and `GET /api/v2/instance` with every field
//! clients read (toot keys on `uri`, Ivory crashes without v2, Toot! needs a real thumbnail),
//! and the small `/api/v1/instance/*` documents (rules, peers, weekly activity, descriptions,
//! domain blocks, languages). Both instance documents carry the node's institution under `pln`.
use crate::{
    AppState,
    api::mastodon::entities::account,
    db,
    error::AppResult,
    service::settings::{self, NodeSettings},
};
use activitypub_federation::config::Data;
use axum::{Json, Router, routing::get};
use chrono::{Datelike, Duration, Utc};
use serde_json::{Value, json};

/// Media types accepted for upload.
pub const SUPPORTED_MIME_TYPES: [&str; 4] = ["image/jpeg", "image/png", "image/gif", "image/webp"];
/// Most attachments per status.
pub const MAX_MEDIA_ATTACHMENTS: u32 = 4;
/// Largest image area accepted, in pixels (Mastodon's value).
pub const IMAGE_MATRIX_LIMIT: u64 = 33_177_600;
/// Poll limits (Mastodon's values).
pub const POLL_MAX_OPTIONS: u32 = 4;
pub const POLL_MAX_CHARACTERS_PER_OPTION: u32 = 50;
pub const POLL_MIN_EXPIRATION: u32 = 300;
pub const POLL_MAX_EXPIRATION: u32 = 2_629_746;
/// Longest alt text.
pub const DESCRIPTION_LIMIT: u32 = 1500;
/// Featured tags and pinned statuses per account.
pub const MAX_FEATURED_TAGS: u32 = 10;
pub const MAX_PINNED_STATUSES: u32 = 5;

/// The instance routes.
pub fn routes() -> Router {
    Router::new()
        .route("/api/v1/instance", get(v1))
        .route("/api/v2/instance", get(v2))
        .route("/api/v1/instance/rules", get(rules))
        .route("/api/v1/instance/peers", get(peers))
        .route("/api/v1/instance/activity", get(activity))
        .route(
            "/api/v1/instance/extended_description",
            get(extended_description),
        )
        .route("/api/v1/instance/privacy_policy", get(privacy_policy))
        .route("/api/v1/instance/terms_of_service", get(terms_of_service))
        .route("/api/v1/instance/domain_blocks", get(domain_blocks))
        .route(
            "/api/v1/instance/translation_languages",
            get(translation_languages),
        )
        .route("/api/v1/instance/languages", get(languages))
}

/// `4.3.0 (compatible; Halqa x.y.z)`: the Mastodon API level clients can gate features on (4.3,
/// with `api_versions.mastodon` 2: grouped notifications).
pub fn version() -> String {
    format!("4.3.0 (compatible; Halqa {})", env!("CARGO_PKG_VERSION"))
}

fn thumbnail_url(data: &Data<AppState>) -> String {
    format!("{}/static/thumbnail.png", data.urls.base())
}

fn languages_of(settings: &NodeSettings) -> Vec<String> {
    vec![settings.default_language.clone()]
}

fn statuses_config(settings: &NodeSettings) -> Value {
    json!({
        "max_characters": settings.max_characters,
        "max_media_attachments": settings.max_media_attachments,
        "characters_reserved_per_url": 23,
    })
}

/// The rules as Mastodon's Rule entities.
fn rules_of(settings: &NodeSettings) -> Value {
    json!(settings.rules)
}

fn media_config(data: &Data<AppState>, settings: &NodeSettings, v2: bool) -> Value {
    let mut media = json!({
        "supported_mime_types": SUPPORTED_MIME_TYPES,
        "image_size_limit": settings.max_image_bytes,
        "image_matrix_limit": IMAGE_MATRIX_LIMIT,
        "video_size_limit": data.config.media.max_video_bytes,
        "video_frame_rate_limit": 60,
        "video_matrix_limit": 8_294_400,
    });
    if v2 {
        media["description_limit"] = json!(DESCRIPTION_LIMIT);
    }
    media
}

fn polls_config() -> Value {
    json!({
        "max_options": POLL_MAX_OPTIONS,
        "max_characters_per_option": POLL_MAX_CHARACTERS_PER_OPTION,
        "min_expiration": POLL_MIN_EXPIRATION,
        "max_expiration": POLL_MAX_EXPIRATION,
    })
}

fn accounts_config() -> Value {
    json!({
        "max_featured_tags": MAX_FEATURED_TAGS,
        "max_pinned_statuses": MAX_PINNED_STATUSES,
    })
}

async fn contact_account(data: &Data<AppState>) -> AppResult<Value> {
    Ok(match db::instance::first_admin(&data.db.read).await? {
        Some(admin) => serde_json::to_value(account::account(data, &admin).await?)
            .map_err(|e| anyhow::anyhow!("serialising the contact account: {e}"))?,
        None => Value::Null,
    })
}

/// Halqa's own part of the instance document: the institution running the node (as
/// `GET /api/v1/pln/institution` gives it, in the node's default language). Mastodon clients
/// ignore the key; PLN-aware ones need no second request.
async fn pln_part(data: &Data<AppState>) -> AppResult<Value> {
    let row = crate::service::institutions::local_profile(&data.db.read).await?;
    let lang = data.config.instance.default_language.as_str();
    let institution = crate::api::pln::institutions::entity(row, lang);
    Ok(json!({
        "institution": serde_json::to_value(institution)
            .map_err(|e| anyhow::anyhow!("serialising the institution: {e}"))?,
    }))
}

async fn v1(data: Data<AppState>) -> AppResult<Json<Value>> {
    let config = settings::current(&data.db.read, &data.config).await?;
    let user_count = db::users::count(&data.db.read).await?;
    let status_count = db::posts::count_local(&data.db.read).await?;
    let domain_count = db::instance::peers(&data.db.read).await?.len();
    Ok(Json(json!({
        "uri": data.config.instance.domain,
        "title": config.name,
        "short_description": config.description,
        "description": config.description,
        "email": config.contact_email,
        "version": version(),
        "urls": {"streaming_api": data.urls.streaming()},
        "stats": {
            "user_count": user_count,
            "status_count": status_count,
            "domain_count": domain_count,
        },
        "thumbnail": thumbnail_url(&data),
        "languages": languages_of(&config),
        "registrations": config.registrations_enabled(),
        "approval_required": config.approval_required(),
        "invites_enabled": config.registrations_mode == "invite",
        "configuration": {
            "accounts": accounts_config(),
            "statuses": statuses_config(&config),
            "media_attachments": media_config(&data, &config, false),
            "polls": polls_config(),
            "translation": {"enabled": false},
        },
        "contact_account": contact_account(&data).await?,
        "rules": rules_of(&config),
        "pln": pln_part(&data).await?,
    })))
}

async fn v2(data: Data<AppState>) -> AppResult<Json<Value>> {
    let config = settings::current(&data.db.read, &data.config).await?;
    let active_month =
        db::instance::active_users_since(&data.db.read, Utc::now() - Duration::days(30)).await?;
    let thumbnail = thumbnail_url(&data);
    Ok(Json(json!({
        "domain": data.config.instance.domain,
        "title": config.name,
        "version": version(),
        "source_url": data.config.instance.source_url,
        "description": config.description,
        "usage": {"users": {"active_month": active_month}},
        "thumbnail": {
            "url": thumbnail,
            "blurhash": null,
            "versions": {"@1x": thumbnail, "@2x": thumbnail},
        },
        "icon": [],
        "languages": languages_of(&config),
        "configuration": {
            "urls": {"streaming": data.urls.streaming()},
            "vapid": {"public_key": ""},
            "accounts": accounts_config(),
            "statuses": statuses_config(&config),
            "media_attachments": media_config(&data, &config, true),
            "polls": polls_config(),
            "translation": {"enabled": false},
        },
        "registrations": {
            "enabled": config.registrations_enabled(),
            "approval_required": config.approval_required(),
            "message": config.registrations_message,
            "url": null,
        },
        "api_versions": {"mastodon": 2, "pln": 1},
        "contact": {
            "email": config.contact_email,
            "account": contact_account(&data).await?,
        },
        "rules": rules_of(&config),
        // Halqa's non-evaluative default: clients that read it hide like/boost/follower counts.
        "hide_counts": config.hide_counts,
        "pln": pln_part(&data).await?,
    })))
}

async fn rules(data: Data<AppState>) -> AppResult<Json<Value>> {
    let config = settings::current(&data.db.read, &data.config).await?;
    Ok(Json(rules_of(&config)))
}

async fn peers(data: Data<AppState>) -> AppResult<Json<Vec<String>>> {
    let mut peers = db::instance::peers(&data.db.read).await?;
    peers.retain(|host| !data.domain_policy.is_blocked(host));
    Ok(Json(peers))
}

/// The last 12 weeks (current first), each from Monday 00:00 UTC, numbers as strings.
async fn activity(data: Data<AppState>) -> AppResult<Json<Vec<Value>>> {
    let now = Utc::now();
    let monday = (now - Duration::days(i64::from(now.weekday().num_days_from_monday())))
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc())
        .unwrap_or(now);
    let mut weeks = Vec::with_capacity(12);
    for back in 0..12 {
        let start = monday - Duration::weeks(back);
        let w = db::instance::week(&data.db.read, start, start + Duration::weeks(1)).await?;
        weeks.push(json!({
            "week": w.start.timestamp().to_string(),
            "statuses": w.statuses.to_string(),
            "logins": w.logins.to_string(),
            "registrations": w.registrations.to_string(),
        }));
    }
    Ok(Json(weeks))
}

fn document(content: String) -> Json<Value> {
    Json(json!({
        "updated_at": crate::api::mastodon::entities::datetime(&Utc::now()),
        "content": content,
    }))
}

async fn extended_description(data: Data<AppState>) -> Json<Value> {
    document(format!(
        "<p>{}</p>",
        crate::text::escape_html(&data.config.instance.description)
    ))
}

async fn privacy_policy(data: Data<AppState>) -> Json<Value> {
    document(format!(
        "<p>{} keeps the posts, profile and follows you publish and shares them with the servers of the people who follow you. Contact: {}</p>",
        crate::text::escape_html(&data.config.instance.name),
        crate::text::escape_html(&data.config.instance.contact_email),
    ))
}

async fn terms_of_service(data: Data<AppState>) -> Json<Value> {
    Json(json!({
        "effective_date": Utc::now().format("%Y-%m-%d").to_string(),
        "effective": true,
        "content": format!(
            "<p>Be respectful. {} is a professional learning network for teachers.</p>",
            crate::text::escape_html(&data.config.instance.name)
        ),
        "succeeded_by": null,
    }))
}

async fn domain_blocks(data: Data<AppState>) -> AppResult<Json<Vec<Value>>> {
    let blocks = crate::service::federation_policy::published::instance_blocks(&data).await?;
    Ok(Json(
        blocks
            .into_iter()
            .map(|b| {
                let digest = b.digest;
                json!({"domain": b.domain, "digest": digest, "severity": b.severity.as_str(), "comment": b.comment})
            })
            .collect(),
    ))
}

async fn translation_languages() -> Json<Value> {
    Json(json!({}))
}

async fn languages() -> Json<Value> {
    Json(json!([
        {"code": "ar", "name": "Arabic"},
        {"code": "fr", "name": "French"},
        {"code": "en", "name": "English"},
        {"code": "es", "name": "Spanish"},
        {"code": "de", "name": "German"},
        {"code": "it", "name": "Italian"},
        {"code": "pt", "name": "Portuguese"},
        {"code": "tr", "name": "Turkish"},
        {"code": "zgh", "name": "Standard Moroccan Tamazight"},
    ]))
}
