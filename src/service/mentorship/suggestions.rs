//! Suggestions: open offers ranked for a viewer from their PLN facets — shared subjects,
//! levels and languages, same region (or online), and a mentor whose stage suits the viewer's
//! (trainees and novices are best served by teacher educators and teachers). Each match comes
//! with its reasons, as machine codes and readable text. Own offers and offers already
//! requested are left out.
use crate::{
    AppState,
    db::{
        self,
        entity::{actor, mentorship_offer as offer},
    },
    error::AppResult,
    service::vocabulary,
};
use activitypub_federation::config::Data;
use std::collections::HashMap;

/// How many recent open offers are ranked.
const CANDIDATES: u64 = 500;

/// One reason an offer suits the viewer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    /// subject, level, language, region, online, stage.
    pub code: &'static str,
    pub text: String,
}

/// A ranked offer.
#[derive(Debug, Clone)]
pub struct Suggestion {
    pub offer: offer::Model,
    pub score: i32,
    pub reasons: Vec<Reason>,
}

fn shared(mine: &[String], theirs: &[String]) -> Vec<String> {
    theirs
        .iter()
        .filter(|t| mine.contains(t))
        .cloned()
        .collect()
}

fn labels(list: &'static [vocabulary::Term], codes: &[String], lang: &str) -> String {
    let separator = if lang == "ar" { "، " } else { ", " };
    codes
        .iter()
        .map(|c| vocabulary::find(list, c).map_or(c.as_str(), |t| t.label(lang)))
        .collect::<Vec<_>>()
        .join(separator)
}

/// A reason's sentence in `lang` (`ar`, `fr`, else English) around `detail`.
fn sentence(code: &str, detail: &str, lang: &str) -> String {
    match (code, lang) {
        ("subject", "ar") => format!("نفس المادة: {detail}"),
        ("subject", "fr") => format!("Même matière : {detail}"),
        ("subject", _) => format!("Same subject: {detail}"),
        ("level", "ar") => format!("نفس السلك: {detail}"),
        ("level", "fr") => format!("Même niveau : {detail}"),
        ("level", _) => format!("Same level: {detail}"),
        ("language", "ar") => format!("لغة مشتركة: {detail}"),
        ("language", "fr") => format!("Une langue en commun : {detail}"),
        ("language", _) => format!("You share a language: {detail}"),
        ("region", "ar") => format!("في جهتك: {detail}"),
        ("region", "fr") => format!("Dans votre région : {detail}"),
        ("region", _) => format!("In your region: {detail}"),
        ("online", "ar") => "عن بعد، فالمسافة لا تهم".into(),
        ("online", "fr") => "En ligne : la distance ne compte pas".into(),
        ("online", _) => "Online, so distance does not matter".into(),
        (_, "ar") => format!("المرشد(ة): {detail}"),
        (_, "fr") => format!("Profil du mentor : {}", detail.to_lowercase()),
        (_, _) => format!("The mentor is a {}", detail.to_lowercase()),
    }
}

/// How well the mentor's stage suits the viewer's, with the mentor's stage label in `lang`.
fn stage_fit(viewer: Option<&str>, mentor: Option<&str>, lang: &str) -> Option<(i32, String)> {
    let mentor = mentor?;
    let fit = match (viewer?, mentor) {
        ("trainee" | "novice", "teacher_educator") => 3,
        ("trainee" | "novice", "teacher") => 2,
        ("teacher", "teacher_educator") => 2,
        _ => return None,
    };
    let label = vocabulary::find(vocabulary::STAGES, mentor).map_or(mentor, |t| t.label(lang));
    Some((fit, sentence("stage", label, lang)))
}

/// Scores one offer by `mentor` for `viewer`, reasons written in `lang`; `None` when nothing
/// matches.
pub fn rank(
    viewer: &actor::Model,
    mentor: Option<&actor::Model>,
    o: &offer::Model,
    lang: &str,
) -> Option<Suggestion> {
    let mut score = 0;
    let mut reasons = Vec::new();
    let codes = db::mentorship::codes_of;
    let subjects = shared(
        &actor::Model::facet_list(&viewer.subjects),
        &codes(&o.subjects),
    );
    if !subjects.is_empty() {
        score += 4 * subjects.len() as i32;
        reasons.push(Reason {
            code: "subject",
            text: sentence(
                "subject",
                &labels(vocabulary::SUBJECTS, &subjects, lang),
                lang,
            ),
        });
    }
    let levels = shared(&actor::Model::facet_list(&viewer.levels), &codes(&o.levels));
    if !levels.is_empty() {
        score += 2 * levels.len() as i32;
        reasons.push(Reason {
            code: "level",
            text: sentence("level", &labels(vocabulary::LEVELS, &levels, lang), lang),
        });
    }
    let languages = shared(
        &actor::Model::facet_list(&viewer.languages),
        &codes(&o.languages),
    );
    if !languages.is_empty() {
        score += 2;
        reasons.push(Reason {
            code: "language",
            text: sentence("language", &languages.join(", "), lang),
        });
    }
    let same_region =
        matches!((&viewer.region, &o.region), (Some(a), Some(b)) if a.eq_ignore_ascii_case(b));
    if same_region {
        score += 2;
        reasons.push(Reason {
            code: "region",
            text: sentence("region", o.region.as_deref().unwrap_or_default(), lang),
        });
    } else if o.format == "online" && score > 0 {
        score += 1;
        reasons.push(Reason {
            code: "online",
            text: sentence("online", "", lang),
        });
    }
    if let Some((fit, text)) = stage_fit(
        viewer.stage.as_deref(),
        mentor.and_then(|m| m.stage.as_deref()),
        lang,
    ) {
        score += fit;
        reasons.push(Reason {
            code: "stage",
            text,
        });
    }
    (score > 0).then(|| Suggestion {
        offer: o.clone(),
        score,
        reasons,
    })
}

/// Open offers for `viewer`, best first (then newest), at most `limit`, reasons in `lang`.
pub async fn suggestions(
    data: &Data<AppState>,
    viewer: &actor::Model,
    limit: usize,
    lang: &str,
) -> AppResult<Vec<Suggestion>> {
    let db = &data.db.read;
    let candidates = db::mentorship::open_offers_except(db, viewer.id, CANDIDATES).await?;
    let ids: Vec<i64> = candidates.iter().map(|o| o.id).collect();
    let requested = db::mentorship::request_states(db, viewer.id, &ids).await?;
    let mentor_ids: Vec<i64> = candidates.iter().map(|o| o.author_id).collect();
    let mentors: HashMap<i64, actor::Model> = db::views::actors_by_ids(db, &mentor_ids).await?;
    let mut ranked: Vec<Suggestion> = candidates
        .iter()
        .filter(|o| !requested.contains_key(&o.id))
        .filter_map(|o| rank(viewer, mentors.get(&o.author_id), o, lang))
        .collect();
    ranked.sort_by(|a, b| b.score.cmp(&a.score).then(b.offer.id.cmp(&a.offer.id)));
    ranked.truncate(limit);
    Ok(ranked)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn person(stage: &str, subjects: &str, region: Option<&str>) -> actor::Model {
        actor::Model {
            stage: Some(stage.into()),
            subjects: subjects.into(),
            levels: r#"["secondary"]"#.into(),
            languages: r#"["fr"]"#.into(),
            region: region.map(str::to_string),
            seeking_mentor: true,
            ..actor::Model::sample(1, "amina")
        }
    }

    fn offer(subjects: &str, format: &str, region: Option<&str>) -> offer::Model {
        let now = Utc::now();
        offer::Model {
            id: 9,
            ap_id: "https://b.example/mentorship/offers/9".into(),
            local: false,
            author_id: 2,
            note_ap_id: None,
            url: None,
            title: "t".into(),
            description: "d".into(),
            subjects: subjects.into(),
            levels: r#"["secondary"]"#.into(),
            languages: r#"["fr","ar"]"#.into(),
            format: format.into(),
            region: region.map(str::to_string),
            capacity: 1,
            available: 1,
            state: "open".into(),
            starts_at: None,
            ends_at: None,
            published_at: now,
            updated_at: now,
        }
    }

    #[test]
    fn a_trainee_gets_a_matching_teacher_educator_with_every_reason() {
        let trainee = person("trainee", r#"["mathematics"]"#, Some("Fès-Meknès"));
        let mentor = person("teacher_educator", "[]", None);
        let s = rank(
            &trainee,
            Some(&mentor),
            &offer(r#"["mathematics"]"#, "in_person", Some("fès-meknès")),
            "en",
        )
        .unwrap();
        let codes: Vec<&str> = s.reasons.iter().map(|r| r.code).collect();
        assert_eq!(
            codes,
            vec!["subject", "level", "language", "region", "stage"]
        );
        assert!(s.reasons[0].text.contains("Mathematics"));
        assert!(s.reasons[4].text.contains("teacher educator"));
    }

    #[test]
    fn reasons_are_written_in_the_viewers_language() {
        let trainee = person("trainee", r#"["mathematics"]"#, Some("Fès-Meknès"));
        let mentor = person("teacher_educator", "[]", None);
        let offer = offer(r#"["mathematics"]"#, "in_person", Some("Fès-Meknès"));
        let fr = rank(&trainee, Some(&mentor), &offer, "fr").unwrap();
        assert_eq!(fr.reasons[0].text, "Même matière : Mathématiques");
        assert!(fr.reasons[1].text.starts_with("Même niveau : "));
        let ar = rank(&trainee, Some(&mentor), &offer, "ar").unwrap();
        assert_eq!(ar.reasons[0].text, "نفس المادة: الرياضيات");
        assert!(
            ar.reasons[4].text.contains("الأساتذة"),
            "{}",
            ar.reasons[4].text
        );
        // Codes do not depend on the language.
        let codes = |s: &Suggestion| s.reasons.iter().map(|r| r.code).collect::<Vec<_>>();
        assert_eq!(codes(&fr), codes(&ar));
    }

    #[test]
    fn online_offers_count_across_regions_and_unrelated_ones_are_dropped() {
        let trainee = person("novice", r#"["french"]"#, Some("Oriental"));
        let s = rank(
            &trainee,
            None,
            &offer(r#"["french"]"#, "online", Some("Souss-Massa")),
            "en",
        )
        .unwrap();
        assert!(s.reasons.iter().any(|r| r.code == "online"));
        let stranger = person("teacher", r#"["music"]"#, None);
        let mut unrelated = offer(r#"["mathematics"]"#, "in_person", None);
        unrelated.levels = "[]".into();
        unrelated.languages = "[]".into();
        assert!(rank(&stranger, None, &unrelated, "en").is_none());
    }
}
