//! The readable side of mentorship for every fediverse server and Mastodon app: the text of an
//! offer's public status (summary in the author's language, `#MentorshipOffer` and subject
//! hashtags, a link to the offer's page) and the direct messages that tell a mentor about a
//! request and a mentee about the decision. They are ordinary posts, written in the caller's
//! transaction and federated as `Note`s.
use crate::{
    AppState,
    db::{
        self,
        entity::{actor, mentorship_offer as offer, post},
    },
    error::AppResult,
    federation::outbox,
    service::{timelines, vocabulary},
    text,
};
use activitypub_federation::config::Data;
use chrono::Utc;
use sea_orm::{DatabaseTransaction, Set};

/// The hashtag every offer status carries.
pub const OFFER_HASHTAG: &str = "MentorshipOffer";

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

/// Words of the readable texts in the three interface languages.
struct Words {
    offer: &'static str,
    places: &'static str,
    full: &'static str,
    closed: &'static str,
    languages: &'static str,
}

fn words(lang: &str) -> Words {
    match lang.get(..2).unwrap_or(lang) {
        "ar" => Words {
            offer: "عرض مواكبة",
            places: "مقاعد متاحة",
            full: "مكتمل",
            closed: "مغلق",
            languages: "اللغات",
        },
        "fr" => Words {
            offer: "Offre de mentorat",
            places: "places disponibles",
            full: "complet",
            closed: "fermée",
            languages: "Langues",
        },
        _ => Words {
            offer: "Mentorship offer",
            places: "places available",
            full: "full",
            closed: "closed",
            languages: "Languages",
        },
    }
}

/// One line naming the offer's subjects, levels, format, region and places, in `lang`.
pub fn facets_line(o: &offer::Model, lang: &str) -> String {
    let w = words(lang);
    let mut parts = labels(
        vocabulary::SUBJECTS,
        &db::mentorship::codes_of(&o.subjects),
        lang,
    );
    parts.extend(labels(
        vocabulary::LEVELS,
        &db::mentorship::codes_of(&o.levels),
        lang,
    ));
    parts.extend(labels(
        vocabulary::FORMATS,
        std::slice::from_ref(&o.format),
        lang,
    ));
    parts.extend(o.region.iter().cloned());
    let languages = db::mentorship::codes_of(&o.languages);
    if !languages.is_empty() {
        parts.push(format!("{}: {}", w.languages, languages.join(", ")));
    }
    parts.push(match o.state.as_str() {
        "closed" => w.closed.to_string(),
        "full" => w.full.to_string(),
        _ => format!("{} {}", o.available, w.places),
    });
    parts.join(" · ")
}

/// The plain-text source of an offer's public status: title, facets, description excerpt,
/// hashtags and the page link.
pub fn offer_status_text(o: &offer::Model, page: &str, lang: &str) -> String {
    let w = words(lang);
    let excerpt: String = o.description.chars().take(280).collect();
    let ellipsis = if o.description.chars().count() > 280 {
        "…"
    } else {
        ""
    };
    let mut tags = vec![format!("#{OFFER_HASHTAG}")];
    tags.extend(
        db::mentorship::codes_of(&o.subjects)
            .iter()
            .map(|s| format!("#{s}")),
    );
    format!(
        "{}: {}\n{}\n\n{excerpt}{ellipsis}\n\n{}\n{page}",
        w.offer,
        o.title,
        facets_line(o, lang),
        tags.join(" ")
    )
}

/// HTML and hashtags of a local plain-text status that mentions nobody (or only `mention`).
pub fn render(
    data: &Data<AppState>,
    source: &str,
    mention: Option<&actor::Model>,
) -> (String, Vec<String>) {
    let resolve = |m: &text::MentionRef| {
        let a = mention?;
        let same_domain = m
            .domain
            .as_deref()
            .is_none_or(|d| d.eq_ignore_ascii_case(&a.domain));
        (m.username.eq_ignore_ascii_case(&a.username) && same_domain).then(|| {
            text::ResolvedMention {
                url: a.url.clone().unwrap_or_else(|| a.ap_id.clone()),
                display: format!("@{}", a.handle()),
            }
        })
    };
    let tag_url = |t: &str| data.urls.tag(t);
    let html = text::render_local_status(source, &resolve, &tag_url);
    (html, text::parse_mentions_and_tags(source).hashtags)
}

/// The language `author` writes in: their posting language, else their interface language,
/// else the node's.
pub async fn language_of(
    db: &impl sea_orm::ConnectionTrait,
    data: &Data<AppState>,
    author: &actor::Model,
) -> AppResult<String> {
    let user = db::users::find_by_actor(db, author.id).await?;
    Ok(user
        .and_then(|u| u.default_language.or(u.locale))
        .filter(|l| !l.is_empty())
        .unwrap_or_else(|| data.config.instance.default_language.clone()))
}

/// A new public local post by `author` with `source` (hashtags linked), written, fed to
/// timelines and federated as Create(Note) in `txn`. `post_id` is chosen by the caller so the
/// offer can name its Note before both are written.
pub async fn public_post(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    author: &actor::Model,
    post_id: i64,
    source: &str,
    url: &str,
    language: &str,
) -> AppResult<post::Model> {
    let (html, hashtags) = render(data, source, None);
    let now = Utc::now();
    let row = post::ActiveModel {
        id: Set(post_id),
        ap_id: Set(data.urls.post(&author.username, post_id)),
        local: Set(true),
        author_id: Set(author.id),
        url: Set(Some(url.to_string())),
        content: Set(html),
        source: Set(Some(source.to_string())),
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
    timelines::post_created(txn, data, &post).await?;
    outbox::post_created(txn, data, author, &post, None).await?;
    Ok(post)
}

/// Rewrites a local post with `source` (an edit: the old text goes to the history), in `txn`,
/// and federates Update(Note).
pub async fn rewrite_post(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    author: &actor::Model,
    existing: &post::Model,
    source: &str,
) -> AppResult<post::Model> {
    if existing.source.as_deref() == Some(source) || existing.deleted_at.is_some() {
        return Ok(existing.clone());
    }
    let (html, hashtags) = render(data, source, None);
    db::posts::save_revision(txn, &data.ids, existing).await?;
    let mut row: post::ActiveModel = existing.clone().into();
    row.content = Set(html);
    row.source = Set(Some(source.to_string()));
    row.edited_at = Set(Some(Utc::now()));
    let post = db::posts::update_content(txn, row, &[], &hashtags).await?;
    timelines::post_edited(txn, data, &post).await?;
    outbox::post_updated(txn, data, author, &post).await?;
    Ok(post)
}

/// A direct message from local `author` to `recipient` (mentioned first, so every Mastodon app
/// notifies them), written and federated in `txn`.
pub async fn direct_message(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    author: &actor::Model,
    recipient: &actor::Model,
    body: &str,
) -> AppResult<post::Model> {
    let source = format!("@{} {body}", recipient.handle());
    let (html, hashtags) = render(data, &source, Some(recipient));
    let id = data.ids.next();
    let now = Utc::now();
    let row = post::ActiveModel {
        id: Set(id),
        ap_id: Set(data.urls.post(&author.username, id)),
        local: Set(true),
        author_id: Set(author.id),
        url: Set(Some(data.urls.post_page(&author.username, id))),
        content: Set(html),
        source: Set(Some(source)),
        summary: Set(None),
        sensitive: Set(false),
        visibility: Set("direct".into()),
        language: Set(None),
        in_reply_to_ap_id: Set(None),
        in_reply_to_id: Set(None),
        reblog_of_id: Set(None),
        published_at: Set(now),
        edited_at: Set(None),
        created_at: Set(now),
        deleted_at: Set(None),
        application_id: Set(None),
    };
    let post = db::posts::insert_local(txn, row, &[recipient.id], &hashtags).await?;
    timelines::post_created(txn, data, &post).await?;
    outbox::post_created(txn, data, author, &post, None).await?;
    Ok(post)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offer() -> offer::Model {
        let now = Utc::now();
        offer::Model {
            id: 1,
            ap_id: "https://b.example/mentorship/offers/1".into(),
            local: true,
            author_id: 2,
            note_ap_id: None,
            url: None,
            title: "Premiers pas en classe".into(),
            description: "Accompagnement des stagiaires.".into(),
            subjects: r#"["mathematics","physics_chemistry"]"#.into(),
            levels: r#"["secondary"]"#.into(),
            languages: r#"["fr","ar"]"#.into(),
            format: "online".into(),
            region: Some("Fès-Meknès".into()),
            capacity: 2,
            available: 2,
            state: "open".into(),
            starts_at: None,
            ends_at: None,
            published_at: now,
            updated_at: now,
        }
    }

    #[test]
    fn offer_status_is_readable_in_the_authors_language_with_hashtags_and_link() {
        let o = offer();
        let text = offer_status_text(&o, "https://b.example/mentorship/offers/1", "fr");
        assert!(
            text.starts_with("Offre de mentorat: Premiers pas en classe"),
            "{text}"
        );
        assert!(
            text.contains("Mathématiques · Physique-chimie · Lycée · En ligne"),
            "{text}"
        );
        assert!(text.contains("2 places disponibles"), "{text}");
        assert!(
            text.contains("#MentorshipOffer #mathematics #physics_chemistry"),
            "{text}"
        );
        assert!(
            text.ends_with("https://b.example/mentorship/offers/1"),
            "{text}"
        );
        let tags = text::parse_mentions_and_tags(&text).hashtags;
        assert_eq!(
            tags,
            vec!["mentorshipoffer", "mathematics", "physics_chemistry"]
        );
    }

    #[test]
    fn full_and_closed_offers_say_so() {
        let mut o = offer();
        o.state = "full".into();
        assert!(facets_line(&o, "en").ends_with("full"));
        o.state = "closed".into();
        assert!(facets_line(&o, "ar").ends_with("مغلق"));
    }
}
