//! Moving an account through the client API, as GoToSocial offers it (Mastodon has it on its
//! web pages only): `POST /api/v1/accounts/alias` sets the accounts this one moves *from*
//! (`also_known_as_uris`, served as `alsoKnownAs`), `POST /api/v1/accounts/move` moves this
//! account to another (`moved_to_uri`, confirmed by `password`). The rules are the web page's
//! (`service::moves`).
use crate::{
    AppState,
    api::{auth::Auth, form::ApiForm, form::de, mastodon::entities::account},
    db,
    error::{AppError, AppResult},
    service::{
        accounts,
        moves::{self, Refusal},
    },
};
use activitypub_federation::config::Data;
use axum::{Json, http::StatusCode};
use serde::Deserialize;
use serde_json::{Value, json};

/// `also_known_as_uris[]`: the whole new list (empty clears it).
#[derive(Debug, Deserialize)]
pub(super) struct AliasParams {
    #[serde(default, deserialize_with = "de::vec_string")]
    also_known_as_uris: Vec<String>,
}

/// `POST /api/v1/accounts/alias`: makes the aliases exactly `also_known_as_uris` (ActivityPub
/// ids, profile URLs or `@user@host`). Every entry is found first; an unknown one is a 404
/// and a refused one a 422, with nothing changed. Answers the CredentialAccount.
pub(super) async fn set_aliases(
    data: Data<AppState>,
    auth: Auth,
    form: ApiForm<AliasParams>,
) -> AppResult<Json<account::CredentialAccount>> {
    auth.require("write:accounts")?;
    let mut wanted: Vec<String> = Vec::new();
    for input in form.params.also_known_as_uris.iter().map(|s| s.trim()) {
        if input.is_empty() {
            continue;
        }
        let found = moves::resolve_account(&data, input, false).await?;
        if found.id == auth.actor.id {
            return Err(moves::MoveError::from(Refusal::AliasSelf).into());
        }
        if !wanted.contains(&found.ap_id) {
            wanted.push(found.ap_id);
        }
    }
    if wanted.len() > moves::MAX_ALIASES {
        return Err(moves::MoveError::from(Refusal::TooManyAliases).into());
    }
    for old in auth.actor.aliases() {
        if !wanted.contains(&old) {
            moves::remove_alias(&data, &auth.actor, &old).await?;
        }
    }
    let current = db::actors::get_by_id(&data.db.read, auth.actor.id).await?;
    for new in wanted.iter().filter(|w| !current.aliases().contains(w)) {
        moves::add_alias(&data, &current, new).await?;
    }
    let actor = db::actors::get_by_id(&data.db.read, auth.actor.id).await?;
    Ok(Json(
        account::credential_account(&data, &auth.user, &actor).await?,
    ))
}

/// `POST /api/v1/accounts/move` parameters.
#[derive(Debug, Deserialize)]
pub(super) struct MoveParams {
    #[serde(default, deserialize_with = "de::opt_string")]
    password: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    moved_to_uri: Option<String>,
}

/// `POST /api/v1/accounts/move`: moves this account to `moved_to_uri`, which must list it
/// among its aliases (fetched fresh); `password` confirms. 202 `{"message": "accepted"}`; the
/// followers' servers get the `Move` through the delivery queue. A wrong password is a 403,
/// a refusal a 422 saying why.
pub(super) async fn move_account(
    data: Data<AppState>,
    auth: Auth,
    form: ApiForm<MoveParams>,
) -> AppResult<(StatusCode, Json<Value>)> {
    auth.require("write:accounts")?;
    let p = form.params;
    let target = p.moved_to_uri.unwrap_or_default();
    if target.trim().is_empty() {
        return Err(AppError::Invalid("moved_to_uri: required".into()));
    }
    let password = p.password.unwrap_or_default();
    if !accounts::verify_password(password, auth.user.password_hash.clone()).await {
        return Err(moves::MoveError::from(Refusal::WrongPassword).into());
    }
    moves::move_out(&data, &auth.actor, &target).await?;
    Ok((StatusCode::ACCEPTED, Json(json!({"message": "accepted"}))))
}
