//! The search page, `GET /search?q=&type=`: people, posts and hashtags through the Mastodon
//! search service (`service::search`), and resources, mentorship offers, collections and
//! circles through the PLN search (`service::pln_search`) with its facet filters (subject,
//! level, language, licence, resource type) as a GET form. A pasted URL or `user@host` is
//! looked up on its server for the signed-in, as Mastodon does. Without a type every kind
//! shows its first few results with a link to see more; with one, pages of 20.
use super::{
    page::Page,
    pln::{self, FormError, People},
    timelines::statuses,
};
use crate::{
    db::{self, paging::Cursor},
    error::AppResult,
    service::{
        pln_search::{self, Hit, PlnQuery, SearchKind},
        search::{self, AccountQuery, StatusQuery},
        vocabulary,
    },
};
use axum::{extract::Query, http::StatusCode, response::Response};
use minijinja::{Value, context, value::Serde};
use serde::{Deserialize, Serialize};

/// Results per kind when every kind is shown.
const PREVIEW: u64 = 5;

/// The kinds the page offers, in the order it shows them.
pub const KINDS: [&str; 7] = [
    "accounts",
    "statuses",
    "hashtags",
    "resources",
    "offers",
    "collections",
    "circles",
];

/// The search form, as sent and as shown again.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct SearchForm {
    #[serde(default)]
    q: Option<String>,
    #[serde(default, rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    subject: Option<String>,
    #[serde(default)]
    level: Option<String>,
    #[serde(default)]
    language: Option<String>,
    #[serde(default)]
    license: Option<String>,
    #[serde(default)]
    resource_type: Option<String>,
    /// PLN kinds page by id.
    #[serde(default, skip_serializing)]
    max_id: Option<String>,
    /// People and posts page by offset.
    #[serde(default, skip_serializing)]
    offset: Option<String>,
}

fn filled(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

impl SearchForm {
    fn has_facets(&self) -> bool {
        [
            &self.subject,
            &self.level,
            &self.language,
            &self.license,
            &self.resource_type,
        ]
        .iter()
        .any(|f| filled(f).is_some())
    }

    /// The query string of this search with `extra` pairs (for "more" and "next" links).
    fn link(&self, kind: &str, extra: Option<(&str, String)>) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        q.append_pair("q", self.q.as_deref().unwrap_or(""));
        q.append_pair("type", kind);
        for (name, value) in [
            ("subject", &self.subject),
            ("level", &self.level),
            ("language", &self.language),
            ("license", &self.license),
            ("resource_type", &self.resource_type),
        ] {
            if let Some(v) = filled(value) {
                q.append_pair(name, &v);
            }
        }
        if let Some((k, v)) = extra {
            q.append_pair(k, &v);
        }
        format!("/search?{}", q.finish())
    }
}

/// One kind's results on the page.
#[derive(Default)]
struct Section {
    kind: &'static str,
    items: Vec<Value>,
    /// Statuses render with the shared status template.
    statuses: Vec<Value>,
    more: Option<String>,
}

impl Section {
    fn value(&self) -> Value {
        context! {
            kind => self.kind,
            items => self.items.clone(),
            statuses => self.statuses.clone(),
            more => self.more.clone(),
            empty => self.items.is_empty() && self.statuses.is_empty(),
        }
    }
}

/// `GET /search`.
pub async fn search_page(page: Page, Query(form): Query<SearchForm>) -> AppResult<Response> {
    let q = form.q.clone().unwrap_or_default();
    let kind = filled(&form.kind).filter(|k| KINDS.contains(&k.as_str()));
    let searched = !q.trim().is_empty() || form.has_facets() || kind.is_some();
    let (sections, error) = if searched {
        match run(&page, &form, kind.as_deref()).await {
            Ok(sections) => (sections, None),
            Err(e) if pln::is_refusal(&e) => (Vec::new(), Some(FormError::of(&e, page.lang))),
            Err(e) => return Err(e),
        }
    } else {
        (Vec::new(), None)
    };
    let lang = page.lang;
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    page.render_status(
        status,
        "pages/search.html",
        context! {
            searched,
            form => Value::from(Serde(&form)),
            kind,
            kinds => KINDS.to_vec(),
            sections => sections.iter().map(Section::value).collect::<Vec<_>>(),
            error => error.as_ref().map(FormError::value),
            subjects => pln::choices(vocabulary::SUBJECTS, lang),
            levels => pln::choices(vocabulary::LEVELS, lang),
            languages_taught => pln::language_choices(lang),
            licenses => pln::license_choices(),
            resource_types => pln::choices(vocabulary::RESOURCE_TYPES, lang),
        },
    )
}

async fn run(page: &Page, form: &SearchForm, kind: Option<&str>) -> AppResult<Vec<Section>> {
    let q = form.q.clone().unwrap_or_default();
    let limit = if kind.is_some() {
        pln::PAGE_SIZE
    } else {
        PREVIEW
    };
    let mut sections = Vec::new();
    // People, posts and hashtags have no facets: a faceted search is over PLN objects only.
    let mastodon_kinds = !form.has_facets() && !q.trim().is_empty();
    let wants = |k: &str| kind.is_none_or(|w| w == k);
    if mastodon_kinds {
        sections.extend(mastodon(page, form, &q, kind, limit).await?);
    }
    let pln_kinds: Vec<SearchKind> = SearchKind::ALL
        .into_iter()
        .filter(|k| wants(k.as_str()))
        .collect();
    if !pln_kinds.is_empty() {
        sections.extend(pln(page, form, &q, kind, limit).await?);
    }
    Ok(sections)
}

/// People, posts and hashtags; a URL or handle is resolved remotely for the signed-in.
async fn mastodon(
    page: &Page,
    form: &SearchForm,
    q: &str,
    kind: Option<&str>,
    limit: u64,
) -> AppResult<Vec<Section>> {
    let data = &page.data;
    let viewer = page.me.as_ref().map(|m| &m.actor);
    let resolve = viewer.is_some();
    // Like Mastodon, only the signed-in page past the first results.
    let offset = match (kind, viewer) {
        (Some(_), Some(_)) => form
            .offset
            .as_deref()
            .and_then(|o| o.parse::<u64>().ok())
            .unwrap_or(0)
            .min(10_000),
        _ => 0,
    };
    let more = |k: &'static str, n: usize| -> Option<String> {
        match kind {
            None if n as u64 >= limit => Some(form.link(k, None)),
            Some(_) if n as u64 >= limit && viewer.is_some() => {
                Some(form.link(k, Some(("offset", (offset + limit).to_string()))))
            }
            _ => None,
        }
    };
    let wants = |k: &str| kind.is_none_or(|w| w == k);
    let mut sections = Vec::new();
    if wants("accounts") {
        let query = AccountQuery {
            q: q.to_string(),
            resolve,
            following_of: None,
            limit,
            offset,
        };
        let found = search::accounts(data, &query).await?;
        let n = found.len();
        let items = found.iter().map(person_card).collect();
        sections.push(Section {
            kind: "accounts",
            items,
            more: more("accounts", n),
            ..Default::default()
        });
    }
    if wants("statuses") {
        let query = StatusQuery {
            q: q.to_string(),
            resolve,
            account_id: None,
            limit,
            offset,
        };
        let found = search::statuses(data, viewer, &query).await?;
        let n = found.len();
        sections.push(Section {
            kind: "statuses",
            statuses: statuses(page, found).await?,
            more: more("statuses", n),
            ..Default::default()
        });
    }
    if wants("hashtags") && search::as_url(q).is_none() && search::as_handle(q).is_none() {
        let names = search::hashtags(data, q, limit, offset).await?;
        let n = names.len();
        let items = names
            .into_iter()
            .map(|name| {
                let link = form_urlencoded::Serializer::new(String::new())
                    .append_pair("q", &format!("#{name}"))
                    .append_pair("type", "statuses")
                    .finish();
                context! { title => format!("#{name}"), url => format!("/search?{link}") }
            })
            .collect();
        sections.push(Section {
            kind: "hashtags",
            items,
            more: more("hashtags", n),
            ..Default::default()
        });
    }
    Ok(sections)
}

fn person_card(a: &crate::db::entity::actor::Model) -> Value {
    context! {
        title => super::page::display_name(a),
        url => format!("/@{}", a.handle()),
        handle => a.handle(),
        excerpt => crate::text::html_to_plain_text(&a.summary).chars().take(200).collect::<String>(),
    }
}

/// Resources, offers, collections and circles, filtered; a pasted URL names one of them.
async fn pln(
    page: &Page,
    form: &SearchForm,
    q: &str,
    kind: Option<&str>,
    limit: u64,
) -> AppResult<Vec<Section>> {
    let data = &page.data;
    let signed_in = page.me.is_some();
    let mut hits = Vec::new();
    if let Some(url) = search::as_url(q) {
        if let Some(hit) = pln_search::resolve(data, &url, signed_in).await? {
            hits.push(hit);
        } else if let Some(offer) = resolve_offer(page, &url).await? {
            hits.push(Hit::Offer(offer));
        }
    } else {
        let query = PlnQuery {
            q: q.to_string(),
            kind: kind.map(SearchKind::parse).transpose()?,
            subject: filled(&form.subject),
            level: filled(&form.level),
            language: filled(&form.language),
            license: filled(&form.license),
            resource_type: filled(&form.resource_type),
            cursor: Cursor {
                max_id: form.max_id.as_deref().and_then(|m| m.trim().parse().ok()),
                limit,
                ..Default::default()
            },
            ..Default::default()
        };
        hits = pln_search::search(data, query).await?;
    }
    let mut resources = Vec::new();
    let mut offers = Vec::new();
    let mut collections = Vec::new();
    let mut circles = Vec::new();
    for hit in hits {
        match hit {
            Hit::Resource(r) => resources.push(r),
            Hit::Offer(o) => offers.push(o),
            Hit::Collection(c) => collections.push(c),
            Hit::Circle(c) => circles.push(*c),
        }
    }
    let mut ids: Vec<i64> = resources.iter().map(|r| r.author_id).collect();
    ids.extend(offers.iter().map(|o| o.author_id));
    ids.extend(collections.iter().map(|c| c.owner_id));
    let people: People = db::views::actors_by_ids(&data.db.read, &ids).await?;
    let lang = page.lang;
    let wants = |k: &str| kind.is_none_or(|w| w == k);
    let more = |k: &'static str, n: usize, last: Option<i64>| -> Option<String> {
        if (n as u64) < limit || search::as_url(q).is_some() {
            return None;
        }
        match kind {
            None => Some(form.link(k, None)),
            Some(_) => last.map(|id| form.link(k, Some(("max_id", id.to_string())))),
        }
    };
    let mut sections = Vec::new();
    let faceted_out = |k: SearchKind| {
        // A licence or resource type filters resources only (the service's own rule).
        (filled(&form.license).is_some() || filled(&form.resource_type).is_some())
            && k != SearchKind::Resources
    };
    if wants("resources") {
        sections.push(Section {
            kind: "resources",
            items: resources
                .iter()
                .map(|r| pln::resource_card(r, &people, lang))
                .collect(),
            more: more("resources", resources.len(), resources.last().map(|r| r.id)),
            ..Default::default()
        });
    }
    if wants("offers") && !faceted_out(SearchKind::Offers) {
        sections.push(Section {
            kind: "offers",
            items: offers
                .iter()
                .map(|o| pln::offer_card(o, &people, lang))
                .collect(),
            more: more("offers", offers.len(), offers.last().map(|o| o.id)),
            ..Default::default()
        });
    }
    if wants("collections") && !faceted_out(SearchKind::Collections) {
        sections.push(Section {
            kind: "collections",
            items: collections
                .iter()
                .map(|c| pln::collection_card(c, &people, lang))
                .collect(),
            more: more(
                "collections",
                collections.len(),
                collections.last().map(|c| c.id),
            ),
            ..Default::default()
        });
    }
    if wants("circles") && !faceted_out(SearchKind::Circles) {
        sections.push(Section {
            kind: "circles",
            items: circles.iter().map(pln::circle_card).collect(),
            more: more("circles", circles.len(), circles.last().map(|c| c.id)),
            ..Default::default()
        });
    }
    Ok(sections)
}

/// A mentorship offer named by `url`: one of ours, one this node has, or — for the signed-in —
/// fetched from its server (the Mastodon search stores what it resolves).
async fn resolve_offer(
    page: &Page,
    url: &url::Url,
) -> AppResult<Option<crate::db::entity::mentorship_offer::Model>> {
    let data = &page.data;
    if let Some(id) = data.urls.parse_offer(url.as_str()) {
        return Ok(db::mentorship::get_offer(&data.db.read, id).await.ok());
    }
    if let Some(o) = db::mentorship::find_offer_by_ap_id(&data.db.read, url.as_str()).await? {
        return Ok(Some(o));
    }
    if page.me.is_none() {
        return Ok(None);
    }
    // Stores the offer (and its status) when the URL is a Proposal.
    search::resolve_url(data, url, true).await?;
    db::mentorship::find_offer_by_ap_id(&data.db.read, url.as_str()).await
}
