//! The mentor's offer form: publish (`/mentorship/offers/new`), edit
//! (`/mentorship/offers/{id}/edit`) and close (`POST /mentorship/offers/{id}/close`) an offer
//! through `service::mentorship::offers`, as the PLN API does. A refused form is shown again
//! with what was typed and a translated message naming the field.
use super::{
    page::{Me, Page},
    pln::{self, FormError},
    timelines::see_other,
};
use crate::{
    api::form::{ApiForm, de},
    db::{self, entity::mentorship_offer as offer, mentorship::codes_of},
    error::{AppError, AppResult},
    service::{
        mentorship::offers::{self, OfferChanges, OfferInput},
        vocabulary,
    },
};
use axum::{extract::Path, http::StatusCode, response::Response};
use chrono::{DateTime, NaiveDate, Utc};
use minijinja::{Value, context, value::Serde};
use serde::{Deserialize, Serialize};

/// The offer form, as sent and as shown.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct OfferForm {
    #[serde(default, deserialize_with = "de::opt_string", skip_serializing)]
    csrf: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    title: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    description: Option<String>,
    #[serde(default, deserialize_with = "de::vec_string")]
    subjects: Vec<String>,
    #[serde(default, deserialize_with = "de::vec_string")]
    levels: Vec<String>,
    #[serde(default, deserialize_with = "de::vec_string")]
    languages: Vec<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    format: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    region: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    capacity: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(default, deserialize_with = "de::opt_string")]
    starts_at: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    ends_at: Option<String>,
}

/// A day (`2026-11-20`, midnight UTC); empty is none.
fn day(field: &str, raw: &Option<String>) -> AppResult<Option<DateTime<Utc>>> {
    let Some(raw) = raw.as_deref().map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(None);
    };
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| Some(t.and_utc()))
        .ok_or_else(|| AppError::Invalid(format!("{field} must be a date such as 2026-11-20")))
}

impl OfferForm {
    /// The form filled with an offer's values.
    fn of(o: &offer::Model) -> OfferForm {
        OfferForm {
            csrf: None,
            title: Some(o.title.clone()),
            description: Some(o.description.clone()),
            subjects: codes_of(&o.subjects),
            levels: codes_of(&o.levels),
            languages: codes_of(&o.languages),
            format: Some(o.format.clone()),
            region: o.region.clone(),
            capacity: Some(o.capacity.to_string()),
            starts_at: o.starts_at.map(|t| t.format("%Y-%m-%d").to_string()),
            ends_at: o.ends_at.map(|t| t.format("%Y-%m-%d").to_string()),
        }
    }

    fn capacity(&self) -> AppResult<i32> {
        let raw = self.capacity.as_deref().unwrap_or("").trim();
        if raw.is_empty() {
            return Ok(1);
        }
        raw.parse().map_err(|_| {
            AppError::Invalid(format!(
                "capacity must be between 1 and {}",
                offers::MAX_CAPACITY
            ))
        })
    }

    fn input(&self) -> AppResult<OfferInput> {
        Ok(OfferInput {
            title: self.title.clone().unwrap_or_default(),
            description: self.description.clone().unwrap_or_default(),
            subjects: self.subjects.clone(),
            levels: self.levels.clone(),
            languages: self.languages.clone(),
            format: self.format.clone().unwrap_or_default(),
            region: self.region.clone(),
            capacity: self.capacity()?,
            starts_at: day("starts_at", &self.starts_at)?,
            ends_at: day("ends_at", &self.ends_at)?,
        })
    }

    fn changes(&self) -> AppResult<OfferChanges> {
        let input = self.input()?;
        Ok(OfferChanges {
            title: Some(input.title),
            description: Some(input.description),
            subjects: Some(input.subjects),
            levels: Some(input.levels),
            languages: Some(input.languages),
            format: Some(input.format),
            // An emptied region clears it.
            region: Some(input.region.unwrap_or_default()),
            capacity: Some(input.capacity),
            // The form always sends both dates: an emptied one clears it.
            starts_at: Some(input.starts_at),
            ends_at: Some(input.ends_at),
        })
    }
}

/// Where the form posts: a new offer, or the edit of offer `id`.
fn render(
    page: &Page,
    status: StatusCode,
    form: &OfferForm,
    editing: Option<&offer::Model>,
    error: Option<FormError>,
) -> AppResult<Response> {
    let lang = page.lang;
    let action = match editing {
        Some(o) => format!("/mentorship/offers/{}/edit", o.id),
        None => "/mentorship/offers/new".to_string(),
    };
    page.render_status(
        status,
        "pages/offer_form.html",
        context! {
            action,
            editing => editing.map(|o| context! { id => o.id.to_string(), state => o.state.clone() }),
            form => Value::from(Serde(form)),
            error => error.as_ref().map(FormError::value),
            max_capacity => offers::MAX_CAPACITY,
            subjects => pln::choices(vocabulary::SUBJECTS, lang),
            levels => pln::choices(vocabulary::LEVELS, lang),
            formats => pln::choices(vocabulary::FORMATS, lang),
            languages_taught => pln::language_choices(lang),
        },
    )
}

/// `GET /mentorship/offers/new`: an empty form in the mentor's own facets.
pub async fn new_offer(page: Page) -> AppResult<Response> {
    let me = match page.me() {
        Ok(me) => me.clone(),
        Err(to_login) => return Ok(to_login),
    };
    let facets = crate::service::profiles::facets_of(&me.actor);
    let form = OfferForm {
        subjects: facets.subjects,
        levels: facets.levels,
        languages: facets.languages,
        region: facets.region,
        capacity: Some("1".into()),
        format: Some("online".into()),
        ..OfferForm::default()
    };
    render(&page, StatusCode::OK, &form, None, None)
}

/// `POST /mentorship/offers/new`: publishes and shows the offer's page.
pub async fn create_offer(page: Page, form: ApiForm<OfferForm>) -> AppResult<Response> {
    let form = form.params;
    let me = match page.signed_in_form(form.csrf.as_deref()) {
        Ok(me) => me,
        Err(answer) => return Ok(answer),
    };
    let result = match form.input() {
        Ok(input) => offers::publish_offer(&page.data, &me.actor, input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(o) => Ok(see_other(&format!("/mentorship/offers/{}", o.id))),
        Err(e) if pln::is_refusal(&e) => {
            let error = FormError::of(&e, page.lang);
            render(
                &page,
                StatusCode::UNPROCESSABLE_ENTITY,
                &form,
                None,
                Some(error),
            )
        }
        Err(e) => Err(e),
    }
}

/// The signed-in mentor's own local offer `id` (404 for anyone else's, as the service does).
async fn own_offer(page: &Page, me: &Me, id: &str) -> AppResult<offer::Model> {
    let id: i64 = id
        .parse()
        .map_err(|_| AppError::not_found("offer not found"))?;
    let o = db::mentorship::get_offer(&page.data.db.read, id).await?;
    if o.author_id != me.actor.id || !o.local {
        return Err(AppError::not_found("offer not found"));
    }
    Ok(o)
}

/// `GET /mentorship/offers/{id}/edit`.
pub async fn edit_offer(page: Page, Path(id): Path<String>) -> AppResult<Response> {
    let me = match page.me() {
        Ok(me) => me.clone(),
        Err(to_login) => return Ok(to_login),
    };
    let o = own_offer(&page, &me, &id).await?;
    render(&page, StatusCode::OK, &OfferForm::of(&o), Some(&o), None)
}

/// `POST /mentorship/offers/{id}/edit`.
pub async fn update_offer(
    page: Page,
    Path(id): Path<String>,
    form: ApiForm<OfferForm>,
) -> AppResult<Response> {
    let form = form.params;
    let me = match page.signed_in_form(form.csrf.as_deref()) {
        Ok(me) => me,
        Err(answer) => return Ok(answer),
    };
    let o = own_offer(&page, &me, &id).await?;
    let result = match form.changes() {
        Ok(changes) => offers::edit_offer(&page.data, &me.actor, o.id, changes).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(o) => Ok(see_other(&format!("/mentorship/offers/{}", o.id))),
        Err(e) if pln::is_refusal(&e) => {
            let error = FormError::of(&e, page.lang);
            render(
                &page,
                StatusCode::UNPROCESSABLE_ENTITY,
                &form,
                Some(&o),
                Some(error),
            )
        }
        Err(e) => Err(e),
    }
}

/// `POST /mentorship/offers/{id}/close`: no new requests; running mentorships go on.
pub async fn close_offer(
    page: Page,
    Path(id): Path<String>,
    form: ApiForm<pln::CsrfForm>,
) -> AppResult<Response> {
    let me = match page.signed_in_form(form.params.csrf.as_deref()) {
        Ok(me) => me,
        Err(answer) => return Ok(answer),
    };
    let o = own_offer(&page, &me, &id).await?;
    offers::close_offer(&page.data, &me.actor, o.id).await?;
    Ok(see_other(&format!("/mentorship/offers/{}", o.id)))
}
