//! The envelopes every answer is wrapped in: success, list, empty, and the
//! error envelope with one shared response per error status.
use serde_json::json;
use utoipa::openapi::{
    header::HeaderBuilder,
    schema::{ArrayBuilder, ObjectBuilder, Schema, SchemaType, Type},
    ContentBuilder, Ref, RefOr, Response, ResponseBuilder,
};

use super::fields;

/// The component name of the error response for `status`.
pub(super) fn error_name(status: u16) -> &'static str {
    match status {
        400 => "BadRequest",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        409 => "Conflict",
        413 => "PayloadTooLarge",
        415 => "UnsupportedMediaType",
        429 => "TooManyRequests",
        500 => "InternalServerError",
        _ => "ServiceUnavailable",
    }
}

/// The error envelope: `{"success": false, "message", "errors": {field: [..]}}`.
pub(super) fn error_envelope() -> Schema {
    ObjectBuilder::new()
        .property(
            "success",
            ObjectBuilder::new()
                .schema_type(Type::Boolean)
                .enum_values(Some([false])),
        )
        .property("message", ObjectBuilder::new().schema_type(Type::String))
        .property(
            "errors",
            ObjectBuilder::new()
                .additional_properties(Some(
                    ArrayBuilder::new().items(ObjectBuilder::new().schema_type(Type::String)),
                ))
                .description(Some(
                    "Messages by field; `non_field_errors` for the body as a whole, \
                     `detail` for errors that belong to no field.",
                )),
        )
        .required("success")
        .required("message")
        .required("errors")
        .examples([json!({
            "success": false,
            "message": "The request contains invalid data.",
            "errors": { "email": ["Enter a valid email address."] }
        })])
        .into()
}

pub(super) fn error_responses() -> Vec<(&'static str, Response)> {
    let envelope = || {
        ContentBuilder::new()
            .schema(Some(Ref::from_schema_name("ErrorEnvelope")))
            .build()
    };
    let header = |description: &str, schema: Type| {
        HeaderBuilder::new()
            .schema(Some(ObjectBuilder::new().schema_type(schema)))
            .description(Some(description))
            .build()
    };
    let response = |status: u16, description: &str| {
        let mut builder = ResponseBuilder::new()
            .description(description)
            .content("application/json", envelope());
        match status {
            401 => {
                builder = builder.header(
                    "WWW-Authenticate",
                    header("`Bearer realm=\"api\"`.", Type::String),
                );
            }
            405 => {
                builder = builder.header(
                    "Allow",
                    header("The methods the path serves.", Type::String),
                );
            }
            429 => {
                builder = builder.header(
                    "Retry-After",
                    header("Seconds until a retry may succeed.", Type::Integer),
                );
            }
            _ => {}
        }
        (error_name(status), builder.build())
    };
    vec![
        response(400, "Invalid input: each bad field is named in `errors` (also a malformed `Host` header, or one outside ALLOWED_HOSTS)."),
        response(401, "No token, or a bad, expired, revoked or wrong-type token, or a user gone or inactive."),
        response(403, "Authenticated, but the record is not the caller's to change."),
        response(404, "No such record, or not the caller's (the same answer on purpose)."),
        response(405, "The path does not serve this method."),
        response(409, "Conflicts with the current state: a concurrent change (retry), or a rule the operation describes."),
        response(413, "Body over 1 MiB."),
        response(415, "Body not `application/json`."),
        response(429, "Too many requests; see `Retry-After`."),
        response(500, "Server fault (never carries internals)."),
        response(503, "The database is unreachable or the request timed out."),
    ]
}

/// `{"success": true, "message", "data": <data>}`.
#[must_use]
pub fn envelope(data: impl Into<RefOr<Schema>>) -> Schema {
    ObjectBuilder::new()
        .property("success", fields::success_true())
        .property("message", ObjectBuilder::new().schema_type(Type::String))
        .property("data", data)
        .required("success")
        .required("message")
        .required("data")
        .into()
}

/// The list envelope: `count`, `page`, `page_size`, `next`, `previous`, `data`.
#[must_use]
pub fn list_envelope(item: &str) -> Schema {
    let integer = |min: i64| {
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .minimum(Some(min))
    };
    let link = || {
        ObjectBuilder::new()
            .schema_type(
                [Type::String, Type::Null]
                    .into_iter()
                    .collect::<SchemaType>(),
            )
            .description(Some("Absolute URL of the page, or null."))
    };
    ObjectBuilder::new()
        .property("success", fields::success_true())
        .property("message", ObjectBuilder::new().schema_type(Type::String))
        .property(
            "count",
            integer(0).description(Some("Items matching, on every page.")),
        )
        .property("page", integer(1))
        .property("page_size", integer(1).maximum(Some(100)))
        .property("next", link())
        .property("previous", link())
        .property(
            "data",
            ArrayBuilder::new().items(Ref::from_schema_name(item)),
        )
        .required("success")
        .required("message")
        .required("count")
        .required("page")
        .required("page_size")
        .required("next")
        .required("previous")
        .required("data")
        .into()
}

/// `data: null` (delete, logout).
#[must_use]
pub fn empty_envelope() -> Schema {
    envelope(ObjectBuilder::new().schema_type(Type::Null).build())
}
