//! PLN API: the institution directory — `GET /api/v1/pln/institutions` (public; this node
//! first, then every Halqa node it has met; filters `kind`, `region`, `q`; `offset`/`limit`
//! paging with Link headers, as Mastodon's directory), `GET /api/v1/pln/institutions/:domain`,
//! and this node's own profile at `GET`/`PATCH /api/v1/pln/institution` (PATCH: admins).
use crate::{
    AppState,
    api::{
        auth::Auth,
        form::{ApiForm, ApiQuery, de},
        mastodon::entities::{datetime, opt_datetime},
        pln::vocabulary::request_lang,
    },
    db::{entity::institution, institutions::DirectoryFilter},
    error::{AppError, AppResult},
    service::institutions::{self, ProfilePatch},
};
use activitypub_federation::config::Data;
use axum::{
    Json, Router,
    extract::Path,
    http::{HeaderMap, HeaderValue, Uri, header::LINK},
    response::{IntoResponse, Response},
    routing::get,
};
use serde::{Deserialize, Deserializer, Serialize};

/// The institutions routes.
pub fn routes() -> Router {
    Router::new()
        .route("/api/v1/pln/institutions", get(list_institutions))
        .route("/api/v1/pln/institutions/{domain}", get(show_institution))
        .route(
            "/api/v1/pln/institution",
            get(show_own_institution)
                .patch(update_institution)
                .put(update_institution),
        )
}

/// Institutions per page (40 by default, at most 80, as Mastodon's directory).
const DEFAULT_LIMIT: u64 = 40;
const MAX_LIMIT: u64 = 80;

/// The software a node runs, from its NodeInfo.
#[derive(Debug, Clone, Serialize)]
pub struct Software {
    pub name: Option<String>,
    pub version: Option<String>,
}

/// An institution of the directory.
#[derive(Debug, Clone, Serialize)]
pub struct Institution {
    /// `host[:port]` of its node.
    pub domain: String,
    /// Whether it is this node.
    pub local: bool,
    pub name: String,
    /// A code of the vocabulary's `institution_kinds`.
    pub kind: Option<String>,
    /// The kind in the request's language.
    pub kind_label: Option<String>,
    pub region: Option<String>,
    pub city: Option<String>,
    pub languages: Vec<String>,
    /// Plain text.
    pub description: String,
    /// Its `Organization` actor (followable, e.g. by resolving this URL in a Mastodon client).
    pub actor: Option<String>,
    pub software: Software,
    /// Local accounts, as its NodeInfo reports them.
    pub user_count: Option<i64>,
    /// When its profile was last read (this node: last change).
    pub last_refreshed_at: Option<String>,
    pub first_seen_at: String,
}

/// The entity for a row, labels in `lang`.
pub fn entity(row: institution::Model, lang: &str) -> Institution {
    Institution {
        kind_label: institutions::kind_label(row.kind.as_deref(), lang),
        languages: row.language_list(),
        last_refreshed_at: opt_datetime(&row.refreshed_at),
        first_seen_at: datetime(&row.first_seen_at),
        software: Software {
            name: row.software_name,
            version: row.software_version,
        },
        domain: row.domain,
        local: row.local,
        name: row.name,
        kind: row.kind,
        region: row.region,
        city: row.city,
        description: row.description,
        actor: row.actor_url,
        user_count: row.user_count,
    }
}

/// Directory filters and paging.
#[derive(Debug, Default, Deserialize)]
struct DirectoryParams {
    #[serde(default, deserialize_with = "de::opt_string")]
    kind: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    region: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    q: Option<String>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    offset: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    limit: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_string")]
    lang: Option<String>,
}

fn non_empty(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// The `Link` header of an offset page: `next` when the page was full, `prev` unless it was the
/// first; every other parameter is kept.
fn offset_links(base: &str, uri: &Uri, offset: u64, limit: u64, full: bool) -> Option<HeaderValue> {
    let kept: Vec<(String, String)> = uri
        .query()
        .map(|q| {
            form_urlencoded::parse(q.as_bytes())
                .filter(|(k, _)| k != "offset")
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default();
    let url = |offset: u64| {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (k, v) in &kept {
            query.append_pair(k, v);
        }
        query.append_pair("offset", &offset.to_string());
        format!(
            "{}{}?{}",
            base.trim_end_matches('/'),
            uri.path(),
            query.finish()
        )
    };
    let mut links = Vec::new();
    if full {
        links.push(format!("<{}>; rel=\"next\"", url(offset + limit)));
    }
    if offset > 0 {
        links.push(format!(
            "<{}>; rel=\"prev\"",
            url(offset.saturating_sub(limit))
        ));
    }
    (!links.is_empty())
        .then(|| HeaderValue::from_str(&links.join(", ")).ok())
        .flatten()
}

/// `GET /api/v1/pln/institutions`: this node, then the Halqa nodes it knows.
async fn list_institutions(
    data: Data<AppState>,
    headers: HeaderMap,
    uri: Uri,
    ApiQuery(params): ApiQuery<DirectoryParams>,
) -> AppResult<Response> {
    let lang = request_lang(&data, &headers, params.lang.as_deref());
    let offset = params.offset.unwrap_or(0).max(0) as u64;
    let limit = match params.limit {
        Some(n) if n > 0 => (n as u64).min(MAX_LIMIT),
        _ => DEFAULT_LIMIT,
    };
    let filter = DirectoryFilter {
        kind: non_empty(params.kind),
        region: non_empty(params.region),
        q: non_empty(params.q),
    };
    let rows = institutions::directory(&data, &filter, offset, limit).await?;
    let full = rows.len() as u64 == limit;
    let items: Vec<Institution> = rows.into_iter().map(|r| entity(r, lang)).collect();
    let mut response = Json(items).into_response();
    if let Some(link) = offset_links(data.urls.base(), &uri, offset, limit, full) {
        response.headers_mut().insert(LINK, link);
    }
    Ok(response)
}

/// `?lang=` only.
#[derive(Debug, Default, Deserialize)]
struct LangParams {
    #[serde(default, deserialize_with = "de::opt_string")]
    lang: Option<String>,
}

/// `GET /api/v1/pln/institutions/:domain`.
async fn show_institution(
    data: Data<AppState>,
    headers: HeaderMap,
    Path(domain): Path<String>,
    ApiQuery(params): ApiQuery<LangParams>,
) -> AppResult<Json<Institution>> {
    let lang = request_lang(&data, &headers, params.lang.as_deref());
    let row = institutions::find(&data, &domain).await?;
    Ok(Json(entity(row, lang)))
}

/// `GET /api/v1/pln/institution`: this node's institution.
async fn show_own_institution(
    data: Data<AppState>,
    headers: HeaderMap,
    ApiQuery(params): ApiQuery<LangParams>,
) -> AppResult<Json<Institution>> {
    let lang = request_lang(&data, &headers, params.lang.as_deref());
    let row = institutions::find(&data, &data.config.instance.domain).await?;
    Ok(Json(entity(row, lang)))
}

/// A list that may be absent: present (even empty) is `Some`.
fn some_list<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
    de::vec_string(d).map(Some)
}

/// The profile fields to change; what is absent is kept.
#[derive(Debug, Default, Deserialize)]
struct InstitutionParams {
    #[serde(default, deserialize_with = "de::opt_string")]
    name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    kind: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    region: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    city: Option<String>,
    #[serde(default, deserialize_with = "some_list")]
    languages: Option<Vec<String>>,
    #[serde(default, deserialize_with = "de::opt_string")]
    description: Option<String>,
}

/// `PATCH /api/v1/pln/institution` (admins; scope `admin:write`): invalid values answer 422
/// and change nothing; the Organization actor's followers get an Update.
async fn update_institution(
    data: Data<AppState>,
    headers: HeaderMap,
    auth: Auth,
    form: ApiForm<InstitutionParams>,
) -> AppResult<Json<Institution>> {
    auth.require("admin:write")?;
    if auth.user.role != "admin" {
        return Err(AppError::Forbidden(
            "only admins can change the institution profile".into(),
        ));
    }
    let p = form.params;
    let patch = ProfilePatch {
        name: p.name,
        kind: p.kind,
        region: p.region,
        city: p.city,
        languages: p.languages,
        description: p.description,
    };
    institutions::update_profile(&data, patch).await?;
    let row = institutions::find(&data, &data.config.instance.domain).await?;
    Ok(Json(entity(row, request_lang(&data, &headers, None))))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn offset_links_keep_filters() {
        let uri: Uri = "/api/v1/pln/institutions?kind=crmef&offset=40&limit=40"
            .parse()
            .unwrap();
        let link = offset_links("https://a.example", &uri, 40, 40, true).unwrap();
        let link = link.to_str().unwrap();
        assert!(
            link.contains("<https://a.example/api/v1/pln/institutions?kind=crmef&limit=40&offset=80>; rel=\"next\""),
            "{link}"
        );
        assert!(link.contains("offset=0>; rel=\"prev\""), "{link}");
        let first: Uri = "/api/v1/pln/institutions".parse().unwrap();
        assert!(offset_links("https://a.example", &first, 0, 40, false).is_none());
    }
}
