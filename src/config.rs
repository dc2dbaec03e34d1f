//! Configuration: `config/default.toml` < `config/local.toml` < env `HALQA__SECTION__KEY`,
//! loaded once into [`Config`] and validated. Nothing else in the crate reads the environment.
use figment::{
    Figment,
    providers::{Env, Format, Toml},
};
use serde::{Deserialize, Serialize};
use std::{net::SocketAddr, path::Path};

/// The defaults, compiled in so that a binary run from anywhere has every key.
const DEFAULT_TOML: &str = include_str!("../config/default.toml");

/// The whole configuration of one node.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub server: ServerConfig,
    pub instance: InstanceConfig,
    pub database: DatabaseConfig,
    pub federation: FederationConfig,
    pub oauth: OauthConfig,
    pub admin: AdminConfig,
    pub media: MediaConfig,
    pub log: LogConfig,
    pub jobs: JobsConfig,
    pub institution: InstitutionConfig,
    pub rate_limits: RateLimitsConfig,
    pub registration: RegistrationConfig,
    pub metrics: MetricsConfig,
}

/// The first registration rules; the admin changes them at runtime (`service::settings`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RegistrationConfig {
    /// open, approval, invite or closed.
    pub mode: String,
    /// Email domains that may sign up; empty: any.
    pub allowed_email_domains: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ServerConfig {
    pub bind: String,
    pub max_inbox_body_bytes: usize,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct InstanceConfig {
    pub domain: String,
    pub https: Option<bool>,
    pub name: String,
    pub description: String,
    pub contact_email: String,
    pub default_language: String,
    /// Where the source code of the running Halqa is published (AGPL section 13); clients show it.
    pub source_url: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseConfig {
    pub url: String,
    pub max_connections: u32,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FederationConfig {
    pub debug: bool,
    pub authorized_fetch: bool,
    pub blocked_domains: Vec<String>,
    /// `open` (blocklist) or `allowlist`; the initial mode until an admin changes it.
    pub mode: String,
    /// How often each process re-reads the policy from the database (changes made elsewhere).
    pub policy_reload_secs: u64,
    /// How often domain-list subscriptions are fetched.
    pub subscription_refresh_secs: u64,
    /// Largest published list accepted from a subscription.
    pub subscription_max_bytes: usize,
    pub delivery_concurrency: usize,
    pub delivery_concurrency_per_host: usize,
    pub request_timeout_secs: u64,
    pub delivery_timeout_secs: u64,
    /// Seconds before a failed delivery is tried again the first time (×3 for each further
    /// retry, at most a day apart; retries stop a week after the first attempt).
    pub delivery_first_retry_secs: u64,
    /// Seconds a host that did not answer a delivery cools down (doubling with each failure in
    /// a row, at most an hour).
    pub delivery_host_cooldown_secs: u64,
    pub unavailable_after_days: i32,
    pub max_json_depth: usize,
    pub public_key_cache_size: usize,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OauthConfig {
    pub allow_password_grant: bool,
}

/// Prometheus `/metrics`: served only with `Authorization: Bearer <token>`; off when empty.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MetricsConfig {
    pub token: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AdminConfig {
    pub username: String,
    pub email: String,
    pub password: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MediaConfig {
    pub dir: String,
    /// Largest image upload accepted, in bytes.
    pub max_image_bytes: usize,
    /// Largest video or audio upload accepted, in bytes.
    pub max_video_bytes: usize,
    /// Largest document upload accepted (PDF, office files, EPUB, ZIP, text), in bytes.
    #[serde(default = "default_max_document_bytes")]
    pub max_document_bytes: usize,
    /// Download remote images and serve local, resized copies (`service::remote_media`).
    #[serde(default = "default_cache_remote")]
    pub cache_remote: bool,
    /// Cached copies of remote media are removed after this many days (the remote URL is
    /// served again).
    #[serde(default = "default_remote_cache_days")]
    pub remote_cache_days: u32,
}

fn default_max_document_bytes() -> usize {
    20 * 1024 * 1024
}

fn default_cache_remote() -> bool {
    true
}

fn default_remote_cache_days() -> u32 {
    30
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LogConfig {
    pub filter: String,
}

/// Scheduled background work (`src/jobs`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct JobsConfig {
    pub prune_interval_secs: u64,
    pub received_activity_days: u32,
    pub delivery_retention_days: u32,
    /// Home-feed rows kept per user (newest first); older ones are trimmed.
    pub home_feed_max_items: u32,
    /// Uploads never attached to a status are deleted (with their files) after this many hours.
    pub unattached_media_hours: u32,
    /// Seconds between sweeps of the status jobs (scheduled statuses, ended polls, poll updates).
    pub status_interval_secs: u64,
    /// Seconds a local poll's `Update(Question)` waits after a vote, gathering later votes.
    pub poll_update_delay_secs: u64,
}

/// One fixed-window limit: at most `limit` requests per `period_secs` (`src/api/rate_limit.rs`).
#[derive(Debug, Clone, Copy, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimit {
    pub limit: u32,
    pub period_secs: u64,
}

/// Per-IP, per-token and per-username request limits, as Mastodon's Rack::Attack.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimitsConfig {
    pub enabled: bool,
    /// Peers (IPs or CIDR ranges) whose `X-Forwarded-For` names the real client.
    pub trusted_proxies: Vec<String>,
    pub api_per_token: RateLimit,
    pub api_per_ip: RateLimit,
    pub oauth_token_per_ip: RateLimit,
    pub login_per_ip: RateLimit,
    pub failed_logins_per_username: RateLimit,
    pub sign_ups_per_ip: RateLimit,
    /// Statuses one account may publish (Mastodon: 300 per 3 hours).
    pub statuses_per_account: RateLimit,
}

impl RateLimitsConfig {
    /// Every limit with its key, for validation and documentation.
    pub fn limits(&self) -> [(&'static str, RateLimit); 7] {
        [
            ("api_per_token", self.api_per_token),
            ("api_per_ip", self.api_per_ip),
            ("oauth_token_per_ip", self.oauth_token_per_ip),
            ("login_per_ip", self.login_per_ip),
            (
                "failed_logins_per_username",
                self.failed_logins_per_username,
            ),
            ("sign_ups_per_ip", self.sign_ups_per_ip),
            ("statuses_per_account", self.statuses_per_account),
        ]
    }
}

/// The institution running this node (`service::institutions`): seeds its profile on first
/// start (later edits go through `halqa admin institution set` or the admin API), and how
/// often the profiles of the other nodes met are refreshed.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct InstitutionConfig {
    /// Empty: `instance.name`.
    pub name: String,
    /// ens, crmef, school, university or other.
    pub kind: String,
    pub region: String,
    pub city: String,
    /// Language tags; empty: `instance.default_language`.
    pub languages: Vec<String>,
    /// Empty: `instance.description`.
    pub description: String,
    /// Seconds between NodeInfo refreshes of each known host.
    pub refresh_interval_secs: u64,
    /// Hosts refreshed per run of the refresh job.
    pub refresh_batch: u64,
}

/// A configuration problem, naming the key and where its value came from.
#[derive(Debug, thiserror::Error)]
#[error("configuration error: {0}")]
pub struct ConfigError(pub String);

impl Config {
    /// Loads the layered configuration from `dir` (normally `config/`) and the environment.
    pub fn load(dir: &Path) -> Result<Self, ConfigError> {
        let figment = Figment::new()
            .merge(Toml::string(DEFAULT_TOML))
            .merge(Toml::file(dir.join("default.toml")))
            .merge(Toml::file(dir.join("local.toml")))
            .merge(Env::prefixed("HALQA__").split("__"));
        Self::from_figment(figment)
    }

    /// The compiled-in defaults only (tests start from these and change fields).
    pub fn defaults() -> Result<Self, ConfigError> {
        Self::from_figment(Figment::new().merge(Toml::string(DEFAULT_TOML)))
    }

    fn from_figment(figment: Figment) -> Result<Self, ConfigError> {
        let config: Config = figment.extract().map_err(|errors| {
            let message = errors
                .into_iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("; ");
            ConfigError(message)
        })?;
        config.validate()?;
        Ok(config)
    }

    /// Checks values that parse but make no sense, naming the key.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let bad = |key: &str, why: String| Err(ConfigError(format!("{key}: {why}")));
        if self.server.bind.parse::<SocketAddr>().is_err() {
            return bad(
                "server.bind",
                format!(
                    "{:?} is not an address like 127.0.0.1:8080",
                    self.server.bind
                ),
            );
        }
        let domain = &self.instance.domain;
        let valid_domain = !domain.is_empty()
            && domain
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'))
            && url::Url::parse(&format!("http://{domain}/")).is_ok();
        if !valid_domain {
            return bad(
                "instance.domain",
                format!("{domain:?} is not a domain like example.org or localhost:8080"),
            );
        }
        if !matches!(self.federation.mode.as_str(), "open" | "allowlist") {
            return bad(
                "federation.mode",
                format!(
                    "{:?} must be \"open\" or \"allowlist\"",
                    self.federation.mode
                ),
            );
        }
        let url = &self.database.url;
        if !(url.starts_with("sqlite:")
            || url.starts_with("postgres://")
            || url.starts_with("postgresql://"))
        {
            return bad(
                "database.url",
                format!("{url:?} must start with sqlite:// or postgres://"),
            );
        }
        if self.database.max_connections == 0 {
            return bad("database.max_connections", "must be at least 1".into());
        }
        if self.federation.delivery_concurrency == 0
            || self.federation.delivery_concurrency_per_host == 0
        {
            return bad(
                "federation.delivery_concurrency",
                "must be at least 1".into(),
            );
        }
        if self.federation.delivery_timeout_secs == 0 {
            return bad(
                "federation.delivery_timeout_secs",
                "must be at least 1".into(),
            );
        }
        if self.federation.delivery_first_retry_secs == 0 {
            return bad(
                "federation.delivery_first_retry_secs",
                "must be at least 1".into(),
            );
        }
        if self.federation.delivery_host_cooldown_secs == 0 {
            return bad(
                "federation.delivery_host_cooldown_secs",
                "must be at least 1".into(),
            );
        }
        if self.jobs.prune_interval_secs == 0 {
            return bad("jobs.prune_interval_secs", "must be at least 1".into());
        }
        if self.jobs.received_activity_days == 0 {
            return bad("jobs.received_activity_days", "must be at least 1".into());
        }
        if self.jobs.status_interval_secs == 0 {
            return bad("jobs.status_interval_secs", "must be at least 1".into());
        }
        if self.jobs.delivery_retention_days == 0 {
            return bad("jobs.delivery_retention_days", "must be at least 1".into());
        }
        if self.jobs.home_feed_max_items == 0 {
            return bad("jobs.home_feed_max_items", "must be at least 1".into());
        }
        if self.jobs.unattached_media_hours == 0 {
            return bad("jobs.unattached_media_hours", "must be at least 1".into());
        }
        for (key, limit) in self.rate_limits.limits() {
            if limit.limit == 0 || limit.period_secs == 0 {
                return bad(
                    &format!("rate_limits.{key}"),
                    "limit and period_secs must be at least 1".into(),
                );
            }
        }
        if self.institution.refresh_interval_secs == 0 {
            return bad(
                "institution.refresh_interval_secs",
                "must be at least 1".into(),
            );
        }
        if self.institution.refresh_batch == 0 {
            return bad("institution.refresh_batch", "must be at least 1".into());
        }
        if !crate::service::settings::MODES.contains(&self.registration.mode.as_str()) {
            return bad(
                "registration.mode",
                "must be open, approval, invite or closed".into(),
            );
        }
        if !matches!(self.instance.default_language.as_str(), "ar" | "fr" | "en") {
            return bad("instance.default_language", "must be ar, fr or en".into());
        }
        Ok(())
    }

    /// Whether this node's URLs use https (see `instance.https`).
    pub fn use_https(&self) -> bool {
        self.instance.https.unwrap_or_else(|| {
            let host = self.instance.domain.split(':').next().unwrap_or_default();
            !(self.federation.debug || host == "localhost")
        })
    }

    /// `https://domain` or `http://domain`, without a trailing slash.
    pub fn base_url(&self) -> String {
        let scheme = if self.use_https() { "https" } else { "http" };
        format!("{scheme}://{}", self.instance.domain)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn defaults_load_and_validate() {
        let config = Config::defaults().unwrap();
        assert_eq!(config.server.bind, "127.0.0.1:8080");
        assert_eq!(config.base_url(), "http://localhost:8080");
        assert!(!config.oauth.allow_password_grant);
    }

    #[test]
    fn env_style_override_wins_and_bad_value_names_the_key() {
        let figment = Figment::new()
            .merge(Toml::string(DEFAULT_TOML))
            .merge(Toml::string("[server]\nbind = \"not an address\""));
        let err = Config::from_figment(figment).unwrap_err().to_string();
        assert!(err.contains("server.bind"), "{err}");

        let figment = Figment::new()
            .merge(Toml::string(DEFAULT_TOML))
            .merge(Toml::string("[federation]\ndebug = \"maybe\""));
        let err = Config::from_figment(figment).unwrap_err().to_string();
        assert!(err.contains("debug"), "{err}");

        let figment = Figment::new()
            .merge(Toml::string(DEFAULT_TOML))
            .merge(Toml::string(
                "[federation]\ndelivery_host_cooldown_secs = 0",
            ));
        let err = Config::from_figment(figment).unwrap_err().to_string();
        assert!(
            err.contains("federation.delivery_host_cooldown_secs"),
            "{err}"
        );
    }

    #[test]
    fn delivery_timing_has_its_defaults_and_can_be_shortened() {
        let config = Config::defaults().unwrap();
        assert_eq!(config.federation.delivery_first_retry_secs, 30);
        assert_eq!(config.federation.delivery_host_cooldown_secs, 60);
        let figment = Figment::new()
            .merge(Toml::string(DEFAULT_TOML))
            .merge(Toml::string(
                "[federation]\ndelivery_first_retry_secs = 1\ndelivery_host_cooldown_secs = 2",
            ));
        let config = Config::from_figment(figment).unwrap();
        assert_eq!(config.federation.delivery_first_retry_secs, 1);
        assert_eq!(config.federation.delivery_host_cooldown_secs, 2);
    }

    #[test]
    fn unknown_key_is_refused() {
        let figment = Figment::new()
            .merge(Toml::string(DEFAULT_TOML))
            .merge(Toml::string("[server]\nbnid = \"x\""));
        let err = Config::from_figment(figment).unwrap_err().to_string();
        assert!(err.contains("bnid"), "{err}");
    }

    #[test]
    fn https_is_the_default_for_real_domains() {
        let mut config = Config::defaults().unwrap();
        config.instance.domain = "crmef-rabat.ma".into();
        assert_eq!(config.base_url(), "https://crmef-rabat.ma");
        config.federation.debug = true;
        assert_eq!(config.base_url(), "http://crmef-rabat.ma");
    }
}
