//! Resource collections (issue 5, part 2): ordered, curated sets of resources owned by an actor
//! (a person; a circle later), with a visibility — `public`, `approval` (followers approved by
//! the owner see the items) or `private` (the owner alone). Creating, editing and deleting
//! local ones (each public one with its readable status, [`notes`]); their items ([`items`]);
//! following them across nodes ([`follows`]); and collections arriving from other Halqa nodes.
//! Local users and inbound activities call the same functions.
pub mod follows;
pub mod items;
pub mod notes;
pub mod owners;

pub mod access;

pub use access::{can_see, can_see_items, visible};
pub use owners::{Managed, managed, own_collection};

use crate::{
    AppState,
    db::{
        self,
        collections::{CollectionFilter, RemoteCollection},
        entity::{actor, collection, mentorship_event},
        mentorship::{codes_json, codes_of},
        paging::Cursor,
    },
    error::{AppError, AppResult},
    federation::outbox,
    service::{
        commit,
        mentorship::{check_text, halqa_inboxes, notes::language_of},
        vocabulary,
    },
};
use activitypub_federation::config::Data;
use chrono::Utc;
use sea_orm::{ConnectionTrait, DatabaseTransaction, Set, TransactionTrait};

/// Most items a collection holds.
pub const MAX_ITEMS: usize = 500;
/// Longest note on an item, in characters.
pub const MAX_NOTE: usize = 1000;

/// Who sees a collection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// Everyone sees it and its items; follows are accepted at once.
    Public,
    /// Everyone sees it; its items only the followers its owner approved.
    Approval,
    /// Only its owner; it never leaves this node.
    Private,
}

impl Visibility {
    pub const ALL: [Visibility; 3] = [
        Visibility::Public,
        Visibility::Approval,
        Visibility::Private,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Public => "public",
            Visibility::Approval => "approval",
            Visibility::Private => "private",
        }
    }

    /// `raw` as a visibility, or a 422 naming the allowed ones.
    pub fn parse(raw: &str) -> AppResult<Visibility> {
        Visibility::ALL
            .into_iter()
            .find(|v| v.as_str() == raw.trim())
            .ok_or_else(|| {
                AppError::Invalid(format!(
                    "visibility: unknown value {raw:?}; allowed: public, approval, private"
                ))
            })
    }

    /// A stored value (anything unknown is treated as the most closed).
    pub fn of(c: &collection::Model) -> Visibility {
        Visibility::parse(&c.visibility).unwrap_or(Visibility::Private)
    }
}

/// A collection as its owner writes it.
#[derive(Debug, Clone, Default)]
pub struct CollectionInput {
    pub title: String,
    pub description: String,
    pub subjects: Vec<String>,
    pub levels: Vec<String>,
    /// BCP 47 tags; empty means the owner's own language.
    pub languages: Vec<String>,
    /// `None`: public.
    pub visibility: Option<String>,
}

/// What an edit changes (`None` keeps the value).
#[derive(Debug, Clone, Default)]
pub struct CollectionChanges {
    pub title: Option<String>,
    pub description: Option<String>,
    pub subjects: Option<Vec<String>>,
    pub levels: Option<Vec<String>>,
    pub languages: Option<Vec<String>>,
    pub visibility: Option<String>,
}

/// A checked collection, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedCollection {
    pub title: String,
    pub description: String,
    pub subjects: Vec<String>,
    pub levels: Vec<String>,
    pub languages: Vec<String>,
    pub visibility: Visibility,
}

/// Checks and cleans a collection; errors name the field and, for codes, every allowed value.
pub fn check(input: CollectionInput, default_language: &str) -> AppResult<CheckedCollection> {
    let title = check_text("title", &input.title, 200, true)?;
    let description = check_text("description", &input.description, 5000, false)?;
    let subjects = vocabulary::check_all("subjects", vocabulary::SUBJECTS, &input.subjects)?;
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
    let visibility = match input.visibility.as_deref().map(str::trim) {
        None | Some("") => Visibility::Public,
        Some(v) => Visibility::parse(v)?,
    };
    Ok(CheckedCollection {
        title,
        description,
        subjects,
        levels,
        languages,
        visibility,
    })
}

fn apply(row: &mut collection::ActiveModel, c: CheckedCollection) {
    row.title = Set(c.title);
    row.description = Set(c.description);
    row.subjects = Set(codes_json(&c.subjects));
    row.levels = Set(codes_json(&c.levels));
    row.languages = Set(codes_json(&c.languages));
    row.visibility = Set(c.visibility.as_str().to_string());
}

/// Creates a collection owned by local `user` or, with `circle_id`, by that circle (`user` must
/// moderate it). A public one also becomes a status by its owner (Create(Note) to every
/// follower) and goes as Create(OrderedCollection) to the owner's Halqa followers.
pub async fn create(
    data: &Data<AppState>,
    user: &actor::Model,
    circle_id: Option<i64>,
    input: CollectionInput,
) -> AppResult<collection::Model> {
    create_with(data, user, circle_id, input, None).await
}

/// Creates `user`'s collection restored from an account archive, as [`create`] does, recording
/// `original_url`, where it was first published.
pub async fn create_imported(
    data: &Data<AppState>,
    user: &actor::Model,
    input: CollectionInput,
    original_url: String,
) -> AppResult<collection::Model> {
    create_with(data, user, None, input, Some(original_url)).await
}

async fn create_with(
    data: &Data<AppState>,
    user: &actor::Model,
    circle_id: Option<i64>,
    input: CollectionInput,
    original_url: Option<String>,
) -> AppResult<collection::Model> {
    let owner = &owners::owner_for_new(data, user, circle_id, input.visibility.as_deref()).await?;
    let language = language_of(&data.db.read, data, owner).await?;
    let checked = check(input, &language)?;
    let id = data.ids.next();
    let page = data.urls.collection(id);
    let now = Utc::now();
    let mut row = collection::ActiveModel {
        id: Set(id),
        ap_id: Set(page.clone()),
        local: Set(true),
        owner_id: Set(owner.id),
        note_ap_id: Set(None),
        url: Set(Some(page)),
        original_url: Set(original_url),
        published_at: Set(now),
        updated_at: Set(now),
        deleted_at: Set(None),
        ..Default::default()
    };
    apply(&mut row, checked);
    let txn = data.db.write.begin().await?;
    let mut stored = db::collections::insert(&txn, row).await?;
    if Visibility::of(&stored) == Visibility::Public {
        stored = notes::publish_status(&txn, data, owner, stored, &language).await?;
    }
    announce(&txn, data, owner, &stored, "Create").await?;
    commit(data, txn).await?;
    Ok(stored)
}

/// Edits a local collection (its owner or, for a circle's, a moderator): its status follows (written, rewritten or deleted
/// as the visibility says), Update(OrderedCollection) goes to its followers (and, when public,
/// the owner's Halqa followers). Turning private drops the followers (they get its Delete).
pub async fn edit(
    data: &Data<AppState>,
    user: &actor::Model,
    id: i64,
    changes: CollectionChanges,
) -> AppResult<collection::Model> {
    let Managed {
        collection: existing,
        owner,
    } = managed(&data.db.read, user, id).await?;
    let owner = &owner;
    let merged = CollectionInput {
        title: changes.title.unwrap_or(existing.title.clone()),
        description: changes.description.unwrap_or(existing.description.clone()),
        subjects: changes.subjects.unwrap_or(codes_of(&existing.subjects)),
        levels: changes.levels.unwrap_or(codes_of(&existing.levels)),
        languages: changes.languages.unwrap_or(codes_of(&existing.languages)),
        visibility: Some(changes.visibility.unwrap_or(existing.visibility.clone())),
    };
    let language = language_of(&data.db.read, data, owner).await?;
    let checked = check(merged, &language)?;
    if checked.visibility == Visibility::Private && owner.kind == "Group" {
        return Err(AppError::Invalid(
            "visibility: a circle's collection is public or approval, not private".into(),
        ));
    }
    let was = Visibility::of(&existing);
    let now_visible = checked.visibility;
    let mut row: collection::ActiveModel = existing.clone().into();
    apply(&mut row, checked);
    row.updated_at = Set(Utc::now());
    let txn = data.db.write.begin().await?;
    let mut stored = db::collections::update(&txn, row).await?;
    if now_visible == Visibility::Public {
        stored = notes::publish_or_rewrite(&txn, data, owner, stored, &language).await?;
    } else {
        stored = notes::delete_status(&txn, data, owner, stored).await?;
    }
    if now_visible == Visibility::Private && was != Visibility::Private {
        // Nobody but the owner may see it now: everyone who had it is told it is gone.
        let inboxes = audience(&txn, owner, &existing, true).await?;
        outbox::collection_deleted(&txn, data, owner, &existing, inboxes).await?;
        for f in db::collections::follows_of(&txn, id, true).await? {
            db::collections::delete_follow(&txn, f.id).await?;
        }
        for f in db::collections::follows_of(&txn, id, false).await? {
            db::collections::delete_follow(&txn, f.id).await?;
        }
    } else {
        announce(&txn, data, owner, &stored, "Update").await?;
    }
    commit(data, txn).await?;
    Ok(stored)
}

/// Deletes a local collection (its owner or, for a circle's, a moderator) with its status and
/// items: Delete to everyone who had it. The row stays, marked deleted.
pub async fn delete(data: &Data<AppState>, user: &actor::Model, id: i64) -> AppResult<()> {
    let Managed {
        collection: existing,
        owner,
    } = managed(&data.db.read, user, id).await?;
    let owner = &owner;
    let txn = data.db.write.begin().await?;
    let inboxes = if Visibility::of(&existing) == Visibility::Private {
        Vec::new()
    } else {
        audience(&txn, owner, &existing, true).await?
    };
    let existing = notes::delete_status(&txn, data, owner, existing).await?;
    db::collections::mark_deleted(&txn, &existing).await?;
    if !inboxes.is_empty() {
        outbox::collection_deleted(&txn, data, owner, &existing, inboxes).await?;
    }
    commit(data, txn).await
}

/// Records a PLN notification (`GET /api/v1/pln/mentorship/notifications`) of `kind` about
/// collection `c` (and resource `resource_id`) for `recipient` if it is a local account.
pub async fn notify(
    db: &impl ConnectionTrait,
    data: &Data<AppState>,
    recipient: &actor::Model,
    kind: &str,
    from: i64,
    c: &collection::Model,
    resource_id: Option<i64>,
) -> AppResult<()> {
    if !recipient.local || recipient.id == from {
        return Ok(());
    }
    db::mentorship::insert_event(
        db,
        mentorship_event::ActiveModel {
            id: Set(data.ids.next()),
            recipient_id: Set(recipient.id),
            kind: Set(kind.to_string()),
            from_actor_id: Set(from),
            offer_id: Set(None),
            request_id: Set(None),
            agreement_id: Set(None),
            collection_id: Set(Some(c.id)),
            resource_id: Set(resource_id),
            created_at: Set(Utc::now()),
        },
    )
    .await
}

/// The inboxes of the collection's accepted remote followers.
pub async fn follower_inboxes(
    db: &impl ConnectionTrait,
    c: &collection::Model,
) -> AppResult<Vec<String>> {
    let ids: Vec<i64> = db::collections::follows_of(db, c.id, true)
        .await?
        .iter()
        .map(|f| f.follower_id)
        .collect();
    let mut out = Vec::new();
    for a in db::views::actors_by_ids(db, &ids).await?.into_values() {
        if !a.local {
            out.push(a.delivery_inbox().to_string());
        }
    }
    Ok(out)
}

/// Who hears of the collection's changes: its accepted followers and, when it is public (or
/// `was_public_too`: it may have been), the owner's followers on Halqa nodes.
pub(crate) async fn audience(
    txn: &DatabaseTransaction,
    owner: &actor::Model,
    c: &collection::Model,
    was_public_too: bool,
) -> AppResult<Vec<String>> {
    let mut inboxes = follower_inboxes(txn, c).await?;
    if was_public_too || Visibility::of(c) == Visibility::Public {
        let followers = db::actors::follower_inboxes(txn, owner.id).await?;
        inboxes.extend(halqa_inboxes(txn, followers).await?);
    }
    Ok(inboxes)
}

/// Create/Update(OrderedCollection, with its items) to the collection's audience; a private
/// collection goes nowhere.
async fn announce(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    owner: &actor::Model,
    c: &collection::Model,
    kind: &str,
) -> AppResult<()> {
    if Visibility::of(c) == Visibility::Private {
        return Ok(());
    }
    let inboxes = audience(txn, owner, c, false).await?;
    outbox::collection_published(txn, data, owner, c, kind, inboxes).await
}

/// Checks list filters against the vocabulary (unknown values are a 422 naming the allowed ones).
pub fn check_filter(filter: &CollectionFilter) -> AppResult<()> {
    if let Some(s) = &filter.subject {
        vocabulary::check("subject", vocabulary::SUBJECTS, s)?;
    }
    if let Some(l) = &filter.level {
        vocabulary::check("level", vocabulary::LEVELS, l)?;
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

/// The collections of `owner_id` that `viewer` may see (their own private ones too), newest
/// first.
pub async fn list_of(
    data: &Data<AppState>,
    viewer: Option<i64>,
    owner_id: i64,
    cursor: Cursor,
) -> AppResult<Vec<collection::Model>> {
    let filter = CollectionFilter {
        owner_id: Some(owner_id),
        include_private: viewer == Some(owner_id),
        ..Default::default()
    };
    db::collections::list(&data.db.read, &filter, cursor).await
}

/// Stores (or updates) a collection another Halqa node published; `owner` sent it (or owns
/// what was fetched). Facets from a newer vocabulary are dropped; a private collection is
/// refused (it should never have left its node).
pub async fn receive(
    data: &Data<AppState>,
    owner: &actor::Model,
    mut remote: RemoteCollection,
) -> AppResult<collection::Model> {
    if owner.local {
        return Err(AppError::Forbidden(
            "a local collection cannot be changed from outside".into(),
        ));
    }
    remote.owner_id = owner.id;
    let visibility = Visibility::parse(&remote.visibility)
        .map_err(|_| AppError::BadRequest("the collection has no known visibility".into()))?;
    if visibility == Visibility::Private {
        return Err(AppError::BadRequest(
            "a private collection is not shared".into(),
        ));
    }
    remote.subjects = vocabulary::known_only(vocabulary::SUBJECTS, &remote.subjects);
    remote.levels = vocabulary::known_only(vocabulary::LEVELS, &remote.levels);
    remote.languages.retain(|l| vocabulary::is_language_tag(l));
    remote.title = remote.title.chars().take(200).collect();
    if remote.title.trim().is_empty() {
        return Err(AppError::BadRequest("the collection has no name".into()));
    }
    remote.description = remote.description.chars().take(10_000).collect();
    db::collections::upsert_remote(&data.db.write, &data.ids, remote).await
}

/// `sender` deleted its collection `c` (only the owner may).
pub async fn receive_delete(
    data: &Data<AppState>,
    sender: &actor::Model,
    c: &collection::Model,
) -> AppResult<()> {
    if c.local || c.owner_id != sender.id {
        return Err(AppError::Forbidden(
            "only its owner can delete a collection".into(),
        ));
    }
    if c.deleted_at.is_none() {
        db::collections::mark_deleted(&data.db.write, c).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> CollectionInput {
        CollectionInput {
            title: " Fractions au collège ".into(),
            description: "Séances et fiches.".into(),
            subjects: vec!["mathematics".into(), "mathematics".into()],
            levels: vec!["middle".into()],
            ..Default::default()
        }
    }

    #[test]
    fn checked_collections_are_cleaned_and_get_defaults() {
        let ok = check(input(), "fr").unwrap();
        assert_eq!(ok.title, "Fractions au collège");
        assert_eq!(ok.subjects, vec!["mathematics"]);
        assert_eq!(ok.languages, vec!["fr"]);
        assert_eq!(ok.visibility, Visibility::Public);
        let approval = CollectionInput {
            visibility: Some("approval".into()),
            ..input()
        };
        assert_eq!(
            check(approval, "fr").unwrap().visibility,
            Visibility::Approval
        );
    }

    #[test]
    fn bad_collections_are_refused_naming_the_field() {
        let bad = CollectionInput {
            visibility: Some("friends".into()),
            ..input()
        };
        let err = check(bad, "fr").unwrap_err().to_string();
        assert!(
            err.contains("visibility") && err.contains("approval"),
            "{err}"
        );
        let bad = CollectionInput {
            subjects: vec!["astrology".into()],
            ..input()
        };
        let err = check(bad, "fr").unwrap_err().to_string();
        assert!(
            err.contains("subjects") && err.contains("mathematics"),
            "{err}"
        );
        let bad = CollectionInput {
            title: "  ".into(),
            ..input()
        };
        assert!(check(bad, "fr").is_err());
        let bad = CollectionInput {
            languages: vec!["not a tag".into()],
            ..input()
        };
        assert!(check(bad, "fr").is_err());
    }
}
