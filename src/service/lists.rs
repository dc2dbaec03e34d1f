//! Lists (Mastodon lists): a local user's named groups of accounts they follow, with a replies
//! policy and the `exclusive` flag (members' posts leave the home feed). Lists belong to the
//! owner's actor id; only the owner sees or changes them.
use crate::{
    AppState,
    db::{self, entity::user_list},
    error::{AppError, AppResult},
};
use activitypub_federation::config::Data;
use chrono::Utc;
use sea_orm::{ActiveValue::Unchanged, Set};

/// The three replies policies.
pub const REPLIES_POLICIES: [&str; 3] = ["followed", "list", "none"];
/// Longest list title, in characters.
pub const MAX_TITLE: usize = 256;

/// Fields of a list to create or change (`None`: unchanged, or the default on create).
#[derive(Debug, Clone, Default)]
pub struct ListChanges {
    pub title: Option<String>,
    pub replies_policy: Option<String>,
    pub exclusive: Option<bool>,
}

fn check_title(title: &str) -> AppResult<String> {
    let title = title.trim();
    if title.is_empty() {
        return Err(AppError::Invalid(
            "Validation failed: Title can't be blank".into(),
        ));
    }
    if title.chars().count() > MAX_TITLE {
        return Err(AppError::Invalid(format!(
            "Validation failed: Title is longer than {MAX_TITLE} characters"
        )));
    }
    Ok(title.to_string())
}

fn check_policy(policy: &str) -> AppResult<String> {
    if REPLIES_POLICIES.contains(&policy) {
        Ok(policy.to_string())
    } else {
        Err(AppError::Invalid(format!(
            "replies_policy must be one of {}",
            REPLIES_POLICIES.join(", ")
        )))
    }
}

/// The owner's lists.
pub async fn lists(data: &Data<AppState>, owner_id: i64) -> AppResult<Vec<user_list::Model>> {
    db::lists::of_owner(&data.db.read, owner_id).await
}

/// One of the owner's lists, or 404 (other people's lists do not exist for them).
pub async fn get(data: &Data<AppState>, owner_id: i64, id: i64) -> AppResult<user_list::Model> {
    db::lists::find(&data.db.read, id)
        .await?
        .filter(|l| l.owner_id == owner_id)
        .ok_or_else(|| AppError::not_found("Record not found"))
}

/// Creates a list.
pub async fn create(
    data: &Data<AppState>,
    owner_id: i64,
    changes: ListChanges,
) -> AppResult<user_list::Model> {
    let title = check_title(changes.title.as_deref().unwrap_or_default())?;
    let replies_policy = check_policy(changes.replies_policy.as_deref().unwrap_or("list"))?;
    db::lists::insert(
        &data.db.write,
        user_list::ActiveModel {
            id: Set(data.ids.next()),
            owner_id: Set(owner_id),
            title: Set(title),
            replies_policy: Set(replies_policy),
            exclusive: Set(changes.exclusive.unwrap_or(false)),
            created_at: Set(Utc::now()),
        },
    )
    .await
}

/// Changes a list's title, replies policy or exclusivity.
pub async fn update(
    data: &Data<AppState>,
    owner_id: i64,
    id: i64,
    changes: ListChanges,
) -> AppResult<user_list::Model> {
    let list = get(data, owner_id, id).await?;
    let mut row = user_list::ActiveModel {
        id: Unchanged(list.id),
        ..Default::default()
    };
    let mut changed = false;
    if let Some(title) = changes.title {
        row.title = Set(check_title(&title)?);
        changed = true;
    }
    if let Some(policy) = changes.replies_policy {
        row.replies_policy = Set(check_policy(&policy)?);
        changed = true;
    }
    if let Some(exclusive) = changes.exclusive {
        row.exclusive = Set(exclusive);
        changed = true;
    }
    if !changed {
        return Ok(list);
    }
    db::lists::update(&data.db.write, row).await
}

/// Deletes a list.
pub async fn delete(data: &Data<AppState>, owner_id: i64, id: i64) -> AppResult<()> {
    let list = get(data, owner_id, id).await?;
    db::lists::delete(&data.db.write, list.id).await
}

/// Paging bounds on member actor ids.
#[derive(Debug, Clone, Copy, Default)]
pub struct Bounds {
    pub max_id: Option<i64>,
    pub since_id: Option<i64>,
    pub min_id: Option<i64>,
}

/// A page of member actor ids (highest first); `limit` 0 returns every member.
pub async fn member_ids(
    data: &Data<AppState>,
    owner_id: i64,
    id: i64,
    bounds: Bounds,
    limit: u64,
) -> AppResult<Vec<i64>> {
    let list = get(data, owner_id, id).await?;
    db::lists::member_ids(
        &data.db.read,
        list.id,
        bounds.max_id,
        bounds.since_id,
        bounds.min_id,
        limit,
    )
    .await
}

/// Adds accounts to a list. As on Mastodon, only accounts the owner follows (or asked to
/// follow) can be added; adding a member twice is a no-op.
pub async fn add_accounts(
    data: &Data<AppState>,
    owner_id: i64,
    id: i64,
    account_ids: &[i64],
) -> AppResult<()> {
    let list = get(data, owner_id, id).await?;
    let mut wanted = account_ids.to_vec();
    wanted.sort_unstable();
    wanted.dedup();
    if wanted.is_empty() {
        return Err(AppError::Invalid("account_ids can't be blank".into()));
    }
    let rel = db::views::relations(&data.db.read, owner_id, &wanted).await?;
    if let Some(missing) = wanted.iter().find(|a| !rel.following.contains_key(a)) {
        let exists = db::views::actors_by_ids(&data.db.read, &[*missing])
            .await?
            .contains_key(missing);
        return Err(if exists {
            AppError::Invalid("Validation failed: Account must be followed first".into())
        } else {
            AppError::not_found("Record not found")
        });
    }
    let present = db::lists::existing_members(&data.db.read, list.id, &wanted).await?;
    let new: Vec<i64> = wanted
        .into_iter()
        .filter(|a| !present.contains(a))
        .collect();
    db::lists::add_members(&data.db.write, list.id, &new).await
}

/// Removes accounts from a list.
pub async fn remove_accounts(
    data: &Data<AppState>,
    owner_id: i64,
    id: i64,
    account_ids: &[i64],
) -> AppResult<()> {
    let list = get(data, owner_id, id).await?;
    db::lists::remove_members(&data.db.write, list.id, account_ids).await
}
