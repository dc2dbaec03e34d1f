//! Mentorship offers: publishing, editing and closing local offers (each with its readable
//! public status), places and state kept by the mentor's node (open → full → open again when a
//! mentorship ends; closed is final), the directory across the federation, and offers arriving
//! from other Halqa nodes.
use super::{check_text, notes};
use crate::{
    AppState,
    db::{
        self,
        entity::{actor, mentorship_offer as offer},
        mentorship::{OfferFilter, RemoteOffer},
        paging::Cursor,
    },
    error::{AppError, AppResult},
    federation::outbox,
    service::{commit, vocabulary},
};
use activitypub_federation::config::Data;
use chrono::{DateTime, Utc};
use sea_orm::{DatabaseTransaction, Set, TransactionTrait};

/// Most mentees one offer may take.
pub const MAX_CAPACITY: i32 = 50;
/// The states of an offer.
pub const STATES: [&str; 3] = ["open", "full", "closed"];

/// An offer as its mentor writes it.
#[derive(Debug, Clone, Default)]
pub struct OfferInput {
    pub title: String,
    pub description: String,
    pub subjects: Vec<String>,
    pub levels: Vec<String>,
    /// BCP 47 tags; empty means the mentor's own language.
    pub languages: Vec<String>,
    /// online, in_person or hybrid.
    pub format: String,
    pub region: Option<String>,
    pub capacity: i32,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
}

/// What an edit changes (`None` keeps the value; an empty region clears it).
#[derive(Debug, Clone, Default)]
pub struct OfferChanges {
    pub title: Option<String>,
    pub description: Option<String>,
    pub subjects: Option<Vec<String>>,
    pub levels: Option<Vec<String>>,
    pub languages: Option<Vec<String>>,
    pub format: Option<String>,
    pub region: Option<String>,
    pub capacity: Option<i32>,
    /// `None` keeps the date, `Some(None)` clears it.
    pub starts_at: Option<Option<DateTime<Utc>>>,
    pub ends_at: Option<Option<DateTime<Utc>>>,
}

/// `open` or `full` from the places left, unless the mentor closed it.
pub fn state_for(closed: bool, available: i32) -> &'static str {
    if closed {
        "closed"
    } else if available <= 0 {
        "full"
    } else {
        "open"
    }
}

/// Checks and cleans an offer; errors name the field and, for codes, every allowed value.
pub fn check(input: OfferInput, default_language: &str) -> AppResult<OfferInput> {
    let title = check_text("title", &input.title, 120, true)?;
    let description = check_text("description", &input.description, 5000, true)?;
    let subjects = vocabulary::check_all("subjects", vocabulary::SUBJECTS, &input.subjects)?;
    if subjects.is_empty() {
        return Err(AppError::Invalid(format!(
            "subjects: at least one is required; allowed: {}",
            vocabulary::codes(vocabulary::SUBJECTS).join(", ")
        )));
    }
    let levels = vocabulary::check_all("levels", vocabulary::LEVELS, &input.levels)?;
    let mut languages: Vec<String> = Vec::new();
    for lang in input
        .languages
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
    {
        if !vocabulary::is_language_tag(lang) {
            return Err(AppError::Invalid(format!(
                "languages: {lang:?} is not a language tag such as ar, fr or en"
            )));
        }
        if !languages.iter().any(|l| l == lang) {
            languages.push(lang.to_string());
        }
    }
    if languages.is_empty() {
        languages.push(default_language.to_string());
    }
    let format = match input.format.trim() {
        "" => "online".to_string(),
        f => {
            vocabulary::check("format", vocabulary::FORMATS, f)?;
            f.to_string()
        }
    };
    let region = match input.region.as_deref().map(str::trim) {
        Some(r) if !r.is_empty() => Some(check_text("region", r, 100, true)?),
        _ => None,
    };
    if !(1..=MAX_CAPACITY).contains(&input.capacity) {
        return Err(AppError::Invalid(format!(
            "capacity must be between 1 and {MAX_CAPACITY}"
        )));
    }
    if let (Some(start), Some(end)) = (input.starts_at, input.ends_at)
        && end <= start
    {
        return Err(AppError::Invalid("ends_at must be after starts_at".into()));
    }
    Ok(OfferInput {
        title,
        description,
        subjects,
        levels,
        languages,
        format,
        region,
        ..input
    })
}

/// Publishes an offer by local `author`: the offer, its public status (Create(Note) to every
/// follower) and Create(Proposal) to the followers on Halqa nodes, in one transaction.
pub async fn publish_offer(
    data: &Data<AppState>,
    author: &actor::Model,
    input: OfferInput,
) -> AppResult<offer::Model> {
    let language = notes::language_of(&data.db.read, data, author).await?;
    let input = check(input, &language)?;
    let id = data.ids.next();
    let post_id = data.ids.next();
    let page = data.urls.offer(id);
    let now = Utc::now();
    let row = offer::ActiveModel {
        id: Set(id),
        ap_id: Set(page.clone()),
        local: Set(true),
        author_id: Set(author.id),
        note_ap_id: Set(Some(data.urls.post(&author.username, post_id))),
        url: Set(Some(page.clone())),
        title: Set(input.title),
        description: Set(input.description),
        subjects: Set(db::mentorship::codes_json(&input.subjects)),
        levels: Set(db::mentorship::codes_json(&input.levels)),
        languages: Set(db::mentorship::codes_json(&input.languages)),
        format: Set(input.format),
        region: Set(input.region),
        capacity: Set(input.capacity),
        available: Set(input.capacity),
        state: Set("open".into()),
        starts_at: Set(input.starts_at),
        ends_at: Set(input.ends_at),
        published_at: Set(now),
        updated_at: Set(now),
    };
    let txn = data.db.write.begin().await?;
    let offer = db::mentorship::insert_offer(&txn, row).await?;
    let source = notes::offer_status_text(&offer, &page, &language);
    notes::public_post(&txn, data, author, post_id, &source, &page, &language).await?;
    let inboxes = recipients(&txn, author, &offer).await?;
    outbox::offer_published(&txn, data, author, &offer, "Create", inboxes).await?;
    commit(data, txn).await?;
    Ok(offer)
}

/// The author's own local offer, or 404.
async fn own_offer(
    data: &Data<AppState>,
    author: &actor::Model,
    id: i64,
) -> AppResult<offer::Model> {
    let offer = db::mentorship::get_offer(&data.db.read, id).await?;
    if offer.author_id != author.id || !offer.local {
        return Err(AppError::not_found("offer not found"));
    }
    Ok(offer)
}

/// Edits a local offer (author only); a capacity below the current mentees is refused.
pub async fn edit_offer(
    data: &Data<AppState>,
    author: &actor::Model,
    id: i64,
    changes: OfferChanges,
) -> AppResult<offer::Model> {
    let existing = own_offer(data, author, id).await?;
    let codes = db::mentorship::codes_of;
    let region = match changes.region {
        Some(r) if r.trim().is_empty() => None,
        Some(r) => Some(r),
        None => existing.region.clone(),
    };
    let merged = OfferInput {
        title: changes.title.unwrap_or(existing.title.clone()),
        description: changes.description.unwrap_or(existing.description.clone()),
        subjects: changes.subjects.unwrap_or(codes(&existing.subjects)),
        levels: changes.levels.unwrap_or(codes(&existing.levels)),
        languages: changes.languages.unwrap_or(codes(&existing.languages)),
        format: changes.format.unwrap_or(existing.format.clone()),
        region,
        capacity: changes.capacity.unwrap_or(existing.capacity),
        starts_at: changes.starts_at.unwrap_or(existing.starts_at),
        ends_at: changes.ends_at.unwrap_or(existing.ends_at),
    };
    let language = notes::language_of(&data.db.read, data, author).await?;
    let input = check(merged, &language)?;
    let txn = data.db.write.begin().await?;
    db::mentorship::lock_offer(&txn, id).await?;
    let mentees = db::mentorship::count_active(&txn, id).await?;
    if i64::from(input.capacity) < mentees {
        return Err(AppError::Invalid(format!(
            "capacity {} is below the {mentees} current mentees of this offer",
            input.capacity
        )));
    }
    let available = input.capacity - mentees as i32;
    let mut row: offer::ActiveModel = existing.clone().into();
    row.title = Set(input.title);
    row.description = Set(input.description);
    row.subjects = Set(db::mentorship::codes_json(&input.subjects));
    row.levels = Set(db::mentorship::codes_json(&input.levels));
    row.languages = Set(db::mentorship::codes_json(&input.languages));
    row.format = Set(input.format);
    row.region = Set(input.region);
    row.capacity = Set(input.capacity);
    row.available = Set(available);
    row.state = Set(state_for(existing.state == "closed", available).into());
    row.starts_at = Set(input.starts_at);
    row.ends_at = Set(input.ends_at);
    row.updated_at = Set(Utc::now());
    let offer = db::mentorship::update_offer(&txn, row).await?;
    announce_update(&txn, data, author, &offer).await?;
    commit(data, txn).await?;
    Ok(offer)
}

/// Closes a local offer (author only): no new requests; Update to everyone who has it.
pub async fn close_offer(
    data: &Data<AppState>,
    author: &actor::Model,
    id: i64,
) -> AppResult<offer::Model> {
    let existing = own_offer(data, author, id).await?;
    let txn = data.db.write.begin().await?;
    let offer = close_in(&txn, data, author, existing).await?;
    commit(data, txn).await?;
    Ok(offer)
}

async fn close_in(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    author: &actor::Model,
    existing: offer::Model,
) -> AppResult<offer::Model> {
    if existing.state == "closed" {
        return Ok(existing);
    }
    let mut row: offer::ActiveModel = existing.into();
    row.state = Set("closed".into());
    row.updated_at = Set(Utc::now());
    let offer = db::mentorship::update_offer(txn, row).await?;
    announce_update(txn, data, author, &offer).await?;
    Ok(offer)
}

/// `author` moved to `target` (a move done here, or one believed from another server): its
/// offers stop taking requests, and the requests still waiting are declined with a reason
/// naming the new account. A local author's decline goes to each mentee (Reject, direct
/// message) and each offer closes with an Update to everyone who has it; for a remote author
/// this node declines its own users' requests itself, as a Reject would (the author's node
/// may answer only after the mentorships here follow the move), and closes its copies. Runs
/// before mentorships are re-pointed; those already running go on with the new account.
pub async fn author_moved(
    data: &Data<AppState>,
    author: &actor::Model,
    target: &actor::Model,
) -> AppResult<()> {
    let reason = format!("the mentor moved to @{}", target.handle());
    for offer in db::mentorship::unclosed_offers_of(&data.db.read, author.id).await? {
        for req in db::mentorship::pending_requests_of(&data.db.read, offer.id).await? {
            if author.local {
                super::requests::decline_request(data, author, req.id, &reason).await?;
            } else {
                super::requests::receive_answer(data, author, &req, None, Some(reason.clone()))
                    .await?;
            }
        }
        if author.local {
            close_offer(data, author, offer.id).await?;
        }
    }
    if !author.local {
        db::mentorship::close_offers_of(&data.db.write, author.id).await?;
    }
    Ok(())
}

/// Withdraws a local offer (author only, `DELETE`): pending requests are declined with the
/// reason, its status is deleted everywhere (Delete(Note)) and the offer closes for good
/// (Update(Proposal)). Mentorships already running from it go on.
pub async fn withdraw_offer(
    data: &Data<AppState>,
    author: &actor::Model,
    id: i64,
) -> AppResult<offer::Model> {
    let existing = own_offer(data, author, id).await?;
    let pending = db::mentorship::pending_requests_of(&data.db.read, existing.id).await?;
    for req in pending {
        super::requests::decline_request(data, author, req.id, "the mentor withdrew this offer")
            .await?;
    }
    let note = match &existing.note_ap_id {
        Some(ap_id) => db::posts::find_by_ap_id(&data.db.read, ap_id).await?,
        None => None,
    };
    match note.filter(|post| post.deleted_at.is_none()) {
        // Deleting the status closes the offer (see `status_deleted`).
        Some(post) => {
            crate::service::posts::delete_post(data, author, post.id).await?;
        }
        None => {
            close_offer(data, author, id).await?;
        }
    }
    db::mentorship::get_offer(&data.db.read, id).await
}

/// The status `post` was deleted: if it was an offer's status, the offer closes — a local one
/// with an Update(Proposal) to everyone who has it, a remote copy here only.
pub async fn status_deleted(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    post: &crate::db::entity::post::Model,
) -> AppResult<()> {
    let Some(offer) = db::mentorship::find_offer_by_note(txn, &post.ap_id).await? else {
        return Ok(());
    };
    if offer.local {
        let author = db::actors::get_by_id(txn, offer.author_id).await?;
        close_in(txn, data, &author, offer).await?;
    } else if offer.state != "closed" {
        let mut row: offer::ActiveModel = offer.into();
        row.state = Set("closed".into());
        row.updated_at = Set(Utc::now());
        db::mentorship::update_offer(txn, row).await?;
    }
    Ok(())
}

/// Recounts a local offer's places after a mentorship began or ended (the caller holds the
/// offer's lock); when its state changes, the status and the Proposal are updated everywhere.
pub(super) async fn recount(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    offer: &offer::Model,
) -> AppResult<offer::Model> {
    if !offer.local {
        return Ok(offer.clone());
    }
    let mentees = db::mentorship::count_active(txn, offer.id).await?;
    let available = (offer.capacity - mentees as i32).max(0);
    if available == offer.available {
        return Ok(offer.clone());
    }
    let mut row: offer::ActiveModel = offer.clone().into();
    row.available = Set(available);
    row.state = Set(state_for(offer.state == "closed", available).into());
    row.updated_at = Set(Utc::now());
    let updated = db::mentorship::update_offer(txn, row).await?;
    let author = db::actors::get_by_id(txn, offer.author_id).await?;
    announce_update(txn, data, &author, &updated).await?;
    Ok(updated)
}

/// Rewrites the offer's status (Update(Note) to every follower) and sends Update(Proposal).
async fn announce_update(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    author: &actor::Model,
    offer: &offer::Model,
) -> AppResult<()> {
    if let Some(note) = &offer.note_ap_id
        && let Some(post) = db::posts::find_by_ap_id(txn, note).await?
        && post.deleted_at.is_none()
    {
        let language = post
            .language
            .clone()
            .unwrap_or_else(|| data.config.instance.default_language.clone());
        let page = offer.url.clone().unwrap_or_else(|| offer.ap_id.clone());
        let source = notes::offer_status_text(offer, &page, &language);
        notes::rewrite_post(txn, data, author, &post, &source).await?;
    }
    let inboxes = recipients(txn, author, offer).await?;
    outbox::offer_published(txn, data, author, offer, "Update", inboxes).await
}

/// Who receives the Proposal: the mentor's followers and the node's institution actor's
/// followers, on Halqa nodes, and every remote mentee who requested it (always Halqa nodes:
/// they sent an `Offer`).
async fn recipients(
    txn: &DatabaseTransaction,
    author: &actor::Model,
    offer: &offer::Model,
) -> AppResult<Vec<String>> {
    let mut followers = db::actors::follower_inboxes(txn, author.id).await?;
    // The node's institution actor shares its offers with the institutions following it.
    if let Ok(institution) = crate::service::institutions::local_actor(txn).await {
        followers.extend(db::actors::follower_inboxes(txn, institution.id).await?);
    }
    let mut inboxes = super::halqa_inboxes(txn, followers).await?;
    let mentees = db::mentorship::requester_ids(txn, offer.id).await?;
    for mentee in db::views::actors_by_ids(txn, &mentees).await?.values() {
        if !mentee.local {
            inboxes.push(mentee.delivery_inbox().to_string());
        }
    }
    Ok(inboxes)
}

/// Checks directory filters against the vocabulary (unknown values are a 422 naming the
/// allowed ones) and lists the matching offers, local and remote.
pub async fn directory(
    data: &Data<AppState>,
    filter: OfferFilter,
    cursor: Cursor,
) -> AppResult<Vec<offer::Model>> {
    check_filter(&filter)?;
    db::mentorship::list_offers(&data.db.read, &filter, cursor).await
}

/// Checks directory filters against the vocabulary (unknown values are a 422 naming the
/// allowed ones).
pub fn check_filter(filter: &OfferFilter) -> AppResult<()> {
    if let Some(s) = &filter.subject {
        vocabulary::check("subject", vocabulary::SUBJECTS, s)?;
    }
    if let Some(l) = &filter.level {
        vocabulary::check("level", vocabulary::LEVELS, l)?;
    }
    if let Some(f) = &filter.format {
        vocabulary::check("format", vocabulary::FORMATS, f)?;
    }
    if let Some(l) = &filter.language
        && !vocabulary::is_language_tag(l)
    {
        return Err(AppError::Invalid(format!(
            "language: {l:?} is not a language tag"
        )));
    }
    Ok(())
}

/// Stores (or updates) an offer another Halqa node published; `author` sent it. Facets from a
/// newer vocabulary are dropped, never an error.
pub async fn receive_offer(
    data: &Data<AppState>,
    author: &actor::Model,
    mut remote: RemoteOffer,
) -> AppResult<offer::Model> {
    if author.local {
        return Err(AppError::Forbidden(
            "a local offer cannot be changed from outside".into(),
        ));
    }
    remote.author_id = author.id;
    remote.subjects = vocabulary::known_only(vocabulary::SUBJECTS, &remote.subjects);
    remote.levels = vocabulary::known_only(vocabulary::LEVELS, &remote.levels);
    remote.languages.retain(|l| vocabulary::is_language_tag(l));
    if vocabulary::find(vocabulary::FORMATS, &remote.format).is_none() {
        remote.format = "online".into();
    }
    remote.capacity = remote.capacity.clamp(1, 1000);
    remote.available = remote.available.clamp(0, remote.capacity);
    if !STATES.contains(&remote.state.as_str()) {
        remote.state = state_for(false, remote.available).into();
    }
    remote.title = remote.title.chars().take(200).collect();
    remote.description = remote.description.chars().take(10_000).collect();
    remote.region = remote.region.map(|r| r.chars().take(100).collect());
    db::mentorship::upsert_remote_offer(&data.db.write, &data.ids, remote).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> OfferInput {
        OfferInput {
            title: " Maths mentoring ".into(),
            description: "Weekly calls.".into(),
            subjects: vec!["mathematics".into()],
            levels: vec!["secondary".into()],
            languages: vec![],
            format: String::new(),
            region: Some("  ".into()),
            capacity: 2,
            starts_at: None,
            ends_at: None,
        }
    }

    #[test]
    fn checked_offers_get_defaults_and_clean_values() {
        let ok = check(input(), "fr").unwrap();
        assert_eq!(ok.title, "Maths mentoring");
        assert_eq!(ok.languages, vec!["fr"]);
        assert_eq!(ok.format, "online");
        assert_eq!(ok.region, None);
    }

    #[test]
    fn bad_offers_are_refused_with_the_allowed_values() {
        let err = check(
            OfferInput {
                subjects: vec!["alchemy".into()],
                ..input()
            },
            "fr",
        )
        .unwrap_err();
        assert!(err.to_string().contains("mathematics"), "{err}");
        let err = check(
            OfferInput {
                levels: vec!["kindergarten".into()],
                ..input()
            },
            "fr",
        )
        .unwrap_err();
        assert!(err.to_string().contains("primary"), "{err}");
        assert!(
            check(
                OfferInput {
                    capacity: 0,
                    ..input()
                },
                "fr"
            )
            .is_err()
        );
        assert!(
            check(
                OfferInput {
                    subjects: vec![],
                    ..input()
                },
                "fr"
            )
            .is_err()
        );
        assert!(
            check(
                OfferInput {
                    format: "by pigeon".into(),
                    ..input()
                },
                "fr"
            )
            .is_err()
        );
        let now = Utc::now();
        assert!(
            check(
                OfferInput {
                    starts_at: Some(now),
                    ends_at: Some(now),
                    ..input()
                },
                "fr"
            )
            .is_err()
        );
    }

    #[test]
    fn state_follows_places_unless_closed() {
        assert_eq!(state_for(false, 2), "open");
        assert_eq!(state_for(false, 0), "full");
        assert_eq!(state_for(true, 2), "closed");
    }
}
