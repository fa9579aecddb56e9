//! Defects the schemathesis run (`tests/fuzz/run_schemathesis.sh`) found,
//! each kept as a regression test.
use axum::http::StatusCode;
use serde_json::json;

use crate::support::{patient_body, TestApp};

/// A NUL character in a text field reached PostgreSQL, which refuses it in
/// text: a 500. It is now a 400 naming the field, with DRF's message.
#[tokio::test]
async fn a_nul_character_in_a_text_field_is_a_400() {
    let app = TestApp::spawn().await;
    let user = app.register("Nul Tester").await;
    let mut body = patient_body();
    body["country"] = json!("US\u{0}A");
    body["first_name"] = json!("\u{0}");
    let response = app
        .post("/api/patients/")
        .token(&user)
        .json(body)
        .send()
        .await;
    let errors = response.error_envelope(StatusCode::BAD_REQUEST);
    assert_eq!(
        errors["country"],
        json!(["Null characters are not allowed."])
    );
    assert_eq!(
        errors["first_name"],
        json!(["Null characters are not allowed."])
    );
    // Logging in with one in the e-mail used to reach the database too.
    let response = app
        .post("/api/auth/login/")
        .json(json!({ "email": "a\u{0}@example.com", "password": "x" }))
        .send()
        .await;
    let errors = response.error_envelope(StatusCode::BAD_REQUEST);
    assert_eq!(errors["email"], json!(["Null characters are not allowed."]));
}

/// `?search=%00` (or `city=%00`) reached the database as a LIKE pattern: a
/// 500 on PostgreSQL. It is now a 400 naming the parameter.
#[tokio::test]
async fn a_nul_character_in_a_query_parameter_is_a_400() {
    let app = TestApp::spawn().await;
    let user = app.register("Nul Searcher").await;
    for (path, param) in [
        ("/api/patients/?search=a%00b", "search"),
        ("/api/doctors/?search=%00", "search"),
        ("/api/doctors/?city=Chi%00cago", "city"),
        ("/api/mappings/?ordering=%00", "ordering"),
    ] {
        let response = app.get(path).token(&user).send().await;
        let errors = response.error_envelope(StatusCode::BAD_REQUEST);
        assert_eq!(
            errors[param],
            json!(["Null characters are not allowed."]),
            "{path}"
        );
    }
    // Without a token it is still a 401 first.
    let response = app.get("/api/patients/?search=%00").send().await;
    response.error_envelope(StatusCode::UNAUTHORIZED);
}

/// `?page=18446744073709551614` made an OFFSET beyond BIGINT once the page
/// and its count became one query: PostgreSQL refused it, a 500. Such a page
/// is past the end: empty, with the right count, on every list.
#[tokio::test]
async fn a_page_number_past_any_offset_is_an_empty_page_with_the_count() {
    let app = TestApp::spawn().await;
    let user = app.register("Page Tester").await;
    let patient = app.create_patient(&user, json!({})).await;
    let doctor = app.create_doctor(&user, json!({})).await;
    app.assign(&user, &patient, &doctor, false).await;
    for list in ["/api/patients/", "/api/doctors/", "/api/mappings/"] {
        for page in ["18446744073709551614", "9223372036854775807"] {
            let response = app
                .get(&format!("{list}?page={page}&page_size=1"))
                .token(&user)
                .send()
                .await;
            assert_eq!(response.status, StatusCode::OK, "{list} {}", response.body);
            assert_eq!(response.body["count"], json!(1), "{list}");
            assert_eq!(response.body["data"], json!([]), "{list}");
        }
    }
}
