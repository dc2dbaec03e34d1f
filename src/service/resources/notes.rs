//! The readable side of a resource for every fediverse server and Mastodon app: its public
//! status (title, type, subjects, levels and licence in the author's language, a description
//! excerpt, `#TeachingResource` and subject hashtags, the page link), written, edited and deleted
//! with the resource in the caller's transaction, with the resource's uploads as its media.
use super::licenses;
use crate::{
    AppState,
    db::{
        self,
        entity::{actor, post, resource},
    },
    error::AppResult,
    federation::outbox,
    service::{mentorship::notes::render, timelines, vocabulary},
};
use activitypub_federation::config::Data;
use chrono::Utc;
use sea_orm::{DatabaseTransaction, Set};

/// The hashtag every resource status carries.
pub const RESOURCE_HASHTAG: &str = "TeachingResource";

fn resource_word(lang: &str) -> &'static str {
    match lang.get(..2).unwrap_or(lang) {
        "ar" => "مورد تربوي",
        "fr" => "Ressource pédagogique",
        _ => "Teaching resource",
    }
}

fn based_on_word(lang: &str) -> &'static str {
    match lang.get(..2).unwrap_or(lang) {
        "ar" => "مقتبس من",
        "fr" => "D'après",
        _ => "Based on",
    }
}

/// Labels of `codes` in `list`, in `lang` (unknown codes as they are).
fn labels(list: &'static [vocabulary::Term], codes: &[String], lang: &str) -> Vec<String> {
    codes
        .iter()
        .map(|c| match vocabulary::find(list, c) {
            Some(t) => t.label(lang).to_string(),
            None => c.clone(),
        })
        .collect()
}

/// One line naming the resource's type, subjects, levels, duration and licence, in `lang`.
pub fn facets_line(r: &resource::Model, lang: &str) -> String {
    let mut parts = labels(
        vocabulary::RESOURCE_TYPES,
        std::slice::from_ref(&r.resource_type),
        lang,
    );
    parts.extend(labels(
        vocabulary::SUBJECTS,
        &db::mentorship::codes_of(&r.subjects),
        lang,
    ));
    parts.extend(labels(
        vocabulary::LEVELS,
        &db::mentorship::codes_of(&r.levels),
        lang,
    ));
    parts.extend(r.duration.iter().cloned());
    parts.push(
        licenses::find(&r.license)
            .map(|l| l.id.to_string())
            .unwrap_or_else(|| r.license.clone()),
    );
    parts.join(" · ")
}

/// The plain-text source of a resource's public status.
pub fn status_text(r: &resource::Model, page: &str, lang: &str) -> String {
    let excerpt: String = r.description.chars().take(280).collect();
    let ellipsis = if r.description.chars().count() > 280 {
        "…"
    } else {
        ""
    };
    let mut tags = vec![format!("#{RESOURCE_HASHTAG}")];
    tags.extend(
        db::mentorship::codes_of(&r.subjects)
            .iter()
            .map(|s| format!("#{s}")),
    );
    let based_on = r
        .based_on
        .as_ref()
        .map(|b| format!("\n{}: {b}", based_on_word(lang)))
        .unwrap_or_default();
    format!(
        "{}: {}\n{}{based_on}\n\n{excerpt}{ellipsis}\n\n{}\n{page}",
        resource_word(lang),
        r.title,
        facets_line(r, lang),
        tags.join(" ")
    )
}

/// The resource's new public status by `author` (with the uploads `media_ids` as its media),
/// fed to timelines and federated as Create(Note) in `txn`.
pub async fn publish_status(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    author: &actor::Model,
    post_id: i64,
    r: &resource::Model,
    media_ids: &[i64],
    language: &str,
) -> AppResult<post::Model> {
    let page = r.url.clone().unwrap_or_else(|| r.ap_id.clone());
    let source = status_text(r, &page, language);
    let (html, hashtags) = render(data, &source, None);
    let now = Utc::now();
    let row = post::ActiveModel {
        id: Set(post_id),
        ap_id: Set(data.urls.post(&author.username, post_id)),
        local: Set(true),
        author_id: Set(author.id),
        url: Set(Some(page)),
        content: Set(html),
        source: Set(Some(source)),
        summary: Set(None),
        sensitive: Set(false),
        visibility: Set("public".into()),
        language: Set(Some(language.to_string())),
        in_reply_to_ap_id: Set(None),
        in_reply_to_id: Set(None),
        reblog_of_id: Set(None),
        published_at: Set(now),
        edited_at: Set(None),
        created_at: Set(now),
        deleted_at: Set(None),
        application_id: Set(None),
    };
    let post = db::posts::insert_local(txn, row, &[], &hashtags).await?;
    db::media::attach(txn, post.id, media_ids).await?;
    timelines::post_created(txn, data, &post).await?;
    outbox::post_created(txn, data, author, &post, None).await?;
    Ok(post)
}

/// Rewrites the resource's status after an edit (the old text goes to its history) and
/// federates Update(Note); nothing happens when neither its text nor its media changed.
pub async fn rewrite_status(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    author: &actor::Model,
    r: &resource::Model,
    media_ids: &[i64],
) -> AppResult<()> {
    let Some(note) = &r.note_ap_id else {
        return Ok(());
    };
    let Some(existing) = db::posts::find_by_ap_id(txn, note).await? else {
        return Ok(());
    };
    if existing.deleted_at.is_some() {
        return Ok(());
    }
    let language = existing
        .language
        .clone()
        .unwrap_or_else(|| data.config.instance.default_language.clone());
    let page = r.url.clone().unwrap_or_else(|| r.ap_id.clone());
    let source = status_text(r, &page, &language);
    let old_media: Vec<i64> = db::media::of_post(txn, existing.id)
        .await?
        .iter()
        .map(|m| m.id)
        .collect();
    if existing.source.as_deref() == Some(source.as_str()) && old_media == media_ids {
        return Ok(());
    }
    let (html, hashtags) = render(data, &source, None);
    db::posts::save_revision(txn, &data.ids, &existing).await?;
    let mut row: post::ActiveModel = existing.into();
    row.content = Set(html);
    row.source = Set(Some(source));
    row.edited_at = Set(Some(Utc::now()));
    let post = db::posts::update_content(txn, row, &[], &hashtags).await?;
    db::media::attach(txn, post.id, media_ids).await?;
    timelines::post_edited(txn, data, &post).await?;
    outbox::post_updated(txn, data, author, &post).await?;
    Ok(())
}

/// Deletes the resource's status with it (Delete(Note) to everyone who had it), in `txn`.
pub async fn delete_status(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    author: &actor::Model,
    r: &resource::Model,
) -> AppResult<()> {
    let Some(note) = &r.note_ap_id else {
        return Ok(());
    };
    let Some(existing) = db::posts::find_by_ap_id(txn, note).await? else {
        return Ok(());
    };
    if existing.deleted_at.is_some() || existing.author_id != author.id {
        return Ok(());
    }
    timelines::post_deleted(data, &existing);
    outbox::post_deleted(txn, data, author, &existing).await?;
    db::posts::mark_deleted(txn, existing.id).await?;
    // The uploads go with the resource: the media sweep removes them later.
    db::media::attach(txn, existing.id, &[]).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resource() -> resource::Model {
        let now = Utc::now();
        resource::Model {
            id: 1,
            ap_id: "https://b.example/resources/1".into(),
            local: true,
            author_id: 2,
            note_ap_id: None,
            url: Some("https://b.example/resources/1".into()),
            title: "Les fractions en 6e".into(),
            description: "Une séance complète.".into(),
            body_source: String::new(),
            body_html: String::new(),
            license: "CC-BY-SA-4.0".into(),
            resource_type: "lesson_plan".into(),
            subjects: r#"["mathematics"]"#.into(),
            levels: r#"["middle"]"#.into(),
            languages: r#"["fr"]"#.into(),
            duration: Some("PT55M".into()),
            prerequisites: "[]".into(),
            links: "[]".into(),
            based_on: None,
            original_url: None,
            published_at: now,
            updated_at: now,
            deleted_at: None,
        }
    }

    #[test]
    fn resource_status_is_readable_with_licence_hashtags_and_link() {
        let r = resource();
        let text = status_text(&r, "https://b.example/resources/1", "fr");
        assert!(
            text.starts_with("Ressource pédagogique: Les fractions en 6e"),
            "{text}"
        );
        assert!(
            text.contains("Fiche pédagogique · Mathématiques · Collège · PT55M · CC-BY-SA-4.0"),
            "{text}"
        );
        assert!(text.contains("#TeachingResource #mathematics"), "{text}");
        assert!(text.ends_with("https://b.example/resources/1"), "{text}");
        assert_eq!(
            crate::text::parse_mentions_and_tags(&text).hashtags,
            vec!["teachingresource", "mathematics"]
        );
    }
}
