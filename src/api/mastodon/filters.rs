//! Filters: v2 (`/api/v2/filters` with keywords and statuses) and v1 (`/api/v1/filters`, one
//! keyword each), plus the Filter, FilterKeyword, FilterStatus and v1 Filter entities.
//! Matching happens server-side in `mastodon::filtering::apply`.
use crate::{
    AppState,
    api::{
        auth::Auth,
        form::{ApiForm, de},
        mastodon::entities::opt_datetime,
        parse_id,
    },
    db::entity::{filter, filter_keyword, filter_status},
    error::AppResult,
    service::filters::{self, FilterInput, FilterView, KeywordInput, V1Input},
};
use activitypub_federation::config::Data;
use axum::{Json, Router, extract::Path, routing::get};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// FilterKeyword.
#[derive(Debug, Clone, Serialize)]
pub struct FilterKeyword {
    pub id: String,
    pub keyword: String,
    pub whole_word: bool,
}

/// FilterStatus.
#[derive(Debug, Clone, Serialize)]
pub struct FilterStatus {
    pub id: String,
    pub status_id: String,
}

/// Filter (v2).
#[derive(Debug, Clone, Serialize)]
pub struct Filter {
    pub id: String,
    pub title: String,
    pub context: Vec<String>,
    pub expires_at: Option<String>,
    pub filter_action: String,
    pub keywords: Vec<FilterKeyword>,
    pub statuses: Vec<FilterStatus>,
}

/// V1::Filter: one phrase.
#[derive(Debug, Clone, Serialize)]
pub struct V1Filter {
    pub id: String,
    pub phrase: String,
    pub context: Vec<String>,
    pub whole_word: bool,
    pub expires_at: Option<String>,
    pub irreversible: bool,
}

/// The FilterKeyword entity.
pub fn keyword_entity(k: &filter_keyword::Model) -> FilterKeyword {
    FilterKeyword {
        id: k.id.to_string(),
        keyword: k.keyword.clone(),
        whole_word: k.whole_word,
    }
}

/// The FilterStatus entity.
pub fn status_entity(s: &filter_status::Model) -> FilterStatus {
    FilterStatus {
        id: s.id.to_string(),
        status_id: s.post_id.to_string(),
    }
}

/// The v2 Filter entity.
pub fn filter_entity(view: &FilterView) -> Filter {
    Filter {
        id: view.filter.id.to_string(),
        title: view.filter.title.clone(),
        context: view.context.clone(),
        expires_at: opt_datetime(&view.filter.expires_at),
        filter_action: view.filter.action.clone(),
        keywords: view.keywords.iter().map(keyword_entity).collect(),
        statuses: view.statuses.iter().map(status_entity).collect(),
    }
}

/// The v1 Filter entity of one keyword.
pub fn v1_entity(f: &filter::Model, k: &filter_keyword::Model) -> V1Filter {
    V1Filter {
        id: k.id.to_string(),
        phrase: k.keyword.clone(),
        context: filters::contexts_of(f),
        whole_word: k.whole_word,
        expires_at: opt_datetime(&f.expires_at),
        irreversible: f.action == "hide",
    }
}

/// The filter routes.
pub fn routes() -> Router {
    Router::new()
        .route("/api/v2/filters", get(list_v2).post(create_v2))
        .route(
            "/api/v2/filters/{id}",
            get(get_v2).put(update_v2).delete(delete_v2),
        )
        .route(
            "/api/v2/filters/{id}/keywords",
            get(list_keywords).post(add_keyword),
        )
        .route(
            "/api/v2/filters/keywords/{id}",
            get(get_keyword).put(update_keyword).delete(delete_keyword),
        )
        .route(
            "/api/v2/filters/{id}/statuses",
            get(list_statuses).post(add_status),
        )
        .route(
            "/api/v2/filters/statuses/{id}",
            get(get_status).delete(delete_status),
        )
        .route("/api/v1/filters", get(list_v1).post(create_v1))
        .route(
            "/api/v1/filters/{id}",
            get(get_v1).put(update_v1).delete(delete_v1),
        )
}

/// `expires_in`: absent → unchanged; null or "" → never; seconds → then.
fn expires_in(value: Option<Value>) -> AppResult<Option<Option<i64>>> {
    Ok(match value {
        None => None,
        Some(Value::Null) => Some(None),
        Some(Value::String(s)) if s.trim().is_empty() => Some(None),
        Some(Value::String(s)) => Some(Some(s.trim().parse().map_err(|_| {
            crate::error::AppError::Invalid("expires_in must be a number of seconds".into())
        })?)),
        Some(Value::Number(n)) => Some(Some(n.as_i64().unwrap_or_default())),
        Some(_) => {
            return Err(crate::error::AppError::Invalid(
                "expires_in must be a number of seconds".into(),
            ));
        }
    })
}

/// One `keywords_attributes[]` item.
#[derive(Debug, Deserialize)]
struct KeywordParams {
    #[serde(default, deserialize_with = "de::opt_i64")]
    id: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_string")]
    keyword: Option<String>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    whole_word: Option<bool>,
    #[serde(default, rename = "_destroy", deserialize_with = "de::opt_bool")]
    destroy: Option<bool>,
}

#[derive(Debug, Deserialize)]
struct FilterParams {
    #[serde(default, deserialize_with = "de::opt_string")]
    title: Option<String>,
    #[serde(default)]
    context: Option<Value>,
    #[serde(default, deserialize_with = "de::opt_string")]
    filter_action: Option<String>,
    #[serde(default)]
    expires_in: Option<Value>,
    #[serde(default, deserialize_with = "de::vec_of")]
    keywords_attributes: Vec<KeywordParams>,
}

/// `context[]` as a list (absent → None).
fn context_list(value: Option<Value>) -> AppResult<Option<Vec<String>>> {
    #[derive(Deserialize)]
    struct Wrap {
        #[serde(default, deserialize_with = "de::vec_string")]
        context: Vec<String>,
    }
    match value {
        None => Ok(None),
        Some(v) => serde_json::from_value::<Wrap>(json!({ "context": v }))
            .map(|w| Some(w.context))
            .map_err(|e| crate::error::AppError::Invalid(format!("invalid context: {e}"))),
    }
}

impl FilterParams {
    fn into_input(self) -> AppResult<FilterInput> {
        Ok(FilterInput {
            title: self.title,
            context: context_list(self.context)?,
            action: self.filter_action,
            expires_in: expires_in(self.expires_in)?,
            keywords: self
                .keywords_attributes
                .into_iter()
                .map(|k| KeywordInput {
                    id: k.id,
                    keyword: k.keyword,
                    whole_word: k.whole_word,
                    destroy: k.destroy.unwrap_or(false),
                })
                .collect(),
        })
    }
}

async fn list_v2(data: Data<AppState>, auth: Auth) -> AppResult<Json<Vec<Filter>>> {
    auth.require("read:filters")?;
    let list = filters::list(&data, auth.actor.id).await?;
    Ok(Json(list.iter().map(filter_entity).collect()))
}

async fn create_v2(
    data: Data<AppState>,
    auth: Auth,
    form: ApiForm<FilterParams>,
) -> AppResult<Json<Filter>> {
    auth.require("write:filters")?;
    let view = filters::create(&data, auth.actor.id, form.params.into_input()?).await?;
    Ok(Json(filter_entity(&view)))
}

async fn get_v2(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Filter>> {
    auth.require("read:filters")?;
    let view = filters::get(&data, auth.actor.id, parse_id(&id)?).await?;
    Ok(Json(filter_entity(&view)))
}

async fn update_v2(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    form: ApiForm<FilterParams>,
) -> AppResult<Json<Filter>> {
    auth.require("write:filters")?;
    let view = filters::update(
        &data,
        auth.actor.id,
        parse_id(&id)?,
        form.params.into_input()?,
    )
    .await?;
    Ok(Json(filter_entity(&view)))
}

async fn delete_v2(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    auth.require("write:filters")?;
    filters::delete(&data, auth.actor.id, parse_id(&id)?).await?;
    Ok(Json(json!({})))
}

#[derive(Debug, Deserialize)]
struct KeywordBody {
    #[serde(default, deserialize_with = "de::opt_string")]
    keyword: Option<String>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    whole_word: Option<bool>,
}

async fn list_keywords(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Vec<FilterKeyword>>> {
    auth.require("read:filters")?;
    let list = filters::keywords(&data, auth.actor.id, parse_id(&id)?).await?;
    Ok(Json(list.iter().map(keyword_entity).collect()))
}

async fn add_keyword(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    form: ApiForm<KeywordBody>,
) -> AppResult<Json<FilterKeyword>> {
    auth.require("write:filters")?;
    let p = form.params;
    let k = filters::add_keyword(
        &data,
        auth.actor.id,
        parse_id(&id)?,
        p.keyword.as_deref().unwrap_or_default(),
        p.whole_word,
    )
    .await?;
    Ok(Json(keyword_entity(&k)))
}

async fn get_keyword(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<FilterKeyword>> {
    auth.require("read:filters")?;
    let k = filters::get_keyword(&data, auth.actor.id, parse_id(&id)?).await?;
    Ok(Json(keyword_entity(&k)))
}

async fn update_keyword(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    form: ApiForm<KeywordBody>,
) -> AppResult<Json<FilterKeyword>> {
    auth.require("write:filters")?;
    let p = form.params;
    let k = filters::update_keyword(
        &data,
        auth.actor.id,
        parse_id(&id)?,
        p.keyword,
        p.whole_word,
    )
    .await?;
    Ok(Json(keyword_entity(&k)))
}

async fn delete_keyword(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    auth.require("write:filters")?;
    filters::delete_keyword(&data, auth.actor.id, parse_id(&id)?).await?;
    Ok(Json(json!({})))
}

#[derive(Debug, Deserialize)]
struct StatusBody {
    #[serde(default, deserialize_with = "de::opt_i64")]
    status_id: Option<i64>,
}

async fn list_statuses(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Vec<FilterStatus>>> {
    auth.require("read:filters")?;
    let list = filters::statuses(&data, auth.actor.id, parse_id(&id)?).await?;
    Ok(Json(list.iter().map(status_entity).collect()))
}

async fn add_status(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    form: ApiForm<StatusBody>,
) -> AppResult<Json<FilterStatus>> {
    auth.require("write:filters")?;
    let status_id = form
        .params
        .status_id
        .ok_or_else(|| crate::error::AppError::Invalid("status_id can't be blank".into()))?;
    let s = filters::add_status(&data, &auth.actor, parse_id(&id)?, status_id).await?;
    Ok(Json(status_entity(&s)))
}

async fn get_status(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<FilterStatus>> {
    auth.require("read:filters")?;
    let s = filters::get_status(&data, auth.actor.id, parse_id(&id)?).await?;
    Ok(Json(status_entity(&s)))
}

async fn delete_status(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    auth.require("write:filters")?;
    filters::delete_status(&data, auth.actor.id, parse_id(&id)?).await?;
    Ok(Json(json!({})))
}

#[derive(Debug, Deserialize)]
struct V1Params {
    #[serde(default, deserialize_with = "de::opt_string")]
    phrase: Option<String>,
    #[serde(default)]
    context: Option<Value>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    irreversible: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    whole_word: Option<bool>,
    #[serde(default)]
    expires_in: Option<Value>,
}

impl V1Params {
    fn into_input(self) -> AppResult<V1Input> {
        Ok(V1Input {
            phrase: self.phrase,
            context: context_list(self.context)?,
            irreversible: self.irreversible,
            whole_word: self.whole_word,
            expires_in: expires_in(self.expires_in)?,
        })
    }
}

async fn list_v1(data: Data<AppState>, auth: Auth) -> AppResult<Json<Vec<V1Filter>>> {
    auth.require("read:filters")?;
    let list = filters::v1_list(&data, auth.actor.id).await?;
    Ok(Json(list.iter().map(|(f, k)| v1_entity(f, k)).collect()))
}

async fn create_v1(
    data: Data<AppState>,
    auth: Auth,
    form: ApiForm<V1Params>,
) -> AppResult<Json<V1Filter>> {
    auth.require("write:filters")?;
    let (f, k) = filters::v1_create(&data, auth.actor.id, form.params.into_input()?).await?;
    Ok(Json(v1_entity(&f, &k)))
}

async fn get_v1(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<V1Filter>> {
    auth.require("read:filters")?;
    let (f, k) = filters::v1_get(&data, auth.actor.id, parse_id(&id)?).await?;
    Ok(Json(v1_entity(&f, &k)))
}

async fn update_v1(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    form: ApiForm<V1Params>,
) -> AppResult<Json<V1Filter>> {
    auth.require("write:filters")?;
    let (f, k) = filters::v1_update(
        &data,
        auth.actor.id,
        parse_id(&id)?,
        form.params.into_input()?,
    )
    .await?;
    Ok(Json(v1_entity(&f, &k)))
}

async fn delete_v1(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    auth.require("write:filters")?;
    filters::v1_delete(&data, auth.actor.id, parse_id(&id)?).await?;
    Ok(Json(json!({})))
}
