//! Mentorship pages: an offer's page (what a browser gets at the offer's URL; remote offers
//! this node knows have theirs here too) with the request form for signed-in visitors who are
//! not the mentor and the incoming requests with accept/decline for the mentor; and the
//! directory `/mentorship` of offers across the federation with filters, and suggestions with
//! the reason for each for the signed-in.
use super::{
    i18n::tr,
    page::{Page, display_name},
    pln::{self, FormError, People},
};
use crate::{
    AppState,
    db::{
        self,
        entity::{actor, mentorship_offer as offer},
        mentorship::{OfferFilter, codes_of},
        paging::Cursor,
    },
    error::AppResult,
    service::{
        mentorship::{notes, offers, suggestions},
        vocabulary,
    },
    text,
};
use activitypub_federation::config::Data;
use axum::{
    extract::Query,
    http::{HeaderMap, StatusCode},
    response::Response,
};
use minijinja::{Value, context, value::Serde};
use serde::{Deserialize, Serialize};

/// How many suggestions the directory shows.
const SUGGESTIONS: usize = 5;

/// What a visitor typed in the request form (shown again when it is refused).
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
pub struct RequestDraft {
    #[serde(default)]
    pub message: String,
    /// One goal per line.
    #[serde(default)]
    pub goals: String,
}

/// The page of `o` by `author`, in the visitor's language.
pub async fn offer_page(
    data: &Data<AppState>,
    headers: &HeaderMap,
    author: &actor::Model,
    o: &offer::Model,
) -> AppResult<Response> {
    let page = Page::from_headers(data, headers).await?;
    render_offer(
        &page,
        author,
        o,
        StatusCode::OK,
        &RequestDraft::default(),
        None,
    )
    .await
}

/// The offer's page with the request form filled with `draft` and `error` above it.
pub async fn render_offer(
    page: &Page,
    author: &actor::Model,
    o: &offer::Model,
    status: StatusCode,
    draft: &RequestDraft,
    error: Option<FormError>,
) -> AppResult<Response> {
    let data = &page.data;
    let lang = page.lang;
    let description = text::render_local_status(&o.description, &|_| None, &|t| data.urls.tag(t));
    let own = page.me.as_ref().is_some_and(|m| m.actor.id == o.author_id);
    // The mentor sees the requests waiting for an answer.
    let mut incoming = Vec::new();
    if own {
        let pending = db::mentorship::pending_requests_of(&data.db.read, o.id).await?;
        let ids: Vec<i64> = pending.iter().map(|r| r.mentee_id).collect();
        let people: People = db::views::actors_by_ids(&data.db.read, &ids).await?;
        for r in &pending {
            let (name, handle) = people
                .get(&r.mentee_id)
                .map(|a| (display_name(a), a.handle()))
                .unwrap_or_default();
            incoming.push(context! {
                id => r.id.to_string(),
                mentee => name, handle,
                message => r.message.clone(),
                goals => codes_of(&r.goals),
                created_at => r.created_at.to_rfc3339(),
            });
        }
    }
    // A visitor's own request that still stands, and its mentorship once accepted.
    let mut mine = None;
    if let Some(me) = page.me.as_ref().filter(|_| !own)
        && let Some(r) =
            db::mentorship::find_open_request_of(&data.db.read, o.id, me.actor.id).await?
    {
        let space = db::mentorship::agreement_ids_by_request(&data.db.read, &[r.id])
            .await?
            .get(&r.id)
            .map(|id| format!("/mentorship/{id}"));
        mine = Some(context! { id => r.id.to_string(), state => r.state.clone(), space });
    }
    let excerpt: String = o.title.chars().take(140).collect();
    page.render_status(
        status,
        "pages/offer.html",
        context! {
            own, incoming, mine, excerpt, description,
            id => o.id.to_string(),
            title => o.title.clone(),
            facets => notes::facets_line(o, lang),
            state => o.state.clone(),
            local => o.local,
            starts_at => o.starts_at.map(|t| t.to_rfc3339()),
            ends_at => o.ends_at.map(|t| t.to_rfc3339()),
            display_name => display_name(author),
            handle => author.handle(),
            profile_url => format!("/@{}", author.handle()),
            ap_id => o.ap_id.clone(),
            url => o.url.clone().unwrap_or_else(|| o.ap_id.clone()),
            published => o.published_at.to_rfc3339(),
            draft => Value::from(Serde(draft)),
            error => error.as_ref().map(FormError::value),
        },
    )
}

/// The directory filters, as sent and shown again.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct DirectoryForm {
    #[serde(default)]
    subject: Option<String>,
    #[serde(default)]
    level: Option<String>,
    #[serde(default)]
    language: Option<String>,
    #[serde(default)]
    format: Option<String>,
    #[serde(default)]
    region: Option<String>,
    #[serde(default)]
    open_only: Option<String>,
    #[serde(default, skip_serializing)]
    max_id: Option<String>,
}

fn filled(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

impl DirectoryForm {
    fn filter(&self) -> OfferFilter {
        OfferFilter {
            subject: filled(&self.subject),
            level: filled(&self.level),
            language: filled(&self.language),
            region: filled(&self.region),
            format: filled(&self.format),
            open_only: self.open_only.as_deref().is_some_and(|v| !v.is_empty()),
            author_id: None,
        }
    }

    fn next(&self, last: i64) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        for (name, value) in [
            ("subject", &self.subject),
            ("level", &self.level),
            ("language", &self.language),
            ("format", &self.format),
            ("region", &self.region),
            ("open_only", &self.open_only),
        ] {
            if let Some(v) = filled(value) {
                q.append_pair(name, &v);
            }
        }
        q.append_pair("max_id", &last.to_string());
        format!("/mentorship?{}", q.finish())
    }
}

/// `GET /mentorship`: the directory across the federation, and suggestions for the signed-in.
pub async fn directory(page: Page, Query(form): Query<DirectoryForm>) -> AppResult<Response> {
    let data = &page.data;
    let lang = page.lang;
    let cursor = Cursor {
        max_id: form.max_id.as_deref().and_then(|m| m.trim().parse().ok()),
        limit: pln::PAGE_SIZE,
        ..Default::default()
    };
    let (rows, error) = match offers::directory(data, form.filter(), cursor).await {
        Ok(rows) => (rows, None),
        Err(e) if pln::is_refusal(&e) => (Vec::new(), Some(FormError::of(&e, lang))),
        Err(e) => return Err(e),
    };
    let next = (rows.len() as u64 >= pln::PAGE_SIZE)
        .then(|| rows.last().map(|o| form.next(o.id)))
        .flatten();
    let ranked = match &page.me {
        Some(me) => suggestions::suggestions(data, &me.actor, SUGGESTIONS, lang).await?,
        None => Vec::new(),
    };
    let mut ids: Vec<i64> = rows.iter().map(|o| o.author_id).collect();
    ids.extend(ranked.iter().map(|s| s.offer.author_id));
    let people: People = db::views::actors_by_ids(&data.db.read, &ids).await?;
    let offers: Vec<Value> = rows
        .iter()
        .map(|o| pln::offer_card(o, &people, lang))
        .collect();
    let suggested: Vec<Value> = ranked
        .iter()
        .map(|s| {
            context! {
                card => pln::offer_card(&s.offer, &people, lang),
                reasons => s.reasons.iter().map(|r| r.text.clone()).collect::<Vec<_>>(),
            }
        })
        .collect();
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    page.render_status(
        status,
        "pages/mentorship.html",
        context! {
            offers, suggested, next,
            heading => tr(lang, "mentorship-heading"),
            form => Value::from(Serde(&form)),
            error => error.as_ref().map(FormError::value),
            subjects => pln::choices(vocabulary::SUBJECTS, lang),
            levels => pln::choices(vocabulary::LEVELS, lang),
            formats => pln::choices(vocabulary::FORMATS, lang),
            languages_taught => pln::language_choices(lang),
        },
    )
}
