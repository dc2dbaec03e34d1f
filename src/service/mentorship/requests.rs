//! Mentorship requests and decisions. A mentee requests an offer (stored on both nodes, sent as
//! FEP-0837 `Offer(Agreement)`, plus a direct message so any app notifies the mentor); the
//! mentor accepts — only while places are left, counted by the mentor's node under the offer's
//! lock — or declines; the mentee may withdraw while it is pending. A request reaching a full
//! or closed offer is declined at once with the reason.
use super::{About, check_text, not_yours, notes, notify, offers};
use crate::{
    AppState,
    db::{
        self,
        entity::{
            actor, mentorship_agreement as agreement, mentorship_goal as goal,
            mentorship_offer as offer, mentorship_request as request,
        },
    },
    error::{AppError, AppResult},
    federation::outbox,
    service::commit,
};
use activitypub_federation::config::Data;
use chrono::Utc;
use sea_orm::{DatabaseTransaction, Set, TransactionTrait};

/// The states of a request.
pub const STATES: [&str; 4] = ["pending", "accepted", "declined", "withdrawn"];
/// Most goals a request may propose.
pub const MAX_GOALS: usize = 10;

/// What a mentee writes.
#[derive(Debug, Clone, Default)]
pub struct RequestInput {
    pub message: String,
    pub goals: Vec<String>,
}

/// Checks a request's message and goals (trimmed, empty goals dropped).
pub fn check(input: RequestInput) -> AppResult<RequestInput> {
    let message = check_text("message", &input.message, 2000, false)?;
    let mut goals = Vec::new();
    for g in input.goals.iter().filter(|g| !g.trim().is_empty()) {
        goals.push(check_text("goals", g, 200, true)?);
    }
    if goals.len() > MAX_GOALS {
        return Err(AppError::Invalid(format!(
            "goals: at most {MAX_GOALS} are allowed"
        )));
    }
    Ok(RequestInput { message, goals })
}

fn refuse_unavailable(offer: &offer::Model) -> AppResult<()> {
    match offer.state.as_str() {
        "closed" => Err(AppError::Conflict("this offer is closed".into())),
        "full" => Err(AppError::Conflict(
            "this offer is full: no places are left".into(),
        )),
        _ => Ok(()),
    }
}

/// Local `mentee` requests offer `offer_id` (local or remote).
pub async fn request_mentorship(
    data: &Data<AppState>,
    mentee: &actor::Model,
    offer_id: i64,
    input: RequestInput,
) -> AppResult<request::Model> {
    let offer = db::mentorship::get_offer(&data.db.read, offer_id).await?;
    if offer.author_id == mentee.id {
        return Err(AppError::Invalid(
            "you cannot request your own offer".into(),
        ));
    }
    refuse_unavailable(&offer)?;
    if let Some(existing) =
        db::mentorship::find_open_request_of(&data.db.read, offer.id, mentee.id).await?
    {
        return Err(AppError::Conflict(
            match existing.state.as_str() {
                "pending" => "you have already requested this offer; it is waiting for an answer",
                _ => "you already have an active mentorship from this offer",
            }
            .into(),
        ));
    }
    let input = check(input)?;
    let mentor = db::actors::get_by_id(&data.db.read, offer.author_id).await?;
    let id = data.ids.next();
    let row = request::ActiveModel {
        id: Set(id),
        ap_id: Set(data.urls.mentorship_request(id)),
        offer_id: Set(offer.id),
        mentee_id: Set(mentee.id),
        mentor_id: Set(mentor.id),
        message: Set(input.message.clone()),
        goals: Set(db::mentorship::codes_json(&input.goals)),
        state: Set("pending".into()),
        reason: Set(None),
        created_at: Set(Utc::now()),
        decided_at: Set(None),
    };
    let txn = data.db.write.begin().await?;
    let req = db::mentorship::insert_request(&txn, row).await?;
    let about = About {
        offer_id: Some(offer.id),
        request_id: Some(req.id),
        agreement_id: None,
    };
    notify(&txn, data, &mentor, "request_received", mentee.id, about).await?;
    if !mentor.local {
        outbox::mentorship_requested(&txn, data, mentee, &mentor, &offer, &req).await?;
    }
    let page = offer.url.clone().unwrap_or_else(|| offer.ap_id.clone());
    let body = format!(
        "I would like you to mentor me (\"{}\").\n\n{}\n\nAccept or decline: {page}",
        offer.title, input.message
    );
    notes::direct_message(&txn, data, mentee, &mentor, &body).await?;
    commit(data, txn).await?;
    Ok(req)
}

/// The request `request_id` for its mentor `mentor` (403 for the mentee, 404 for others).
async fn as_mentor(
    data: &Data<AppState>,
    mentor: &actor::Model,
    request_id: i64,
    what: &str,
) -> AppResult<request::Model> {
    let req = db::mentorship::get_request(&data.db.read, request_id).await?;
    if req.mentor_id != mentor.id {
        return Err(not_yours(req.mentee_id == mentor.id, what));
    }
    if req.state != "pending" {
        return Err(AppError::Conflict(format!(
            "this request is already {}",
            req.state
        )));
    }
    Ok(req)
}

/// The initial goals of a mentorship: the request's, identified `<agreement id>#goal-<n>` on
/// both nodes (each derives them from the same request), proposed by the mentee.
async fn initial_goals(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    req: &request::Model,
    mentorship: &agreement::Model,
) -> AppResult<()> {
    let now = Utc::now();
    for (i, title) in db::mentorship::codes_of(&req.goals).iter().enumerate() {
        let row = goal::ActiveModel {
            id: Set(data.ids.next()),
            ap_id: Set(format!("{}#goal-{}", mentorship.ap_id, i + 1)),
            agreement_id: Set(mentorship.id),
            author_id: Set(req.mentee_id),
            title: Set(title.clone()),
            done: Set(false),
            done_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        };
        db::mentorship::insert_goal(txn, row).await?;
    }
    Ok(())
}

async fn start_mentorship(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    req: &request::Model,
    ap_id: Option<String>,
) -> AppResult<agreement::Model> {
    let id = data.ids.next();
    let row = agreement::ActiveModel {
        id: Set(id),
        ap_id: Set(ap_id.unwrap_or_else(|| data.urls.mentorship(id))),
        request_id: Set(req.id),
        offer_id: Set(req.offer_id),
        mentor_id: Set(req.mentor_id),
        mentee_id: Set(req.mentee_id),
        state: Set("active".into()),
        reflection: Set(None),
        ended_by_id: Set(None),
        created_at: Set(Utc::now()),
        ended_at: Set(None),
    };
    let mentorship = db::mentorship::insert_agreement(txn, row).await?;
    initial_goals(txn, data, req, &mentorship).await?;
    Ok(mentorship)
}

async fn decide(
    txn: &DatabaseTransaction,
    req: &request::Model,
    state: &str,
    reason: Option<String>,
) -> AppResult<request::Model> {
    let mut row: request::ActiveModel = req.clone().into();
    row.state = Set(state.into());
    row.reason = Set(reason);
    row.decided_at = Set(Some(Utc::now()));
    db::mentorship::update_request(txn, row).await
}

/// The mentor accepts: refused once the offer is closed or its places are taken. Starts the
/// mentorship (with the request's goals), answers Accept, and tells the mentee.
pub async fn accept_request(
    data: &Data<AppState>,
    mentor: &actor::Model,
    request_id: i64,
) -> AppResult<(request::Model, agreement::Model)> {
    let req = as_mentor(
        data,
        mentor,
        request_id,
        "only the mentor can accept a request",
    )
    .await?;
    let txn = data.db.write.begin().await?;
    db::mentorship::lock_offer(&txn, req.offer_id).await?;
    let offer = db::mentorship::get_offer(&txn, req.offer_id).await?;
    if offer.state == "closed" {
        return Err(AppError::Conflict("this offer is closed".into()));
    }
    let mentees = db::mentorship::count_active(&txn, offer.id).await?;
    if mentees >= i64::from(offer.capacity) {
        return Err(AppError::Conflict(format!(
            "this offer is full: its {} places are taken",
            offer.capacity
        )));
    }
    let req = decide(&txn, &req, "accepted", None).await?;
    let mentorship = start_mentorship(&txn, data, &req, None).await?;
    let offer = offers::recount(&txn, data, &offer).await?;
    let mentee = db::actors::get_by_id(&txn, req.mentee_id).await?;
    let about = About {
        offer_id: Some(offer.id),
        request_id: Some(req.id),
        agreement_id: Some(mentorship.id),
    };
    notify(&txn, data, &mentee, "request_accepted", mentor.id, about).await?;
    if offer.state == "full" {
        notify(&txn, data, mentor, "offer_full", mentee.id, about).await?;
    }
    if !mentee.local {
        outbox::mentorship_answered(&txn, data, mentor, &mentee, &req, Some(&mentorship), None)
            .await?;
    }
    let body = format!(
        "I accepted your mentorship request (\"{}\"). Our mentorship space is ready: {}",
        offer.title, mentorship.ap_id
    );
    notes::direct_message(&txn, data, mentor, &mentee, &body).await?;
    commit(data, txn).await?;
    Ok((req, mentorship))
}

/// The mentor declines, with an optional reason sent to the mentee.
pub async fn decline_request(
    data: &Data<AppState>,
    mentor: &actor::Model,
    request_id: i64,
    reason: &str,
) -> AppResult<request::Model> {
    let req = as_mentor(
        data,
        mentor,
        request_id,
        "only the mentor can decline a request",
    )
    .await?;
    let reason = check_text("reason", reason, 500, false)?;
    let reason = (!reason.is_empty()).then_some(reason);
    let offer = db::mentorship::get_offer(&data.db.read, req.offer_id).await?;
    let mentee = db::actors::get_by_id(&data.db.read, req.mentee_id).await?;
    let txn = data.db.write.begin().await?;
    let req = decide(&txn, &req, "declined", reason.clone()).await?;
    declined(&txn, data, mentor, &mentee, &offer, &req).await?;
    commit(data, txn).await?;
    Ok(req)
}

/// Tells the mentee of a decline: PLN notification, Reject, direct message.
async fn declined(
    txn: &DatabaseTransaction,
    data: &Data<AppState>,
    mentor: &actor::Model,
    mentee: &actor::Model,
    offer: &offer::Model,
    req: &request::Model,
) -> AppResult<()> {
    let about = About {
        offer_id: Some(offer.id),
        request_id: Some(req.id),
        agreement_id: None,
    };
    notify(txn, data, mentee, "request_declined", mentor.id, about).await?;
    if !mentee.local {
        outbox::mentorship_answered(txn, data, mentor, mentee, req, None, req.reason.as_deref())
            .await?;
    }
    let why = req
        .reason
        .as_deref()
        .map(|r| format!(" Reason: {r}"))
        .unwrap_or_default();
    let body = format!(
        "I cannot take your mentorship request (\"{}\").{why}",
        offer.title
    );
    notes::direct_message(txn, data, mentor, mentee, &body).await?;
    Ok(())
}

/// The mentee withdraws a pending request.
pub async fn withdraw_request(
    data: &Data<AppState>,
    mentee: &actor::Model,
    request_id: i64,
) -> AppResult<request::Model> {
    let req = db::mentorship::get_request(&data.db.read, request_id).await?;
    if req.mentee_id != mentee.id {
        return Err(not_yours(
            req.mentor_id == mentee.id,
            "only the mentee can withdraw a request",
        ));
    }
    if req.state != "pending" {
        return Err(AppError::Conflict(format!(
            "only a pending request can be withdrawn; this one is {}",
            req.state
        )));
    }
    let mentor = db::actors::get_by_id(&data.db.read, req.mentor_id).await?;
    let txn = data.db.write.begin().await?;
    let req = decide(&txn, &req, "withdrawn", None).await?;
    let about = About {
        offer_id: Some(req.offer_id),
        request_id: Some(req.id),
        agreement_id: None,
    };
    notify(&txn, data, &mentor, "request_withdrawn", mentee.id, about).await?;
    if !mentor.local {
        outbox::mentorship_request_withdrawn(&txn, data, mentee, &mentor, &req).await?;
    }
    commit(data, txn).await?;
    Ok(req)
}

/// `mentee` moved (a move done here, or one believed from another server): the requests it
/// still waits on are withdrawn, as if it had withdrawn them, because an answer could no
/// longer reach the account that asked (the new account asks again). A local mentee's
/// withdrawal goes to the mentor's node; for a remote mentee this node withdraws its copies
/// itself, before the mentorships are re-pointed (afterwards the old account's Undo would be
/// refused as not the mentee's).
pub async fn mentee_moved(data: &Data<AppState>, mentee: &actor::Model) -> AppResult<()> {
    for req in db::mentorship::pending_requests_by(&data.db.read, mentee.id).await? {
        if mentee.local {
            withdraw_request(data, mentee, req.id).await?;
        } else {
            receive_withdrawal(data, mentee, &req).await?;
        }
    }
    Ok(())
}

/// A remote mentee's request for a local offer arrived (Offer(Agreement) `ap_id`). Declined at
/// once, with the reason, when the offer is closed or full.
pub async fn receive_request(
    data: &Data<AppState>,
    mentee: &actor::Model,
    offer: &offer::Model,
    ap_id: &str,
    input: RequestInput,
) -> AppResult<()> {
    if !offer.local || mentee.local {
        return Err(AppError::BadRequest(
            "the offer is not one of this server's".into(),
        ));
    }
    if db::mentorship::find_request_by_ap_id(&data.db.read, ap_id)
        .await?
        .is_some()
    {
        return Ok(());
    }
    let input = RequestInput {
        message: input.message.chars().take(2000).collect(),
        goals: input
            .goals
            .into_iter()
            .map(|g| g.trim().chars().take(200).collect::<String>())
            .filter(|g| !g.is_empty())
            .take(MAX_GOALS)
            .collect(),
    };
    let mentor = db::actors::get_by_id(&data.db.read, offer.author_id).await?;
    let row = request::ActiveModel {
        id: Set(data.ids.next()),
        ap_id: Set(ap_id.to_string()),
        offer_id: Set(offer.id),
        mentee_id: Set(mentee.id),
        mentor_id: Set(mentor.id),
        message: Set(input.message),
        goals: Set(db::mentorship::codes_json(&input.goals)),
        state: Set("pending".into()),
        reason: Set(None),
        created_at: Set(Utc::now()),
        decided_at: Set(None),
    };
    let txn = data.db.write.begin().await?;
    let req = db::mentorship::insert_request(&txn, row).await?;
    if let Err(AppError::Conflict(reason)) = refuse_unavailable(offer) {
        let req = decide(&txn, &req, "declined", Some(reason)).await?;
        declined(&txn, data, &mentor, mentee, offer, &req).await?;
    } else {
        let about = About {
            offer_id: Some(offer.id),
            request_id: Some(req.id),
            agreement_id: None,
        };
        notify(&txn, data, &mentor, "request_received", mentee.id, about).await?;
    }
    commit(data, txn).await
}

/// The remote mentor accepted (`agreement` is the id it minted) or declined a local mentee's
/// request. Answers to requests that are no longer pending are ignored.
pub async fn receive_answer(
    data: &Data<AppState>,
    mentor: &actor::Model,
    req: &request::Model,
    agreement: Option<&str>,
    reason: Option<String>,
) -> AppResult<()> {
    if req.mentor_id != mentor.id {
        return Err(AppError::Forbidden(
            "only the mentor can answer a request".into(),
        ));
    }
    if req.state != "pending" {
        return Ok(());
    }
    let mentee = db::actors::get_by_id(&data.db.read, req.mentee_id).await?;
    let txn = data.db.write.begin().await?;
    let mut about = About {
        offer_id: Some(req.offer_id),
        request_id: Some(req.id),
        agreement_id: None,
    };
    match agreement {
        Some(ap_id) => {
            let req = decide(&txn, req, "accepted", None).await?;
            let mentorship = start_mentorship(&txn, data, &req, Some(ap_id.to_string())).await?;
            about.agreement_id = Some(mentorship.id);
            notify(&txn, data, &mentee, "request_accepted", mentor.id, about).await?;
        }
        None => {
            let reason = reason.map(|r| r.chars().take(500).collect());
            decide(&txn, req, "declined", reason).await?;
            notify(&txn, data, &mentee, "request_declined", mentor.id, about).await?;
        }
    }
    commit(data, txn).await
}

/// The remote mentee withdrew a request for a local offer.
pub async fn receive_withdrawal(
    data: &Data<AppState>,
    mentee: &actor::Model,
    req: &request::Model,
) -> AppResult<()> {
    if req.mentee_id != mentee.id {
        return Err(AppError::Forbidden(
            "only the mentee can withdraw a request".into(),
        ));
    }
    if req.state != "pending" {
        return Ok(());
    }
    let mentor = db::actors::get_by_id(&data.db.read, req.mentor_id).await?;
    let txn = data.db.write.begin().await?;
    let req = decide(&txn, req, "withdrawn", None).await?;
    let about = About {
        offer_id: Some(req.offer_id),
        request_id: Some(req.id),
        agreement_id: None,
    };
    notify(&txn, data, &mentor, "request_withdrawn", mentee.id, about).await?;
    commit(data, txn).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_keep_non_empty_goals_within_limits() {
        let ok = check(RequestInput {
            message: " Hello ".into(),
            goals: vec!["Plan lessons".into(), " ".into()],
        })
        .unwrap();
        assert_eq!(ok.message, "Hello");
        assert_eq!(ok.goals, vec!["Plan lessons"]);
        let many = RequestInput {
            message: String::new(),
            goals: (0..11).map(|i| format!("goal {i}")).collect(),
        };
        assert!(check(many).is_err());
        let long = RequestInput {
            message: "x".repeat(2001),
            goals: vec![],
        };
        assert!(check(long).is_err());
    }
}
