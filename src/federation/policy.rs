//! The federation policy in force, as every surface reads it: mode (`open` or `allowlist`) and
//! the effective per-domain rules (block severity, media and report flags, allowed domains).
//! [`DomainPolicy`] is shared by `AppState` and the federation library's URL verifier; the
//! service layer (`service::federation_policy`) computes a new [`PolicySnapshot`] from the
//! database and swaps it in after each change and on a short interval (other processes).
use activitypub_federation::{config::UrlVerifier, error::Error as FedError};
use async_trait::async_trait;
use std::sync::{Arc, RwLock};
use url::Url;

/// How far a block goes (Mastodon's severities).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    /// Reject everything, remove their data.
    Suspend,
    /// Limit: out of public timelines, follows of local users need approval.
    Silence,
    /// Only the flags (`reject_media`, `reject_reports`) apply.
    Noop,
}

impl Severity {
    pub fn parse(s: &str) -> Option<Severity> {
        match s.trim().to_ascii_lowercase().as_str() {
            "suspend" | "block" => Some(Severity::Suspend),
            "silence" | "limit" => Some(Severity::Silence),
            "noop" | "none" => Some(Severity::Noop),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Suspend => "suspend",
            Severity::Silence => "silence",
            Severity::Noop => "noop",
        }
    }
}

/// One effective block rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockRule {
    pub domain: String,
    pub severity: Severity,
    pub reject_media: bool,
    pub reject_reports: bool,
}

/// The policy at one moment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PolicySnapshot {
    /// Federate only with `allowed` domains (and never with blocked ones).
    pub allowlist: bool,
    pub blocks: Vec<BlockRule>,
    pub allowed: Vec<String>,
}

/// Lower-cases a host or domain entry and strips a trailing dot; keeps an explicit port.
pub fn normalise_domain(domain: &str) -> String {
    domain.trim().trim_end_matches('.').to_lowercase()
}

/// Whether `entry` covers `host`: an entry with a port covers exactly that `host:port`; an entry
/// without one covers the host on any port and its subdomains (as Mastodon).
pub fn covers(entry: &str, host: &str) -> bool {
    let host = normalise_domain(host);
    if entry.is_empty() {
        return false;
    }
    if entry.contains(':') {
        return host == entry;
    }
    let name = host.split(':').next().unwrap_or(&host);
    name == entry || name.ends_with(&format!(".{entry}"))
}

impl PolicySnapshot {
    /// The most specific block rule covering `host` (longest domain).
    pub fn block_for(&self, host: &str) -> Option<&BlockRule> {
        self.blocks
            .iter()
            .filter(|r| covers(&r.domain, host))
            .max_by_key(|r| r.domain.len())
    }

    pub fn is_allowed_domain(&self, host: &str) -> bool {
        self.allowed.iter().any(|d| covers(d, host))
    }
}

/// The policy in force, shared by clones; `local` (this node) is never blocked.
#[derive(Clone)]
pub struct DomainPolicy {
    local: String,
    current: Arc<RwLock<Arc<PolicySnapshot>>>,
}

impl DomainPolicy {
    /// A policy for the node at `local_domain`, starting from the config's blocked domains.
    pub fn new(local_domain: &str, blocked: &[String], allowlist: bool) -> Self {
        let snapshot = PolicySnapshot {
            allowlist,
            blocks: blocked
                .iter()
                .map(|d| BlockRule {
                    domain: normalise_domain(d),
                    severity: Severity::Suspend,
                    reject_media: true,
                    reject_reports: true,
                })
                .collect(),
            allowed: Vec::new(),
        };
        DomainPolicy {
            local: normalise_domain(local_domain),
            current: Arc::new(RwLock::new(Arc::new(snapshot))),
        }
    }

    /// The snapshot in force.
    pub fn snapshot(&self) -> Arc<PolicySnapshot> {
        match self.current.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Puts `snapshot` in force for every clone of this policy.
    pub fn replace(&self, snapshot: PolicySnapshot) {
        let snapshot = Arc::new(snapshot);
        match self.current.write() {
            Ok(mut guard) => *guard = snapshot,
            Err(poisoned) => *poisoned.into_inner() = snapshot,
        }
    }

    fn is_local(&self, host: &str) -> bool {
        normalise_domain(host) == self.local
    }

    /// Whether nothing may be exchanged with `host` (with or without port): suspended, or not
    /// allowed in allowlist mode.
    pub fn is_blocked(&self, host: &str) -> bool {
        if self.is_local(host) {
            return false;
        }
        let snap = self.snapshot();
        if snap
            .block_for(host)
            .is_some_and(|r| r.severity == Severity::Suspend)
        {
            return true;
        }
        snap.allowlist && !snap.is_allowed_domain(host)
    }

    /// Whether `host` is limited (silenced).
    pub fn is_limited(&self, host: &str) -> bool {
        !self.is_local(host)
            && self
                .snapshot()
                .block_for(host)
                .is_some_and(|r| r.severity == Severity::Silence)
    }

    /// Whether media from `host` must not be fetched or stored.
    pub fn rejects_media(&self, host: &str) -> bool {
        !self.is_local(host)
            && self
                .snapshot()
                .block_for(host)
                .is_some_and(|r| r.reject_media || r.severity == Severity::Suspend)
    }

    /// Whether reports (`Flag`) from `host` are ignored.
    pub fn rejects_reports(&self, host: &str) -> bool {
        !self.is_local(host)
            && self
                .snapshot()
                .block_for(host)
                .is_some_and(|r| r.reject_reports)
    }
}

#[async_trait]
impl UrlVerifier for DomainPolicy {
    async fn verify(&self, url: &Url) -> Result<(), FedError> {
        let host = match (url.host_str(), url.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_string(),
            (None, _) => return Ok(()),
        };
        if self.is_blocked(&host) {
            return Err(FedError::UrlVerificationError(
                "this server does not federate with that domain",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_domain_and_subdomains_only() {
        let policy = DomainPolicy::new("halqa.example", &["spam.example".to_string()], false);
        assert!(policy.is_blocked("spam.example"));
        assert!(policy.is_blocked("a.spam.example"));
        assert!(policy.is_blocked("SPAM.example:8443"));
        assert!(policy.is_blocked("spam.example."));
        assert!(!policy.is_blocked("notspam.example"));
        assert!(!policy.is_blocked("spam.example.org"));
    }

    #[test]
    fn an_entry_with_a_port_covers_only_that_port() {
        let policy = DomainPolicy::new("localhost:1", &["localhost:3".to_string()], false);
        assert!(policy.is_blocked("localhost:3"));
        assert!(!policy.is_blocked("localhost:2"));
    }

    #[test]
    fn allowlist_mode_admits_only_allowed_domains_and_never_blocks_itself() {
        let policy = DomainPolicy::new("ens.example", &[], true);
        policy.replace(PolicySnapshot {
            allowlist: true,
            blocks: vec![BlockRule {
                domain: "bad.crmef.example".into(),
                severity: Severity::Suspend,
                reject_media: false,
                reject_reports: false,
            }],
            allowed: vec!["crmef.example".into()],
        });
        assert!(!policy.is_blocked("ens.example"));
        assert!(!policy.is_blocked("crmef.example"));
        assert!(!policy.is_blocked("fes.crmef.example"));
        assert!(policy.is_blocked("bad.crmef.example"));
        assert!(policy.is_blocked("other.example"));
    }

    #[test]
    fn silence_limits_without_blocking_and_the_most_specific_rule_wins() {
        let policy = DomainPolicy::new("ens.example", &[], false);
        policy.replace(PolicySnapshot {
            allowlist: false,
            blocks: vec![
                BlockRule {
                    domain: "social.example".into(),
                    severity: Severity::Suspend,
                    reject_media: false,
                    reject_reports: false,
                },
                BlockRule {
                    domain: "ok.social.example".into(),
                    severity: Severity::Silence,
                    reject_media: true,
                    reject_reports: false,
                },
            ],
            allowed: vec![],
        });
        assert!(policy.is_blocked("social.example"));
        assert!(!policy.is_blocked("ok.social.example"));
        assert!(policy.is_limited("ok.social.example"));
        assert!(policy.rejects_media("ok.social.example"));
        assert!(!policy.is_limited("ens.example"));
    }
}
