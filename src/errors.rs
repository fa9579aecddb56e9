//! The one error type of the API. Every failure the server can answer, from a
//! field that failed validation to a database that went away, is an `ApiError`
//! and renders the contract's error envelope:
//! `{"success": false, "message": "...", "errors": {"<field>": ["..."]}}`.
use std::collections::BTreeMap;

use axum::{
    http::{header, HeaderValue, Method, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use sea_orm::{DbErr, RuntimeErr, SqlErr};
use serde_json::json;

/// Marks a response whose body is already in the envelope, so the
/// `envelope` middleware leaves it alone.
#[derive(Clone, Copy, Debug)]
pub struct Enveloped;

/// Errors keyed by field name (`non_field_errors` for the request as a whole),
/// in the order DRF would list them.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FieldErrors(BTreeMap<String, Vec<String>>);

impl FieldErrors {
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0
            .entry(field.to_string())
            .or_default()
            .push(message.into());
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    #[must_use]
    pub fn contains(&self, field: &str) -> bool {
        self.0.contains_key(field)
    }

    /// `Ok(())` when nothing was recorded, else the validation error.
    ///
    /// # Errors
    /// `ApiError::Validation` carrying every recorded message.
    pub fn into_result(self) -> Result<(), ApiError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Validation(self))
        }
    }

    /// The messages recorded under `field` (none when it is valid).
    #[must_use]
    pub fn messages(&self, field: &str) -> &[String] {
        self.0.get(field).map_or(&[], Vec::as_slice)
    }

    /// Each field with its messages, fields in name order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.0
            .iter()
            .map(|(field, messages)| (field.as_str(), messages.as_slice()))
    }

    #[must_use]
    pub fn single(field: &str, message: impl Into<String>) -> Self {
        let mut errors = Self::new();
        errors.add(field, message);
        errors
    }
}

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
                serde_json::to_value(&errors.0).unwrap_or_default(),
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

/// Is this database error a lost or unreachable connection (503) rather than a
/// fault in our query (500)?
#[must_use]
pub fn is_unavailable(err: &DbErr) -> bool {
    match err {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Query(RuntimeErr::SqlxError(inner)) | DbErr::Exec(RuntimeErr::SqlxError(inner)) => {
            match inner.as_ref() {
                sqlx::Error::Io(_)
                | sqlx::Error::Tls(_)
                | sqlx::Error::Protocol(_)
                | sqlx::Error::PoolTimedOut
                | sqlx::Error::PoolClosed
                | sqlx::Error::WorkerCrashed => true,
                // SQLSTATE class 08 (connection exception) and 57P
                // (operator intervention: the server is shutting down).
                sqlx::Error::Database(db) => db
                    .code()
                    .is_some_and(|code| code.starts_with("08") || code.starts_with("57P")),
                _ => false,
            }
        }
        _ => false,
    }
}

impl From<DbErr> for ApiError {
    fn from(err: DbErr) -> Self {
        if is_unavailable(&err) {
            tracing::warn!(error.kind = "database_unavailable", "database unavailable");
            return Self::Unavailable(
                "The service is temporarily unavailable. Try again shortly.".to_string(),
            );
        }
        // Never log the error text itself: a driver message can quote the
        // values of the row (patient data). The kind is enough to start from.
        let kind = match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => "unique_violation",
            Some(SqlErr::ForeignKeyConstraintViolation(_)) => "foreign_key_violation",
            _ => match err {
                DbErr::Query(_) => "query",
                DbErr::Exec(_) => "exec",
                DbErr::RecordNotFound(_) => "record_not_found",
                DbErr::RecordNotInserted | DbErr::RecordNotUpdated => "record_not_written",
                DbErr::Type(_) | DbErr::Json(_) => "decode",
                _ => "other",
            },
        };
        tracing::error!(error.kind = kind, "database error");
        Self::Internal
    }
}

impl From<tokio::task::JoinError> for ApiError {
    fn from(_: tokio::task::JoinError) -> Self {
        tracing::error!(error.kind = "blocking_task", "blocking task failed");
        Self::Internal
    }
}
