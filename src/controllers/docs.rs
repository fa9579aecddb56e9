//! The OpenAPI document (`/api/openapi.json`) and Swagger UI (`/api/docs/`),
//! whose files are compiled into the binary (utoipa-swagger-ui, `vendored`).
use std::sync::{Arc, OnceLock};

use axum::{
    extract::{OriginalUri, Path},
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
};
use loco_rs::prelude::*;
use utoipa_swagger_ui::Config;

use crate::{
    errors::{ApiError, ApiResult},
    openapi,
};

/// Where Swagger UI is served; its page loads its files relative to it.
pub const DOCS_PATH: &str = "/api/docs/";

async fn document() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        openapi::json(),
    )
        .into_response()
}

fn config() -> Arc<Config<'static>> {
    static CONFIG: OnceLock<Arc<Config<'static>>> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            Arc::new(
                Config::from("/api/openapi.json")
                    // A token given to "Authorize" survives a reload.
                    .persist_authorization(true)
                    .try_it_out_enabled(true)
                    .display_request_duration(true)
                    // No call to the public validator badge service.
                    .validator_url("none"),
            )
        })
        .clone()
}

fn file(path: &str) -> ApiResult<Response> {
    let file = utoipa_swagger_ui::serve(path, config())
        .map_err(|_| ApiError::Internal)?
        .ok_or_else(ApiError::not_found)?;
    let mut response = (StatusCode::OK, file.bytes.into_owned()).into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&file.content_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    if file.gzpipped {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    Ok(response)
}

/// The UI's page. Its assets are relative links, so `/api/docs` (which the
/// trailing-slash layer also routes here) is sent to `/api/docs/`.
async fn index(OriginalUri(uri): OriginalUri) -> ApiResult<Response> {
    if uri.path().ends_with('/') {
        file("index.html")
    } else {
        Ok((
            StatusCode::PERMANENT_REDIRECT,
            [(header::LOCATION, DOCS_PATH)],
        )
            .into_response())
    }
}

async fn asset(Path(path): Path<String>) -> ApiResult<Response> {
    file(&path)
}

pub fn routes() -> Routes {
    Routes::new()
        .prefix("/api")
        .add("/openapi.json", get(document))
        .add("/docs", get(index))
        .add("/docs/{*file}", get(asset))
}
