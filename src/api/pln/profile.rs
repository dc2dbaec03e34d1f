//! `GET`/`PATCH /api/v1/pln/profile`: the PLN-native way to read and set the signed-in user's
//! profile facets (JSON, form with brackets or multipart). Both answer the same `pln` object as
//! the Mastodon Account entity; invalid values answer 422 naming the field and the allowed
//! values, and change nothing.
use crate::{
    AppState,
    api::{
        auth::Auth,
        form::{ApiForm, de},
        mastodon::entities::account::PlnFacets,
    },
    error::AppResult,
    service::profiles::{self, FacetsPatch},
};
use activitypub_federation::config::Data;
use axum::{Json, Router, routing::get};
use serde::{Deserialize, Deserializer};

/// The profile routes.
pub fn routes() -> Router {
    Router::new().route(
        "/api/v1/pln/profile",
        get(show_profile).patch(update_profile).put(update_profile),
    )
}

/// A list that may be absent: present (even empty) is `Some`.
fn some_list<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
    de::vec_string(d).map(Some)
}

/// The facets to change; what is absent is kept, an empty `stage` or `region` clears it.
#[derive(Debug, Default, Deserialize)]
struct ProfileParams {
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

/// `GET /api/v1/pln/profile` (scope `read:accounts`).
async fn show_profile(auth: Auth) -> AppResult<Json<PlnFacets>> {
    auth.require("read:accounts")?;
    Ok(Json(PlnFacets::of(&auth.actor)))
}

/// `PATCH /api/v1/pln/profile` (scope `write:accounts`): followers' servers get the new
/// profile (Update).
async fn update_profile(
    data: Data<AppState>,
    auth: Auth,
    form: ApiForm<ProfileParams>,
) -> AppResult<Json<PlnFacets>> {
    auth.require("write:accounts")?;
    let p = form.params;
    let patch = FacetsPatch {
        stage: p.stage,
        subjects: p.subjects,
        levels: p.levels,
        languages: p.languages,
        region: p.region,
        open_to_mentor: p.open_to_mentor,
        seeking_mentor: p.seeking_mentor,
    };
    let actor = profiles::update_facets(&data, &auth.actor, patch).await?;
    Ok(Json(PlnFacets::of(&actor)))
}
