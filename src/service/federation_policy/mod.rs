//! The federation policy (issue 7, part 2): mode (`open` or `allowlist`), per-domain block and
//! allow entries (local ones and those brought in by subscriptions, see [`subscriptions`]), and
//! what a change does — the in-memory [`DomainPolicy`](crate::federation::DomainPolicy) is
//! reloaded, pending deliveries to hosts now refused are dropped, and a new suspension removes
//! the domain's data ([`purge`]). Only admins change the policy; moderators may read it.
pub mod entries;
pub mod lists;
pub mod published;
pub mod purge;
pub mod subscriptions;

use crate::{
    AppState,
    db::{self, entity::domain_permission},
    error::{AppError, AppResult},
    federation::policy::{BlockRule, PolicySnapshot, Severity, normalise_domain},
};
use std::collections::{HashMap, HashSet};

pub const MODE_OPEN: &str = "open";
pub const MODE_ALLOWLIST: &str = "allowlist";
pub const KIND_BLOCK: &str = "block";
pub const KIND_ALLOW: &str = "allow";

/// 403 unless `role` may change the policy (admins only).
pub fn require_admin(role: &str) -> AppResult<()> {
    if role == "admin" {
        Ok(())
    } else {
        tracing::warn!(role, "refused: federation policy changes are for admins");
        Err(AppError::Forbidden(
            "only admins may change the federation policy".into(),
        ))
    }
}

/// 403 unless `role` may read the policy (admins and moderators).
pub fn require_staff(role: &str) -> AppResult<()> {
    if matches!(role, "admin" | "moderator") {
        Ok(())
    } else {
        tracing::warn!(role, "refused: the federation policy is for staff");
        Err(AppError::Forbidden(
            "only admins and moderators may see the federation policy".into(),
        ))
    }
}

/// The mode in force: the admin's choice, else the config's.
pub async fn mode(state: &AppState) -> AppResult<String> {
    Ok(db::domain_policy::mode(&state.db.read)
        .await?
        .unwrap_or_else(|| state.config.federation.mode.clone()))
}

/// Sets the mode and applies it at once; audited as done `by` (a staff account; None: the CLI).
pub async fn set_mode(state: &AppState, by: Option<i64>, mode: &str) -> AppResult<String> {
    if !matches!(mode, MODE_OPEN | MODE_ALLOWLIST) {
        return Err(AppError::Invalid(format!(
            "mode must be \"open\" or \"allowlist\", not {mode:?}"
        )));
    }
    db::domain_policy::set_mode(&state.db.write, mode).await?;
    apply(state, &[], &|_, _| {}).await?;
    tracing::info!(mode, "federation mode changed");
    audit(state, by, "domain_policy.mode", "mode", mode).await?;
    Ok(mode.to_string())
}

/// Writes a policy change to the moderation audit log (`by`: the acting staff account; None for
/// the CLI), about `target` (a domain, a list URL or the mode).
pub(crate) async fn audit(
    state: &AppState,
    by: Option<i64>,
    action: &str,
    target: &str,
    note: &str,
) -> AppResult<()> {
    crate::service::moderation::audit::record(
        &state.db.write,
        state,
        by,
        action,
        "domain",
        target,
        note,
    )
    .await
    .map(|_| ())
}

/// Computes the effective policy from the entries: for each domain, a local entry wins over
/// subscribed ones, and among subscriptions the higher priority wins (then the older one). A
/// local allow lifts subscribed blocks of the same domain. Config `blocked_domains` always apply.
pub fn effective(
    allowlist: bool,
    config_blocked: &[String],
    entries: &[domain_permission::Model],
    priorities: &HashMap<i64, i32>,
) -> PolicySnapshot {
    // Rank: local first, then by priority (higher first), then older subscription first.
    let rank = |e: &domain_permission::Model| match e.subscription_id {
        None => (0, 0, 0),
        Some(id) => (1, -priorities.get(&id).copied().unwrap_or(0), id),
    };
    let mut best: HashMap<(&str, &str), &domain_permission::Model> = HashMap::new();
    for e in entries {
        let key = (e.kind.as_str(), e.domain.as_str());
        match best.get(&key) {
            Some(current) if rank(current) <= rank(e) => {}
            _ => {
                best.insert(key, e);
            }
        }
    }
    let locally_allowed: HashSet<&str> = best
        .values()
        .filter(|e| e.kind == KIND_ALLOW && e.subscription_id.is_none())
        .map(|e| e.domain.as_str())
        .collect();
    let mut blocks: Vec<BlockRule> = config_blocked
        .iter()
        .map(|d| BlockRule {
            domain: normalise_domain(d),
            severity: Severity::Suspend,
            reject_media: true,
            reject_reports: true,
        })
        .collect();
    let mut allowed = Vec::new();
    let mut winners: Vec<&&domain_permission::Model> = best.values().collect();
    winners.sort_by_key(|e| (e.domain.clone(), e.kind.clone()));
    for e in winners {
        if e.kind == KIND_ALLOW {
            allowed.push(e.domain.clone());
        } else if e.subscription_id.is_none() || !locally_allowed.contains(e.domain.as_str()) {
            blocks.push(BlockRule {
                domain: e.domain.clone(),
                severity: Severity::parse(&e.severity).unwrap_or(Severity::Suspend),
                reject_media: e.reject_media,
                reject_reports: e.reject_reports,
            });
        }
    }
    PolicySnapshot {
        allowlist,
        blocks,
        allowed,
    }
}

/// Reads the policy from the database and puts it in force in this process.
pub async fn reload(state: &AppState) -> AppResult<()> {
    let mode = mode(state).await?;
    let entries = db::domain_policy::all_entries(&state.db.read).await?;
    let priorities = db::domain_policy::subscriptions(&state.db.read)
        .await?
        .into_iter()
        .map(|s| (s.id, s.priority))
        .collect();
    let snapshot = effective(
        mode == MODE_ALLOWLIST,
        &state.config.federation.blocked_domains,
        &entries,
        &priorities,
    );
    if *state.domain_policy.snapshot() != snapshot {
        tracing::debug!(
            blocks = snapshot.blocks.len(),
            allowed = snapshot.allowed.len(),
            allowlist = snapshot.allowlist,
            "federation policy reloaded"
        );
        state.domain_policy.replace(snapshot);
    }
    Ok(())
}

/// What applying a change did.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Applied {
    /// Pending deliveries dropped because their host is now refused.
    pub deliveries_dropped: u64,
    /// Remote accounts removed because their domain is now suspended.
    pub accounts_removed: u64,
}

/// After a change: reload, drop pending deliveries to refused hosts, and remove the data of
/// the domains in `newly_suspended` (reporting progress as `(done, total)` accounts).
pub async fn apply(
    state: &AppState,
    newly_suspended: &[String],
    progress: &(dyn Fn(u64, u64) + Sync),
) -> AppResult<Applied> {
    reload(state).await?;
    let refused: Vec<String> = db::domain_policy::pending_delivery_hosts(&state.db.read)
        .await?
        .into_iter()
        .filter(|host| state.domain_policy.is_blocked(host))
        .collect();
    let deliveries_dropped =
        db::domain_policy::drop_pending_deliveries(&state.db.write, &refused).await?;
    if deliveries_dropped > 0 {
        tracing::info!(
            deliveries_dropped,
            hosts = ?refused,
            "dropped deliveries to hosts the federation policy refuses"
        );
    }
    let mut accounts_removed = 0;
    for domain in newly_suspended {
        if state.domain_policy.is_blocked(domain) {
            accounts_removed += purge::remove_domain_data(state, domain, progress).await?;
        }
    }
    Ok(Applied {
        deliveries_dropped,
        accounts_removed,
    })
}

/// The domains suspended now (for working out what a change newly suspends).
pub fn suspended_domains(state: &AppState) -> HashSet<String> {
    state
        .domain_policy
        .snapshot()
        .blocks
        .iter()
        .filter(|r| r.severity == Severity::Suspend)
        .map(|r| r.domain.clone())
        .collect()
}

/// Ids of remote accounts on limited (silenced) domains, kept out of public timelines.
pub async fn limited_account_ids(state: &AppState) -> AppResult<Vec<i64>> {
    let snapshot = state.domain_policy.snapshot();
    let mut ids = Vec::new();
    for rule in snapshot
        .blocks
        .iter()
        .filter(|r| r.severity == Severity::Silence)
    {
        ids.extend(
            db::domain_policy::remote_actors_near(&state.db.read, &rule.domain)
                .await?
                .into_iter()
                .filter(|a| state.domain_policy.is_limited(&a.domain))
                .map(|a| a.id),
        );
    }
    Ok(ids)
}

/// Replaces letters of `domain` with `*` the way Mastodon obfuscates public block lists.
pub fn obfuscated(domain: &str) -> String {
    let chars: Vec<char> = domain.chars().collect();
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if *c == '.' || i == 0 || i + 1 == chars.len() || i % 3 != 0 {
                *c
            } else {
                '*'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn entry(
        id: i64,
        kind: &str,
        domain: &str,
        severity: &str,
        sub: Option<i64>,
    ) -> domain_permission::Model {
        domain_permission::Model {
            id,
            domain: domain.into(),
            kind: kind.into(),
            severity: severity.into(),
            reject_media: false,
            reject_reports: false,
            obfuscate: false,
            private_comment: String::new(),
            public_comment: String::new(),
            subscription_id: sub,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn local_entries_win_then_higher_priority_subscriptions() {
        let entries = vec![
            entry(1, "block", "a.example", "suspend", Some(10)),
            entry(2, "block", "a.example", "silence", Some(20)),
            entry(3, "block", "b.example", "suspend", Some(10)),
            entry(4, "block", "b.example", "noop", None),
            entry(5, "block", "c.example", "suspend", Some(10)),
            entry(6, "allow", "c.example", "suspend", None),
        ];
        let priorities = HashMap::from([(10, 1), (20, 5)]);
        let snap = effective(false, &["cfg.example".into()], &entries, &priorities);
        let sev = |d: &str| snap.block_for(d).map(|r| r.severity);
        assert_eq!(sev("a.example"), Some(Severity::Silence));
        assert_eq!(sev("b.example"), Some(Severity::Noop));
        assert_eq!(
            sev("c.example"),
            None,
            "a local allow lifts a subscribed block"
        );
        assert_eq!(sev("cfg.example"), Some(Severity::Suspend));
        assert!(snap.is_allowed_domain("c.example"));
    }

    #[test]
    fn obfuscation_keeps_dots_and_ends() {
        let o = obfuscated("spammers.example");
        assert_eq!(o.len(), "spammers.example".len());
        assert!(o.contains('*'));
        assert!(o.starts_with('s') && o.ends_with('e'));
    }
}
