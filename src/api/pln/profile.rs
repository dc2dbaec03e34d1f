//! `GET`/`PATCH /api/v1/pln/profile`: the PLN-native way to read and set the signed-in user's
//! profile facets and default resource licence (JSON, form with brackets or multipart). Both
//! answer the same `pln` object as the Mastodon Account entity, plus `default_license` once
//! set; invalid values answer 422 naming the field and the allowed values, and change nothing.
use crate::{
    AppState,
    api::{
        auth::Auth,
        form::{ApiForm, de},
        mastodon::entities::account::PlnFacets,
        pln::resources::entities::LicenseView,
    },
    db::entity::actor,
    error::AppResult,
    service::{
        profiles::{self, FacetsPatch},
        resources,
    },
};
use activitypub_federation::config::Data;
use axum::{Json, Router, routing::get};
use serde::{Deserialize, Deserializer, Serialize};

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
    /// Licence id new resources get when none is chosen; empty clears it.
    #[serde(default, deserialize_with = "de::opt_string")]
    default_license: Option<String>,
}

/// The profile: the facets and the signed-in user's resource defaults.
#[derive(Debug, Serialize)]
struct Profile {
    #[serde(flatten)]
    facets: PlnFacets,
    /// Absent until set, so the body stays the account's `pln` object for everyone else.
    #[serde(skip_serializing_if = "Option::is_none")]
    default_license: Option<LicenseView>,
}

async fn profile_of(data: &Data<AppState>, actor: &actor::Model) -> AppResult<Profile> {
    Ok(Profile {
        facets: PlnFacets::of(actor),
        default_license: resources::default_license(data, actor)
            .await?
            .map(LicenseView::of),
    })
}

/// `GET /api/v1/pln/profile` (scope `read:accounts`).
async fn show_profile(data: Data<AppState>, auth: Auth) -> AppResult<Json<Profile>> {
    auth.require("read:accounts")?;
    Ok(Json(profile_of(&data, &auth.actor).await?))
}

/// `PATCH /api/v1/pln/profile` (scope `write:accounts`): followers' servers get the new
/// profile (Update) when a facet changed. An unknown `default_license` changes nothing.
async fn update_profile(
    data: Data<AppState>,
    auth: Auth,
    form: ApiForm<ProfileParams>,
) -> AppResult<Json<Profile>> {
    auth.require("write:accounts")?;
    let mut p = form.params;
    let default_license = p.default_license.take();
    if let Some(id) = default_license.as_deref().filter(|l| !l.trim().is_empty()) {
        resources::licenses::check(id)?;
    }
    let patch = FacetsPatch {
        stage: p.stage,
        subjects: p.subjects,
        levels: p.levels,
        languages: p.languages,
        region: p.region,
        open_to_mentor: p.open_to_mentor,
        seeking_mentor: p.seeking_mentor,
    };
    let facets_given = patch.stage.is_some()
        || patch.subjects.is_some()
        || patch.levels.is_some()
        || patch.languages.is_some()
        || patch.region.is_some()
        || patch.open_to_mentor.is_some()
        || patch.seeking_mentor.is_some();
    let actor = if facets_given {
        profiles::update_facets(&data, &auth.actor, patch).await?
    } else {
        auth.actor.clone()
    };
    if let Some(id) = default_license {
        resources::set_default_license(&data, &actor, &id).await?;
    }
    Ok(Json(profile_of(&data, &actor).await?))
}
