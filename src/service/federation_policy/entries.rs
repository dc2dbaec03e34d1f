//! Local block and allow entries: create, change, remove (the Mastodon admin API, the CLI and
//! the PLN admin API all call these). Each change is applied at once (see [`super::apply`]).
use super::{Applied, KIND_ALLOW, KIND_BLOCK, apply, lists::valid_domain, suspended_domains};
use crate::{
    AppState,
    db::{self, entity::domain_permission},
    error::{AppError, AppResult},
    federation::policy::Severity,
};
use chrono::Utc;
use sea_orm::{IntoActiveModel, Set};

/// A block as asked for (absent fields keep their value on update; defaults on create).
#[derive(Debug, Default, Clone)]
pub struct BlockInput {
    pub domain: Option<String>,
    pub severity: Option<String>,
    pub reject_media: Option<bool>,
    pub reject_reports: Option<bool>,
    pub private_comment: Option<String>,
    pub public_comment: Option<String>,
    pub obfuscate: Option<bool>,
}

/// The domain of a new entry, checked: a real domain and not this node.
fn checked_domain(state: &AppState, raw: &str) -> AppResult<String> {
    let domain = valid_domain(raw).map_err(AppError::Invalid)?;
    if domain == state.config.instance.domain.to_lowercase() {
        return Err(AppError::Invalid(
            "this node's own domain cannot be listed".into(),
        ));
    }
    Ok(domain)
}

fn severity(raw: &str) -> AppResult<String> {
    Severity::parse(raw)
        .map(|s| s.as_str().to_string())
        .ok_or_else(|| {
            AppError::Invalid(format!(
                "severity must be suspend, silence or noop, not {raw:?}"
            ))
        })
}

fn comment(s: Option<String>) -> AppResult<Option<String>> {
    match s {
        Some(s) if s.chars().count() > 1000 => Err(AppError::Invalid(
            "comments are at most 1000 characters".into(),
        )),
        other => Ok(other.map(|s| s.trim().to_string())),
    }
}

/// Adds a local block (409 if the domain already has one) and applies it; a suspension
/// removes the domain's data, reporting progress as `(done, total)` accounts.
pub async fn create_block(
    state: &AppState,
    by: Option<i64>,
    input: BlockInput,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> AppResult<(domain_permission::Model, Applied)> {
    let domain = checked_domain(
        state,
        input
            .domain
            .as_deref()
            .ok_or_else(|| AppError::Invalid("domain is required".into()))?,
    )?;
    if let Some(existing) =
        db::domain_policy::local_entry(&state.db.read, KIND_BLOCK, &domain).await?
    {
        return Err(AppError::Invalid(format!(
            "{domain} is already blocked (entry {})",
            existing.id
        )));
    }
    let now = Utc::now();
    let before = suspended_domains(state);
    let row = db::domain_policy::insert_entry(
        &state.db.write,
        domain_permission::ActiveModel {
            id: Set(state.ids.next()),
            domain: Set(domain.clone()),
            kind: Set(KIND_BLOCK.into()),
            severity: Set(severity(input.severity.as_deref().unwrap_or("silence"))?),
            reject_media: Set(input.reject_media.unwrap_or(false)),
            reject_reports: Set(input.reject_reports.unwrap_or(false)),
            obfuscate: Set(input.obfuscate.unwrap_or(false)),
            private_comment: Set(comment(input.private_comment)?.unwrap_or_default()),
            public_comment: Set(comment(input.public_comment)?.unwrap_or_default()),
            subscription_id: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        },
    )
    .await?;
    tracing::info!(domain, severity = row.severity, "domain block added");
    super::audit(state, by, "domain_block.create", &domain, &row.severity).await?;
    let applied = apply_with(state, before, progress).await?;
    Ok((row, applied))
}

/// Applies a change, removing the data of domains suspended by it.
async fn apply_with(
    state: &AppState,
    before: std::collections::HashSet<String>,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> AppResult<Applied> {
    super::reload(state).await?;
    let newly: Vec<String> = suspended_domains(state)
        .difference(&before)
        .cloned()
        .collect();
    apply(state, &newly, progress).await
}

/// A local or subscribed entry of `kind` by id (404 otherwise).
pub async fn get(state: &AppState, kind: &str, id: i64) -> AppResult<domain_permission::Model> {
    db::domain_policy::entry(&state.db.read, kind, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no domain {kind} {id}")))
}

/// A local entry of `kind` by id; entries from a subscription are changed at their source.
async fn get_local(state: &AppState, kind: &str, id: i64) -> AppResult<domain_permission::Model> {
    let row = get(state, kind, id).await?;
    if let Some(sub) = row.subscription_id {
        return Err(AppError::Invalid(format!(
            "this entry comes from domain subscription {sub}; change it at its source, \
             unsubscribe, or add a local entry (local entries win)"
        )));
    }
    Ok(row)
}

/// Changes a local block and applies it.
pub async fn update_block(
    state: &AppState,
    by: Option<i64>,
    id: i64,
    input: BlockInput,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> AppResult<(domain_permission::Model, Applied)> {
    let row = get_local(state, KIND_BLOCK, id).await?;
    let before = suspended_domains(state);
    let mut active = row.into_active_model();
    if let Some(s) = input.severity.as_deref() {
        active.severity = Set(severity(s)?);
    }
    if let Some(v) = input.reject_media {
        active.reject_media = Set(v);
    }
    if let Some(v) = input.reject_reports {
        active.reject_reports = Set(v);
    }
    if let Some(v) = input.obfuscate {
        active.obfuscate = Set(v);
    }
    if let Some(c) = comment(input.private_comment)? {
        active.private_comment = Set(c);
    }
    if let Some(c) = comment(input.public_comment)? {
        active.public_comment = Set(c);
    }
    active.updated_at = Set(Utc::now());
    let row = db::domain_policy::update_entry(&state.db.write, active).await?;
    tracing::info!(
        domain = row.domain,
        severity = row.severity,
        "domain block changed"
    );
    super::audit(state, by, "domain_block.update", &row.domain, &row.severity).await?;
    let applied = apply_with(state, before, progress).await?;
    Ok((row, applied))
}

/// Removes a local entry of `kind` and applies the change.
pub async fn delete(
    state: &AppState,
    by: Option<i64>,
    kind: &str,
    id: i64,
) -> AppResult<domain_permission::Model> {
    let row = get_local(state, kind, id).await?;
    db::domain_policy::delete_entries(&state.db.write, &[row.id]).await?;
    tracing::info!(domain = row.domain, kind, "domain entry removed");
    super::audit(state, by, &format!("domain_{kind}.delete"), &row.domain, "").await?;
    apply(state, &[], &|_, _| {}).await?;
    Ok(row)
}

/// Removes the local entry of `kind` for `domain` (the CLI's `unblock`/`disallow`).
pub async fn delete_by_domain(
    state: &AppState,
    by: Option<i64>,
    kind: &str,
    domain: &str,
) -> AppResult<domain_permission::Model> {
    let domain = valid_domain(domain).map_err(AppError::Invalid)?;
    let row = db::domain_policy::local_entry(&state.db.read, kind, &domain)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("{domain} has no local {kind} entry")))?;
    delete(state, by, kind, row.id).await
}

/// Adds a local allow entry (409 if there is one) and applies it.
pub async fn create_allow(
    state: &AppState,
    by: Option<i64>,
    domain: &str,
    private_comment: Option<String>,
    public_comment: Option<String>,
) -> AppResult<domain_permission::Model> {
    let domain = checked_domain(state, domain)?;
    if let Some(existing) =
        db::domain_policy::local_entry(&state.db.read, KIND_ALLOW, &domain).await?
    {
        return Err(AppError::Invalid(format!(
            "{domain} is already allowed (entry {})",
            existing.id
        )));
    }
    let now = Utc::now();
    let row = db::domain_policy::insert_entry(
        &state.db.write,
        domain_permission::ActiveModel {
            id: Set(state.ids.next()),
            domain: Set(domain.clone()),
            kind: Set(KIND_ALLOW.into()),
            severity: Set("noop".into()),
            reject_media: Set(false),
            reject_reports: Set(false),
            obfuscate: Set(false),
            private_comment: Set(comment(private_comment)?.unwrap_or_default()),
            public_comment: Set(comment(public_comment)?.unwrap_or_default()),
            subscription_id: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        },
    )
    .await?;
    tracing::info!(domain, "domain allowed");
    super::audit(state, by, "domain_allow.create", &domain, "").await?;
    apply(state, &[], &|_, _| {}).await?;
    Ok(row)
}

/// Every entry of `kind`, local and subscribed.
pub async fn list(state: &AppState, kind: &str) -> AppResult<Vec<domain_permission::Model>> {
    db::domain_policy::entries(&state.db.read, kind).await
}
