//! `Account` and `CredentialAccount` (verify_credentials), with the PLN facets as a namespaced
//! `pln` object; built for a whole page of actors at once.
use super::{Emojis, datetime};
use crate::{
    AppState,
    db::{
        self,
        entity::{actor, local_user},
        views::{AccountStats, ActorWithStats},
    },
    error::AppResult,
    service::profiles::Facets,
};
use activitypub_federation::config::Data;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A profile field.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Field {
    pub name: String,
    /// HTML.
    pub value: String,
    pub verified_at: Option<String>,
}

/// The PLN facets of an account (Halqa's extension; clients ignore unknown keys).
#[derive(Debug, Clone, Serialize)]
pub struct PlnFacets {
    pub stage: Option<String>,
    pub subjects: Vec<String>,
    pub levels: Vec<String>,
    pub languages: Vec<String>,
    pub region: Option<String>,
    pub open_to_mentor: bool,
    pub seeking_mentor: bool,
}

impl PlnFacets {
    /// The facets stored on an actor (also the body of `/api/v1/pln/profile`).
    pub fn of(actor: &actor::Model) -> Self {
        crate::service::profiles::facets_of(actor).into()
    }
}

impl From<Facets> for PlnFacets {
    fn from(f: Facets) -> Self {
        PlnFacets {
            stage: f.stage,
            subjects: f.subjects,
            levels: f.levels,
            languages: f.languages,
            region: f.region,
            open_to_mentor: f.open_to_mentor,
            seeking_mentor: f.seeking_mentor,
        }
    }
}

/// Mastodon's Account entity.
#[derive(Debug, Clone, Serialize)]
pub struct Account {
    pub id: String,
    pub username: String,
    pub acct: String,
    pub url: String,
    pub uri: String,
    pub display_name: String,
    pub note: String,
    pub avatar: String,
    pub avatar_static: String,
    pub header: String,
    pub header_static: String,
    pub locked: bool,
    pub bot: bool,
    pub group: bool,
    pub discoverable: Option<bool>,
    pub indexable: bool,
    pub noindex: bool,
    pub hide_collections: bool,
    pub created_at: String,
    /// A date (`YYYY-MM-DD`), not a datetime.
    pub last_status_at: Option<String>,
    pub statuses_count: i64,
    pub followers_count: i64,
    pub following_count: i64,
    pub emojis: Emojis,
    pub fields: Vec<Field>,
    pub roles: Vec<serde_json::Value>,
    pub pln: PlnFacets,
    /// The account this one moved to (Mastodon's `moved`), when it has; omitted otherwise and
    /// inside a `moved` account.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moved: Option<Box<Account>>,
}

/// `source` of a CredentialAccount: what the user typed and their posting defaults.
#[derive(Debug, Clone, Serialize)]
pub struct Source {
    pub privacy: String,
    pub sensitive: bool,
    pub language: Option<String>,
    pub note: String,
    pub fields: Vec<SourceField>,
    pub follow_requests_count: i64,
    pub hide_collections: bool,
    pub discoverable: Option<bool>,
    pub indexable: bool,
    /// The accounts this one moves from (its aliases, `alsoKnownAs`), as GoToSocial has it.
    pub also_known_as_uris: Vec<String>,
}

/// A field as typed.
#[derive(Debug, Clone, Serialize)]
pub struct SourceField {
    pub name: String,
    pub value: String,
    pub verified_at: Option<String>,
}

/// The user's role.
#[derive(Debug, Clone, Serialize)]
pub struct Role {
    pub id: String,
    pub name: String,
    pub permissions: String,
    pub color: String,
    pub highlighted: bool,
}

/// The signed-in user's own account.
#[derive(Debug, Clone, Serialize)]
pub struct CredentialAccount {
    #[serde(flatten)]
    pub account: Account,
    pub source: Source,
    pub role: Role,
}

/// The profile fields stored on an actor.
pub fn fields_of(actor: &actor::Model) -> Vec<Field> {
    serde_json::from_str(&actor.fields).unwrap_or_default()
}

/// The user's own fields, then the PLN facets as readable fields (labels in the node's default
/// language, `verified_at` null); `source.fields` keeps only the user's own.
fn fields_with_facets(data: &Data<AppState>, actor: &actor::Model, facets: &Facets) -> Vec<Field> {
    let mut fields = fields_of(actor);
    let lang = &data.config.instance.default_language;
    fields.extend(
        crate::service::profiles::readable_facets(facets, lang)
            .into_iter()
            .map(|f| Field {
                name: f.name.to_string(),
                value: f.value,
                verified_at: None,
            }),
    );
    fields
}

/// Builds one Account from an actor and its counters.
pub fn build(data: &Data<AppState>, actor: &actor::Model, stats: &AccountStats) -> Account {
    let urls = &data.urls;
    let facets = crate::service::profiles::facets_of(actor);
    let avatar = actor
        .avatar_url
        .clone()
        .unwrap_or_else(|| urls.default_avatar());
    let header = actor
        .header_url
        .clone()
        .unwrap_or_else(|| urls.default_header());
    let acct = if actor.local {
        actor.username.clone()
    } else {
        actor.handle()
    };
    let url = actor
        .url
        .clone()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| actor.ap_id.clone());
    Account {
        id: actor.id.to_string(),
        username: actor.username.clone(),
        acct,
        url,
        uri: actor.ap_id.clone(),
        display_name: actor.display_name.clone(),
        note: actor.summary.clone(),
        avatar: avatar.clone(),
        avatar_static: avatar,
        header: header.clone(),
        header_static: header,
        locked: actor.manually_approves_followers,
        bot: actor.bot,
        group: actor.kind == "Group",
        discoverable: Some(actor.discoverable),
        indexable: actor.discoverable,
        noindex: !actor.discoverable,
        hide_collections: actor.hide_collections,
        created_at: datetime(&actor.created_at),
        last_status_at: stats
            .last_status_at
            .map(|t| t.format("%Y-%m-%d").to_string()),
        statuses_count: stats.statuses,
        followers_count: stats.followers,
        following_count: stats.following,
        emojis: Vec::new(),
        fields: fields_with_facets(data, actor, &facets),
        roles: Vec::new(),
        pln: facets.into(),
        moved: None,
    }
}

/// Fills `moved` of accounts whose actor moved to an account this node knows (one query for
/// the targets, one for their counters).
pub async fn fill_moved<'a>(
    data: &Data<AppState>,
    pairs: impl IntoIterator<Item = (&'a actor::Model, &'a mut Account)>,
) -> AppResult<()> {
    let pairs: Vec<(&actor::Model, &mut Account)> = pairs
        .into_iter()
        .filter(|(a, _)| a.moved_to_ap_id.is_some())
        .collect();
    if pairs.is_empty() {
        return Ok(());
    }
    let ap_ids: Vec<String> = pairs
        .iter()
        .filter_map(|(a, _)| a.moved_to_ap_id.clone())
        .collect();
    let targets = db::moves::actors_by_ap_ids(&data.db.read, &ap_ids).await?;
    let ids: Vec<i64> = targets.values().map(|t| t.id).collect();
    let stats = db::views::account_stats(&data.db.read, &ids).await?;
    for (actor, account) in pairs {
        let target = actor
            .moved_to_ap_id
            .as_ref()
            .and_then(|m| targets.get(m))
            .filter(|t| t.deleted_at.is_none());
        if let Some(target) = target {
            let counts = stats.get(&target.id).cloned().unwrap_or_default();
            account.moved = Some(Box::new(build(data, target, &counts)));
        }
    }
    Ok(())
}

/// Accounts for a page of actors, in the same order, with their counters in one query.
pub async fn accounts(data: &Data<AppState>, actors: &[actor::Model]) -> AppResult<Vec<Account>> {
    let ids: Vec<i64> = actors.iter().map(|a| a.id).collect();
    let stats = db::views::account_stats(&data.db.read, &ids).await?;
    let mut built: Vec<Account> = actors
        .iter()
        .map(|a| {
            build(
                data,
                a,
                stats.get(&a.id).unwrap_or(&AccountStats::default()),
            )
        })
        .collect();
    fill_moved(data, actors.iter().zip(built.iter_mut())).await?;
    Ok(built)
}

/// Accounts keyed by actor id, for hydrating statuses and notifications.
pub async fn accounts_by_id(
    data: &Data<AppState>,
    actors: &HashMap<i64, actor::Model>,
) -> AppResult<HashMap<i64, Account>> {
    let list: Vec<actor::Model> = actors.values().cloned().collect();
    let built = accounts(data, &list).await?;
    Ok(list.iter().map(|a| a.id).zip(built).collect())
}

/// Accounts keyed by actor id from rows that carry their counters already (no query).
pub fn accounts_with_stats(
    data: &Data<AppState>,
    rows: &HashMap<i64, ActorWithStats>,
) -> HashMap<i64, Account> {
    rows.iter()
        .map(|(id, row)| (*id, build(data, &row.actor, &row.stats)))
        .collect()
}

/// One account.
pub async fn account(data: &Data<AppState>, actor: &actor::Model) -> AppResult<Account> {
    let mut list = accounts(data, std::slice::from_ref(actor)).await?;
    Ok(list.remove(0))
}

/// The signed-in user's CredentialAccount.
pub async fn credential_account(
    data: &Data<AppState>,
    user: &local_user::Model,
    actor: &actor::Model,
) -> AppResult<CredentialAccount> {
    let account = account(data, actor).await?;
    let follow_requests_count =
        db::follows::count_pending_requests(&data.db.read, actor.id).await?;
    let source_fields = fields_of(actor)
        .iter()
        .map(|f| SourceField {
            name: f.name.clone(),
            value: crate::text::html_to_plain_text(&f.value),
            verified_at: f.verified_at.clone(),
        })
        .collect();
    let (role_id, permissions, highlighted) = match user.role.as_str() {
        "admin" => ("3", "1048575", true),
        "moderator" => ("2", "1300", true),
        _ => ("-99", "65536", false),
    };
    Ok(CredentialAccount {
        source: Source {
            privacy: user.default_visibility.clone(),
            sensitive: user.default_sensitive,
            language: user.default_language.clone(),
            note: user
                .note_source
                .clone()
                .unwrap_or_else(|| crate::text::html_to_plain_text(&actor.summary)),
            fields: source_fields,
            follow_requests_count,
            hide_collections: actor.hide_collections,
            discoverable: Some(actor.discoverable),
            indexable: actor.discoverable,
            also_known_as_uris: actor.aliases(),
        },
        role: Role {
            id: role_id.into(),
            name: match user.role.as_str() {
                "admin" => "Admin".into(),
                "moderator" => "Moderator".into(),
                _ => String::new(),
            },
            permissions: permissions.into(),
            color: String::new(),
            highlighted,
        },
        account,
    })
}
