//! Circle pages (FEP-1b12 groups, at the circle's own `/@name` for browsers): name,
//! description, facets, members count and the posts the circle announced, paged; joining and
//! leaving (an approval circle shows "request sent"); posting to the circle for members; for
//! its moderators the pending join requests (accept / reject) and the members (remove), each
//! paged by 20, a link to the edit form ([`super::circle_edit`]) and a "remove from circle"
//! button under each post. Also the list of circles (`/circles`) and the
//! creation form (`/circles/new`). Every rule lives in `service::circles`.
use super::{
    page::{Page, display_name},
    settings::choices,
    timelines::{Paging, next_link, see_other, statuses},
};
use crate::{
    api::{
        form::{ApiForm, de},
        pln::circles::entities,
    },
    db::{self, entity::actor, follows::Listing, paging::Cursor},
    error::{AppError, AppResult},
    service::{
        circles::{self, CircleFilter, NewCircle},
        posts::{NewPost, PostExtras},
        profiles::facet_fields,
        vocabulary::{LEVELS, SUBJECTS},
    },
    text,
};
use axum::{
    extract::{Path, Query},
    http::StatusCode,
    response::Response,
};
use minijinja::{Value, context, value::Serde};
use serde::{Deserialize, Serialize};

/// Join requests and members a moderator sees on one page.
const PEOPLE_SHOWN: u64 = 20;

/// `?members_max_id=` and `?requests_max_id=`: the moderator's pages of members and of join
/// requests (older than that follow id), each paged on its own.
#[derive(Debug, Default, Deserialize)]
pub struct PeoplePaging {
    #[serde(default)]
    members_max_id: Option<String>,
    #[serde(default)]
    requests_max_id: Option<String>,
}

impl PeoplePaging {
    fn cursor(&self, listing: Listing) -> Cursor {
        let raw = match listing {
            Listing::Requests => &self.requests_max_id,
            _ => &self.members_max_id,
        };
        Cursor {
            max_id: raw.as_deref().and_then(|m| m.trim().parse().ok()),
            limit: PEOPLE_SHOWN,
            ..Cursor::default()
        }
    }
}

/// `page`'s view of circle `group` (a `Group` actor): the circle page.
pub async fn circle_page(
    page: &Page,
    group: &actor::Model,
    paging: &Paging,
    people_paging: &PeoplePaging,
) -> AppResult<Response> {
    let data = &page.data;
    let view = circles::get(data, group.id).await?;
    let viewer = page.me.as_ref().map(|m| &m.actor);
    let is_moderator = match (&view.circle, viewer) {
        (Some(c), Some(v)) => c.is_moderator(v.id),
        _ => false,
    };
    let is_creator = match (&view.circle, viewer) {
        (Some(c), Some(v)) => c.creator_id == v.id,
        _ => false,
    };
    let entity = entities::circle(data, viewer, view.clone()).await?;
    let cursor = paging.cursor();
    let posts =
        db::posts::list_public_by_author(&data.db.read, group.id, cursor.max_id, cursor.limit)
            .await?;
    let handle = group.handle();
    let next = next_link(&format!("/@{handle}"), &posts, |p| p.id);
    let statuses = statuses(page, posts).await?;
    let facets: Vec<_> = facet_fields(group, page.lang)
        .into_iter()
        .map(|f| context! { name => f.name, value => f.value })
        .collect();
    let (mut requests, mut members) = (Vec::new(), Vec::new());
    let (mut requests_next, mut members_next) = (None, None);
    if is_moderator && let Some(me) = viewer {
        for listing in [Listing::Requests, Listing::Followers] {
            let cursor = people_paging.cursor(listing);
            let rows = circles::people(data, Some(me), group.id, listing, cursor).await?;
            let (param, anchor) = match listing {
                Listing::Requests => ("requests_max_id", "requests-h"),
                _ => ("members_max_id", "members-h"),
            };
            let next = (rows.len() as u64 >= PEOPLE_SHOWN)
                .then(|| {
                    rows.last()
                        .map(|(id, _)| format!("/@{handle}?{param}={id}#{anchor}"))
                })
                .flatten();
            match listing {
                Listing::Requests => requests_next = next,
                _ => members_next = next,
            }
            let people: Vec<Value> = rows
                .into_iter()
                .map(|(_, a)| {
                    context! {
                        id => a.id.to_string(),
                        handle => a.handle(),
                        display_name => display_name(&a),
                        creator => view.circle.as_ref().is_some_and(|c| c.creator_id == a.id),
                    }
                })
                .collect();
            match listing {
                Listing::Requests => requests = people,
                _ => members = people,
            }
        }
    }
    let query = page
        .here
        .as_deref()
        .and_then(|h| h.split_once('?'))
        .map(|(_, q)| q);
    let saved = query.is_some_and(|q| q.split('&').any(|p| p == "saved=1"));
    let notice = super::requests::notice(page.lang, query)
        .or_else(|| saved.then(|| super::i18n::tr(page.lang, "circle-saved")));
    page.render(
        "pages/circle.html",
        context! {
            statuses, next, facets, handle, requests, members, is_moderator, is_creator,
            requests_next, members_next, notice,
            circle => Value::from(Serde(&entity)),
            display_name => display_name(group),
            summary_text => text::html_to_plain_text(&group.summary),
            ap_id => group.ap_id.clone(),
            url => group.url.clone().unwrap_or_else(|| group.ap_id.clone()),
        },
    )
}

/// `?q=&max_id=` of the circle list.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    q: Option<String>,
    #[serde(default)]
    local: Option<String>,
    #[serde(default)]
    max_id: Option<String>,
}

/// `GET /circles`: the circles this node knows (local and remote), searchable.
pub async fn list(page: Page, Query(query): Query<ListQuery>) -> AppResult<Response> {
    let data = &page.data;
    let paging = Paging {
        max_id: query.max_id.clone(),
    };
    let local_only = query.local.as_deref() == Some("1");
    let filter = CircleFilter {
        local: local_only.then_some(true),
        ..CircleFilter::default()
    };
    let q = query.q.clone().unwrap_or_default();
    let views = circles::list(data, filter, &q, paging.cursor()).await?;
    let mut path = format!("/circles?q={}", urlencode(&q));
    if local_only {
        path.push_str("&local=1");
    }
    let next =
        next_link(&path, &views, |v| v.actor.id).map(|n| n.replacen("?max_id", "&max_id", 1));
    let viewer = page.me.as_ref().map(|m| &m.actor);
    let list = entities::circles(data, viewer, views).await?;
    let circles: Vec<Value> = list.iter().map(|c| Value::from(Serde(c))).collect();
    page.render(
        "pages/circles.html",
        context! { circles, next, q, local_only },
    )
}

/// Percent-encodes a query value.
pub(super) fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// The creation form, as sent and as shown again.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct CircleForm {
    #[serde(default, deserialize_with = "de::opt_string", skip_serializing)]
    csrf: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    display_name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    description: Option<String>,
    #[serde(default, deserialize_with = "de::vec_string")]
    subjects: Vec<String>,
    #[serde(default, deserialize_with = "de::vec_string")]
    levels: Vec<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    languages: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    region: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    visibility: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    rules: Option<String>,
}

/// Language tags typed as "fr, ar".
pub(super) fn split_languages(raw: Option<&str>) -> Vec<String> {
    raw.unwrap_or("")
        .split([',', ' '])
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

fn render_form(
    page: &Page,
    status: StatusCode,
    form: &CircleForm,
    error: Option<String>,
) -> AppResult<Response> {
    page.render_status(
        status,
        "pages/circle_new.html",
        context! {
            error,
            form => Value::from(Serde(form)),
            subjects => choices(SUBJECTS, page.lang),
            levels => choices(LEVELS, page.lang),
        },
    )
}

/// `GET /circles/new`.
pub async fn new_form(page: Page) -> AppResult<Response> {
    if let Err(to_login) = page.me() {
        return Ok(to_login);
    }
    let form = CircleForm {
        visibility: Some("public".into()),
        ..CircleForm::default()
    };
    render_form(&page, StatusCode::OK, &form, None)
}

/// `POST /circles`: creates the circle and shows it; the form again with the reason otherwise.
pub async fn create(page: Page, form: ApiForm<CircleForm>) -> AppResult<Response> {
    let form = form.params;
    let me = match page.signed_in_form(form.csrf.as_deref()) {
        Ok(me) => me,
        Err(answer) => return Ok(answer),
    };
    let new = NewCircle {
        name: form.name.clone().unwrap_or_default(),
        display_name: form.display_name.clone().unwrap_or_default(),
        description: form.description.clone().unwrap_or_default(),
        subjects: form.subjects.clone(),
        levels: form.levels.clone(),
        languages: split_languages(form.languages.as_deref()),
        region: form.region.clone().filter(|r| !r.trim().is_empty()),
        visibility: form.visibility.clone().filter(|v| !v.is_empty()),
        rules: form.rules.clone().unwrap_or_default(),
    };
    match circles::create(&page.data, &me.actor, new).await {
        Ok(view) => Ok(see_other(&format!("/@{}", view.actor.handle()))),
        Err(e) if e.status().is_client_error() => render_form(
            &page,
            StatusCode::UNPROCESSABLE_ENTITY,
            &form,
            Some(e.to_string()),
        ),
        Err(e) => Err(e),
    }
}

/// A form with only the CSRF token.
#[derive(Debug, Default, Deserialize)]
pub struct TokenForm {
    #[serde(default, deserialize_with = "de::opt_string")]
    pub csrf: Option<String>,
}

/// The path of the page of circle `id`.
pub(super) async fn circle_path(page: &Page, id: i64) -> AppResult<String> {
    let view = circles::get(&page.data, id).await?;
    Ok(format!("/@{}", view.actor.handle()))
}

/// Back to the circle's page.
async fn back_to(page: &Page, id: i64) -> AppResult<Response> {
    Ok(see_other(&circle_path(page, id).await?))
}

pub(super) fn parse_id(raw: &str) -> AppResult<i64> {
    raw.parse()
        .map_err(|_| AppError::not_found("circle not found"))
}

/// `POST /circles/{id}/join`: a member at once, or a request an approval circle answers.
pub async fn join(
    page: Page,
    Path(id): Path<String>,
    form: ApiForm<TokenForm>,
) -> AppResult<Response> {
    let me = match page.signed_in_form(form.params.csrf.as_deref()) {
        Ok(me) => me,
        Err(answer) => return Ok(answer),
    };
    let id = parse_id(&id)?;
    circles::join(&page.data, &me.actor, id).await?;
    back_to(&page, id).await
}

/// `POST /circles/{id}/leave` (also withdraws a join request).
pub async fn leave(
    page: Page,
    Path(id): Path<String>,
    form: ApiForm<TokenForm>,
) -> AppResult<Response> {
    let me = match page.signed_in_form(form.params.csrf.as_deref()) {
        Ok(me) => me,
        Err(answer) => return Ok(answer),
    };
    let id = parse_id(&id)?;
    circles::leave(&page.data, &me.actor, id).await?;
    back_to(&page, id).await
}

/// The composer of a circle page.
#[derive(Debug, Default, Deserialize)]
pub struct CirclePostForm {
    #[serde(default, deserialize_with = "de::opt_string")]
    csrf: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    status: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    spoiler_text: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    visibility: Option<String>,
}

/// `POST /circles/{id}/post`: a member posts to the circle (public or unlisted); the new
/// post's thread is shown.
pub async fn post_to(
    page: Page,
    Path(id): Path<String>,
    form: ApiForm<CirclePostForm>,
) -> AppResult<Response> {
    let form = form.params;
    let me = match page.signed_in_form(form.csrf.as_deref()) {
        Ok(me) => me,
        Err(answer) => return Ok(answer),
    };
    let spoiler = form.spoiler_text.filter(|s| !s.trim().is_empty());
    let new = NewPost {
        text: form.status.unwrap_or_default(),
        sensitive: spoiler.is_some() || me.user.default_sensitive,
        spoiler_text: spoiler,
        visibility: form
            .visibility
            .filter(|v| v == "unlisted")
            .unwrap_or_else(|| "public".into()),
        language: me.user.default_language.clone(),
        in_reply_to_id: None,
    };
    let post = circles::posts::post(
        &page.data,
        &me.actor,
        parse_id(&id)?,
        new,
        PostExtras::default(),
    )
    .await?;
    Ok(see_other(&format!("/web/statuses/{}", post.id)))
}

/// `POST /circles/{id}/requests/{account}/{accept|reject}` (moderators).
pub async fn answer_request(
    page: Page,
    Path((id, account, answer)): Path<(String, String, String)>,
    form: ApiForm<TokenForm>,
) -> AppResult<Response> {
    let (id, account) = (parse_id(&id)?, parse_id(&account)?);
    let csrf = form.params.csrf.as_deref();
    super::requests::answer(&page, csrf, &answer, async |me, accept| {
        if accept {
            circles::authorize(&page.data, &me.actor, id, account).await?;
        } else {
            circles::reject(&page.data, &me.actor, id, account).await?;
        }
        circle_path(&page, id).await
    })
    .await
}

/// `POST /circles/{id}/members/{account}/remove` (moderators).
pub async fn remove_member(
    page: Page,
    Path((id, account)): Path<(String, String)>,
    form: ApiForm<TokenForm>,
) -> AppResult<Response> {
    let me = match page.signed_in_form(form.params.csrf.as_deref()) {
        Ok(me) => me,
        Err(answer) => return Ok(answer),
    };
    let id = parse_id(&id)?;
    circles::remove_member(&page.data, &me.actor, id, parse_id(&account)?).await?;
    back_to(&page, id).await
}

/// `POST /circles/{id}/statuses/{post}/remove` (moderators): takes a post out of the circle.
pub async fn remove_post(
    page: Page,
    Path((id, post)): Path<(String, String)>,
    form: ApiForm<TokenForm>,
) -> AppResult<Response> {
    let me = match page.signed_in_form(form.params.csrf.as_deref()) {
        Ok(me) => me,
        Err(answer) => return Ok(answer),
    };
    let id = parse_id(&id)?;
    circles::posts::remove_post(&page.data, &me.actor, id, parse_id(&post)?).await?;
    back_to(&page, id).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_are_split_on_commas_and_spaces() {
        assert_eq!(split_languages(Some("fr, ar  en")), ["fr", "ar", "en"]);
        assert!(split_languages(Some(" , ")).is_empty());
        assert!(split_languages(None).is_empty());
    }

    #[test]
    fn query_values_are_encoded() {
        assert_eq!(urlencode("a b&c=d"), "a+b%26c%3Dd");
        assert_eq!(urlencode("رياضيات").len(), 42);
    }
}
