//! Domain-list subscriptions (as GoToSocial's domain permission subscriptions): an admin
//! subscribes to a URL publishing a block or allow list with a priority; each fetch replaces the
//! entries that came from that list (new ones added, changed ones updated, vanished ones
//! removed — never local entries). A fetch that fails or returns something unreadable keeps
//! the previous entries and records the error. Fetches are signed by the instance actor, go
//! through the SSRF-safe client, refuse private IP literals and stop at
//! `federation.subscription_max_bytes`.
use super::{
    Applied, KIND_ALLOW, KIND_BLOCK, apply,
    lists::{self, ListedDomain},
    suspended_domains,
};
use crate::{
    AppState,
    db::{
        self,
        entity::{domain_permission, domain_subscription},
    },
    error::{AppError, AppResult},
};
use chrono::Utc;
use sea_orm::{IntoActiveModel, Set, TransactionTrait};
use std::{
    collections::HashMap,
    net::{IpAddr, Ipv4Addr, Ipv6Addr},
};
use url::Url;

/// Whether an address is one a subscription may never point at.
fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || v4.octets()[0] == 100 && (v4.octets()[1] & 0xc0) == 64
                || v4 == Ipv4Addr::new(169, 254, 169, 254)
        }
        IpAddr::V6(v6) => {
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (v6.segments()[0] & 0xfe00) == 0xfc00
                || (v6.segments()[0] & 0xffc0) == 0xfe80
                || v6
                    .to_ipv4_mapped()
                    .is_some_and(|v4| is_private(IpAddr::V4(v4)))
                || v6 == Ipv6Addr::LOCALHOST
        }
    }
}

/// The URL of a subscription, checked: http(s), a host that is a name or a public address.
pub fn checked_url(raw: &str) -> AppResult<Url> {
    let url = Url::parse(raw.trim())
        .map_err(|e| AppError::Invalid(format!("{raw:?} is not a URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(AppError::Invalid(
            "the list URL must be http or https".into(),
        ));
    }
    match url.host() {
        None => Err(AppError::Invalid("the list URL has no host".into())),
        Some(url::Host::Ipv4(ip)) if is_private(IpAddr::V4(ip)) => Err(AppError::Invalid(format!(
            "{ip} is a private or local address; lists are fetched from public hosts"
        ))),
        Some(url::Host::Ipv6(ip)) if is_private(IpAddr::V6(ip)) => Err(AppError::Invalid(format!(
            "{ip} is a private or local address; lists are fetched from public hosts"
        ))),
        Some(_) => Ok(url),
    }
}

fn checked_kind(kind: &str) -> AppResult<String> {
    match kind {
        KIND_BLOCK | KIND_ALLOW => Ok(kind.to_string()),
        other => Err(AppError::Invalid(format!(
            "kind must be block or allow, not {other:?}"
        ))),
    }
}

/// A new subscription as asked for.
#[derive(Debug, Clone)]
pub struct NewSubscription {
    pub url: String,
    pub kind: String,
    pub priority: i32,
    pub title: String,
}

/// Subscribes (409 if the same URL is already subscribed for the same kind) and fetches the
/// list once; the subscription is kept even when that first fetch fails (its error is shown).
pub async fn subscribe(
    state: &AppState,
    by: Option<i64>,
    new: NewSubscription,
) -> AppResult<(domain_subscription::Model, Result<Applied, String>)> {
    let url = checked_url(&new.url)?;
    let kind = checked_kind(&new.kind)?;
    if !(-1000..=1000).contains(&new.priority) {
        return Err(AppError::Invalid(
            "priority must be between -1000 and 1000".into(),
        ));
    }
    if let Some(existing) =
        db::domain_policy::subscription_by_url(&state.db.read, url.as_str(), &kind).await?
    {
        return Err(AppError::Conflict(format!(
            "already subscribed to this {kind} list (subscription {})",
            existing.id
        )));
    }
    let row = db::domain_policy::insert_subscription(
        &state.db.write,
        domain_subscription::ActiveModel {
            id: Set(state.ids.next()),
            url: Set(url.to_string()),
            kind: Set(kind),
            priority: Set(new.priority),
            title: Set(new.title.trim().chars().take(200).collect()),
            fetched_at: Set(None),
            succeeded_at: Set(None),
            last_error: Set(None),
            entry_count: Set(0),
            created_at: Set(Utc::now()),
        },
    )
    .await?;
    tracing::info!(url = row.url, kind = row.kind, "domain list subscribed");
    let note = format!("{} list, priority {}", row.kind, row.priority);
    super::audit(state, by, "domain_subscription.create", &row.url, &note).await?;
    let first = refresh(state, row.id, &|_, _| {})
        .await
        .map_err(|e| e.to_string());
    Ok((get(state, row.id).await?, first))
}

/// A subscription by id (404 otherwise).
pub async fn get(state: &AppState, id: i64) -> AppResult<domain_subscription::Model> {
    db::domain_policy::subscription(&state.db.read, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no domain subscription {id}")))
}

/// Every subscription, highest priority first.
pub async fn list(state: &AppState) -> AppResult<Vec<domain_subscription::Model>> {
    db::domain_policy::subscriptions(&state.db.read).await
}

/// Changes a subscription's priority or title and applies it.
pub async fn update(
    state: &AppState,
    by: Option<i64>,
    id: i64,
    priority: Option<i32>,
    title: Option<String>,
) -> AppResult<domain_subscription::Model> {
    let row = get(state, id).await?;
    let mut active = row.into_active_model();
    if let Some(p) = priority {
        if !(-1000..=1000).contains(&p) {
            return Err(AppError::Invalid(
                "priority must be between -1000 and 1000".into(),
            ));
        }
        active.priority = Set(p);
    }
    if let Some(t) = title {
        active.title = Set(t.trim().chars().take(200).collect());
    }
    let row = db::domain_policy::update_subscription(&state.db.write, active).await?;
    let note = format!("priority {}", row.priority);
    super::audit(state, by, "domain_subscription.update", &row.url, &note).await?;
    apply(state, &[], &|_, _| {}).await?;
    Ok(row)
}

/// Unsubscribes: the subscription and the entries it brought in go; local entries stay.
pub async fn unsubscribe(
    state: &AppState,
    by: Option<i64>,
    id: i64,
) -> AppResult<domain_subscription::Model> {
    let row = get(state, id).await?;
    db::domain_policy::delete_subscription(&state.db.write, id).await?;
    tracing::info!(url = row.url, "domain list unsubscribed");
    super::audit(state, by, "domain_subscription.delete", &row.url, "").await?;
    apply(state, &[], &|_, _| {}).await?;
    Ok(row)
}

/// GETs the list, refusing bodies over the configured size (checked as they stream in).
async fn fetch_list(state: &AppState, url: &Url) -> AppResult<String> {
    let max = state.config.federation.subscription_max_bytes;
    let fail = |e: String| AppError::BadRequest(format!("fetching {url}: {e}"));
    let client = crate::federation::fetch_client(state)?;
    let mut response = client
        .get(url.as_str())
        .header(
            http::header::ACCEPT,
            "text/csv, application/json;q=0.9, text/plain;q=0.8",
        )
        .send()
        .await
        .map_err(|e| fail(e.to_string()))?;
    if !response.status().is_success() {
        return Err(fail(format!("HTTP {}", response.status())));
    }
    if response.content_length().is_some_and(|n| n > max as u64) {
        return Err(AppError::PayloadTooLarge(format!(
            "fetching {url}: the list is larger than {max} bytes"
        )));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| fail(e.to_string()))? {
        if body.len() + chunk.len() > max {
            return Err(AppError::PayloadTooLarge(format!(
                "fetching {url}: the list is larger than {max} bytes"
            )));
        }
        body.extend_from_slice(&chunk);
    }
    String::from_utf8(body).map_err(|_| fail("the list is not UTF-8 text".into()))
}

/// Fetches one subscription now and merges its entries. On failure the previous entries are
/// kept, the error is recorded on the subscription and returned.
pub async fn refresh(
    state: &AppState,
    id: i64,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> AppResult<Applied> {
    let sub = get(state, id).await?;
    let url = checked_url(&sub.url)?;
    let listed = match fetch_list(state, &url).await {
        Ok(body) => lists::parse(&body),
        Err(e) => Err(e),
    };
    let now = Utc::now();
    let listed = match listed {
        Ok(listed) => listed,
        Err(e) => {
            tracing::warn!(url = sub.url, error = %e, "domain list subscription: fetch failed");
            let mut active = sub.into_active_model();
            active.fetched_at = Set(Some(now));
            active.last_error = Set(Some(e.to_string()));
            db::domain_policy::update_subscription(&state.db.write, active).await?;
            return Err(e);
        }
    };
    let own = state.config.instance.domain.to_lowercase();
    let listed: Vec<ListedDomain> = listed.into_iter().filter(|e| e.domain != own).collect();
    let before = suspended_domains(state);
    let txn = state.db.write.begin().await?;
    let existing: HashMap<String, domain_permission::Model> =
        db::domain_policy::entries_of_subscription(&txn, sub.id)
            .await?
            .into_iter()
            .map(|e| (e.domain.clone(), e))
            .collect();
    let mut kept = std::collections::HashSet::new();
    for entry in &listed {
        kept.insert(entry.domain.clone());
        let severity = if sub.kind == KIND_BLOCK {
            entry.severity.as_str()
        } else {
            "noop"
        };
        match existing.get(&entry.domain) {
            Some(row)
                if row.severity == severity
                    && row.reject_media == entry.reject_media
                    && row.reject_reports == entry.reject_reports
                    && row.public_comment == entry.public_comment => {}
            Some(row) => {
                let mut active = row.clone().into_active_model();
                active.severity = Set(severity.to_string());
                active.reject_media = Set(entry.reject_media);
                active.reject_reports = Set(entry.reject_reports);
                active.public_comment = Set(entry.public_comment.clone());
                active.updated_at = Set(now);
                db::domain_policy::update_entry(&txn, active).await?;
            }
            None => {
                db::domain_policy::insert_entry(
                    &txn,
                    domain_permission::ActiveModel {
                        id: Set(state.ids.next()),
                        domain: Set(entry.domain.clone()),
                        kind: Set(sub.kind.clone()),
                        severity: Set(severity.to_string()),
                        reject_media: Set(entry.reject_media),
                        reject_reports: Set(entry.reject_reports),
                        obfuscate: Set(false),
                        private_comment: Set(format!("from {}", sub.url)),
                        public_comment: Set(entry.public_comment.clone()),
                        subscription_id: Set(Some(sub.id)),
                        created_at: Set(now),
                        updated_at: Set(now),
                    },
                )
                .await?;
            }
        }
    }
    let vanished: Vec<i64> = existing
        .values()
        .filter(|row| !kept.contains(&row.domain))
        .map(|row| row.id)
        .collect();
    db::domain_policy::delete_entries(&txn, &vanished).await?;
    let count = listed.len() as i32;
    let mut active = sub.clone().into_active_model();
    active.fetched_at = Set(Some(now));
    active.succeeded_at = Set(Some(now));
    active.last_error = Set(None);
    active.entry_count = Set(count);
    db::domain_policy::update_subscription(&txn, active).await?;
    txn.commit().await?;
    tracing::info!(
        url = sub.url,
        entries = count,
        removed = vanished.len(),
        "domain list subscription refreshed"
    );
    super::reload(state).await?;
    let newly: Vec<String> = suspended_domains(state)
        .difference(&before)
        .cloned()
        .collect();
    apply(state, &newly, progress).await
}

/// What a refresh of several subscriptions did.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct RefreshReport {
    pub refreshed: u32,
    pub failed: u32,
    pub deliveries_dropped: u64,
    pub accounts_removed: u64,
}

/// Refreshes every subscription (or, with `only_due`, those not fetched for
/// `federation.subscription_refresh_secs`, so several processes do not all fetch).
pub async fn refresh_all(
    state: &AppState,
    only_due: bool,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> AppResult<RefreshReport> {
    let interval =
        chrono::Duration::seconds(state.config.federation.subscription_refresh_secs as i64);
    let now = Utc::now();
    let mut report = RefreshReport::default();
    for sub in list(state).await? {
        if only_due && sub.fetched_at.is_some_and(|at| at + interval > now) {
            continue;
        }
        match refresh(state, sub.id, progress).await {
            Ok(applied) => {
                report.refreshed += 1;
                report.deliveries_dropped += applied.deliveries_dropped;
                report.accounts_removed += applied.accounts_removed;
            }
            Err(_) => report.failed += 1,
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_ip_literals_are_refused_and_names_accepted() {
        for bad in [
            "http://127.0.0.1/list.csv",
            "http://10.1.2.3/list.csv",
            "http://192.168.0.1/list.csv",
            "http://169.254.169.254/latest",
            "http://[::1]/list",
            "http://[fd00::1]/list",
            "file:///etc/passwd",
            "not a url",
        ] {
            assert!(checked_url(bad).is_err(), "{bad}");
        }
        assert!(checked_url("https://ens.example/api/v1/pln/federation/blocklist.csv").is_ok());
        assert!(checked_url("http://localhost:3000/list").is_ok());
    }
}
