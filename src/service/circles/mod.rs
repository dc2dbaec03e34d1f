//! Circles (FEP-1b12 groups): a circle is a local `Group` actor (its own key, inbox and
//! followers, who are its members) plus a `circle` row (visibility, creator, moderators,
//! rules). Here: creating and changing circles and reading them. Membership (joining and
//! leaving are follows of the Group; join requests of `approval` circles are follow requests a
//! moderator answers; removal of members) is in [`membership`]; posting to a circle, its
//! announces and post removal in [`posts`].
mod bans;
mod deletion;
mod membership;
pub mod posts;

pub use bans::receive_ban;
pub use deletion::delete;
pub use membership::*;

use crate::{
    AppState,
    db::{
        self,
        entity::{actor, circle},
        paging::Cursor,
        pln_search::SearchTerms,
    },
    error::{AppError, AppResult},
    service::{
        accounts, commit,
        profiles::{self, Facets},
    },
    text,
};
use activitypub_federation::config::Data;
use chrono::Utc;
use sea_orm::{Set, TransactionTrait};

pub use db::circles::CircleFilter;

/// The two visibilities: anyone may join, or a moderator admits each member.
pub const VISIBILITIES: [&str; 2] = ["public", "approval"];
/// Longest display name, description and rules, in characters.
pub const MAX_NAME: usize = 100;
pub const MAX_DESCRIPTION: usize = 2_000;
pub const MAX_RULES: usize = 2_000;
/// Most moderators of one circle.
pub const MAX_MODERATORS: usize = 20;

/// A new circle as its creator describes it.
#[derive(Debug, Clone, Default)]
pub struct NewCircle {
    /// The circle's handle (`name@host`), in the namespace of people's usernames.
    pub name: String,
    pub display_name: String,
    /// Plain text.
    pub description: String,
    pub subjects: Vec<String>,
    pub levels: Vec<String>,
    pub languages: Vec<String>,
    pub region: Option<String>,
    /// `public` (the default) or `approval`.
    pub visibility: Option<String>,
    pub rules: String,
}

/// A change to a local circle; `None` keeps the current value.
#[derive(Debug, Clone, Default)]
pub struct CircleChanges {
    pub display_name: Option<String>,
    pub description: Option<String>,
    pub rules: Option<String>,
    /// Local account ids (the creator stays a moderator whatever the list says).
    pub moderators: Option<Vec<i64>>,
    pub visibility: Option<String>,
}

/// A circle as read: its actor and, for local circles, its `circle` row.
#[derive(Debug, Clone)]
pub struct CircleView {
    pub actor: actor::Model,
    pub circle: Option<circle::Model>,
}

fn check_len(field: &str, value: &str, max: usize) -> AppResult<()> {
    if value.chars().count() > max {
        return Err(AppError::Invalid(format!(
            "{field}: at most {max} characters"
        )));
    }
    Ok(())
}

fn check_visibility(v: &str) -> AppResult<()> {
    if !VISIBILITIES.contains(&v) {
        return Err(AppError::Invalid(format!(
            "visibility: {v:?} is not one of {}",
            VISIBILITIES.join(", ")
        )));
    }
    Ok(())
}

fn render_description(data: &Data<AppState>, description: &str) -> String {
    text::render_local_status(description, &|_| None, &|tag| data.urls.tag(tag))
}

/// `creator` (a local person) creates a circle; the creator is its first member and moderator.
/// The name is refused when any local account or circle has it.
pub async fn create(
    data: &Data<AppState>,
    creator: &actor::Model,
    new: NewCircle,
) -> AppResult<CircleView> {
    if !creator.local || creator.kind != "Person" {
        return Err(AppError::Forbidden(
            "only local people can create circles".into(),
        ));
    }
    let name = new.name.trim().to_lowercase();
    accounts::validate_username(&name).map_err(|e| match e {
        AppError::Invalid(why) => AppError::Invalid(format!("name: {why}")),
        other => other,
    })?;
    let display_name = new.display_name.trim().to_string();
    check_len("display_name", &display_name, MAX_NAME)?;
    check_len("description", &new.description, MAX_DESCRIPTION)?;
    check_len("rules", &new.rules, MAX_RULES)?;
    let visibility = new.visibility.unwrap_or_else(|| "public".into());
    check_visibility(&visibility)?;
    let facets = profiles::validate(Facets {
        subjects: new.subjects,
        levels: new.levels,
        languages: new.languages,
        region: new.region,
        ..Default::default()
    })?;
    if db::actors::find_local_any(&data.db.read, &name)
        .await?
        .is_some()
    {
        return Err(AppError::Conflict(format!("name {name} is taken")));
    }
    let keys = accounts::new_keypair().await?;
    let mut row = accounts::local_actor_row(
        data.ids.next(),
        &data.urls,
        &name,
        &data.config.instance.domain,
        "Group",
        keys,
    );
    row.display_name = Set(display_name);
    row.summary = Set(render_description(data, &new.description));
    row.manually_approves_followers = Set(visibility == "approval");
    profiles::apply_facets(&mut row, facets)?;
    let now = Utc::now();
    let txn = data.db.write.begin().await?;
    let group = db::actors::insert(&txn, row).await?;
    let circle = db::circles::insert(
        &txn,
        circle::ActiveModel {
            actor_id: Set(group.id),
            creator_id: Set(creator.id),
            visibility: Set(visibility),
            rules: Set(new.rules.trim().to_string()),
            moderators: Set(format!("[{}]", creator.id)),
            created_at: Set(now),
            updated_at: Set(now),
        },
    )
    .await?;
    let membership = db::follows::insert(
        &txn,
        db::follows::new_row(
            data.ids.next(),
            data.urls.activity(data.ids.next()),
            creator.id,
            group.id,
            true,
        ),
        creator.id,
        group.id,
    )
    .await?;
    crate::service::timelines::follow_created(&txn, data, &membership).await?;
    commit(data, txn).await?;
    Ok(CircleView {
        actor: group,
        circle: Some(circle),
    })
}

/// A circle by account id: a `Group` actor this node knows (local or remote), or 404.
pub async fn get(data: &Data<AppState>, id: i64) -> AppResult<CircleView> {
    let actor = db::actors::get_by_id(&data.db.read, id)
        .await
        .ok()
        .filter(|a| a.kind == "Group" && a.deleted_at.is_none())
        .ok_or_else(|| AppError::not_found("circle not found"))?;
    let circle = if actor.local {
        db::circles::find(&data.db.read, actor.id).await?
    } else {
        None
    };
    Ok(CircleView { actor, circle })
}

/// A local circle with its `circle` row, or 404 (remote circles are run by their own node).
pub async fn get_local(data: &Data<AppState>, id: i64) -> AppResult<(actor::Model, circle::Model)> {
    let view = get(data, id).await?;
    match view.circle {
        Some(circle) => Ok((view.actor, circle)),
        None => Err(AppError::Forbidden(
            "this circle is run by another node; its moderators act there".into(),
        )),
    }
}

/// A local circle that `moderator` moderates; 403 otherwise.
pub async fn moderated_by(
    data: &Data<AppState>,
    id: i64,
    moderator: &actor::Model,
) -> AppResult<(actor::Model, circle::Model)> {
    let (group, circle) = get_local(data, id).await?;
    if !circle.is_moderator(moderator.id) {
        return Err(AppError::Forbidden(
            "only a moderator of this circle can do that".into(),
        ));
    }
    Ok((group, circle))
}

/// The moderators of local circle `group` (404 for anything else), creator first.
pub async fn moderator_accounts(
    data: &Data<AppState>,
    group: &actor::Model,
) -> AppResult<Vec<actor::Model>> {
    let circle = db::circles::find(&data.db.read, group.id)
        .await?
        .filter(|_| group.local && group.kind == "Group")
        .ok_or_else(|| AppError::not_found("circle not found"))?;
    let mut out = Vec::new();
    for id in circle.moderator_ids() {
        if let Ok(a) = db::actors::get_by_id(&data.db.read, id).await {
            out.push(a);
        }
    }
    Ok(out)
}

/// Circles this node knows (local and remote) matching `filter` and the words of `q`.
pub async fn list(
    data: &Data<AppState>,
    filter: CircleFilter,
    q: &str,
    cursor: Cursor,
) -> AppResult<Vec<CircleView>> {
    let filter = check_filter(filter)?;
    let terms = SearchTerms::parse(q);
    let actors = db::circles::search(&data.db.read, &filter, &terms, cursor).await?;
    views(data, actors).await
}

/// Checks a filter's vocabulary codes (422 naming the allowed ones) and trims the region.
pub fn check_filter(filter: CircleFilter) -> AppResult<CircleFilter> {
    use crate::service::vocabulary::{self, LEVELS, SUBJECTS};
    if let Some(s) = &filter.subject {
        vocabulary::check("subject", SUBJECTS, s)?;
    }
    if let Some(l) = &filter.level {
        vocabulary::check("level", LEVELS, l)?;
    }
    Ok(CircleFilter {
        region: filter
            .region
            .map(|r| r.trim().to_string())
            .filter(|r| !r.is_empty()),
        ..filter
    })
}

/// Attaches the `circle` rows of the local ones.
pub async fn views(data: &Data<AppState>, actors: Vec<actor::Model>) -> AppResult<Vec<CircleView>> {
    let ids: Vec<i64> = actors.iter().filter(|a| a.local).map(|a| a.id).collect();
    let circles = db::circles::find_many(&data.db.read, &ids).await?;
    Ok(actors
        .into_iter()
        .map(|actor| {
            let circle = circles.iter().find(|c| c.actor_id == actor.id).cloned();
            CircleView { actor, circle }
        })
        .collect())
}

/// A moderator changes a local circle: name, description, rules, visibility, moderators (local
/// members). The circle's followers' servers get an Update of the Group.
pub async fn update(
    data: &Data<AppState>,
    moderator: &actor::Model,
    id: i64,
    changes: CircleChanges,
) -> AppResult<CircleView> {
    let (group, circle) = moderated_by(data, id, moderator).await?;
    let mut moderators = circle.moderator_ids();
    if let Some(list) = changes.moderators {
        let mut wanted = vec![circle.creator_id];
        for account in list {
            if wanted.contains(&account) {
                continue;
            }
            let member = db::actors::get_by_id(&data.db.read, account)
                .await
                .map_err(|_| AppError::Invalid(format!("moderators: no account {account}")))?;
            if !member.local || member.kind != "Person" {
                return Err(AppError::Invalid(format!(
                    "moderators: account {account} is not a local person"
                )));
            }
            if !is_member(data, group.id, member.id).await? {
                return Err(AppError::Invalid(format!(
                    "moderators: account {account} is not a member of this circle"
                )));
            }
            wanted.push(account);
        }
        if wanted.len() > MAX_MODERATORS {
            return Err(AppError::Invalid(format!(
                "moderators: at most {MAX_MODERATORS}"
            )));
        }
        moderators = wanted;
    }
    let rules = changes.rules.unwrap_or_else(|| circle.rules.clone());
    check_len("rules", &rules, MAX_RULES)?;
    if let Some(v) = &changes.visibility {
        check_visibility(v)?;
    }
    let mut row: actor::ActiveModel = group.clone().into();
    let mut federate = false;
    if let Some(name) = changes.display_name {
        check_len("display_name", name.trim(), MAX_NAME)?;
        row.display_name = Set(name.trim().to_string());
        federate = true;
    }
    if let Some(description) = changes.description {
        check_len("description", &description, MAX_DESCRIPTION)?;
        row.summary = Set(render_description(data, &description));
        federate = true;
    }
    let mut circle_row = circle.clone();
    if let Some(v) = changes.visibility {
        row.manually_approves_followers = Set(v == "approval");
        circle_row.visibility = v;
        federate = true;
    }
    use sea_orm::ActiveModelTrait;
    let txn = data.db.write.begin().await?;
    let group = if federate {
        row.updated_at = Set(Utc::now());
        row.update(&txn).await?
    } else {
        group
    };
    if circle_row.visibility != circle.visibility {
        let mut active: circle::ActiveModel = circle.clone().into();
        active.visibility = Set(circle_row.visibility.clone());
        active.update(&txn).await?;
    }
    let circle =
        db::circles::update(&txn, circle_row, &moderators, rules.trim().to_string()).await?;
    if federate {
        crate::federation::outbox::actor_updated(&txn, data, &group).await?;
    }
    commit(data, txn).await?;
    Ok(CircleView {
        actor: group,
        circle: Some(circle),
    })
}
