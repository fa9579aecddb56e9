//! The OpenAPI document (`/api/openapi.json`) against the application: every
//! route the router serves is documented and every documented operation is
//! served; security, error statuses, enums and examples agree with what the
//! server does. Swagger UI is served from the binary at `/api/docs/`.
use std::collections::BTreeSet;

use axum::http::{header, Method, StatusCode};
use healthcare_backend::{
    app::App,
    domain::{BloodGroup, Gender, Specialization},
    openapi,
};
use loco_rs::app::Hooks;
use serde_json::{json, Value};

use crate::support::{doctor_body, patient_body, TestApp};

/// Routes that serve Swagger UI's own files (HTML, scripts, styles): they are
/// the documentation, not operations of the API.
const UNDOCUMENTED: [&str; 2] = ["/api/docs", "/api/docs/{}"];

/// The admin console's HTML pages (`/admin/...`) are for operators' browsers,
/// not part of the JSON API the document describes.
const CONSOLE: &str = "/admin";

fn document() -> Value {
    serde_json::from_str(openapi::json()).expect("the document is JSON")
}

/// `/api/patients/{id}/` and the router's `/api/patients/{id}` alike become
/// `/api/patients/{}`: no trailing slash, parameters unnamed.
fn normalize(path: &str) -> String {
    let mut out = String::new();
    let mut in_param = false;
    for ch in path.trim_end_matches('/').chars() {
        match ch {
            '{' => {
                in_param = true;
                out.push_str("{}");
            }
            '}' => in_param = false,
            _ if in_param => {}
            _ => out.push(ch),
        }
    }
    out
}

fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut found = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            found.push((method.to_uppercase(), path.clone(), operation.clone()));
        }
    }
    found
}

#[tokio::test]
async fn every_route_is_documented_and_every_documented_operation_is_served() {
    let app = TestApp::spawn().await;
    let served: BTreeSet<(String, String)> = App::routes(&app.ctx)
        .collect()
        .into_iter()
        .flat_map(|route| {
            let path = normalize(&route.uri);
            route
                .actions
                .into_iter()
                .map(move |method| (method.to_string(), path.clone()))
        })
        .filter(|(_, path)| !UNDOCUMENTED.contains(&path.as_str()))
        .filter(|(_, path)| !path.starts_with(CONSOLE))
        .collect();
    let documented: BTreeSet<(String, String)> = operations(&document())
        .into_iter()
        .map(|(method, path, _)| (method, normalize(&path)))
        .collect();
    assert!(
        served.len() >= 25,
        "the router lists its routes: {served:?}"
    );
    let undocumented: Vec<_> = served.difference(&documented).collect();
    let unserved: Vec<_> = documented.difference(&served).collect();
    assert!(
        undocumented.is_empty(),
        "served but not in the document (a new resource needs its entry in \
         src/openapi/, see the README's \"Adding a resource\"): {undocumented:?}"
    );
    assert!(
        unserved.is_empty(),
        "documented but not served: {unserved:?}"
    );
    assert_eq!(openapi::operations().len(), documented.len());
}

#[tokio::test]
async fn paths_are_the_seeds_with_their_trailing_slash() {
    for (_, path, operation) in operations(&document()) {
        assert!(path.ends_with('/') || path == "/api/openapi.json", "{path}");
        assert!(operation["operationId"].is_string(), "{path}");
        assert!(operation["tags"][0].is_string(), "{path}");
    }
}

#[tokio::test]
async fn the_document_is_served_as_openapi_3_1_json() {
    let app = TestApp::spawn().await;
    for path in ["/api/openapi.json", "/api/openapi.json/"] {
        let response = app.get(path).send().await;
        assert_eq!(response.status, StatusCode::OK, "{path}");
        assert_eq!(
            response.headers[header::CONTENT_TYPE],
            "application/json",
            "{path}"
        );
        assert_eq!(response.body, document());
    }
    let doc = document();
    assert!(doc["openapi"]
        .as_str()
        .is_some_and(|v| v.starts_with("3.1")));
    // Like every path but the health probes, it checks the Host header.
    let response = app
        .get("/api/openapi.json")
        .header("host", "evil.example.com")
        .send()
        .await;
    response.error_envelope(StatusCode::BAD_REQUEST);
    let response = app.post("/api/openapi.json").send().await;
    response.error_envelope(StatusCode::METHOD_NOT_ALLOWED);
}

/// Without a token, a secured operation answers 401 and a public one does not;
/// the document says which is which, and it must be right.
#[tokio::test]
async fn the_bearer_scheme_marks_exactly_the_operations_that_need_a_token() {
    let app = TestApp::spawn().await;
    let doc = document();
    assert_eq!(
        doc["components"]["securitySchemes"]["bearerAuth"],
        json!({ "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                "description": "The `access` token from register, login or token/refresh." })
    );
    let mut public = Vec::new();
    for (method, path, operation) in operations(&doc) {
        let secured = operation["security"] == json!([{ "bearerAuth": [] }]);
        let concrete = path.replace("{id}", "1").replace("{patient_id}", "1");
        let method = Method::from_bytes(method.as_bytes()).expect("method");
        let response = app
            .request(method.clone(), &concrete)
            .json(json!({}))
            .send()
            .await;
        if secured {
            response.error_envelope(StatusCode::UNAUTHORIZED);
            assert!(operation["responses"]["401"].is_object(), "{method} {path}");
        } else {
            assert_ne!(response.status, StatusCode::UNAUTHORIZED, "{method} {path}");
            public.push(format!("{method} {path}"));
        }
    }
    assert_eq!(
        public,
        [
            "GET /api/health/live/",
            "GET /api/health/ready/",
            "GET /api/openapi.json",
            "POST /api/auth/register/",
            "POST /api/auth/login/",
            "POST /api/auth/token/refresh/",
        ]
    );
}

/// Each operation's statuses, and whether it needs a token, at a glance.
#[tokio::test]
async fn every_operation_lists_its_statuses_with_the_error_envelope() {
    let doc = document();
    let mut table = String::new();
    for (method, path, operation) in operations(&doc) {
        let responses = operation["responses"].as_object().expect("responses");
        for (status, response) in responses {
            let code: u16 = status.parse().expect("numeric status");
            if code >= 400 {
                let name = response["$ref"].as_str().expect("a shared error response");
                let name = name.trim_start_matches("#/components/responses/");
                assert_eq!(
                    doc["components"]["responses"][name]["content"]["application/json"]["schema"]
                        ["$ref"],
                    "#/components/schemas/ErrorEnvelope",
                    "{method} {path} {status}"
                );
            }
        }
        for always in ["405", "500", "503"] {
            assert!(responses.contains_key(always), "{method} {path} {always}");
        }
        if operation["requestBody"].is_object() {
            for status in ["400", "413", "415"] {
                assert!(responses.contains_key(status), "{method} {path} {status}");
            }
        }
        if path.contains('{') {
            assert!(responses.contains_key("404"), "{method} {path}");
        }
        let statuses: Vec<&str> = responses.keys().map(String::as_str).collect();
        let lock = if operation["security"].is_array() {
            " 🔒"
        } else {
            ""
        };
        table.push_str(&format!("{method} {path}{lock}: {}\n", statuses.join(" ")));
    }
    insta::assert_snapshot!(table);
}

#[tokio::test]
async fn choices_come_from_the_models() {
    let doc = document();
    let schemas = &doc["components"]["schemas"];
    let patient = &schemas["PatientWrite"]["properties"];
    assert_eq!(schemas["Gender"]["enum"], json!(Gender::VALUES));
    assert_eq!(patient["gender"]["$ref"], "#/components/schemas/Gender");
    let mut blood = json!(BloodGroup::VALUES);
    blood.as_array_mut().expect("list").push(json!(""));
    assert_eq!(schemas["BloodGroup"]["enum"], blood);
    assert_eq!(
        patient["blood_group"]["anyOf"][0]["$ref"],
        "#/components/schemas/BloodGroup"
    );
    let specializations = &schemas["Specialization"]["enum"];
    assert_eq!(specializations, &json!(Specialization::VALUES));
    assert_eq!(specializations.as_array().map(Vec::len), Some(22));
    for (schema, field) in [
        ("DoctorWrite", "specialization"),
        ("DoctorView", "specialization"),
        ("DoctorBrief", "specialization"),
        ("PatientView", "gender"),
    ] {
        assert!(
            schemas[schema]["properties"][field]["$ref"].is_string(),
            "{schema}.{field}"
        );
    }
    assert_eq!(
        schemas["PatientWrite"]["required"],
        json!(["first_name", "last_name", "date_of_birth", "gender"])
    );
    assert_eq!(
        schemas["DoctorWrite"]["required"],
        json!([
            "first_name",
            "last_name",
            "email",
            "specialization",
            "license_number"
        ])
    );
    assert!(schemas["PatientPatch"]["required"].is_null());
}

fn example(doc: &Value, path: &str, method: &str) -> Value {
    doc["paths"][path][method]["requestBody"]["content"]["application/json"]["examples"]["seed"]
        ["value"]
        .clone()
}

/// The seed README's request bodies are the documented examples, and the
/// server takes them; what it answers has exactly the documented fields.
#[tokio::test]
async fn the_seed_examples_are_documented_and_accepted() {
    let app = TestApp::spawn().await;
    let doc = document();
    let schemas = &doc["components"]["schemas"];
    let fields = |name: &str| -> BTreeSet<String> {
        schemas[name]["properties"]
            .as_object()
            .expect("properties")
            .keys()
            .cloned()
            .collect()
    };
    let keys = |value: &Value| -> BTreeSet<String> {
        value.as_object().expect("object").keys().cloned().collect()
    };

    let register = example(&doc, "/api/auth/register/", "post");
    let response = app.post("/api/auth/register/").json(register).send().await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.body);
    assert_eq!(keys(&response.body["data"]["user"]), fields("UserProfile"));
    let login = example(&doc, "/api/auth/login/", "post");
    let response = app.post("/api/auth/login/").json(login).send().await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(keys(&response.body["data"]["user"]), fields("UserSummary"));
    let access = response.body["data"]["tokens"]["access"]
        .as_str()
        .expect("access")
        .to_string();

    let patient = example(&doc, "/api/patients/", "post");
    assert_eq!(patient, patient_body());
    let response = app
        .post("/api/patients/")
        .bearer(&access)
        .json(patient)
        .send()
        .await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.body);
    assert_eq!(keys(&response.body["data"]), fields("PatientView"));
    assert_eq!(keys(&response.body), fields("PatientResponse"));

    let doctor = example(&doc, "/api/doctors/", "post");
    assert_eq!(doctor, doctor_body());
    let response = app
        .post("/api/doctors/")
        .bearer(&access)
        .json(doctor)
        .send()
        .await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.body);
    assert_eq!(keys(&response.body["data"]), fields("DoctorView"));

    let mapping = example(&doc, "/api/mappings/", "post");
    assert_eq!(mapping["notes"], "Referred for cardiac evaluation");
    let response = app
        .post("/api/mappings/")
        .bearer(&access)
        .json(json!({ "patient": 1, "doctor": 1, "notes": mapping["notes"] }))
        .send()
        .await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.body);
    assert_eq!(keys(&response.body["data"]), fields("MappingView"));
    let response = app.get("/api/mappings/1/").bearer(&access).send().await;
    assert_eq!(keys(&response.body), fields("PatientDoctors"));
    let response = app.get("/api/mappings/").bearer(&access).send().await;
    assert_eq!(keys(&response.body), fields("MappingList"));
}

#[tokio::test]
async fn swagger_ui_is_served_from_the_binary() {
    let app = TestApp::spawn().await;
    let page = app.get("/api/docs/").send().await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.headers[header::CONTENT_TYPE]
        .to_str()
        .is_ok_and(|t| t.starts_with("text/html")));
    let html = page.body.as_str().expect("html");
    assert!(html.contains("swagger-ui"), "{html}");
    assert!(
        !html.contains("://"),
        "no page loaded from elsewhere: {html}"
    );
    // Without the slash, relative asset links would miss: redirect.
    let bare = app.get("/api/docs").send().await;
    assert_eq!(bare.status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(bare.headers[header::LOCATION], "/api/docs/");
    let init = app.get("/api/docs/swagger-initializer.js").send().await;
    assert_eq!(init.status, StatusCode::OK);
    let script = init.body.as_str().expect("script");
    assert!(
        script.contains("\"url\": \"/api/openapi.json\""),
        "{script}"
    );
    assert!(
        script.contains("\"persistAuthorization\": true"),
        "{script}"
    );
    for asset in ["swagger-ui-bundle.js", "swagger-ui.css"] {
        let response = app.get(&format!("/api/docs/{asset}")).send().await;
        assert_eq!(response.status, StatusCode::OK, "{asset}");
    }
    let missing = app.get("/api/docs/nope.js").send().await;
    missing.error_envelope(StatusCode::NOT_FOUND);
}
