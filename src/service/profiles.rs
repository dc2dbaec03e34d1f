//! PLN profile facets of accounts: checking local input against the controlled vocabulary
//! (stage, subjects, levels; languages as language tags), keeping only the known codes of remote
//! actors, storing them on a local actor (with an Update to followers' servers), and the
//! readable "profile field" form other software and Mastodon clients show.
use crate::{
    AppState,
    db::{self, entity::actor},
    error::{AppError, AppResult},
    service::vocabulary::{self, LEVELS, STAGES, SUBJECTS},
    text::escape_html,
};
use activitypub_federation::config::Data;
use chrono::Utc;
use sea_orm::{Set, TransactionTrait};

/// Most values in one facet list.
pub const MAX_LIST: usize = 20;
/// Longest region, in characters.
pub const MAX_REGION: usize = 100;

/// PLN profile facets (see the design, section 3).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facets {
    /// A code of [`vocabulary::STAGES`].
    pub stage: Option<String>,
    /// Codes of [`vocabulary::SUBJECTS`].
    pub subjects: Vec<String>,
    /// Codes of [`vocabulary::LEVELS`].
    pub levels: Vec<String>,
    /// BCP 47 language tags (`ar`, `fr`, `tzm`, `fr-MA`).
    pub languages: Vec<String>,
    /// Free text (Moroccan regions have official names in three languages).
    pub region: Option<String>,
    pub open_to_mentor: bool,
    pub seeking_mentor: bool,
}

/// A partial change of facets: `None` keeps the current value; an empty stage or region clears
/// it; a list replaces the whole list.
#[derive(Debug, Clone, Default)]
pub struct FacetsPatch {
    pub stage: Option<String>,
    pub subjects: Option<Vec<String>>,
    pub levels: Option<Vec<String>>,
    pub languages: Option<Vec<String>>,
    pub region: Option<String>,
    pub open_to_mentor: Option<bool>,
    pub seeking_mentor: Option<bool>,
}

impl FacetsPatch {
    /// The facets after this change. Kept values go through [`clean_remote`] first, so a value
    /// stored before the vocabulary was enforced cannot block an unrelated change.
    pub fn merge(self, current: &Facets) -> Facets {
        let kept = clean_remote(current.clone());
        Facets {
            stage: match self.stage {
                Some(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
                None => kept.stage,
            },
            subjects: self.subjects.unwrap_or(kept.subjects),
            levels: self.levels.unwrap_or(kept.levels),
            languages: self.languages.unwrap_or(kept.languages),
            region: match self.region {
                Some(r) => Some(r.trim().to_string()).filter(|r| !r.is_empty()),
                None => kept.region,
            },
            open_to_mentor: self.open_to_mentor.unwrap_or(kept.open_to_mentor),
            seeking_mentor: self.seeking_mentor.unwrap_or(kept.seeking_mentor),
        }
    }
}

/// Trims and de-duplicates language tags, refusing anything that is not one.
fn check_languages(list: &[String]) -> AppResult<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for tag in list.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
        if !vocabulary::is_language_tag(tag) {
            return Err(AppError::Invalid(format!(
                "languages: {tag:?} is not a language tag; use codes like ar, fr, en, tzm or fr-MA"
            )));
        }
        let tag = normalise_tag(tag);
        if !out.contains(&tag) {
            out.push(tag);
        }
    }
    Ok(out)
}

/// `AR-ma` → `ar-MA`: lowercase language, uppercase two-letter region.
fn normalise_tag(tag: &str) -> String {
    tag.split('-')
        .enumerate()
        .map(|(i, part)| {
            if i > 0 && part.len() == 2 {
                part.to_uppercase()
            } else {
                part.to_lowercase()
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// Checks facets typed by a local user; the error names the field and the allowed values.
pub fn validate(facets: Facets) -> AppResult<Facets> {
    let stage = match facets.stage.as_deref().map(str::trim) {
        Some("") | None => None,
        Some(code) => {
            vocabulary::check("stage", STAGES, code)?;
            Some(code.to_string())
        }
    };
    let subjects = vocabulary::check_all("subjects", SUBJECTS, &facets.subjects)?;
    let levels = vocabulary::check_all("levels", LEVELS, &facets.levels)?;
    let languages = check_languages(&facets.languages)?;
    for (field, list) in [
        ("subjects", &subjects),
        ("levels", &levels),
        ("languages", &languages),
    ] {
        if list.len() > MAX_LIST {
            return Err(AppError::Invalid(format!(
                "{field}: at most {MAX_LIST} values"
            )));
        }
    }
    let region = facets
        .region
        .map(|r| r.trim().to_string())
        .filter(|r| !r.is_empty());
    if region
        .as_ref()
        .is_some_and(|r| r.chars().count() > MAX_REGION)
    {
        return Err(AppError::Invalid(format!(
            "region: at most {MAX_REGION} characters"
        )));
    }
    Ok(Facets {
        stage,
        subjects,
        levels,
        languages,
        region,
        open_to_mentor: facets.open_to_mentor,
        seeking_mentor: facets.seeking_mentor,
    })
}

/// Keeps what is usable of facets from another server: known codes only, language tags only,
/// short lists and region. Never fails: a peer with a newer vocabulary stays readable.
pub fn clean_remote(facets: Facets) -> Facets {
    let short = |mut list: Vec<String>| {
        list.truncate(MAX_LIST);
        list
    };
    let mut languages: Vec<String> = Vec::new();
    for tag in facets
        .languages
        .iter()
        .filter(|t| vocabulary::is_language_tag(t))
    {
        let tag = normalise_tag(tag);
        if !languages.contains(&tag) {
            languages.push(tag);
        }
    }
    Facets {
        stage: facets
            .stage
            .filter(|s| vocabulary::find(STAGES, s).is_some()),
        subjects: short(vocabulary::known_only(SUBJECTS, &facets.subjects)),
        levels: short(vocabulary::known_only(LEVELS, &facets.levels)),
        languages: short(languages),
        region: facets
            .region
            .map(|r| r.trim().chars().take(MAX_REGION).collect::<String>())
            .filter(|r| !r.is_empty()),
        open_to_mentor: facets.open_to_mentor,
        seeking_mentor: facets.seeking_mentor,
    }
}

/// The facets stored on an actor.
pub fn facets_of(actor: &actor::Model) -> Facets {
    Facets {
        stage: actor.stage.clone(),
        subjects: actor::Model::facet_list(&actor.subjects),
        levels: actor::Model::facet_list(&actor.levels),
        languages: actor::Model::facet_list(&actor.languages),
        region: actor.region.clone(),
        open_to_mentor: actor.open_to_mentor,
        seeking_mentor: actor.seeking_mentor,
    }
}

fn json_list(list: &[String]) -> String {
    serde_json::to_string(list).unwrap_or_else(|_| "[]".into())
}

/// Validates facets typed by a local user and writes them into an actor row; on an error the
/// row is left as it was.
pub fn apply_facets(row: &mut actor::ActiveModel, facets: Facets) -> AppResult<()> {
    let facets = validate(facets)?;
    row.stage = Set(facets.stage);
    row.subjects = Set(json_list(&facets.subjects));
    row.levels = Set(json_list(&facets.levels));
    row.languages = Set(json_list(&facets.languages));
    row.region = Set(facets.region);
    row.open_to_mentor = Set(facets.open_to_mentor);
    row.seeking_mentor = Set(facets.seeking_mentor);
    Ok(())
}

/// Stores validated facets on a local actor and tells its followers' servers (Update of the
/// actor). Invalid facets change nothing.
pub async fn set_facets(
    data: &Data<AppState>,
    actor_id: i64,
    facets: Facets,
) -> AppResult<actor::Model> {
    use sea_orm::ActiveModelTrait;
    let actor = db::actors::get_by_id(&data.db.read, actor_id).await?;
    if !actor.local || actor.kind != "Person" {
        return Err(AppError::Forbidden(
            "PLN facets belong to local people accounts".into(),
        ));
    }
    let mut row: actor::ActiveModel = actor.into();
    apply_facets(&mut row, facets)?;
    row.updated_at = Set(Utc::now());
    let txn = data.db.write.begin().await?;
    let actor = row.update(&txn).await?;
    crate::federation::outbox::actor_updated(&txn, data, &actor).await?;
    crate::service::commit(data, txn).await?;
    Ok(actor)
}

/// Applies a partial change to a local actor's facets (see [`FacetsPatch`]).
pub async fn update_facets(
    data: &Data<AppState>,
    actor: &actor::Model,
    patch: FacetsPatch,
) -> AppResult<actor::Model> {
    let facets = patch.merge(&facets_of(actor));
    set_facets(data, actor.id, facets).await
}

/// One facet as a readable profile field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacetField {
    /// Which facet (`stage`, `subjects`, `levels`, `languages`, `region`, `open_to_mentor`,
    /// `seeking_mentor`): the marker that tells Halqa peers this field is derived.
    pub facet: &'static str,
    /// The field name in the chosen language.
    pub name: &'static str,
    /// The value as HTML (escaped text).
    pub value: String,
}

/// Field names of each facet in English, French and Arabic.
const FIELD_NAMES: [(&str, &str, &str, &str); 7] = [
    ("stage", "Career stage", "Parcours", "المرحلة المهنية"),
    ("subjects", "Subjects", "Disciplines", "المواد"),
    ("levels", "Levels", "Niveaux", "الأسلاك"),
    (
        "languages",
        "Teaching languages",
        "Langues d'enseignement",
        "لغات التدريس",
    ),
    ("region", "Region", "Région", "الجهة"),
    (
        "open_to_mentor",
        "Open to mentoring",
        "Disponible pour accompagner",
        "مستعد(ة) للتأطير",
    ),
    (
        "seeking_mentor",
        "Looking for a mentor",
        "Cherche un accompagnement",
        "يبحث(تبحث) عن مؤطر",
    ),
];

/// The name of a facet's field in `lang` (`ar`, `fr`, anything else English).
pub fn field_name(facet: &str, lang: &str) -> &'static str {
    let Some((_, en, fr, ar)) = FIELD_NAMES.iter().find(|(f, ..)| *f == facet) else {
        return "";
    };
    match lang.get(..2).unwrap_or(lang) {
        "ar" => ar,
        "fr" => fr,
        _ => en,
    }
}

fn yes(lang: &str) -> &'static str {
    match lang.get(..2).unwrap_or(lang) {
        "ar" => "نعم",
        "fr" => "Oui",
        _ => "Yes",
    }
}

/// A list of codes as labels in `lang` (a code outside the vocabulary reads as itself).
fn labels(list: &'static [vocabulary::Term], codes: &[String], lang: &str) -> String {
    codes
        .iter()
        .map(|c| {
            vocabulary::find(list, c)
                .map(|t| t.label(lang).to_string())
                .unwrap_or_else(|| c.clone())
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The facets of an actor as readable profile fields with labels in `lang`, in a fixed order;
/// unset facets are left out (and the two flags when false).
pub fn facet_fields(actor: &actor::Model, lang: &str) -> Vec<FacetField> {
    readable_facets(&facets_of(actor), lang)
}

/// [`facet_fields`] of facets already read from their row (an account page parses each
/// actor's lists once, for these fields and for its `pln` object).
pub fn readable_facets(facets: &Facets, lang: &str) -> Vec<FacetField> {
    let mut out = Vec::new();
    let mut push = |facet: &'static str, value: String| {
        if !value.is_empty() {
            out.push(FacetField {
                facet,
                name: field_name(facet, lang),
                value: escape_html(&value),
            });
        }
    };
    if let Some(stage) = &facets.stage {
        push("stage", labels(STAGES, std::slice::from_ref(stage), lang));
    }
    push("subjects", labels(SUBJECTS, &facets.subjects, lang));
    push("levels", labels(LEVELS, &facets.levels, lang));
    push("languages", facets.languages.join(", "));
    push("region", facets.region.clone().unwrap_or_default());
    if facets.open_to_mentor {
        push("open_to_mentor", yes(lang).to_string());
    }
    if facets.seeking_mentor {
        push("seeking_mentor", yes(lang).to_string());
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn strings(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn local_facets_are_checked_against_the_vocabulary() {
        let ok = validate(Facets {
            stage: Some(" teacher ".into()),
            subjects: strings(&["mathematics", "mathematics", " french"]),
            levels: strings(&["secondary"]),
            languages: strings(&["AR", "fr-ma", "tzm"]),
            region: Some("  Rabat-Salé-Kénitra ".into()),
            open_to_mentor: true,
            seeking_mentor: false,
        })
        .unwrap();
        assert_eq!(ok.stage.as_deref(), Some("teacher"));
        assert_eq!(ok.subjects, strings(&["mathematics", "french"]));
        assert_eq!(ok.languages, strings(&["ar", "fr-MA", "tzm"]));
        assert_eq!(ok.region.as_deref(), Some("Rabat-Salé-Kénitra"));

        let err = |f: Facets| validate(f).unwrap_err();
        let e = err(Facets {
            subjects: strings(&["maths"]),
            ..Default::default()
        });
        assert!(matches!(e, AppError::Invalid(_)));
        let msg = e.to_string();
        assert!(
            msg.starts_with("subjects") && msg.contains("maths") && msg.contains("mathematics"),
            "{msg}"
        );
        let msg = err(Facets {
            levels: strings(&["kindergarten"]),
            ..Default::default()
        })
        .to_string();
        assert!(
            msg.starts_with("levels") && msg.contains("primary"),
            "{msg}"
        );
        let msg = err(Facets {
            stage: Some("principal".into()),
            ..Default::default()
        })
        .to_string();
        assert!(
            msg.starts_with("stage") && msg.contains("teacher_educator"),
            "{msg}"
        );
        let msg = err(Facets {
            languages: strings(&["arabic"]),
            ..Default::default()
        })
        .to_string();
        assert!(msg.starts_with("languages"), "{msg}");
        assert!(
            validate(Facets {
                region: Some("x".repeat(MAX_REGION + 1)),
                ..Default::default()
            })
            .is_err()
        );
    }

    #[test]
    fn remote_facets_keep_known_codes_and_never_fail() {
        let kept = clean_remote(Facets {
            stage: Some("astronaut".into()),
            subjects: strings(&["mathematics", "quantum_gardening"]),
            levels: (0..50).map(|_| "primary".to_string()).collect(),
            languages: strings(&["ar", "not a tag", "FR"]),
            region: Some("r".repeat(500)),
            open_to_mentor: true,
            seeking_mentor: true,
        });
        assert_eq!(kept.stage, None);
        assert_eq!(kept.subjects, strings(&["mathematics"]));
        assert_eq!(kept.levels, strings(&["primary"]));
        assert_eq!(kept.languages, strings(&["ar", "fr"]));
        assert_eq!(kept.region.unwrap().chars().count(), MAX_REGION);
    }

    #[test]
    fn a_patch_changes_only_what_it_names_and_drops_legacy_values() {
        let current = Facets {
            stage: Some("teacher".into()),
            subjects: strings(&["maths", "french"]),
            levels: strings(&["primary"]),
            languages: strings(&["ar"]),
            region: Some("Oriental".into()),
            open_to_mentor: false,
            seeking_mentor: true,
        };
        let merged = FacetsPatch {
            open_to_mentor: Some(true),
            region: Some(" ".into()),
            ..Default::default()
        }
        .merge(&current);
        assert_eq!(merged.stage.as_deref(), Some("teacher"));
        // "maths" predates the vocabulary: dropped rather than blocking the change.
        assert_eq!(merged.subjects, strings(&["french"]));
        assert_eq!(merged.region, None);
        assert!(merged.open_to_mentor && merged.seeking_mentor);
        assert!(validate(merged).is_ok());
    }

    #[test]
    fn facet_fields_are_readable_in_the_chosen_language() {
        let actor = actor::Model {
            stage: Some("teacher".into()),
            subjects: r#"["mathematics","physics_chemistry"]"#.into(),
            levels: r#"["secondary"]"#.into(),
            languages: r#"["ar","fr"]"#.into(),
            region: Some("Fès-Meknès <b>".into()),
            open_to_mentor: true,
            ..actor::Model::sample(1, "s")
        };
        let fr = facet_fields(&actor, "fr");
        let pairs: Vec<(&str, &str, &str)> = fr
            .iter()
            .map(|f| (f.facet, f.name, f.value.as_str()))
            .collect();
        assert_eq!(
            pairs,
            vec![
                ("stage", "Parcours", "Enseignant"),
                ("subjects", "Disciplines", "Mathématiques, Physique-chimie"),
                ("levels", "Niveaux", "Lycée"),
                ("languages", "Langues d'enseignement", "ar, fr"),
                ("region", "Région", "Fès-Meknès &lt;b&gt;"),
                ("open_to_mentor", "Disponible pour accompagner", "Oui"),
            ]
        );
        let en = facet_fields(&actor, "en");
        assert_eq!(en[0].name, "Career stage");
        assert_eq!(en[0].value, "Teacher");
    }
}
