//! The registration queue (`/admin/registrations`: pending sign-ups with the applicant's reason,
//! approve or reject with a note) and the accounts (`/admin/accounts`: search by name or
//! `name@domain` and state; one account's page with its state, reports, role change for admins,
//! actions — warn, limit, disable, suspend, with a note and a message to the user — and undo).
use super::{Flash, Level, allowed, allowed_form, finish, render};
use crate::{
    api::form::{ApiForm, de},
    db::{
        self,
        admin_accounts::AccountFilter,
        entity::{actor, local_user},
    },
    error::AppResult,
    service::{
        accounts::ROLES,
        moderation::{
            Moderator,
            accounts::{self as actions, AccountAction},
        },
    },
    web::{i18n, page::Page},
};
use axum::{
    extract::{Path, Query},
    response::Response,
};
use minijinja::{Value, context};
use serde::Deserialize;

/// Most accounts on one page.
const PAGE: u64 = 50;

/// The state of an account as staff read it.
fn state_of(actor: &actor::Model, user: Option<&local_user::Model>) -> &'static str {
    if actor.suspended_at.is_some() {
        "suspended"
    } else if actor.deleted_at.is_some() {
        "deleted"
    } else if user.is_some_and(|u| u.approval == "pending") {
        "pending"
    } else if user.is_some_and(|u| u.approval == "rejected") {
        "rejected"
    } else if user.is_some_and(|u| u.disabled) {
        "disabled"
    } else if actor.silenced_at.is_some() {
        "silenced"
    } else {
        "active"
    }
}

/// One account as the templates show it.
fn account_value(lang: &str, actor: &actor::Model, user: Option<&local_user::Model>) -> Value {
    context! {
        id => actor.id.to_string(),
        handle => actor.handle(),
        username => actor.username.clone(),
        display_name => crate::web::page::display_name(actor),
        local => actor.local,
        state => state_of(actor, user),
        silenced => actor.silenced_at.is_some(),
        suspended => actor.suspended_at.is_some(),
        disabled => user.is_some_and(|u| u.disabled),
        role => user.map(|u| u.role.clone()),
        email => user.map(|u| u.email.clone()),
        reason => user.and_then(|u| u.registration_reason.clone()),
        created_at => i18n::format_datetime(lang, &actor.created_at),
        url => actor.url.clone().unwrap_or_else(|| actor.ap_id.clone()),
    }
}

/// `GET /admin/registrations`: sign-ups waiting for approval, oldest first.
pub async fn registrations(page: Page, Query(flash): Query<Flash>) -> AppResult<Response> {
    let me = match allowed(&page, Level::Staff) {
        Ok(me) => me,
        Err(refused) => return Ok(refused),
    };
    let mut rows = actions::list(
        &page.data,
        Moderator::Staff(&me.user),
        &AccountFilter {
            local: Some(true),
            status: Some("pending".into()),
            limit: 200,
            ..AccountFilter::default()
        },
    )
    .await?;
    rows.reverse();
    let accounts: Vec<Value> = rows
        .iter()
        .map(|(a, u)| account_value(page.lang, a, u.as_ref()))
        .collect();
    render(
        &page,
        &me,
        "pages/admin/registrations.html",
        "registrations",
        context! { accounts, done => flash.done.is_some() },
    )
}

/// The account search.
#[derive(Debug, Default, Deserialize)]
pub struct Search {
    #[serde(default)]
    q: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    origin: Option<String>,
    #[serde(default)]
    max_id: Option<String>,
}

/// The states the search offers.
const STATES: [&str; 6] = [
    "active",
    "pending",
    "disabled",
    "silenced",
    "suspended",
    "staff",
];

/// `GET /admin/accounts`.
pub async fn list(page: Page, Query(search): Query<Search>) -> AppResult<Response> {
    let me = match allowed(&page, Level::Staff) {
        Ok(me) => me,
        Err(refused) => return Ok(refused),
    };
    let q = search.q.clone().unwrap_or_default();
    let query = q.trim().trim_start_matches('@');
    let (username, domain) = match query.split_once('@') {
        Some((u, d)) => (u, Some(d.to_string())),
        None => (query, None),
    };
    let status = search
        .status
        .clone()
        .filter(|s| STATES.contains(&s.as_str()));
    let filter = AccountFilter {
        local: match search.origin.as_deref() {
            Some("local") => Some(true),
            Some("remote") => Some(false),
            _ => None,
        },
        staff: status.as_deref() == Some("staff"),
        status: status.clone().filter(|s| s != "staff"),
        username: Some(username.to_string()).filter(|u| !u.is_empty()),
        domain,
        max_id: search.max_id.as_deref().and_then(|m| m.parse().ok()),
        limit: PAGE,
        ..AccountFilter::default()
    };
    let rows = actions::list(&page.data, Moderator::Staff(&me.user), &filter).await?;
    let next = (rows.len() as u64 >= PAGE)
        .then(|| {
            rows.last().map(|(a, _)| {
                format!(
                    "/admin/accounts?q={}&status={}&origin={}&max_id={}",
                    urlencoding(&q),
                    status.as_deref().unwrap_or(""),
                    search.origin.as_deref().unwrap_or(""),
                    a.id
                )
            })
        })
        .flatten();
    let accounts: Vec<Value> = rows
        .iter()
        .map(|(a, u)| account_value(page.lang, a, u.as_ref()))
        .collect();
    render(
        &page,
        &me,
        "pages/admin/accounts.html",
        "accounts",
        context! {
            accounts, next, q,
            status => status.unwrap_or_default(),
            origin => search.origin.unwrap_or_default(),
            states => STATES,
        },
    )
}

/// Percent-encodes a query value.
fn urlencoding(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// `GET /admin/accounts/{id}`.
pub async fn show(
    page: Page,
    Path(id): Path<i64>,
    Query(flash): Query<Flash>,
) -> AppResult<Response> {
    let me = match allowed(&page, Level::Staff) {
        Ok(me) => me,
        Err(refused) => return Ok(refused),
    };
    let (actor, user) = match actions::target(&page.data, id).await {
        Ok(found) => found,
        Err(e) => return Ok(page.error(e.status(), &e.to_string())),
    };
    let reports: Vec<Value> = db::reports::against(&page.data.db.read, actor.id)
        .await?
        .iter()
        .map(|r| {
            context! {
                id => r.id.to_string(),
                comment => r.comment.clone(),
                resolved => r.action_taken_at.is_some(),
                at => i18n::format_datetime(page.lang, &r.created_at),
            }
        })
        .collect();
    render(
        &page,
        &me,
        "pages/admin/account.html",
        "accounts",
        context! {
            account => account_value(page.lang, &actor, user.as_ref()),
            reports,
            roles => ROLES,
            is_self => me.actor.id == actor.id,
            done => flash.done.is_some(),
        },
    )
}

/// The fields of the account forms.
#[derive(Debug, Default, Deserialize)]
pub struct AccountForm {
    #[serde(default, deserialize_with = "de::opt_string")]
    csrf: Option<String>,
    /// none (a warning), silence, disable, suspend; for undo: silence, disable, suspend.
    #[serde(rename = "type", default, deserialize_with = "de::opt_string")]
    kind: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    note: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    message: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    role: Option<String>,
    /// Where to go back to (the queue or the account page).
    #[serde(default, deserialize_with = "de::opt_string")]
    back: Option<String>,
}

impl AccountForm {
    /// The page to go back to: the registration queue or the account's page.
    fn back(&self, id: i64) -> String {
        match self.back.as_deref() {
            Some("registrations") => "/admin/registrations".into(),
            _ => format!("/admin/accounts/{id}"),
        }
    }
}

/// `POST /admin/accounts/{id}/approve`.
pub async fn approve(
    page: Page,
    Path(id): Path<i64>,
    form: ApiForm<AccountForm>,
) -> AppResult<Response> {
    let f = form.params;
    let me = match allowed_form(&page, Level::Staff, f.csrf.as_deref()) {
        Ok(me) => me,
        Err(refused) => return Ok(refused),
    };
    let result = actions::approve(&page.data, Moderator::Staff(&me.user), id).await;
    finish(&page, result, &f.back(id))
}

/// `POST /admin/accounts/{id}/reject` (`note`).
pub async fn reject(
    page: Page,
    Path(id): Path<i64>,
    form: ApiForm<AccountForm>,
) -> AppResult<Response> {
    let f = form.params;
    let me = match allowed_form(&page, Level::Staff, f.csrf.as_deref()) {
        Ok(me) => me,
        Err(refused) => return Ok(refused),
    };
    let note = f.note.clone().unwrap_or_default();
    let result = actions::reject(&page.data, Moderator::Staff(&me.user), id, &note).await;
    finish(&page, result, &f.back(id))
}

/// `POST /admin/accounts/{id}/action` (`type`, `note`, `message`).
pub async fn action(
    page: Page,
    Path(id): Path<i64>,
    form: ApiForm<AccountForm>,
) -> AppResult<Response> {
    let f = form.params;
    let me = match allowed_form(&page, Level::Staff, f.csrf.as_deref()) {
        Ok(me) => me,
        Err(refused) => return Ok(refused),
    };
    let result = match AccountAction::parse(f.kind.as_deref().unwrap_or("none")) {
        Ok(kind) => {
            actions::act(
                &page.data,
                Moderator::Staff(&me.user),
                id,
                kind,
                f.note.as_deref().unwrap_or_default(),
                f.message.as_deref(),
                None,
            )
            .await
        }
        Err(e) => Err(e),
    };
    finish(&page, result, &f.back(id))
}

/// `POST /admin/accounts/{id}/undo` (`type`: silence, disable or suspend).
pub async fn undo(
    page: Page,
    Path(id): Path<i64>,
    form: ApiForm<AccountForm>,
) -> AppResult<Response> {
    let f = form.params;
    let me = match allowed_form(&page, Level::Staff, f.csrf.as_deref()) {
        Ok(me) => me,
        Err(refused) => return Ok(refused),
    };
    let result = match AccountAction::parse(f.kind.as_deref().unwrap_or("")) {
        Ok(AccountAction::None) => Err(crate::error::AppError::Invalid(
            "type must be silence, disable or suspend".into(),
        )),
        Ok(kind) => actions::undo(&page.data, Moderator::Staff(&me.user), id, kind).await,
        Err(e) => Err(e),
    };
    finish(&page, result, &f.back(id))
}

/// `POST /admin/accounts/{id}/role` (`role`; admins only).
pub async fn role(
    page: Page,
    Path(id): Path<i64>,
    form: ApiForm<AccountForm>,
) -> AppResult<Response> {
    let f = form.params;
    let me = match allowed_form(&page, Level::Admin, f.csrf.as_deref()) {
        Ok(me) => me,
        Err(refused) => return Ok(refused),
    };
    let role = f.role.clone().unwrap_or_default();
    let result = actions::set_role(&page.data, Moderator::Staff(&me.user), id, &role).await;
    finish(&page, result, &f.back(id))
}
