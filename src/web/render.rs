//! Template rendering: the minijinja environment with the templates compiled into the binary,
//! the `t` function (Fluent text in the page's `lang`) and the `date` filter (a localised date),
//! and turning a render into an HTML response.
use super::i18n;
use crate::error::{AppError, AppResult};
use axum::response::{Html, IntoResponse, Response};
use minijinja::{Environment, State, Value, value::Kwargs};
use std::sync::LazyLock;

/// Every template, by name, embedded at build time (no files needed at run time).
pub const TEMPLATE_SOURCES: &[(&str, &str)] = &[
    (
        "base.html",
        include_str!("../../frontend/templates/base.html"),
    ),
    (
        "status.html",
        include_str!("../../frontend/templates/status.html"),
    ),
    (
        "composer.html",
        include_str!("../../frontend/templates/composer.html"),
    ),
    (
        "pages/home.html",
        include_str!("../../frontend/templates/pages/home.html"),
    ),
    (
        "pages/timeline.html",
        include_str!("../../frontend/templates/pages/timeline.html"),
    ),
    (
        "pages/settings_import.html",
        include_str!("../../frontend/templates/pages/settings_import.html"),
    ),
    (
        "pages/archived_posts.html",
        include_str!("../../frontend/templates/pages/archived_posts.html"),
    ),
    (
        "pages/profile.html",
        include_str!("../../frontend/templates/pages/profile.html"),
    ),
    (
        "pages/post.html",
        include_str!("../../frontend/templates/pages/post.html"),
    ),
    (
        "pages/object.html",
        include_str!("../../frontend/templates/pages/object.html"),
    ),
    (
        "pages/login.html",
        include_str!("../../frontend/templates/pages/login.html"),
    ),
    (
        "pages/signup.html",
        include_str!("../../frontend/templates/pages/signup.html"),
    ),
    (
        "pages/notifications.html",
        include_str!("../../frontend/templates/pages/notifications.html"),
    ),
    (
        "pages/password_reset.html",
        include_str!("../../frontend/templates/pages/password_reset.html"),
    ),
    (
        "pages/settings.html",
        include_str!("../../frontend/templates/pages/settings.html"),
    ),
    (
        "pages/settings_migration.html",
        include_str!("../../frontend/templates/pages/settings_migration.html"),
    ),
    (
        "pages/error.html",
        include_str!("../../frontend/templates/pages/error.html"),
    ),
    (
        "pages/oauth_authorize.html",
        include_str!("../../frontend/templates/pages/oauth_authorize.html"),
    ),
    (
        "pages/oauth_code.html",
        include_str!("../../frontend/templates/pages/oauth_code.html"),
    ),
    (
        "pln/macros.html",
        include_str!("../../frontend/templates/pln/macros.html"),
    ),
    (
        "pages/search.html",
        include_str!("../../frontend/templates/pages/search.html"),
    ),
    (
        "pages/mentorship.html",
        include_str!("../../frontend/templates/pages/mentorship.html"),
    ),
    (
        "pages/offer.html",
        include_str!("../../frontend/templates/pages/offer.html"),
    ),
    (
        "pages/offer_form.html",
        include_str!("../../frontend/templates/pages/offer_form.html"),
    ),
    (
        "pages/mentorship_requests.html",
        include_str!("../../frontend/templates/pages/mentorship_requests.html"),
    ),
    (
        "pages/mentorship_space.html",
        include_str!("../../frontend/templates/pages/mentorship_space.html"),
    ),
    (
        "pages/resource_form.html",
        include_str!("../../frontend/templates/pages/resource_form.html"),
    ),
    (
        "pages/resource_delete.html",
        include_str!("../../frontend/templates/pages/resource_delete.html"),
    ),
    // Circles, collections, institutions, remote follow.
    (
        "collection_add_form.html",
        include_str!("../../frontend/templates/collection_add_form.html"),
    ),
    (
        "remote_follow.html",
        include_str!("../../frontend/templates/remote_follow.html"),
    ),
    (
        "pages/circle.html",
        include_str!("../../frontend/templates/pages/circle.html"),
    ),
    (
        "pages/circles.html",
        include_str!("../../frontend/templates/pages/circles.html"),
    ),
    (
        "pages/circle_new.html",
        include_str!("../../frontend/templates/pages/circle_new.html"),
    ),
    (
        "pages/circle_edit.html",
        include_str!("../../frontend/templates/pages/circle_edit.html"),
    ),
    (
        "pages/collection.html",
        include_str!("../../frontend/templates/pages/collection.html"),
    ),
    (
        "pages/collections.html",
        include_str!("../../frontend/templates/pages/collections.html"),
    ),
    (
        "pages/institutions.html",
        include_str!("../../frontend/templates/pages/institutions.html"),
    ),
    (
        "pages/institution.html",
        include_str!("../../frontend/templates/pages/institution.html"),
    ),
    // The admin pages (issue 7).
    (
        "pages/admin/nav.html",
        include_str!("../../frontend/templates/pages/admin/nav.html"),
    ),
    (
        "pages/admin/dashboard.html",
        include_str!("../../frontend/templates/pages/admin/dashboard.html"),
    ),
    (
        "pages/admin/registrations.html",
        include_str!("../../frontend/templates/pages/admin/registrations.html"),
    ),
    (
        "pages/admin/accounts.html",
        include_str!("../../frontend/templates/pages/admin/accounts.html"),
    ),
    (
        "pages/admin/account.html",
        include_str!("../../frontend/templates/pages/admin/account.html"),
    ),
    (
        "pages/admin/reports.html",
        include_str!("../../frontend/templates/pages/admin/reports.html"),
    ),
    (
        "pages/admin/report.html",
        include_str!("../../frontend/templates/pages/admin/report.html"),
    ),
    (
        "pages/admin/federation.html",
        include_str!("../../frontend/templates/pages/admin/federation.html"),
    ),
    (
        "pages/admin/settings.html",
        include_str!("../../frontend/templates/pages/admin/settings.html"),
    ),
    (
        "pages/admin/invites.html",
        include_str!("../../frontend/templates/pages/admin/invites.html"),
    ),
    (
        "pages/admin/audit.html",
        include_str!("../../frontend/templates/pages/admin/audit.html"),
    ),
];

/// The page language of a render (the `lang` variable), English when absent.
fn page_lang(state: &State) -> String {
    state
        .lookup("lang")
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_else(|| "en".into())
}

/// `t("key", name=…)`: the Fluent text of `key` in the page's language.
fn translate(state: &State, key: &str, kwargs: Kwargs) -> Result<String, minijinja::Error> {
    use fluent_templates::fluent_bundle::FluentValue;
    let lang = page_lang(state);
    let mut args: Vec<(&str, FluentValue<'static>)> = Vec::new();
    for name in kwargs.args() {
        let value: Value = kwargs.get(name)?;
        let value = match value.as_i64() {
            Some(n) => FluentValue::from(n),
            None => FluentValue::from(value.to_string()),
        };
        args.push((name, value));
    }
    Ok(i18n::tr_args(&lang, key, &args))
}

/// `value|date`: an RFC 3339 time written the page language's way.
fn date(state: &State, value: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(value) {
        Ok(t) => i18n::format_datetime(&page_lang(state), &t.with_timezone(&chrono::Utc)),
        Err(_) => value.to_string(),
    }
}

static TEMPLATES: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    env.add_function("t", translate);
    env.add_filter("date", date);
    // Every page links the stylesheet and script by their fingerprinted URLs.
    env.add_global(
        "css",
        Value::from_safe_string(super::assets::CSS_URL.clone()),
    );
    env.add_global("js", Value::from_safe_string(super::assets::JS_URL.clone()));
    for (name, source) in TEMPLATE_SOURCES {
        if let Err(e) = env.add_template(name, source) {
            tracing::error!(template = name, error = %e, "template does not compile");
        }
    }
    env
});

/// Renders `name` with `context` into a string.
pub fn render_string(name: &str, context: Value) -> AppResult<String> {
    let template = TEMPLATES
        .get_template(name)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("template {name}: {e}")))?;
    template
        .render(context)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("rendering {name}: {e}")))
}

/// Renders `name` with `context` into an HTML response.
pub fn render(name: &str, context: Value) -> AppResult<Response> {
    Ok(Html(render_string(name, context)?).into_response())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn every_template_compiles() {
        for (name, _) in TEMPLATE_SOURCES {
            TEMPLATES.get_template(name).unwrap();
        }
    }

    #[test]
    fn templates_have_no_inline_style_or_script() {
        let handler = regex::Regex::new(r#"\son[a-z]+="#).unwrap();
        for (name, source) in TEMPLATE_SOURCES {
            assert!(!source.contains("<style"), "{name} has a <style> element");
            assert!(!source.contains("style=\""), "{name} has a style attribute");
            assert!(!source.contains("<script>"), "{name} has an inline script");
            assert!(
                !handler.is_match(source),
                "{name} has an inline event handler"
            );
        }
    }
}
