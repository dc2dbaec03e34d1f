//! `/admin/federation`: the federation policy — the mode (open with a blocklist, or allowlist),
//! local and subscribed block and allow entries, and the subscriptions to other nodes' lists with
//! their priorities. Moderators read it; only admins change it (forms refuse others with 403).
use super::{Flash, Level, allowed, allowed_form, finish, render};
use crate::{
    api::form::{ApiForm, de},
    db::entity::{domain_permission, domain_subscription},
    error::{AppError, AppResult},
    service::federation_policy::{
        self, KIND_ALLOW, KIND_BLOCK,
        entries::{self, BlockInput},
        subscriptions::{self, NewSubscription},
    },
    web::{i18n, page::Page},
};
use axum::{
    extract::{Path, Query},
    response::Response,
};
use minijinja::{Value, context};
use serde::Deserialize;

const BACK: &str = "/admin/federation";

fn entry_value(e: &domain_permission::Model, subs: &[domain_subscription::Model]) -> Value {
    context! {
        id => e.id.to_string(),
        kind => e.kind.clone(),
        domain => e.domain.clone(),
        severity => e.severity.clone(),
        reject_media => e.reject_media,
        reject_reports => e.reject_reports,
        private_comment => e.private_comment.clone(),
        public_comment => e.public_comment.clone(),
        local => e.subscription_id.is_none(),
        from => e.subscription_id.and_then(|id| subs.iter().find(|s| s.id == id)).map(|s| {
            if s.title.is_empty() { s.url.clone() } else { s.title.clone() }
        }),
    }
}

/// `GET /admin/federation`.
pub async fn page(page: Page, Query(flash): Query<Flash>) -> AppResult<Response> {
    let me = match allowed(&page, Level::Staff) {
        Ok(me) => me,
        Err(refused) => return Ok(refused),
    };
    let state = &page.data;
    let mode = federation_policy::mode(state).await?;
    let subs = subscriptions::list(state).await?;
    let blocks: Vec<Value> = entries::list(state, KIND_BLOCK)
        .await?
        .iter()
        .map(|e| entry_value(e, &subs))
        .collect();
    let allows: Vec<Value> = entries::list(state, KIND_ALLOW)
        .await?
        .iter()
        .map(|e| entry_value(e, &subs))
        .collect();
    let subscriptions: Vec<Value> = subs
        .iter()
        .map(|s| {
            context! {
                id => s.id.to_string(),
                url => s.url.clone(),
                kind => s.kind.clone(),
                priority => s.priority,
                title => s.title.clone(),
                entry_count => s.entry_count,
                last_error => s.last_error.clone(),
                succeeded_at => s.succeeded_at.map(|t| i18n::format_datetime(page.lang, &t)),
            }
        })
        .collect();
    let snapshot = state.domain_policy.snapshot();
    render(
        &page,
        &me,
        "pages/admin/federation.html",
        "federation",
        context! {
            mode, blocks, allows, subscriptions,
            effective_blocks => snapshot.blocks.len(),
            effective_allows => snapshot.allowed.len(),
            done => flash.done.is_some(),
        },
    )
}

/// The fields of the policy forms.
#[derive(Debug, Default, Deserialize)]
pub struct PolicyForm {
    #[serde(default, deserialize_with = "de::opt_string")]
    csrf: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    mode: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    domain: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    severity: Option<String>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    reject_media: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    reject_reports: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_string")]
    private_comment: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    public_comment: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    url: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    kind: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    priority: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    title: Option<String>,
}

/// `POST /admin/federation/mode` (`mode`: open or allowlist).
pub async fn set_mode(page: Page, form: ApiForm<PolicyForm>) -> AppResult<Response> {
    let f = form.params;
    if let Err(refused) = allowed_form(&page, Level::Admin, f.csrf.as_deref()) {
        return Ok(refused);
    }
    let result = federation_policy::set_mode(
        &page.data,
        page.me.as_ref().map(|m| m.actor.id),
        f.mode.as_deref().unwrap_or(""),
    )
    .await;
    finish(&page, result, BACK)
}

/// `POST /admin/federation/blocks` (`domain`, `severity`, `reject_media`, `reject_reports`,
/// comments). A suspension removes the domain's data now.
pub async fn add_block(page: Page, form: ApiForm<PolicyForm>) -> AppResult<Response> {
    let f = form.params;
    if let Err(refused) = allowed_form(&page, Level::Admin, f.csrf.as_deref()) {
        return Ok(refused);
    }
    let input = BlockInput {
        domain: f.domain,
        severity: f.severity,
        reject_media: Some(f.reject_media.unwrap_or(false)),
        reject_reports: Some(f.reject_reports.unwrap_or(false)),
        private_comment: f.private_comment,
        public_comment: f.public_comment,
        obfuscate: None,
    };
    let result = entries::create_block(
        &page.data,
        page.me.as_ref().map(|m| m.actor.id),
        input,
        &|_, _| {},
    )
    .await;
    finish(&page, result, BACK)
}

/// `POST /admin/federation/allows` (`domain`, comments).
pub async fn add_allow(page: Page, form: ApiForm<PolicyForm>) -> AppResult<Response> {
    let f = form.params;
    if let Err(refused) = allowed_form(&page, Level::Admin, f.csrf.as_deref()) {
        return Ok(refused);
    }
    let result = entries::create_allow(
        &page.data,
        page.me.as_ref().map(|m| m.actor.id),
        f.domain.as_deref().unwrap_or(""),
        f.private_comment,
        f.public_comment,
    )
    .await;
    finish(&page, result, BACK)
}

/// `POST /admin/federation/entries/{kind}/{id}/delete`: removes a local entry (lifting a block
/// lets the domain's accounts come back on their next contact).
pub async fn delete_entry(
    page: Page,
    Path((kind, id)): Path<(String, i64)>,
    form: ApiForm<PolicyForm>,
) -> AppResult<Response> {
    let f = form.params;
    if let Err(refused) = allowed_form(&page, Level::Admin, f.csrf.as_deref()) {
        return Ok(refused);
    }
    let result = if kind == KIND_BLOCK || kind == KIND_ALLOW {
        entries::delete(&page.data, page.me.as_ref().map(|m| m.actor.id), &kind, id).await
    } else {
        Err(AppError::not_found("no such entry"))
    };
    finish(&page, result, BACK)
}

/// `POST /admin/federation/subscriptions` (`url`, `kind`, `priority`, `title`): subscribes and
/// fetches the list once.
pub async fn subscribe(page: Page, form: ApiForm<PolicyForm>) -> AppResult<Response> {
    let f = form.params;
    if let Err(refused) = allowed_form(&page, Level::Admin, f.csrf.as_deref()) {
        return Ok(refused);
    }
    let priority = match f
        .priority
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        None => Ok(0),
        Some(p) => p
            .parse::<i32>()
            .map_err(|_| AppError::Invalid("priority must be a whole number".into())),
    };
    let result = match priority {
        Ok(priority) => {
            subscriptions::subscribe(
                &page.data,
                page.me.as_ref().map(|m| m.actor.id),
                NewSubscription {
                    url: f.url.unwrap_or_default(),
                    kind: f.kind.unwrap_or_else(|| KIND_BLOCK.into()),
                    priority,
                    title: f.title.unwrap_or_default(),
                },
            )
            .await
        }
        Err(e) => Err(e),
    };
    finish(&page, result, BACK)
}

/// `POST /admin/federation/subscriptions/{id}/delete`.
pub async fn unsubscribe(
    page: Page,
    Path(id): Path<i64>,
    form: ApiForm<PolicyForm>,
) -> AppResult<Response> {
    let f = form.params;
    if let Err(refused) = allowed_form(&page, Level::Admin, f.csrf.as_deref()) {
        return Ok(refused);
    }
    let result =
        subscriptions::unsubscribe(&page.data, page.me.as_ref().map(|m| m.actor.id), id).await;
    finish(&page, result, BACK)
}

/// `POST /admin/federation/subscriptions/{id}/refresh`: fetches the list now.
pub async fn refresh(
    page: Page,
    Path(id): Path<i64>,
    form: ApiForm<PolicyForm>,
) -> AppResult<Response> {
    let f = form.params;
    if let Err(refused) = allowed_form(&page, Level::Admin, f.csrf.as_deref()) {
        return Ok(refused);
    }
    let result = subscriptions::refresh(&page.data, id, &|_, _| {}).await;
    finish(&page, result, BACK)
}
