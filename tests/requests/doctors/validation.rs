//! Field rules of a doctor body: presence, choices, uniqueness.
use super::*;

#[tokio::test]
async fn each_required_field_missing_is_named() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    const REQUIRED: [&str; 5] = [
        "email",
        "first_name",
        "last_name",
        "license_number",
        "specialization",
    ];
    for field in REQUIRED {
        let resp = post_doctor(&app, &alice, body_with(json!({ field: null }))).await;
        assert_invalid(&resp, &[field]);
    }
    let resp = post_doctor(&app, &alice, json!({})).await;
    assert_invalid(&resp, &REQUIRED);
    let resp = post_doctor(
        &app,
        &alice,
        json!({ "phone": "555-0000", "city": "Austin" }),
    )
    .await;
    assert_invalid(&resp, &REQUIRED);
    assert_eq!(count(&app, &alice).await, 0);
}

#[tokio::test]
async fn required_fields_may_not_be_blank_or_null() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    for field in [
        "first_name",
        "last_name",
        "email",
        "specialization",
        "license_number",
    ] {
        for value in [json!(""), json!("   "), Value::Null] {
            let mut body = doctor_body();
            body[field] = value;
            let resp = post_doctor(&app, &alice, body).await;
            assert_invalid(&resp, &[field]);
        }
    }
    assert_eq!(count(&app, &alice).await, 0);
}

#[tokio::test]
async fn only_required_fields_are_needed_and_is_available_defaults_to_true() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let resp = post_doctor(
        &app,
        &alice,
        json!({
            "first_name": "Min",
            "last_name": "Imal",
            "email": "min@imal.com",
            "specialization": "general",
            "license_number": "LIC-MIN",
        }),
    )
    .await;
    assert_eq!(resp.status, StatusCode::CREATED, "{}", resp.body);
    let data = &resp.body["data"];
    assert_eq!(data["is_available"], true);
    assert_eq!(data["display_name"], "Dr. Min Imal");
    assert!(data["consultation_fee"].is_string(), "{}", resp.body);
    for field in [
        "phone",
        "qualification",
        "bio",
        "hospital_name",
        "city",
        "state",
        "country",
    ] {
        assert_eq!(data[field], "", "{field}");
    }
    // And `false` is kept when given.
    let resp = post_doctor(
        &app,
        &alice,
        unique_body(1, json!({ "is_available": false })),
    )
    .await;
    assert_eq!(resp.status, StatusCode::CREATED, "{}", resp.body);
    assert_eq!(resp.body["data"]["is_available"], false);
}

#[tokio::test]
async fn email_must_be_valid() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    for bad in [
        "not-an-email",
        "dr@",
        "@hospital.com",
        "dr emily@hospital.com",
    ] {
        let resp = post_doctor(&app, &alice, body_with(json!({ "email": bad }))).await;
        assert_invalid(&resp, &["email"]);
    }
}

#[tokio::test]
async fn specialization_must_be_one_of_the_choices() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    for (n, choice) in SPECIALIZATIONS.iter().enumerate() {
        let resp = post_doctor(
            &app,
            &alice,
            unique_body(n, json!({ "specialization": choice })),
        )
        .await;
        assert_eq!(resp.status, StatusCode::CREATED, "{choice}: {}", resp.body);
        assert_eq!(resp.body["data"]["specialization"], *choice);
    }
    for bad in ["bogus", "Cardiology", "cardio", "heart surgery"] {
        let resp = post_doctor(
            &app,
            &alice,
            unique_body(99, json!({ "specialization": bad })),
        )
        .await;
        assert_invalid(&resp, &["specialization"]);
    }
}

#[tokio::test]
async fn license_number_is_unique() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let first = post_doctor(&app, &alice, unique_body(1, json!({}))).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    let resp = post_doctor(
        &app,
        &alice,
        unique_body(2, json!({ "license_number": "LIC-TEST-0001" })),
    )
    .await;
    assert_invalid(&resp, &["license_number"]);
    assert_eq!(count(&app, &alice).await, 1);
}

#[tokio::test]
async fn email_is_unique_case_insensitively() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let first = post_doctor(&app, &alice, unique_body(1, json!({}))).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    for email in [
        "doctor1@hospital.com",
        "Doctor1@Hospital.COM",
        "DOCTOR1@HOSPITAL.COM",
    ] {
        let resp = post_doctor(&app, &alice, unique_body(2, json!({ "email": email }))).await;
        assert_invalid(&resp, &["email"]);
    }
    assert_eq!(count(&app, &alice).await, 1);
}

#[tokio::test]
async fn both_duplicates_at_once_name_both_fields() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let one = post_doctor(&app, &alice, unique_body(1, json!({}))).await;
    assert_eq!(one.status, StatusCode::CREATED, "{}", one.body);
    let two = post_doctor(&app, &alice, unique_body(2, json!({}))).await;
    assert_eq!(two.status, StatusCode::CREATED, "{}", two.body);
    // Each clash with a different doctor.
    let resp = post_doctor(
        &app,
        &alice,
        unique_body(
            3,
            json!({ "email": "DOCTOR1@hospital.com", "license_number": "LIC-TEST-0002" }),
        ),
    )
    .await;
    assert_invalid(&resp, &["email", "license_number"]);
    // A duplicate and an invalid field together.
    let resp = post_doctor(
        &app,
        &alice,
        unique_body(
            3,
            json!({ "email": "doctor1@hospital.com", "years_of_experience": 81 }),
        ),
    )
    .await;
    assert_eq!(resp.status, StatusCode::BAD_REQUEST, "{}", resp.body);
    assert!(
        resp.error_fields()
            .contains(&"years_of_experience".to_string()),
        "{}",
        resp.body
    );
    assert_eq!(count(&app, &alice).await, 2);
}
