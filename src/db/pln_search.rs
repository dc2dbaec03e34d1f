//! Full-text search over PLN objects with the database's own engine (migration 10): SQLite FTS5
//! tables (`resource_search`, `mentorship_offer_search`, rowid = the object's id) or PostgreSQL
//! `search_vector` columns. User text becomes [`SearchTerms`] (words only, folded), and each
//! backend gets an expression built from those words alone, so no input can be read as query
//! syntax. Filters are the lists' own (`db::resources::matching`, `db::mentorship::offers_matching`).
use crate::{
    db::{
        collections::CollectionFilter,
        entity::{collection, mentorship_offer as offer, resource},
        mentorship::{OfferFilter, offers_matching},
        paging::Cursor,
        resources::{ResourceFilter, matching},
    },
    error::AppResult,
};
use sea_orm::{ConnectionTrait, DbBackend, QueryFilter, sea_query::Expr};

pub mod arabic;

/// Text longer than this (in characters) is cut before it is split into words.
pub const MAX_QUERY_CHARS: usize = 500;
/// Words after this many are ignored.
pub const MAX_TERMS: usize = 8;
/// Longer words are cut to this many characters (and still match as a prefix).
pub const MAX_TERM_CHARS: usize = 64;

/// Accented Latin letters (lower case) and what they fold to: the same table as the PostgreSQL
/// `search_vector` columns of migration 10 (SQLite's `remove_diacritics 2` folds these too).
const FOLD_FROM: &str = "àáâãäåçèéêëìíîïñòóôõöùúûüýÿ";
const FOLD_TO: &str = "aaaaaaceeeeiiiinooooouuuuyy";

/// Marks that are dropped from a word rather than splitting it: Arabic tanween, harakat, shadda,
/// sukun and the other Arabic combining marks, tatweel, and Latin combining accents.
fn is_ignorable_mark(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}'
        | '\u{0610}'..='\u{061A}'
        | '\u{0640}'
        | '\u{064B}'..='\u{065F}'
        | '\u{0670}'
        | '\u{06D6}'..='\u{06ED}')
}

fn fold(c: char) -> char {
    FOLD_FROM
        .chars()
        .position(|a| a == c)
        .and_then(|i| FOLD_TO.chars().nth(i))
        .unwrap_or(c)
}

/// The words of a search: letters and digits only, lower-cased and folded. Every word must
/// match, each as a prefix of an indexed word.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchTerms(Vec<String>);

impl SearchTerms {
    /// Splits `text` into words; everything that is not a letter or digit separates them.
    pub fn parse(text: &str) -> SearchTerms {
        let mut terms: Vec<String> = Vec::new();
        let mut word = String::new();
        let push = |word: &mut String, terms: &mut Vec<String>| {
            if !word.is_empty() && terms.len() < MAX_TERMS {
                let cut: String = word.chars().take(MAX_TERM_CHARS).collect();
                if !terms.contains(&cut) {
                    terms.push(cut);
                }
            }
            word.clear();
        };
        for c in text.chars().take(MAX_QUERY_CHARS) {
            if is_ignorable_mark(c) {
                continue;
            }
            if c.is_alphanumeric() {
                word.extend(c.to_lowercase().map(fold));
            } else {
                push(&mut word, &mut terms);
            }
        }
        push(&mut word, &mut terms);
        SearchTerms(terms)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn words(&self) -> &[String] {
        &self.0
    }

    /// An FTS5 MATCH expression: each word a quoted string with a prefix star (`"frac"*`),
    /// all required (an explicit `AND`: FTS5 only joins bare phrases implicitly); an Arabic word is any of its clitic forms (`("درس"* OR "والدرس"* …)`,
    /// see [`arabic::variants`]). Quotes are doubled, as FTS5 escapes them (words hold none,
    /// but the expression stays valid whatever they hold).
    pub fn fts5_match(&self) -> String {
        self.0
            .iter()
            .map(|w| {
                let forms: Vec<String> = arabic::variants(w)
                    .iter()
                    .map(|f| format!("\"{}\"*", f.replace('"', "\"\"")))
                    .collect();
                if forms.len() == 1 {
                    forms.into_iter().next().unwrap_or_default()
                } else {
                    format!("({})", forms.join(" OR "))
                }
            })
            .collect::<Vec<_>>()
            .join(" AND ")
    }

    /// A PostgreSQL `to_tsquery` text: each word quoted as a prefix (`'frac':*`), all required
    /// (`&`); an Arabic word is any of its clitic forms (`('درس':* | 'والدرس':* …)`). Quotes
    /// and backslashes are escaped as tsquery reads them.
    pub fn tsquery(&self) -> String {
        self.0
            .iter()
            .map(|w| {
                let forms: Vec<String> = arabic::variants(w)
                    .iter()
                    .map(|f| format!("'{}':*", f.replace('\\', "\\\\").replace('\'', "''")))
                    .collect();
                if forms.len() == 1 {
                    forms.into_iter().next().unwrap_or_default()
                } else {
                    format!("({})", forms.join(" | "))
                }
            })
            .collect::<Vec<_>>()
            .join(" & ")
    }
}

/// `table.id` among the rows whose indexed text matches `terms`.
fn text_condition(backend: DbBackend, table: &str, terms: &SearchTerms) -> Expr {
    match backend {
        DbBackend::Postgres => Expr::cust_with_values(
            format!("\"{table}\".\"search_vector\" @@ to_tsquery('simple'::regconfig, $1)"),
            [terms.tsquery()],
        ),
        _ => Expr::cust_with_values(
            format!(
                "\"{table}\".\"id\" IN (SELECT rowid FROM {table}_search \
                 WHERE {table}_search MATCH ?)"
            ),
            [terms.fts5_match()],
        ),
    }
}

/// Live resources matching `filter` and (when there are any) `terms`, newest first, paged by id.
pub async fn resources(
    db: &impl ConnectionTrait,
    filter: &ResourceFilter,
    terms: &SearchTerms,
    cursor: Cursor,
) -> AppResult<Vec<resource::Model>> {
    let mut query = matching(filter);
    if !terms.is_empty() {
        query = query.filter(text_condition(db.get_database_backend(), "resource", terms));
    }
    let rows = cursor.apply(query, resource::Column::Id).all(db).await?;
    Ok(cursor.finish(rows))
}

/// Mentorship offers matching `filter` and (when there are any) `terms`, newest first, paged
/// by id.
pub async fn offers(
    db: &impl ConnectionTrait,
    filter: &OfferFilter,
    terms: &SearchTerms,
    cursor: Cursor,
) -> AppResult<Vec<offer::Model>> {
    let mut query = offers_matching(filter);
    if !terms.is_empty() {
        query = query.filter(text_condition(
            db.get_database_backend(),
            "mentorship_offer",
            terms,
        ));
    }
    let rows = cursor.apply(query, offer::Column::Id).all(db).await?;
    Ok(cursor.finish(rows))
}

/// Live public and approval-required collections matching `filter` and (when there are any)
/// `terms`, newest first, paged by id.
pub async fn collections(
    db: &impl ConnectionTrait,
    filter: &CollectionFilter,
    terms: &SearchTerms,
    cursor: Cursor,
) -> AppResult<Vec<collection::Model>> {
    let mut query = crate::db::collections::matching(filter);
    if !terms.is_empty() {
        query = query.filter(text_condition(
            db.get_database_backend(),
            "collection",
            terms,
        ));
    }
    let rows = cursor.apply(query, collection::Column::Id).all(db).await?;
    Ok(cursor.finish(rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        SearchTerms::parse(text).words().to_vec()
    }

    #[test]
    fn words_are_folded_and_syntax_is_dropped() {
        assert_eq!(
            words("Évaluation  des ÉLÈVES"),
            ["evaluation", "des", "eleves"]
        );
        assert_eq!(
            words("\"fractions\" AND NEAR(a b) -x *"),
            ["fractions", "and", "near", "a", "b", "x"]
        );
        assert_eq!(words("l'évaluation: 6e"), ["l", "evaluation", "6e"]);
        assert!(SearchTerms::parse("\" * - ( ) : ^ ' \\").is_empty());
        assert!(SearchTerms::parse("").is_empty());
    }

    #[test]
    fn arabic_marks_are_dropped_inside_words() {
        assert_eq!(words("الرِّيَاضِيَّات"), ["الرياضيات"]);
        assert_eq!(words("الرياضيـــات، التقويم"), ["الرياضيات", "التقويم"]);
    }

    #[test]
    fn long_queries_are_bounded() {
        let long = "a".repeat(5_000);
        assert_eq!(words(&long), ["a".repeat(MAX_TERM_CHARS)]);
        let many: String = (0..100).map(|i| format!("w{i} ")).collect();
        assert_eq!(words(&many).len(), MAX_TERMS);
        let repeated = "math ".repeat(50);
        assert_eq!(words(&repeated), ["math"]);
    }

    #[test]
    fn each_backend_gets_quoted_prefix_words() {
        let terms = SearchTerms::parse("fractions évaluation");
        assert_eq!(terms.fts5_match(), r#""fractions"* AND "evaluation"*"#);
        assert_eq!(terms.tsquery(), "'fractions':* & 'evaluation':*");
        // Were a word ever to hold a quote, it would stay inside its string.
        let odd = SearchTerms(vec!["a\"b'c\\".into()]);
        assert_eq!(odd.fts5_match(), r#""a""b'c\"*"#);
        assert_eq!(odd.tsquery(), r#"'a"b''c\\':*"#);
    }

    /// The texts of the engine tests, and which of them each query must find.
    const CLITIC_TEXTS: [&str; 4] = [
        "والدرس الأول في الكسور",
        "ملخص بالدرس الثاني",
        "تمارين الكسور",
        "ولد يقرأ",
    ];

    fn expected_hits(q: &str) -> Vec<usize> {
        match q {
            "درس" => vec![0, 1],
            "الدرس" => vec![0, 1],
            "كسور" => vec![0, 2],
            "ولد" => vec![3],
            "درس كسور" => vec![0],
            _ => unreachable!(),
        }
    }

    const CLITIC_QUERIES: [&str; 5] = ["درس", "الدرس", "كسور", "ولد", "درس كسور"];

    /// FTS5 with the tokenizer of migration 10 finds Arabic words under their clitics.
    #[tokio::test]
    async fn fts5_finds_arabic_words_under_clitics() {
        use sea_orm::{Database, Statement};
        let db = Database::connect("sqlite::memory:").await.unwrap();
        db.execute_unprepared(
            "CREATE VIRTUAL TABLE t USING fts5(title, tokenize = 'unicode61 remove_diacritics 2')",
        )
        .await
        .unwrap();
        for (i, text) in CLITIC_TEXTS.iter().enumerate() {
            db.execute_raw(Statement::from_sql_and_values(
                DbBackend::Sqlite,
                "INSERT INTO t(rowid, title) VALUES (?, ?)",
                [(i as i64).into(), (*text).into()],
            ))
            .await
            .unwrap();
        }
        for q in CLITIC_QUERIES {
            let rows = db
                .query_all_raw(Statement::from_sql_and_values(
                    DbBackend::Sqlite,
                    "SELECT rowid FROM t WHERE t MATCH ? ORDER BY rowid",
                    [SearchTerms::parse(q).fts5_match().into()],
                ))
                .await
                .unwrap();
            let hits: Vec<usize> = rows
                .iter()
                .map(|r| r.try_get_by_index::<i64>(0).unwrap() as usize)
                .collect();
            assert_eq!(hits, expected_hits(q), "query {q}");
        }
    }

    /// PostgreSQL's `simple` tsvector finds the same rows (run when
    /// `HALQA_TEST_DATABASE_URL` names a server; skipped otherwise).
    #[tokio::test]
    async fn tsquery_finds_arabic_words_under_clitics() {
        use sea_orm::{Database, Statement};
        let Ok(url) = std::env::var("HALQA_TEST_DATABASE_URL") else {
            return;
        };
        if url.is_empty() {
            return;
        }
        let db = Database::connect(&url).await.unwrap();
        for q in CLITIC_QUERIES {
            let mut hits = Vec::new();
            for (i, text) in CLITIC_TEXTS.iter().enumerate() {
                let row = db
                    .query_one_raw(Statement::from_sql_and_values(
                        DbBackend::Postgres,
                        "SELECT to_tsvector('simple'::regconfig, lower($1)) \
                         @@ to_tsquery('simple'::regconfig, $2)",
                        [(*text).into(), SearchTerms::parse(q).tsquery().into()],
                    ))
                    .await
                    .unwrap()
                    .unwrap();
                if row.try_get_by_index::<bool>(0).unwrap() {
                    hits.push(i);
                }
            }
            assert_eq!(hits, expected_hits(q), "query {q}");
        }
    }

    #[test]
    fn arabic_words_match_any_clitic_form() {
        let terms = SearchTerms::parse("درس fractions");
        let fts = terms.fts5_match();
        assert!(fts.starts_with(r#"("درس"* OR "#), "{fts}");
        assert!(
            fts.contains(r#""والدرس"*"#) && fts.contains(r#""بالدرس"*"#),
            "{fts}"
        );
        assert!(fts.ends_with(r#") AND "fractions"*"#), "{fts}");
        let ts = terms.tsquery();
        assert!(ts.starts_with("('درس':* | "), "{ts}");
        assert!(
            ts.contains("'والدرس':*") && ts.contains("'بالدرس':*"),
            "{ts}"
        );
        assert!(ts.ends_with(") & 'fractions':*"), "{ts}");
    }
}
