//! Health probes and the document itself.
use utoipa::openapi::{
    path::HttpMethod,
    schema::{ObjectBuilder, Type},
    RefOr, Schema,
};

use super::{envelope, Op};

fn ok_string() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(["ok"]))
}

#[must_use]
pub fn schemas() -> Vec<(String, RefOr<Schema>)> {
    vec![
        (
            "LiveResponse".into(),
            envelope(
                ObjectBuilder::new()
                    .property("status", ok_string())
                    .required("status")
                    .build(),
            )
            .into(),
        ),
        (
            "ReadyResponse".into(),
            envelope(
                ObjectBuilder::new()
                    .property("status", ok_string())
                    .property("database", ok_string())
                    .required("status")
                    .required("database")
                    .build(),
            )
            .into(),
        ),
        (
            "OpenApiDocument".into(),
            ObjectBuilder::new()
                .property("openapi", ObjectBuilder::new().schema_type(Type::String))
                .required("openapi")
                .description(Some("This document (OpenAPI 3.1)."))
                .build()
                .into(),
        ),
    ]
}

#[must_use]
pub fn operations() -> Vec<Op> {
    vec![
        Op::new(
            HttpMethod::Get,
            "/api/health/live/",
            "live",
            "meta",
            "Liveness",
        )
        .describe("The process serves. Any `Host` is accepted.")
        .any_host()
        .ok(200, "Alive.", "LiveResponse"),
        Op::new(
            HttpMethod::Get,
            "/api/health/ready/",
            "ready",
            "meta",
            "Readiness",
        )
        .describe("The database answers (503 otherwise). Any `Host` is accepted.")
        .any_host()
        .ok(200, "Ready.", "ReadyResponse"),
        Op::new(
            HttpMethod::Get,
            "/api/openapi.json",
            "openapi",
            "meta",
            "This document",
        )
        .describe("OpenAPI 3.1; Swagger UI shows it at `/api/docs/`.")
        .ok(200, "The document.", "OpenApiDocument"),
    ]
}
