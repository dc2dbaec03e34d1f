//! The context of one web request: the node, the signed-in user (session cookie), the page
//! language and direction, the CSRF token of its forms and where the visitor is (the login's
//! way back, checked by [`safe_return_to`]); builds every page's common template variables and
//! sets the cookies a page needs.
use super::{i18n, render};
use crate::{
    AppState,
    db::entity::{actor, local_user},
    error::{AppError, AppResult},
    service::{accounts::token_hash, web_sessions},
};
use activitypub_federation::config::Data;
use axum::{
    extract::FromRequestParts,
    http::{HeaderMap, HeaderValue, header, request::Parts},
    response::{IntoResponse, Response},
};
use minijinja::{Value, context};

/// The session cookie (its value is the session token; the database has only its hash).
pub const SESSION_COOKIE: &str = "halqa_session";
/// The CSRF cookie of visitors who are not logged in (double-submit).
pub const CSRF_COOKIE: &str = "halqa_csrf";

/// A signed-in user.
#[derive(Debug, Clone)]
pub struct Me {
    pub user: local_user::Model,
    pub actor: actor::Model,
}

/// One web request's context.
pub struct Page {
    pub data: Data<AppState>,
    pub me: Option<Me>,
    pub lang: &'static str,
    pub dir: &'static str,
    /// The token forms must send back in `csrf`.
    pub csrf: String,
    /// A CSRF cookie to set with the response (visitors without one).
    new_csrf_cookie: Option<String>,
    /// Where the visitor is (a GET's path and query) or came from (a form's same-site
    /// `Referer`): the login page sends them back there (`return_to`).
    pub here: Option<String>,
}

/// The value of cookie `name` in the request's `Cookie` headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
        .filter(|v| !v.is_empty())
}

/// The CSRF token bound to a session token (so a logged-in form cannot be forged without it).
fn session_csrf(session_token: &str) -> String {
    token_hash(&format!("csrf:{session_token}"))[..32].to_string()
}

/// Whether two tokens are equal, in time independent of where they differ.
fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len() && openssl::memcmp::eq(a.as_bytes(), b.as_bytes())
}

impl Page {
    /// The context of a request with these headers.
    pub async fn from_headers(data: &Data<AppState>, headers: &HeaderMap) -> AppResult<Page> {
        let session = cookie(headers, SESSION_COOKIE);
        let me = match session {
            Some(token) => web_sessions::user_of(data, token)
                .await?
                .map(|(user, actor)| Me { user, actor }),
            None => None,
        };
        let lang = i18n::choose(
            me.as_ref().and_then(|m| m.user.locale.as_deref()),
            cookie(headers, i18n::LANG_COOKIE),
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok()),
            &data.config.instance.default_language,
        );
        let (csrf, new_csrf_cookie) = match (&me, session) {
            (Some(_), Some(token)) => (session_csrf(token), None),
            _ => match cookie(headers, CSRF_COOKIE).filter(|c| c.len() >= 20 && c.len() <= 64) {
                Some(existing) => (existing.to_string(), None),
                None => {
                    let fresh = crate::service::accounts::random_token(18);
                    (fresh.clone(), Some(fresh))
                }
            },
        };
        Ok(Page {
            data: data.clone(),
            me,
            lang,
            dir: i18n::direction(lang),
            csrf,
            new_csrf_cookie,
            here: None,
        })
    }

    /// The login page, coming back to `here` afterwards.
    pub fn login_path(&self) -> String {
        match self
            .here
            .as_deref()
            .and_then(safe_return_to)
            .filter(|h| *h != "/")
        {
            Some(back) => format!("/login?return_to={}", super::circles::urlencode(back)),
            None => "/login".to_string(),
        }
    }

    /// The signed-in user, or a redirect to the login page.
    // The error is the answer to send as it is (a redirect): boxing it would only add noise.
    #[allow(clippy::result_large_err)]
    pub fn me(&self) -> Result<&Me, Response> {
        self.me
            .as_ref()
            .ok_or_else(|| axum::response::Redirect::to(&self.login_path()).into_response())
    }

    /// Refuses a form whose `csrf` field is not this visitor's token (translated 403).
    #[allow(clippy::result_large_err)]
    pub fn check_csrf(&self, sent: &str) -> Result<(), Response> {
        if same_token(sent, &self.csrf) && self.new_csrf_cookie.is_none() {
            Ok(())
        } else {
            Err(self.error(
                axum::http::StatusCode::FORBIDDEN,
                &i18n::tr(self.lang, "error-csrf"),
            ))
        }
    }

    /// The signed-in user of a posted form whose `csrf` field is this visitor's token; otherwise
    /// the answer to send as it is: a visitor goes to the login page (coming back here
    /// afterwards, as [`Page::me`]), a wrong or missing token gets the translated 403 (as
    /// [`Page::check_csrf`]). The sign-in is checked first.
    #[allow(clippy::result_large_err)]
    pub fn signed_in_form(&self, csrf: Option<&str>) -> Result<Me, Response> {
        let me = self.me()?.clone();
        self.check_csrf(csrf.unwrap_or(""))?;
        Ok(me)
    }

    /// `Secure` on cookies when the node is served over https.
    pub fn secure(&self) -> bool {
        self.data.config.use_https()
    }

    /// A `Set-Cookie` value: HttpOnly, SameSite=Lax, whole site, `Secure` on https.
    pub fn cookie_header(&self, name: &str, value: &str, max_age_secs: i64) -> String {
        let secure = if self.secure() { "; Secure" } else { "" };
        format!("{name}={value}; Path=/; Max-Age={max_age_secs}; HttpOnly; SameSite=Lax{secure}")
    }

    /// The variables every page has: language, direction, node, user, CSRF token, assets.
    pub fn base(&self) -> Value {
        let me = self.me.as_ref().map(|m| {
            context! {
                username => m.actor.username.clone(),
                handle => m.actor.handle(),
                display_name => display_name(&m.actor),
                role => m.user.role.clone(),
            }
        });
        context! {
            lang => self.lang,
            dir => self.dir,
            node_name => self.data.config.instance.name.clone(),
            me,
            csrf => self.csrf.clone(),
            login_url => self.login_path(),
            languages => i18n::LANGUAGES.iter().map(|(c, n)| context! { code => *c, name => *n }).collect::<Vec<_>>(),
        }
    }

    /// Renders `template` with the common variables and `extra`.
    pub fn render(&self, template: &str, extra: Value) -> AppResult<Response> {
        let ctx = context! { ..extra, ..self.base() };
        let mut response = render::render(template, ctx)?;
        self.add_cookies(&mut response);
        Ok(response)
    }

    /// Renders with a status code (a form shown again with its errors answers 422).
    pub fn render_status(
        &self,
        status: axum::http::StatusCode,
        template: &str,
        extra: Value,
    ) -> AppResult<Response> {
        let mut response = self.render(template, extra)?;
        *response.status_mut() = status;
        Ok(response)
    }

    /// Whether this visitor may see the follower, following, favourite and boost counts of
    /// `owner` (`service::counts`: the node's setting, the owner's and the viewer's choice).
    pub async fn counts_visible(&self, owner: &actor::Model) -> AppResult<bool> {
        let viewer = self.me.as_ref().map(|m| (&m.user, &m.actor));
        crate::service::counts::visible_now(&self.data, owner, viewer).await
    }

    /// The translated error page.
    pub fn error(&self, status: axum::http::StatusCode, detail: &str) -> Response {
        super::errors::error_page(self, status, detail)
    }

    fn add_cookies(&self, response: &mut Response) {
        if let Some(token) = &self.new_csrf_cookie
            && let Ok(v) = HeaderValue::from_str(&self.cookie_header(CSRF_COOKIE, token, 86_400))
        {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Page {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Page, AppError> {
        let data = Data::<AppState>::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::Internal(anyhow::anyhow!("federation data missing")))?;
        let mut page = Page::from_headers(&data, &parts.headers).await?;
        page.here = if parts.method == axum::http::Method::GET {
            parts.uri.path_and_query().map(|p| p.as_str().to_string())
        } else {
            referer_path(&parts.headers, &data.config.base_url())
        };
        Ok(page)
    }
}

/// The path of the `Referer` when it is a page of this node.
pub fn referer_path(headers: &HeaderMap, base: &str) -> Option<String> {
    let referer = headers.get(header::REFERER)?.to_str().ok()?;
    let path = referer.strip_prefix(base)?;
    safe_return_to(path).map(str::to_string)
}

/// `raw` when it is a path of this node a login may return to: it starts with one `/`, has
/// no backslash, control character or whitespace (browsers read `/\evil`, `/\t/evil` as
/// `//evil`, another site), is not the login or logout page itself, and is of sane length.
/// Anything else (`//evil`, `https://evil`, `javascript:`) is refused: no open redirect.
pub fn safe_return_to(raw: &str) -> Option<&str> {
    let ok = raw.starts_with('/')
        && !raw.starts_with("//")
        && raw.len() <= 2000
        && !raw
            .chars()
            .any(|c| c == '\\' || c.is_control() || c.is_whitespace())
        && !["/login", "/logout", "/signup"].iter().any(|p| {
            raw == *p || raw.starts_with(&format!("{p}?")) || raw.starts_with(&format!("{p}/"))
        });
    ok.then_some(raw)
}

/// The name to show for an actor: its display name, else its username.
pub fn display_name(actor: &actor::Model) -> String {
    if actor.display_name.is_empty() {
        actor.username.clone()
    } else {
        actor.display_name.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cookies() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; halqa_session=abc; halqa_lang=ar"),
        );
        assert_eq!(cookie(&headers, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie(&headers, "halqa_lang"), Some("ar"));
        assert_eq!(cookie(&headers, "b"), None);
    }

    #[test]
    fn return_paths_stay_on_this_node() {
        for good in [
            "/",
            "/@amina",
            "/authorize_interaction?uri=https%3A%2F%2Fb.example%2F1",
        ] {
            assert_eq!(safe_return_to(good), Some(good));
        }
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "\\\\evil.example",
            "javascript:alert(1)",
            "evil.example",
            "",
            "/login",
            "/login?return_to=/x",
            "/logout",
            "/a\r\nSet-Cookie: x=y",
        ] {
            assert_eq!(safe_return_to(bad), None, "{bad:?}");
        }
        assert_eq!(safe_return_to(&format!("/{}", "a".repeat(3000))), None);
    }

    #[test]
    fn csrf_is_bound_to_the_session() {
        assert_ne!(session_csrf("a"), session_csrf("b"));
        assert_eq!(session_csrf("a").len(), 32);
        assert!(same_token("abc", "abc"));
        assert!(!same_token("abc", "abd"));
        assert!(!same_token("abc", "ab"));
    }
}
