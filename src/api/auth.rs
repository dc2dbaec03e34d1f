//! Bearer-token authentication for the client API: the [`Auth`] extractor (a user token),
//! [`MaybeAuth`] (anonymous allowed), [`AppAuth`] (any token, including client-credentials), and
//! OAuth scope checks with Mastodon's rules (`read` covers `read:*`, legacy `follow` covers the
//! follow/block/mute scopes).
use crate::{
    AppState,
    db::{
        self,
        entity::{actor, local_user, oauth_token},
    },
    error::{AppError, AppResult},
    service::accounts::token_hash,
};
use activitypub_federation::config::Data;
use axum::{extract::FromRequestParts, http::request::Parts};

/// Every scope a client may request.
pub const KNOWN_SCOPES: &[&str] = &[
    "read",
    "write",
    "follow",
    "push",
    "profile",
    "read:accounts",
    "read:blocks",
    "read:bookmarks",
    "read:favourites",
    "read:filters",
    "read:follows",
    "read:lists",
    "read:mutes",
    "read:notifications",
    "read:search",
    "read:statuses",
    "write:accounts",
    "write:blocks",
    "write:bookmarks",
    "write:conversations",
    "write:favourites",
    "write:filters",
    "write:follows",
    "write:lists",
    "write:media",
    "write:mutes",
    "write:notifications",
    "write:reports",
    "write:statuses",
    "admin:read",
    "admin:write",
    "admin:read:accounts",
    "admin:read:reports",
    "admin:read:domain_allows",
    "admin:read:domain_blocks",
    "admin:write:accounts",
    "admin:write:reports",
    "admin:write:domain_allows",
    "admin:write:domain_blocks",
];

/// Whether a token granted `granted` (space-separated) may do what `needed` names.
pub fn scope_allows(granted: &str, needed: &str) -> bool {
    granted.split_whitespace().any(|g| {
        g == needed
            // `read` covers `read:statuses`; `admin:read` covers `admin:read:accounts`.
            || needed.strip_prefix(g).is_some_and(|rest| rest.starts_with(':'))
            // Mastodon's legacy `follow` scope.
            || (g == "follow"
                && matches!(
                    needed,
                    "read:follows" | "write:follows" | "read:blocks" | "write:blocks"
                        | "read:mutes" | "write:mutes"
                ))
            // `profile` is the narrow way to read verify_credentials.
            || (needed == "profile" && (g == "read" || g == "read:accounts"))
    })
}

/// Checks a requested scope string: every word known, at least one. Returns it normalised.
pub fn validate_scopes(requested: &str) -> AppResult<String> {
    let words: Vec<&str> = requested
        .split([' ', '+', ','])
        .filter(|s| !s.is_empty())
        .collect();
    if let Some(unknown) = words.iter().find(|w| !KNOWN_SCOPES.contains(w)) {
        return Err(AppError::Invalid(format!("unknown scope {unknown}")));
    }
    let mut unique: Vec<&str> = Vec::new();
    for w in words {
        if !unique.contains(&w) {
            unique.push(w);
        }
    }
    if unique.is_empty() {
        return Ok("read".into());
    }
    Ok(unique.join(" "))
}

/// A request made with a user's token.
#[derive(Debug, Clone)]
pub struct Auth {
    pub token: oauth_token::Model,
    pub user: local_user::Model,
    pub actor: actor::Model,
    /// The viewer's muted, blocked and blocking accounts as of this request, sorted (read with
    /// the token, so timelines need no query of their own).
    pub excluded: Vec<i64>,
    /// Whether the viewer has content filters at all (if not, pages skip loading them).
    pub has_filters: bool,
}

impl Auth {
    /// 403 unless the token carries `scope` (or a scope that covers it).
    pub fn require(&self, scope: &str) -> AppResult<()> {
        if scope_allows(&self.token.scopes, scope) {
            Ok(())
        } else {
            Err(AppError::Forbidden(
                "This action is outside the authorized scopes".into(),
            ))
        }
    }

    /// Whether the user may moderate (admin or moderator).
    pub fn is_staff(&self) -> bool {
        matches!(self.user.role.as_str(), "admin" | "moderator")
    }
}

/// The bearer token of a request: `Authorization: Bearer …`, or `access_token` in the query
/// (streaming and some old clients).
pub fn bearer_token(parts: &Parts) -> Option<String> {
    if let Some(value) = parts
        .headers
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        let mut words = value.split_whitespace();
        if words
            .next()
            .is_some_and(|scheme| scheme.eq_ignore_ascii_case("bearer"))
        {
            return words.next().map(str::to_string);
        }
    }
    parts.uri.query().and_then(|q| {
        form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "access_token")
            .map(|(_, v)| v.into_owned())
    })
}

/// A live token row by its raw value. Records `last_used_at` (see [`record_use`]).
pub async fn find_token(data: &Data<AppState>, raw: &str) -> AppResult<Option<oauth_token::Model>> {
    let token = db::users::find_token(&data.db.read, &token_hash(raw)).await?;
    if let Some(token) = &token {
        record_use(data, token).await;
    }
    Ok(token)
}

/// Records a token's `last_used_at`, at most once an hour per token, so requests don't each
/// cost a write on the (single SQLite) writer.
async fn record_use(data: &Data<AppState>, token: &oauth_token::Model) {
    let now = chrono::Utc::now();
    let stale = token
        .last_used_at
        .is_none_or(|last| now - last > chrono::Duration::hours(1));
    if stale && let Err(e) = db::oauth::touch_token(&data.db.write, token.id, now).await {
        tracing::warn!(error = %e, "recording token use");
    }
}

/// The user and actor a token acts for, in one query; `None` if the token is not a live user
/// token or its actor is deleted; 403 when the account is pending approval, rejected or
/// disabled.
pub async fn authenticate(data: &Data<AppState>, raw: &str) -> AppResult<Option<Auth>> {
    let Some(found) = db::credentials::user_token(&data.db.read, &token_hash(raw)).await? else {
        return Ok(None);
    };
    // A pending, rejected or disabled account hears why (Mastodon's 403 messages).
    if let Some(refusal) = crate::service::registrations::login_refusal(&found.user) {
        return Err(AppError::Forbidden(refusal.into()));
    }
    if found.actor.deleted_at.is_some() {
        return Ok(None);
    }
    record_use(data, &found.token).await;
    Ok(Some(Auth {
        token: found.token,
        user: found.user,
        actor: found.actor,
        excluded: found.excluded,
        has_filters: found.has_filters,
    }))
}

fn invalid_token() -> AppError {
    AppError::Unauthorized("The access token is invalid".into())
}

impl<S: Send + Sync> FromRequestParts<S> for Auth {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> AppResult<Self> {
        let data = Data::<AppState>::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::Internal(anyhow::anyhow!("federation data missing")))?;
        let raw = bearer_token(parts)
            .ok_or_else(|| AppError::Unauthorized("The access token is missing".into()))?;
        authenticate(&data, &raw).await?.ok_or_else(invalid_token)
    }
}

/// A request that may be anonymous; a token that is present must be valid.
#[derive(Debug, Clone)]
pub struct MaybeAuth(pub Option<Auth>);

impl MaybeAuth {
    /// The viewer's actor id, if signed in.
    pub fn actor_id(&self) -> Option<i64> {
        self.0.as_ref().map(|a| a.actor.id)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for MaybeAuth {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> AppResult<Self> {
        if bearer_token(parts).is_none() {
            return Ok(MaybeAuth(None));
        }
        Auth::from_request_parts(parts, state)
            .await
            .map(|a| MaybeAuth(Some(a)))
    }
}

/// Any live token, including an app's client-credentials token.
#[derive(Debug, Clone)]
pub struct AppAuth {
    pub token: oauth_token::Model,
}

impl<S: Send + Sync> FromRequestParts<S> for AppAuth {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> AppResult<Self> {
        let data = Data::<AppState>::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::Internal(anyhow::anyhow!("federation data missing")))?;
        let raw = bearer_token(parts)
            .ok_or_else(|| AppError::Unauthorized("The access token is missing".into()))?;
        let token = find_token(&data, &raw).await?.ok_or_else(invalid_token)?;
        Ok(AppAuth { token })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broad_scopes_cover_granular_ones() {
        assert!(scope_allows("read write", "read:statuses"));
        assert!(scope_allows("read write", "write:media"));
        assert!(!scope_allows("read", "write:statuses"));
        assert!(scope_allows("read:statuses", "read:statuses"));
        assert!(!scope_allows("read:statuses", "read:accounts"));
        assert!(!scope_allows("read", "reading"));
        assert!(scope_allows("follow", "write:follows"));
        assert!(scope_allows("follow", "read:blocks"));
        assert!(!scope_allows("follow", "write:statuses"));
        assert!(scope_allows("admin:read", "admin:read:accounts"));
        assert!(!scope_allows("admin:read", "admin:write:accounts"));
        assert!(scope_allows("read", "profile"));
        assert!(!scope_allows("write", "profile"));
    }

    #[test]
    fn scope_strings_are_checked_and_normalised() {
        assert_eq!(
            validate_scopes("read write follow").unwrap(),
            "read write follow"
        );
        assert_eq!(validate_scopes("read+write read").unwrap(), "read write");
        assert_eq!(validate_scopes("").unwrap(), "read");
        assert!(validate_scopes("read destroy").is_err());
    }
}
