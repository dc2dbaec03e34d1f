//! A curator's collection forms: "my collections" (`/collections`, with the creation form),
//! editing a collection's title, description and visibility, adding a resource (by its URL or
//! id, with a note; also from a resource's page), removing an item and moving it up or down
//! (no JavaScript: one button per move). Every rule lives in `service::collections`.
use super::{
    circles::{TokenForm, split_languages},
    collections::{back_to, page_path, parse_id},
    page::Page,
    render,
    settings::choices,
    timelines::see_other,
};
use crate::{
    api::form::{ApiForm, de},
    db::{self, paging::Cursor},
    error::{AppError, AppResult},
    service::{
        collections::{
            self, CollectionChanges, CollectionInput, Visibility,
            items::{self, ItemRef},
        },
        vocabulary::{LEVELS, SUBJECTS},
    },
};
use axum::{extract::Path, http::StatusCode, response::Response};
use minijinja::{Value, context, value::Serde};
use serde::{Deserialize, Serialize};

/// Collections listed on "my collections" (the service's maximum page).
const MINE_SHOWN: u64 = 80;

/// The creation form, as sent and as shown again.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct NewCollectionForm {
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
    #[serde(default, deserialize_with = "de::opt_string")]
    languages: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    visibility: Option<String>,
}

async fn render_mine(
    page: &Page,
    status: StatusCode,
    form: &NewCollectionForm,
    error: Option<String>,
) -> AppResult<Response> {
    let Some(me) = &page.me else {
        return Ok(see_other("/login"));
    };
    let cursor = Cursor {
        limit: MINE_SHOWN,
        ..Cursor::default()
    };
    let rows = collections::list_of(&page.data, Some(me.actor.id), me.actor.id, cursor).await?;
    let ids: Vec<i64> = rows.iter().map(|c| c.id).collect();
    let counts = db::collections::item_counts(&page.data.db.read, &ids).await?;
    let mine: Vec<Value> = rows
        .iter()
        .map(|c| {
            context! {
                title => c.title.clone(),
                path => page_path(c),
                visibility => c.visibility.clone(),
                items => counts.get(&c.id).copied().unwrap_or(0),
            }
        })
        .collect();
    page.render_status(
        status,
        "pages/collections.html",
        context! {
            mine, error,
            form => Value::from(Serde(form)),
            subjects => choices(SUBJECTS, page.lang),
            levels => choices(LEVELS, page.lang),
            visibilities => Visibility::ALL.iter().map(|v| Value::from(v.as_str())).collect::<Vec<_>>(),
        },
    )
}

/// The "Add to collection" form of resource `resource_id`'s page for the signed-in user (their
/// live collections; a link to create one when they have none); empty for visitors.
pub async fn add_to_collection_form(page: &Page, resource_id: i64) -> AppResult<String> {
    let Some(me) = &page.me else {
        return Ok(String::new());
    };
    let cursor = Cursor {
        limit: MINE_SHOWN,
        ..Cursor::default()
    };
    let rows = collections::list_of(&page.data, Some(me.actor.id), me.actor.id, cursor).await?;
    let list: Vec<Value> = rows
        .iter()
        .filter(|c| c.local && c.deleted_at.is_none())
        .map(|c| context! { id => c.id.to_string(), title => c.title.clone() })
        .collect();
    if list.is_empty() {
        return Ok(String::new());
    }
    render::render_string(
        "collection_add_form.html",
        context! {
            ..context! { collections => list, resource_id => resource_id.to_string() },
            ..page.base()
        },
    )
}

/// `GET /collections`: the signed-in user's collections and the creation form.
pub async fn mine(page: Page) -> AppResult<Response> {
    if let Err(to_login) = page.me() {
        return Ok(to_login);
    }
    let form = NewCollectionForm {
        visibility: Some("public".into()),
        ..NewCollectionForm::default()
    };
    render_mine(&page, StatusCode::OK, &form, None).await
}

/// `POST /collections`: creates a collection and shows it; the form again otherwise.
pub async fn create(page: Page, form: ApiForm<NewCollectionForm>) -> AppResult<Response> {
    let form = form.params;
    let me = match page.signed_in_form(form.csrf.as_deref()) {
        Ok(me) => me,
        Err(answer) => return Ok(answer),
    };
    let input = CollectionInput {
        title: form.title.clone().unwrap_or_default(),
        description: form.description.clone().unwrap_or_default(),
        subjects: form.subjects.clone(),
        levels: form.levels.clone(),
        languages: split_languages(form.languages.as_deref()),
        visibility: form.visibility.clone().filter(|v| !v.is_empty()),
    };
    match collections::create(&page.data, &me.actor, None, input).await {
        Ok(c) => Ok(see_other(&page_path(&c))),
        Err(e) if e.status().is_client_error() => {
            render_mine(
                &page,
                StatusCode::UNPROCESSABLE_ENTITY,
                &form,
                Some(e.to_string()),
            )
            .await
        }
        Err(e) => Err(e),
    }
}

/// The edit form of a collection's page.
#[derive(Debug, Default, Deserialize)]
pub struct EditForm {
    #[serde(default, deserialize_with = "de::opt_string")]
    csrf: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    title: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    description: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    visibility: Option<String>,
}

/// `POST /collections/{id}/edit` (the owner): title, description, visibility.
pub async fn edit(
    page: Page,
    Path(id): Path<String>,
    form: ApiForm<EditForm>,
) -> AppResult<Response> {
    let form = form.params;
    let me = match page.signed_in_form(form.csrf.as_deref()) {
        Ok(me) => me,
        Err(answer) => return Ok(answer),
    };
    let id = parse_id(&id)?;
    let changes = CollectionChanges {
        title: form.title,
        description: form.description,
        visibility: form.visibility.filter(|v| !v.is_empty()),
        ..CollectionChanges::default()
    };
    collections::edit(&page.data, &me.actor, id, changes).await?;
    back_to(&page, id).await
}

/// An item to add: a resource's URL or id (the resource page sends its id and the chosen
/// collection), with a note.
#[derive(Debug, Default, Deserialize)]
pub struct AddItemForm {
    #[serde(default, deserialize_with = "de::opt_string")]
    csrf: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    collection_id: Option<String>,
    /// A resource's URL, or this node's id of it.
    #[serde(default, deserialize_with = "de::opt_string")]
    resource: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    resource_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    note: Option<String>,
}

/// What the add form names: an id, or a URL to resolve.
fn item_ref(form: &AddItemForm) -> AppResult<ItemRef> {
    if let Some(id) = form.resource_id.as_deref().map(str::trim)
        && !id.is_empty()
    {
        return id
            .parse()
            .map(ItemRef::Id)
            .map_err(|_| AppError::Invalid("resource: not an id".into()));
    }
    let raw = form.resource.as_deref().unwrap_or("").trim();
    if raw.is_empty() {
        return Err(AppError::Invalid(
            "resource: give the resource's address or id".into(),
        ));
    }
    Ok(match raw.parse::<i64>() {
        Ok(id) => ItemRef::Id(id),
        Err(_) => ItemRef::Url(raw.to_string()),
    })
}

async fn add(page: Page, id: i64, form: AddItemForm) -> AppResult<Response> {
    let me = match page.signed_in_form(form.csrf.as_deref()) {
        Ok(me) => me,
        Err(answer) => return Ok(answer),
    };
    let what = item_ref(&form)?;
    let note = form.note.clone().unwrap_or_default();
    items::add(&page.data, &me.actor, id, what, &note).await?;
    back_to(&page, id).await
}

/// `POST /collections/{id}/items` (the owner): appends a resource.
pub async fn add_item(
    page: Page,
    Path(id): Path<String>,
    form: ApiForm<AddItemForm>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    add(page, id, form.params).await
}

/// `POST /collections/items`: the "Add to collection" form of a resource's page.
pub async fn add_from_resource(page: Page, form: ApiForm<AddItemForm>) -> AppResult<Response> {
    let id = parse_id(form.params.collection_id.as_deref().unwrap_or("").trim())?;
    add(page, id, form.params).await
}

/// `ids` with the item at `at` swapped with its neighbour (`up` or not), when there is one.
fn moved(ids: &[i64], at: usize, up: bool) -> Option<Vec<i64>> {
    let other = if up { at.checked_sub(1)? } else { at + 1 };
    if other >= ids.len() {
        return None;
    }
    let mut out = ids.to_vec();
    out.swap(at, other);
    Some(out)
}

/// `POST /collections/{id}/items/{item}/{remove|up|down}` (the owner).
pub async fn item_action(
    page: Page,
    Path((id, item, action)): Path<(String, String, String)>,
    form: ApiForm<TokenForm>,
) -> AppResult<Response> {
    let me = match page.signed_in_form(form.params.csrf.as_deref()) {
        Ok(me) => me,
        Err(answer) => return Ok(answer),
    };
    let id = parse_id(&id)?;
    let item: i64 = item
        .parse()
        .map_err(|_| AppError::not_found("item not found"))?;
    match action.as_str() {
        "remove" => {
            items::remove(&page.data, &me.actor, id, item).await?;
        }
        "up" | "down" => {
            let c = collections::own_collection(&page.data.db.read, &me.actor, id).await?;
            let ids: Vec<i64> = db::collections::items_of(&page.data.db.read, c.id)
                .await?
                .iter()
                .map(|i| i.id)
                .collect();
            let at = ids
                .iter()
                .position(|i| *i == item)
                .ok_or_else(|| AppError::not_found("item not found"))?;
            if let Some(order) = moved(&ids, at, action == "up") {
                items::reorder(&page.data, &me.actor, id, &order).await?;
            }
        }
        _ => return Err(AppError::not_found("page not found")),
    }
    back_to(&page, id).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moving_swaps_with_the_neighbour_inside_the_list() {
        assert_eq!(moved(&[1, 2, 3], 1, true), Some(vec![2, 1, 3]));
        assert_eq!(moved(&[1, 2, 3], 1, false), Some(vec![1, 3, 2]));
        assert_eq!(moved(&[1, 2, 3], 0, true), None);
        assert_eq!(moved(&[1, 2, 3], 2, false), None);
    }

    #[test]
    fn the_add_form_names_an_id_or_a_url() {
        let by_url = AddItemForm {
            resource: Some(" https://b.example/resources/1 ".into()),
            ..Default::default()
        };
        assert!(
            matches!(item_ref(&by_url), Ok(ItemRef::Url(u)) if u == "https://b.example/resources/1")
        );
        let by_id = AddItemForm {
            resource_id: Some("42".into()),
            ..Default::default()
        };
        assert!(matches!(item_ref(&by_id), Ok(ItemRef::Id(42))));
        let typed_id = AddItemForm {
            resource: Some("7".into()),
            ..Default::default()
        };
        assert!(matches!(item_ref(&typed_id), Ok(ItemRef::Id(7))));
        assert!(item_ref(&AddItemForm::default()).is_err());
        let junk = AddItemForm {
            resource_id: Some("x1".into()),
            ..Default::default()
        };
        assert!(item_ref(&junk).is_err());
    }
}
