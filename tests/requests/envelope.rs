//! Every response the server can produce is in the contract's envelope:
//! `{"success": false, "message": "...", "errors": {...}}` for errors (never
//! HTML, never an empty body) and `{"success": true, "message", "data"}` for
//! successes.
use axum::{
    body::Body,
    http::{header, Method, Request, StatusCode},
    response::IntoResponse,
    routing::get,
    Router,
};
use healthcare_backend::errors::ApiError;
use http_body_util::BodyExt;
use sea_orm::ConnectionTrait;
use serde_json::{json, Value};
use tower::ServiceExt;

use crate::support::{patient_body, Resp, TestApp, PASSWORD};

mod headers;

const MIB: usize = 1024 * 1024;

/// Words that must never reach a client: SQL, driver internals, source paths.
const INTERNALS: [&str; 16] = [
    "select ",
    "insert ",
    " from ",
    " where ",
    "sqlx",
    "sea_orm",
    "sea-orm",
    "dberr",
    "pool",
    "sqlite",
    "postgres",
    ".rs",
    "/src/",
    "/work/",
    "panicked",
    "backtrace",
];

fn assert_no_internals(body: &Value) {
    let text = body.to_string().to_lowercase();
    for word in INTERNALS {
        assert!(!text.contains(word), "response leaks {word:?}: {body}");
    }
}

/// `errors.detail` is a non-empty list of non-empty strings.
fn assert_detail(resp: &Resp, status: StatusCode) {
    let errors = resp.error_envelope(status);
    let detail = errors["detail"]
        .as_array()
        .unwrap_or_else(|| panic!("errors.detail is a list: {}", resp.body));
    assert!(!detail.is_empty(), "{}", resp.body);
    assert!(
        detail
            .iter()
            .all(|m| m.as_str().is_some_and(|m| !m.is_empty())),
        "{}",
        resp.body
    );
}

fn assert_json_content_type(resp: &Resp) {
    let content_type = resp
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(
        content_type.starts_with("application/json"),
        "content type {content_type:?} for {}",
        resp.body
    );
}

/// A request the harness cannot express (a body with no `Content-Type`).
async fn send_raw(app: &TestApp, request: Request<Body>) -> Resp {
    let response = app
        .router
        .clone()
        .oneshot(request)
        .await
        .expect("router is infallible");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body reads")
        .to_bytes();
    let body = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
    Resp {
        status,
        headers,
        body,
    }
}

/// `body` with `field` padded so the serialised JSON is exactly `len` bytes.
fn body_of_len(mut body: Value, field: &str, len: usize) -> Vec<u8> {
    body[field] = json!("");
    let base = body.to_string().len();
    assert!(len > base);
    body[field] = json!("a".repeat(len - base));
    let bytes = body.to_string().into_bytes();
    assert_eq!(bytes.len(), len);
    bytes
}

fn register_body() -> Value {
    json!({
        "name": "Big Body",
        "email": format!("big-{}@example.com", uuid::Uuid::new_v4().simple()),
        "password": PASSWORD,
        "confirm_password": PASSWORD,
    })
}

// ---------------------------------------------------------------- 404

#[tokio::test]
async fn unknown_paths_answer_404_in_the_envelope() {
    let app = TestApp::spawn().await;
    let user = app.register("Alice").await;
    for path in ["/api/nope/", "/", "/api/nope", "/api/patients/1/nope/"] {
        for method in [Method::GET, Method::POST] {
            let resp = app.request(method.clone(), path).send().await;
            assert_detail(&resp, StatusCode::NOT_FOUND);
            assert_json_content_type(&resp);
            let resp = app.request(method.clone(), path).token(&user).send().await;
            assert_detail(&resp, StatusCode::NOT_FOUND);
        }
    }
    let resp = app.get("/api/nope/").send().await;
    insta::assert_json_snapshot!(resp.snapshot());
}

#[tokio::test]
async fn a_non_numeric_record_id_is_a_404_like_djangos_int_converter() {
    let app = TestApp::spawn().await;
    let user = app.register("Alice").await;
    for path in [
        "/api/patients/abc/",
        "/api/doctors/abc/",
        "/api/patients/0/",
        "/api/mappings/detail/x/",
    ] {
        let resp = app.get(path).token(&user).send().await;
        assert_detail(&resp, StatusCode::NOT_FOUND);
    }
}

// ---------------------------------------------------------------- 405

#[tokio::test]
async fn unsupported_methods_answer_405_with_allow() {
    let app = TestApp::spawn().await;
    let user = app.register("Alice").await;
    let cases: [(Method, &str, &str); 5] = [
        (Method::DELETE, "/api/auth/me/", "GET"),
        (Method::POST, "/api/auth/me/", "GET"),
        (Method::PUT, "/api/patients/", "POST"),
        (Method::PUT, "/api/mappings/detail/1/", "PATCH"),
        (Method::GET, "/api/auth/register/", "POST"),
    ];
    for (method, path, allowed) in cases {
        for authenticated in [false, true] {
            let mut req = app.request(method.clone(), path);
            if authenticated {
                req = req.token(&user);
            }
            let resp = req.send().await;
            assert_detail(&resp, StatusCode::METHOD_NOT_ALLOWED);
            assert_json_content_type(&resp);
            let allow = resp
                .headers
                .get(header::ALLOW)
                .unwrap_or_else(|| panic!("{method} {path}: no Allow header"))
                .to_str()
                .expect("Allow is ASCII")
                .to_string();
            assert!(
                allow.contains(allowed),
                "{method} {path}: Allow {allow:?} lacks {allowed}"
            );
            assert!(
                !allow.contains(method.as_str()),
                "{method} {path}: Allow {allow:?} lists the refused method"
            );
            let detail = resp.body["errors"]["detail"][0].as_str().unwrap();
            assert!(detail.contains(method.as_str()), "{}", resp.body);
        }
    }
    let resp = app.delete("/api/auth/me/").token(&user).send().await;
    insta::assert_json_snapshot!(resp.snapshot());
}

// ---------------------------------------------------------------- 413

#[tokio::test]
async fn a_body_over_1_mib_is_413_on_patients() {
    let app = TestApp::spawn().await;
    let user = app.register("Alice").await;
    for len in [MIB + 1, 2 * MIB] {
        let body = body_of_len(patient_body(), "first_name", len);
        let resp = app
            .post("/api/patients/")
            .token(&user)
            .raw("application/json", body)
            .send()
            .await;
        assert_detail(&resp, StatusCode::PAYLOAD_TOO_LARGE);
        assert_json_content_type(&resp);
    }
    // Not even valid JSON: the size is refused before anything is parsed.
    let resp = app
        .post("/api/patients/")
        .token(&user)
        .raw("application/json", vec![b'{'; MIB + 10])
        .send()
        .await;
    assert_detail(&resp, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn a_body_over_1_mib_is_413_on_register() {
    let app = TestApp::spawn().await;
    let body = body_of_len(register_body(), "name", MIB + 1);
    let resp = app
        .post("/api/auth/register/")
        .raw("application/json", body)
        .send()
        .await;
    assert_detail(&resp, StatusCode::PAYLOAD_TOO_LARGE);
    assert_json_content_type(&resp);
    insta::assert_json_snapshot!(resp.snapshot());
}

#[tokio::test]
async fn a_body_of_exactly_1_mib_is_read_and_validated_not_413() {
    let app = TestApp::spawn().await;
    let user = app.register("Alice").await;
    let body = body_of_len(patient_body(), "first_name", MIB);
    let resp = app
        .post("/api/patients/")
        .token(&user)
        .raw("application/json", body)
        .send()
        .await;
    resp.error_envelope(StatusCode::BAD_REQUEST);
    assert_eq!(resp.error_fields(), vec!["first_name"], "{}", resp.body);

    let body = body_of_len(register_body(), "name", MIB - 100);
    let resp = app
        .post("/api/auth/register/")
        .raw("application/json", body)
        .send()
        .await;
    resp.error_envelope(StatusCode::BAD_REQUEST);
    assert_eq!(resp.error_fields(), vec!["name"], "{}", resp.body);
}

// ---------------------------------------------------------------- 415

#[tokio::test]
async fn a_body_that_is_not_json_is_415() {
    let app = TestApp::spawn().await;
    let user = app.register("Alice").await;
    let patient = app.create_patient(&user, json!({})).await;
    let json_text = patient_body().to_string().into_bytes();
    let patient_path = format!("/api/patients/{}/", patient["id"]);
    let cases: [(Method, &str, bool); 5] = [
        (Method::POST, "/api/patients/", true),
        (Method::POST, "/api/auth/register/", false),
        (Method::POST, "/api/auth/login/", false),
        (Method::PUT, patient_path.as_str(), true),
        (Method::PATCH, patient_path.as_str(), true),
    ];
    for (method, path, authenticated) in cases {
        for content_type in [
            Some("text/plain"),
            Some("application/x-www-form-urlencoded"),
            Some("multipart/form-data; boundary=x"),
            None,
        ] {
            let mut request = Request::builder()
                .method(method.clone())
                .uri(path)
                .header(header::HOST, "testserver");
            if authenticated {
                request = request.header(header::AUTHORIZATION, format!("Bearer {}", user.access));
            }
            if let Some(content_type) = content_type {
                request = request.header(header::CONTENT_TYPE, content_type);
            }
            let request = request
                .body(Body::from(json_text.clone()))
                .expect("request builds");
            let resp = send_raw(&app, request).await;
            assert_eq!(
                resp.status,
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "{method} {path} with {content_type:?}: {}",
                resp.body
            );
            assert_detail(&resp, StatusCode::UNSUPPORTED_MEDIA_TYPE);
            assert_json_content_type(&resp);
        }
    }
    let resp = app
        .post("/api/patients/")
        .token(&user)
        .raw("text/plain", json_text)
        .send()
        .await;
    insta::assert_json_snapshot!(resp.snapshot());
}

#[tokio::test]
async fn json_with_a_charset_is_accepted() {
    let app = TestApp::spawn().await;
    let user = app.register("Alice").await;
    for content_type in [
        "application/json; charset=utf-8",
        "application/json;charset=UTF-8",
    ] {
        let resp = app
            .post("/api/patients/")
            .token(&user)
            .raw(content_type, patient_body().to_string().into_bytes())
            .send()
            .await;
        assert_eq!(
            resp.status,
            StatusCode::CREATED,
            "{content_type}: {}",
            resp.body
        );
        assert_eq!(resp.body["success"], json!(true));
    }
}

// ---------------------------------------------------------------- 400

#[tokio::test]
async fn malformed_json_is_400_under_detail() {
    let app = TestApp::spawn().await;
    let user = app.register("Alice").await;
    for path in ["/api/patients/", "/api/auth/register/", "/api/auth/login/"] {
        for raw in [&b"{bad"[..], b"", b"{\"first_name\": ", b"{} trailing"] {
            let resp = app
                .post(path)
                .token(&user)
                .raw("application/json", raw.to_vec())
                .send()
                .await;
            assert_detail(&resp, StatusCode::BAD_REQUEST);
            assert_eq!(
                resp.error_fields(),
                vec!["detail"],
                "{path} {:?}: {}",
                String::from_utf8_lossy(raw),
                resp.body
            );
            assert_no_internals(&resp.body);
        }
    }
    let resp = app
        .post("/api/patients/")
        .token(&user)
        .raw("application/json", b"{bad".to_vec())
        .send()
        .await;
    insta::assert_json_snapshot!(resp.snapshot());
}

#[tokio::test]
async fn a_json_body_that_is_not_an_object_is_400_under_non_field_errors() {
    let app = TestApp::spawn().await;
    let user = app.register("Alice").await;
    for path in ["/api/patients/", "/api/auth/register/", "/api/auth/login/"] {
        for raw in ["[1,2]", "\"str\"", "null", "42", "true"] {
            let resp = app
                .post(path)
                .token(&user)
                .raw("application/json", raw.as_bytes().to_vec())
                .send()
                .await;
            resp.error_envelope(StatusCode::BAD_REQUEST);
            assert_eq!(
                resp.error_fields(),
                vec!["non_field_errors"],
                "{path} {raw}: {}",
                resp.body
            );
            let messages = resp.body["errors"]["non_field_errors"]
                .as_array()
                .expect("a list");
            assert!(
                !messages.is_empty() && messages.iter().all(Value::is_string),
                "{}",
                resp.body
            );
        }
    }
}

// ---------------------------------------------------------------- 401

#[tokio::test]
async fn every_401_carries_www_authenticate_bearer() {
    let app = TestApp::spawn().await;
    let user = app.register("Alice").await;
    let refresh = format!("Bearer {}", user.refresh);
    let authorizations: [Option<&str>; 7] = [
        None,
        Some("Bearer garbage"),
        Some("Bearer a.b.c"),
        Some("Basic xxx"),
        Some("Bearer"),
        Some("Token abc"),
        Some(refresh.as_str()),
    ];
    for path in ["/api/auth/me/", "/api/patients/", "/api/doctors/"] {
        for authorization in authorizations {
            let mut req = app.get(path);
            if let Some(value) = authorization {
                req = req.header("authorization", value);
            }
            let resp = req.send().await;
            assert_detail(&resp, StatusCode::UNAUTHORIZED);
            let challenge = resp
                .headers
                .get(header::WWW_AUTHENTICATE)
                .unwrap_or_else(|| panic!("{path} {authorization:?}: no WWW-Authenticate"))
                .to_str()
                .unwrap();
            assert!(
                challenge.starts_with("Bearer"),
                "{path} {authorization:?}: WWW-Authenticate {challenge:?}"
            );
        }
    }
    let resp = app.get("/api/auth/me/").send().await;
    insta::assert_json_snapshot!(resp.snapshot());
}

// ---------------------------------------------------------------- trailing slash

#[tokio::test]
async fn paths_work_with_and_without_the_trailing_slash_without_redirect() {
    let app = TestApp::spawn().await;
    let user = app.register("Alice").await;
    for path in [
        "/api/auth/me/",
        "/api/auth/me",
        "/api/patients/",
        "/api/patients",
    ] {
        let resp = app.get(path).token(&user).send().await;
        assert_eq!(resp.status, StatusCode::OK, "{path}: {}", resp.body);
        assert!(!resp.status.is_redirection(), "{path}");
        assert!(resp.headers.get(header::LOCATION).is_none(), "{path}");
        assert_eq!(resp.body["success"], json!(true), "{path}");
    }
    assert_eq!(
        app.get("/api/auth/me").token(&user).send().await.body["data"]["id"],
        json!(user.id)
    );
    for path in ["/api/patients/", "/api/patients"] {
        let resp = app
            .post(path)
            .token(&user)
            .json(patient_body())
            .send()
            .await;
        assert_eq!(resp.status, StatusCode::CREATED, "{path}: {}", resp.body);
    }
    let resp = app.get("/api/patients").token(&user).send().await;
    assert_eq!(resp.body["count"], json!(2), "{}", resp.body);
}

// ---------------------------------------------------------------- 503

#[tokio::test]
async fn a_lost_database_is_503_without_internals() {
    let app = TestApp::spawn().await;
    let user = app.register("Alice").await;
    let resp = app.get("/api/patients/").token(&user).send().await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);

    app.ctx.db.close_by_ref().await.expect("pool closes");

    for (method, path) in [
        (Method::GET, "/api/patients/"),
        (Method::GET, "/api/auth/me/"),
        (Method::GET, "/api/doctors/"),
    ] {
        let resp = app.request(method, path).token(&user).send().await;
        assert_detail(&resp, StatusCode::SERVICE_UNAVAILABLE);
        assert_json_content_type(&resp);
        assert_no_internals(&resp.body);
    }
    // Unauthenticated endpoints that reach the database too.
    let resp = app
        .post("/api/auth/login/")
        .json(json!({ "email": user.email, "password": PASSWORD }))
        .send()
        .await;
    assert_detail(&resp, StatusCode::SERVICE_UNAVAILABLE);
    assert_no_internals(&resp.body);

    let resp = app.get("/api/patients/").token(&user).send().await;
    insta::assert_json_snapshot!(resp.snapshot());
}

// ---------------------------------------------------------------- 500

async fn render(error: ApiError) -> (StatusCode, Value) {
    let response = error.into_response();
    let status = response.status();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body reads")
        .to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).expect("a 500 body is JSON"),
    )
}

#[tokio::test]
async fn internal_errors_render_a_generic_envelope() {
    let (status, body) = render(ApiError::Internal).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(body["success"], json!(false));
    assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
    let errors = body["errors"].as_object().expect("errors is an object");
    assert_eq!(errors.keys().collect::<Vec<_>>(), vec!["detail"], "{body}");
    assert!(errors["detail"][0].as_str().is_some_and(|m| !m.is_empty()));
    assert_no_internals(&body);
}

#[tokio::test]
async fn a_real_database_error_becomes_a_500_without_sql() {
    let app = TestApp::spawn().await;
    let err = app
        .ctx
        .db
        .execute_unprepared("SELECT secret_column FROM no_such_table WHERE id = 1")
        .await
        .expect_err("the table does not exist");
    let error = ApiError::from(err);
    assert_eq!(error.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let (status, body) = render(error).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(body["success"], json!(false));
    assert_no_internals(&body);
    let text = body.to_string();
    assert!(!text.contains("no_such_table"), "{text}");
    assert!(!text.contains("secret_column"), "{text}");
}

#[tokio::test]
async fn a_bare_500_from_outside_a_handler_is_rewritten_into_the_envelope() {
    // What a caught panic or a layer would answer: a plain-text 500 that
    // quotes internals. The `envelope` middleware must replace it whole.
    let router = Router::new()
        .route(
            "/boom",
            get(|| async {
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "sqlx error at /work/main/src/models/patients.rs:12: SELECT * FROM patients",
                )
            }),
        )
        .route(
            "/gateway",
            get(|| async { (StatusCode::GATEWAY_TIMEOUT, "<html>timeout</html>") }),
        )
        .layer(axum::middleware::from_fn(
            healthcare_backend::middleware::envelope,
        ));
    for (path, status) in [
        ("/boom", StatusCode::INTERNAL_SERVER_ERROR),
        ("/gateway", StatusCode::SERVICE_UNAVAILABLE),
    ] {
        let response = router
            .clone()
            .oneshot(Request::get(path).body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), status);
        assert_eq!(
            response.headers().get(header::CONTENT_TYPE).unwrap(),
            "application/json"
        );
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let body: Value = serde_json::from_slice(&bytes).expect("JSON envelope");
        assert_eq!(body["success"], json!(false), "{body}");
        assert!(body["errors"]["detail"][0].is_string(), "{body}");
        assert_no_internals(&body);
        assert!(!body.to_string().contains("html"), "{body}");
    }
}

// ---------------------------------------------------------------- success

#[tokio::test]
async fn success_responses_use_the_success_envelope() {
    let app = TestApp::spawn().await;
    let user = app.register("Alice").await;
    let resp = app.get("/api/auth/me/").token(&user).send().await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    assert_json_content_type(&resp);
    assert_eq!(resp.body["success"], json!(true));
    assert!(resp.body["message"]
        .as_str()
        .is_some_and(|m| !m.trim().is_empty()));
    assert!(resp.body.get("errors").is_none(), "{}", resp.body);
    let data = resp.body["data"].as_object().expect("data is an object");
    let mut keys: Vec<&String> = data.keys().collect();
    keys.sort();
    assert_eq!(keys, vec!["created_at", "email", "id", "name"]);
    assert_eq!(data["id"], json!(user.id));
    assert_eq!(data["email"], json!(user.email));
    insta::assert_json_snapshot!(resp.snapshot());
}
