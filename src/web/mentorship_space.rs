//! A mentorship's private space, `/mentorship/{id}`: the shared goals (tick off, add), the
//! meeting log (log a meeting), the private thread (post a message) and ending it with a
//! reflection, through `service::mentorship::space` as the PLN API does. Only the two parties
//! see it: anyone else signed in gets the 403 page. A refused form comes back with its text.
use super::{
    page::{Me, Page, display_name},
    pln::{self, FormError},
    timelines::see_other,
};
use crate::{
    api::form::{ApiForm, de},
    db::{self, entity::mentorship_agreement as agreement, paging::Cursor},
    error::{AppError, AppResult},
    service::mentorship::space::{self, MeetingInput},
};
use axum::{extract::Path, http::StatusCode, response::Response};
use minijinja::{Value, context, value::Serde};
use serde::{Deserialize, Serialize};

/// Meetings and messages shown (the newest).
const SHOWN: u64 = 50;

/// What a party typed in one of the space's forms, shown again when refused.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
pub struct SpaceForm {
    #[serde(default, deserialize_with = "de::opt_string", skip_serializing)]
    csrf: Option<String>,
    /// A goal's title.
    #[serde(default, deserialize_with = "de::opt_string")]
    title: Option<String>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    done: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_string")]
    date: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    notes: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    next_steps: Option<String>,
    /// A message.
    #[serde(default, deserialize_with = "de::opt_string")]
    content: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    reflection: Option<String>,
}

/// The mentorship `id` if `me` is a party: 404 when there is none, the 403 page otherwise.
async fn party_space(
    page: &Page,
    me: &Me,
    id: &str,
) -> AppResult<Result<agreement::Model, Response>> {
    let id: i64 = id
        .parse()
        .map_err(|_| AppError::not_found("mentorship not found"))?;
    let m = db::mentorship::get_agreement(&page.data.db.read, id).await?;
    if !m.is_party(me.actor.id) {
        let detail = super::i18n::tr(page.lang, "space-not-yours");
        return Ok(Err(page.error(StatusCode::FORBIDDEN, &detail)));
    }
    // The same check the service makes on every change.
    space::get_mentorship(&page.data, &me.actor, m.id).await?;
    Ok(Ok(m))
}

/// Which form a refusal came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Which {
    Goal,
    Meeting,
    Message,
    End,
}

impl Which {
    fn name(self) -> &'static str {
        match self {
            Which::Goal => "goal",
            Which::Meeting => "meeting",
            Which::Message => "message",
            Which::End => "end",
        }
    }
}

async fn render(
    page: &Page,
    me: &Me,
    m: &agreement::Model,
    status: StatusCode,
    draft: &SpaceForm,
    error: Option<(Which, FormError)>,
) -> AppResult<Response> {
    let db = &page.data.db.read;
    let other = db::actors::get_by_id(db, m.other_party(me.actor.id)).await?;
    let offer = db::mentorship::get_offer(db, m.offer_id).await?;
    let goals = db::mentorship::goals_of(db, &[m.id])
        .await?
        .remove(&m.id)
        .unwrap_or_default();
    let recent = Cursor {
        limit: SHOWN,
        ..Default::default()
    };
    let meetings = db::mentorship::meetings_of(db, m.id, recent).await?;
    // The thread reads oldest first, like a conversation.
    let mut messages = db::mentorship::messages_of(db, m.id, recent).await?;
    messages.reverse();
    let name_of = |id: i64| {
        if id == me.actor.id {
            display_name(&me.actor)
        } else {
            display_name(&other)
        }
    };
    let goals: Vec<Value> = goals
        .iter()
        .map(|g| {
            context! {
                id => g.id.to_string(), title => g.title.clone(), done => g.done,
                author => name_of(g.author_id),
            }
        })
        .collect();
    let meetings: Vec<Value> = meetings
        .iter()
        .map(|x| {
            context! {
                held_on => x.held_on.clone(), notes => x.notes.clone(),
                next_steps => x.next_steps.clone(), author => name_of(x.author_id),
            }
        })
        .collect();
    let messages: Vec<Value> = messages
        .iter()
        .map(|x| {
            context! {
                content => x.content.clone(), author => name_of(x.author_id),
                mine => x.author_id == me.actor.id, created_at => x.created_at.to_rfc3339(),
            }
        })
        .collect();
    let mut draft = draft.clone();
    if draft.date.is_none() {
        draft.date = Some(chrono::Utc::now().format("%Y-%m-%d").to_string());
    }
    page.render_status(
        status,
        "pages/mentorship_space.html",
        context! {
            goals, meetings, messages,
            id => m.id.to_string(),
            active => m.state == "active",
            reflection => m.reflection.clone(),
            mentor => m.mentor_id == me.actor.id,
            other_name => display_name(&other),
            other_handle => other.handle(),
            offer_title => offer.title.clone(),
            offer_url => format!("/mentorship/offers/{}", offer.id),
            form => Value::from(Serde(&draft)),
            error_in => error.as_ref().map(|(w, _)| w.name()),
            error => error.as_ref().map(|(_, e)| e.value()),
        },
    )
}

/// `GET /mentorship/{id}`.
pub async fn space_page(page: Page, Path(id): Path<String>) -> AppResult<Response> {
    let me = match page.me() {
        Ok(me) => me.clone(),
        Err(to_login) => return Ok(to_login),
    };
    let m = match party_space(&page, &me, &id).await? {
        Ok(m) => m,
        Err(forbidden) => return Ok(forbidden),
    };
    render(&page, &me, &m, StatusCode::OK, &SpaceForm::default(), None).await
}

/// Runs one change of the space from a form, then shows the space (again with the form's
/// text and a message when refused).
async fn change<F, Fut>(
    page: Page,
    id: String,
    form: SpaceForm,
    which: Which,
    act: F,
) -> AppResult<Response>
where
    F: FnOnce(Page, Me, i64, SpaceForm) -> Fut,
    Fut: std::future::Future<Output = (Page, AppResult<()>)>,
{
    let me = match page.signed_in_form(form.csrf.as_deref()) {
        Ok(me) => me,
        Err(answer) => return Ok(answer),
    };
    let m = match party_space(&page, &me, &id).await? {
        Ok(m) => m,
        Err(forbidden) => return Ok(forbidden),
    };
    let (page, result) = act(page, me.clone(), m.id, form.clone()).await;
    match result {
        Ok(()) => Ok(see_other(&format!("/mentorship/{}#{}", m.id, which.name()))),
        Err(e) if pln::is_refusal(&e) => {
            let error = FormError::of(&e, page.lang);
            let m = db::mentorship::get_agreement(&page.data.db.read, m.id).await?;
            render(
                &page,
                &me,
                &m,
                StatusCode::UNPROCESSABLE_ENTITY,
                &form,
                Some((which, error)),
            )
            .await
        }
        Err(e) => Err(e),
    }
}

/// `POST /mentorship/{id}/goals {title}`.
pub async fn add_goal(
    page: Page,
    Path(id): Path<String>,
    form: ApiForm<SpaceForm>,
) -> AppResult<Response> {
    change(
        page,
        id,
        form.params,
        Which::Goal,
        |page, me, m, f| async move {
            let title = f.title.unwrap_or_default();
            let r = space::add_goal(&page.data, &me.actor, m, &title).await;
            (page, r.map(|_| ()))
        },
    )
    .await
}

/// `POST /mentorship/{id}/goals/{goal_id} {done}`: ticks a goal off or back on.
pub async fn set_goal(
    page: Page,
    Path((id, goal_id)): Path<(String, String)>,
    form: ApiForm<SpaceForm>,
) -> AppResult<Response> {
    let goal_id: i64 = goal_id
        .parse()
        .map_err(|_| AppError::not_found("goal not found"))?;
    change(
        page,
        id,
        form.params,
        Which::Goal,
        move |page, me, m, f| async move {
            let done = f.done.unwrap_or(false);
            let r = space::set_goal_done(&page.data, &me.actor, m, goal_id, done).await;
            (page, r.map(|_| ()))
        },
    )
    .await
}

/// `POST /mentorship/{id}/meetings {date, notes, next_steps}`.
pub async fn log_meeting(
    page: Page,
    Path(id): Path<String>,
    form: ApiForm<SpaceForm>,
) -> AppResult<Response> {
    change(
        page,
        id,
        form.params,
        Which::Meeting,
        |page, me, m, f| async move {
            let input = MeetingInput {
                date: f.date.unwrap_or_default(),
                notes: f.notes.unwrap_or_default(),
                next_steps: f.next_steps.unwrap_or_default(),
            };
            let r = space::log_meeting(&page.data, &me.actor, m, input).await;
            (page, r.map(|_| ()))
        },
    )
    .await
}

/// `POST /mentorship/{id}/messages {content}`.
pub async fn send_message(
    page: Page,
    Path(id): Path<String>,
    form: ApiForm<SpaceForm>,
) -> AppResult<Response> {
    change(
        page,
        id,
        form.params,
        Which::Message,
        |page, me, m, f| async move {
            let content = f.content.unwrap_or_default();
            let r = space::send_message(&page.data, &me.actor, m, &content).await;
            (page, r.map(|_| ()))
        },
    )
    .await
}

/// `POST /mentorship/{id}/end {reflection}` (either party).
pub async fn end(
    page: Page,
    Path(id): Path<String>,
    form: ApiForm<SpaceForm>,
) -> AppResult<Response> {
    change(
        page,
        id,
        form.params,
        Which::End,
        |page, me, m, f| async move {
            let reflection = f.reflection.unwrap_or_default();
            let r = space::end_mentorship(&page.data, &me.actor, m, &reflection).await;
            (page, r.map(|_| ()))
        },
    )
    .await
}
