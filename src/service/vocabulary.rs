//! The PLN's controlled vocabulary: stages, subjects, levels, mentorship formats and institution
//! kinds, each a stable code (what is stored and federated) with labels in Arabic, French and
//! English. Validation of user input and the readable summaries sent to other software use it.
use crate::error::{AppError, AppResult};

/// One term: its code and its labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Term {
    pub code: &'static str,
    pub en: &'static str,
    pub fr: &'static str,
    pub ar: &'static str,
}

impl Term {
    /// The label in `lang` (`ar`, `fr`, anything else reads English).
    pub fn label(&self, lang: &str) -> &'static str {
        match lang.get(..2).unwrap_or(lang) {
            "ar" => self.ar,
            "fr" => self.fr,
            _ => self.en,
        }
    }
}

const fn term(code: &'static str, en: &'static str, fr: &'static str, ar: &'static str) -> Term {
    Term { code, en, fr, ar }
}

/// Career stages of a member of the PLN.
pub const STAGES: &[Term] = &[
    term(
        "trainee",
        "Trainee teacher",
        "Enseignant stagiaire",
        "أستاذ متدرب",
    ),
    term(
        "novice",
        "Novice teacher",
        "Enseignant débutant",
        "أستاذ مبتدئ",
    ),
    term("teacher", "Teacher", "Enseignant", "أستاذ"),
    term(
        "teacher_educator",
        "Teacher educator",
        "Formateur d'enseignants",
        "مكوّن الأساتذة",
    ),
];

/// School levels.
pub const LEVELS: &[Term] = &[
    term("primary", "Primary", "Primaire", "الابتدائي"),
    term("middle", "Middle school", "Collège", "الإعدادي"),
    term("secondary", "Secondary", "Lycée", "الثانوي التأهيلي"),
    term("higher", "Higher education", "Supérieur", "التعليم العالي"),
];

/// Subjects taught in Moroccan schools and teacher-training colleges.
pub const SUBJECTS: &[Term] = &[
    term("arabic", "Arabic", "Arabe", "اللغة العربية"),
    term("amazigh", "Amazigh", "Amazighe", "اللغة الأمازيغية"),
    term("french", "French", "Français", "اللغة الفرنسية"),
    term("english", "English", "Anglais", "اللغة الإنجليزية"),
    term("spanish", "Spanish", "Espagnol", "اللغة الإسبانية"),
    term("german", "German", "Allemand", "اللغة الألمانية"),
    term("mathematics", "Mathematics", "Mathématiques", "الرياضيات"),
    term(
        "physics_chemistry",
        "Physics and chemistry",
        "Physique-chimie",
        "الفيزياء والكيمياء",
    ),
    term(
        "life_earth_sciences",
        "Life and earth sciences",
        "Sciences de la vie et de la Terre",
        "علوم الحياة والأرض",
    ),
    term(
        "history_geography",
        "History and geography",
        "Histoire-géographie",
        "التاريخ والجغرافيا",
    ),
    term(
        "islamic_education",
        "Islamic education",
        "Éducation islamique",
        "التربية الإسلامية",
    ),
    term("philosophy", "Philosophy", "Philosophie", "الفلسفة"),
    term(
        "computer_science",
        "Computer science",
        "Informatique",
        "المعلوميات",
    ),
    term(
        "physical_education",
        "Physical education",
        "Éducation physique",
        "التربية البدنية",
    ),
    term(
        "visual_arts",
        "Visual arts",
        "Arts plastiques",
        "التربية التشكيلية",
    ),
    term("music", "Music", "Éducation musicale", "التربية الموسيقية"),
    term("technology", "Technology", "Technologie", "التكنولوجيا"),
    term(
        "economics_management",
        "Economics and management",
        "Économie et gestion",
        "الاقتصاد والتدبير",
    ),
    term(
        "primary_multidisciplinary",
        "Primary (all subjects)",
        "Primaire (polyvalent)",
        "التعليم الابتدائي (متعدد المواد)",
    ),
    term("preschool", "Preschool", "Préscolaire", "التعليم الأولي"),
    term(
        "special_education",
        "Special and inclusive education",
        "Éducation inclusive",
        "التربية الدامجة",
    ),
    term(
        "pedagogy",
        "Pedagogy and classroom management",
        "Pédagogie et gestion de classe",
        "البيداغوجيا وتدبير القسم",
    ),
];

/// How a mentorship meets.
pub const FORMATS: &[Term] = &[
    term("online", "Online", "En ligne", "عن بعد"),
    term("in_person", "In person", "En présentiel", "حضوري"),
    term("hybrid", "Hybrid", "Hybride", "مختلط"),
];

/// Kinds of teaching resource (LRMI `learningResourceType`).
pub const RESOURCE_TYPES: &[Term] = &[
    term("lesson_plan", "Lesson plan", "Fiche pédagogique", "جذاذة"),
    term("worksheet", "Worksheet", "Fiche d'exercices", "ورقة عمل"),
    term("assessment", "Assessment", "Évaluation", "تقويم"),
    term("slides", "Slides", "Diaporama", "عرض شرائح"),
    term("reading", "Reading", "Lecture", "نص للقراءة"),
    term("video", "Video", "Vidéo", "فيديو"),
    term("link", "Link", "Lien", "رابط"),
];

/// Kinds of institution running a node.
pub const INSTITUTION_KINDS: &[Term] = &[
    term(
        "ens",
        "École normale supérieure",
        "École normale supérieure",
        "المدرسة العليا للأساتذة",
    ),
    term(
        "crmef",
        "Regional centre for education and training (CRMEF)",
        "Centre régional des métiers de l'éducation et de la formation (CRMEF)",
        "المركز الجهوي لمهن التربية والتكوين",
    ),
    term("school", "School", "École", "مؤسسة تعليمية"),
    term("university", "University", "Université", "جامعة"),
    term("other", "Other", "Autre", "أخرى"),
];

/// The term with `code` in `list`.
pub fn find(list: &'static [Term], code: &str) -> Option<&'static Term> {
    list.iter().find(|t| t.code == code)
}

/// Checks one code against `list`; the error names the field and every allowed code.
pub fn check(field: &str, list: &'static [Term], code: &str) -> AppResult<()> {
    match find(list, code) {
        Some(_) => Ok(()),
        None => Err(AppError::Invalid(format!(
            "{field}: unknown value {code:?}; allowed: {}",
            codes(list).join(", ")
        ))),
    }
}

/// Trims, drops empties and duplicates, and checks every code of a user-supplied list.
pub fn check_all(field: &str, list: &'static [Term], codes: &[String]) -> AppResult<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for code in codes.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
        check(field, list, code)?;
        if !out.iter().any(|c| c == code) {
            out.push(code.to_string());
        }
    }
    Ok(out)
}

/// Keeps only the known codes of a list that came from another server (never an error: a peer
/// with a newer vocabulary must not make its actors or objects unreadable).
pub fn known_only(list: &'static [Term], codes: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for code in codes {
        if find(list, code).is_some() && !out.contains(code) {
            out.push(code.clone());
        }
    }
    out
}

/// Every code of a list.
pub fn codes(list: &'static [Term]) -> Vec<&'static str> {
    list.iter().map(|t| t.code).collect()
}

/// Whether `lang` looks like a BCP 47 primary language tag (`ar`, `fr`, `en`, `tzm`, `ar-MA`).
pub fn is_language_tag(lang: &str) -> bool {
    let mut parts = lang.split('-');
    let primary = parts.next().unwrap_or_default();
    (2..=3).contains(&primary.len())
        && primary.chars().all(|c| c.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_labelled_in_three_languages() {
        for list in [
            STAGES,
            LEVELS,
            SUBJECTS,
            FORMATS,
            INSTITUTION_KINDS,
            RESOURCE_TYPES,
        ] {
            let mut seen = std::collections::HashSet::new();
            for t in list {
                assert!(seen.insert(t.code), "duplicate code {}", t.code);
                assert!(!t.en.is_empty() && !t.fr.is_empty() && !t.ar.is_empty());
            }
        }
    }

    #[test]
    fn check_all_cleans_and_rejects_unknown_codes() {
        let ok = check_all(
            "subjects",
            SUBJECTS,
            &[
                " mathematics".into(),
                "".into(),
                "mathematics".into(),
                "french".into(),
            ],
        )
        .unwrap();
        assert_eq!(ok, vec!["mathematics", "french"]);
        let err = check_all("levels", LEVELS, &["kindergarten".into()]).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("kindergarten") && msg.contains("primary"),
            "{msg}"
        );
    }

    #[test]
    fn known_only_drops_unknown_codes_from_peers() {
        let kept = known_only(
            LEVELS,
            &["primary".into(), "galactic".into(), "primary".into()],
        );
        assert_eq!(kept, vec!["primary"]);
    }

    #[test]
    fn labels_follow_the_language_and_default_to_english() {
        let t = find(FORMATS, "online").unwrap();
        assert_eq!(t.label("ar"), "عن بعد");
        assert_eq!(t.label("fr-MA"), "En ligne");
        assert_eq!(t.label("de"), "Online");
    }

    #[test]
    fn language_tags_are_checked_loosely() {
        assert!(is_language_tag("ar") && is_language_tag("tzm") && is_language_tag("fr-MA"));
        assert!(!is_language_tag("arabic") && !is_language_tag("") && !is_language_tag("a1"));
    }
}
