//! Mentorship requests on the web: requesting an offer from its page, and
//! `/mentorship/requests` — the requests received (accept / decline with a reason) and sent
//! (withdraw while pending), my mentorships and my offers — through
//! `service::mentorship::requests`, as the PLN API does.
use super::{
    mentorship::{RequestDraft, render_offer},
    page::{Page, display_name},
    pln::{self, CsrfForm, FormError, People},
    timelines::see_other,
};
use crate::{
    api::form::{ApiForm, de},
    db::{
        self,
        entity::{mentorship_offer as offer, mentorship_request as request},
        mentorship::{OfferFilter, codes_of},
        paging::Cursor,
    },
    error::{AppError, AppResult},
    service::mentorship::requests::{self, RequestInput},
};
use axum::{
    extract::{Path, Query},
    http::StatusCode,
    response::Response,
};
use minijinja::{Value, context};
use serde::Deserialize;
use std::collections::HashMap;

fn parse_id(id: &str, what: &str) -> AppResult<i64> {
    id.parse()
        .map_err(|_| AppError::not_found(format!("{what} not found")))
}

/// The request form of an offer's page.
#[derive(Debug, Default, Deserialize)]
pub struct RequestForm {
    #[serde(default, deserialize_with = "de::opt_string")]
    csrf: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    message: Option<String>,
    /// One goal per line.
    #[serde(default, deserialize_with = "de::opt_string")]
    goals: Option<String>,
}

/// `POST /mentorship/offers/{id}/request`: asks the offer's mentor; the offer's page then
/// shows the request waiting. A refusal shows the page again with what was typed.
pub async fn request_offer(
    page: Page,
    Path(id): Path<String>,
    form: ApiForm<RequestForm>,
) -> AppResult<Response> {
    let form = form.params;
    let me = match page.signed_in_form(form.csrf.as_deref()) {
        Ok(me) => me,
        Err(answer) => return Ok(answer),
    };
    let o = db::mentorship::get_offer(&page.data.db.read, parse_id(&id, "offer")?).await?;
    let draft = RequestDraft {
        message: form.message.unwrap_or_default(),
        goals: form.goals.unwrap_or_default(),
    };
    let input = RequestInput {
        message: draft.message.clone(),
        goals: draft.goals.lines().map(str::to_string).collect(),
    };
    match requests::request_mentorship(&page.data, &me.actor, o.id, input).await {
        Ok(_) => Ok(see_other(&format!("/mentorship/offers/{}", o.id))),
        Err(e) if pln::is_refusal(&e) => {
            let author = db::actors::get_by_id(&page.data.db.read, o.author_id).await?;
            let error = FormError::of(&e, page.lang);
            render_offer(
                &page,
                &author,
                &o,
                StatusCode::UNPROCESSABLE_ENTITY,
                &draft,
                Some(error),
            )
            .await
        }
        Err(e) => Err(e),
    }
}

/// A refused decision as a translated error page.
fn refused(page: &Page, e: &AppError) -> Response {
    let error = FormError::of(e, page.lang);
    page.error(e.status(), &format!("{} ({})", error.message, error.detail))
}

/// `POST /mentorship/requests/{id}/accept` (the mentor): opens the new mentorship's space.
pub async fn accept(
    page: Page,
    Path(id): Path<String>,
    form: ApiForm<CsrfForm>,
) -> AppResult<Response> {
    let me = match page.signed_in_form(form.params.csrf.as_deref()) {
        Ok(me) => me,
        Err(answer) => return Ok(answer),
    };
    match requests::accept_request(&page.data, &me.actor, parse_id(&id, "request")?).await {
        Ok((_, mentorship)) => Ok(see_other(&format!("/mentorship/{}", mentorship.id))),
        Err(e) if pln::is_refusal(&e) => Ok(refused(&page, &e)),
        Err(e) => Err(e),
    }
}

/// The decline form: a reason for the mentee, optional.
#[derive(Debug, Default, Deserialize)]
pub struct DeclineForm {
    #[serde(default, deserialize_with = "de::opt_string")]
    csrf: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    reason: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    back: Option<String>,
}

/// `POST /mentorship/requests/{id}/decline` (the mentor).
pub async fn decline(
    page: Page,
    Path(id): Path<String>,
    form: ApiForm<DeclineForm>,
) -> AppResult<Response> {
    let form = form.params;
    let me = match page.signed_in_form(form.csrf.as_deref()) {
        Ok(me) => me,
        Err(answer) => return Ok(answer),
    };
    let reason = form.reason.unwrap_or_default();
    match requests::decline_request(&page.data, &me.actor, parse_id(&id, "request")?, &reason).await
    {
        Ok(_) => Ok(see_other(&pln::back_to(
            form.back.as_deref(),
            "/mentorship/requests",
        ))),
        Err(e) if pln::is_refusal(&e) => Ok(refused(&page, &e)),
        Err(e) => Err(e),
    }
}

/// `POST /mentorship/requests/{id}/withdraw` (the mentee, while pending).
pub async fn withdraw(
    page: Page,
    Path(id): Path<String>,
    form: ApiForm<CsrfForm>,
) -> AppResult<Response> {
    let me = match page.signed_in_form(form.params.csrf.as_deref()) {
        Ok(me) => me,
        Err(answer) => return Ok(answer),
    };
    match requests::withdraw_request(&page.data, &me.actor, parse_id(&id, "request")?).await {
        Ok(_) => Ok(see_other(&pln::back_to(
            form.params.back.as_deref(),
            "/mentorship/requests",
        ))),
        Err(e) if pln::is_refusal(&e) => Ok(refused(&page, &e)),
        Err(e) => Err(e),
    }
}

/// Paging of the two request lists.
#[derive(Debug, Default, Deserialize)]
pub struct RequestsPaging {
    #[serde(default)]
    received_max_id: Option<String>,
    #[serde(default)]
    sent_max_id: Option<String>,
}

fn cursor(max_id: &Option<String>) -> Cursor {
    Cursor {
        max_id: max_id.as_deref().and_then(|m| m.trim().parse().ok()),
        limit: pln::PAGE_SIZE,
        ..Default::default()
    }
}

/// Requests as the template shows them, with the other party, the offer and the space.
async fn request_rows(
    page: &Page,
    rows: &[request::Model],
    as_mentor: bool,
) -> AppResult<Vec<Value>> {
    let db = &page.data.db.read;
    let people_ids: Vec<i64> = rows
        .iter()
        .map(|r| if as_mentor { r.mentee_id } else { r.mentor_id })
        .collect();
    let people: People = db::views::actors_by_ids(db, &people_ids).await?;
    let offer_ids: Vec<i64> = rows.iter().map(|r| r.offer_id).collect();
    let offers: HashMap<i64, offer::Model> = db::mentorship::offers_by_ids(db, &offer_ids)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let spaces = db::mentorship::agreement_ids_by_request(db, &ids).await?;
    Ok(rows
        .iter()
        .map(|r| {
            let other = people.get(if as_mentor {
                &r.mentee_id
            } else {
                &r.mentor_id
            });
            context! {
                id => r.id.to_string(),
                state => r.state.clone(),
                message => r.message.clone(),
                reason => r.reason.clone(),
                goals => codes_of(&r.goals),
                created_at => r.created_at.to_rfc3339(),
                name => other.map(display_name),
                handle => other.map(|a| a.handle()),
                offer_title => offers.get(&r.offer_id).map(|o| o.title.clone()),
                offer_url => format!("/mentorship/offers/{}", r.offer_id),
                space => spaces.get(&r.id).map(|id| format!("/mentorship/{id}")),
            }
        })
        .collect())
}

/// `GET /mentorship/requests`: requests received and sent, my mentorships and my offers.
pub async fn requests_page(
    page: Page,
    Query(paging): Query<RequestsPaging>,
) -> AppResult<Response> {
    let me = match page.me() {
        Ok(me) => me.clone(),
        Err(to_login) => return Ok(to_login),
    };
    let data = &page.data;
    let db = &data.db.read;
    let received_rows =
        db::mentorship::list_requests(db, me.actor.id, true, None, cursor(&paging.received_max_id))
            .await?;
    let sent_rows =
        db::mentorship::list_requests(db, me.actor.id, false, None, cursor(&paging.sent_max_id))
            .await?;
    let next = |rows: &[request::Model], name: &str| {
        (rows.len() as u64 >= pln::PAGE_SIZE)
            .then(|| {
                rows.last()
                    .map(|r| format!("/mentorship/requests?{name}={}", r.id))
            })
            .flatten()
    };
    let received_next = next(&received_rows, "received_max_id");
    let sent_next = next(&sent_rows, "sent_max_id");
    let received = request_rows(&page, &received_rows, true).await?;
    let sent = request_rows(&page, &sent_rows, false).await?;
    let agreements = db::mentorship::list_agreements(
        db,
        me.actor.id,
        Cursor {
            limit: 40,
            ..Default::default()
        },
    )
    .await?;
    let others: Vec<i64> = agreements
        .iter()
        .map(|m| m.other_party(me.actor.id))
        .collect();
    let people: People = db::views::actors_by_ids(db, &others).await?;
    let mentorships: Vec<Value> = agreements
        .iter()
        .map(|m| {
            let other = people.get(&m.other_party(me.actor.id));
            context! {
                url => format!("/mentorship/{}", m.id),
                state => m.state.clone(),
                mentor => m.mentor_id == me.actor.id,
                name => other.map(display_name),
                handle => other.map(|a| a.handle()),
            }
        })
        .collect();
    let own_filter = OfferFilter {
        author_id: Some(me.actor.id),
        ..Default::default()
    };
    let own = db::mentorship::list_offers(
        db,
        &own_filter,
        Cursor {
            limit: 40,
            ..Default::default()
        },
    )
    .await?;
    let mut self_people = People::new();
    self_people.insert(me.actor.id, me.actor.clone());
    let my_offers: Vec<Value> = own
        .iter()
        .map(|o| pln::offer_card(o, &self_people, page.lang))
        .collect();
    page.render(
        "pages/mentorship_requests.html",
        context! { received, sent, received_next, sent_next, mentorships, my_offers },
    )
}
