//! SQL statements per request, endpoint by endpoint (`BEGIN`/`COMMIT` are not
//! counted). Each figure is exact, so
//! an extra query (an N+1, a forgotten join) fails here; lists are measured
//! with 2 and with 30 rows to show the cost does not grow with the page.
use serde_json::json;

use crate::support::{Req, TestApp, World, PASSWORD};

async fn count(app: &TestApp, request: Req<'_>) -> usize {
    let before = app.queries();
    let response = request.send().await;
    assert!(response.status.is_success(), "{}", response.body);
    app.queries() - before
}

#[tokio::test]
async fn every_endpoint_runs_a_fixed_number_of_queries() {
    let w = World::new().await;
    let other_doctor = w.create_doctor(&w.alice, json!({})).await;
    let mapping = w.assign(&w.alice, &w.john, &w.chen, true).await;
    let (pid, did, mid) = (&w.john["id"], &w.chen["id"], &mapping["id"]);

    let mut measured: Vec<(String, usize, usize)> = Vec::new();
    macro_rules! expect {
        ($label:expr, $expected:expr, $request:expr) => {{
            let got = count(&w, $request).await;
            measured.push(($label.to_string(), got, $expected));
        }};
    }

    expect!(
        "GET /api/auth/me/",
        1,
        w.get("/api/auth/me/").token(&w.alice)
    );
    expect!(
        "GET /api/patients/",
        2,
        w.get("/api/patients/").token(&w.alice)
    );
    expect!(
        "GET /api/patients/<id>/",
        2,
        w.get(&format!("/api/patients/{pid}/")).token(&w.alice)
    );
    expect!(
        "POST /api/patients/",
        2,
        w.post("/api/patients/")
            .token(&w.alice)
            .json(crate::support::patient_body())
    );
    expect!(
        "PATCH /api/patients/<id>/",
        3,
        w.patch(&format!("/api/patients/{pid}/"))
            .token(&w.alice)
            .json(json!({ "city": "Oslo" }))
    );
    expect!(
        "GET /api/doctors/",
        2,
        w.get("/api/doctors/").token(&w.alice)
    );
    expect!(
        "GET /api/doctors/<id>/",
        2,
        w.get(&format!("/api/doctors/{did}/")).token(&w.alice)
    );
    expect!(
        "PATCH /api/doctors/<id>/",
        3,
        w.patch(&format!("/api/doctors/{did}/"))
            .token(&w.alice)
            .json(json!({ "bio": "x" }))
    );
    expect!(
        "PATCH /api/doctors/<id>/ (email, licence: uniqueness checks)",
        5,
        w.patch(&format!("/api/doctors/{did}/"))
            .token(&w.alice)
            .json(json!({ "email": "new@hospital.com", "license_number": "LIC-NEW-1" }))
    );
    expect!(
        "GET /api/mappings/",
        4,
        w.get("/api/mappings/").token(&w.alice)
    );
    expect!(
        "GET /api/mappings/<patient_id>/",
        3,
        w.get(&format!("/api/mappings/{pid}/")).token(&w.alice)
    );
    expect!(
        "GET /api/mappings/detail/<id>/",
        4,
        w.get(&format!("/api/mappings/detail/{mid}/"))
            .token(&w.alice)
    );
    expect!(
        "POST /api/mappings/ (primary: demotion in the transaction)",
        6,
        w.post("/api/mappings/").token(&w.alice).json(json!({
            "patient": pid, "doctor": other_doctor["id"], "is_primary": true
        }))
    );
    expect!(
        "PATCH /api/mappings/detail/<id>/",
        5,
        w.patch(&format!("/api/mappings/detail/{mid}/"))
            .token(&w.alice)
            .json(json!({ "notes": "n" }))
    );
    // The user, last_login, the sign-in's token family, its refresh token.
    expect!(
        "POST /api/auth/login/",
        4,
        w.post("/api/auth/login/")
            .json(json!({ "email": w.alice.email, "password": PASSWORD }))
    );
    expect!(
        "POST /api/auth/token/refresh/",
        3,
        w.post("/api/auth/token/refresh/")
            .json(json!({ "refresh": w.alice.refresh }))
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
