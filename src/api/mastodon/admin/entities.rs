//! Admin::Account and Admin::Report as the Mastodon docs give them.
use crate::{
    AppState,
    api::mastodon::entities::{
        account::{self, Account},
        datetime, opt_datetime,
        status::{self, Status},
    },
    db::{
        self,
        entity::{actor, local_user, report},
    },
    error::AppResult,
    service::settings,
};
use activitypub_federation::config::Data;
use serde::Serialize;
use serde_json::{Value, json};

/// Admin::Account.
#[derive(Debug, Clone, Serialize)]
pub struct AdminAccount {
    pub id: String,
    pub username: String,
    pub domain: Option<String>,
    pub created_at: String,
    pub email: String,
    pub ip: Option<String>,
    pub ips: Vec<Value>,
    pub locale: Option<String>,
    /// The applicant's reason (approval mode).
    pub invite_request: Option<String>,
    pub role: Value,
    pub confirmed: bool,
    pub approved: bool,
    pub disabled: bool,
    pub silenced: bool,
    pub suspended: bool,
    pub sensitized: bool,
    pub account: Account,
    pub created_by_application_id: Option<String>,
    pub invited_by_account_id: Option<String>,
}

/// Mastodon's Role entity for a Halqa role (ids as Mastodon's default roles).
pub fn role_entity(role: &str) -> Value {
    match role {
        "admin" => {
            json!({"id": "2", "name": "Admin", "color": "", "permissions": "1048575", "highlighted": true})
        }
        "moderator" => {
            json!({"id": "1", "name": "Moderator", "color": "", "permissions": "1308", "highlighted": true})
        }
        _ => {
            json!({"id": "-99", "name": "", "color": "", "permissions": "65536", "highlighted": false})
        }
    }
}

/// The Halqa role for a Mastodon role id (`role_ids[]` filters).
pub fn role_of_id(id: &str) -> Option<&'static str> {
    match id {
        "2" | "3" => Some("admin"),
        "1" => Some("moderator"),
        "-99" => Some("user"),
        _ => None,
    }
}

/// Admin::Account for an actor (and its user row when local).
pub async fn admin_account(
    data: &Data<AppState>,
    actor: &actor::Model,
    user: Option<&local_user::Model>,
) -> AppResult<AdminAccount> {
    Ok(AdminAccount {
        id: actor.id.to_string(),
        username: actor.username.clone(),
        domain: (!actor.local).then(|| actor.domain.clone()),
        created_at: datetime(&actor.created_at),
        email: user.map(|u| u.email.clone()).unwrap_or_default(),
        ip: None,
        ips: Vec::new(),
        locale: user.and_then(|u| u.locale.clone()),
        invite_request: user.and_then(|u| u.registration_reason.clone()),
        role: role_entity(user.map_or("user", |u| u.role.as_str())),
        confirmed: true,
        approved: user.is_none_or(|u| u.approval == "approved"),
        disabled: user.is_some_and(|u| u.disabled),
        silenced: actor.silenced_at.is_some(),
        suspended: actor.suspended_at.is_some(),
        sensitized: false,
        account: account::account(data, actor).await?,
        created_by_application_id: None,
        invited_by_account_id: None,
    })
}

/// Admin::Account for an actor id (its user row looked up); None if the actor is unknown.
async fn admin_account_of(
    data: &Data<AppState>,
    id: Option<i64>,
) -> AppResult<Option<AdminAccount>> {
    let Some(id) = id else {
        return Ok(None);
    };
    let Ok(actor) = db::actors::get_by_id(&data.db.read, id).await else {
        return Ok(None);
    };
    let user = db::users::find_by_actor(&data.db.read, actor.id).await?;
    Ok(Some(admin_account(data, &actor, user.as_ref()).await?))
}

/// Admin::Report.
#[derive(Debug, Clone, Serialize)]
pub struct AdminReport {
    pub id: String,
    pub action_taken: bool,
    pub action_taken_at: Option<String>,
    pub category: String,
    pub comment: String,
    pub forwarded: bool,
    pub created_at: String,
    pub updated_at: String,
    pub account: Option<AdminAccount>,
    pub target_account: Option<AdminAccount>,
    pub assigned_account: Option<AdminAccount>,
    pub action_taken_by_account: Option<AdminAccount>,
    pub statuses: Vec<Status>,
    pub rules: Vec<settings::InstanceRule>,
}

/// Admin::Report for a report row: the reporter, the target, the statuses named (deleted ones
/// are left out) and the rules cited.
pub async fn admin_report(data: &Data<AppState>, r: &report::Model) -> AppResult<AdminReport> {
    let status_ids: Vec<i64> = serde_json::from_str(&r.status_ids).unwrap_or_default();
    let rule_ids: Vec<String> = serde_json::from_str(&r.rule_ids).unwrap_or_default();
    let posts: Vec<_> = db::views::posts_by_ids(&data.db.read, &status_ids)
        .await?
        .into_values()
        .filter(|p| p.deleted_at.is_none())
        .collect();
    let statuses = status::statuses(data, None, posts).await?;
    let node = settings::current(&data.db.read, &data.config).await?;
    let rules = node
        .rules
        .into_iter()
        .filter(|rule| rule_ids.contains(&rule.id))
        .collect();
    Ok(AdminReport {
        id: r.id.to_string(),
        action_taken: r.action_taken_at.is_some(),
        action_taken_at: opt_datetime(&r.action_taken_at),
        category: r.category.clone(),
        comment: r.comment.clone(),
        forwarded: r.forwarded,
        created_at: datetime(&r.created_at),
        updated_at: datetime(&r.updated_at.unwrap_or(r.created_at)),
        account: admin_account_of(data, Some(r.reporter_id)).await?,
        target_account: admin_account_of(data, Some(r.target_id)).await?,
        assigned_account: admin_account_of(data, r.assigned_id).await?,
        action_taken_by_account: admin_account_of(data, r.action_taken_by_id).await?,
        statuses,
        rules,
    })
}
