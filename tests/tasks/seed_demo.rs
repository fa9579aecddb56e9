//! `seed_demo`: the demo data set, loaded once, through the models' rules.
use axum::http::StatusCode;
use healthcare_backend::models::_entities::{doctors, mappings, patients, users};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;

use super::{cli::cli, run};
use crate::support::{TestApp, PASSWORD};

async fn counts(app: &TestApp) -> [u64; 4] {
    let db = &app.ctx.db;
    [
        users::Entity::find().count(db).await.unwrap(),
        patients::Entity::find().count(db).await.unwrap(),
        doctors::Entity::find().count(db).await.unwrap(),
        mappings::Entity::find().count(db).await.unwrap(),
    ]
}

#[tokio::test]
async fn seed_demo_loads_the_data_set_once() {
    let app = TestApp::spawn().await;
    let started = std::time::Instant::now();
    run(&app, "seed_demo", &[("password", PASSWORD)])
        .await
        .expect("seeded");
    let took = started.elapsed();
    let [users_count, patients_count, doctors_count, mappings_count] = counts(&app).await;
    assert_eq!(
        (users_count, patients_count, doctors_count),
        (4, 1_000, 200)
    );
    assert!(
        (1_000..=3_000).contains(&mappings_count),
        "{mappings_count}"
    );
    let db = &app.ctx.db;
    let primaries = mappings::Entity::find()
        .filter(mappings::Column::IsPrimary.eq(true))
        .count(db)
        .await
        .unwrap();
    assert_eq!(primaries, 1_000, "one primary doctor a patient");
    let staff = users::Entity::find()
        .filter(users::Column::Email.eq("demo.staff@example.com"))
        .one(db)
        .await
        .unwrap()
        .expect("the staff demo user");
    assert!(staff.is_staff && !staff.is_superuser);
    eprintln!("seed_demo took {took:?}");

    // A clinician signs in and finds their patients by name: the search
    // column was derived as for a client's records.
    let login = app
        .post("/api/auth/login/")
        .json(json!({ "email": "alice.demo@example.com", "password": PASSWORD }))
        .send()
        .await;
    assert_eq!(login.status, StatusCode::OK, "{}", login.body);
    let token = login.body["data"]["tokens"]["access"].as_str().unwrap();
    let all = app.get("/api/patients/").bearer(token).send().await;
    assert_eq!(all.body["count"], 500, "half of the patients are Alice's");
    let first = &all.body["data"][0];
    let term = first["last_name"].as_str().unwrap().to_lowercase();
    let search = format!(
        "/api/patients/?search={}",
        form_urlencoded::byte_serialize(term.as_bytes()).collect::<String>()
    );
    let found = app.get(&search).bearer(token).send().await;
    assert!(found.body["count"].as_u64().unwrap() >= 1, "{}", found.body);
    let doctors = app
        .get("/api/doctors/?specialization=cardiology")
        .bearer(token)
        .send()
        .await;
    assert!(
        doctors.body["count"].as_u64().unwrap() >= 9,
        "{}",
        doctors.body
    );

    // Again: nothing is added.
    let again = cli(&app, &["task", "seed_demo"], &[]);
    assert_eq!(again.status, Some(0), "{again:?}");
    assert!(
        again.stdout.contains("Demo data already loaded"),
        "{again:?}"
    );
    assert_eq!(counts(&app).await[1], 1_000);
}

#[tokio::test]
async fn seed_demo_needs_a_valid_password_and_writes_nothing_without_one() {
    let app = TestApp::spawn().await;
    cli(&app, &["task", "seed_demo"], &[]).refused_with("error: password: missing");
    cli(&app, &["task", "seed_demo", "password:password"], &[])
        .refused_with("error: password: This password is too common.");
    assert_eq!(counts(&app).await, [0, 0, 0, 0]);
}
