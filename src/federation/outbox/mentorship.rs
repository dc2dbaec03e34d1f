//! Outbound mentorship activities (issue 4): Proposals to Halqa peers, requests and answers
//! between the two parties, the space's items and its end, to the other party only.
use super::{Envelope, enqueue, remote_inbox, url};
use crate::{
    AppState,
    db::{self, entity::actor},
    error::AppResult,
};
use activitypub_federation::config::Data;
use sea_orm::DatabaseTransaction;
use serde::Serialize;
use serde_json::{Value, json};
use url::Url;

/// Stores a mentorship activity from `actor` with its own id row, for `inboxes`.
async fn mentorship_send(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    actor: &actor::Model,
    kind: &str,
    public: bool,
    build: impl FnOnce(Url) -> AppResult<Value>,
    inboxes: Vec<String>,
) -> AppResult<()> {
    let id = data.ids.next();
    let activity = build(url(&data.urls.activity(id))?)?;
    enqueue(
        txn,
        data,
        actor,
        Envelope { id, kind, public },
        activity,
        inboxes,
    )
    .await
}

fn to_json<T: Serialize>(value: T) -> AppResult<Value> {
    Ok(serde_json::to_value(value).map_err(|e| anyhow::anyhow!("serialising: {e}"))?)
}

/// A local offer was published or changed: Create/Update(Proposal) to `inboxes` (followers on
/// Halqa nodes and the mentees who requested it; everyone else gets the offer's Note).
pub async fn offer_published(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    author: &actor::Model,
    offer: &crate::db::entity::mentorship_offer::Model,
    kind: &str,
    inboxes: Vec<String>,
) -> AppResult<()> {
    use crate::federation::{activities::mentorship::ProposalActivity, objects::proposal};
    let object = proposal::proposal_for_offer(data, author, offer)?;
    mentorship_send(
        txn,
        data,
        author,
        kind,
        true,
        |id| {
            to_json(ProposalActivity {
                kind: kind.to_string(),
                id,
                actor: url(&author.ap_id)?,
                to: object.to.clone(),
                cc: object.cc.clone(),
                object,
            })
        },
        inboxes,
    )
    .await
}

/// A local mentee requests a remote mentor's offer: FEP-0837 Offer(Agreement), whose id is the
/// request's, with the message and proposed goals.
pub async fn mentorship_requested(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    mentee: &actor::Model,
    mentor: &actor::Model,
    offer: &crate::db::entity::mentorship_offer::Model,
    req: &crate::db::entity::mentorship_request::Model,
) -> AppResult<()> {
    use crate::federation::{
        activities::mentorship::OfferAgreement, objects::agreement::Agreement,
    };
    let activity = OfferAgreement {
        kind: "Offer".into(),
        id: url(&req.ap_id)?,
        actor: url(&mentee.ap_id)?,
        object: Agreement::for_offer(&url(&offer.ap_id)?, None),
        content: Some(crate::text::render_local_status(
            &req.message,
            &|_| None,
            &|t| data.urls.tag(t),
        ))
        .filter(|c| !c.is_empty()),
        goals: db::mentorship::codes_of(&req.goals),
        to: vec![url(&mentor.ap_id)?],
    };
    enqueue(
        txn,
        data,
        mentee,
        Envelope {
            id: req.id,
            kind: "Offer",
            public: false,
        },
        activity,
        remote_inbox(mentor),
    )
    .await
}

/// A local mentor answers a remote mentee's request: Accept with the mentorship's Agreement as
/// `result`, or Reject with the reason as `content`.
pub async fn mentorship_answered(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    mentor: &actor::Model,
    mentee: &actor::Model,
    req: &crate::db::entity::mentorship_request::Model,
    accepted: Option<&crate::db::entity::mentorship_agreement::Model>,
    reason: Option<&str>,
) -> AppResult<()> {
    use crate::federation::{activities::mentorship::AnswerOffer, objects::agreement::Agreement};
    let offer = db::mentorship::get_offer(txn, req.offer_id).await?;
    let result = match accepted {
        Some(m) => Some(Agreement::for_offer(
            &url(&offer.ap_id)?,
            Some(url(&m.ap_id)?),
        )),
        None => None,
    };
    let kind = if accepted.is_some() {
        "Accept"
    } else {
        "Reject"
    };
    mentorship_send(
        txn,
        data,
        mentor,
        kind,
        false,
        |id| {
            to_json(AnswerOffer {
                kind: kind.into(),
                id,
                actor: url(&mentor.ap_id)?,
                object: json!({"type": "Offer", "id": req.ap_id, "actor": mentee.ap_id}),
                result,
                content: reason.map(str::to_string),
                to: vec![url(&mentee.ap_id)?],
            })
        },
        remote_inbox(mentee).into_iter().collect(),
    )
    .await
}

/// A local mentee withdraws a request: Undo(Offer) to the mentor.
pub async fn mentorship_request_withdrawn(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    mentee: &actor::Model,
    mentor: &actor::Model,
    req: &crate::db::entity::mentorship_request::Model,
) -> AppResult<()> {
    use crate::federation::activities::mentorship::AnswerOffer;
    mentorship_send(
        txn,
        data,
        mentee,
        "Undo",
        false,
        |id| {
            to_json(AnswerOffer {
                kind: "Undo".into(),
                id,
                actor: url(&mentee.ap_id)?,
                object: json!({"type": "Offer", "id": req.ap_id, "actor": mentee.ap_id}),
                result: None,
                content: None,
                to: vec![url(&mentor.ap_id)?],
            })
        },
        remote_inbox(mentor).into_iter().collect(),
    )
    .await
}

/// A goal, meeting note or message of a mentorship: Create (or Update) to the other party only.
pub async fn mentorship_item(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    author: &actor::Model,
    other: &actor::Model,
    m: &crate::db::entity::mentorship_agreement::Model,
    item: &crate::service::mentorship::space::Item,
    update: bool,
) -> AppResult<()> {
    use crate::federation::{
        activities::mentorship::ItemActivity, objects::mentorship_item::MentorshipItem,
    };
    let object = MentorshipItem::build(item, author, other, m)?;
    let kind = if update { "Update" } else { "Create" };
    mentorship_send(
        txn,
        data,
        author,
        kind,
        false,
        |id| {
            to_json(ItemActivity {
                kind: kind.into(),
                id,
                actor: url(&author.ap_id)?,
                to: object.to.clone(),
                object,
            })
        },
        remote_inbox(other).into_iter().collect(),
    )
    .await
}

/// A local party ended a mentorship: Leave (with the reflection) to the other party.
pub async fn mentorship_ended(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    party: &actor::Model,
    other: &actor::Model,
    m: &crate::db::entity::mentorship_agreement::Model,
) -> AppResult<()> {
    use crate::federation::activities::mentorship::LeaveMentorship;
    mentorship_send(
        txn,
        data,
        party,
        "Leave",
        false,
        |id| {
            to_json(LeaveMentorship {
                kind: "Leave".into(),
                id,
                actor: url(&party.ap_id)?,
                object: url(&m.ap_id)?,
                content: m.reflection.clone(),
                to: vec![url(&other.ap_id)?],
            })
        },
        remote_inbox(other).into_iter().collect(),
    )
    .await
}
