//! The account migration settings page, `/settings/migration`: the aliases of this account (the
//! accounts it moves *from*; add by `@user@host` or address, remove) and "Move your account" (to
//! a new account that lists this one, confirmed with the password), all through
//! `service::moves`. A refusal is shown translated, with what was typed kept.
use super::{
    i18n::{tr, tr_args},
    page::{Me, Page},
    timelines::see_other,
};
use crate::{
    api::form::{ApiForm, de},
    db,
    error::AppResult,
    service::{
        accounts,
        moves::{self, MoveError, Refusal},
    },
};
use axum::{extract::Query, http::StatusCode, response::Response};
use fluent_templates::fluent_bundle::FluentValue;
use minijinja::context;
use serde::Deserialize;

/// The forms of the page (each sends the fields it has).
#[derive(Debug, Default, Deserialize)]
pub struct MigrationForm {
    #[serde(default, deserialize_with = "de::opt_string")]
    csrf: Option<String>,
    /// An account to add as an alias, or the actor id of one to remove.
    #[serde(default, deserialize_with = "de::opt_string")]
    alias: Option<String>,
    /// The new account to move to.
    #[serde(default, deserialize_with = "de::opt_string")]
    target: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    password: Option<String>,
}

/// `?done=…` after a change.
#[derive(Debug, Default, Deserialize)]
pub struct Done {
    #[serde(default)]
    done: Option<String>,
}

/// What the page shows besides the account's state.
#[derive(Default)]
struct Shown {
    done: Option<&'static str>,
    alias_error: Option<String>,
    move_error: Option<String>,
    alias_input: String,
    target_input: String,
}

/// A refusal in the page's language (another client error as it is).
fn message(page: &Page, e: &MoveError) -> String {
    match e {
        MoveError::Refused(Refusal::Cooldown(until)) => tr_args(
            page.lang,
            "move-error-cooldown",
            &[
                ("count", FluentValue::from(moves::COOLDOWN_DAYS)),
                (
                    "at",
                    FluentValue::from(until.format("%Y-%m-%d").to_string()),
                ),
            ],
        ),
        MoveError::Refused(Refusal::TooManyAliases) => tr_args(
            page.lang,
            "move-error-too-many-aliases",
            &[("count", FluentValue::from(moves::MAX_ALIASES))],
        ),
        MoveError::Refused(r) => tr(page.lang, r.key()),
        MoveError::Other(e) => e.to_string(),
    }
}

async fn render(page: &Page, me: &Me, status: StatusCode, shown: Shown) -> AppResult<Response> {
    let data = &page.data;
    let actor = db::actors::get_by_id(&data.db.read, me.actor.id).await?;
    let aliases: Vec<minijinja::Value> = moves::aliases(data, &actor)
        .await?
        .into_iter()
        .map(|(ap_id, known)| {
            let handle = known.map(|a| format!("@{}", a.handle()));
            context! { ap_id, handle }
        })
        .collect();
    let moved_to = match &actor.moved_to_ap_id {
        Some(ap_id) => {
            let target = db::actors::find_by_ap_id(&data.db.read, ap_id).await?;
            Some(context! {
                url => ap_id.clone(),
                handle => target.map(|t| format!("@{}", t.handle())).unwrap_or_else(|| ap_id.clone()),
            })
        }
        None => None,
    };
    page.render_status(
        status,
        "pages/settings_migration.html",
        context! {
            aliases, moved_to,
            handle => format!("@{}", actor.handle()),
            ap_id => actor.ap_id.clone(),
            done => shown.done,
            alias_error => shown.alias_error,
            move_error => shown.move_error,
            alias_input => shown.alias_input,
            target_input => shown.target_input,
            cooldown_days => moves::COOLDOWN_DAYS,
        },
    )
}

/// `GET /settings/migration`.
pub async fn migration_page(page: Page, Query(q): Query<Done>) -> AppResult<Response> {
    let me = match page.me() {
        Ok(me) => me.clone(),
        Err(to_login) => return Ok(to_login),
    };
    let done = match q.done.as_deref() {
        Some("alias-added") => Some("move-done-alias-added"),
        Some("alias-removed") => Some("move-done-alias-removed"),
        Some("moved") => Some("move-done-moved"),
        _ => None,
    };
    render(
        &page,
        &me,
        StatusCode::OK,
        Shown {
            done,
            ..Shown::default()
        },
    )
    .await
}

/// The form's problem shown on the page (422), or the error when it is not the user's.
async fn refused(
    page: &Page,
    me: &Me,
    e: MoveError,
    shown: impl FnOnce(String) -> Shown,
) -> AppResult<Response> {
    if let MoveError::Other(other) = &e
        && !other.status().is_client_error()
    {
        return Err(e.into());
    }
    let text = message(page, &e);
    render(page, me, StatusCode::UNPROCESSABLE_ENTITY, shown(text)).await
}

/// `POST /settings/migration/aliases`: adds an alias.
pub async fn add_alias(page: Page, form: ApiForm<MigrationForm>) -> AppResult<Response> {
    let form = form.params;
    let me = match page.signed_in_form(form.csrf.as_deref()) {
        Ok(me) => me,
        Err(answer) => return Ok(answer),
    };
    let input = form.alias.unwrap_or_default();
    match moves::add_alias(&page.data, &me.actor, &input).await {
        Ok(_) => Ok(see_other("/settings/migration?done=alias-added")),
        Err(e) => {
            refused(&page, &me, e, |text| Shown {
                alias_error: Some(text),
                alias_input: input.clone(),
                ..Shown::default()
            })
            .await
        }
    }
}

/// `POST /settings/migration/aliases/remove`: removes the alias `alias` (an actor id).
pub async fn remove_alias(page: Page, form: ApiForm<MigrationForm>) -> AppResult<Response> {
    let form = form.params;
    let me = match page.signed_in_form(form.csrf.as_deref()) {
        Ok(me) => me,
        Err(answer) => return Ok(answer),
    };
    let alias = form.alias.unwrap_or_default();
    match moves::remove_alias(&page.data, &me.actor, &alias).await {
        Ok(()) => Ok(see_other("/settings/migration?done=alias-removed")),
        Err(e) => {
            refused(&page, &me, e, |text| Shown {
                alias_error: Some(text),
                ..Shown::default()
            })
            .await
        }
    }
}

/// `POST /settings/migration/move`: moves this account to `target`, the password confirming.
pub async fn move_account(page: Page, form: ApiForm<MigrationForm>) -> AppResult<Response> {
    let form = form.params;
    let me = match page.signed_in_form(form.csrf.as_deref()) {
        Ok(me) => me,
        Err(answer) => return Ok(answer),
    };
    let target = form.target.unwrap_or_default();
    let password = form.password.unwrap_or_default();
    let result = if accounts::verify_password(password, me.user.password_hash.clone()).await {
        moves::move_out(&page.data, &me.actor, &target)
            .await
            .map(|_| ())
    } else {
        Err(Refusal::WrongPassword.into())
    };
    match result {
        Ok(()) => Ok(see_other("/settings/migration?done=moved")),
        Err(e) => {
            refused(&page, &me, e, |text| Shown {
                move_error: Some(text),
                target_input: target.clone(),
                ..Shown::default()
            })
            .await
        }
    }
}
