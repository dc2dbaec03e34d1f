//! Answering requests from a page: a circle's join requests (its moderators) and a collection's
//! follow requests (its owner) go through one sequence — the signed-in user of a CSRF-checked
//! form, the answer (`accept` or `reject`) read from the path, the service call (which checks
//! that this user may answer), and back to the page with a notice saying what was done
//! (`?answered=accept|reject`, read by [`notice`]).
use super::{
    i18n::tr,
    page::{Me, Page},
    timelines::see_other,
};
use crate::error::{AppError, AppResult};
use axum::response::Response;

/// The query parameter that carries the notice.
const PARAM: &str = "answered";

/// `accept` → true, `reject` → false; any other word is a page that does not exist.
fn accepts(answer: &str) -> AppResult<bool> {
    match answer {
        "accept" => Ok(true),
        "reject" => Ok(false),
        _ => Err(AppError::not_found("page not found")),
    }
}

/// `path` with the notice of an answer added to its query.
fn with_notice(path: &str, accept: bool) -> String {
    let sep = if path.contains('?') { '&' } else { '?' };
    let word = if accept { "accept" } else { "reject" };
    format!("{path}{sep}{PARAM}={word}")
}

/// Answers one request: `act(me, accept)` calls the service and returns the page to go back
/// to. A visitor is sent to log in, a wrong CSRF token gets the translated 403, and what the
/// service refuses (not a moderator or owner, no such request) is its error.
pub(super) async fn answer(
    page: &Page,
    csrf: Option<&str>,
    answer: &str,
    act: impl AsyncFnOnce(&Me, bool) -> AppResult<String>,
) -> AppResult<Response> {
    let me = match page.signed_in_form(csrf) {
        Ok(me) => me,
        Err(refused) => return Ok(refused),
    };
    let accept = accepts(answer)?;
    let back = act(&me, accept).await?;
    Ok(see_other(&with_notice(&back, accept)))
}

/// The translated notice of `?answered=` in a page's query, if any.
pub(super) fn notice(lang: &str, query: Option<&str>) -> Option<String> {
    let query = query?;
    let value = form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == PARAM)
        .map(|(_, v)| v.into_owned())?;
    match value.as_str() {
        "accept" => Some(tr(lang, "request-accepted-notice")),
        "reject" => Some(tr(lang, "request-rejected-notice")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_and_notices() {
        assert!(accepts("accept").unwrap_or(false));
        assert!(!accepts("reject").unwrap_or(true));
        assert!(accepts("maybe").is_err());
        assert_eq!(with_notice("/@c", true), "/@c?answered=accept");
        assert_eq!(
            with_notice("/web/collections/1?x=1", false),
            "/web/collections/1?x=1&answered=reject"
        );
        assert!(notice("en", Some("answered=accept")).is_some());
        assert!(notice("en", Some("max_id=3&answered=reject")).is_some());
        assert_eq!(notice("en", Some("answered=<script>")), None);
        assert_eq!(notice("en", None), None);
    }
}
