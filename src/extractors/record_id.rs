use axum::{
    extract::{FromRequestParts, Path},
    http::request::Parts,
};

use crate::errors::ApiError;

/// A record id from the path. Like Django's `<int:pk>`, anything but a
/// positive integer matches no record: 404, not 400.
pub struct RecordId(pub i32);

impl<S: Send + Sync> FromRequestParts<S> for RecordId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::not_found())?;
        match raw.parse::<i32>() {
            Ok(id) if id > 0 => Ok(Self(id)),
            _ => Err(ApiError::not_found()),
        }
    }
}
