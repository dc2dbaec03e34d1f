//! Queries on `institution`: this node's profile, the hosts met (inserted on first contact),
//! picking the hosts due for a NodeInfo refresh, recording what a refresh found, the directory
//! listing, and [`halqa_domains`] (which peers run Halqa).
use crate::{
    db::{
        entity::{actor, institution},
        search::contains_pattern,
    },
    error::{AppError, AppResult},
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
    sea_query::{Expr, Func, LikeExpr, OnConflict, Query},
};
use std::collections::HashSet;

/// An institution profile as stored (validated by `service::institutions`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Profile {
    pub name: String,
    pub kind: Option<String>,
    pub region: Option<String>,
    pub city: Option<String>,
    pub languages: Vec<String>,
    pub description: String,
    pub actor_url: Option<String>,
}

/// What one NodeInfo refresh of a host found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NodeRecord {
    pub software_name: String,
    pub software_version: Option<String>,
    pub is_halqa: bool,
    pub user_count: Option<i64>,
    /// The institution profile (Halqa nodes only; empty otherwise).
    pub profile: Profile,
}

fn languages_json(list: &[String]) -> String {
    serde_json::to_string(list).unwrap_or_else(|_| "[]".into())
}

fn set_profile(row: &mut institution::ActiveModel, profile: Profile) {
    row.name = Set(profile.name);
    row.kind = Set(profile.kind);
    row.region = Set(profile.region);
    row.city = Set(profile.city);
    row.languages = Set(languages_json(&profile.languages));
    row.description = Set(profile.description);
    row.actor_url = Set(profile.actor_url);
}

/// The row of a host, if it has been met.
pub async fn find(
    db: &impl ConnectionTrait,
    domain: &str,
) -> AppResult<Option<institution::Model>> {
    Ok(institution::Entity::find_by_id(domain.to_lowercase())
        .one(db)
        .await?)
}

/// This node's own row, if seeded.
pub async fn find_local(db: &impl ConnectionTrait) -> AppResult<Option<institution::Model>> {
    Ok(institution::Entity::find()
        .filter(institution::Column::Local.eq(true))
        .one(db)
        .await?)
}

/// Writes this node's profile (inserting its row the first time).
pub async fn upsert_local(
    db: &impl ConnectionTrait,
    domain: &str,
    profile: Profile,
    user_count: Option<i64>,
) -> AppResult<institution::Model> {
    let now = Utc::now();
    let existing = find(db, domain).await?;
    let mut row = match &existing {
        Some(m) => institution::ActiveModel::from(m.clone()),
        None => institution::ActiveModel {
            domain: Set(domain.to_lowercase()),
            first_seen_at: Set(now),
            attempted_at: Set(None),
            last_error: Set(None),
            ..Default::default()
        },
    };
    row.local = Set(true);
    row.software_name = Set(Some("halqa".into()));
    row.software_version = Set(Some(env!("CARGO_PKG_VERSION").into()));
    row.is_halqa = Set(true);
    row.user_count = Set(user_count);
    row.refreshed_at = Set(Some(now));
    row.updated_at = Set(now);
    set_profile(&mut row, profile);
    Ok(if existing.is_some() {
        row.update(db).await?
    } else {
        row.insert(db).await?
    })
}

/// Records that a remote host was met; true when it was not known before (its first meeting).
pub async fn insert_seen(db: &impl ConnectionTrait, domain: &str) -> AppResult<bool> {
    let now = Utc::now();
    let row = institution::ActiveModel {
        domain: Set(domain.to_lowercase()),
        local: Set(false),
        software_name: Set(None),
        software_version: Set(None),
        is_halqa: Set(false),
        name: Set(String::new()),
        kind: Set(None),
        region: Set(None),
        city: Set(None),
        languages: Set("[]".into()),
        description: Set(String::new()),
        actor_url: Set(None),
        user_count: Set(None),
        first_seen_at: Set(now),
        refreshed_at: Set(None),
        attempted_at: Set(None),
        last_error: Set(None),
        updated_at: Set(now),
    };
    let inserted = institution::Entity::insert(row)
        .on_conflict(
            OnConflict::column(institution::Column::Domain)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(inserted > 0)
}

/// Adds a row for every host with stored remote actors but no row yet (actors stored before
/// hosts were recorded), at most 500 per call; returns how many were added.
pub async fn insert_missing_hosts(db: &impl ConnectionTrait, own_domain: &str) -> AppResult<usize> {
    let known = Query::select()
        .column(institution::Column::Domain)
        .from(institution::Entity)
        .to_owned();
    let missing: Vec<String> = actor::Entity::find()
        .select_only()
        .column(actor::Column::Domain)
        .distinct()
        .filter(actor::Column::Local.eq(false))
        .filter(actor::Column::Domain.ne(own_domain.to_lowercase()))
        .filter(actor::Column::Domain.not_in_subquery(known))
        .limit(500)
        .into_tuple()
        .all(db)
        .await?;
    for domain in &missing {
        insert_seen(db, domain).await?;
    }
    Ok(missing.len())
}

/// Claims up to `limit` remote hosts never tried or last tried before `stale_before` (never
/// tried first, then the longest ago) by stamping their attempt time, so that another process
/// running the same job picks other hosts.
pub async fn claim_due(
    db: &impl ConnectionTrait,
    stale_before: DateTime<Utc>,
    limit: u64,
) -> AppResult<Vec<String>> {
    let pick = |condition: Condition, limit: u64| {
        institution::Entity::find()
            .select_only()
            .column(institution::Column::Domain)
            .filter(institution::Column::Local.eq(false))
            .filter(condition)
            .order_by_asc(institution::Column::AttemptedAt)
            .order_by_asc(institution::Column::Domain)
            .limit(limit)
            .into_tuple::<String>()
    };
    let mut due = pick(
        Condition::all().add(institution::Column::AttemptedAt.is_null()),
        limit,
    )
    .all(db)
    .await?;
    let left = limit.saturating_sub(due.len() as u64);
    if left > 0 {
        due.extend(
            pick(
                Condition::all().add(institution::Column::AttemptedAt.lt(stale_before)),
                left,
            )
            .all(db)
            .await?,
        );
    }
    if !due.is_empty() {
        institution::Entity::update_many()
            .col_expr(institution::Column::AttemptedAt, Expr::value(Utc::now()))
            .filter(institution::Column::Domain.is_in(due.clone()))
            .exec(db)
            .await?;
    }
    Ok(due)
}

/// Stores what a successful refresh of `domain` found (the row is created if missing).
pub async fn record_refresh(
    db: &impl ConnectionTrait,
    domain: &str,
    record: NodeRecord,
) -> AppResult<institution::Model> {
    insert_seen(db, domain).await?;
    let existing = find(db, domain)
        .await?
        .ok_or_else(|| AppError::not_found(format!("no institution row for {domain}")))?;
    if existing.local {
        return Ok(existing);
    }
    let now = Utc::now();
    let mut row = institution::ActiveModel::from(existing);
    row.software_name = Set(Some(record.software_name));
    row.software_version = Set(record.software_version);
    row.is_halqa = Set(record.is_halqa);
    row.user_count = Set(record.user_count);
    set_profile(&mut row, record.profile);
    row.refreshed_at = Set(Some(now));
    row.attempted_at = Set(Some(now));
    row.last_error = Set(None);
    row.updated_at = Set(now);
    Ok(row.update(db).await?)
}

/// Records a failed refresh of `domain`; what was known before stays.
pub async fn record_failure(db: &impl ConnectionTrait, domain: &str, error: &str) -> AppResult<()> {
    let error: String = error.chars().take(500).collect();
    institution::Entity::update_many()
        .col_expr(institution::Column::AttemptedAt, Expr::value(Utc::now()))
        .col_expr(institution::Column::LastError, Expr::value(error))
        .filter(institution::Column::Domain.eq(domain.to_lowercase()))
        .filter(institution::Column::Local.eq(false))
        .exec(db)
        .await?;
    Ok(())
}

/// Filters of the institution directory.
#[derive(Debug, Clone, Default)]
pub struct DirectoryFilter {
    /// An institution kind code.
    pub kind: Option<String>,
    /// Region, matched case-insensitively.
    pub region: Option<String>,
    /// Words looked for in the name, domain, city, region and description.
    pub q: Option<String>,
}

/// A page of the directory: this node first, then the Halqa nodes by name, then domain.
pub async fn list_directory(
    db: &impl ConnectionTrait,
    filter: &DirectoryFilter,
    offset: u64,
    limit: u64,
) -> AppResult<Vec<institution::Model>> {
    let lower = |column: institution::Column| Expr::expr(Func::lower(Expr::col(column)));
    let mut query = institution::Entity::find().filter(
        Condition::any()
            .add(institution::Column::Local.eq(true))
            .add(institution::Column::IsHalqa.eq(true)),
    );
    if let Some(kind) = &filter.kind {
        query = query.filter(institution::Column::Kind.eq(kind.as_str()));
    }
    if let Some(region) = &filter.region {
        query = query.filter(lower(institution::Column::Region).eq(region.to_lowercase()));
    }
    if let Some(q) = &filter.q {
        let pattern = contains_pattern(q);
        let like = |column: institution::Column| {
            lower(column).like(LikeExpr::new(pattern.clone()).escape('\\'))
        };
        query = query.filter(
            Condition::any()
                .add(like(institution::Column::Name))
                .add(like(institution::Column::Domain))
                .add(like(institution::Column::City))
                .add(like(institution::Column::Region))
                .add(like(institution::Column::Description)),
        );
    }
    Ok(query
        .order_by_desc(institution::Column::Local)
        .order_by_asc(lower(institution::Column::Name))
        .order_by_asc(institution::Column::Domain)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?)
}

/// Which of `domains` are known to run Halqa (lowercased). The mentorship code uses it to send
/// the rich PLN objects only to Halqa peers and the readable `Note` form to everyone else; a
/// host not refreshed yet counts as not Halqa.
pub async fn halqa_domains(
    db: &impl ConnectionTrait,
    domains: &[&str],
) -> AppResult<HashSet<String>> {
    if domains.is_empty() {
        return Ok(HashSet::new());
    }
    let wanted: Vec<String> = domains.iter().map(|d| d.to_lowercase()).collect();
    let found: Vec<String> = institution::Entity::find()
        .select_only()
        .column(institution::Column::Domain)
        .filter(institution::Column::Domain.is_in(wanted))
        .filter(institution::Column::IsHalqa.eq(true))
        .into_tuple()
        .all(db)
        .await?;
    Ok(found.into_iter().collect())
}
