//! The directory of institutions (`/institutions`: this node first, then the Halqa nodes it
//! has met, filtered by kind, region and words, paged by offset) and an institution's page
//! (`/institutions/{domain}`), through `service::institutions` as the PLN API.
use super::{page::Page, settings::choices};
use crate::{
    db::{entity::institution, institutions::DirectoryFilter},
    error::AppResult,
    service::{
        institutions,
        vocabulary::{self, INSTITUTION_KINDS},
    },
};
use axum::{
    extract::{Path, Query},
    response::Response,
};
use minijinja::{Value, context};
use serde::Deserialize;

/// Institutions per directory page.
const PER_PAGE: u64 = 40;

/// The directory's filters and page.
#[derive(Debug, Default, Deserialize)]
pub struct DirectoryQuery {
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    region: Option<String>,
    #[serde(default)]
    q: Option<String>,
    #[serde(default)]
    offset: Option<String>,
}

fn non_empty(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// One institution as the templates show it.
fn card(row: &institution::Model, lang: &str) -> Value {
    context! {
        domain => row.domain.clone(),
        local => row.local,
        name => if row.name.is_empty() { row.domain.clone() } else { row.name.clone() },
        kind => institutions::kind_label(row.kind.as_deref(), lang),
        region => row.region.clone(),
        city => row.city.clone(),
        languages => row.language_list().join(", "),
        description => row.description.clone(),
        actor => row.actor_url.clone(),
        software => row.software_name.clone(),
        version => row.software_version.clone(),
        users => row.user_count,
    }
}

/// `GET /institutions`.
pub async fn directory(page: Page, Query(query): Query<DirectoryQuery>) -> AppResult<Response> {
    // An unknown kind is ignored rather than refused: it came from a link or a hand-typed URL.
    let kind = non_empty(&query.kind).filter(|k| vocabulary::find(INSTITUTION_KINDS, k).is_some());
    let filter = DirectoryFilter {
        kind: kind.clone(),
        region: non_empty(&query.region),
        q: non_empty(&query.q),
    };
    let offset: u64 = query
        .offset
        .as_deref()
        .and_then(|o| o.trim().parse().ok())
        .unwrap_or(0);
    let rows = institutions::directory(&page.data, &filter, offset, PER_PAGE).await?;
    let link = |offset: u64| {
        let mut q = form_urlencoded::Serializer::new(String::new());
        for (k, v) in [
            ("kind", &filter.kind),
            ("region", &filter.region),
            ("q", &filter.q),
        ] {
            if let Some(v) = v {
                q.append_pair(k, v);
            }
        }
        q.append_pair("offset", &offset.to_string());
        format!("/institutions?{}", q.finish())
    };
    let next = (rows.len() as u64 == PER_PAGE).then(|| link(offset + PER_PAGE));
    let prev = (offset > 0).then(|| link(offset.saturating_sub(PER_PAGE)));
    let institutions: Vec<Value> = rows.iter().map(|r| card(r, page.lang)).collect();
    page.render(
        "pages/institutions.html",
        context! {
            institutions, next, prev,
            kinds => choices(INSTITUTION_KINDS, page.lang),
            kind => kind.unwrap_or_default(),
            region => filter.region.clone().unwrap_or_default(),
            q => filter.q.clone().unwrap_or_default(),
        },
    )
}

/// `GET /institutions/{domain}`.
pub async fn institution_page(page: Page, Path(domain): Path<String>) -> AppResult<Response> {
    let row = institutions::find(&page.data, domain.trim()).await?;
    page.render(
        "pages/institution.html",
        context! { i => card(&row, page.lang) },
    )
}
