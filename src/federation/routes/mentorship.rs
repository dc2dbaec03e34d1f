//! Mentorship objects at their ids: a local offer's `Proposal` (its page for browsers), and a
//! request or mentorship, readable by the two parties only.
use super::{as2, signed_fetcher, to_value, wants_as2};
use crate::{
    AppState, db,
    error::{AppError, AppResult},
    federation::inbox,
    web,
};
use activitypub_federation::config::Data;
use axum::{
    extract::{OriginalUri, Path},
    http::HeaderMap,
    response::Response,
};
use serde_json::Value;

/// A local mentorship offer: its `Proposal` for ActivityPub clients, its page for browsers
/// (who also get the page of a remote offer this node knows, by its local id).
pub(super) async fn get_offer(
    data: Data<AppState>,
    Path(id): Path<i64>,
    uri: OriginalUri,
    headers: HeaderMap,
) -> AppResult<Response> {
    let offer = db::mentorship::get_offer(&data.db.read, id).await?;
    let author = db::actors::get_by_id(&data.db.read, offer.author_id).await?;
    // Browsers get the page of any offer this node knows (a remote one's request form is here).
    if !wants_as2(&headers) {
        return web::mentorship::offer_page(&data, &headers, &author, &offer).await;
    }
    if !offer.local {
        return Err(AppError::not_found("offer not found"));
    }
    signed_fetcher(&data, &uri, &headers).await?;
    let proposal =
        crate::federation::objects::proposal::proposal_for_offer(&data, &author, &offer)?;
    Ok(as2(to_value(proposal)?))
}

/// Who may read a private mentorship object: a signed GET (whatever the authorized-fetch mode)
/// by one of the two parties, or by another actor of a remote party's server (peers fetch with
/// their instance actor). Anyone else gets 404, as if it did not exist.
async fn party_fetch(
    data: &Data<AppState>,
    uri: &OriginalUri,
    headers: &HeaderMap,
    parties: [i64; 2],
) -> AppResult<()> {
    let hidden = || AppError::not_found("not found");
    let path = uri.0.path_and_query().map_or("/", |p| p.as_str());
    let fetcher = inbox::verify_signed_get(data, path, headers)
        .await
        .map_err(|_| hidden())?;
    for id in parties {
        let party = db::actors::get_by_id(&data.db.read, id).await?;
        let same_server = !party.local && party.domain.eq_ignore_ascii_case(&fetcher.domain);
        if party.id == fetcher.id || same_server {
            return Ok(());
        }
    }
    Err(hidden())
}

/// A local mentee's request (its `Offer(Agreement)` activity), for the two parties only.
pub(super) async fn get_mentorship_request(
    data: Data<AppState>,
    Path(id): Path<i64>,
    uri: OriginalUri,
    headers: HeaderMap,
) -> AppResult<Response> {
    let req = db::mentorship::get_request(&data.db.read, id).await?;
    if req.ap_id != data.urls.mentorship_request(id) {
        return Err(AppError::not_found("request not found"));
    }
    party_fetch(&data, &uri, &headers, [req.mentee_id, req.mentor_id]).await?;
    let activity = db::deliveries::activities(&data.db.read, &[id])
        .await?
        .remove(&id)
        .ok_or_else(|| AppError::not_found("request not found"))?;
    let value: Value = serde_json::from_str(&activity.body)
        .map_err(|e| anyhow::anyhow!("stored activity: {e}"))?;
    Ok(as2(value))
}

/// A mentorship this node minted (its `Agreement`), for the two parties only.
pub(super) async fn get_mentorship(
    data: Data<AppState>,
    Path(id): Path<i64>,
    uri: OriginalUri,
    headers: HeaderMap,
) -> AppResult<Response> {
    let mentorship = db::mentorship::get_agreement(&data.db.read, id).await?;
    if mentorship.ap_id != data.urls.mentorship(id) {
        return Err(AppError::not_found("mentorship not found"));
    }
    party_fetch(
        &data,
        &uri,
        &headers,
        [mentorship.mentee_id, mentorship.mentor_id],
    )
    .await?;
    let offer = db::mentorship::get_offer(&data.db.read, mentorship.offer_id).await?;
    let parse = |s: &str| {
        url::Url::parse(s).map_err(|e| AppError::from(anyhow::anyhow!("stored URL {s}: {e}")))
    };
    let agreement = crate::federation::objects::agreement::Agreement::for_offer(
        &parse(&offer.ap_id)?,
        Some(parse(&mentorship.ap_id)?),
    );
    Ok(as2(to_value(agreement)?))
}
