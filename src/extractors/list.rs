use axum::{
    extract::FromRequestParts,
    http::request::Parts,
    response::{IntoResponse, Response},
};

use crate::{
    errors::{ApiError, FieldErrors},
    middleware::ValidatedHost,
    models::{error::ModelError, fields::NO_NUL, listing::QueryParams},
};

/// A query string no list can take: the API answers it as a 400, the console
/// as the same invalid-filter page a model's refusal gets.
#[derive(Debug)]
pub struct InvalidQuery(pub FieldErrors);

impl IntoResponse for InvalidQuery {
    fn into_response(self) -> Response {
        ApiError::Validation(self.0).into_response()
    }
}

impl From<InvalidQuery> for ModelError {
    fn from(err: InvalidQuery) -> Self {
        Self::Invalid(err.0)
    }
}

/// A list request: its query parameters, and the absolute URL of the list
/// (canonical trailing slash) that `next`/`previous` links are built on.
pub struct ListQuery {
    pub params: QueryParams,
    pub base_url: String,
}

impl<S: Send + Sync> FromRequestParts<S> for ListQuery {
    type Rejection = InvalidQuery;

    /// # Errors
    /// 400 naming a parameter whose value holds a NUL character (`%00`),
    /// which no filter can match and PostgreSQL cannot take as text.
    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, InvalidQuery> {
        // Only a host that passed the Host header check: a list reached
        // without it (no such route today) links to localhost.
        let host = parts
            .extensions
            .get::<ValidatedHost>()
            .map_or("localhost", |host| host.0.as_str());
        let scheme = parts
            .headers
            .get("x-forwarded-proto")
            .and_then(|value| value.to_str().ok())
            .filter(|proto| *proto == "https")
            .unwrap_or("http");
        let path = parts.uri.path().trim_end_matches('/');
        let params = QueryParams::parse(parts.uri.query());
        let mut errors = FieldErrors::new();
        for (name, value) in &params.0 {
            if value.contains('\0') && !errors.contains(name) {
                errors.add(name, NO_NUL);
            }
        }
        if !errors.is_empty() {
            return Err(InvalidQuery(errors));
        }
        Ok(Self {
            params,
            base_url: format!("{scheme}://{host}{path}/"),
        })
    }
}
