//! An account's statuses (by visibility to the viewer, pinned ones, filters) and its followers
//! and following lists (empty to others when it hides them).
use super::{ACCOUNTS_DEFAULT, ACCOUNTS_MAX, STATUSES_DEFAULT, STATUSES_MAX, account_page, target};
use crate::{
    AppState,
    api::{
        auth::MaybeAuth,
        form::{ApiQuery, de},
        mastodon::entities::status,
        pagination::{PageParams, id_range, paged},
    },
    db,
    error::AppResult,
};
use activitypub_federation::config::Data;
use axum::{extract::Path, http::Uri, response::Response};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
pub(super) struct StatusesParams {
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
pub(super) async fn statuses(
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
pub(super) async fn followers(
    data: Data<AppState>,
    auth: MaybeAuth,
    Path(id): Path<String>,
    uri: Uri,
    ApiQuery(page): ApiQuery<PageParams>,
) -> AppResult<Response> {
    follow_list(data, auth, id, uri, page, db::follows::Listing::Followers).await
}

/// `GET /api/v1/accounts/:id/following`, paged over follow ids.
pub(super) async fn following(
    data: Data<AppState>,
    auth: MaybeAuth,
    Path(id): Path<String>,
    uri: Uri,
    ApiQuery(page): ApiQuery<PageParams>,
) -> AppResult<Response> {
    follow_list(data, auth, id, uri, page, db::follows::Listing::Following).await
}
