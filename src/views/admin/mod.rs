//! The admin console's HTML. Templates are Tera (the engine Loco's server-side
//! views use), compiled into the binary with `include_str!` rather than read
//! from `assets/views` at run time as Loco's `TeraView` does: the production
//! image ships only the binary and `config/` (see the Dockerfile).
use std::sync::OnceLock;

use axum::{
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use serde::Serialize;
use tera::{Context, Tera};

use crate::errors::Enveloped;

pub mod fields;
pub mod forms;
pub mod tables;

const TEMPLATES: [(&str, &str); 8] = [
    ("base.html", include_str!("templates/base.html")),
    ("login.html", include_str!("templates/login.html")),
    ("message.html", include_str!("templates/message.html")),
    ("index.html", include_str!("templates/index.html")),
    ("list.html", include_str!("templates/list.html")),
    ("form.html", include_str!("templates/form.html")),
    (
        "confirm_delete.html",
        include_str!("templates/confirm_delete.html"),
    ),
    ("log.html", include_str!("templates/log.html")),
];

/// The console's stylesheet, served at `/admin/static/admin.css`.
pub const STYLESHEET: &str = include_str!("templates/admin.css");

fn engine() -> &'static Tera {
    static ENGINE: OnceLock<Tera> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let mut tera = Tera::default();
        tera.autoescape_on([".html"]);
        // The templates are part of the binary; a syntax error in one fails
        // the test suite (tests/requests/admin), never a running server.
        if let Err(err) = tera.add_raw_templates(TEMPLATES) {
            tracing::error!(error = %err, "admin templates do not compile");
        }
        tera
    })
}

/// The signed-in operator, shown in the header of every page.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Chrome {
    /// The operator's e-mail; `None` on the sign-in page.
    pub user: Option<String>,
    pub csrf_token: String,
    pub notice: Option<String>,
}

/// Renders a template with the page chrome and `data`'s fields.
#[must_use]
pub fn page(
    status: StatusCode,
    template: &str,
    title: &str,
    chrome: &Chrome,
    data: impl Serialize,
) -> Response {
    let mut context = Context::from_serialize(&data).unwrap_or_default();
    context.insert("title", title);
    context.insert("user", &chrome.user);
    context.insert("csrf_token", &chrome.csrf_token);
    context.insert("notice", &chrome.notice);
    match engine().render(template, &context) {
        Ok(html) => html_response(status, html),
        Err(err) => {
            tracing::error!(error = %err, template, "admin template failed to render");
            html_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                "<!doctype html><title>Error</title><p>The page could not be rendered.</p>"
                    .to_string(),
            )
        }
    }
}

/// A plain page with one message (refusals, errors, "not found").
#[must_use]
pub fn message(status: StatusCode, chrome: &Chrome, title: &str, message: &str) -> Response {
    let back = if chrome.user.is_some() {
        ("/admin/", "Back to the console")
    } else {
        ("/admin/login/", "Sign in")
    };
    page(
        status,
        "message.html",
        title,
        chrome,
        serde_json::json!({ "message": message, "back_url": back.0, "back_label": back.1 }),
    )
}

/// An HTML response that the API's error-envelope middleware leaves alone.
#[must_use]
pub fn html_response(status: StatusCode, html: String) -> Response {
    let mut response = (status, html).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    // Operators' pages hold patient data: never cached, never framed.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response.extensions_mut().insert(Enveloped);
    response
}

/// `303 See Other` to `location` (after a successful POST), optionally
/// setting cookies.
#[must_use]
pub fn redirect(location: &str, cookies: &[String]) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    for cookie in cookies {
        if let Ok(value) = HeaderValue::from_str(cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_template_compiles() {
        let mut tera = tera::Tera::default();
        tera.add_raw_templates(super::TEMPLATES)
            .expect("admin templates compile");
    }
}
