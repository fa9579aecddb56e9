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

/// Answers 400 to a `Host` outside `ALLOWED_HOSTS`, as Django does, so that
/// links built from the Host header cannot be poisoned. The health probes
/// are exempt: orchestrators call them by IP address.
pub async fn allowed_hosts(
    State(allowed): State<Arc<Vec<String>>>,
    request: Request,
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
    if host_allowed(&host, &allowed) {
        next.run(request).await
    } else {
        ApiError::BadRequest("Invalid Host header. Add it to ALLOWED_HOSTS.".to_string())
            .into_response()
    }
}

/// `host[:port]` against Django's patterns: `*`, an exact name, or
/// `.example.com` for the domain and every subdomain.
#[must_use]
pub fn host_allowed(host: &str, allowed: &[String]) -> bool {
    let host = host.trim().to_ascii_lowercase();
    let name = if host.starts_with('[') {
        // IPv6 literal: "[::1]:8000" -> "[::1]"
        host.split_once(']')
            .map_or(host.as_str(), |(ip, _)| ip)
            .to_string()
            + "]"
    } else {
        host.rsplit_once(':')
            .map_or(host.as_str(), |(name, _)| name)
            .to_string()
    };
    let name = name.trim_end_matches('.');
    !name.is_empty()
        && allowed.iter().any(|pattern| {
            pattern == "*"
                || pattern == name
                || pattern
                    .strip_prefix('.')
                    .is_some_and(|domain| name == domain || name.ends_with(&format!(".{domain}")))
        })
}

#[cfg(test)]
mod tests {
    use super::host_allowed;

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
    }
}
