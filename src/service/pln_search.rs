//! Search and browse across nodes over the PLN objects this node knows, local and federated:
//! one [`search`] for every kind, whatever the database (the backend difference lives in
//! `db::pln_search`, circles' in `db::circles`). Kinds are a [`SearchKind`]. A pasted
//! resource or collection URL is [`resolve`]d (fetched and stored when asked).
use crate::{
    AppState,
    db::{
        self,
        circles::CircleFilter,
        collections::CollectionFilter,
        entity::{actor, collection, mentorship_offer as offer, resource},
        mentorship::OfferFilter,
        paging::Cursor,
        pln_search::SearchTerms,
        resources::ResourceFilter,
    },
    error::{AppError, AppResult},
    federation::{
        activities::{collections::store_collection, resources::store_page},
        objects::{collection::is_collection, resource_page::is_resource},
    },
    service::{circles, collections, mentorship::offers, resources},
};
use activitypub_federation::config::Data;
use serde_json::Value;
use url::Url;

/// What a search can look for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchKind {
    Resources,
    Offers,
    Collections,
    Circles,
}

impl SearchKind {
    pub const ALL: [SearchKind; 4] = [
        SearchKind::Resources,
        SearchKind::Offers,
        SearchKind::Collections,
        SearchKind::Circles,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SearchKind::Resources => "resources",
            SearchKind::Offers => "offers",
            SearchKind::Collections => "collections",
            SearchKind::Circles => "circles",
        }
    }

    /// The kind named `name` (`type=` in the API), or a 422 listing the searchable ones.
    pub fn parse(name: &str) -> AppResult<SearchKind> {
        SearchKind::ALL
            .into_iter()
            .find(|k| k.as_str() == name)
            .ok_or_else(|| {
                let known: Vec<&str> = SearchKind::ALL.iter().map(|k| k.as_str()).collect();
                AppError::Invalid(format!(
                    "type: {name:?} is not searchable; use one of {}",
                    known.join(", ")
                ))
            })
    }
}

/// A search: words (empty: browse), the kinds wanted (none named: every kind its filters
/// apply to), shared and per-kind filters, and a page.
#[derive(Debug, Clone, Default)]
pub struct PlnQuery {
    pub q: String,
    pub kind: Option<SearchKind>,
    pub subject: Option<String>,
    pub level: Option<String>,
    pub language: Option<String>,
    /// Resources only.
    pub license: Option<String>,
    pub resource_type: Option<String>,
    /// Offers only.
    pub format: Option<String>,
    pub region: Option<String>,
    pub open: Option<bool>,
    pub cursor: Cursor,
}

impl PlnQuery {
    /// The filters that only one kind has, by name, with that kind.
    fn kind_filters(&self) -> Vec<(&'static str, SearchKind)> {
        let mut out = Vec::new();
        for (name, set, kind) in [
            ("license", self.license.is_some(), SearchKind::Resources),
            (
                "resource_type",
                self.resource_type.is_some(),
                SearchKind::Resources,
            ),
            ("format", self.format.is_some(), SearchKind::Offers),
            // Circles have a region too.
            (
                "region",
                self.region.is_some() && self.kind != Some(SearchKind::Circles),
                SearchKind::Offers,
            ),
            ("open", self.open.is_some(), SearchKind::Offers),
        ] {
            if set {
                out.push((name, kind));
            }
        }
        out
    }

    /// The kinds searched: the one named, else those every given filter applies to. A filter
    /// of another kind than the one named, or filters of two kinds, are a 422.
    pub fn kinds(&self) -> AppResult<Vec<SearchKind>> {
        let filters = self.kind_filters();
        let wanted = self.kind.or_else(|| filters.first().map(|(_, k)| *k));
        if let Some(kind) = wanted {
            if let Some((name, other)) = filters.iter().find(|(_, k)| *k != kind) {
                return Err(AppError::Invalid(format!(
                    "{name}: filters {}, not {}",
                    other.as_str(),
                    kind.as_str()
                )));
            }
            return Ok(vec![kind]);
        }
        Ok(SearchKind::ALL.to_vec())
    }
}

/// One thing found.
#[derive(Debug, Clone)]
pub enum Hit {
    Resource(resource::Model),
    Offer(offer::Model),
    Collection(collection::Model),
    /// Boxed: an actor row is much larger than the other hits.
    Circle(Box<actor::Model>),
}

/// Searches (or, without words, browses) what this node knows, local and federated: for each
/// kind, live objects matching every word (as word prefixes, case and accents folded) and every
/// filter, newest first, paged by id. Unknown filter values are a 422 naming the allowed ones;
/// text that holds no word browses.
pub async fn search(data: &Data<AppState>, query: PlnQuery) -> AppResult<Vec<Hit>> {
    let kinds = query.kinds()?;
    let terms = SearchTerms::parse(&query.q);
    let mut hits = Vec::new();
    for kind in kinds {
        match kind {
            SearchKind::Resources => {
                let mut filter = ResourceFilter {
                    subject: query.subject.clone(),
                    level: query.level.clone(),
                    language: query.language.clone(),
                    license: query.license.clone(),
                    resource_type: query.resource_type.clone(),
                    ..Default::default()
                };
                resources::check_filter(&mut filter)?;
                let rows =
                    db::pln_search::resources(&data.db.read, &filter, &terms, query.cursor).await?;
                hits.extend(rows.into_iter().map(Hit::Resource));
            }
            SearchKind::Offers => {
                let filter = OfferFilter {
                    subject: query.subject.clone(),
                    level: query.level.clone(),
                    language: query.language.clone(),
                    region: query.region.clone(),
                    format: query.format.clone(),
                    open_only: query.open.unwrap_or(false),
                    author_id: None,
                };
                offers::check_filter(&filter)?;
                let rows =
                    db::pln_search::offers(&data.db.read, &filter, &terms, query.cursor).await?;
                hits.extend(rows.into_iter().map(Hit::Offer));
            }
            SearchKind::Collections => {
                let filter = CollectionFilter {
                    subject: query.subject.clone(),
                    level: query.level.clone(),
                    language: query.language.clone(),
                    ..Default::default()
                };
                collections::check_filter(&filter)?;
                let rows =
                    db::pln_search::collections(&data.db.read, &filter, &terms, query.cursor)
                        .await?;
                hits.extend(rows.into_iter().map(Hit::Collection));
            }
            SearchKind::Circles => {
                let filter = circles::check_filter(CircleFilter {
                    subject: query.subject.clone(),
                    level: query.level.clone(),
                    language: query.language.clone(),
                    region: query.region.clone(),
                    local: None,
                })?;
                let rows =
                    db::circles::search(&data.db.read, &filter, &terms, query.cursor).await?;
                hits.extend(rows.into_iter().map(|c| Hit::Circle(Box::new(c))));
            }
        }
    }
    Ok(hits)
}

/// A resource or collection named by `url`: known here (its id or page), or — when `fetch` —
/// fetched from its server and stored. Anything else, or a failed fetch, is `None`.
pub async fn resolve(data: &Data<AppState>, url: &Url, fetch: bool) -> AppResult<Option<Hit>> {
    let text = url.as_str();
    if let Some(id) = data.urls.parse_collection(text) {
        return Ok(db::collections::get(&data.db.read, id)
            .await
            .ok()
            .filter(|c| collections::can_see(c, None))
            .map(Hit::Collection));
    }
    if let Some(c) = db::collections::find_by_ap_id(&data.db.read, text).await? {
        return Ok(collections::can_see(&c, None).then_some(Hit::Collection(c)));
    }
    if let Some(id) = data.urls.parse_resource(text) {
        return Ok(db::resources::get(&data.db.read, id)
            .await
            .ok()
            .filter(|r| r.deleted_at.is_none())
            .map(Hit::Resource));
    }
    if let Some(r) = db::resources::find_by_ap_id(&data.db.read, text).await? {
        return Ok(r.deleted_at.is_none().then_some(Hit::Resource(r)));
    }
    if !fetch || data.urls.is_local(url) {
        return Ok(None);
    }
    let found: AppResult<Option<Hit>> = async {
        let fetched =
            activitypub_federation::fetch::fetch_object_http::<AppState, Value>(url, data).await?;
        if is_collection(&fetched.object) {
            let c = store_collection(data, fetched.object, &fetched.url).await?;
            return Ok(Some(Hit::Collection(c)));
        }
        if is_resource(&fetched.object) {
            let r = store_page(data, fetched.object, &fetched.url).await?;
            return Ok(Some(Hit::Resource(r)));
        }
        Ok(None)
    }
    .await;
    match found {
        Ok(hit) => Ok(hit),
        Err(e) => {
            tracing::debug!(%url, error = %e, "PLN search could not resolve the URL");
            Ok(None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_follow_the_type_and_the_filters() {
        let all = PlnQuery::default();
        assert_eq!(all.kinds().unwrap(), SearchKind::ALL.to_vec());
        let licensed = PlnQuery {
            license: Some("CC-BY-4.0".into()),
            ..Default::default()
        };
        assert_eq!(licensed.kinds().unwrap(), [SearchKind::Resources]);
        let open = PlnQuery {
            open: Some(true),
            kind: Some(SearchKind::Offers),
            ..Default::default()
        };
        assert_eq!(open.kinds().unwrap(), [SearchKind::Offers]);
        let mixed = PlnQuery {
            license: Some("CC-BY-4.0".into()),
            format: Some("online".into()),
            ..Default::default()
        };
        assert!(mixed.kinds().is_err());
        let wrong = PlnQuery {
            kind: Some(SearchKind::Offers),
            resource_type: Some("worksheet".into()),
            ..Default::default()
        };
        assert!(wrong.kinds().is_err());
    }

    #[test]
    fn unknown_types_name_the_searchable_ones() {
        assert_eq!(SearchKind::parse("offers").unwrap(), SearchKind::Offers);
        assert_eq!(SearchKind::parse("circles").unwrap(), SearchKind::Circles);
        let err = SearchKind::parse("widgets").unwrap_err().to_string();
        assert!(
            err.contains("resources, offers, collections, circles"),
            "{err}"
        );
    }
}
