//! Institutions: this node's institution profile (seeded from `[institution]`, edited by admins)
//! and its `Organization` actor; the other nodes met are in [`peers`] (NodeInfo read on first
//! contact and refreshed periodically, so the directory knows which peers run Halqa and what
//! institution runs them) and their NodeInfo is read by [`nodeinfo`].
pub mod nodeinfo;
pub mod peers;

pub use peers::{RefreshReport, directory, find, host_seen, refresh_due, refresh_host};

use crate::{
    AppState,
    config::Config,
    db::{
        self, Db,
        entity::{actor, institution},
        institutions::Profile,
    },
    error::{AppError, AppResult},
    federation::{signatures, urls::Urls},
    ids::IdGenerator,
    service::vocabulary::{self, INSTITUTION_KINDS},
    text::escape_html,
};
use activitypub_federation::config::Data;
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set, TransactionTrait};

/// Username of the node's `Organization` actor (`institution@domain`, `/users/institution`).
pub const ACTOR_USERNAME: &str = "institution";
/// Longest name, region and city.
pub const MAX_SHORT: usize = 100;
/// Longest description, in characters.
pub const MAX_DESCRIPTION: usize = 2_000;
/// Most working languages.
pub const MAX_LANGUAGES: usize = 10;

/// A change of this node's profile; `None` keeps the current value.
#[derive(Debug, Clone, Default)]
pub struct ProfilePatch {
    pub name: Option<String>,
    pub kind: Option<String>,
    pub region: Option<String>,
    pub city: Option<String>,
    pub languages: Option<Vec<String>>,
    pub description: Option<String>,
}

impl ProfilePatch {
    /// The profile after this change (an empty region or city clears it).
    pub fn merge(self, current: Profile) -> Profile {
        let opt = |new: Option<String>, old: Option<String>| match new {
            Some(v) => Some(v.trim().to_string()).filter(|v| !v.is_empty()),
            None => old,
        };
        Profile {
            name: self.name.unwrap_or(current.name),
            kind: opt(self.kind, current.kind),
            region: opt(self.region, current.region),
            city: opt(self.city, current.city),
            languages: self.languages.unwrap_or(current.languages),
            description: self.description.unwrap_or(current.description),
            actor_url: current.actor_url,
        }
    }
}

/// The profile stored in a row.
pub fn profile_of(row: &institution::Model) -> Profile {
    Profile {
        name: row.name.clone(),
        kind: row.kind.clone(),
        region: row.region.clone(),
        city: row.city.clone(),
        languages: row.language_list(),
        description: row.description.clone(),
        actor_url: row.actor_url.clone(),
    }
}

/// Checks this node's profile; the error names the field (and the allowed kinds).
pub fn validate(profile: Profile) -> AppResult<Profile> {
    let too_long =
        |field: &str, max: usize| AppError::Invalid(format!("{field}: at most {max} characters"));
    let name = profile.name.trim().to_string();
    if name.is_empty() {
        return Err(AppError::Invalid(
            "name: the institution needs a name".into(),
        ));
    }
    if name.chars().count() > MAX_SHORT {
        return Err(too_long("name", MAX_SHORT));
    }
    let kind = profile.kind.unwrap_or_else(|| "other".into());
    vocabulary::check("kind", INSTITUTION_KINDS, kind.trim())?;
    let short = |field: &str, v: Option<String>| -> AppResult<Option<String>> {
        let v = v.map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        if v.as_ref().is_some_and(|v| v.chars().count() > MAX_SHORT) {
            return Err(too_long(field, MAX_SHORT));
        }
        Ok(v)
    };
    let mut languages: Vec<String> = Vec::new();
    for tag in profile
        .languages
        .iter()
        .map(|t| t.trim())
        .filter(|t| !t.is_empty())
    {
        if !vocabulary::is_language_tag(tag) {
            return Err(AppError::Invalid(format!(
                "languages: {tag:?} is not a language tag; use codes like ar, fr, en or tzm"
            )));
        }
        let tag = tag.to_lowercase();
        if !languages.contains(&tag) {
            languages.push(tag);
        }
    }
    if languages.len() > MAX_LANGUAGES {
        return Err(AppError::Invalid(format!(
            "languages: at most {MAX_LANGUAGES} values"
        )));
    }
    let description = profile.description.trim().to_string();
    if description.chars().count() > MAX_DESCRIPTION {
        return Err(too_long("description", MAX_DESCRIPTION));
    }
    Ok(Profile {
        name,
        kind: Some(kind.trim().to_string()),
        region: short("region", profile.region)?,
        city: short("city", profile.city)?,
        languages,
        description,
        actor_url: profile.actor_url,
    })
}

/// The first-start profile: `[institution]`, with the name, description and language of
/// `[instance]` where it leaves them empty.
pub fn seed_profile(config: &Config) -> Profile {
    let i = &config.institution;
    let or = |v: &str, default: &str| {
        if v.trim().is_empty() {
            default.to_string()
        } else {
            v.to_string()
        }
    };
    let languages = if i.languages.is_empty() {
        vec![config.instance.default_language.clone()]
    } else {
        i.languages.clone()
    };
    Profile {
        name: or(&i.name, &config.instance.name),
        kind: Some(or(&i.kind, "other")),
        region: Some(i.region.clone()),
        city: Some(i.city.clone()),
        languages,
        description: or(&i.description, &config.instance.description),
        actor_url: None,
    }
}

/// Field names of the Organization's readable profile fields (en, fr, ar).
const FIELD_NAMES: [(&str, &str, &str, &str); 4] = [
    (
        "kind",
        "Institution type",
        "Type d'établissement",
        "نوع المؤسسة",
    ),
    ("region", "Region", "Région", "الجهة"),
    ("city", "City", "Ville", "المدينة"),
    ("languages", "Languages", "Langues", "اللغات"),
];

fn field_name(key: &str, lang: &str) -> &'static str {
    let (_, en, fr, ar) = FIELD_NAMES
        .iter()
        .find(|(k, ..)| *k == key)
        .copied()
        .unwrap_or(("", "", "", ""));
    match lang.get(..2).unwrap_or(lang) {
        "ar" => ar,
        "fr" => fr,
        _ => en,
    }
}

/// The label of an institution kind in `lang` (an unknown code reads as itself).
pub fn kind_label(kind: Option<&str>, lang: &str) -> Option<String> {
    let kind = kind?;
    Some(
        vocabulary::find(INSTITUTION_KINDS, kind)
            .map(|t| t.label(lang).to_string())
            .unwrap_or_else(|| kind.to_string()),
    )
}

/// The profile as readable `(name, HTML value)` profile fields of the Organization actor.
pub fn readable_fields(profile: &Profile, lang: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let languages = profile.languages.join(", ");
    for (key, value) in [
        ("kind", kind_label(profile.kind.as_deref(), lang)),
        ("region", profile.region.clone()),
        ("city", profile.city.clone()),
        ("languages", Some(languages).filter(|l| !l.is_empty())),
    ] {
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            out.push((field_name(key, lang).to_string(), escape_html(&value)));
        }
    }
    out
}

/// The profile as the Organization actor's readable summary (HTML): kind and place, then the
/// description, line breaks kept.
pub fn readable_summary(profile: &Profile, lang: &str) -> String {
    let place: Vec<String> = [profile.city.clone(), profile.region.clone()]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .collect();
    let mut head = kind_label(profile.kind.as_deref(), lang).unwrap_or_default();
    if !place.is_empty() {
        if !head.is_empty() {
            head.push_str(" — ");
        }
        head.push_str(&place.join(", "));
    }
    let mut html = String::new();
    if !head.is_empty() {
        html.push_str(&format!("<p>{}</p>", escape_html(&head)));
    }
    for paragraph in profile
        .description
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        html.push_str(&format!(
            "<p>{}</p>",
            escape_html(paragraph).replace('\n', "<br>")
        ));
    }
    html
}

/// Copies the profile onto the Organization actor row (name, summary, fields).
fn sync_actor(row: &mut actor::ActiveModel, profile: &Profile, lang: &str) {
    row.display_name = Set(profile.name.chars().take(MAX_SHORT).collect());
    row.summary = Set(readable_summary(profile, lang));
    row.fields = Set(db::actors::fields_json(&readable_fields(profile, lang)));
    row.region = Set(profile.region.clone());
    row.updated_at = Set(Utc::now());
}

fn organization_row(
    id: i64,
    urls: &Urls,
    domain: &str,
    keys: (String, String),
) -> actor::ActiveModel {
    let now = Utc::now();
    let (private_pem, public_pem) = keys;
    actor::ActiveModel {
        id: Set(id),
        ap_id: Set(urls.actor(ACTOR_USERNAME)),
        local: Set(true),
        kind: Set("Organization".into()),
        username: Set(ACTOR_USERNAME.into()),
        domain: Set(domain.to_string()),
        display_name: Set(String::new()),
        summary: Set(String::new()),
        url: Set(Some(urls.profile_page(ACTOR_USERNAME))),
        inbox: Set(urls.inbox(ACTOR_USERNAME)),
        shared_inbox: Set(Some(urls.shared_inbox())),
        outbox: Set(Some(urls.outbox(ACTOR_USERNAME))),
        followers_url: Set(Some(urls.followers(ACTOR_USERNAME))),
        following_url: Set(Some(urls.following(ACTOR_USERNAME))),
        public_key_id: Set(urls.actor_key(ACTOR_USERNAME)),
        public_key_pem: Set(public_pem),
        private_key_pem: Set(Some(private_pem)),
        manually_approves_followers: Set(false),
        discoverable: Set(true),
        avatar_url: Set(None),
        header_url: Set(None),
        stage: Set(None),
        subjects: Set("[]".into()),
        levels: Set("[]".into()),
        languages: Set("[]".into()),
        region: Set(None),
        open_to_mentor: Set(false),
        seeking_mentor: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
        last_fetched_at: Set(None),
        deleted_at: Set(None),
        fields: Set("[]".into()),
        bot: Set(false),
        silenced_at: Set(None),
        suspended_at: Set(None),
        also_known_as: Set("[]".into()),
        moved_to_ap_id: Set(None),
        moved_at: Set(None),
        hide_collections: Set(false),
    }
}

/// On start: this node's profile row (seeded from the config the first time) and its
/// `Organization` actor (with its own key pair). An existing local *person* called
/// `institution` (from before this feature) keeps its name; the node then has no
/// Organization actor and says so in the log.
pub async fn ensure_local(
    db: &Db,
    ids: &IdGenerator,
    urls: &Urls,
    config: &Config,
) -> anyhow::Result<()> {
    let err = |e: AppError| anyhow::anyhow!("{e}");
    let domain = &config.instance.domain;
    let lang = &config.instance.default_language;
    let existing_actor = db::actors::find_local_any(&db.read, ACTOR_USERNAME)
        .await
        .map_err(err)?;
    let actor = match existing_actor {
        Some(a) if a.kind == "Organization" => Some(a),
        Some(_) => {
            tracing::warn!(
                "a local account is called {ACTOR_USERNAME}: the institution has no Organization actor"
            );
            None
        }
        None => {
            let keys = tokio::task::spawn_blocking(signatures::generate_rsa_keypair)
                .await
                .map_err(|e| anyhow::anyhow!("key generation task: {e}"))?
                .map_err(|e| anyhow::anyhow!("generating the institution's RSA key: {e}"))?;
            let row = organization_row(ids.next(), urls, domain, keys);
            Some(
                db::actors::insert(&db.write, row)
                    .await
                    .map_err(|e| anyhow::anyhow!("creating the institution actor: {e}"))?,
            )
        }
    };
    let actor_url = actor.as_ref().map(|a| a.ap_id.clone());
    let profile = match db::institutions::find_local(&db.read).await.map_err(err)? {
        Some(row) if row.actor_url == actor_url => return Ok(()),
        Some(row) => Profile {
            actor_url,
            ..profile_of(&row)
        },
        None => {
            let seeded = validate(seed_profile(config))
                .map_err(|e| anyhow::anyhow!("configuration error: institution.{e}"))?;
            Profile {
                actor_url,
                ..seeded
            }
        }
    };
    let users = db::users::count(&db.read).await.map_err(err)?;
    db::institutions::upsert_local(&db.write, domain, profile.clone(), Some(users as i64))
        .await
        .map_err(err)?;
    if let Some(actor) = actor {
        let mut row: actor::ActiveModel = actor.into();
        sync_actor(&mut row, &profile, lang);
        row.update(&db.write).await?;
    }
    Ok(())
}

/// The node's `Organization` actor: it can be followed like a person, and may `Announce` the
/// node's public PLN objects to its followers.
pub async fn local_actor(db: &impl ConnectionTrait) -> AppResult<actor::Model> {
    db::actors::find_local(db, ACTOR_USERNAME)
        .await?
        .filter(|a| a.kind == "Organization")
        .ok_or_else(|| AppError::not_found("this node has no institution actor"))
}

/// This node's profile row.
pub async fn local_profile(db: &impl ConnectionTrait) -> AppResult<institution::Model> {
    db::institutions::find_local(db)
        .await?
        .ok_or_else(|| AppError::not_found("this node has no institution profile yet"))
}

/// Changes this node's profile (admins: API or CLI). Invalid input changes nothing; the
/// Organization actor's followers get an Update.
pub async fn update_profile(
    data: &Data<AppState>,
    patch: ProfilePatch,
) -> AppResult<institution::Model> {
    let current = local_profile(&data.db.read).await?;
    let profile = validate(patch.merge(profile_of(&current)))?;
    let actor = local_actor(&data.db.read).await.ok();
    let users = db::users::count(&data.db.read).await?;
    let lang = &data.config.instance.default_language;
    let txn = data.db.write.begin().await?;
    let row = db::institutions::upsert_local(
        &txn,
        &data.config.instance.domain,
        profile.clone(),
        Some(users as i64),
    )
    .await?;
    if let Some(actor) = actor {
        let mut actor_row: actor::ActiveModel = actor.into();
        sync_actor(&mut actor_row, &profile, lang);
        let actor = actor_row.update(&txn).await?;
        crate::federation::outbox::institution_updated(&txn, data, &actor, &row).await?;
    }
    crate::service::commit(data, txn).await?;
    Ok(row)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn profile() -> Profile {
        Profile {
            name: " CRMEF Rabat ".into(),
            kind: Some("crmef".into()),
            region: Some("Rabat-Salé-Kénitra".into()),
            city: Some(" Rabat ".into()),
            languages: vec!["AR".into(), "fr".into(), "ar".into()],
            description: "Trains <teachers>.\n\nSince 1985.".into(),
            actor_url: None,
        }
    }

    #[test]
    fn the_profile_is_checked() {
        let ok = validate(profile()).unwrap();
        assert_eq!(ok.name, "CRMEF Rabat");
        assert_eq!(ok.city.as_deref(), Some("Rabat"));
        assert_eq!(ok.languages, vec!["ar", "fr"]);
        let msg = validate(Profile {
            kind: Some("castle".into()),
            ..profile()
        })
        .unwrap_err()
        .to_string();
        assert!(msg.starts_with("kind") && msg.contains("crmef"), "{msg}");
        assert!(
            validate(Profile {
                name: " ".into(),
                ..profile()
            })
            .is_err()
        );
        assert!(
            validate(Profile {
                languages: vec!["arabic".into()],
                ..profile()
            })
            .is_err()
        );
        assert!(
            validate(Profile {
                description: "d".repeat(MAX_DESCRIPTION + 1),
                ..profile()
            })
            .is_err()
        );
        // No kind reads as "other".
        assert_eq!(
            validate(Profile {
                kind: None,
                ..profile()
            })
            .unwrap()
            .kind
            .as_deref(),
            Some("other")
        );
    }

    #[test]
    fn a_patch_keeps_what_it_does_not_name() {
        let merged = ProfilePatch {
            kind: Some("ens".into()),
            city: Some("".into()),
            ..Default::default()
        }
        .merge(validate(profile()).unwrap());
        assert_eq!(merged.name, "CRMEF Rabat");
        assert_eq!(merged.kind.as_deref(), Some("ens"));
        assert_eq!(merged.city, None);
        assert_eq!(merged.region.as_deref(), Some("Rabat-Salé-Kénitra"));
    }

    #[test]
    fn the_seed_falls_back_on_the_instance_section() {
        let mut config = Config::defaults().unwrap();
        config.instance.name = "Halqa Fès".into();
        let seeded = validate(seed_profile(&config)).unwrap();
        assert_eq!(seeded.name, "Halqa Fès");
        assert_eq!(seeded.kind.as_deref(), Some("other"));
        assert_eq!(
            seeded.languages,
            vec![config.instance.default_language.clone()]
        );
        assert_eq!(seeded.region, None);
        config.institution.name = "ENS Marrakech".into();
        config.institution.kind = "ens".into();
        let seeded = validate(seed_profile(&config)).unwrap();
        assert_eq!(seeded.name, "ENS Marrakech");
        assert_eq!(seeded.kind.as_deref(), Some("ens"));
    }

    #[test]
    fn readable_forms_are_escaped_and_localised() {
        let p = validate(profile()).unwrap();
        let summary = readable_summary(&p, "fr");
        assert!(summary.starts_with("<p>Centre régional"), "{summary}");
        assert!(summary.contains("Rabat, Rabat-Salé-Kénitra"), "{summary}");
        assert!(
            summary.contains("Trains &lt;teachers&gt;.</p><p>Since 1985.</p>"),
            "{summary}"
        );
        let fields = readable_fields(&p, "en");
        let names: Vec<&str> = fields.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            vec!["Institution type", "Region", "City", "Languages"]
        );
        assert_eq!(fields[3].1, "ar, fr");
        assert_eq!(readable_fields(&p, "ar")[0].0, "نوع المؤسسة");
    }
}
