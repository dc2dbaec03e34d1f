//! `/api/v1/accounts/…`: the signed-in account (verify and update credentials), profiles,
//! their statuses and follow lists, lookup and search, relationships, and the actions on an
//! account (follow, block, mute and the P2 extras that answer with the right shape).
use crate::{
    AppState,
    api::{
        auth::{Auth, MaybeAuth},
        form::{ApiForm, ApiQuery, de},
        mastodon::entities::{
            account::{self, Account},
            relationship::{self, Relationship},
            status,
        },
        pagination::{PageParams, id_range, paged},
        parse_id,
    },
    db::{self, entity::actor},
    error::{AppError, AppResult},
    service::{self, accounts::ProfileUpdate, follows::FollowOptions},
};
use activitypub_federation::config::Data;
use axum::{
    Json, Router,
    extract::Path,
    http::Uri,
    response::Response,
    routing::{get, patch, post},
};
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::HashMap;

/// The account routes.
pub fn routes() -> Router {
    Router::new()
        .route(
            "/api/v1/accounts/verify_credentials",
            get(verify_credentials),
        )
        .route(
            "/api/v1/accounts/update_credentials",
            patch(update_credentials).put(update_credentials),
        )
        .route("/api/v1/accounts/lookup", get(lookup))
        .route("/api/v1/accounts/relationships", get(relationships))
        .route("/api/v1/accounts/search", get(search))
        .route(
            "/api/v1/accounts/familiar_followers",
            get(familiar_followers),
        )
        .route("/api/v1/accounts/{id}", get(show))
        .route("/api/v1/accounts/{id}/statuses", get(statuses))
        .route("/api/v1/accounts/{id}/followers", get(followers))
        .route("/api/v1/accounts/{id}/following", get(following))
        .route("/api/v1/accounts/{id}/follow", post(follow))
        .route("/api/v1/accounts/{id}/unfollow", post(unfollow))
        .route(
            "/api/v1/accounts/{id}/remove_from_followers",
            post(remove_from_followers),
        )
        .route("/api/v1/accounts/{id}/block", post(block))
        .route("/api/v1/accounts/{id}/unblock", post(unblock))
        .route("/api/v1/accounts/{id}/mute", post(mute))
        .route("/api/v1/accounts/{id}/unmute", post(unmute))
        .route("/api/v1/accounts/{id}/lists", get(empty_list))
        .route("/api/v1/accounts/{id}/featured_tags", get(empty_list))
        .route("/api/v1/accounts/{id}/identity_proofs", get(empty_list))
}

/// Accounts per page of a list (Mastodon: 40 by default, at most 80).
const ACCOUNTS_DEFAULT: u64 = 40;
const ACCOUNTS_MAX: u64 = 80;
/// Statuses per page (20 by default, at most 40).
const STATUSES_DEFAULT: u64 = 20;
const STATUSES_MAX: u64 = 40;

/// A live account by its path id, or 404.
pub async fn target(data: &Data<AppState>, raw_id: &str) -> AppResult<actor::Model> {
    let id = parse_id(raw_id)?;
    db::actors::get_by_id(&data.db.read, id)
        .await
        .ok()
        .filter(|a| a.deleted_at.is_none())
        .ok_or_else(|| AppError::not_found("Record not found"))
}

/// A page of `(row id, account)` pairs as a JSON list with its Link header.
pub async fn account_page(
    data: &Data<AppState>,
    uri: &Uri,
    rows: Vec<(i64, actor::Model)>,
) -> AppResult<Response> {
    let range = id_range(&rows, |(id, _)| *id);
    let actors: Vec<actor::Model> = rows.into_iter().map(|(_, a)| a).collect();
    let accounts = account::accounts(data, &actors).await?;
    paged(data.urls.base(), uri, accounts, range)
}

/// `GET /api/v1/accounts/verify_credentials`: the signed-in account with `source` and `role`.
async fn verify_credentials(
    data: Data<AppState>,
    auth: Auth,
) -> AppResult<Json<account::CredentialAccount>> {
    auth.require("profile")?;
    Ok(Json(
        account::credential_account(&data, &auth.user, &auth.actor).await?,
    ))
}

/// `Option<T>` from a field that may be absent: present (even empty) is `Some`.
fn some_list<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
    de::vec_string(d).map(Some)
}

fn some_fields<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<FieldParam>>, D::Error> {
    de::vec_of(d).map(Some)
}

/// One `fields_attributes[i]`.
#[derive(Debug, Deserialize)]
struct FieldParam {
    #[serde(default, deserialize_with = "de::opt_string")]
    name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    value: Option<String>,
}

/// `source[…]`: posting defaults.
#[derive(Debug, Default, Deserialize)]
struct SourceParams {
    #[serde(default, deserialize_with = "de::opt_string")]
    privacy: Option<String>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    sensitive: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_string")]
    language: Option<String>,
}

/// `pln[…]`: the PLN facets (each optional; what is absent is kept).
#[derive(Debug, Default, Deserialize)]
struct PlnParams {
    #[serde(default, deserialize_with = "de::opt_string")]
    stage: Option<String>,
    #[serde(default, deserialize_with = "some_list")]
    subjects: Option<Vec<String>>,
    #[serde(default, deserialize_with = "some_list")]
    levels: Option<Vec<String>>,
    #[serde(default, deserialize_with = "some_list")]
    languages: Option<Vec<String>>,
    #[serde(default, deserialize_with = "de::opt_string")]
    region: Option<String>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    open_to_mentor: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    seeking_mentor: Option<bool>,
}

/// `update_credentials` parameters (avatar and header come as files).
#[derive(Debug, Default, Deserialize)]
struct CredentialsParams {
    #[serde(default, deserialize_with = "de::opt_string")]
    display_name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    note: Option<String>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    locked: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    bot: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    discoverable: Option<bool>,
    /// Mastodon 4.1: hide the followers and following lists from others.
    #[serde(default, deserialize_with = "de::opt_bool")]
    hide_collections: Option<bool>,
    #[serde(default, deserialize_with = "some_fields")]
    fields_attributes: Option<Vec<FieldParam>>,
    #[serde(default)]
    source: Option<SourceParams>,
    #[serde(default)]
    pln: Option<PlnParams>,
}

/// `PATCH /api/v1/accounts/update_credentials` (multipart, form with brackets or JSON).
async fn update_credentials(
    data: Data<AppState>,
    auth: Auth,
    form: ApiForm<CredentialsParams>,
) -> AppResult<Json<account::CredentialAccount>> {
    auth.require("write:accounts")?;
    let file = |field: &str| form.file(field).map(|f| f.bytes.to_vec());
    let (avatar, header) = (file("avatar"), file("header"));
    let p = form.params;
    let source = p.source.unwrap_or_default();
    // Facets are checked against the PLN vocabulary by the service: unknown codes answer 422
    // naming the field and the allowed values, and nothing changes.
    let facets = p.pln.map(|pln| {
        service::profiles::FacetsPatch {
            stage: pln.stage,
            subjects: pln.subjects,
            levels: pln.levels,
            languages: pln.languages,
            region: pln.region,
            open_to_mentor: pln.open_to_mentor,
            seeking_mentor: pln.seeking_mentor,
        }
        .merge(&service::profiles::facets_of(&auth.actor))
    });
    let update = ProfileUpdate {
        display_name: p.display_name,
        note: p.note,
        avatar,
        header,
        locked: p.locked,
        bot: p.bot,
        discoverable: p.discoverable,
        fields: p.fields_attributes.map(|fields| {
            fields
                .into_iter()
                .map(|f| (f.name.unwrap_or_default(), f.value.unwrap_or_default()))
                .collect()
        }),
        privacy: source.privacy,
        sensitive: source.sensitive,
        language: source.language,
        facets,
        hide_collections: p.hide_collections,
        hide_counts: None,
    };
    let (user, actor) =
        service::accounts::update_profile(&data, &auth.user, &auth.actor, update).await?;
    Ok(Json(
        account::credential_account(&data, &user, &actor).await?,
    ))
}

/// `GET /api/v1/accounts/:id`.
async fn show(data: Data<AppState>, Path(id): Path<String>) -> AppResult<Json<Account>> {
    let actor = target(&data, &id).await?;
    Ok(Json(account::account(&data, &actor).await?))
}

#[derive(Debug, Deserialize)]
struct LookupParams {
    #[serde(default, deserialize_with = "de::opt_string")]
    acct: Option<String>,
}

/// `GET /api/v1/accounts/lookup?acct=`: a local `user` or `user@ourdomain`, or a known remote
/// `user@host` (no network lookup, as Mastodon).
async fn lookup(
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
struct IdsParams {
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
async fn relationships(
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
struct FamiliarFollowers {
    id: String,
    accounts: Vec<Account>,
}

/// `GET /api/v1/accounts/familiar_followers?id[]=`: for each account, the accounts the viewer
/// follows that follow it.
async fn familiar_followers(
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
struct SearchParams {
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
async fn search(
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

#[derive(Debug, Default, Deserialize)]
struct StatusesParams {
    #[serde(default, deserialize_with = "de::bool")]
    only_media: bool,
    #[serde(default, deserialize_with = "de::bool")]
    exclude_replies: bool,
    #[serde(default, deserialize_with = "de::bool")]
    exclude_reblogs: bool,
    #[serde(default, deserialize_with = "de::bool")]
    pinned: bool,
    #[serde(default, deserialize_with = "de::opt_string")]
    tagged: Option<String>,
}

/// `GET /api/v1/accounts/:id/statuses`: public and unlisted statuses, followers-only ones too
/// for followers and the author; never direct ones; nothing for accounts the author blocks.
async fn statuses(
    data: Data<AppState>,
    auth: MaybeAuth,
    Path(id): Path<String>,
    uri: Uri,
    ApiQuery(page): ApiQuery<PageParams>,
    ApiQuery(params): ApiQuery<StatusesParams>,
) -> AppResult<Response> {
    if let Some(auth) = &auth.0 {
        auth.require("read:statuses")?;
    }
    let author = target(&data, &id).await?;
    let viewer = auth.0.as_ref().map(|a| &a.actor);
    let empty = || paged(data.urls.base(), &uri, Vec::<status::Status>::new(), None);
    let visibilities = match viewer {
        None => vec!["public", "unlisted"],
        Some(v) if v.id == author.id => vec!["public", "unlisted", "private"],
        Some(v) => {
            if db::relationships::find_block(&data.db.read, author.id, v.id)
                .await?
                .is_some()
            {
                return empty();
            }
            let follows = db::follows::find(&data.db.read, v.id, author.id)
                .await?
                .is_some_and(|f| f.accepted);
            if follows {
                vec!["public", "unlisted", "private"]
            } else {
                vec!["public", "unlisted"]
            }
        }
    };
    // The pinned ones (a handful, most recently pinned first, one page without links).
    if params.pinned {
        // A remote account's pins are read from its server when stale (shown next time).
        crate::federation::featured::refresh_in_background(&data, &author).await?;
        let pinned: Vec<_> = db::posts::pins::pinned_posts(&data.db.read, author.id)
            .await?
            .into_iter()
            .filter(|p| visibilities.contains(&p.visibility.as_str()))
            .collect();
        let list = status::statuses(&data, viewer.map(|v| v.id), pinned).await?;
        return paged(data.urls.base(), &uri, list, None);
    }
    let filter = db::actors::StatusFilter {
        visibilities,
        only_media: params.only_media,
        exclude_replies: params.exclude_replies,
        exclude_reblogs: params.exclude_reblogs,
        tagged: params
            .tagged
            .map(|t| t.trim().trim_start_matches('#').to_lowercase())
            .filter(|t| !t.is_empty()),
    };
    let posts = db::actors::statuses_page(
        &data.db.read,
        author.id,
        &filter,
        page.cursor(STATUSES_DEFAULT, STATUSES_MAX),
    )
    .await?;
    let range = id_range(&posts, |p| p.id);
    let list = status::statuses(&data, viewer.map(|v| v.id), posts).await?;
    paged(data.urls.base(), &uri, list, range)
}

async fn follow_list(
    data: Data<AppState>,
    auth: MaybeAuth,
    id: String,
    uri: Uri,
    page: PageParams,
    listing: db::follows::Listing,
) -> AppResult<Response> {
    if let Some(auth) = &auth.0 {
        auth.require("read:accounts")?;
    }
    let actor = target(&data, &id).await?;
    // Mastodon: an account that hides its collections lists nobody to others (an empty page).
    let own = auth.0.as_ref().is_some_and(|a| a.actor.id == actor.id);
    if actor.hide_collections && !own {
        return account_page(&data, &uri, Vec::new()).await;
    }
    let rows = db::follows::list_page(
        &data.db.read,
        actor.id,
        listing,
        page.cursor(ACCOUNTS_DEFAULT, ACCOUNTS_MAX),
    )
    .await?;
    account_page(&data, &uri, rows).await
}

/// `GET /api/v1/accounts/:id/followers`, paged over follow ids.
async fn followers(
    data: Data<AppState>,
    auth: MaybeAuth,
    Path(id): Path<String>,
    uri: Uri,
    ApiQuery(page): ApiQuery<PageParams>,
) -> AppResult<Response> {
    follow_list(data, auth, id, uri, page, db::follows::Listing::Followers).await
}

/// `GET /api/v1/accounts/:id/following`, paged over follow ids.
async fn following(
    data: Data<AppState>,
    auth: MaybeAuth,
    Path(id): Path<String>,
    uri: Uri,
    ApiQuery(page): ApiQuery<PageParams>,
) -> AppResult<Response> {
    follow_list(data, auth, id, uri, page, db::follows::Listing::Following).await
}

#[derive(Debug, Default, Deserialize)]
struct FollowParams {
    #[serde(default, deserialize_with = "de::opt_bool")]
    reblogs: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    notify: Option<bool>,
    #[serde(default, deserialize_with = "some_list")]
    languages: Option<Vec<String>>,
}

/// The viewer's relationship with `target` as the response.
async fn relationship_with(
    data: &Data<AppState>,
    auth: &Auth,
    target: &actor::Model,
) -> AppResult<Json<Relationship>> {
    Ok(Json(
        relationship::relationship(data, auth.actor.id, target.id).await?,
    ))
}

/// `POST /api/v1/accounts/:id/follow` (`reblogs`, `notify`, `languages[]`): `requested` until
/// a remote account accepts or a locked one approves; following again updates the options.
async fn follow(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    form: ApiForm<FollowParams>,
) -> AppResult<Json<Relationship>> {
    auth.require("write:follows")?;
    let target = target(&data, &id).await?;
    let p = form.params;
    service::follows::follow_with_options(
        &data,
        &auth.actor,
        &target,
        FollowOptions {
            reblogs: p.reblogs,
            notify: p.notify,
            languages: p.languages,
        },
    )
    .await?;
    relationship_with(&data, &auth, &target).await
}

/// `POST /api/v1/accounts/:id/unfollow` (also withdraws a pending request).
async fn unfollow(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Relationship>> {
    auth.require("write:follows")?;
    let target = target(&data, &id).await?;
    service::follows::unfollow(&data, &auth.actor, &target).await?;
    relationship_with(&data, &auth, &target).await
}

/// `POST /api/v1/accounts/:id/remove_from_followers`: the account stops following us.
async fn remove_from_followers(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Relationship>> {
    auth.require("write:follows")?;
    let target = target(&data, &id).await?;
    service::follows::remove_follower(&data, &auth.actor, &target).await?;
    relationship_with(&data, &auth, &target).await
}

/// `POST /api/v1/accounts/:id/block`: ends follows both ways and federates a Block.
async fn block(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Relationship>> {
    auth.require("write:blocks")?;
    let target = target(&data, &id).await?;
    service::relationships::block(&data, &auth.actor, &target).await?;
    relationship_with(&data, &auth, &target).await
}

/// `POST /api/v1/accounts/:id/unblock`.
async fn unblock(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Relationship>> {
    auth.require("write:blocks")?;
    let target = target(&data, &id).await?;
    service::relationships::unblock(&data, &auth.actor, &target).await?;
    relationship_with(&data, &auth, &target).await
}

fn default_true() -> Option<bool> {
    Some(true)
}

#[derive(Debug, Deserialize)]
struct MuteParams {
    #[serde(default = "default_true", deserialize_with = "de::opt_bool")]
    notifications: Option<bool>,
    /// Seconds; 0 or absent: indefinitely.
    #[serde(default, deserialize_with = "de::opt_i64")]
    duration: Option<i64>,
}

/// `POST /api/v1/accounts/:id/mute` (`notifications`, default true; `duration` in seconds).
async fn mute(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    form: ApiForm<MuteParams>,
) -> AppResult<Json<Relationship>> {
    auth.require("write:mutes")?;
    let target = target(&data, &id).await?;
    service::relationships::mute(
        &data,
        &auth.actor,
        &target,
        form.params.notifications.unwrap_or(true),
        form.params.duration,
    )
    .await?;
    relationship_with(&data, &auth, &target).await
}

/// `POST /api/v1/accounts/:id/unmute`.
async fn unmute(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Relationship>> {
    auth.require("write:mutes")?;
    let target = target(&data, &id).await?;
    service::relationships::unmute(&data, &auth.actor, &target).await?;
    relationship_with(&data, &auth, &target).await
}

/// Lists Halqa does not have yet (an account's lists, featured tags, identity proofs).
async fn empty_list(
    data: Data<AppState>,
    Path(id): Path<String>,
) -> AppResult<Json<Vec<serde_json::Value>>> {
    target(&data, &id).await?;
    Ok(Json(Vec::new()))
}
