use std::convert::Infallible;

use axum::{
    extract::FromRequestParts,
    http::{header, request::Parts},
};

use crate::models::listing::QueryParams;

/// A list request: its query parameters, and the absolute URL of the list
/// (canonical trailing slash) that `next`/`previous` links are built on.
pub struct ListQuery {
    pub params: QueryParams,
    pub base_url: String,
}

impl<S: Send + Sync> FromRequestParts<S> for ListQuery {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Infallible> {
        let host = parts
            .headers
            .get(header::HOST)
            .and_then(|value| value.to_str().ok())
            .or_else(|| {
                parts
                    .uri
                    .authority()
                    .map(axum::http::uri::Authority::as_str)
            })
            .unwrap_or("localhost");
        let scheme = parts
            .headers
            .get("x-forwarded-proto")
            .and_then(|value| value.to_str().ok())
            .filter(|proto| *proto == "https")
            .unwrap_or("http");
        let path = parts.uri.path().trim_end_matches('/');
        Ok(Self {
            params: QueryParams::parse(parts.uri.query()),
            base_url: format!("{scheme}://{host}{path}/"),
        })
    }
}
