//! The success envelopes: `{"success": true, "message", "data"}` and, for
//! lists, `count`, `page`, `page_size`, `next` and `previous` beside `data`.
use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};
use serde::Serialize;
use serde_json::json;

use crate::models::listing::{Page, QueryParams};

fn render(status: StatusCode, message: &str, data: impl Serialize) -> Response {
    (
        status,
        Json(json!({ "success": true, "message": message, "data": data })),
    )
        .into_response()
}

/// 200 with `data`.
pub fn ok(message: &str, data: impl Serialize) -> Response {
    render(StatusCode::OK, message, data)
}

/// 201 with the created record.
pub fn created(message: &str, data: impl Serialize) -> Response {
    render(StatusCode::CREATED, message, data)
}

/// 200 with `data: null` (delete, logout).
pub fn done(message: &str) -> Response {
    render(StatusCode::OK, message, serde_json::Value::Null)
}

/// The list envelope. `next`/`previous` keep every other query parameter.
pub fn page<T: Serialize>(
    message: &str,
    page: &Page<T>,
    base_url: &str,
    params: &QueryParams,
) -> Response {
    let link = |target: u64| {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (key, value) in params.0.iter().filter(|(key, _)| key != "page") {
            query.append_pair(key, value);
        }
        // As DRF does, the link to page 1 carries no `page` at all.
        if target > 1 {
            query.append_pair("page", &target.to_string());
        }
        let query = query.finish();
        if query.is_empty() {
            base_url.to_string()
        } else {
            format!("{base_url}?{query}")
        }
    };
    let next = page.has_next().then(|| link(page.request.page + 1));
    let previous = page.has_previous().then(|| link(page.request.page - 1));
    Json(json!({
        "success": true,
        "message": message,
        "count": page.count,
        "page": page.request.page,
        "page_size": page.request.page_size,
        "next": next,
        "previous": previous,
        "data": page.items,
    }))
    .into_response()
}
