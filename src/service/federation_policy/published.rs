//! What the node shows of its policy publicly: the list it publishes for a consortium
//! (`/api/v1/pln/federation/blocklist`, `allowlist`; local entries and config blocks, no private
//! comments, obfuscated entries left out) and Mastodon's `/api/v1/instance/domain_blocks`
//! (every effective block, obfuscated where asked).
use super::{KIND_ALLOW, KIND_BLOCK, lists::ListedDomain, obfuscated};
use crate::{
    AppState, db,
    error::AppResult,
    federation::policy::{Severity, normalise_domain},
};
use std::collections::HashMap;

/// The node's own list of `kind` as published for subscribers.
pub async fn own_list(state: &AppState, kind: &str) -> AppResult<Vec<ListedDomain>> {
    let mut out: Vec<ListedDomain> = Vec::new();
    if kind == KIND_BLOCK {
        out.extend(
            state
                .config
                .federation
                .blocked_domains
                .iter()
                .map(|d| ListedDomain {
                    domain: normalise_domain(d),
                    severity: Severity::Suspend,
                    reject_media: true,
                    reject_reports: true,
                    public_comment: String::new(),
                }),
        );
    }
    for e in db::domain_policy::entries(&state.db.read, kind).await? {
        if e.subscription_id.is_some() || e.obfuscate || out.iter().any(|o| o.domain == e.domain) {
            continue;
        }
        out.push(ListedDomain {
            severity: if kind == KIND_ALLOW {
                Severity::Noop
            } else {
                Severity::parse(&e.severity).unwrap_or(Severity::Suspend)
            },
            domain: e.domain,
            reject_media: e.reject_media,
            reject_reports: e.reject_reports,
            public_comment: e.public_comment,
        });
    }
    Ok(out)
}

/// One line of `/api/v1/instance/domain_blocks`.
#[derive(Debug, Clone)]
pub struct PublicBlock {
    pub domain: String,
    /// SHA-256 (hex) of the real domain, so an obfuscated entry can still be checked.
    pub digest: String,
    pub severity: Severity,
    pub comment: Option<String>,
}

/// Every effective block with its public comment, obfuscated where the entry says so.
pub async fn instance_blocks(state: &AppState) -> AppResult<Vec<PublicBlock>> {
    let entries = db::domain_policy::entries(&state.db.read, KIND_BLOCK).await?;
    let mut by_domain: HashMap<&str, &crate::db::entity::domain_permission::Model> = HashMap::new();
    for e in &entries {
        // Local entries first: they are the ones in force.
        if e.subscription_id.is_none() || !by_domain.contains_key(e.domain.as_str()) {
            by_domain.insert(e.domain.as_str(), e);
        }
    }
    Ok(state
        .domain_policy
        .snapshot()
        .blocks
        .iter()
        .filter(|r| r.severity != Severity::Noop)
        .map(|r| {
            let entry = by_domain.get(r.domain.as_str());
            let hide = entry.is_some_and(|e| e.obfuscate);
            PublicBlock {
                domain: if hide {
                    obfuscated(&r.domain)
                } else {
                    r.domain.clone()
                },
                digest: openssl::sha::sha256(r.domain.as_bytes())
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect(),
                severity: r.severity,
                comment: entry
                    .map(|e| e.public_comment.clone())
                    .filter(|c| !c.is_empty()),
            }
        })
        .collect())
}
