//! Router-level pieces that make every response keep the contract: the 404
//! fallback, the envelope for errors produced outside our handlers, and paths
//! that work with and without their trailing slash.
use std::{
    sync::{Arc, OnceLock},
    time::Instant,
};

use axum::{
    extract::{MatchedPath, Request, State},
    http::{header, HeaderValue},
    middleware::Next,
    response::{IntoResponse, Response},
    Router,
};
use tower::Layer;
use tower_http::normalize_path::NormalizePathLayer;

use crate::errors::{ApiError, Enveloped};

/// The router's fallback: an unknown path is a 404 in the envelope.
pub async fn not_found() -> ApiError {
    ApiError::not_found()
}

/// Rewrites any error response that did not come from `ApiError` (axum's 405,
/// the body limit's 413, a caught panic's 500, a timeout) into the envelope,
/// keeping its headers (`Allow` on a 405, for one).
pub async fn envelope(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error())
        || response.extensions().get::<Enveloped>().is_some()
    {
        return response;
    }
    let (mut parts, _) = response.into_parts();
    let rendered = ApiError::from_status(status, &method).into_response();
    let (rendered_parts, body) = rendered.into_parts();
    parts.status = rendered_parts.status;
    for (name, value) in &rendered_parts.headers {
        parts.headers.insert(name, value.clone());
    }
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    parts.extensions.insert(Enveloped);
    Response::from_parts(parts, body)
}

/// Serves `/api/patients/` and `/api/patients` alike, without a redirect.
///
/// Loco registers routes without their trailing slash, and a layer added on a
/// `Router` runs after routing, so the path is normalised by wrapping the
/// whole router as a service that a new outer router falls back to.
pub fn accept_trailing_slash(router: Router) -> Router {
    let normalized = NormalizePathLayer::trim_trailing_slash().layer(router);
    Router::new().fallback_service(normalized)
}

/// Where the `Auth` extractor leaves the authenticated user's id for the
/// request log line.
#[derive(Clone, Default)]
pub struct RequestUser(Arc<OnceLock<i32>>);

impl RequestUser {
    pub fn set(&self, user_id: i32) {
        let _ = self.0.set(user_id);
    }

    #[must_use]
    pub fn get(&self) -> Option<i32> {
        self.0.get().copied()
    }
}

/// One log line per request: method, route template (`/api/patients/{id}`,
/// never the raw path or query string, which can carry patient names from
/// `?search=`), status, latency and request id. It replaces Loco's `logger`
/// middleware, whose span records the full URI.
pub async fn request_log(mut request: Request, next: Next) -> Response {
    let started = Instant::now();
    let user = RequestUser::default();
    request.extensions_mut().insert(user.clone());
    let method = request.method().clone();
    let route = request.extensions().get::<MatchedPath>().map_or_else(
        || "<unmatched>".to_string(),
        |path| path.as_str().to_string(),
    );
    let response = next.run(request).await;
    let request_id = response
        .headers()
        .get("x-request-id")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    tracing::info!(
        request_id,
        method = %method,
        route,
        status = response.status().as_u16(),
        user_id = user.get(),
        latency_ms = started.elapsed().as_secs_f64() * 1000.0,
        "request"
    );
    response
}

/// The Content-Security-Policy of the console's pages: only their own
/// origin (one stylesheet, no script), never framed, no plugins.
pub const CONSOLE_CSP: &str = "default-src 'self'; base-uri 'self'; form-action 'self'; \
                               frame-ancestors 'none'; object-src 'none'";
/// Swagger UI's: the same, except that its stylesheet draws a few icons
/// (select arrows, copy button, model toggles) as `data:` images. Its page
/// loads only its own files and runs no inline code, so `script-src` and
/// `style-src` stay `'self'`.
pub const SWAGGER_UI_CSP: &str = "default-src 'self'; img-src 'self' data:; base-uri 'self'; \
                                  form-action 'self'; frame-ancestors 'none'; object-src 'none'";

/// Headers set on every response by [`security_headers`].
#[derive(Clone, Debug, Default)]
pub struct SecurityHeaders {
    /// `Strict-Transport-Security`, in production when `SECURE_HSTS_SECONDS`
    /// is above 0 (see `Settings::hsts`).
    pub hsts: Option<HeaderValue>,
}

/// Every response: `nosniff`, `Referrer-Policy: no-referrer` and, when
/// configured, HSTS. Every `/api/` response: `Cache-Control: no-store`, so
/// patient data never sits in a shared cache or the browser's history. Every
/// HTML page (the console, Swagger UI): a Content-Security-Policy limited to
/// `'self'` and `X-Frame-Options: DENY`. Set last, over whatever the handler
/// or an inner layer (CORS, the envelope, a refusal) answered.
pub async fn security_headers(
    State(policy): State<Arc<SecurityHeaders>>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    let under = |prefix: &str| path == prefix || path.starts_with(&format!("{prefix}/"));
    let (api, docs) = (under("/api"), under("/api/docs"));
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    if api {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    let html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"));
    if html {
        let csp = if docs { SWAGGER_UI_CSP } else { CONSOLE_CSP };
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(csp),
        );
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    if let Some(hsts) = &policy.hsts {
        headers.insert(header::STRICT_TRANSPORT_SECURITY, hsts.clone());
    }
    response
}

/// The request's `Host` once it passed [`allowed_hosts`]: the only host that
/// absolute links (a list's `next`/`previous`) may be built on.
#[derive(Clone, Debug)]
pub struct ValidatedHost(pub String);

/// Answers 400 to a `Host` header that is not a host name or `[IPv6]`
/// literal with an optional numeric port, or whose name is outside
/// `ALLOWED_HOSTS`, as Django does, so that links built from the header
/// cannot be poisoned. The health probes are exempt: orchestrators call them
/// by IP address.
pub async fn allowed_hosts(
    State(allowed): State<Arc<Vec<String>>>,
    mut request: Request,
    next: Next,
) -> Response {
    if request.uri().path().starts_with("/api/health") {
        return next.run(request).await;
    }
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|value| value.to_str().ok())
        .map(str::to_string)
        .or_else(|| request.uri().authority().map(ToString::to_string))
        .unwrap_or_default();
    let Some((name, _port)) = split_host(&host) else {
        return ApiError::BadRequest(
            "Invalid Host header: expected a host name or [IPv6] address with an optional \
             numeric port."
                .to_string(),
        )
        .into_response();
    };
    if !name_allowed(&name, &allowed) {
        return ApiError::BadRequest("Invalid Host header. Add it to ALLOWED_HOSTS.".to_string())
            .into_response();
    }
    request.extensions_mut().insert(ValidatedHost(host));
    next.run(request).await
}

/// Django's `split_domain_port`: `host` must be a name of ASCII letters,
/// digits, dots and hyphens, or an `[IPv6]` literal of hex digits, colons and
/// dots, optionally followed by `:` and at least one digit. Returns the
/// lower-cased name (a trailing dot removed) and the port; `None` for
/// anything else (`localhost:@evil.example`, `host:80:80`, `a b`, `x:`).
#[must_use]
pub fn split_host(host: &str) -> Option<(String, Option<u16>)> {
    let host = host.to_ascii_lowercase();
    let (name, rest) = if host.starts_with('[') {
        let end = host.find(']')?;
        let (literal, rest) = host.split_at(end + 1);
        let inner = &literal[1..literal.len() - 1];
        // `[a-f0-9]*:[a-f0-9.:]+`: at least one colon, then something.
        let (before, after) = inner.split_once(':')?;
        let hex = |c: char| c.is_ascii_hexdigit();
        if !before.chars().all(hex)
            || after.is_empty()
            || !after.chars().all(|c| hex(c) || c == '.' || c == ':')
        {
            return None;
        }
        (literal.to_string(), rest)
    } else {
        let end = host.find(':').unwrap_or(host.len());
        let (name, rest) = host.split_at(end);
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-')
        {
            return None;
        }
        (name.to_string(), rest)
    };
    let port = match rest.strip_prefix(':') {
        None if rest.is_empty() => None,
        None => return None,
        Some(digits) if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) => {
            // Django takes any run of digits; one too large for a port is
            // still a syntactically valid header, so it is kept as "no port".
            digits.parse().ok()
        }
        Some(_) => return None,
    };
    let name = name.strip_suffix('.').unwrap_or(&name).to_string();
    (!name.is_empty()).then_some((name, port))
}

/// A validated, lower-cased host name against Django's patterns: `*`, an
/// exact name, or `.example.com` for the domain and every subdomain.
#[must_use]
pub fn name_allowed(name: &str, allowed: &[String]) -> bool {
    allowed.iter().any(|pattern| {
        pattern == "*"
            || pattern == name
            || pattern
                .strip_prefix('.')
                .is_some_and(|domain| name == domain || name.ends_with(&format!(".{domain}")))
    })
}

/// `host[:port]` (syntax first, then the name) against `ALLOWED_HOSTS`.
#[must_use]
pub fn host_allowed(host: &str, allowed: &[String]) -> bool {
    split_host(host).is_some_and(|(name, _)| name_allowed(&name, allowed))
}

#[cfg(test)]
mod tests {
    use super::{host_allowed, split_host};

    #[test]
    fn hosts_match_like_django() {
        let allowed = vec!["localhost".to_string(), ".clinic.org".to_string()];
        assert!(host_allowed("localhost:8000", &allowed));
        assert!(host_allowed("LOCALHOST", &allowed));
        assert!(host_allowed("clinic.org", &allowed));
        assert!(host_allowed("api.clinic.org:443", &allowed));
        assert!(!host_allowed("evilclinic.org", &allowed));
        assert!(!host_allowed("example.com", &allowed));
        assert!(!host_allowed("", &allowed));
        assert!(host_allowed("[::1]:8000", &["[::1]".to_string()]));
        assert!(host_allowed("anything", &["*".to_string()]));
        // The name before the last colon is `localhost`, but this is no host.
        assert!(!host_allowed("localhost:@evil.example", &allowed));
    }

    #[test]
    fn host_syntax_is_djangos() {
        let some = |name: &str, port: Option<u16>| Some((name.to_string(), port));
        assert_eq!(split_host("localhost:8000"), some("localhost", Some(8000)));
        assert_eq!(split_host("Example.COM."), some("example.com", None));
        assert_eq!(split_host("[::1]:80"), some("[::1]", Some(80)));
        assert_eq!(split_host("[2001:DB8::1]"), some("[2001:db8::1]", None));
        assert_eq!(
            split_host("[::ffff:127.0.0.1]"),
            some("[::ffff:127.0.0.1]", None)
        );
        for bad in [
            "",
            ".",
            "a b",
            "x:y",
            "host:80:80",
            "@evil",
            "localhost:@evil.example",
            "localhost:",
            "localhost:+80",
            "[::1]:",
            "[::1]x",
            "[::1",
            "[:]",
            "[g::1]",
            "::1",
            "local_host",
            "h\u{e9}te",
        ] {
            assert_eq!(split_host(bad), None, "{bad:?}");
        }
    }
}
