//! The one error type of the API. Every failure the server can answer, from a
//! field that failed validation to a database that went away, is an `ApiError`
//! and renders the contract's error envelope:
//! `{"success": false, "message": "...", "errors": {"<field>": ["..."]}}`.
use axum::{
    http::{header, HeaderValue, Method, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use sea_orm::DbErr;
use serde_json::json;

use crate::models::error::{db_error_kind, ModelError};
pub use crate::models::error::{is_unavailable, FieldErrors};

/// Marks a response whose body is already in the envelope, so the
/// `envelope` middleware leaves it alone.
#[derive(Clone, Copy, Debug)]
pub struct Enveloped;

#[derive(Debug)]
pub enum ApiError {
    /// 400: one or more fields failed validation.
    Validation(FieldErrors),
    /// 400 about the request as a whole (e.g. unreadable JSON).
    BadRequest(String),
    /// 401: no token, a bad one, or a user who is gone or inactive.
    Unauthorized(String),
    /// 403: authenticated, but this record is not yours to change.
    Forbidden(String),
    /// 404: no such record (or not the caller's: the same answer on purpose).
    NotFound(String),
    /// 405: a known path with a method it does not serve.
    MethodNotAllowed(String),
    /// 409: the request conflicts with the current state of the record.
    Conflict(String),
    /// 413: body over the configured limit.
    PayloadTooLarge,
    /// 415: a body that is not `application/json`.
    UnsupportedMediaType(String),
    /// 429: throttled; the client may retry after this many seconds.
    TooManyRequests { retry_after_secs: u64 },
    /// 503: a dependency (the database) is unreachable or the request timed out.
    Unavailable(String),
    /// 500: never carries detail to the client; the cause is logged.
    Internal,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    #[must_use]
    pub fn validation(field: &str, message: impl Into<String>) -> Self {
        Self::Validation(FieldErrors::single(field, message))
    }

    #[must_use]
    pub fn not_found() -> Self {
        Self::NotFound("Not found.".to_string())
    }

    /// The envelope for a bare status produced outside our handlers (axum's
    /// 405, the body limit's 413, a timeout, a caught panic).
    #[must_use]
    pub fn from_status(status: StatusCode, method: &Method) -> Self {
        match status.as_u16() {
            401 => Self::Unauthorized("Authentication credentials were not provided.".to_string()),
            403 => {
                Self::Forbidden("You do not have permission to perform this action.".to_string())
            }
            404 => Self::not_found(),
            405 => Self::MethodNotAllowed(format!("Method \"{method}\" not allowed.")),
            408 | 503 | 504 => Self::Unavailable(
                "The service is temporarily unavailable. Try again shortly.".to_string(),
            ),
            409 => Self::Conflict("The request conflicts with the current state.".to_string()),
            413 => Self::PayloadTooLarge,
            415 => Self::UnsupportedMediaType(
                "Unsupported media type in request. Use application/json.".to_string(),
            ),
            429 => Self::TooManyRequests {
                retry_after_secs: 60,
            },
            400..=499 => Self::BadRequest("Bad request.".to_string()),
            _ => Self::Internal,
        }
    }

    #[must_use]
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Validation(_) | Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn message_and_errors(self) -> (String, serde_json::Value) {
        let detail = |text: String| (text.clone(), json!({ "detail": [text] }));
        match self {
            Self::Validation(errors) => (
                "The request contains invalid data.".to_string(),
                serde_json::to_value(&errors).unwrap_or_default(),
            ),
            Self::BadRequest(text)
            | Self::Unauthorized(text)
            | Self::Forbidden(text)
            | Self::NotFound(text)
            | Self::MethodNotAllowed(text)
            | Self::Conflict(text)
            | Self::UnsupportedMediaType(text)
            | Self::Unavailable(text) => detail(text),
            Self::PayloadTooLarge => detail("Request body is too large (limit 1 MiB).".to_string()),
            Self::TooManyRequests { retry_after_secs } => detail(format!(
                "Request was throttled. Expected available in {retry_after_secs} seconds."
            )),
            Self::Internal => detail("A server error occurred.".to_string()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let retry_after = match &self {
            Self::TooManyRequests { retry_after_secs } => Some(*retry_after_secs),
            _ => None,
        };
        let (message, errors) = self.message_and_errors();
        let mut response = (
            status,
            Json(json!({ "success": false, "message": message, "errors": errors })),
        )
            .into_response();
        let headers = response.headers_mut();
        if status == StatusCode::UNAUTHORIZED {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"api\""),
            );
        }
        if let Some(secs) = retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response.extensions_mut().insert(Enveloped);
        response
    }
}

impl From<ModelError> for ApiError {
    fn from(err: ModelError) -> Self {
        match err {
            ModelError::NotFound => Self::not_found(),
            ModelError::Invalid(errors) => Self::Validation(errors),
            ModelError::Unauthenticated(text) => Self::Unauthorized(text),
            ModelError::Forbidden(text) => Self::Forbidden(text),
            ModelError::Conflict(text) => Self::Conflict(text),
            ModelError::Unavailable => {
                tracing::warn!(error.kind = "database_unavailable", "database unavailable");
                Self::Unavailable(
                    "The service is temporarily unavailable. Try again shortly.".to_string(),
                )
            }
            // Never log the error text itself: a driver message can quote the
            // values of the row (patient data). The kind is enough to start from.
            ModelError::Database(err) => {
                tracing::error!(error.kind = db_error_kind(&err), "database error");
                Self::Internal
            }
            ModelError::Fault(what) => {
                tracing::error!(error.kind = "fault", what, "internal failure");
                Self::Internal
            }
        }
    }
}

impl From<DbErr> for ApiError {
    fn from(err: DbErr) -> Self {
        ModelError::from(err).into()
    }
}

impl From<tokio::task::JoinError> for ApiError {
    fn from(err: tokio::task::JoinError) -> Self {
        ModelError::from(err).into()
    }
}
