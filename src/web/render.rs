//! Template rendering: the minijinja environment with the templates compiled into the binary,
//! and turning a render into an HTML response.
use crate::error::{AppError, AppResult};
use axum::response::{Html, IntoResponse, Response};
use minijinja::Environment;
use std::sync::LazyLock;

/// The templates, embedded at build time (no files needed at run time).
static TEMPLATES: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    for (name, source) in [
        (
            "base.html",
            include_str!("../../frontend/templates/base.html"),
        ),
        (
            "pages/home.html",
            include_str!("../../frontend/templates/pages/home.html"),
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
            "pages/oauth_authorize.html",
            include_str!("../../frontend/templates/pages/oauth_authorize.html"),
        ),
        (
            "pages/oauth_code.html",
            include_str!("../../frontend/templates/pages/oauth_code.html"),
        ),
    ] {
        if let Err(e) = env.add_template(name, source) {
            tracing::error!(template = name, error = %e, "template does not compile");
        }
    }
    env
});

/// Renders `name` with `context` into an HTML response.
pub fn render(name: &str, context: minijinja::Value) -> AppResult<Response> {
    let template = TEMPLATES
        .get_template(name)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("template {name}: {e}")))?;
    let html = template
        .render(context)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("rendering {name}: {e}")))?;
    Ok(Html(html).into_response())
}
