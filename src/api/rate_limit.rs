//! Request rate limits, as Mastodon's Rack::Attack: fixed windows (opened by a key's first
//! request) counted in memory per process
//! (a bounded map), per access token and per client IP on every `/api` and `/oauth` request, per
//! IP on the token endpoint, the login form and sign-ups, and per account on wrong passwords
//! (checked by `api::oauth`). Over a limit the answer is 429 `{"error": …}` with `Retry-After`;
//! every API answer carries `X-RateLimit-Limit`, `-Remaining` and `-Reset` (ISO 8601) for the
//! tightest limit that applies, as Mastodon sends them.
//!
//! Not `tower_governor`: its GCRA buckets have no window end to put in `X-RateLimit-Reset` (which
//! Mastodon.py parses), it keys requests before the handler runs (a limit on *failed* logins per
//! account needs the outcome and the account the body names), and its keyed store grows until
//! someone calls `retain_recent`. A window counter is a few lines and does all three.
use crate::{AppState, config::RateLimitsConfig};
use axum::{
    Json,
    extract::{ConnectInfo, Request, State},
    http::{HeaderMap, HeaderValue, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::json;
use std::{
    collections::HashMap,
    hash::{BuildHasher, RandomState},
    net::{IpAddr, SocketAddr},
    sync::{Mutex, PoisonError},
};

/// Most counters kept at once; past this, expired windows are dropped and, if that is not
/// enough, new keys go uncounted until some expire (memory stays bounded under a flood).
const MAX_KEYS: usize = 100_000;

/// What a counter counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rule {
    ApiPerToken,
    ApiPerIp,
    OauthTokenPerIp,
    LoginPerIp,
    FailedLoginsPerUsername,
    SignUpsPerIp,
    StatusesPerAccount,
}

/// One counter's window: when it started (unix seconds, the key's first request) and its count.
#[derive(Debug, Clone, Copy)]
struct Window {
    start: i64,
    period: i64,
    count: u32,
}

/// The state of one limit for one key after a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    pub limit: u32,
    pub remaining: u32,
    pub reset_at: DateTime<Utc>,
    /// The request went over the limit.
    pub exceeded: bool,
}

impl Verdict {
    /// Writes the `X-RateLimit-*` headers.
    pub fn set_headers(&self, headers: &mut HeaderMap) {
        let reset = self.reset_at.to_rfc3339_opts(SecondsFormat::Micros, true);
        for (name, value) in [
            ("x-ratelimit-limit", self.limit.to_string()),
            ("x-ratelimit-remaining", self.remaining.to_string()),
            ("x-ratelimit-reset", reset),
        ] {
            if let Ok(value) = HeaderValue::from_str(&value) {
                headers.insert(name, value);
            }
        }
    }

    /// Whole seconds until the window ends (at least 1).
    pub fn retry_after_secs(&self, now: DateTime<Utc>) -> i64 {
        (self.reset_at - now).num_seconds().max(1)
    }
}

/// A refused request: 429 with Mastodon's body and the rate-limit headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttled(pub Verdict);

impl IntoResponse for Throttled {
    fn into_response(self) -> Response {
        let verdict = self.0;
        let mut response = (
            StatusCode::TOO_MANY_REQUESTS,
            Json(json!({ "error": "Too many requests" })),
        )
            .into_response();
        let headers = response.headers_mut();
        verdict.set_headers(headers);
        headers.insert(
            header::RETRY_AFTER,
            HeaderValue::from(verdict.retry_after_secs(Utc::now())),
        );
        response
    }
}

/// An IP range a trusted proxy may come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct IpRange {
    addr: IpAddr,
    prefix: u8,
}

impl IpRange {
    fn parse(raw: &str) -> Option<IpRange> {
        let (addr, prefix) = match raw.trim().split_once('/') {
            Some((addr, prefix)) => (addr.parse::<IpAddr>().ok()?, Some(prefix.parse().ok()?)),
            None => (raw.trim().parse::<IpAddr>().ok()?, None),
        };
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(max);
        (prefix <= max).then_some(IpRange { addr, prefix })
    }

    fn contains(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        let bits = |a: IpAddr| -> u128 {
            match a {
                IpAddr::V4(v4) => u128::from(u32::from(v4)) << 96,
                IpAddr::V6(v6) => u128::from(v6),
            }
        };
        if ip.is_ipv4() != self.addr.is_ipv4() {
            return false;
        }
        if self.prefix == 0 {
            return true;
        }
        let mask = u128::MAX << (128 - u32::from(self.prefix));
        bits(ip) & mask == bits(self.addr) & mask
    }
}

/// The counters of one process, with the configured limits.
pub struct RateLimiter {
    config: RateLimitsConfig,
    trusted: Vec<IpRange>,
    hasher: RandomState,
    windows: Mutex<HashMap<(Rule, u64), Window>>,
}

impl std::fmt::Debug for RateLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateLimiter")
            .field("enabled", &self.config.enabled)
            .finish()
    }
}

impl RateLimiter {
    /// A limiter for `config`; a `trusted_proxies` entry that is no IP or range is an error
    /// naming it.
    pub fn new(config: &RateLimitsConfig) -> Result<RateLimiter, String> {
        let trusted = config
            .trusted_proxies
            .iter()
            .map(|raw| {
                IpRange::parse(raw).ok_or_else(|| {
                    format!("rate_limits.trusted_proxies: {raw:?} is not an IP address or range")
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(RateLimiter {
            config: config.clone(),
            trusted,
            hasher: RandomState::new(),
            windows: Mutex::new(HashMap::new()),
        })
    }

    /// Whether limits are enforced at all (`rate_limits.enabled`).
    pub fn enabled(&self) -> bool {
        self.config.enabled
    }

    fn limit_of(&self, rule: Rule) -> (u32, i64) {
        let c = &self.config;
        let l = match rule {
            Rule::ApiPerToken => c.api_per_token,
            Rule::ApiPerIp => c.api_per_ip,
            Rule::OauthTokenPerIp => c.oauth_token_per_ip,
            Rule::LoginPerIp => c.login_per_ip,
            Rule::FailedLoginsPerUsername => c.failed_logins_per_username,
            Rule::SignUpsPerIp => c.sign_ups_per_ip,
            Rule::StatusesPerAccount => c.statuses_per_account,
        };
        (
            l.limit.max(1),
            i64::try_from(l.period_secs.max(1)).unwrap_or(i64::MAX),
        )
    }

    /// Counts a request for `key` under `rule` (when `count`) and says where it stands. A key's
    /// window opens at its first request and lasts the rule's period (not aligned to the clock,
    /// so a burst is never split in two by a period boundary).
    fn check(&self, rule: Rule, key: &str, count: bool, now: DateTime<Utc>) -> Verdict {
        let (limit, period) = self.limit_of(rule);
        let now_secs = now.timestamp();
        let id = (rule, self.hasher.hash_one(key));
        let mut windows = self.windows.lock().unwrap_or_else(PoisonError::into_inner);
        if !windows.contains_key(&id) && windows.len() >= MAX_KEYS {
            windows.retain(|_, w| w.start + w.period > now_secs);
        }
        let (used, start) = if !windows.contains_key(&id) && windows.len() >= MAX_KEYS {
            // Full of live windows: leave this key uncounted rather than grow without bound.
            (u32::from(count), now_secs)
        } else {
            let fresh = Window {
                start: now_secs,
                period,
                count: 0,
            };
            let window = windows.entry(id).or_insert(fresh);
            if window.start.saturating_add(window.period) <= now_secs || window.period != period {
                *window = fresh;
            }
            if count {
                window.count = window.count.saturating_add(1);
            }
            (window.count, window.start)
        };
        let reset_at = DateTime::from_timestamp(start.saturating_add(period), 0).unwrap_or(now);
        Verdict {
            limit,
            remaining: limit.saturating_sub(used),
            reset_at,
            exceeded: used > limit,
        }
    }

    /// Counts one request for `key` under `rule`.
    pub fn hit(&self, rule: Rule, key: &str) -> Verdict {
        self.check(rule, key, true, Utc::now())
    }

    /// Where `key` stands under `rule`, without counting; `Err` if it has used up its limit.
    pub fn peek(&self, rule: Rule, key: &str) -> Result<Verdict, Throttled> {
        let verdict = self.check(rule, key, false, Utc::now());
        if self.enabled() && verdict.remaining == 0 {
            Err(Throttled(Verdict {
                exceeded: true,
                ..verdict
            }))
        } else {
            Ok(verdict)
        }
    }

    /// The client's address: the peer, or — when the peer is a trusted proxy — the last address
    /// in `X-Forwarded-For` that is not a trusted proxy.
    pub fn client_ip(&self, peer: Option<IpAddr>, headers: &HeaderMap) -> Option<IpAddr> {
        let peer = peer?;
        let trusted = |ip: IpAddr| self.trusted.iter().any(|r| r.contains(ip));
        if !trusted(peer) {
            return Some(peer);
        }
        let forwarded: Vec<IpAddr> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|part| part.trim().parse::<IpAddr>().ok())
            .collect();
        Some(
            forwarded
                .into_iter()
                .rev()
                .find(|ip| !trusted(*ip))
                .unwrap_or(peer),
        )
    }
}

/// The rules that count a request, each with its key: the general per-token and per-IP API
/// limits, plus the endpoint's own.
fn rules_for(method: &Method, path: &str, token: Option<&str>, ip: &str) -> Vec<(Rule, String)> {
    let mut rules = Vec::with_capacity(3);
    if *method == Method::POST {
        let special = match path {
            "/oauth/token" => Some(Rule::OauthTokenPerIp),
            "/oauth/authorize" => Some(Rule::LoginPerIp),
            "/api/v1/accounts" => Some(Rule::SignUpsPerIp),
            _ => None,
        };
        if let Some(rule) = special {
            rules.push((rule, ip.to_string()));
        }
    }
    if let Some(token) = token {
        rules.push((Rule::ApiPerToken, token.to_string()));
    }
    rules.push((Rule::ApiPerIp, ip.to_string()));
    rules
}

/// The bearer token of a request, if any (the same places `api::auth` reads it from).
fn bearer(headers: &HeaderMap, query: Option<&str>) -> Option<String> {
    let from_header = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, rest) = v.trim().split_once(' ')?;
            scheme
                .eq_ignore_ascii_case("bearer")
                .then(|| rest.trim().to_string())
        });
    from_header
        .or_else(|| {
            form_urlencoded::parse(query?.as_bytes())
                .find(|(k, _)| k == "access_token")
                .map(|(_, v)| v.into_owned())
        })
        .filter(|t| !t.is_empty())
}

/// Whether a path belongs to the client API (the federation and web routes are not limited
/// here).
fn is_api(path: &str) -> bool {
    path.starts_with("/api/") || path.starts_with("/oauth/")
}

/// The middleware: counts the request under every rule that applies, answers 429 when one is
/// exceeded, and puts the tightest limit's headers on the answer.
pub async fn limit(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let limiter = &state.rate_limits;
    if !limiter.enabled() || request.method() == Method::OPTIONS || !is_api(request.uri().path()) {
        return next.run(request).await;
    }
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let ip = limiter
        .client_ip(peer, request.headers())
        .map_or_else(|| "unknown".to_string(), |ip| ip.to_string());
    let token = bearer(request.headers(), request.uri().query());
    let rules = rules_for(
        request.method(),
        request.uri().path(),
        token.as_deref(),
        &ip,
    );
    let verdicts: Vec<Verdict> = rules
        .iter()
        .map(|(rule, key)| limiter.hit(*rule, key))
        .collect();
    if let Some(over) = verdicts.iter().find(|v| v.exceeded) {
        return Throttled(*over).into_response();
    }
    let mut response = next.run(request).await;
    if let Some(tightest) = verdicts.iter().min_by_key(|v| v.remaining) {
        // A handler's own (stricter) verdict, e.g. failed logins, wins.
        if !response.headers().contains_key("x-ratelimit-limit") {
            tightest.set_headers(response.headers_mut());
        }
    }
    response
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::config::{Config, RateLimit};

    fn limiter(tweak: impl FnOnce(&mut RateLimitsConfig)) -> RateLimiter {
        let mut config = Config::defaults().unwrap().rate_limits;
        tweak(&mut config);
        RateLimiter::new(&config).unwrap()
    }

    #[test]
    fn a_window_counts_up_to_its_limit_then_refuses_until_it_ends() {
        let limiter = limiter(|c| {
            c.oauth_token_per_ip = RateLimit {
                limit: 3,
                period_secs: 300,
            }
        });
        let now = DateTime::from_timestamp(1_800_000_010, 0).unwrap();
        let hit = |at| limiter.check(Rule::OauthTokenPerIp, "10.0.0.1", true, at);
        let verdicts: Vec<Verdict> = (0..4).map(|_| hit(now)).collect();
        assert_eq!(
            verdicts.iter().map(|v| v.remaining).collect::<Vec<_>>(),
            [2, 1, 0, 0]
        );
        assert!(!verdicts[2].exceeded && verdicts[3].exceeded);
        // The window opened at the key's first request and lasts the period, even across a
        // clock boundary (1_800_000_100 is a multiple of 300): the burst is not split.
        assert_eq!(verdicts[0].reset_at, now + chrono::Duration::seconds(300));
        assert_eq!(verdicts[3].retry_after_secs(now), 300);
        let across = DateTime::from_timestamp(1_800_000_100, 0).unwrap();
        assert!(hit(across).exceeded);
        assert_eq!(hit(across).retry_after_secs(across), 210);
        // Another key and another rule count apart; the next window starts afresh.
        assert_eq!(
            limiter
                .check(Rule::OauthTokenPerIp, "10.0.0.2", true, now)
                .remaining,
            2
        );
        assert_eq!(
            limiter
                .check(Rule::LoginPerIp, "10.0.0.1", true, now)
                .remaining,
            24
        );
        let later = verdicts[0].reset_at;
        assert_eq!(hit(later).remaining, 2);
    }

    #[test]
    fn peek_does_not_count_and_refuses_only_when_used_up() {
        let limiter = limiter(|c| {
            c.failed_logins_per_username = RateLimit {
                limit: 2,
                period_secs: 300,
            }
        });
        let rule = Rule::FailedLoginsPerUsername;
        assert_eq!(limiter.peek(rule, "user:1").unwrap().remaining, 2);
        assert_eq!(limiter.peek(rule, "user:1").unwrap().remaining, 2);
        limiter.hit(rule, "user:1");
        limiter.hit(rule, "user:1");
        let refused = limiter.peek(rule, "user:1").unwrap_err();
        assert_eq!(refused.0.remaining, 0);
        let disabled = self::limiter(|c| {
            c.enabled = false;
            c.failed_logins_per_username.limit = 1;
        });
        disabled.hit(rule, "user:1");
        assert!(disabled.peek(rule, "user:1").is_ok());
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let limiter = limiter(|c| c.trusted_proxies = vec!["127.0.0.1/8".into(), "::1".into()]);
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            HeaderValue::from_static("198.51.100.7, 203.0.113.9, 127.0.0.1"),
        );
        let loopback: IpAddr = "127.0.0.1".parse().unwrap();
        let outsider: IpAddr = "192.0.2.1".parse().unwrap();
        assert_eq!(
            limiter.client_ip(Some(loopback), &headers),
            Some("203.0.113.9".parse().unwrap())
        );
        assert_eq!(limiter.client_ip(Some(outsider), &headers), Some(outsider));
        assert_eq!(
            limiter.client_ip(Some("::1".parse().unwrap()), &HeaderMap::new()),
            Some("::1".parse().unwrap())
        );
        assert_eq!(limiter.client_ip(None, &headers), None);
        let bad = {
            let mut c = Config::defaults().unwrap().rate_limits;
            c.trusted_proxies = vec!["not-an-ip".into()];
            RateLimiter::new(&c).unwrap_err()
        };
        assert!(bad.contains("not-an-ip"), "{bad}");
    }

    #[test]
    fn ip_ranges_match_by_prefix() {
        let range = IpRange::parse("10.1.0.0/16").unwrap();
        assert!(range.contains("10.1.200.3".parse().unwrap()));
        assert!(!range.contains("10.2.0.1".parse().unwrap()));
        assert!(range.contains("::ffff:10.1.0.9".parse().unwrap()));
        assert!(!range.contains("fd00::1".parse().unwrap()));
        assert!(
            IpRange::parse("fd00::/8")
                .unwrap()
                .contains("fd12::1".parse().unwrap())
        );
        assert!(
            IpRange::parse("0.0.0.0/0")
                .unwrap()
                .contains("8.8.8.8".parse().unwrap())
        );
        assert!(IpRange::parse("10.0.0.0/33").is_none());
    }

    #[test]
    fn endpoints_add_their_own_rules() {
        let rules = rules_for(&Method::POST, "/oauth/token", None, "1.2.3.4");
        assert_eq!(
            rules.iter().map(|r| r.0).collect::<Vec<_>>(),
            [Rule::OauthTokenPerIp, Rule::ApiPerIp]
        );
        let rules = rules_for(&Method::GET, "/api/v1/accounts", Some("t"), "1.2.3.4");
        assert_eq!(
            rules.iter().map(|r| r.0).collect::<Vec<_>>(),
            [Rule::ApiPerToken, Rule::ApiPerIp]
        );
        assert!(is_api("/api/v1/instance") && is_api("/oauth/token"));
        assert!(!is_api("/users/amina/inbox") && !is_api("/api"));
    }
}
