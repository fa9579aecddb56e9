//! Liveness and readiness probes for load balancers and orchestrators.
use axum::{response::Response, routing::get};
use loco_rs::prelude::*;
use serde_json::json;

use crate::{
    errors::{ApiError, ApiResult},
    views::envelope,
};

/// The process is up and serving.
async fn live() -> Response {
    envelope::ok("The service is alive.", json!({ "status": "ok" }))
}

/// The process can serve requests: its database answers.
async fn ready(State(ctx): State<AppContext>) -> ApiResult<Response> {
    ctx.db
        .ping()
        .await
        .map_err(|_| ApiError::Unavailable("The database is unavailable.".to_string()))?;
    Ok(envelope::ok(
        "The service is ready.",
        json!({ "status": "ok", "database": "ok" }),
    ))
}

pub fn routes() -> Routes {
    Routes::new()
        .prefix("/api/health")
        .add("/live", get(live))
        .add("/ready", get(ready))
}
