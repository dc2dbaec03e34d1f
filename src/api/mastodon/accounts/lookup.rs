//! Finding accounts: `lookup` by handle, `search` (WebFinger with `resolve`), and for a list of
//! ids the viewer's `relationships` and `familiar_followers`.
use super::{ACCOUNTS_DEFAULT, ACCOUNTS_MAX};
use crate::{
    AppState,
    api::{
        auth::Auth,
        form::{ApiQuery, de},
        mastodon::entities::{
            account::{self, Account},
            relationship::{self, Relationship},
        },
    },
    db::{self, entity::actor},
    error::{AppError, AppResult},
    service,
};
use activitypub_federation::config::Data;
use axum::Json;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Debug, Deserialize)]
pub(super) struct LookupParams {
    #[serde(default, deserialize_with = "de::opt_string")]
    acct: Option<String>,
}

/// `GET /api/v1/accounts/lookup?acct=`: a local `user` or `user@ourdomain`, or a known remote
/// `user@host` (no network lookup, as Mastodon).
pub(super) async fn lookup(
    data: Data<AppState>,
    ApiQuery(params): ApiQuery<LookupParams>,
) -> AppResult<Json<Account>> {
    let acct = params.acct.unwrap_or_default();
    let acct = acct.trim().trim_start_matches('@');
    let not_found = || AppError::not_found("Record not found");
    let actor = match acct.split_once('@') {
        None => db::actors::find_local(&data.db.read, acct).await?,
        Some((user, host)) if host.eq_ignore_ascii_case(&data.config.instance.domain) => {
            db::actors::find_local(&data.db.read, user).await?
        }
        Some((user, host)) => db::actors::find_by_handle(&data.db.read, user, host).await?,
    }
    .filter(|a| a.deleted_at.is_none())
    .ok_or_else(not_found)?;
    Ok(Json(account::account(&data, &actor).await?))
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct IdsParams {
    #[serde(default, deserialize_with = "de::vec_i64")]
    id: Vec<i64>,
}

/// The ids among `ids` of live known accounts, in order, without repeats.
async fn known_ids(data: &Data<AppState>, ids: &[i64]) -> AppResult<Vec<i64>> {
    let known = db::views::actors_by_ids(&data.db.read, ids).await?;
    let mut seen = std::collections::HashSet::new();
    Ok(ids
        .iter()
        .copied()
        .filter(|id| known.get(id).is_some_and(|a| a.deleted_at.is_none()))
        .filter(|id| seen.insert(*id))
        .collect())
}

/// `GET /api/v1/accounts/relationships?id[]=`: one per known id, in the request's order.
pub(super) async fn relationships(
    data: Data<AppState>,
    auth: Auth,
    ApiQuery(params): ApiQuery<IdsParams>,
) -> AppResult<Json<Vec<Relationship>>> {
    auth.require("read:follows")?;
    let ids = known_ids(&data, &params.id).await?;
    Ok(Json(
        relationship::relationships(&data, auth.actor.id, &ids).await?,
    ))
}

/// One entry of `familiar_followers`.
#[derive(Debug, Serialize)]
pub(super) struct FamiliarFollowers {
    id: String,
    accounts: Vec<Account>,
}

/// `GET /api/v1/accounts/familiar_followers?id[]=`: for each account, the accounts the viewer
/// follows that follow it.
pub(super) async fn familiar_followers(
    data: Data<AppState>,
    auth: Auth,
    ApiQuery(params): ApiQuery<IdsParams>,
) -> AppResult<Json<Vec<FamiliarFollowers>>> {
    auth.require("read:follows")?;
    let ids = known_ids(&data, &params.id).await?;
    let pairs = db::follows::familiar_followers(&data.db.read, auth.actor.id, &ids).await?;
    let follower_ids: Vec<i64> = pairs.iter().map(|(_, f)| *f).collect();
    let actors: HashMap<i64, actor::Model> = db::views::actors_by_ids(&data.db.read, &follower_ids)
        .await?
        .into_iter()
        .filter(|(_, a)| a.deleted_at.is_none())
        .collect();
    let accounts = account::accounts_by_id(&data, &actors).await?;
    let mut by_target: HashMap<i64, Vec<Account>> = HashMap::new();
    for (target, follower) in pairs {
        if let Some(acc) = accounts.get(&follower) {
            by_target.entry(target).or_default().push(acc.clone());
        }
    }
    Ok(Json(
        ids.into_iter()
            .map(|id| FamiliarFollowers {
                id: id.to_string(),
                accounts: by_target.remove(&id).unwrap_or_default(),
            })
            .collect(),
    ))
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct SearchParams {
    #[serde(default, deserialize_with = "de::opt_string")]
    q: Option<String>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    resolve: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    limit: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    offset: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    following: Option<bool>,
}

/// `GET /api/v1/accounts/search?q=&resolve=&limit=&offset=&following=`: prefix match on
/// username and display name among known accounts; `resolve=true` with `user@host` looks the
/// account up over WebFinger first.
pub(super) async fn search(
    data: Data<AppState>,
    auth: Auth,
    ApiQuery(params): ApiQuery<SearchParams>,
) -> AppResult<Json<Vec<Account>>> {
    auth.require("read:accounts")?;
    let q = params.q.unwrap_or_default();
    let q = q.trim().trim_start_matches('@');
    if q.is_empty() {
        return Ok(Json(Vec::new()));
    }
    let limit = match params.limit {
        Some(n) if n > 0 => (n as u64).min(ACCOUNTS_MAX),
        _ => ACCOUNTS_DEFAULT,
    };
    let offset = params.offset.unwrap_or(0).max(0) as u64;
    let following = params.following.unwrap_or(false).then_some(auth.actor.id);
    let (user, host) = match q.split_once('@') {
        Some((user, host)) => (user, Some(host)),
        None => (q, None),
    };
    let mut found: Vec<actor::Model> = Vec::new();
    if params.resolve.unwrap_or(false)
        && offset == 0
        && let Some(host) = host.filter(|h| !h.is_empty() && !user.is_empty())
        && let Ok(actor) = service::accounts::resolve_handle(&data, &format!("{user}@{host}")).await
        && actor.kind != "Application"
        && (following.is_none()
            || db::follows::find(&data.db.read, auth.actor.id, actor.id)
                .await?
                .is_some_and(|f| f.accepted))
    {
        found.push(actor);
    }
    let domain = host.map(|h| {
        if h.eq_ignore_ascii_case(&data.config.instance.domain) {
            data.config.instance.domain.clone()
        } else {
            h.to_string()
        }
    });
    let matches = db::actors::search(
        &data.db.read,
        user,
        domain.as_deref(),
        following,
        limit,
        offset,
    )
    .await?;
    for actor in matches {
        if found.len() as u64 >= limit {
            break;
        }
        if !found.iter().any(|f| f.id == actor.id) {
            found.push(actor);
        }
    }
    Ok(Json(account::accounts(&data, &found).await?))
}
