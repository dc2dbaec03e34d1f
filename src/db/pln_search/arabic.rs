//! Arabic clitics in search: the conjunctions, prepositions and article that Arabic writes
//! attached to the next word (`و`, `ف`, `ب`, `ك`, `ل`, `ال`, `وال`, `بال`, `لل` …). A search
//! word is widened to the forms it takes with them, so `درس` finds `والدرس` and `بالدرس`, and a
//! word typed with its article (`الدرس`) is also looked for bare and with the other clitics.
//! This is done on the query side only, so both engines (FTS5 and `tsvector`) and the rows
//! already indexed need nothing new.

/// Clitic prefixes a word may carry, longest first. Single letters and their combinations with
/// the article (`ل` + `ال` is written `لل`).
const PREFIXES: &[&str] = &[
    "وبال", "فبال", "وكال", "فكال", "وال", "فال", "بال", "كال", "ولل", "فلل", "لل", "ال", "وب",
    "فب", "وك", "فك", "ول", "فل", "و", "ف", "ب", "ك", "ل",
];

/// Prefixes that include the article: a query word starting with one of these is also searched
/// without it. Single letters are not stripped from a query word: too many roots start with
/// them (`ولد`, `بحث`, `كتب`).
const ARTICLE_PREFIXES: &[&str] = &[
    "وبال", "فبال", "وكال", "فكال", "وال", "فال", "بال", "كال", "ولل", "فلل", "لل", "ال",
];

/// A stem shorter than this (in letters) is never split off: `ال` + one letter is a word.
const MIN_STEM_CHARS: usize = 2;

fn is_arabic_letter(c: char) -> bool {
    matches!(c, '\u{0621}'..='\u{064A}' | '\u{0671}'..='\u{06D3}')
}

/// True when `word` is written in Arabic letters (its first letter is Arabic).
pub fn is_arabic(word: &str) -> bool {
    word.chars().next().is_some_and(is_arabic_letter)
}

/// The stem of an Arabic word typed with its article (`الدرس` → `درس`, `بالدرس` → `درس`), or
/// the word itself.
pub fn strip_article(word: &str) -> &str {
    for prefix in ARTICLE_PREFIXES {
        if let Some(rest) = word.strip_prefix(prefix)
            && rest.chars().count() >= MIN_STEM_CHARS
        {
            return rest;
        }
    }
    word
}

/// The forms an Arabic search word is looked for in: its stem alone and with each clitic
/// prefix, plus the word as typed; each matches as a prefix of an indexed word. A word in
/// another script is looked for as it is.
pub fn variants(word: &str) -> Vec<String> {
    if !is_arabic(word) {
        return vec![word.to_string()];
    }
    let stem = strip_article(word);
    let mut out = vec![word.to_string()];
    for prefix in PREFIXES {
        let form = format!("{prefix}{stem}");
        if !out.contains(&form) {
            out.push(form);
        }
    }
    if !out.iter().any(|f| f == stem) {
        out.push(stem.to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bare_word_is_looked_for_with_every_clitic() {
        let forms = variants("درس");
        for expected in [
            "درس",
            "والدرس",
            "بالدرس",
            "الدرس",
            "ودرس",
            "فدرس",
            "للدرس",
            "كالدرس",
        ] {
            assert!(
                forms.iter().any(|f| f == expected),
                "{expected} in {forms:?}"
            );
        }
    }

    #[test]
    fn a_word_with_its_article_is_also_looked_for_bare() {
        assert_eq!(strip_article("الدرس"), "درس");
        assert_eq!(strip_article("وبالدرس"), "درس");
        assert_eq!(strip_article("للتلميذ"), "تلميذ");
        let forms = variants("بالرياضيات");
        for expected in ["بالرياضيات", "رياضيات", "الرياضيات", "والرياضيات"]
        {
            assert!(
                forms.iter().any(|f| f == expected),
                "{expected} in {forms:?}"
            );
        }
    }

    #[test]
    fn single_letter_prefixes_and_short_stems_stay() {
        // و, ب, ك starting a root are not clitics: the word is kept whole.
        assert_eq!(strip_article("ولد"), "ولد");
        assert_eq!(strip_article("بحث"), "بحث");
        assert_eq!(variants("ولد")[0], "ولد");
        assert!(variants("ولد").iter().any(|f| f == "والولد"));
        // `ال` with one letter after it is not split.
        assert_eq!(strip_article("الم"), "الم");
    }

    #[test]
    fn other_scripts_are_unchanged() {
        assert_eq!(variants("fractions"), ["fractions"]);
        assert_eq!(variants("6e"), ["6e"]);
        assert!(!is_arabic("évaluation"));
    }
}
