//! The JSON shapes of the mentorship API (offers, suggestions, requests, mentorships with their
//! goals, meetings and messages, PLN notifications), each list built in a fixed number of
//! queries. Accounts are Mastodon `Account` entities.
use crate::{
    AppState,
    api::mastodon::entities::{Account, account, datetime, opt_datetime},
    db::{
        self,
        entity::{
            mentorship_agreement as agreement, mentorship_event as event, mentorship_goal as goal,
            mentorship_meeting as meeting, mentorship_message as message,
            mentorship_offer as offer, mentorship_request as request,
        },
    },
    error::{AppError, AppResult},
    service::mentorship::suggestions::Suggestion,
};
use activitypub_federation::config::Data;
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// The viewer's own request for an offer.
#[derive(Debug, Clone, Serialize)]
pub struct OwnRequest {
    pub id: String,
    pub state: String,
}

/// A mentorship offer.
#[derive(Debug, Clone, Serialize)]
pub struct Offer {
    pub id: String,
    pub uri: String,
    pub url: Option<String>,
    pub account: Account,
    pub title: String,
    pub description: String,
    pub subjects: Vec<String>,
    pub levels: Vec<String>,
    pub languages: Vec<String>,
    pub format: String,
    pub region: Option<String>,
    pub capacity: i32,
    pub available: i32,
    /// open, full or closed.
    pub state: String,
    pub starts_at: Option<String>,
    pub ends_at: Option<String>,
    pub local: bool,
    /// The offer's status (its readable Note), when this node has it.
    pub status_id: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    /// The viewer's request for it, if any.
    pub request: Option<OwnRequest>,
}

async fn accounts_of(
    data: &Data<AppState>,
    ids: impl IntoIterator<Item = i64>,
) -> AppResult<HashMap<i64, Account>> {
    let ids: Vec<i64> = ids
        .into_iter()
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let actors = db::views::actors_by_ids(&data.db.read, &ids).await?;
    account::accounts_by_id(data, &actors).await
}

fn missing() -> AppError {
    AppError::not_found("Record not found")
}

/// Offers as `viewer` sees them, in order.
pub async fn offers(
    data: &Data<AppState>,
    viewer: Option<i64>,
    rows: &[offer::Model],
) -> AppResult<Vec<Offer>> {
    let accounts = accounts_of(data, rows.iter().map(|o| o.author_id)).await?;
    let notes: Vec<String> = rows.iter().filter_map(|o| o.note_ap_id.clone()).collect();
    let posts = db::mentorship::post_ids_by_ap_id(&data.db.read, &notes).await?;
    let ids: Vec<i64> = rows.iter().map(|o| o.id).collect();
    let own = match viewer {
        Some(v) => db::mentorship::request_states(&data.db.read, v, &ids).await?,
        None => HashMap::new(),
    };
    let codes = db::mentorship::codes_of;
    Ok(rows
        .iter()
        .filter_map(|o| {
            Some(Offer {
                id: o.id.to_string(),
                uri: o.ap_id.clone(),
                url: o.url.clone(),
                account: accounts.get(&o.author_id)?.clone(),
                title: o.title.clone(),
                description: o.description.clone(),
                subjects: codes(&o.subjects),
                levels: codes(&o.levels),
                languages: codes(&o.languages),
                format: o.format.clone(),
                region: o.region.clone(),
                capacity: o.capacity,
                available: o.available,
                state: o.state.clone(),
                starts_at: opt_datetime(&o.starts_at),
                ends_at: opt_datetime(&o.ends_at),
                local: o.local,
                status_id: o
                    .note_ap_id
                    .as_ref()
                    .and_then(|n| posts.get(n))
                    .map(i64::to_string),
                created_at: datetime(&o.published_at),
                updated_at: datetime(&o.updated_at),
                request: own.get(&o.id).map(|(id, state)| OwnRequest {
                    id: id.to_string(),
                    state: state.clone(),
                }),
            })
        })
        .collect())
}

/// One offer.
pub async fn offer(
    data: &Data<AppState>,
    viewer: Option<i64>,
    row: offer::Model,
) -> AppResult<Offer> {
    offers(data, viewer, &[row])
        .await?
        .into_iter()
        .next()
        .ok_or_else(missing)
}

/// Why a suggested offer fits.
#[derive(Debug, Clone, Serialize)]
pub struct Reason {
    pub code: String,
    pub text: String,
}

/// A suggested offer with its score and reasons.
#[derive(Debug, Clone, Serialize)]
pub struct Suggested {
    pub offer: Offer,
    pub score: i32,
    pub reasons: Vec<Reason>,
}

/// Suggestions, in rank order.
pub async fn suggestions(
    data: &Data<AppState>,
    viewer: i64,
    ranked: Vec<Suggestion>,
) -> AppResult<Vec<Suggested>> {
    let rows: Vec<offer::Model> = ranked.iter().map(|s| s.offer.clone()).collect();
    let built = offers(data, Some(viewer), &rows).await?;
    Ok(ranked
        .into_iter()
        .zip(built)
        .map(|(s, offer)| Suggested {
            offer,
            score: s.score,
            reasons: s
                .reasons
                .into_iter()
                .map(|r| Reason {
                    code: r.code.to_string(),
                    text: r.text,
                })
                .collect(),
        })
        .collect())
}

/// A mentorship request.
#[derive(Debug, Clone, Serialize)]
pub struct Request {
    pub id: String,
    pub uri: String,
    pub offer: Offer,
    pub mentor: Account,
    pub mentee: Account,
    pub message: String,
    pub goals: Vec<String>,
    /// pending, accepted, declined or withdrawn.
    pub state: String,
    pub reason: Option<String>,
    pub mentorship_id: Option<String>,
    pub created_at: String,
    pub decided_at: Option<String>,
}

/// Requests as `viewer` sees them, in order.
pub async fn requests(
    data: &Data<AppState>,
    viewer: i64,
    rows: &[request::Model],
) -> AppResult<Vec<Request>> {
    let offer_ids: Vec<i64> = rows
        .iter()
        .map(|r| r.offer_id)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let offer_rows = db::mentorship::offers_by_ids(&data.db.read, &offer_ids).await?;
    let built: HashMap<String, Offer> = offers(data, Some(viewer), &offer_rows)
        .await?
        .into_iter()
        .map(|o| (o.id.clone(), o))
        .collect();
    let request_ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let agreements = db::mentorship::agreement_ids_by_request(&data.db.read, &request_ids).await?;
    let accounts = accounts_of(data, rows.iter().flat_map(|r| [r.mentor_id, r.mentee_id])).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let (Some(offer), Some(mentor), Some(mentee)) = (
            built.get(&r.offer_id.to_string()),
            accounts.get(&r.mentor_id),
            accounts.get(&r.mentee_id),
        ) else {
            continue;
        };
        out.push(Request {
            id: r.id.to_string(),
            uri: r.ap_id.clone(),
            offer: offer.clone(),
            mentor: mentor.clone(),
            mentee: mentee.clone(),
            message: r.message.clone(),
            goals: db::mentorship::codes_of(&r.goals),
            state: r.state.clone(),
            reason: r.reason.clone(),
            mentorship_id: agreements.get(&r.id).map(i64::to_string),
            created_at: datetime(&r.created_at),
            decided_at: opt_datetime(&r.decided_at),
        });
    }
    Ok(out)
}

/// One request.
pub async fn request(
    data: &Data<AppState>,
    viewer: i64,
    row: request::Model,
) -> AppResult<Request> {
    requests(data, viewer, &[row])
        .await?
        .into_iter()
        .next()
        .ok_or_else(missing)
}

/// A shared goal.
#[derive(Debug, Clone, Serialize)]
pub struct Goal {
    pub id: String,
    pub title: String,
    pub done: bool,
    pub done_at: Option<String>,
    pub account_id: String,
    pub created_at: String,
}

/// A goal entity.
pub fn goal(g: &goal::Model) -> Goal {
    Goal {
        id: g.id.to_string(),
        title: g.title.clone(),
        done: g.done,
        done_at: opt_datetime(&g.done_at),
        account_id: g.author_id.to_string(),
        created_at: datetime(&g.created_at),
    }
}

/// A mentorship, with its goals.
#[derive(Debug, Clone, Serialize)]
pub struct Mentorship {
    pub id: String,
    pub uri: String,
    pub offer_id: String,
    pub request_id: String,
    pub mentor: Account,
    pub mentee: Account,
    /// The viewer's side: mentor or mentee.
    pub role: String,
    /// active or ended.
    pub state: String,
    pub goals: Vec<Goal>,
    pub reflection: Option<String>,
    pub ended_by_id: Option<String>,
    pub created_at: String,
    pub ended_at: Option<String>,
}

/// Mentorships as party `viewer` sees them, in order.
pub async fn mentorships(
    data: &Data<AppState>,
    viewer: i64,
    rows: &[agreement::Model],
) -> AppResult<Vec<Mentorship>> {
    let accounts = accounts_of(data, rows.iter().flat_map(|m| [m.mentor_id, m.mentee_id])).await?;
    let ids: Vec<i64> = rows.iter().map(|m| m.id).collect();
    let goals = db::mentorship::goals_of(&data.db.read, &ids).await?;
    Ok(rows
        .iter()
        .filter_map(|m| {
            Some(Mentorship {
                id: m.id.to_string(),
                uri: m.ap_id.clone(),
                offer_id: m.offer_id.to_string(),
                request_id: m.request_id.to_string(),
                mentor: accounts.get(&m.mentor_id)?.clone(),
                mentee: accounts.get(&m.mentee_id)?.clone(),
                role: if m.mentor_id == viewer {
                    "mentor"
                } else {
                    "mentee"
                }
                .into(),
                state: m.state.clone(),
                goals: goals
                    .get(&m.id)
                    .map(|g| g.iter().map(goal).collect())
                    .unwrap_or_default(),
                reflection: m.reflection.clone(),
                ended_by_id: m.ended_by_id.map(|i| i.to_string()),
                created_at: datetime(&m.created_at),
                ended_at: opt_datetime(&m.ended_at),
            })
        })
        .collect())
}

/// One mentorship.
pub async fn mentorship(
    data: &Data<AppState>,
    viewer: i64,
    row: agreement::Model,
) -> AppResult<Mentorship> {
    mentorships(data, viewer, &[row])
        .await?
        .into_iter()
        .next()
        .ok_or_else(missing)
}

/// A meeting note.
#[derive(Debug, Clone, Serialize)]
pub struct Meeting {
    pub id: String,
    pub date: String,
    pub notes: String,
    pub next_steps: String,
    pub account_id: String,
    pub created_at: String,
}

/// A meeting entity.
pub fn meeting(m: &meeting::Model) -> Meeting {
    Meeting {
        id: m.id.to_string(),
        date: m.held_on.clone(),
        notes: m.notes.clone(),
        next_steps: m.next_steps.clone(),
        account_id: m.author_id.to_string(),
        created_at: datetime(&m.created_at),
    }
}

/// A message of the private thread.
#[derive(Debug, Clone, Serialize)]
pub struct Message {
    pub id: String,
    pub content: String,
    pub account_id: String,
    pub created_at: String,
}

/// A message entity.
pub fn message(m: &message::Model) -> Message {
    Message {
        id: m.id.to_string(),
        content: m.content.clone(),
        account_id: m.author_id.to_string(),
        created_at: datetime(&m.created_at),
    }
}

/// A PLN notification.
#[derive(Debug, Clone, Serialize)]
pub struct Event {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub account: Account,
    pub offer_id: Option<String>,
    pub request_id: Option<String>,
    pub mentorship_id: Option<String>,
    /// Collection notifications: the collection and the resource added or removed.
    pub collection_id: Option<String>,
    pub resource_id: Option<String>,
    pub created_at: String,
}

/// PLN notifications, in order.
pub async fn events(data: &Data<AppState>, rows: &[event::Model]) -> AppResult<Vec<Event>> {
    let accounts = accounts_of(data, rows.iter().map(|e| e.from_actor_id)).await?;
    Ok(rows
        .iter()
        .filter_map(|e| {
            Some(Event {
                id: e.id.to_string(),
                kind: e.kind.clone(),
                account: accounts.get(&e.from_actor_id)?.clone(),
                offer_id: e.offer_id.map(|i| i.to_string()),
                request_id: e.request_id.map(|i| i.to_string()),
                mentorship_id: e.agreement_id.map(|i| i.to_string()),
                collection_id: e.collection_id.map(|i| i.to_string()),
                resource_id: e.resource_id.map(|i| i.to_string()),
                created_at: datetime(&e.created_at),
            })
        })
        .collect())
}

/// `status.pln` of an offer's status: `{kind: "mentorship_offer", id, state}`.
pub fn offer_ref(o: &offer::Model) -> serde_json::Value {
    serde_json::json!({"kind": "mentorship_offer", "id": o.id.to_string(), "state": o.state})
}

/// The preview card of an offer's status (Mastodon's PreviewCard), linking to its page.
pub fn offer_card(o: &offer::Model, author: &Account) -> serde_json::Value {
    let url = o.url.clone().unwrap_or_else(|| o.ap_id.clone());
    let provider = url::Url::parse(&url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_default();
    let description: String = o.description.chars().take(200).collect();
    serde_json::json!({
        "url": url,
        "title": o.title,
        "description": description,
        "language": db::mentorship::codes_of(&o.languages).first(),
        "type": "link",
        "author_name": author.display_name,
        "author_url": author.url,
        "provider_name": provider,
        "provider_url": "",
        "html": "",
        "width": 0,
        "height": 0,
        "image": null,
        "image_description": "",
        "embed_url": "",
        "blurhash": null,
        "published_at": datetime(&o.published_at),
        "authors": [],
    })
}
