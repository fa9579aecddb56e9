//! SQL statements per request, endpoint by endpoint (`BEGIN`/`COMMIT` are not
//! counted). Each figure is exact, so
//! an extra query (an N+1, a forgotten join) fails here; lists are measured
//! with 2 and with 30 rows to show the cost does not grow with the page.
use serde_json::json;

use crate::support::{Req, TestApp, PASSWORD};

async fn count(app: &TestApp, request: Req<'_>) -> usize {
    let before = app.queries();
    let response = request.send().await;
    assert!(response.status.is_success(), "{}", response.body);
    app.queries() - before
}

#[tokio::test]
async fn every_endpoint_runs_a_fixed_number_of_queries() {
    let app = TestApp::spawn().await;
    let user = app.register("Alice").await;
    let patient = app.create_patient(&user, json!({})).await;
    let doctor = app.create_doctor(&user, json!({})).await;
    let other_doctor = app.create_doctor(&user, json!({})).await;
    let mapping = app.assign(&user, &patient, &doctor, true).await;
    let (pid, did, mid) = (&patient["id"], &doctor["id"], &mapping["id"]);

    let mut measured: Vec<(String, usize, usize)> = Vec::new();
    macro_rules! expect {
        ($label:expr, $expected:expr, $request:expr) => {{
            let got = count(&app, $request).await;
            measured.push(($label.to_string(), got, $expected));
        }};
    }

    expect!(
        "GET /api/auth/me/",
        1,
        app.get("/api/auth/me/").token(&user)
    );
    expect!(
        "GET /api/patients/",
        2,
        app.get("/api/patients/").token(&user)
    );
    expect!(
        "GET /api/patients/<id>/",
        2,
        app.get(&format!("/api/patients/{pid}/")).token(&user)
    );
    expect!(
        "POST /api/patients/",
        2,
        app.post("/api/patients/")
            .token(&user)
            .json(crate::support::patient_body())
    );
    expect!(
        "PATCH /api/patients/<id>/",
        3,
        app.patch(&format!("/api/patients/{pid}/"))
            .token(&user)
            .json(json!({ "city": "Oslo" }))
    );
    expect!(
        "GET /api/doctors/",
        2,
        app.get("/api/doctors/").token(&user)
    );
    expect!(
        "GET /api/doctors/<id>/",
        2,
        app.get(&format!("/api/doctors/{did}/")).token(&user)
    );
    expect!(
        "PATCH /api/doctors/<id>/",
        3,
        app.patch(&format!("/api/doctors/{did}/"))
            .token(&user)
            .json(json!({ "bio": "x" }))
    );
    expect!(
        "PATCH /api/doctors/<id>/ (email, licence: uniqueness checks)",
        5,
        app.patch(&format!("/api/doctors/{did}/"))
            .token(&user)
            .json(json!({ "email": "new@hospital.com", "license_number": "LIC-NEW-1" }))
    );
    expect!(
        "GET /api/mappings/",
        4,
        app.get("/api/mappings/").token(&user)
    );
    expect!(
        "GET /api/mappings/<patient_id>/",
        3,
        app.get(&format!("/api/mappings/{pid}/")).token(&user)
    );
    expect!(
        "GET /api/mappings/detail/<id>/",
        4,
        app.get(&format!("/api/mappings/detail/{mid}/"))
            .token(&user)
    );
    expect!(
        "POST /api/mappings/ (primary: demotion in the transaction)",
        6,
        app.post("/api/mappings/").token(&user).json(json!({
            "patient": pid, "doctor": other_doctor["id"], "is_primary": true
        }))
    );
    expect!(
        "PATCH /api/mappings/detail/<id>/",
        5,
        app.patch(&format!("/api/mappings/detail/{mid}/"))
            .token(&user)
            .json(json!({ "notes": "n" }))
    );
    // The user, last_login, the sign-in's token family, its refresh token.
    expect!(
        "POST /api/auth/login/",
        4,
        app.post("/api/auth/login/")
            .json(json!({ "email": user.email, "password": PASSWORD }))
    );
    expect!(
        "POST /api/auth/token/refresh/",
        3,
        app.post("/api/auth/token/refresh/")
            .json(json!({ "refresh": user.refresh }))
    );

    for (label, got, _) in &measured {
        eprintln!("{got:>2} queries  {label}");
    }
    let wrong: Vec<_> = measured
        .iter()
        .filter(|(_, got, expected)| got != expected)
        .collect();
    assert!(wrong.is_empty(), "queries per request changed: {wrong:?}");
}

#[tokio::test]
async fn list_queries_do_not_grow_with_the_page() {
    let app = TestApp::spawn().await;
    let user = app.register("Alice").await;
    let doctor = app.create_doctor(&user, json!({})).await;
    for n in 0..30 {
        let patient = app
            .create_patient(&user, json!({ "first_name": format!("P{n}") }))
            .await;
        app.assign(&user, &patient, &doctor, false).await;
    }
    for path in ["/api/patients/", "/api/doctors/", "/api/mappings/"] {
        let small = count(&app, app.get(&format!("{path}?page_size=2")).token(&user)).await;
        let large = count(&app, app.get(&format!("{path}?page_size=30")).token(&user)).await;
        assert_eq!(small, large, "{path}");
    }
}
