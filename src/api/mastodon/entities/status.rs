//! `Status`: a post (or a boost wrapper around one) with its account, media, mentions, tags,
//! poll, counters and the viewer's state. [`statuses`] hydrates a whole page in a fixed number of
//! queries, whatever its length.
use super::{
    Emojis,
    account::{self, Account},
    datetime, media, opt_datetime, poll,
};
use crate::{
    AppState,
    db::{self, entity::post},
    error::AppResult,
};
use activitypub_federation::config::Data;
use serde::Serialize;
use serde_json::Value;
use std::{
    collections::{HashMap, HashSet},
    sync::Arc,
};

/// A mention in a status.
#[derive(Debug, Clone, Serialize)]
pub struct Mention {
    pub id: String,
    pub username: String,
    pub url: String,
    pub acct: String,
}

/// A hashtag in a status.
#[derive(Debug, Clone, Serialize)]
pub struct Tag {
    pub name: String,
    pub url: String,
}

/// The app a local status was posted from.
#[derive(Debug, Clone, Serialize)]
pub struct Application {
    pub name: String,
    pub website: Option<String>,
}

/// Mastodon's Status entity.
#[derive(Debug, Clone, Serialize)]
pub struct Status {
    pub id: String,
    pub uri: String,
    pub url: Option<String>,
    pub created_at: String,
    pub edited_at: Option<String>,
    /// Shared by every status of the page by the same author (and by a boost's wrapper and
    /// original): built once, serialised where it appears.
    pub account: Arc<Account>,
    pub content: String,
    pub visibility: String,
    pub sensitive: bool,
    pub spoiler_text: String,
    pub media_attachments: Vec<media::MediaAttachment>,
    pub mentions: Vec<Mention>,
    pub tags: Vec<Tag>,
    pub emojis: Emojis,
    pub reblogs_count: i64,
    pub favourites_count: i64,
    pub replies_count: i64,
    pub quotes_count: i64,
    pub in_reply_to_id: Option<String>,
    pub in_reply_to_account_id: Option<String>,
    pub reblog: Option<Box<Status>>,
    pub poll: Option<poll::Poll>,
    pub card: Option<Value>,
    /// PLN objects shown as this status (`{kind, id, state}`, e.g. a mentorship offer); null
    /// for ordinary statuses.
    pub pln: Option<Value>,
    pub language: Option<String>,
    /// The source text: only in delete responses and `/source`.
    pub text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub application: Option<Application>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub favourited: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reblogged: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub muted: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bookmarked: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pinned: Option<bool>,
    /// Filter results for the viewer (`[]` when nothing matched).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filtered: Option<Vec<Value>>,
}

/// Everything loaded for a page, keyed by post id.
struct Page {
    posts: HashMap<i64, post::Model>,
    accounts: HashMap<i64, Arc<Account>>,
    extras: db::views::PageExtras,
    viewer: Option<i64>,
    media: HashMap<i64, Vec<crate::db::entity::media_attachment::Model>>,
    polls: HashMap<i64, crate::db::entity::poll::Model>,
    own_votes: HashMap<i64, Vec<i32>>,
    apps: HashMap<i64, crate::db::entity::oauth_app::Model>,
    /// Mentorship offers whose readable Note is on the page, by the Note's id.
    offers: HashMap<String, crate::db::entity::mentorship_offer::Model>,
    /// Teaching resources whose readable Note is on the page, by the Note's id.
    resources: HashMap<String, crate::db::entity::resource::Model>,
    /// Resource collections whose readable Notes are on the page, by Note id.
    collections: HashMap<String, crate::db::entity::collection::Model>,
    /// The page's posts in conversations the viewer muted.
    muted: HashSet<i64>,
}

/// Statuses for `posts` as `viewer` sees them, in the same order. Boosts whose original is gone
/// are dropped; visibility checks are the caller's job. A page of plain statuses costs two
/// queries ([`db::views::page_extras`] and the actors); boosts, replies, media, polls, offers,
/// apps and muted conversations add one query each, only when the page has them.
pub async fn statuses(
    data: &Data<AppState>,
    viewer: Option<i64>,
    posts: Vec<post::Model>,
) -> AppResult<Vec<Status>> {
    let db = &data.db.read;
    let mut all: HashMap<i64, post::Model> = HashMap::new();
    let original_ids: Vec<i64> = posts.iter().filter_map(|p| p.reblog_of_id).collect();
    let originals = db::views::posts_by_ids(db, &original_ids).await?;
    for p in posts.iter().cloned() {
        all.insert(p.id, p);
    }
    all.extend(originals);
    // Content-bearing posts (not wrappers) get counts, media, mentions, tags, polls.
    let content: Vec<&post::Model> = all.values().filter(|p| p.reblog_of_id.is_none()).collect();
    let content_ids: Vec<i64> = content.iter().map(|p| p.id).collect();
    let extras = db::views::page_extras(db, viewer, &content_ids).await?;
    let parent_ids: Vec<i64> = all.values().filter_map(|p| p.in_reply_to_id).collect();
    let parents: HashMap<i64, i64> = db::views::posts_by_ids(db, &parent_ids)
        .await?
        .into_values()
        .map(|p| (p.id, p.author_id))
        .collect();
    let mut actor_ids: HashSet<i64> = all.values().map(|p| p.author_id).collect();
    actor_ids.extend(extras.mentions.values().flatten().copied());
    let actor_ids: Vec<i64> = actor_ids.into_iter().collect();
    let actors = db::views::actors_with_stats(db, &actor_ids).await?;
    let mut accounts = account::accounts_with_stats(data, &actors);
    account::fill_moved(
        data,
        accounts
            .iter_mut()
            .filter_map(|(id, acc)| actors.get(id).map(|row| (&row.actor, acc))),
    )
    .await?;
    let polls = db::views::polls_by_post(db, &extras.with_poll).await?;
    let own_votes = match viewer {
        Some(v) if !extras.with_poll.is_empty() => {
            db::views::own_votes(db, v, &extras.with_poll).await?
        }
        _ => HashMap::new(),
    };
    let app_ids: Vec<i64> = all.values().filter_map(|p| p.application_id).collect();
    let muted = match &extras.viewer {
        Some(state) if !state.muted_roots.is_empty() => {
            let content: Vec<post::Model> = content.iter().map(|p| (*p).clone()).collect();
            db::posts::threads::in_conversations(db, &state.muted_roots, &content).await?
        }
        _ => HashSet::new(),
    };
    let note_ids: Vec<String> = extras
        .with_pln_object
        .iter()
        .filter_map(|id| all.get(id))
        .map(|p| p.ap_id.clone())
        .collect();
    let accounts = accounts
        .into_iter()
        .map(|(id, account)| (id, Arc::new(account)))
        .collect();
    let page = Page {
        offers: db::mentorship::offers_by_note(db, &note_ids).await?,
        resources: db::resources::by_notes(db, &note_ids).await?,
        collections: db::collections::by_notes(db, &note_ids).await?,
        muted,
        media: db::views::media_by_post(db, &extras.with_media).await?,
        apps: db::views::apps_by_ids(db, &app_ids).await?,
        posts: all,
        accounts,
        extras,
        viewer,
        polls,
        own_votes,
    };
    let mut out = Vec::with_capacity(posts.len());
    for p in &posts {
        let status = match p.reblog_of_id {
            Some(original_id) => {
                let Some(original) = page.posts.get(&original_id) else {
                    continue;
                };
                if original.deleted_at.is_some() {
                    continue;
                }
                let Some(inner) = build(data, &page, &parents, original) else {
                    continue;
                };
                let Some(mut wrapper) = build(data, &page, &parents, p) else {
                    continue;
                };
                wrapper.content = String::new();
                wrapper.spoiler_text = String::new();
                wrapper.sensitive = false;
                wrapper.language = None;
                wrapper.favourited = inner.favourited;
                wrapper.reblogged = inner.reblogged;
                wrapper.bookmarked = inner.bookmarked;
                wrapper.muted = inner.muted;
                wrapper.reblog = Some(Box::new(inner));
                wrapper
            }
            None => match build(data, &page, &parents, p) {
                Some(s) => s,
                None => continue,
            },
        };
        out.push(status);
    }
    Ok(out)
}

/// One status as `viewer` sees it (404 if it cannot be built, e.g. a boost of a deleted post).
pub async fn status(
    data: &Data<AppState>,
    viewer: Option<i64>,
    post: post::Model,
) -> AppResult<Status> {
    statuses(data, viewer, vec![post])
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| crate::error::AppError::not_found("Record not found"))
}

fn build(
    data: &Data<AppState>,
    page: &Page,
    parents: &HashMap<i64, i64>,
    p: &post::Model,
) -> Option<Status> {
    let account = page.accounts.get(&p.author_id)?.clone();
    let counts = page.extras.counts.get(&p.id).copied().unwrap_or_default();
    let mentions = page
        .extras
        .mentions
        .get(&p.id)
        .map(|ids| {
            ids.iter()
                .filter_map(|id| page.accounts.get(id))
                .map(|a| Mention {
                    id: a.id.clone(),
                    username: a.username.clone(),
                    url: a.url.clone(),
                    acct: a.acct.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    let tags = page
        .extras
        .tags
        .get(&p.id)
        .map(|names| {
            names
                .iter()
                .map(|n| Tag {
                    name: n.clone(),
                    url: data.urls.tag(n),
                })
                .collect()
        })
        .unwrap_or_default();
    let viewer_id = page.viewer;
    let state = page.extras.viewer.as_ref();
    let poll = page.polls.get(&p.id).map(|row| {
        let own = viewer_id.map(|_| page.own_votes.get(&p.id).cloned().unwrap_or_default());
        poll::build(row, own, viewer_id == Some(p.author_id))
    });
    let url = p
        .url
        .clone()
        .filter(|u| !u.is_empty())
        .or_else(|| Some(p.ap_id.clone()));
    let offer = page.offers.get(&p.ap_id);
    let resource = page.resources.get(&p.ap_id);
    let collection = page.collections.get(&p.ap_id);
    let card = match (offer, resource) {
        (Some(o), _) => Some(crate::api::pln::mentorship::entities::offer_card(
            o, &account,
        )),
        (None, Some(r)) => Some(crate::api::pln::resources::entities::resource_card(
            r, &account,
        )),
        (None, None) => {
            collection.map(|c| crate::api::pln::collections::entities::collection_card(c, &account))
        }
    };
    Some(Status {
        id: p.id.to_string(),
        uri: p.ap_id.clone(),
        url,
        created_at: datetime(&p.published_at),
        edited_at: opt_datetime(&p.edited_at),
        account,
        content: p.content.clone(),
        visibility: p.visibility.clone(),
        sensitive: p.sensitive,
        spoiler_text: p.summary.clone().unwrap_or_default(),
        media_attachments: page
            .media
            .get(&p.id)
            .map(|list| list.iter().map(|m| media::build(data, m)).collect())
            .unwrap_or_default(),
        mentions,
        tags,
        emojis: Vec::new(),
        reblogs_count: counts.reblogs,
        favourites_count: counts.favourites,
        replies_count: counts.replies,
        quotes_count: 0,
        in_reply_to_id: p.in_reply_to_id.map(|id| id.to_string()),
        in_reply_to_account_id: p
            .in_reply_to_id
            .and_then(|id| parents.get(&id))
            .map(|a| a.to_string()),
        reblog: None,
        poll,
        card,
        pln: offer
            .map(crate::api::pln::mentorship::entities::offer_ref)
            .or_else(|| resource.map(crate::api::pln::resources::entities::resource_ref))
            .or_else(|| collection.map(crate::api::pln::collections::entities::collection_ref)),
        language: p.language.clone(),
        text: None,
        application: p
            .application_id
            .and_then(|id| page.apps.get(&id))
            .map(|a| Application {
                name: a.name.clone(),
                website: a.website.clone(),
            }),
        favourited: state.map(|s| s.favourited.contains(&p.id)),
        reblogged: state.map(|s| s.reblogged.contains(&p.id)),
        muted: state.map(|_| page.muted.contains(&p.id)),
        bookmarked: state.map(|s| s.bookmarked.contains(&p.id)),
        pinned: state.map(|s| s.pinned.contains(&p.id)),
        filtered: state.map(|_| Vec::new()),
    })
}
