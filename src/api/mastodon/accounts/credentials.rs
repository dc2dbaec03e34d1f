//! The signed-in account: `verify_credentials` (with `source` and `role`) and
//! `update_credentials` (multipart, form with brackets or JSON; avatar and header as files,
//! `source[…]` posting defaults, `pln[…]` facets).
use super::some_list;
use crate::{
    AppState,
    api::{auth::Auth, form::ApiForm, form::de, mastodon::entities::account},
    error::AppResult,
    service::{self, accounts::ProfileUpdate},
};
use activitypub_federation::config::Data;
use axum::Json;
use serde::{Deserialize, Deserializer};

/// `GET /api/v1/accounts/verify_credentials`: the signed-in account with `source` and `role`.
pub(super) async fn verify_credentials(
    data: Data<AppState>,
    auth: Auth,
) -> AppResult<Json<account::CredentialAccount>> {
    auth.require("profile")?;
    Ok(Json(
        account::credential_account(&data, &auth.user, &auth.actor).await?,
    ))
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
pub(super) struct CredentialsParams {
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
pub(super) async fn update_credentials(
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
