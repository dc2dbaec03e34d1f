//! Contract checks for Mastodon API entities, from the field lists clients crash without
//! (research note §2.5): every field present with the right JSON type, `null` only where
//! allowed, ids as numeric strings, datetimes with milliseconds and `Z`. Reusable by every API
//! test: `assert_account_shape(&json)` and friends panic with the path of the first mismatch.
#![allow(dead_code)]

use serde_json::Value;

/// The JSON type a field must have.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Str,
    /// A string that is a snowflake id (digits only).
    Id,
    /// A datetime `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    DateTime,
    /// A date `YYYY-MM-DD`.
    Date,
    /// An absolute http(s) URL.
    Url,
    Bool,
    Int,
    Number,
    Array,
    Object,
}

fn is_datetime(s: &str) -> bool {
    let b = s.as_bytes();
    s.len() == 24
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && b[19] == b'.'
        && b[23] == b'Z'
        && chrono::DateTime::parse_from_rfc3339(s).is_ok()
}

fn matches(kind: Kind, v: &Value) -> bool {
    match kind {
        Kind::Str => v.is_string(),
        Kind::Id => v
            .as_str()
            .is_some_and(|s| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit())),
        Kind::DateTime => v.as_str().is_some_and(is_datetime),
        Kind::Date => v
            .as_str()
            .is_some_and(|s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()),
        Kind::Url => v
            .as_str()
            .is_some_and(|s| s.starts_with("http://") || s.starts_with("https://")),
        Kind::Bool => v.is_boolean(),
        Kind::Int => v.is_i64() || v.is_u64(),
        Kind::Number => v.is_number(),
        Kind::Array => v.is_array(),
        Kind::Object => v.is_object(),
    }
}

/// `field` of `obj` is present with type `kind`.
pub fn need(obj: &Value, path: &str, field: &str, kind: Kind) {
    let v = obj
        .get(field)
        .unwrap_or_else(|| panic!("{path}.{field} is missing in {obj}"));
    assert!(
        matches(kind, v),
        "{path}.{field} should be {kind:?}, got {v}"
    );
}

/// `field` of `obj` is present: `null` or of type `kind`.
pub fn nullable(obj: &Value, path: &str, field: &str, kind: Kind) {
    let v = obj
        .get(field)
        .unwrap_or_else(|| panic!("{path}.{field} is missing (null is allowed) in {obj}"));
    assert!(
        v.is_null() || matches(kind, v),
        "{path}.{field} should be null or {kind:?}, got {v}"
    );
}

/// `field`, when present, has type `kind` (or is null).
pub fn optional(obj: &Value, path: &str, field: &str, kind: Kind) {
    if let Some(v) = obj.get(field) {
        assert!(
            v.is_null() || matches(kind, v),
            "{path}.{field} should be {kind:?}, got {v}"
        );
    }
}

/// Mastodon's Account.
pub fn assert_account_shape(a: &Value) {
    let p = "account";
    assert!(a.is_object(), "{p} is not an object: {a}");
    need(a, p, "id", Kind::Id);
    need(a, p, "username", Kind::Str);
    need(a, p, "acct", Kind::Str);
    need(a, p, "url", Kind::Url);
    need(a, p, "uri", Kind::Url);
    need(a, p, "display_name", Kind::Str);
    need(a, p, "note", Kind::Str);
    for image in ["avatar", "avatar_static", "header", "header_static"] {
        need(a, p, image, Kind::Url);
    }
    for flag in ["locked", "bot", "group", "indexable"] {
        need(a, p, flag, Kind::Bool);
    }
    nullable(a, p, "discoverable", Kind::Bool);
    need(a, p, "created_at", Kind::DateTime);
    nullable(a, p, "last_status_at", Kind::Date);
    for count in ["statuses_count", "followers_count", "following_count"] {
        need(a, p, count, Kind::Int);
    }
    need(a, p, "emojis", Kind::Array);
    need(a, p, "fields", Kind::Array);
    for (i, f) in a["fields"].as_array().into_iter().flatten().enumerate() {
        let fp = format!("{p}.fields[{i}]");
        need(f, &fp, "name", Kind::Str);
        need(f, &fp, "value", Kind::Str);
        nullable(f, &fp, "verified_at", Kind::DateTime);
    }
    optional(a, p, "noindex", Kind::Bool);
    optional(a, p, "moved", Kind::Object);
    optional(a, p, "suspended", Kind::Bool);
    optional(a, p, "limited", Kind::Bool);
    optional(a, p, "roles", Kind::Array);
    optional(a, p, "hide_collections", Kind::Bool);
    let acct = a["acct"].as_str().unwrap_or_default();
    let username = a["username"].as_str().unwrap_or_default();
    assert!(
        acct == username || acct.starts_with(&format!("{username}@")),
        "acct {acct} does not match username {username}"
    );
}

/// `verify_credentials`' CredentialAccount: an Account plus `source` and `role`.
pub fn assert_credential_account_shape(a: &Value) {
    assert_account_shape(a);
    let p = "credential_account";
    need(a, p, "source", Kind::Object);
    let s = &a["source"];
    let sp = "credential_account.source";
    need(s, sp, "privacy", Kind::Str);
    assert!(
        matches!(
            s["privacy"].as_str(),
            Some("public" | "unlisted" | "private" | "direct")
        ),
        "bad source.privacy {}",
        s["privacy"]
    );
    need(s, sp, "sensitive", Kind::Bool);
    nullable(s, sp, "language", Kind::Str);
    need(s, sp, "note", Kind::Str);
    need(s, sp, "fields", Kind::Array);
    for (i, f) in s["fields"].as_array().into_iter().flatten().enumerate() {
        let fp = format!("{sp}.fields[{i}]");
        need(f, &fp, "name", Kind::Str);
        need(f, &fp, "value", Kind::Str);
    }
    need(s, sp, "follow_requests_count", Kind::Int);
    need(a, p, "role", Kind::Object);
    let r = &a["role"];
    let rp = "credential_account.role";
    need(r, rp, "id", Kind::Str);
    need(r, rp, "name", Kind::Str);
    need(r, rp, "permissions", Kind::Str);
    need(r, rp, "color", Kind::Str);
    need(r, rp, "highlighted", Kind::Bool);
}

/// Mastodon's Relationship.
pub fn assert_relationship_shape(r: &Value) {
    let p = "relationship";
    assert!(r.is_object(), "{p} is not an object: {r}");
    need(r, p, "id", Kind::Id);
    for flag in [
        "following",
        "showing_reblogs",
        "notifying",
        "followed_by",
        "blocking",
        "blocked_by",
        "muting",
        "muting_notifications",
        "requested",
        "requested_by",
        "domain_blocking",
        "endorsed",
    ] {
        need(r, p, flag, Kind::Bool);
    }
    nullable(r, p, "languages", Kind::Array);
    nullable(r, p, "muting_expires_at", Kind::DateTime);
    need(r, p, "note", Kind::Str);
}

/// Mastodon's MediaAttachment.
pub fn assert_media_shape(m: &Value) {
    let p = "media_attachment";
    need(m, p, "id", Kind::Id);
    need(m, p, "type", Kind::Str);
    assert!(
        matches!(
            m["type"].as_str(),
            Some("image" | "gifv" | "video" | "audio" | "unknown")
        ),
        "bad media type {}",
        m["type"]
    );
    nullable(m, p, "url", Kind::Url);
    nullable(m, p, "preview_url", Kind::Url);
    nullable(m, p, "remote_url", Kind::Url);
    nullable(m, p, "meta", Kind::Object);
    nullable(m, p, "description", Kind::Str);
    nullable(m, p, "blurhash", Kind::Str);
}

/// Mastodon's Status (a boost's wrapper included: its `reblog` is checked too).
pub fn assert_status_shape(s: &Value) {
    let p = "status";
    assert!(s.is_object(), "{p} is not an object: {s}");
    need(s, p, "id", Kind::Id);
    need(s, p, "uri", Kind::Url);
    nullable(s, p, "url", Kind::Url);
    need(s, p, "created_at", Kind::DateTime);
    nullable(s, p, "edited_at", Kind::DateTime);
    need(s, p, "account", Kind::Object);
    assert_account_shape(&s["account"]);
    need(s, p, "content", Kind::Str);
    need(s, p, "visibility", Kind::Str);
    assert!(
        matches!(
            s["visibility"].as_str(),
            Some("public" | "unlisted" | "private" | "direct")
        ),
        "bad visibility {}",
        s["visibility"]
    );
    need(s, p, "sensitive", Kind::Bool);
    need(s, p, "spoiler_text", Kind::Str);
    need(s, p, "media_attachments", Kind::Array);
    for m in s["media_attachments"].as_array().into_iter().flatten() {
        assert_media_shape(m);
    }
    need(s, p, "mentions", Kind::Array);
    for (i, m) in s["mentions"].as_array().into_iter().flatten().enumerate() {
        let mp = format!("{p}.mentions[{i}]");
        need(m, &mp, "id", Kind::Id);
        need(m, &mp, "username", Kind::Str);
        need(m, &mp, "url", Kind::Url);
        need(m, &mp, "acct", Kind::Str);
    }
    need(s, p, "tags", Kind::Array);
    for (i, t) in s["tags"].as_array().into_iter().flatten().enumerate() {
        let tp = format!("{p}.tags[{i}]");
        need(t, &tp, "name", Kind::Str);
        need(t, &tp, "url", Kind::Url);
    }
    need(s, p, "emojis", Kind::Array);
    for count in ["reblogs_count", "favourites_count", "replies_count"] {
        need(s, p, count, Kind::Int);
    }
    nullable(s, p, "in_reply_to_id", Kind::Id);
    nullable(s, p, "in_reply_to_account_id", Kind::Id);
    nullable(s, p, "reblog", Kind::Object);
    nullable(s, p, "poll", Kind::Object);
    nullable(s, p, "card", Kind::Object);
    nullable(s, p, "language", Kind::Str);
    nullable(s, p, "text", Kind::Str);
    optional(s, p, "application", Kind::Object);
    for flag in ["favourited", "reblogged", "muted", "bookmarked", "pinned"] {
        optional(s, p, flag, Kind::Bool);
    }
    optional(s, p, "filtered", Kind::Array);
    if let Some(inner) = s.get("reblog").filter(|r| !r.is_null()) {
        assert_status_shape(inner);
    }
}
