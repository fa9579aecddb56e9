//! Signing in and out of the admin console, and the session every other
//! console page requires.
//!
//! The session cookie is `HttpOnly`, `SameSite=Strict`, `Secure` in
//! production, and expires with the server-side session (8 hours); the
//! server ends the session sooner when it goes unused for
//! `ADMIN_IDLE_TIMEOUT_MINUTES`. Every
//! form carries a CSRF token: the session's own once signed in, and on the
//! sign-in form a random value that must match a cookie set with the form.
use axum::{
    body::Bytes,
    extract::{FromRequestParts, Query, State},
    http::{header, request::Parts, HeaderMap, StatusCode},
    response::Response,
};
use loco_rs::{app::AppContext, environment::Environment};
use serde::Deserialize;
use serde_json::json;

use crate::{
    errors::ApiError,
    extractors::ClientIp,
    models::{admin_sessions, staff, users},
    settings::{RequestServices, Settings},
    throttle::Scope,
    views::admin::{self as views, forms, Chrome},
};

pub const SESSION_COOKIE: &str = "hc_admin_session";
const LOGIN_CSRF_COOKIE: &str = "hc_admin_csrf";

fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_string())
}

/// A `Set-Cookie` value scoped to the console.
fn set_cookie(ctx: &AppContext, name: &str, value: &str, max_age_secs: i64) -> String {
    let secure = if ctx.environment == Environment::Production {
        "; Secure"
    } else {
        ""
    };
    format!(
        "{name}={value}; Path=/admin; HttpOnly; SameSite=Strict; Max-Age={max_age_secs}{secure}"
    )
}

/// A signed-in staff member. Pages that take it answer a visitor without a
/// live session with a redirect to the sign-in page.
pub struct StaffSession {
    pub user: users::Model,
    pub csrf_token: String,
}

impl StaffSession {
    #[must_use]
    pub fn chrome(&self) -> Chrome {
        Chrome {
            user: Some(self.user.email.clone()),
            csrf_token: self.csrf_token.clone(),
            notice: None,
        }
    }

    /// Checks the form's CSRF token against the session's: the 403 page
    /// when it is missing or wrong.
    #[must_use]
    pub fn csrf_refusal(&self, pairs: &[(String, String)]) -> Option<Response> {
        let submitted = forms::value(pairs, "csrf_token").unwrap_or_default();
        (!admin_sessions::csrf_matches(&self.csrf_token, submitted))
            .then(|| csrf_refused(&self.chrome()))
    }
}

fn csrf_refused(chrome: &Chrome) -> Response {
    views::message(
        StatusCode::FORBIDDEN,
        chrome,
        "Forbidden",
        "CSRF verification failed. The form was not submitted from this console; reload the page and try again.",
    )
}

/// The page for an error a console handler could not turn into a form error:
/// a model's error goes through the API's own conversion, so both surfaces
/// answer a refusal with the same status.
pub fn error_page(chrome: &Chrome, err: impl Into<ApiError>) -> Response {
    match err.into() {
        ApiError::Validation(errors) => {
            let messages: Vec<String> = errors
                .iter()
                .map(|(field, messages)| format!("{field}: {}", messages.join(" ")))
                .collect();
            views::message(
                StatusCode::BAD_REQUEST,
                chrome,
                "Bad request",
                &messages.join("; "),
            )
        }
        ApiError::BadRequest(message) => {
            views::message(StatusCode::BAD_REQUEST, chrome, "Bad request", &message)
        }
        ApiError::Forbidden(message) => {
            views::message(StatusCode::FORBIDDEN, chrome, "Forbidden", &message)
        }
        ApiError::Conflict(message) => {
            views::message(StatusCode::CONFLICT, chrome, "Conflict", &message)
        }
        ApiError::NotFound(_) => views::message(
            StatusCode::NOT_FOUND,
            chrome,
            "Not found",
            "There is no such record.",
        ),
        ApiError::TooManyRequests { retry_after_secs } => views::message(
            StatusCode::TOO_MANY_REQUESTS,
            chrome,
            "Too many attempts",
            &format!("Too many attempts. Try again in {retry_after_secs} seconds."),
        ),
        ApiError::Unavailable(_) => views::message(
            StatusCode::SERVICE_UNAVAILABLE,
            chrome,
            "Unavailable",
            "The database is unavailable. Try again shortly.",
        ),
        other => {
            tracing::error!(status = %other.status(), "admin console request failed");
            views::message(
                StatusCode::INTERNAL_SERVER_ERROR,
                chrome,
                "Error",
                "The request could not be completed.",
            )
        }
    }
}

/// `ADMIN_IDLE_TIMEOUT_MINUTES` (the settings were checked at boot, so the
/// fallback to the default is never expected to be used).
fn idle_timeout(ctx: &AppContext) -> chrono::Duration {
    ctx.config.settings::<Settings>().map_or_else(
        |_| chrono::Duration::minutes(30),
        |settings| settings.admin_idle_timeout(),
    )
}

impl FromRequestParts<AppContext> for StaffSession {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, ctx: &AppContext) -> Result<Self, Response> {
        let to_login = || {
            let next = parts.uri.path();
            views::redirect(&format!("/admin/login/?next={next}"), &[])
        };
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(to_login());
        };
        match admin_sessions::find(&ctx.db, &token, idle_timeout(ctx)).await {
            Ok(Some((session, user))) => Ok(Self {
                user,
                csrf_token: session.csrf_token,
            }),
            Ok(None) => Err(to_login()),
            Err(err) => Err(error_page(&Chrome::default(), err)),
        }
    }
}

#[derive(Deserialize)]
pub struct Next {
    next: Option<String>,
}

/// Only a console path may be a redirect target (no open redirect).
fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(path) if path.starts_with("/admin/") && !path.starts_with("/admin//") => path,
        _ => "/admin/",
    }
}

fn login_page(
    ctx: &AppContext,
    status: StatusCode,
    email: &str,
    error: Option<&str>,
    next: &str,
) -> Response {
    let csrf = admin_sessions::random_token();
    let chrome = Chrome {
        user: None,
        csrf_token: csrf.clone(),
        notice: None,
    };
    let mut response = views::page(
        status,
        "login.html",
        "Sign in",
        &chrome,
        json!({ "email": email, "error": error, "next": next }),
    );
    if let Ok(value) = set_cookie(ctx, LOGIN_CSRF_COOKIE, &csrf, 3600).parse() {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// `GET /admin/login/`.
pub async fn login_form(
    State(ctx): State<AppContext>,
    Query(next): Query<Next>,
    headers: HeaderMap,
) -> Response {
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        if let Ok(Some(_)) = admin_sessions::find(&ctx.db, &token, idle_timeout(&ctx)).await {
            return views::redirect(safe_next(next.next.as_deref()), &[]);
        }
    }
    login_page(
        &ctx,
        StatusCode::OK,
        "",
        None,
        safe_next(next.next.as_deref()),
    )
}

/// `POST /admin/login/`: the API login's throttles, then the password check;
/// a valid non-staff account gets a plain refusal.
pub async fn login(
    State(ctx): State<AppContext>,
    ClientIp(ip): ClientIp,
    Query(next): Query<Next>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
    let next = safe_next(next.next.as_deref()).to_string();
    let expected = cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or_default();
    let submitted = forms::value(&pairs, "csrf_token").unwrap_or_default();
    if !admin_sessions::csrf_matches(&expected, submitted) {
        return csrf_refused(&Chrome::default());
    }
    let email = forms::value(&pairs, "email").unwrap_or_default().trim();
    let password = forms::value(&pairs, "password").unwrap_or_default();
    let services = RequestServices::from_context(&ctx);
    for (scope, key) in [
        (Scope::LoginIp, ip.clone()),
        (Scope::LoginAccount, email.to_lowercase()),
    ] {
        if let Err(err) = services.throttle.hit(scope, &key).await {
            return error_page(&Chrome::default(), err);
        }
    }
    let user = match staff::authenticate(&ctx.db, email, password).await {
        Ok(user) => user,
        Err(err) => return error_page(&Chrome::default(), err),
    };
    let Some(user) = user else {
        return login_page(
            &ctx,
            StatusCode::UNAUTHORIZED,
            email,
            Some("Please enter the correct e-mail and password for a staff account."),
            &next,
        );
    };
    if !user.is_staff {
        return views::message(
            StatusCode::FORBIDDEN,
            &Chrome::default(),
            "Not allowed",
            "This account does not have access to the admin console.",
        );
    }
    match admin_sessions::start(&ctx.db, &user).await {
        Ok((token, _)) => views::redirect(
            &next,
            &[
                set_cookie(
                    &ctx,
                    SESSION_COOKIE,
                    &token,
                    admin_sessions::LIFETIME.num_seconds(),
                ),
                set_cookie(&ctx, LOGIN_CSRF_COOKIE, "", 0),
            ],
        ),
        Err(err) => error_page(&Chrome::default(), err),
    }
}

/// `POST /admin/logout/`.
pub async fn logout(
    State(ctx): State<AppContext>,
    session: StaffSession,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
    if let Some(refused) = session.csrf_refusal(&pairs) {
        return refused;
    }
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        if let Err(err) = admin_sessions::end(&ctx.db, &token).await {
            return error_page(&session.chrome(), err);
        }
    }
    views::redirect("/admin/login/", &[set_cookie(&ctx, SESSION_COOKIE, "", 0)])
}
