use axum::{
    extract::{rejection::JsonRejection, FromRequest, Request},
    http::StatusCode,
    Json,
};
use serde_json::Value;

use crate::errors::ApiError;

/// A JSON request body, kept as a `Value` so that the model can name every
/// bad field at once. Loco's own `Json` hides the parse detail; this one
/// answers 415 for a non-JSON content type, 413 over the body limit, and 400
/// with the parser's message for malformed JSON.
pub struct JsonBody(pub Value);

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        match Json::<Value>::from_request(request, state).await {
            Ok(Json(value)) => Ok(Self(value)),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(ApiError::UnsupportedMediaType(
                "Unsupported media type in request. Use application/json.".to_string(),
            )),
            Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(ApiError::PayloadTooLarge)
            }
            Err(JsonRejection::JsonSyntaxError(err)) => Err(ApiError::BadRequest(format!(
                "JSON parse error - {}",
                std::error::Error::source(&err)
                    .map_or_else(|| err.body_text(), ToString::to_string)
            ))),
            Err(rejection) => Err(ApiError::BadRequest(rejection.body_text())),
        }
    }
}
