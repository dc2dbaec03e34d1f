//! Content filters (Mastodon filters v2, with the v1 API as a view of one keyword each): CRUD
//! with keywords and filtered statuses, the active filters of a context ([`active_for`]) and how
//! a keyword matches ([`keyword_regex`]). Marking statuses (`filtered`) is the API's
//! `mastodon::filtering`. Filters belong to the owner's actor id.
use crate::{
    AppState,
    db::{
        self,
        entity::{filter, filter_keyword, filter_status},
    },
    error::{AppError, AppResult},
};
use activitypub_federation::config::Data;
use chrono::{Duration, Utc};
use regex::Regex;
use sea_orm::{ActiveValue::Unchanged, Set, TransactionTrait};

/// Where a filter applies.
pub const CONTEXTS: [&str; 5] = ["home", "notifications", "public", "thread", "account"];
/// What a filter does: show a warning, hide the status, or blur its media.
pub const ACTIONS: [&str; 3] = ["warn", "hide", "blur"];
/// Longest title or keyword, in characters.
const MAX_TEXT: usize = 256;

/// A filter with its contexts, keywords and statuses.
#[derive(Debug, Clone)]
pub struct FilterView {
    pub filter: filter::Model,
    pub context: Vec<String>,
    pub keywords: Vec<filter_keyword::Model>,
    pub statuses: Vec<filter_status::Model>,
}

/// A keyword to add, change (`id`) or remove (`id` + `destroy`).
#[derive(Debug, Clone, Default)]
pub struct KeywordInput {
    pub id: Option<i64>,
    pub keyword: Option<String>,
    pub whole_word: Option<bool>,
    pub destroy: bool,
}

/// Fields of a filter to create or change; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct FilterInput {
    pub title: Option<String>,
    pub context: Option<Vec<String>>,
    pub action: Option<String>,
    /// `Some(None)`: never expires; `Some(Some(s))`: expires in `s` seconds.
    pub expires_in: Option<Option<i64>>,
    pub keywords: Vec<KeywordInput>,
}

/// A v1 filter: one phrase.
#[derive(Debug, Clone, Default)]
pub struct V1Input {
    pub phrase: Option<String>,
    pub context: Option<Vec<String>>,
    pub irreversible: Option<bool>,
    pub whole_word: Option<bool>,
    pub expires_in: Option<Option<i64>>,
}

fn check_text(what: &str, value: &str) -> AppResult<String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(AppError::Invalid(format!(
            "Validation failed: {what} can't be blank"
        )));
    }
    if value.chars().count() > MAX_TEXT {
        return Err(AppError::Invalid(format!(
            "Validation failed: {what} is too long (maximum is {MAX_TEXT} characters)"
        )));
    }
    Ok(value.to_string())
}

fn check_context(context: &[String]) -> AppResult<String> {
    let mut list: Vec<&str> = Vec::new();
    for c in context {
        let c = c.trim();
        if !CONTEXTS.contains(&c) {
            return Err(AppError::Invalid(format!(
                "Validation failed: Context {c:?} is not one of {}",
                CONTEXTS.join(", ")
            )));
        }
        if !list.contains(&c) {
            list.push(c);
        }
    }
    if list.is_empty() {
        return Err(AppError::Invalid(
            "Validation failed: Context can't be blank".into(),
        ));
    }
    serde_json::to_string(&list).map_err(|e| AppError::Internal(e.into()))
}

fn check_action(action: &str) -> AppResult<String> {
    if ACTIONS.contains(&action) {
        Ok(action.to_string())
    } else {
        Err(AppError::Invalid(format!(
            "filter_action must be one of {}",
            ACTIONS.join(", ")
        )))
    }
}

fn expiry(expires_in: Option<i64>) -> AppResult<Option<chrono::DateTime<Utc>>> {
    match expires_in {
        None => Ok(None),
        Some(s) if s > 0 && s <= 10 * 365 * 86_400 => Ok(Some(Utc::now() + Duration::seconds(s))),
        Some(_) => Err(AppError::Invalid(
            "expires_in must be a positive number of seconds".into(),
        )),
    }
}

/// The contexts stored on a filter row.
pub fn contexts_of(f: &filter::Model) -> Vec<String> {
    serde_json::from_str(&f.context).unwrap_or_default()
}

async fn views(
    db: &impl sea_orm::ConnectionTrait,
    filters: Vec<filter::Model>,
) -> AppResult<Vec<FilterView>> {
    let ids: Vec<i64> = filters.iter().map(|f| f.id).collect();
    let keywords = db::filters::keywords_of(db, &ids).await?;
    let statuses = db::filters::statuses_of(db, &ids).await?;
    Ok(filters
        .into_iter()
        .map(|f| FilterView {
            context: contexts_of(&f),
            keywords: keywords
                .iter()
                .filter(|k| k.filter_id == f.id)
                .cloned()
                .collect(),
            statuses: statuses
                .iter()
                .filter(|s| s.filter_id == f.id)
                .cloned()
                .collect(),
            filter: f,
        })
        .collect())
}

/// The owner's filters (expired ones included, as Mastodon lists them).
pub async fn list(data: &Data<AppState>, owner_id: i64) -> AppResult<Vec<FilterView>> {
    let filters = db::filters::of_owner(&data.db.read, owner_id, false).await?;
    views(&data.db.read, filters).await
}

async fn own_filter(
    db: &impl sea_orm::ConnectionTrait,
    owner_id: i64,
    id: i64,
) -> AppResult<filter::Model> {
    db::filters::find(db, id)
        .await?
        .filter(|f| f.owner_id == owner_id)
        .ok_or_else(|| AppError::not_found("Record not found"))
}

/// One of the owner's filters.
pub async fn get(data: &Data<AppState>, owner_id: i64, id: i64) -> AppResult<FilterView> {
    let f = own_filter(&data.db.read, owner_id, id).await?;
    let mut list = views(&data.db.read, vec![f]).await?;
    list.pop()
        .ok_or_else(|| AppError::not_found("Record not found"))
}

async fn apply_keywords(
    txn: &impl sea_orm::ConnectionTrait,
    data: &Data<AppState>,
    filter_id: i64,
    keywords: Vec<KeywordInput>,
) -> AppResult<()> {
    let existing = db::filters::keywords_of(txn, &[filter_id]).await?;
    for k in keywords {
        match k.id {
            Some(id) => {
                let Some(row) = existing.iter().find(|e| e.id == id) else {
                    return Err(AppError::not_found("Record not found"));
                };
                if k.destroy {
                    db::filters::delete_keyword(txn, row.id).await?;
                    continue;
                }
                let mut update = filter_keyword::ActiveModel {
                    id: Unchanged(row.id),
                    ..Default::default()
                };
                if let Some(word) = &k.keyword {
                    update.keyword = Set(check_text("Keyword", word)?);
                }
                if let Some(whole) = k.whole_word {
                    update.whole_word = Set(whole);
                }
                if k.keyword.is_some() || k.whole_word.is_some() {
                    db::filters::update_keyword(txn, update).await?;
                }
            }
            None if k.destroy => {}
            None => {
                let word = check_text("Keyword", k.keyword.as_deref().unwrap_or_default())?;
                db::filters::insert_keyword(
                    txn,
                    filter_keyword::ActiveModel {
                        id: Set(data.ids.next()),
                        filter_id: Set(filter_id),
                        keyword: Set(word),
                        whole_word: Set(k.whole_word.unwrap_or(true)),
                    },
                )
                .await?;
            }
        }
    }
    Ok(())
}

/// Creates a filter with its keywords.
pub async fn create(
    data: &Data<AppState>,
    owner_id: i64,
    input: FilterInput,
) -> AppResult<FilterView> {
    let title = check_text("Title", input.title.as_deref().unwrap_or_default())?;
    let context = check_context(&input.context.unwrap_or_default())?;
    let action = check_action(input.action.as_deref().unwrap_or("warn"))?;
    let expires_at = expiry(input.expires_in.flatten())?;
    let id = data.ids.next();
    let txn = data.db.write.begin().await?;
    db::filters::insert(
        &txn,
        filter::ActiveModel {
            id: Set(id),
            owner_id: Set(owner_id),
            title: Set(title),
            context: Set(context),
            action: Set(action),
            expires_at: Set(expires_at),
            created_at: Set(Utc::now()),
        },
    )
    .await?;
    apply_keywords(&txn, data, id, input.keywords).await?;
    txn.commit().await?;
    get(data, owner_id, id).await
}

/// Changes a filter and adds, changes or removes its keywords.
pub async fn update(
    data: &Data<AppState>,
    owner_id: i64,
    id: i64,
    input: FilterInput,
) -> AppResult<FilterView> {
    let txn = data.db.write.begin().await?;
    let current = own_filter(&txn, owner_id, id).await?;
    let mut row = filter::ActiveModel {
        id: Unchanged(current.id),
        ..Default::default()
    };
    let mut changed = false;
    if let Some(title) = &input.title {
        row.title = Set(check_text("Title", title)?);
        changed = true;
    }
    if let Some(context) = &input.context {
        row.context = Set(check_context(context)?);
        changed = true;
    }
    if let Some(action) = &input.action {
        row.action = Set(check_action(action)?);
        changed = true;
    }
    if let Some(expires_in) = input.expires_in {
        row.expires_at = Set(expiry(expires_in)?);
        changed = true;
    }
    if changed {
        db::filters::update(&txn, row).await?;
    }
    apply_keywords(&txn, data, id, input.keywords).await?;
    txn.commit().await?;
    get(data, owner_id, id).await
}

/// Deletes a filter with its keywords and statuses.
pub async fn delete(data: &Data<AppState>, owner_id: i64, id: i64) -> AppResult<()> {
    let txn = data.db.write.begin().await?;
    let f = own_filter(&txn, owner_id, id).await?;
    db::filters::delete(&txn, f.id).await?;
    txn.commit().await?;
    Ok(())
}

/// The keywords of one of the owner's filters.
pub async fn keywords(
    data: &Data<AppState>,
    owner_id: i64,
    filter_id: i64,
) -> AppResult<Vec<filter_keyword::Model>> {
    let f = own_filter(&data.db.read, owner_id, filter_id).await?;
    db::filters::keywords_of(&data.db.read, &[f.id]).await
}

/// Adds a keyword to a filter.
pub async fn add_keyword(
    data: &Data<AppState>,
    owner_id: i64,
    filter_id: i64,
    keyword: &str,
    whole_word: Option<bool>,
) -> AppResult<filter_keyword::Model> {
    let f = own_filter(&data.db.read, owner_id, filter_id).await?;
    db::filters::insert_keyword(
        &data.db.write,
        filter_keyword::ActiveModel {
            id: Set(data.ids.next()),
            filter_id: Set(f.id),
            keyword: Set(check_text("Keyword", keyword)?),
            whole_word: Set(whole_word.unwrap_or(true)),
        },
    )
    .await
}

/// One keyword of the owner's filters.
pub async fn get_keyword(
    data: &Data<AppState>,
    owner_id: i64,
    id: i64,
) -> AppResult<filter_keyword::Model> {
    let k = db::filters::find_keyword(&data.db.read, id)
        .await?
        .ok_or_else(|| AppError::not_found("Record not found"))?;
    own_filter(&data.db.read, owner_id, k.filter_id).await?;
    Ok(k)
}

/// Changes a keyword.
pub async fn update_keyword(
    data: &Data<AppState>,
    owner_id: i64,
    id: i64,
    keyword: Option<String>,
    whole_word: Option<bool>,
) -> AppResult<filter_keyword::Model> {
    let k = get_keyword(data, owner_id, id).await?;
    if keyword.is_none() && whole_word.is_none() {
        return Ok(k);
    }
    let mut row = filter_keyword::ActiveModel {
        id: Unchanged(k.id),
        ..Default::default()
    };
    if let Some(word) = keyword {
        row.keyword = Set(check_text("Keyword", &word)?);
    }
    if let Some(whole) = whole_word {
        row.whole_word = Set(whole);
    }
    db::filters::update_keyword(&data.db.write, row).await
}

/// Removes a keyword.
pub async fn delete_keyword(data: &Data<AppState>, owner_id: i64, id: i64) -> AppResult<()> {
    let k = get_keyword(data, owner_id, id).await?;
    db::filters::delete_keyword(&data.db.write, k.id).await
}

/// The statuses of one of the owner's filters.
pub async fn statuses(
    data: &Data<AppState>,
    owner_id: i64,
    filter_id: i64,
) -> AppResult<Vec<filter_status::Model>> {
    let f = own_filter(&data.db.read, owner_id, filter_id).await?;
    db::filters::statuses_of(&data.db.read, &[f.id]).await
}

/// Adds a status to a filter (a status the owner can see).
pub async fn add_status(
    data: &Data<AppState>,
    owner: &crate::db::entity::actor::Model,
    filter_id: i64,
    status_id: i64,
) -> AppResult<filter_status::Model> {
    let f = own_filter(&data.db.read, owner.id, filter_id).await?;
    let post = db::views::posts_by_ids(&data.db.read, &[status_id])
        .await?
        .remove(&status_id)
        .ok_or_else(|| AppError::not_found("Record not found"))?;
    if !crate::service::posts::can_see(data, Some(owner), &post).await? {
        return Err(AppError::not_found("Record not found"));
    }
    let existing = db::filters::statuses_of(&data.db.read, &[f.id]).await?;
    if existing.iter().any(|s| s.post_id == post.id) {
        return Err(AppError::Invalid(
            "Validation failed: Status has already been taken".into(),
        ));
    }
    db::filters::insert_status(
        &data.db.write,
        filter_status::ActiveModel {
            id: Set(data.ids.next()),
            filter_id: Set(f.id),
            post_id: Set(post.id),
        },
    )
    .await
}

/// One filtered status of the owner's filters.
pub async fn get_status(
    data: &Data<AppState>,
    owner_id: i64,
    id: i64,
) -> AppResult<filter_status::Model> {
    let s = db::filters::find_status(&data.db.read, id)
        .await?
        .ok_or_else(|| AppError::not_found("Record not found"))?;
    own_filter(&data.db.read, owner_id, s.filter_id).await?;
    Ok(s)
}

/// Removes a filtered status.
pub async fn delete_status(data: &Data<AppState>, owner_id: i64, id: i64) -> AppResult<()> {
    let s = get_status(data, owner_id, id).await?;
    db::filters::delete_status(&data.db.write, s.id).await
}

/// v1 filters: one per keyword of the owner's filters, with the keyword's id.
pub async fn v1_list(
    data: &Data<AppState>,
    owner_id: i64,
) -> AppResult<Vec<(filter::Model, filter_keyword::Model)>> {
    Ok(list(data, owner_id)
        .await?
        .into_iter()
        .flat_map(|v| {
            let f = v.filter;
            v.keywords.into_iter().map(move |k| (f.clone(), k))
        })
        .collect())
}

/// One v1 filter by its keyword id.
pub async fn v1_get(
    data: &Data<AppState>,
    owner_id: i64,
    keyword_id: i64,
) -> AppResult<(filter::Model, filter_keyword::Model)> {
    let k = get_keyword(data, owner_id, keyword_id).await?;
    let f = own_filter(&data.db.read, owner_id, k.filter_id).await?;
    Ok((f, k))
}

/// Creates a v1 filter: a filter titled with the phrase, holding that one keyword.
pub async fn v1_create(
    data: &Data<AppState>,
    owner_id: i64,
    input: V1Input,
) -> AppResult<(filter::Model, filter_keyword::Model)> {
    let phrase = check_text("Phrase", input.phrase.as_deref().unwrap_or_default())?;
    let view = create(
        data,
        owner_id,
        FilterInput {
            title: Some(phrase.clone()),
            context: input.context,
            action: Some(
                if input.irreversible == Some(true) {
                    "hide"
                } else {
                    "warn"
                }
                .into(),
            ),
            expires_in: input.expires_in,
            keywords: vec![KeywordInput {
                keyword: Some(phrase),
                whole_word: Some(input.whole_word.unwrap_or(true)),
                ..Default::default()
            }],
        },
    )
    .await?;
    let keyword = view
        .keywords
        .into_iter()
        .next()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("the new filter has no keyword")))?;
    Ok((view.filter, keyword))
}

/// Changes a v1 filter: its keyword, and its filter's context, action and expiry.
pub async fn v1_update(
    data: &Data<AppState>,
    owner_id: i64,
    keyword_id: i64,
    input: V1Input,
) -> AppResult<(filter::Model, filter_keyword::Model)> {
    let (f, k) = v1_get(data, owner_id, keyword_id).await?;
    update(
        data,
        owner_id,
        f.id,
        FilterInput {
            title: None,
            context: input.context,
            action: input
                .irreversible
                .map(|hide| if hide { "hide" } else { "warn" }.to_string()),
            expires_in: input.expires_in,
            keywords: vec![KeywordInput {
                id: Some(k.id),
                keyword: input.phrase,
                whole_word: input.whole_word,
                destroy: false,
            }],
        },
    )
    .await?;
    v1_get(data, owner_id, keyword_id).await
}

/// Deletes a v1 filter: its keyword, and the filter once it has no keyword or status left.
pub async fn v1_delete(data: &Data<AppState>, owner_id: i64, keyword_id: i64) -> AppResult<()> {
    let (f, k) = v1_get(data, owner_id, keyword_id).await?;
    let txn = data.db.write.begin().await?;
    db::filters::delete_keyword(&txn, k.id).await?;
    let left = db::filters::keywords_of(&txn, &[f.id]).await?.len()
        + db::filters::statuses_of(&txn, &[f.id]).await?.len();
    if left == 0 {
        db::filters::delete(&txn, f.id).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// A keyword compiled as Mastodon matches it: case-insensitive, and with word boundaries at
/// the ends that are word characters when `whole_word`.
pub fn keyword_regex(keyword: &str, whole_word: bool) -> Option<Regex> {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    let escaped = regex::escape(keyword);
    let pattern = if whole_word {
        let start = if keyword.chars().next().is_some_and(is_word) {
            r"\b"
        } else {
            ""
        };
        let end = if keyword.chars().last().is_some_and(is_word) {
            r"\b"
        } else {
            ""
        };
        format!("(?i){start}{escaped}{end}")
    } else {
        format!("(?i){escaped}")
    };
    Regex::new(&pattern).ok()
}

/// The viewer's active filters for `context` (home, notifications, public, thread, account),
/// loaded once per page.
pub async fn active_for(
    data: &Data<AppState>,
    viewer_actor_id: i64,
    context: &str,
) -> AppResult<Vec<FilterView>> {
    let filters = db::filters::of_owner(&data.db.read, viewer_actor_id, true).await?;
    Ok(views(&data.db.read, filters)
        .await?
        .into_iter()
        .filter(|v| v.context.iter().any(|c| c == context))
        .collect())
}
