//! Mentorship activities, both directions: Create/Update of a `Proposal` (offers), FEP-0837
//! `Offer(Agreement)` (a request), its `Accept` (with the minted `Agreement` as `result`) or
//! `Reject`, `Undo(Offer)` (withdrawal), Create/Update of the space's items, and `Leave` (ending).
//! [`claims`] tells `dispatch` which inbound activities are ours; every check of who may do
//! what to which object happens here before a service is called.
use crate::{
    AppState, db,
    db::entity::actor,
    error::{AppError, AppResult},
    federation::{
        actors::person::DbActor,
        objects::{
            agreement::Agreement,
            mentorship_item::{ITEM_TYPES, MentorshipItem},
            proposal::Proposal,
        },
        urls::host_of,
        wire,
    },
    service::mentorship::{offers, requests, space},
};
use activitypub_federation::{config::Data, fetch::object_id::ObjectId};
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use serde_json::Value;
use url::Url;

mod held;
pub use held::replay_held;
use held::{hold, moved_in_recipient};

/// `Create`/`Update` of a `Proposal`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProposalActivity {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: Url,
    pub actor: Url,
    pub object: Proposal,
    #[serde(default, deserialize_with = "wire::one_or_many_urls")]
    pub to: Vec<Url>,
    #[serde(default, deserialize_with = "wire::one_or_many_urls")]
    pub cc: Vec<Url>,
}

/// FEP-0837 `Offer` of an `Agreement`: a mentorship request, with the mentee's message as
/// `content` and the goals they propose.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OfferAgreement {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: Url,
    pub actor: Url,
    pub object: Agreement,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    #[serde(
        default,
        deserialize_with = "crate::federation::objects::proposal::strings",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub goals: Vec<String>,
    #[serde(default, deserialize_with = "wire::one_or_many_urls")]
    pub to: Vec<Url>,
}

/// `Accept` (with `result`: the mentorship's `Agreement`) or `Reject` (with a reason as
/// `content`) of a request; `Undo` of a request is its withdrawal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AnswerOffer {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: Url,
    pub actor: Url,
    /// The request (`Offer`) id, or the `Offer` embedded.
    pub object: Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<Agreement>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    #[serde(default, deserialize_with = "wire::one_or_many_urls")]
    pub to: Vec<Url>,
}

/// `Create`/`Update` of a goal, meeting note or message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemActivity {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: Url,
    pub actor: Url,
    pub object: MentorshipItem,
    #[serde(default, deserialize_with = "wire::one_or_many_urls")]
    pub to: Vec<Url>,
}

/// `Leave`: a party ends the mentorship (`object`), with an optional reflection as `content`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LeaveMentorship {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: Url,
    pub actor: Url,
    pub object: Url,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    #[serde(default, deserialize_with = "wire::one_or_many_urls")]
    pub to: Vec<Url>,
}

/// Whether an inbound activity of `kind` is a mentorship one (so `dispatch` hands it here).
pub async fn claims(kind: &str, value: &Value, data: &Data<AppState>) -> AppResult<bool> {
    let object = value.get("object");
    let object_kinds = object.map(wire::types_of).unwrap_or_default();
    let has = |k: &str| object_kinds.iter().any(|o| o == k);
    Ok(match kind {
        "Offer" | "Leave" => true,
        "Create" | "Update" => has("Proposal") || ITEM_TYPES.iter().any(|t| has(t)),
        "Accept" | "Reject" | "Undo" => {
            if has("Offer") {
                true
            } else {
                match wire::first_url(object) {
                    Some(id) => db::mentorship::find_request_by_ap_id(&data.db.read, id.as_str())
                        .await?
                        .is_some(),
                    None => false,
                }
            }
        }
        _ => false,
    })
}

pub(super) fn read<T: DeserializeOwned>(value: Value) -> AppResult<T> {
    serde_json::from_value(value)
        .map_err(|e| AppError::BadRequest(format!("cannot read the activity: {e}")))
}

pub(super) async fn sender(data: &Data<AppState>, url: &Url) -> AppResult<actor::Model> {
    Ok(ObjectId::<DbActor>::from(url.clone())
        .dereference(data)
        .await?
        .model)
}

/// Same scheme, host and port (the library's check ignores ports, which tells two nodes on
/// one host apart).
pub(super) fn same_origin(a: &Url, b: &Url, what: &str) -> AppResult<()> {
    if a.scheme() == b.scheme() && host_of(a).is_some() && host_of(a) == host_of(b) {
        Ok(())
    } else {
        Err(AppError::BadRequest(format!(
            "{what} is not on the domain of the activity's actor"
        )))
    }
}

/// Applies one mentorship activity (already authenticated: the actor signed it).
pub async fn dispatch(kind: &str, value: Value, data: &Data<AppState>) -> AppResult<()> {
    match kind {
        "Create" | "Update"
            if value
                .get("object")
                .map(wire::types_of)
                .unwrap_or_default()
                .iter()
                .any(|k| k == "Proposal") =>
        {
            receive_proposal(read(value)?, data).await
        }
        "Create" | "Update" => receive_item(read(value)?, data).await,
        "Offer" => receive_offer(read(value)?, data).await,
        "Accept" | "Reject" | "Undo" => receive_answer(read(value)?, data).await,
        "Leave" => receive_leave(read(value)?, data).await,
        _ => Ok(()),
    }
}

async fn receive_proposal(a: ProposalActivity, data: &Data<AppState>) -> AppResult<()> {
    if data.urls.is_local(&a.object.id) {
        return Err(AppError::BadRequest(
            "an offer of this server cannot be published from outside".into(),
        ));
    }
    if a.object.attributed_to != a.actor {
        return Err(AppError::BadRequest(
            "an offer can only be published by its author".into(),
        ));
    }
    same_origin(&a.object.id, &a.actor, "the offer")?;
    if !a.object.is_mentoring() {
        return Ok(());
    }
    let author = sender(data, &a.actor).await?;
    offers::receive_offer(data, &author, a.object.to_remote()).await?;
    Ok(())
}

/// Stores a `Proposal` fetched from `fetched_from` (search, or the link of a readable Note);
/// `None` when it is not a mentorship offer.
pub async fn store_proposal(
    data: &Data<AppState>,
    object: Value,
    fetched_from: &Url,
) -> AppResult<Option<crate::db::entity::mentorship_offer::Model>> {
    let proposal: Proposal = read(object)?;
    same_origin(&proposal.id, fetched_from, "the offer")?;
    same_origin(&proposal.attributed_to, &proposal.id, "the offer's author")?;
    if !proposal.is_mentoring() {
        return Ok(None);
    }
    let author = sender(data, &proposal.attributed_to).await?;
    Ok(Some(
        offers::receive_offer(data, &author, proposal.to_remote()).await?,
    ))
}

/// Fetches and stores the offer a readable Note names (a peer that got only the Note, or an
/// edit of it); failures are logged, never fatal for the Note.
pub async fn fetch_offer(data: &Data<AppState>, offer: &Url) {
    let result: AppResult<()> = async {
        let fetched =
            activitypub_federation::fetch::fetch_object_http::<AppState, Value>(offer, data)
                .await?;
        store_proposal(data, fetched.object, &fetched.url).await?;
        Ok(())
    }
    .await;
    if let Err(e) = result {
        tracing::debug!(%offer, error = %e, "could not fetch a mentorship offer");
    }
}

async fn receive_offer(a: OfferAgreement, data: &Data<AppState>) -> AppResult<()> {
    let offer_id = a.object.offer();
    if !data.urls.is_local(&offer_id) {
        return Err(AppError::BadRequest(
            "the offer this request is for is not on this server".into(),
        ));
    }
    let offer = db::mentorship::find_offer_by_ap_id(&data.db.read, offer_id.as_str())
        .await?
        .ok_or_else(|| AppError::not_found("no such offer"))?;
    let mentee = sender(data, &a.actor).await?;
    let input = requests::RequestInput {
        message: crate::text::html_to_plain_text(a.content.as_deref().unwrap_or_default()),
        goals: a.goals,
    };
    requests::receive_request(data, &mentee, &offer, a.id.as_str(), input).await
}

async fn receive_answer(a: AnswerOffer, data: &Data<AppState>) -> AppResult<()> {
    let request_id = wire::first_url(Some(&a.object))
        .ok_or_else(|| AppError::BadRequest("the answer names no request".into()))?;
    let req = db::mentorship::find_request_by_ap_id(&data.db.read, request_id.as_str())
        .await?
        .ok_or_else(|| AppError::not_found("no such request"))?;
    let actor = sender(data, &a.actor).await?;
    if a.kind == "Undo" {
        same_origin(&request_id, &a.actor, "the withdrawn request")?;
        return requests::receive_withdrawal(data, &actor, &req).await;
    }
    // The mentor answers for its own offer, from the offer's domain.
    let offer = db::mentorship::get_offer(&data.db.read, req.offer_id).await?;
    let offer_url = Url::parse(&offer.ap_id).map_err(|e| anyhow::anyhow!("stored offer: {e}"))?;
    same_origin(&offer_url, &a.actor, "the offer")?;
    match (a.kind.as_str(), &a.result) {
        ("Accept", Some(agreement)) => {
            let id = agreement
                .id
                .as_ref()
                .ok_or_else(|| AppError::BadRequest("the agreement has no id".into()))?;
            same_origin(id, &a.actor, "the agreement")?;
            if agreement.offer() != offer_url {
                return Err(AppError::BadRequest(
                    "the agreement is about another offer".into(),
                ));
            }
            requests::receive_answer(data, &actor, &req, Some(id.as_str()), None).await
        }
        ("Accept", None) => Err(AppError::BadRequest(
            "an Accept of a request carries the Agreement as result".into(),
        )),
        _ => {
            let reason = a.content.as_deref().map(crate::text::html_to_plain_text);
            requests::receive_answer(data, &actor, &req, None, reason).await
        }
    }
}

async fn receive_item(a: ItemActivity, data: &Data<AppState>) -> AppResult<()> {
    if let Some(recipient) = moved_in_recipient(data, a.object.context.as_str(), &a.to).await? {
        let context = a.object.context.to_string();
        return hold(data, &recipient, &context, &a.actor, &a.id, &a).await;
    }
    let item = a.object;
    let actor = sender(data, &a.actor).await?;
    let m = space::remote_party_of(data, &actor, item.context.as_str()).await?;
    let known_goal = item.kind == "MentorshipGoal"
        && db::mentorship::find_goal_by_ap_id(&data.db.read, item.id.as_str())
            .await?
            .is_some();
    if !known_goal {
        // New things are authored by the sender, on its own domain.
        if item.attributed_to != a.actor {
            return Err(AppError::BadRequest(
                "the item is not attributed to the activity's actor".into(),
            ));
        }
        same_origin(&item.id, &a.actor, "the item")?;
    }
    match item.kind.as_str() {
        "MentorshipGoal" => {
            let title = item.name.clone().unwrap_or_default();
            let done = item.done.unwrap_or(false);
            space::receive_goal(data, &actor, &m, item.id.as_str(), &title, done).await
        }
        "MentorshipMeeting" => {
            let input = space::MeetingInput {
                date: item.meeting_date.clone().unwrap_or_default(),
                notes: item.plain_content(),
                next_steps: item.next_steps.clone().unwrap_or_default(),
            };
            space::receive_meeting(data, &actor, &m, item.id.as_str(), input).await
        }
        _ => {
            space::receive_message(data, &actor, &m, item.id.as_str(), &item.plain_content()).await
        }
    }
}

async fn receive_leave(a: LeaveMentorship, data: &Data<AppState>) -> AppResult<()> {
    if let Some(recipient) = moved_in_recipient(data, a.object.as_str(), &a.to).await? {
        return hold(data, &recipient, a.object.as_str(), &a.actor, &a.id, &a).await;
    }
    let actor = sender(data, &a.actor).await?;
    let m = space::remote_party_of(data, &actor, a.object.as_str()).await?;
    let reflection = a.content.as_deref().map(crate::text::html_to_plain_text);
    space::receive_end(data, &actor, &m, reflection).await
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fixture(name: &str) -> Option<Value> {
        let path = format!(
            "{}/tests/fixtures/activitypub/fep/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(path).ok()?;
        Some(serde_json::from_str(&text).unwrap())
    }

    fn round_trip<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(
        value: Value,
    ) -> T {
        let parsed: T = serde_json::from_value(value).unwrap();
        let again: T = serde_json::from_value(serde_json::to_value(&parsed).unwrap()).unwrap();
        assert_eq!(again, parsed);
        parsed
    }

    #[test]
    fn fep_0837_activities_parse_and_round_trip() {
        if let Some(v) = fixture("0837_federated_marketplace_offer_agreement.json") {
            let offer: OfferAgreement = round_trip(v);
            assert_eq!(offer.kind, "Offer");
            assert!(offer.object.id.is_none());
        }
        if let Some(v) = fixture("0837_federated_marketplace_accept_agreement.json") {
            let accept: AnswerOffer = round_trip(v);
            assert!(accept.result.unwrap().id.is_some());
        }
        if let Some(v) = fixture("0837_federated_marketplace_reject_agreement.json") {
            let reject: AnswerOffer = round_trip(v);
            assert_eq!(reject.content.as_deref(), Some("Not available"));
        }
    }

    #[test]
    fn halqa_activities_round_trip() {
        let offer = "https://b.example/mentorship/offers/7";
        let request: OfferAgreement = round_trip(json!({
            "type": "Offer", "id": "https://a.example/mentorship/requests/5",
            "actor": "https://a.example/users/amina",
            "object": serde_json::to_value(Agreement::for_offer(&Url::parse(offer).unwrap(), None)).unwrap(),
            "content": "<p>Hello</p>", "goals": ["Plan a unit", "Manage groups"],
            "to": ["https://b.example/users/bob"]
        }));
        assert_eq!(request.goals.len(), 2);
        assert_eq!(request.object.offer().as_str(), offer);
        let _: AnswerOffer = round_trip(json!({
            "type": "Undo", "id": "https://a.example/activities/6",
            "actor": "https://a.example/users/amina",
            "object": {"type": "Offer", "id": "https://a.example/mentorship/requests/5"}
        }));
        let _: LeaveMentorship = round_trip(json!({
            "type": "Leave", "id": "https://a.example/activities/7",
            "actor": "https://a.example/users/amina", "object": "https://b.example/mentorships/9",
            "content": "<p>Thank you</p>", "to": "https://b.example/users/bob"
        }));
        let _: ItemActivity = round_trip(json!({
            "type": "Create", "id": "https://a.example/activities/8",
            "actor": "https://a.example/users/amina",
            "object": {
                "type": "MentorshipGoal", "id": "https://a.example/mentorship/goals/1",
                "attributedTo": "https://a.example/users/amina",
                "context": "https://b.example/mentorships/9", "name": "Plan", "done": false
            },
            "to": ["https://b.example/users/bob"]
        }));
        let _: ProposalActivity = round_trip(json!({
            "type": "Update", "id": "https://b.example/activities/9",
            "actor": "https://b.example/users/bob",
            "object": {
                "type": "Proposal", "id": offer, "attributedTo": "https://b.example/users/bob",
                "publishes": {"type": "Intent", "action": "deliverService",
                              "resourceConformsTo": crate::federation::objects::proposal::MENTORING}
            }
        }));
    }
}
