//! Node settings the admin changes at runtime (CLI `halqa admin settings`, the admin API):
//! registration mode and allowed email domains, the instance's name, description, contact,
//! rules, default language, the node-wide "hide counts" default and the character and media
//! limits. Stored in `node_setting`; a key never set reads its default from the configuration.
use crate::{
    AppState,
    config::Config,
    db,
    error::{AppError, AppResult},
    service::moderation::audit,
};
use activitypub_federation::config::Data;
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Registration modes.
pub const MODES: [&str; 4] = ["open", "approval", "invite", "closed"];

/// Every setting key, in the order `settings show` prints them.
pub const KEYS: [&str; 12] = [
    "registrations_mode",
    "registrations_allowed_email_domains",
    "registrations_message",
    "name",
    "description",
    "contact_email",
    "default_language",
    "rules",
    "hide_counts",
    "max_characters",
    "max_media_attachments",
    "max_image_bytes",
];

/// One instance rule (Mastodon's Rule entity: id, text, hint).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstanceRule {
    pub id: String,
    pub text: String,
    #[serde(default)]
    pub hint: String,
}

/// The node's settings as they apply now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeSettings {
    /// open, approval, invite or closed.
    pub registrations_mode: String,
    /// Lowercase domains; empty: any email domain.
    pub registrations_allowed_email_domains: Vec<String>,
    /// Shown to people who would sign up (Mastodon's `registrations.message`).
    pub registrations_message: Option<String>,
    pub name: String,
    pub description: String,
    pub contact_email: String,
    /// ar, fr or en.
    pub default_language: String,
    pub rules: Vec<InstanceRule>,
    /// Non-evaluative default: like, boost and follower counts hidden node-wide.
    pub hide_counts: bool,
    pub max_characters: u32,
    pub max_media_attachments: u32,
    pub max_image_bytes: u64,
}

impl NodeSettings {
    /// The settings before the admin changed anything: from the configuration.
    pub fn defaults(config: &Config) -> NodeSettings {
        NodeSettings {
            registrations_mode: config.registration.mode.clone(),
            registrations_allowed_email_domains: config
                .registration
                .allowed_email_domains
                .iter()
                .map(|d| d.trim().to_lowercase())
                .collect(),
            registrations_message: None,
            name: config.instance.name.clone(),
            description: config.instance.description.clone(),
            contact_email: config.instance.contact_email.clone(),
            default_language: config.instance.default_language.clone(),
            rules: Vec::new(),
            hide_counts: false,
            max_characters: u32::try_from(crate::service::posts::MAX_CHARS).unwrap_or(500),
            max_media_attachments: 4,
            max_image_bytes: u64::try_from(config.media.max_image_bytes).unwrap_or(u64::MAX),
        }
    }

    /// Whether anyone may start a sign-up (approval and invite modes included).
    pub fn registrations_enabled(&self) -> bool {
        self.registrations_mode != "closed"
    }

    /// Whether a new account waits for staff approval.
    pub fn approval_required(&self) -> bool {
        self.registrations_mode == "approval"
    }

    /// Whether `email`'s domain may sign up.
    pub fn email_allowed(&self, email: &str) -> bool {
        let allowed = &self.registrations_allowed_email_domains;
        if allowed.is_empty() {
            return true;
        }
        let domain = email.rsplit_once('@').map(|(_, d)| d.to_lowercase());
        domain.is_some_and(|d| allowed.contains(&d))
    }

    /// The settings as one JSON object (the admin API and `settings show --json`).
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

/// The settings now: the stored values over the configuration's defaults. A stored value that
/// no longer reads (hand-edited) is ignored, with a warning.
pub async fn current(db: &impl ConnectionTrait, config: &Config) -> AppResult<NodeSettings> {
    let stored = db::settings::all(db).await?;
    let mut merged = NodeSettings::defaults(config).to_json();
    if let Value::Object(fields) = &mut merged {
        for (key, raw) in stored {
            match serde_json::from_str::<Value>(&raw) {
                Ok(value) if fields.contains_key(&key) => {
                    fields.insert(key, value);
                }
                _ => tracing::warn!(%key, "ignoring an unreadable node setting"),
            }
        }
    }
    serde_json::from_value(merged.clone()).or_else(|e| {
        tracing::warn!(error = %e, "node settings unreadable; using the configuration");
        Ok(NodeSettings::defaults(config))
    })
}

/// Reads a value as the CLI gives it (a string) into the JSON the key holds: lists are
/// comma-separated (or JSON), rules one per `|` (or a JSON list of strings or rule objects).
pub fn parse_cli_value(key: &str, raw: &str) -> AppResult<Value> {
    let raw = raw.trim();
    Ok(match key {
        "registrations_allowed_email_domains" => {
            if let Ok(v @ Value::Array(_)) = serde_json::from_str::<Value>(raw) {
                v
            } else {
                Value::Array(
                    raw.split(',')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(|s| Value::String(s.to_string()))
                        .collect(),
                )
            }
        }
        "rules" => {
            if let Ok(v @ Value::Array(_)) = serde_json::from_str::<Value>(raw) {
                v
            } else {
                Value::Array(
                    raw.split('|')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(|s| Value::String(s.to_string()))
                        .collect(),
                )
            }
        }
        "hide_counts" => match raw {
            "true" | "1" | "yes" | "on" => Value::Bool(true),
            "false" | "0" | "no" | "off" => Value::Bool(false),
            _ => {
                return Err(AppError::Invalid(
                    "hide_counts must be true or false".into(),
                ));
            }
        },
        "max_characters" | "max_media_attachments" | "max_image_bytes" => {
            let n: u64 = raw
                .parse()
                .map_err(|_| AppError::Invalid(format!("{key} must be a whole number")))?;
            Value::from(n)
        }
        "registrations_message" if raw.is_empty() => Value::Null,
        _ => Value::String(raw.to_string()),
    })
}

fn string_of(key: &str, value: &Value) -> AppResult<String> {
    value
        .as_str()
        .map(|s| s.trim().to_string())
        .ok_or_else(|| AppError::Invalid(format!("{key} must be a string")))
}

fn number_of(key: &str, value: &Value, min: u64, max: u64) -> AppResult<u64> {
    value
        .as_u64()
        .filter(|n| (min..=max).contains(n))
        .ok_or_else(|| AppError::Invalid(format!("{key} must be a number from {min} to {max}")))
}

/// Checks one change and returns the JSON to store.
pub fn validate(key: &str, value: &Value) -> AppResult<Value> {
    Ok(match key {
        "registrations_mode" => {
            let mode = string_of(key, value)?;
            if !MODES.contains(&mode.as_str()) {
                return Err(AppError::Invalid(format!(
                    "registrations_mode must be one of {}",
                    MODES.join(", ")
                )));
            }
            Value::String(mode)
        }
        "registrations_allowed_email_domains" => {
            let items = value
                .as_array()
                .ok_or_else(|| AppError::Invalid(format!("{key} must be a list of domains")))?;
            let mut domains = Vec::with_capacity(items.len());
            for item in items {
                let domain = string_of(key, item)?.trim_start_matches('@').to_lowercase();
                let valid = !domain.is_empty()
                    && domain.len() <= 253
                    && domain.contains('.')
                    && domain
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'));
                if !valid {
                    return Err(AppError::Invalid(format!(
                        "{domain:?} is not an email domain like ens.ac.ma"
                    )));
                }
                if !domains.contains(&domain) {
                    domains.push(domain);
                }
            }
            Value::from(domains)
        }
        "registrations_message" => match value {
            Value::Null => Value::Null,
            v => {
                let text = string_of(key, v)?;
                if text.chars().count() > 1000 {
                    return Err(AppError::Invalid(format!(
                        "{key} must be at most 1000 characters"
                    )));
                }
                if text.is_empty() {
                    Value::Null
                } else {
                    Value::String(text)
                }
            }
        },
        "name" | "description" | "contact_email" => {
            let text = string_of(key, value)?;
            let max = if key == "description" { 5000 } else { 200 };
            if text.chars().count() > max || (key == "name" && text.is_empty()) {
                return Err(AppError::Invalid(format!(
                    "{key} must be 1 to {max} characters"
                )));
            }
            Value::String(text)
        }
        "default_language" => {
            let lang = string_of(key, value)?;
            if !matches!(lang.as_str(), "ar" | "fr" | "en") {
                return Err(AppError::Invalid(
                    "default_language must be ar, fr or en".into(),
                ));
            }
            Value::String(lang)
        }
        "rules" => {
            let items = value
                .as_array()
                .ok_or_else(|| AppError::Invalid("rules must be a list".into()))?;
            if items.len() > 50 {
                return Err(AppError::Invalid("at most 50 rules".into()));
            }
            let mut rules = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let (text, hint) = match item {
                    Value::String(s) => (s.trim().to_string(), String::new()),
                    Value::Object(o) => (
                        o.get("text")
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .trim()
                            .to_string(),
                        o.get("hint")
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .trim()
                            .to_string(),
                    ),
                    _ => (String::new(), String::new()),
                };
                if text.is_empty() || text.chars().count() > 500 || hint.chars().count() > 1000 {
                    return Err(AppError::Invalid(
                        "each rule needs a text of at most 500 characters".into(),
                    ));
                }
                rules.push(InstanceRule {
                    id: (i + 1).to_string(),
                    text,
                    hint,
                });
            }
            serde_json::to_value(rules).map_err(|e| anyhow::anyhow!("rules: {e}"))?
        }
        "hide_counts" => Value::Bool(
            value
                .as_bool()
                .ok_or_else(|| AppError::Invalid("hide_counts must be true or false".into()))?,
        ),
        "max_characters" => Value::from(number_of(key, value, 100, 100_000)?),
        "max_media_attachments" => Value::from(number_of(key, value, 1, 4)?),
        "max_image_bytes" => Value::from(number_of(key, value, 100_000, 1_000_000_000)?),
        _ => {
            return Err(AppError::Invalid(format!(
                "unknown setting {key:?}; known: {}",
                KEYS.join(", ")
            )));
        }
    })
}

/// Changes settings (all or nothing) and records each change in the audit log. Only admins
/// (or the CLI, `by = None`) get here: the callers check.
pub async fn update(
    data: &Data<AppState>,
    by: Option<i64>,
    changes: &[(String, Value)],
) -> AppResult<NodeSettings> {
    if changes.is_empty() {
        return Err(AppError::Invalid("no setting given".into()));
    }
    let mut checked = Vec::with_capacity(changes.len());
    for (key, value) in changes {
        checked.push((key.as_str(), validate(key, value)?));
    }
    let txn = data.db.write.begin().await?;
    for (key, value) in &checked {
        db::settings::put(&txn, key, &value.to_string()).await?;
        audit::record(
            &txn,
            data,
            by,
            "setting.update",
            "setting",
            key,
            &value.to_string(),
        )
        .await?;
    }
    txn.commit().await?;
    current(&data.db.read, &data.config).await
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn modes_domains_and_limits_are_checked() {
        assert!(validate("registrations_mode", &json!("approval")).is_ok());
        assert!(validate("registrations_mode", &json!("maybe")).is_err());
        assert_eq!(
            validate(
                "registrations_allowed_email_domains",
                &json!(["ENS.ac.ma", "@crmef.ma", "ens.ac.ma"])
            )
            .unwrap(),
            json!(["ens.ac.ma", "crmef.ma"])
        );
        assert!(
            validate(
                "registrations_allowed_email_domains",
                &json!(["not a domain"])
            )
            .is_err()
        );
        assert!(validate("max_characters", &json!(5)).is_err());
        assert!(validate("max_characters", &json!(1000)).is_ok());
        assert!(validate("default_language", &json!("de")).is_err());
        assert!(validate("colour", &json!("red")).is_err());
        let rules = validate(
            "rules",
            &json!(["Be kind", {"text": "No spam", "hint": "ads"}]),
        )
        .unwrap();
        assert_eq!(rules[1]["id"], "2");
        assert_eq!(rules[1]["hint"], "ads");
        assert!(validate("rules", &json!([""])).is_err());
    }

    #[test]
    fn cli_values_become_json() {
        assert_eq!(
            parse_cli_value("registrations_allowed_email_domains", "a.ma, b.ma").unwrap(),
            json!(["a.ma", "b.ma"])
        );
        assert_eq!(
            parse_cli_value("rules", "Be kind | No spam").unwrap(),
            json!(["Be kind", "No spam"])
        );
        assert_eq!(parse_cli_value("hide_counts", "yes").unwrap(), json!(true));
        assert!(parse_cli_value("max_characters", "many").is_err());
        assert_eq!(
            parse_cli_value("name", "ENS Rabat").unwrap(),
            json!("ENS Rabat")
        );
    }

    #[test]
    fn email_domains_restrict_sign_ups_only_when_listed() {
        let mut settings = NodeSettings::defaults(&Config::defaults().unwrap());
        assert!(settings.email_allowed("a@anything.org"));
        settings.registrations_allowed_email_domains = vec!["ens.ac.ma".into()];
        assert!(settings.email_allowed("a@ENS.ac.ma"));
        assert!(!settings.email_allowed("a@gmail.com"));
        assert!(!settings.email_allowed("a@sub.ens.ac.ma"));
    }
}
