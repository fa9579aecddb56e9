//! The OpenAPI 3.1 document of the API, served at `/api/openapi.json` and
//! shown by Swagger UI at `/api/docs/` (`controllers::docs`).
//!
//! Response shapes are derived from the views (`#[derive(ToSchema)]`);
//! request bodies and query parameters are described in `fields`, from the
//! models' own choice lists, since the models read bodies field by field.
//! Each resource module lists its operations; `tests/requests/openapi.rs`
//! checks them against the router, so a route cannot go undocumented.
use std::{collections::BTreeSet, sync::OnceLock};

use serde_json::Value;
use utoipa::openapi::{
    example::ExampleBuilder,
    path::{HttpMethod, OperationBuilder, Parameter, PathItem},
    request_body::RequestBodyBuilder,
    schema::ComponentsBuilder,
    security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme},
    tag::TagBuilder,
    ContentBuilder, InfoBuilder, OpenApi, OpenApiBuilder, PathsBuilder, Ref, RefOr, Required,
    ResponseBuilder,
};

pub mod auth;
pub mod doctors;
mod envelopes;
pub mod fields;
pub mod mappings;
pub mod meta;
pub mod patients;
mod write;

pub use envelopes::{empty_envelope, envelope, list_envelope};
use envelopes::{error_envelope, error_name, error_responses};

/// The name of the bearer security scheme.
pub const BEARER: &str = "bearerAuth";

/// One documented operation, built step by step; every step adds the error
/// statuses it makes possible, so the list of errors follows from what the
/// operation does.
pub struct Op {
    pub path: &'static str,
    pub method: HttpMethod,
    operation: OperationBuilder,
    errors: BTreeSet<u16>,
    links: Vec<(String, RefOr<utoipa::openapi::link::Link>)>,
    ok: Option<(u16, &'static str, String)>,
}

impl Op {
    /// Every operation can meet a `Host` outside `ALLOWED_HOSTS` (400), a
    /// method it does not serve on its path (405), a fault (500) and a lost
    /// database or a timeout (503).
    #[must_use]
    pub fn new(method: HttpMethod, path: &'static str, id: &str, tag: &str, summary: &str) -> Self {
        Self {
            path,
            method,
            operation: OperationBuilder::new()
                .operation_id(Some(id))
                .tag(tag)
                .summary(Some(summary)),
            errors: BTreeSet::from([400, 405, 500, 503]),
            links: Vec::new(),
            ok: None,
        }
    }

    #[must_use]
    pub fn describe(mut self, text: &str) -> Self {
        self.operation = self.operation.description(Some(text));
        self
    }

    /// Health probes are exempt from the `ALLOWED_HOSTS` check.
    #[must_use]
    pub fn any_host(mut self) -> Self {
        self.errors.remove(&400);
        self
    }

    /// Needs `Authorization: Bearer <access token>`: 401 without a valid one,
    /// 429 past the per-user limit.
    #[must_use]
    pub fn secured(mut self) -> Self {
        self.operation = self
            .operation
            .security(SecurityRequirement::new(BEARER, Vec::<String>::new()));
        self.errors.extend([401, 429]);
        self
    }

    /// A JSON body described by the component `schema`, with named examples:
    /// 400 (invalid), 413 (over 1 MiB), 415 (not `application/json`).
    #[must_use]
    pub fn body(mut self, schema: &str, examples: Vec<(&str, &str, Value)>) -> Self {
        let mut content = ContentBuilder::new().schema(Some(Ref::from_schema_name(schema)));
        for (name, summary, value) in examples {
            content = content.examples_from_iter([(
                name,
                ExampleBuilder::new().summary(summary).value(Some(value)),
            )]);
        }
        self.operation = self.operation.request_body(Some(
            RequestBodyBuilder::new()
                .required(Some(Required::True))
                .content("application/json", content.build())
                .build(),
        ));
        self.errors.extend([400, 413, 415]);
        self
    }

    /// Query parameters (a bad value is a 400 naming it).
    #[must_use]
    pub fn query(mut self, parameters: Vec<Parameter>) -> Self {
        self.operation = self.operation.parameters(Some(parameters));
        self
    }

    /// A record id in the path: 404 when there is no such record (or it is
    /// not the caller's).
    #[must_use]
    pub fn path_id(mut self, name: &str, description: &str) -> Self {
        self.operation = self.operation.parameter(fields::path_id(name, description));
        self.errors.insert(404);
        self
    }

    /// More statuses this operation can answer (403, 409, ...).
    #[must_use]
    pub fn errors(mut self, statuses: &[u16]) -> Self {
        self.errors.extend(statuses);
        self
    }

    /// The success response: `status` with the component `schema`.
    #[must_use]
    pub fn ok(mut self, status: u16, description: &'static str, schema: &str) -> Self {
        self.ok = Some((status, description, schema.to_string()));
        self
    }

    /// A link from the success response to the operation `target`, passing
    /// the created or returned record's id as the path parameter `param`.
    #[must_use]
    pub fn link(mut self, name: &str, target: &str, param: &str, pointer: &str) -> Self {
        self.links.push((
            name.to_string(),
            utoipa::openapi::link::LinkBuilder::new()
                .operation_id(target)
                .parameter(param, format!("$response.body#{pointer}"))
                .build()
                .into(),
        ));
        self
    }

    fn build(self) -> (&'static str, HttpMethod, utoipa::openapi::path::Operation) {
        let mut operation = self.operation;
        if let Some((status, description, schema)) = self.ok {
            let mut response = ResponseBuilder::new().description(description).content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name(schema)))
                    .build(),
            );
            for (name, link) in self.links {
                response = response.link(name, link);
            }
            operation = operation.response(status.to_string(), response.build());
        }
        for status in self.errors {
            operation = operation.response(
                status.to_string(),
                Ref::from_response_name(error_name(status)),
            );
        }
        (self.path, self.method, operation.build())
    }
}

fn build() -> OpenApi {
    let operations = [
        meta::operations(),
        auth::operations(),
        patients::operations(),
        doctors::operations(),
        mappings::operations(),
    ]
    .into_iter()
    .flatten();
    let mut paths = utoipa::openapi::Paths::new();
    for op in operations {
        let (path, method, operation) = op.build();
        paths.add_path_operation(path, vec![method], operation);
    }
    let mut components = ComponentsBuilder::new()
        .security_scheme(
            BEARER,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "The `access` token from register, login or token/refresh.",
                    ))
                    .build(),
            ),
        )
        .schema("ErrorEnvelope", error_envelope())
        .schema("EmptyResponse", empty_envelope());
    for (name, response) in error_responses() {
        components = components.response(name, response);
    }
    for (name, schema) in [
        fields::choice_schemas(),
        meta::schemas(),
        auth::schemas(),
        patients::schemas(),
        doctors::schemas(),
        mappings::schemas(),
    ]
    .concat()
    {
        components = components.schema(name, schema);
    }
    let tag = |name: &str, description: &str| {
        TagBuilder::new()
            .name(name)
            .description(Some(description))
            .build()
    };
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("Healthcare Backend API")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some(
                    "Patient records, a doctor directory and patient–doctor assignments behind \
                     JWT authentication. Every path also works without its trailing slash. \
                     Every error, whatever its status, is the `ErrorEnvelope`.",
                ))
                .build(),
        )
        .paths(PathsBuilder::from(paths))
        .components(Some(components.build()))
        .tags(Some([
            tag(
                "auth",
                "Registration, login, tokens and the caller's profile.",
            ),
            tag("patients", "The caller's patients (no one else sees them)."),
            tag(
                "doctors",
                "The doctor directory: everyone reads it; only a record's creator changes it.",
            ),
            tag(
                "mappings",
                "Assignments of doctors to the caller's patients.",
            ),
            tag("meta", "Health probes and this document."),
        ]))
        .build()
}

/// The document, built once.
#[must_use]
pub fn document() -> &'static OpenApi {
    static DOCUMENT: OnceLock<OpenApi> = OnceLock::new();
    DOCUMENT.get_or_init(build)
}

/// The document as JSON, rendered once.
#[must_use]
pub fn json() -> &'static str {
    static JSON: OnceLock<String> = OnceLock::new();
    JSON.get_or_init(|| document().to_json().unwrap_or_default())
}

/// A `PathItem` lookup for tests and tools: the documented operations as
/// `(METHOD, path)` pairs.
#[must_use]
pub fn operations() -> Vec<(String, String)> {
    let mut found = Vec::new();
    for (path, item) in &document().paths.paths {
        let item: &PathItem = item;
        for (method, present) in [
            ("GET", item.get.is_some()),
            ("PUT", item.put.is_some()),
            ("POST", item.post.is_some()),
            ("DELETE", item.delete.is_some()),
            ("PATCH", item.patch.is_some()),
            ("HEAD", item.head.is_some()),
            ("OPTIONS", item.options.is_some()),
        ] {
            if present {
                found.push((method.to_string(), path.clone()));
            }
        }
    }
    found
}
