//! Lists: `/api/v1/lists` CRUD and `/api/v1/lists/:id/accounts` (members, paged with Link
//! headers over member account ids), and the List entity.
use crate::{
    AppState,
    api::{
        auth::Auth,
        form::{ApiForm, ApiQuery, de},
        mastodon::entities::account,
        pagination::{PageParams, paged},
        parse_id,
    },
    db::{self, entity::user_list},
    error::AppResult,
    service::lists::{self, Bounds, ListChanges},
};
use activitypub_federation::config::Data;
use axum::{
    Json, Router,
    extract::{OriginalUri, Path},
    response::Response,
    routing::get,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// List.
#[derive(Debug, Clone, Serialize)]
pub struct List {
    pub id: String,
    pub title: String,
    pub replies_policy: String,
    pub exclusive: bool,
}

/// The List entity.
pub fn entity(l: &user_list::Model) -> List {
    List {
        id: l.id.to_string(),
        title: l.title.clone(),
        replies_policy: l.replies_policy.clone(),
        exclusive: l.exclusive,
    }
}

/// The list routes.
pub fn routes() -> Router {
    Router::new()
        .route("/api/v1/lists", get(index).post(create))
        .route("/api/v1/lists/{id}", get(show).put(update).delete(destroy))
        .route(
            "/api/v1/lists/{id}/accounts",
            get(accounts).post(add_accounts).delete(remove_accounts),
        )
}

#[derive(Debug, Deserialize)]
struct ListParams {
    #[serde(default, deserialize_with = "de::opt_string")]
    title: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    replies_policy: Option<String>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    exclusive: Option<bool>,
}

impl From<ListParams> for ListChanges {
    fn from(p: ListParams) -> Self {
        ListChanges {
            title: p.title,
            replies_policy: p.replies_policy.filter(|s| !s.is_empty()),
            exclusive: p.exclusive,
        }
    }
}

async fn index(data: Data<AppState>, auth: Auth) -> AppResult<Json<Vec<List>>> {
    auth.require("read:lists")?;
    let all = lists::lists(&data, auth.actor.id).await?;
    Ok(Json(all.iter().map(entity).collect()))
}

async fn create(
    data: Data<AppState>,
    auth: Auth,
    form: ApiForm<ListParams>,
) -> AppResult<Json<List>> {
    auth.require("write:lists")?;
    let list = lists::create(&data, auth.actor.id, form.params.into()).await?;
    Ok(Json(entity(&list)))
}

async fn show(data: Data<AppState>, auth: Auth, Path(id): Path<String>) -> AppResult<Json<List>> {
    auth.require("read:lists")?;
    let list = lists::get(&data, auth.actor.id, parse_id(&id)?).await?;
    Ok(Json(entity(&list)))
}

async fn update(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    form: ApiForm<ListParams>,
) -> AppResult<Json<List>> {
    auth.require("write:lists")?;
    let list = lists::update(&data, auth.actor.id, parse_id(&id)?, form.params.into()).await?;
    Ok(Json(entity(&list)))
}

async fn destroy(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    auth.require("write:lists")?;
    lists::delete(&data, auth.actor.id, parse_id(&id)?).await?;
    Ok(Json(json!({})))
}

async fn accounts(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    OriginalUri(uri): OriginalUri,
    ApiQuery(page): ApiQuery<PageParams>,
) -> AppResult<Response> {
    auth.require("read:lists")?;
    // `limit=0` lists every member, as Mastodon does.
    let limit = if page.limit == Some(0) {
        0
    } else {
        page.limit(40, 80)
    };
    let bounds = Bounds {
        max_id: page.max_id,
        since_id: page.since_id,
        min_id: page.min_id,
    };
    let ids = lists::member_ids(&data, auth.actor.id, parse_id(&id)?, bounds, limit).await?;
    let actors = db::views::actors_by_ids(&data.db.read, &ids).await?;
    let ordered: Vec<_> = ids.iter().filter_map(|i| actors.get(i).cloned()).collect();
    let built = account::accounts(&data, &ordered).await?;
    let range = if limit == 0 {
        None
    } else {
        ids.first().zip(ids.last()).map(|(a, b)| (*a, *b))
    };
    paged(data.urls.base(), &uri, built, range)
}

#[derive(Debug, Deserialize)]
struct AccountIds {
    #[serde(default, deserialize_with = "de::vec_i64")]
    account_ids: Vec<i64>,
}

async fn add_accounts(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    form: ApiForm<AccountIds>,
) -> AppResult<Json<Value>> {
    auth.require("write:lists")?;
    lists::add_accounts(
        &data,
        auth.actor.id,
        parse_id(&id)?,
        &form.params.account_ids,
    )
    .await?;
    Ok(Json(json!({})))
}

async fn remove_accounts(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    form: ApiForm<AccountIds>,
) -> AppResult<Json<Value>> {
    auth.require("write:lists")?;
    lists::remove_accounts(
        &data,
        auth.actor.id,
        parse_id(&id)?,
        &form.params.account_ids,
    )
    .await?;
    Ok(Json(json!({})))
}
