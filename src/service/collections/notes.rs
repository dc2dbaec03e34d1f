//! The readable side of a public collection for every fediverse server and Mastodon app: its
//! status by the owner (title, subjects and levels in the owner's language, a description
//! excerpt, `#ResourceCollection` and subject hashtags, the page link), written, rewritten and
//! deleted with the collection in the caller's transaction.
use crate::{
    AppState,
    db::{
        self,
        entity::{actor, collection, post},
        mentorship::codes_of,
    },
    error::AppResult,
    federation::outbox,
    service::{mentorship::notes::render, timelines, vocabulary},
};
use activitypub_federation::config::Data;
use chrono::Utc;
use sea_orm::{DatabaseTransaction, Set};

/// The hashtag every collection status carries.
pub const COLLECTION_HASHTAG: &str = "ResourceCollection";

fn collection_word(lang: &str) -> &'static str {
    match lang.get(..2).unwrap_or(lang) {
        "ar" => "مجموعة موارد",
        "fr" => "Collection de ressources",
        _ => "Resource collection",
    }
}

/// One line naming the collection's subjects and levels, in `lang`.
pub fn facets_line(c: &collection::Model, lang: &str) -> String {
    let label =
        |list: &'static [vocabulary::Term], code: &String| match vocabulary::find(list, code) {
            Some(t) => t.label(lang).to_string(),
            None => code.clone(),
        };
    let mut parts: Vec<String> = codes_of(&c.subjects)
        .iter()
        .map(|s| label(vocabulary::SUBJECTS, s))
        .collect();
    parts.extend(
        codes_of(&c.levels)
            .iter()
            .map(|l| label(vocabulary::LEVELS, l)),
    );
    parts.join(" · ")
}

/// The plain-text source of a collection's public status.
pub fn status_text(c: &collection::Model, page: &str, lang: &str) -> String {
    let excerpt: String = c.description.chars().take(280).collect();
    let ellipsis = if c.description.chars().count() > 280 {
        "…"
    } else {
        ""
    };
    let mut tags = vec![format!("#{COLLECTION_HASHTAG}")];
    tags.extend(codes_of(&c.subjects).iter().map(|s| format!("#{s}")));
    format!(
        "{}: {}\n{}\n\n{excerpt}{ellipsis}\n\n{}\n{page}",
        collection_word(lang),
        c.title,
        facets_line(c, lang),
        tags.join(" ")
    )
}

/// The collection's new public status by `owner`, fed to timelines and federated as
/// Create(Note) in `txn`; answers the collection with its `note_ap_id`.
pub async fn publish_status(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    owner: &actor::Model,
    c: collection::Model,
    language: &str,
) -> AppResult<collection::Model> {
    let post_id = data.ids.next();
    let page = c.url.clone().unwrap_or_else(|| c.ap_id.clone());
    let source = status_text(&c, &page, language);
    let (html, hashtags) = render(data, &source, None);
    let now = Utc::now();
    let row = post::ActiveModel {
        id: Set(post_id),
        ap_id: Set(data.urls.post(&owner.username, post_id)),
        local: Set(true),
        author_id: Set(owner.id),
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
    // The collection names its Note first, so the Note's readers find the collection.
    let mut with_note: collection::ActiveModel = c.into();
    with_note.note_ap_id = Set(Some(data.urls.post(&owner.username, post_id)));
    let c = db::collections::update(txn, with_note).await?;
    let post = db::posts::insert_local(txn, row, &[], &hashtags).await?;
    timelines::post_created(txn, data, &post).await?;
    outbox::post_created(txn, data, owner, &post, None).await?;
    Ok(c)
}

/// After an edit of a public collection: rewrites its status (Update(Note)) or, if it had
/// none (it was not public before), writes one.
pub async fn publish_or_rewrite(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    owner: &actor::Model,
    c: collection::Model,
    language: &str,
) -> AppResult<collection::Model> {
    let existing = match &c.note_ap_id {
        Some(note) => db::posts::find_by_ap_id(txn, note)
            .await?
            .filter(|p| p.deleted_at.is_none()),
        None => None,
    };
    let Some(existing) = existing else {
        return publish_status(txn, data, owner, c, language).await;
    };
    let language = existing.language.clone().unwrap_or(language.to_string());
    let page = c.url.clone().unwrap_or_else(|| c.ap_id.clone());
    let source = status_text(&c, &page, &language);
    if existing.source.as_deref() == Some(source.as_str()) {
        return Ok(c);
    }
    let (html, hashtags) = render(data, &source, None);
    db::posts::save_revision(txn, &data.ids, &existing).await?;
    let mut row: post::ActiveModel = existing.into();
    row.content = Set(html);
    row.source = Set(Some(source));
    row.edited_at = Set(Some(Utc::now()));
    let post = db::posts::update_content(txn, row, &[], &hashtags).await?;
    timelines::post_edited(txn, data, &post).await?;
    outbox::post_updated(txn, data, owner, &post).await?;
    Ok(c)
}

/// Deletes the collection's status, if it has one (Delete(Note) to everyone who had it), in
/// `txn`; answers the collection without its `note_ap_id`.
pub async fn delete_status(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    owner: &actor::Model,
    c: collection::Model,
) -> AppResult<collection::Model> {
    let Some(note) = c.note_ap_id.clone() else {
        return Ok(c);
    };
    if let Some(existing) = db::posts::find_by_ap_id(txn, &note).await?
        && existing.deleted_at.is_none()
        && existing.author_id == owner.id
    {
        timelines::post_deleted(data, &existing);
        outbox::post_deleted(txn, data, owner, &existing).await?;
        db::posts::mark_deleted(txn, existing.id).await?;
    }
    let mut row: collection::ActiveModel = c.into();
    row.note_ap_id = Set(None);
    db::collections::update(txn, row).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collection_status_is_readable_with_hashtags_and_link() {
        let now = Utc::now();
        let c = collection::Model {
            id: 1,
            ap_id: "https://b.example/collections/1".into(),
            local: true,
            owner_id: 2,
            note_ap_id: None,
            url: Some("https://b.example/collections/1".into()),
            title: "Fractions au collège".into(),
            description: "Séances et fiches.".into(),
            subjects: r#"["mathematics"]"#.into(),
            levels: r#"["middle"]"#.into(),
            languages: r#"["fr"]"#.into(),
            visibility: "public".into(),
            original_url: None,
            published_at: now,
            updated_at: now,
            deleted_at: None,
        };
        let text = status_text(&c, "https://b.example/collections/1", "fr");
        assert!(
            text.starts_with(
                "Collection de ressources: Fractions au collège\nMathématiques · Collège"
            ),
            "{text}"
        );
        assert!(text.contains("#ResourceCollection #mathematics"), "{text}");
        assert_eq!(
            crate::text::parse_mentions_and_tags(&text).hashtags,
            vec!["resourcecollection", "mathematics"]
        );
    }
}
