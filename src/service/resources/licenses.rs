//! The licences a resource may carry: Creative Commons 4.0 licences, CC0 and the Public Domain
//! Mark, each with its SPDX-style id (what the API stores and answers), name and canonical URL
//! (what goes on the wire as `schema:license`).
use crate::error::{AppError, AppResult};

/// One licence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct License {
    pub id: &'static str,
    pub name: &'static str,
    pub url: &'static str,
}

const fn license(id: &'static str, name: &'static str, url: &'static str) -> License {
    License { id, name, url }
}

/// Every licence accepted, open ones first.
pub const LICENSES: &[License] = &[
    license(
        "CC0-1.0",
        "CC0 1.0 Universal",
        "https://creativecommons.org/publicdomain/zero/1.0/",
    ),
    license(
        "CC-BY-4.0",
        "Creative Commons Attribution 4.0 International",
        "https://creativecommons.org/licenses/by/4.0/",
    ),
    license(
        "CC-BY-SA-4.0",
        "Creative Commons Attribution-ShareAlike 4.0 International",
        "https://creativecommons.org/licenses/by-sa/4.0/",
    ),
    license(
        "CC-BY-NC-4.0",
        "Creative Commons Attribution-NonCommercial 4.0 International",
        "https://creativecommons.org/licenses/by-nc/4.0/",
    ),
    license(
        "CC-BY-NC-SA-4.0",
        "Creative Commons Attribution-NonCommercial-ShareAlike 4.0 International",
        "https://creativecommons.org/licenses/by-nc-sa/4.0/",
    ),
    license(
        "CC-BY-ND-4.0",
        "Creative Commons Attribution-NoDerivatives 4.0 International",
        "https://creativecommons.org/licenses/by-nd/4.0/",
    ),
    license(
        "CC-BY-NC-ND-4.0",
        "Creative Commons Attribution-NonCommercial-NoDerivatives 4.0 International",
        "https://creativecommons.org/licenses/by-nc-nd/4.0/",
    ),
    license(
        "PDM-1.0",
        "Public Domain Mark 1.0",
        "https://creativecommons.org/publicdomain/mark/1.0/",
    ),
];

/// The licence with id `id` (case-insensitive; `public-domain` names the Public Domain Mark).
pub fn find(id: &str) -> Option<&'static License> {
    let id = id.trim();
    let id = if id.eq_ignore_ascii_case("public-domain") {
        "PDM-1.0"
    } else {
        id
    };
    LICENSES.iter().find(|l| l.id.eq_ignore_ascii_case(id))
}

/// The licence with id `id`, or a 422 naming every accepted id.
pub fn check(id: &str) -> AppResult<&'static License> {
    find(id).ok_or_else(|| {
        AppError::Invalid(format!(
            "license: unknown licence {:?}; allowed: {}",
            id.trim(),
            ids().join(", ")
        ))
    })
}

/// Every accepted id.
pub fn ids() -> Vec<&'static str> {
    LICENSES.iter().map(|l| l.id).collect()
}

/// The licence a URL names: its canonical URL with http or https, with or without the trailing
/// slash, or a `deed…`/`legalcode…` page under it.
pub fn by_url(url: &str) -> Option<&'static License> {
    let rest = url
        .trim()
        .strip_prefix("https://")
        .or_else(|| url.trim().strip_prefix("http://"))?;
    let rest = rest.strip_prefix("www.").unwrap_or(rest);
    LICENSES.iter().find(|l| {
        let canonical = l.url.trim_start_matches("https://").trim_end_matches('/');
        match rest.strip_prefix(canonical) {
            Some("" | "/") => true,
            Some(tail) => tail.starts_with("/deed") || tail.starts_with("/legalcode"),
            None => false,
        }
    })
}

/// The licence a remix of a resource under `original` gets: a NoDerivatives licence refuses
/// remixing; a ShareAlike one forces itself (another choice is a 422); a NonCommercial one
/// allows only NonCommercial licences; an Attribution one any licence that keeps attribution
/// (not CC0 or the Public Domain Mark); CC0 and public domain anything. `requested` (a licence
/// id, empty = none) is checked against these rules; without it the original's licence applies.
pub fn for_remix(original: &str, requested: Option<&str>) -> AppResult<&'static License> {
    let original = find(original).ok_or_else(|| {
        AppError::Invalid(format!(
            "the original resource has an unknown licence {original:?}; it cannot be remixed"
        ))
    })?;
    if original.id.contains("-ND-") {
        return Err(AppError::Invalid(format!(
            "license: {} ({}) does not allow derivatives; this resource cannot be remixed",
            original.id, original.name
        )));
    }
    let requested = match requested.map(str::trim) {
        Some(r) if !r.is_empty() => check(r)?,
        _ => return Ok(original),
    };
    let allowed: Vec<&'static License> = LICENSES
        .iter()
        .filter(|l| remix_allows(original, l))
        .collect();
    if allowed.contains(&requested) {
        Ok(requested)
    } else {
        Err(AppError::Invalid(format!(
            "license: a remix of a resource under {} cannot be published under {}; allowed: {}",
            original.id,
            requested.id,
            allowed.iter().map(|l| l.id).collect::<Vec<_>>().join(", ")
        )))
    }
}

/// Whether an adaptation of a work under `original` may be published under `remix`.
fn remix_allows(original: &License, remix: &License) -> bool {
    let derivatives = !remix.id.contains("-ND-");
    match original.id {
        id if id.contains("-SA-") => remix == original,
        id if id.contains("-NC-") => derivatives && remix.id.contains("-NC-"),
        id if id.starts_with("CC-BY") => derivatives && remix.id.starts_with("CC-BY"),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remix_licences_follow_the_original() {
        // NoDerivatives refuses, naming the licence.
        let err = for_remix("CC-BY-ND-4.0", None).unwrap_err().to_string();
        assert!(
            err.contains("CC-BY-ND-4.0") && err.contains("derivatives"),
            "{err}"
        );
        assert!(for_remix("CC-BY-NC-ND-4.0", Some("CC-BY-NC-ND-4.0")).is_err());
        // ShareAlike forces itself.
        assert_eq!(for_remix("CC-BY-SA-4.0", None).unwrap().id, "CC-BY-SA-4.0");
        let err = for_remix("CC-BY-SA-4.0", Some("CC0-1.0"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("allowed: CC-BY-SA-4.0"), "{err}");
        assert_eq!(
            for_remix("CC-BY-NC-SA-4.0", Some("cc-by-nc-sa-4.0"))
                .unwrap()
                .id,
            "CC-BY-NC-SA-4.0"
        );
        // NonCommercial stays NonCommercial.
        assert!(for_remix("CC-BY-NC-4.0", Some("CC-BY-4.0")).is_err());
        assert_eq!(
            for_remix("CC-BY-NC-4.0", Some("CC-BY-NC-SA-4.0"))
                .unwrap()
                .id,
            "CC-BY-NC-SA-4.0"
        );
        // Attribution keeps attribution; the original's licence by default.
        assert_eq!(for_remix("CC-BY-4.0", None).unwrap().id, "CC-BY-4.0");
        assert_eq!(
            for_remix("CC-BY-4.0", Some("CC-BY-SA-4.0")).unwrap().id,
            "CC-BY-SA-4.0"
        );
        assert!(for_remix("CC-BY-4.0", Some("CC0-1.0")).is_err());
        assert!(for_remix("CC-BY-4.0", Some("CC-BY-ND-4.0")).is_err());
        // Public domain: anything.
        assert_eq!(
            for_remix("CC0-1.0", Some("CC-BY-4.0")).unwrap().id,
            "CC-BY-4.0"
        );
        assert_eq!(
            for_remix("PDM-1.0", Some("CC-BY-NC-ND-4.0")).unwrap().id,
            "CC-BY-NC-ND-4.0"
        );
        // An unknown requested licence is the usual 422.
        assert!(
            for_remix("CC0-1.0", Some("WTFPL"))
                .unwrap_err()
                .to_string()
                .contains("allowed")
        );
    }

    #[test]
    fn ids_and_aliases_are_found_and_unknown_ones_list_the_allowed() {
        assert_eq!(find("cc-by-sa-4.0").map(|l| l.id), Some("CC-BY-SA-4.0"));
        assert_eq!(find("public-domain").map(|l| l.id), Some("PDM-1.0"));
        let err = check("WTFPL").unwrap_err().to_string();
        assert!(err.contains("CC0-1.0") && err.contains("PDM-1.0"), "{err}");
    }

    #[test]
    fn licence_urls_are_recognised_in_their_usual_spellings() {
        for url in [
            "https://creativecommons.org/licenses/by/4.0/",
            "http://creativecommons.org/licenses/by/4.0",
            "https://creativecommons.org/licenses/by/4.0/deed.fr",
            "https://creativecommons.org/licenses/by/4.0/legalcode",
        ] {
            assert_eq!(by_url(url).map(|l| l.id), Some("CC-BY-4.0"), "{url}");
        }
        assert_eq!(by_url("https://creativecommons.org/licenses/by/4.0x"), None);
        assert_eq!(by_url("https://example.com/licenses/by/4.0/"), None);
        for l in LICENSES {
            assert_eq!(by_url(l.url), Some(l));
        }
    }
}
