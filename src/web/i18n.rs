//! Interface languages: the Fluent files `frontend/locales/{ar,fr,en}/*.ftl` compiled into the
//! binary (fluent-templates), choosing a page's language (the user's setting, then the
//! `halqa_lang` cookie, then `Accept-Language`, then the node's default), its direction, and
//! localised dates.
use chrono::{DateTime, Datelike, Timelike, Utc};
use fluent_templates::{LanguageIdentifier, Loader, fluent_bundle::FluentValue, static_loader};
use std::{borrow::Cow, collections::HashMap, sync::LazyLock};

static_loader! {
    static LOCALES = {
        locales: "./frontend/locales",
        fallback_language: "en",
        // Unicode isolation marks around arguments would show up in HTML attributes and titles;
        // templates put `dir="auto"` on user text instead.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// The interface languages, in the order the language menu shows them.
pub const LANGUAGES: [(&str, &str); 3] = [("ar", "العربية"), ("fr", "Français"), ("en", "English")];

/// The cookie that remembers the language picked by someone not logged in.
pub const LANG_COOKIE: &str = "halqa_lang";

static IDS: LazyLock<HashMap<&'static str, LanguageIdentifier>> = LazyLock::new(|| {
    LANGUAGES
        .iter()
        .filter_map(|(code, _)| code.parse().ok().map(|id| (*code, id)))
        .collect()
});

/// `code` if it is one of ours (`ar-MA` counts as `ar`).
pub fn supported(code: &str) -> Option<&'static str> {
    let primary = code
        .trim()
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    LANGUAGES.iter().map(|(c, _)| *c).find(|c| *c == primary)
}

/// The best of our languages in an `Accept-Language` header (by q-value, then order).
pub fn from_accept_language(header: &str) -> Option<&'static str> {
    let mut best: Option<(f32, usize, &'static str)> = None;
    for (i, part) in header.split(',').enumerate() {
        let mut pieces = part.split(';');
        let tag = pieces.next().unwrap_or("").trim();
        let q = pieces
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        let Some(code) = supported(tag) else {
            continue;
        };
        if q <= 0.0 {
            continue;
        }
        if best.is_none_or(|(bq, bi, _)| q > bq || (q == bq && i < bi)) {
            best = Some((q, i, code));
        }
    }
    best.map(|(_, _, code)| code)
}

/// The page language: the user's setting, the cookie, the browser, then the node default.
pub fn choose(
    user_setting: Option<&str>,
    cookie: Option<&str>,
    accept_language: Option<&str>,
    node_default: &str,
) -> &'static str {
    user_setting
        .and_then(supported)
        .or_else(|| cookie.and_then(supported))
        .or_else(|| accept_language.and_then(from_accept_language))
        .or_else(|| supported(node_default))
        .unwrap_or("en")
}

/// `rtl` for Arabic, `ltr` otherwise.
pub fn direction(lang: &str) -> &'static str {
    if lang == "ar" { "rtl" } else { "ltr" }
}

/// The text of `key` in `lang` with `args`; the key itself when missing (caught by the tests).
pub fn tr_args(lang: &str, key: &str, args: &[(&str, FluentValue<'static>)]) -> String {
    let Some(id) = IDS.get(supported(lang).unwrap_or("en")) else {
        return key.to_string();
    };
    if args.is_empty() {
        return LOCALES
            .try_lookup(id, key)
            .unwrap_or_else(|| key.to_string());
    }
    let map: HashMap<Cow<'static, str>, FluentValue<'static>> = args
        .iter()
        .map(|(k, v)| (Cow::Owned(k.to_string()), v.clone()))
        .collect();
    LOCALES
        .try_lookup_with_args(id, key, &map)
        .unwrap_or_else(|| key.to_string())
}

/// The text of `key` in `lang`.
pub fn tr(lang: &str, key: &str) -> String {
    tr_args(lang, key, &[])
}

/// A date and time as people of `lang` write it, in UTC: "23 nov. 2026, 14:05".
pub fn format_datetime(lang: &str, t: &DateTime<Utc>) -> String {
    let month = tr(lang, &format!("month-{}", t.month()));
    tr_args(
        lang,
        "date-time",
        &[
            ("day", FluentValue::from(t.day().to_string())),
            ("month", FluentValue::from(month)),
            ("year", FluentValue::from(t.year().to_string())),
            (
                "time",
                FluentValue::from(format!("{:02}:{:02}", t.hour(), t.minute())),
            ),
        ],
    )
}

/// The keys of one Fluent file (messages only, not their attributes or terms).
pub fn keys_of(ftl: &str) -> Vec<String> {
    ftl.lines()
        .filter(|l| l.starts_with(|c: char| c.is_ascii_lowercase()))
        .filter_map(|l| l.split_once('=').map(|(k, _)| k.trim().to_string()))
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// Every Fluent file of each language (fluent-templates loads them all).
    const FILES: [(&str, &[&str]); 3] = [
        (
            "ar",
            &[
                include_str!("../../frontend/locales/ar/main.ftl"),
                include_str!("../../frontend/locales/ar/community.ftl"),
                include_str!("../../frontend/locales/ar/pln.ftl"),
                include_str!("../../frontend/locales/ar/admin.ftl"),
                include_str!("../../frontend/locales/ar/pln-library.ftl"),
                include_str!("../../frontend/locales/ar/account.ftl"),
                include_str!("../../frontend/locales/ar/move.ftl"),
                include_str!("../../frontend/locales/ar/archive.ftl"),
                include_str!("../../frontend/locales/ar/extras.ftl"),
            ],
        ),
        (
            "fr",
            &[
                include_str!("../../frontend/locales/fr/main.ftl"),
                include_str!("../../frontend/locales/fr/community.ftl"),
                include_str!("../../frontend/locales/fr/pln.ftl"),
                include_str!("../../frontend/locales/fr/admin.ftl"),
                include_str!("../../frontend/locales/fr/pln-library.ftl"),
                include_str!("../../frontend/locales/fr/account.ftl"),
                include_str!("../../frontend/locales/fr/move.ftl"),
                include_str!("../../frontend/locales/fr/archive.ftl"),
                include_str!("../../frontend/locales/fr/extras.ftl"),
            ],
        ),
        (
            "en",
            &[
                include_str!("../../frontend/locales/en/main.ftl"),
                include_str!("../../frontend/locales/en/community.ftl"),
                include_str!("../../frontend/locales/en/pln.ftl"),
                include_str!("../../frontend/locales/en/admin.ftl"),
                include_str!("../../frontend/locales/en/pln-library.ftl"),
                include_str!("../../frontend/locales/en/account.ftl"),
                include_str!("../../frontend/locales/en/move.ftl"),
                include_str!("../../frontend/locales/en/archive.ftl"),
                include_str!("../../frontend/locales/en/extras.ftl"),
            ],
        ),
    ];

    fn keys(files: &[&str]) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        for ftl in files {
            for key in keys_of(ftl) {
                assert!(out.insert(key.clone()), "{key} is defined twice");
            }
        }
        out
    }

    /// Every key used by a template (`t("…")`) or by the Rust code (`tr(…, "…")`).
    fn used_keys() -> BTreeSet<String> {
        let mut used = BTreeSet::new();
        let template_call = regex::Regex::new(r#"\bt\("([a-z0-9-]*[a-z0-9])""#).unwrap();
        let rust_call = regex::Regex::new(r#"\btr(?:_args)?\([^,()]+, "([a-z0-9-]+)""#).unwrap();
        let literal_key = regex::Regex::new(
            r#""((?:notif|signup|login|error|timeline|account-reset)-[a-z0-9-]+)""#,
        )
        .unwrap();
        for (_, source) in super::super::render::TEMPLATE_SOURCES {
            for c in template_call.captures_iter(source) {
                used.insert(c[1].to_string());
            }
        }
        for source in super::super::SOURCES
            .iter()
            .chain(super::super::admin::SOURCES)
        {
            for c in rust_call.captures_iter(source) {
                used.insert(c[1].to_string());
            }
            for c in literal_key.captures_iter(source) {
                used.insert(c[1].to_string());
            }
        }
        for m in 1..=12 {
            used.insert(format!("month-{m}"));
        }
        // Built in templates from a value: `"visibility-" ~ v`.
        for v in ["public", "unlisted", "private", "direct"] {
            used.insert(format!("visibility-{v}"));
        }
        // The PLN pages build these from a value (`"pln-kind-" ~ k`, `format!("pln-field-{f}")`).
        for k in crate::web::search::KINDS {
            used.insert(format!("pln-kind-{k}"));
        }
        for s in crate::service::mentorship::requests::STATES {
            used.insert(format!("request-state-{s}"));
        }
        for l in crate::web::pln::TEACHING_LANGUAGES {
            used.insert(format!("pln-lang-{l}"));
        }
        for f in crate::web::pln::FIELDS {
            used.insert(format!("pln-field-{}", f.replace('_', "-")));
        }
        for v in ["public", "approval", "private"] {
            used.insert(format!("collection-visibility-{v}"));
        }
        // The admin pages' values (`"admin-state-" ~ a.state`, …) and the warning's action.
        let built: [(&str, &[&str]); 15] = [
            (
                "admin-state",
                &[
                    "active",
                    "pending",
                    "disabled",
                    "silenced",
                    "suspended",
                    "staff",
                    "deleted",
                    "rejected",
                ],
            ),
            ("admin-role", &["admin", "moderator", "user"]),
            ("admin-category", &["spam", "legal", "violation", "other"]),
            ("admin-severity", &["suspend", "silence", "noop"]),
            ("admin-fed-mode", &["open", "allowlist"]),
            ("admin-fed-list", &["block", "allow"]),
            ("admin-reg-mode", &["open", "approval", "invite", "closed"]),
            ("admin-invite", &["live", "expired", "used-up", "revoked"]),
            (
                "admin-expiry",
                &["0", "1800", "21600", "86400", "604800", "2592000"],
            ),
            (
                "warning-action",
                &["none", "disable", "silence", "suspend", "delete_statuses"],
            ),
            ("notif", &["moderation-warning", "move"]),
            ("move-done", &["alias-added", "alias-removed", "moved"]),
            ("import-kind", &crate::service::imports::KINDS),
            ("import-state", &["queued", "running", "done", "failed"]),
            (
                "import-count",
                &[
                    "resources",
                    "collections",
                    "collection_items",
                    "mentorships",
                    "posts",
                    "following",
                    "lists",
                    "blocks",
                    "mutes",
                    "bookmarks",
                ],
            ),
        ];
        for (prefix, values) in built {
            for v in values {
                used.insert(format!("{prefix}-{v}"));
            }
        }
        // An import's notices are stored with their key.
        used.extend(
            crate::service::imports::report::Notice::KEYS
                .iter()
                .map(|k| k.to_string()),
        );
        // The account migration page names each refusal by its key.
        used.extend(
            crate::service::moves::Refusal::ALL
                .iter()
                .map(|r| r.key().to_string()),
        );
        used
    }

    #[test]
    fn every_key_is_in_all_three_languages() {
        let en = keys(FILES[2].1);
        assert!(en.len() > 50, "the English file has {} keys", en.len());
        for (lang, ftl) in FILES {
            let k = keys(ftl);
            let missing: Vec<_> = en.difference(&k).collect();
            let extra: Vec<_> = k.difference(&en).collect();
            assert!(missing.is_empty(), "{lang} lacks {missing:?}");
            assert!(extra.is_empty(), "{lang} has keys English lacks: {extra:?}");
        }
    }

    #[test]
    fn every_used_key_exists_and_resolves() {
        let en = keys(FILES[2].1);
        let used = used_keys();
        let missing: Vec<_> = used.difference(&en).collect();
        assert!(
            missing.is_empty(),
            "keys used but not translated: {missing:?}"
        );
        for (lang, _) in FILES {
            for key in &used {
                let text = tr_args(
                    lang,
                    key,
                    &[
                        ("name", FluentValue::from("x")),
                        ("count", FluentValue::from(2)),
                        ("posts", FluentValue::from(2)),
                        ("followers", FluentValue::from(3)),
                        ("following", FluentValue::from(4)),
                        ("handle", FluentValue::from("a@b")),
                        ("account", FluentValue::from("https://a.example/users/x")),
                        ("day", FluentValue::from("1")),
                        ("month", FluentValue::from("m")),
                        ("year", FluentValue::from("2026")),
                        ("time", FluentValue::from("10:00")),
                        ("field", FluentValue::from("x")),
                        ("n", FluentValue::from(1)),
                        ("title", FluentValue::from("t")),
                        ("blocks", FluentValue::from(1)),
                        ("allows", FluentValue::from(2)),
                        ("domain", FluentValue::from("a.example")),
                        ("at", FluentValue::from("x")),
                        ("url", FluentValue::from("https://b.example/resources/1")),
                        ("author", FluentValue::from("@a@b")),
                        ("license", FluentValue::from("CC-BY-4.0")),
                        ("size", FluentValue::from(512)),
                        ("done", FluentValue::from(3)),
                        ("total", FluentValue::from(9)),
                        ("imported", FluentValue::from(2)),
                        ("skipped", FluentValue::from(1)),
                        ("favourites", FluentValue::from(1)),
                        ("boosts", FluentValue::from(2)),
                    ],
                );
                assert_ne!(&text, key, "{lang}: {key} does not resolve");
            }
        }
    }

    #[test]
    fn language_choice_order() {
        assert_eq!(choose(Some("ar"), Some("fr"), Some("en"), "fr"), "ar");
        assert_eq!(choose(None, Some("fr"), Some("ar"), "en"), "fr");
        assert_eq!(
            choose(None, None, Some("de, ar-MA;q=0.8, fr;q=0.9"), "en"),
            "fr"
        );
        assert_eq!(choose(Some("xx"), None, Some("de"), "ar"), "ar");
        assert_eq!(choose(None, None, None, "zz"), "en");
        assert_eq!(from_accept_language("fr;q=0, en;q=0.1"), Some("en"));
        assert_eq!(direction("ar"), "rtl");
        assert_eq!(direction("fr"), "ltr");
    }

    #[test]
    fn dates_are_localised() {
        let t = DateTime::parse_from_rfc3339("2026-11-23T14:05:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(format_datetime("en", &t), "23 Nov 2026, 14:05");
        assert_eq!(format_datetime("fr", &t), "23 nov. 2026, 14:05");
        assert!(format_datetime("ar", &t).contains("نونبر"));
    }
}
