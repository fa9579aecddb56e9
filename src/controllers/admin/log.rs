//! The change log: every change made through the console, newest first.
use axum::{extract::State, http::StatusCode, response::Response};
use loco_rs::prelude::AppContext;
use serde_json::{json, Value};

use super::{error_page, StaffSession};
use crate::{
    extractors::{InvalidQuery, ListQuery},
    models::admin_log,
    views::admin as views,
};

/// The log's query is read as the API's lists read theirs (a NUL character
/// in a value is a 400); a bad page number is a 400 page.
pub async fn change_log(
    State(ctx): State<AppContext>,
    session: StaffSession,
    query: Result<ListQuery, InvalidQuery>,
) -> Response {
    let chrome = session.chrome();
    let listed = match query {
        Ok(query) => admin_log::list(&ctx.db, &query.params).await,
        Err(err) => Err(err.into()),
    };
    let page = match listed {
        Ok(page) => page,
        Err(err) => return error_page(&chrome, err),
    };
    let number = page.request.page;
    let pages = page.count.div_ceil(page.request.page_size).max(1);
    let entries: Vec<Value> = page
        .items
        .iter()
        .map(|entry| {
            let changed = match (&entry.before, &entry.after) {
                (Some(_), Some(_)) => "show",
                (None, Some(_)) => "created",
                (Some(_), None) => "deleted",
                (None, None) => "—",
            };
            json!({
                "created_at": crate::views::timestamp(&entry.created_at), "actor_email": entry.actor_email,
                "action": entry.action, "object_type": entry.object_type, "object_id": entry.object_id,
                "object_repr": entry.object_repr, "ip": entry.ip, "changed": changed,
                "before": entry.before.clone().unwrap_or_default(), "after": entry.after.clone().unwrap_or_default(),
            })
        })
        .collect();
    let data = json!({
        "entries": entries, "count": page.count, "page": number, "pages": pages,
        "previous_url": (number > 1).then(|| format!("/admin/log/?page={}", number - 1)),
        "next_url": page.has_next().then(|| format!("/admin/log/?page={}", number + 1)),
    });
    views::page(StatusCode::OK, "log.html", "Change log", &chrome, data)
}
