//! Tests: doctors. `/api/doctors/` is a directory every authenticated user
//! reads; only a record's creator may change or delete it. See
//! `/work/shared/API.md`, "Doctors".
use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::support::{doctor_body, merge, Resp, TestApp, User};

const LIST: &str = "/api/doctors/";

const SPECIALIZATIONS: [&str; 22] = [
    "general",
    "cardiology",
    "dermatology",
    "endocrinology",
    "gastroenterology",
    "hematology",
    "infectious_disease",
    "internal_medicine",
    "nephrology",
    "neurology",
    "obstetrics_gynecology",
    "oncology",
    "ophthalmology",
    "orthopedics",
    "pediatrics",
    "psychiatry",
    "pulmonology",
    "radiology",
    "rheumatology",
    "surgery",
    "urology",
    "other",
];

fn detail(id: &Value) -> String {
    format!("/api/doctors/{id}/")
}

/// The seed's doctor body with `fields` merged over it (`null` removes a key).
fn body_with(fields: Value) -> Value {
    let mut body = doctor_body();
    merge(&mut body, fields);
    body
}

/// A body with an e-mail address and licence number of its own (`n`), so that
/// several may be created in one test.
fn unique_body(n: usize, fields: Value) -> Value {
    let mut body = doctor_body();
    body["email"] = json!(format!("doctor{n}@hospital.com"));
    body["license_number"] = json!(format!("LIC-TEST-{n:04}"));
    merge(&mut body, fields);
    body
}

async fn post_doctor(app: &TestApp, user: &User, body: Value) -> Resp {
    app.post(LIST).token(user).json(body).send().await
}

/// `GET /api/doctors/?<name>=<value>` (the value URL-encoded).
async fn list_by(app: &TestApp, user: &User, name: &str, value: &str) -> Resp {
    let value: String = form_urlencoded::byte_serialize(value.as_bytes()).collect();
    app.get(&format!("{LIST}?{name}={value}"))
        .token(user)
        .send()
        .await
}

/// The sorted `display_name`s of a list response, after checking it is a 200
/// list whose `count` matches its (single page of) `data`.
fn display_names(resp: &Resp) -> Vec<String> {
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    assert_eq!(resp.body["success"], json!(true), "{}", resp.body);
    let data = resp.body["data"].as_array().expect("data is a list");
    assert_eq!(resp.body["count"], json!(data.len()), "{}", resp.body);
    let mut names: Vec<String> = data
        .iter()
        .map(|item| {
            item["display_name"]
                .as_str()
                .expect("display_name")
                .to_string()
        })
        .collect();
    names.sort();
    names
}

fn ids(resp: &Resp) -> Vec<Value> {
    resp.body["data"]
        .as_array()
        .expect("data is a list")
        .iter()
        .map(|item| item["id"].clone())
        .collect()
}

/// Asserts a 400 whose `errors` name exactly `fields`.
fn assert_invalid(resp: &Resp, fields: &[&str]) {
    let errors = resp.error_envelope(StatusCode::BAD_REQUEST);
    assert_eq!(resp.error_fields(), fields, "{}", resp.body);
    for field in fields {
        let messages = errors[field].as_array().expect("a list of messages");
        assert!(!messages.is_empty(), "{}", resp.body);
        assert!(messages
            .iter()
            .all(|m| m.as_str().is_some_and(|m| !m.is_empty())));
    }
}

async fn count(app: &TestApp, user: &User) -> Value {
    app.get(LIST).token(user).send().await.body["count"].clone()
}

// ---------------------------------------------------------------- snapshots

#[tokio::test]
async fn create_returns_the_doctor_snapshot() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let resp = post_doctor(&app, &alice, doctor_body()).await;
    assert_eq!(resp.status, StatusCode::CREATED, "{}", resp.body);
    let data = &resp.body["data"];
    for (key, value) in doctor_body().as_object().unwrap() {
        assert_eq!(&data[key], value, "field {key}");
    }
    assert_eq!(data["consultation_fee"], "250.00");
    assert_eq!(data["display_name"], "Dr. Emily Chen");
    assert_eq!(data["created_by"], json!(alice.id));
    insta::assert_json_snapshot!("create_returns_the_doctor", resp.snapshot());
}

#[tokio::test]
async fn list_returns_every_users_doctors_newest_first_snapshot() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let bob = app.register("Bob").await;
    let first = post_doctor(&app, &alice, doctor_body()).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    let second = post_doctor(
        &app,
        &bob,
        json!({
            "first_name": "Raj",
            "last_name": "Patel",
            "email": "dr.raj@heart.org",
            "specialization": "cardiology",
            "license_number": "LIC-2024-100",
            "consultation_fee": 120,
            "is_available": false,
        }),
    )
    .await;
    assert_eq!(second.status, StatusCode::CREATED, "{}", second.body);
    for user in [&alice, &bob] {
        let resp = app.get(LIST).token(user).send().await;
        assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
        assert_eq!(resp.body["count"], 2);
        assert_eq!(
            ids(&resp),
            vec![
                second.body["data"]["id"].clone(),
                first.body["data"]["id"].clone()
            ]
        );
    }
    let resp = app.get(LIST).token(&alice).send().await;
    assert_eq!(resp.body["page"], 1);
    assert_eq!(resp.body["page_size"], 20);
    assert_eq!(resp.body["next"], Value::Null);
    assert_eq!(resp.body["previous"], Value::Null);
    insta::assert_json_snapshot!("list_returns_every_users_doctors", resp.snapshot());
}

#[tokio::test]
async fn detail_returns_the_doctor_snapshot() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let created = post_doctor(&app, &alice, doctor_body()).await.body["data"].clone();
    let resp = app.get(&detail(&created["id"])).token(&alice).send().await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    assert_eq!(resp.body["data"], created);
    insta::assert_json_snapshot!("detail_returns_the_doctor", resp.snapshot());
}

#[tokio::test]
async fn put_replaces_the_doctor_snapshot() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let created = post_doctor(&app, &alice, doctor_body()).await.body["data"].clone();
    let body = json!({
        "first_name": "Emily",
        "last_name": "Chen-Wong",
        "email": "emily.chen@stanford.edu",
        "phone": "555-0101",
        "specialization": "neurology",
        "license_number": "LIC-2024-007-B",
        "years_of_experience": 16,
        "qualification": "MD",
        "bio": "",
        "consultation_fee": "300",
        "is_available": false,
        "hospital_name": "Stanford Health",
        "city": "Palo Alto",
        "state": "CA",
        "country": "USA"
    });
    let resp = app
        .put(&detail(&created["id"]))
        .token(&alice)
        .json(body.clone())
        .send()
        .await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    let data = &resp.body["data"];
    for (key, value) in body.as_object().unwrap() {
        if key != "consultation_fee" {
            assert_eq!(&data[key], value, "field {key}");
        }
    }
    assert_eq!(data["consultation_fee"], "300.00");
    assert_eq!(data["display_name"], "Dr. Emily Chen-Wong");
    assert_eq!(data["id"], created["id"]);
    assert_eq!(data["created_by"], json!(alice.id));
    let stored = app.get(&detail(&created["id"])).token(&alice).send().await;
    assert_eq!(&stored.body["data"], data);
    insta::assert_json_snapshot!("put_replaces_the_doctor", resp.snapshot());
}

#[tokio::test]
async fn patch_updates_the_doctor_snapshot() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let created = post_doctor(&app, &alice, doctor_body()).await.body["data"].clone();
    let resp = app
        .patch(&detail(&created["id"]))
        .token(&alice)
        .json(json!({ "is_available": false, "consultation_fee": "99.5" }))
        .send()
        .await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    assert_eq!(resp.body["data"]["is_available"], false);
    assert_eq!(resp.body["data"]["consultation_fee"], "99.50");
    assert_eq!(resp.body["data"]["license_number"], "LIC-2024-007");
    insta::assert_json_snapshot!("patch_updates_the_doctor", resp.snapshot());
}

#[tokio::test]
async fn delete_removes_the_doctor_snapshot() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let created = post_doctor(&app, &alice, doctor_body()).await.body["data"].clone();
    let resp = app
        .delete(&detail(&created["id"]))
        .token(&alice)
        .send()
        .await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    assert!(resp.body.as_object().unwrap().contains_key("data"));
    assert!(resp.body["data"].is_null());
    insta::assert_json_snapshot!("delete_removes_the_doctor", resp.snapshot());

    let gone = app.get(&detail(&created["id"])).token(&alice).send().await;
    gone.error_envelope(StatusCode::NOT_FOUND);
    assert_eq!(count(&app, &alice).await, 0);
    // The e-mail and licence are free again.
    let again = post_doctor(&app, &alice, doctor_body()).await;
    assert_eq!(again.status, StatusCode::CREATED, "{}", again.body);
}

#[tokio::test]
async fn duplicate_email_and_license_are_both_named_snapshot() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let bob = app.register("Bob").await;
    let first = post_doctor(&app, &alice, doctor_body()).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    // Uniqueness is global, not per user.
    let resp = post_doctor(&app, &bob, doctor_body()).await;
    assert_invalid(&resp, &["email", "license_number"]);
    insta::assert_json_snapshot!("duplicate_email_and_license", resp.snapshot());
    assert_eq!(count(&app, &alice).await, 1);
}

#[tokio::test]
async fn another_users_doctor_is_forbidden_snapshot() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let bob = app.register("Bob").await;
    let created = post_doctor(&app, &alice, doctor_body()).await.body["data"].clone();
    let resp = app
        .patch(&detail(&created["id"]))
        .token(&bob)
        .json(json!({ "is_available": false }))
        .send()
        .await;
    let errors = resp.error_envelope(StatusCode::FORBIDDEN);
    assert!(errors["detail"].is_array(), "{}", resp.body);
    insta::assert_json_snapshot!("another_users_doctor_is_forbidden", resp.snapshot());
}

// ---------------------------------------------------------------- validation

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

#[tokio::test]
async fn years_of_experience_is_between_0_and_80() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    for (n, good) in [0, 1, 79, 80].into_iter().enumerate() {
        let resp = post_doctor(
            &app,
            &alice,
            unique_body(n, json!({ "years_of_experience": good })),
        )
        .await;
        assert_eq!(resp.status, StatusCode::CREATED, "{good}: {}", resp.body);
        assert_eq!(resp.body["data"]["years_of_experience"], good);
    }
    for bad in [
        json!(-1),
        json!(81),
        json!(1000),
        json!("abc"),
        json!(1.5),
        json!([5]),
    ] {
        let resp = post_doctor(
            &app,
            &alice,
            unique_body(50, json!({ "years_of_experience": bad.clone() })),
        )
        .await;
        assert_eq!(resp.status, StatusCode::BAD_REQUEST, "{bad}: {}", resp.body);
        assert_invalid(&resp, &["years_of_experience"]);
    }
    // The bounds hold on PATCH too.
    let doctor = app.create_doctor(&alice, json!({})).await;
    for bad in [-1, 81] {
        let resp = app
            .patch(&detail(&doctor["id"]))
            .token(&alice)
            .json(json!({ "years_of_experience": bad }))
            .send()
            .await;
        assert_invalid(&resp, &["years_of_experience"]);
    }
}

#[tokio::test]
async fn consultation_fee_is_a_non_negative_decimal_written_back_as_a_string() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    for (n, (given, written)) in [
        (json!("250.00"), "250.00"),
        (json!(250), "250.00"),
        (json!("250"), "250.00"),
        (json!("99.5"), "99.50"),
        (json!(99.5), "99.50"),
        (json!(0), "0.00"),
        (json!("0.00"), "0.00"),
        (json!("0.07"), "0.07"),
        (json!("12345678.99"), "12345678.99"),
    ]
    .into_iter()
    .enumerate()
    {
        let resp = post_doctor(
            &app,
            &alice,
            unique_body(n, json!({ "consultation_fee": given.clone() })),
        )
        .await;
        assert_eq!(resp.status, StatusCode::CREATED, "{given}: {}", resp.body);
        assert_eq!(resp.body["data"]["consultation_fee"], written, "{given}");
        let stored = app
            .get(&detail(&resp.body["data"]["id"]))
            .token(&alice)
            .send()
            .await;
        assert_eq!(stored.body["data"]["consultation_fee"], written, "{given}");
    }
    for bad in [
        json!(-1),
        json!("-1"),
        json!("-0.01"),
        json!("1.234"),
        json!(1.234),
        json!("abc"),
        json!(""),
        json!(true),
        json!("1,000.00"),
        json!("NaN"),
        json!("Infinity"),
    ] {
        let resp = post_doctor(
            &app,
            &alice,
            unique_body(50, json!({ "consultation_fee": bad.clone() })),
        )
        .await;
        assert_eq!(resp.status, StatusCode::BAD_REQUEST, "{bad}: {}", resp.body);
        assert_invalid(&resp, &["consultation_fee"]);
    }
}

#[tokio::test]
async fn wrong_json_types_are_named() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    for (field, value) in [
        ("first_name", json!(123)),
        ("last_name", json!(["Chen"])),
        ("email", json!(42)),
        ("specialization", json!({ "name": "neurology" })),
        ("license_number", json!(7)),
        ("is_available", json!("maybe")),
        ("hospital_name", json!(1)),
    ] {
        let resp = post_doctor(&app, &alice, body_with(json!({ field: value }))).await;
        assert_invalid(&resp, &[field]);
    }
    let resp = post_doctor(&app, &alice, json!("a doctor")).await;
    resp.error_envelope(StatusCode::BAD_REQUEST);
    assert_eq!(count(&app, &alice).await, 0);
}

#[tokio::test]
async fn names_have_a_maximum_length_of_100() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    for field in ["first_name", "last_name"] {
        let resp = post_doctor(
            &app,
            &alice,
            unique_body(1, json!({ field: "a".repeat(101) })),
        )
        .await;
        assert_invalid(&resp, &[field]);
    }
    let resp = post_doctor(
        &app,
        &alice,
        unique_body(
            2,
            json!({ "first_name": "a".repeat(100), "last_name": "é".repeat(100) }),
        ),
    )
    .await;
    assert_eq!(resp.status, StatusCode::CREATED, "{}", resp.body);
    assert_eq!(resp.body["data"]["first_name"], "a".repeat(100));
    assert_eq!(resp.body["data"]["last_name"], "é".repeat(100));
}

#[tokio::test]
async fn display_name_and_created_by_are_derived_and_read_only() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let bob = app.register("Bob").await;
    let resp = post_doctor(
        &app,
        &bob,
        body_with(json!({
            "id": 777_777,
            "created_by": alice.id,
            "display_name": "Prof. Nobody",
            "created_at": "2001-01-01T00:00:00Z",
        })),
    )
    .await;
    assert_eq!(resp.status, StatusCode::CREATED, "{}", resp.body);
    let data = resp.body["data"].clone();
    assert_ne!(data["id"], 777_777);
    assert_eq!(data["created_by"], json!(bob.id));
    assert_eq!(data["display_name"], "Dr. Emily Chen");
    assert_ne!(data["created_at"], "2001-01-01T00:00:00Z");

    // Only Bob may change it, whatever the body says about its creator.
    let resp = app
        .patch(&detail(&data["id"]))
        .token(&alice)
        .json(json!({ "first_name": "Evil" }))
        .send()
        .await;
    resp.error_envelope(StatusCode::FORBIDDEN);
    let resp = app
        .patch(&detail(&data["id"]))
        .token(&bob)
        .json(json!({
            "first_name": "Emilia",
            "created_by": alice.id,
            "display_name": "X",
            "id": 1_234_567,
        }))
        .send()
        .await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    assert_eq!(resp.body["data"]["display_name"], "Dr. Emilia Chen");
    assert_eq!(resp.body["data"]["created_by"], json!(bob.id));
    assert_eq!(resp.body["data"]["id"], data["id"]);
    let resp = app
        .patch(&detail(&data["id"]))
        .token(&alice)
        .json(json!({ "first_name": "Evil" }))
        .send()
        .await;
    resp.error_envelope(StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn put_needs_every_required_field_and_patch_takes_a_subset() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let created = post_doctor(&app, &alice, doctor_body()).await.body["data"].clone();
    for field in [
        "first_name",
        "last_name",
        "email",
        "specialization",
        "license_number",
    ] {
        let resp = app
            .put(&detail(&created["id"]))
            .token(&alice)
            .json(body_with(json!({ "bio": "changed", field: null })))
            .send()
            .await;
        assert_invalid(&resp, &[field]);
    }
    let stored = app.get(&detail(&created["id"])).token(&alice).send().await;
    assert_eq!(stored.body["data"], created);

    let resp = app
        .patch(&detail(&created["id"]))
        .token(&alice)
        .json(json!({ "hospital_name": "General Hospital", "years_of_experience": 16 }))
        .send()
        .await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    let mut expected = created.clone();
    expected["hospital_name"] = json!("General Hospital");
    expected["years_of_experience"] = json!(16);
    for (key, value) in expected.as_object().unwrap() {
        if key != "updated_at" {
            assert_eq!(&resp.body["data"][key], value, "field {key}");
        }
    }
    let stored = app.get(&detail(&created["id"])).token(&alice).send().await;
    assert_eq!(stored.body["data"], resp.body["data"]);
}

// ---------------------------------------------------------------- visibility and ownership

#[tokio::test]
async fn any_authenticated_user_reads_any_doctor() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let bob = app.register("Bob").await;
    let carol = app.register("Carol").await;
    let by_alice = app
        .create_doctor(&alice, json!({ "first_name": "Ann" }))
        .await;
    let by_bob = app
        .create_doctor(&bob, json!({ "first_name": "Ben" }))
        .await;
    for user in [&alice, &bob, &carol] {
        for doctor in [&by_alice, &by_bob] {
            let resp = app.get(&detail(&doctor["id"])).token(user).send().await;
            assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
            assert_eq!(&resp.body["data"], doctor);
        }
        let resp = app.get(LIST).token(user).send().await;
        assert_eq!(
            ids(&resp),
            vec![by_bob["id"].clone(), by_alice["id"].clone()]
        );
    }
    // But not without a token.
    for resp in [
        app.get(LIST).send().await,
        app.get(&detail(&by_alice["id"])).send().await,
        app.post(LIST).json(doctor_body()).send().await,
    ] {
        resp.error_envelope(StatusCode::UNAUTHORIZED);
    }
}

#[tokio::test]
async fn only_the_creator_may_change_or_delete_a_doctor() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let bob = app.register("Bob").await;
    let doctor = post_doctor(&app, &alice, doctor_body()).await.body["data"].clone();
    let path = detail(&doctor["id"]);

    let mut put_body = doctor_body();
    put_body["first_name"] = json!("Hijacked");
    for resp in [
        app.put(&path)
            .token(&bob)
            .json(put_body.clone())
            .send()
            .await,
        app.patch(&path)
            .token(&bob)
            .json(json!({ "is_available": false }))
            .send()
            .await,
        app.delete(&path).token(&bob).send().await,
        // Even an invalid body is refused for ownership first.
        app.patch(&path)
            .token(&bob)
            .json(json!({ "specialization": "bogus" }))
            .send()
            .await,
    ] {
        let errors = resp.error_envelope(StatusCode::FORBIDDEN);
        assert!(errors["detail"].is_array(), "{}", resp.body);
    }
    // Unchanged and still there, for both users.
    for user in [&alice, &bob] {
        let stored = app.get(&path).token(user).send().await;
        assert_eq!(stored.status, StatusCode::OK, "{}", stored.body);
        assert_eq!(stored.body["data"], doctor);
    }
    // The creator may.
    let resp = app.put(&path).token(&alice).json(put_body).send().await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    assert_eq!(resp.body["data"]["first_name"], "Hijacked");
    let resp = app.delete(&path).token(&alice).send().await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    let resp = app.get(&path).token(&bob).send().await;
    resp.error_envelope(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_missing_or_malformed_doctor_id_is_not_found() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    app.create_doctor(&alice, json!({})).await;
    for id in ["999999", "abc", "0", "-1", "1.5", "99999999999999999999"] {
        let path = format!("/api/doctors/{id}/");
        for resp in [
            app.get(&path).token(&alice).send().await,
            app.put(&path)
                .token(&alice)
                .json(unique_body(5, json!({})))
                .send()
                .await,
            app.patch(&path)
                .token(&alice)
                .json(json!({ "bio": "x" }))
                .send()
                .await,
            app.delete(&path).token(&alice).send().await,
        ] {
            let errors = resp.error_envelope(StatusCode::NOT_FOUND);
            assert!(errors["detail"].is_array(), "{id}: {}", resp.body);
        }
    }
    assert_eq!(count(&app, &alice).await, 1);
}

#[tokio::test]
async fn updating_a_doctor_to_its_own_email_and_license_is_not_a_duplicate() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let doctor = post_doctor(&app, &alice, doctor_body()).await.body["data"].clone();
    let other = post_doctor(&app, &alice, unique_body(1, json!({})))
        .await
        .body["data"]
        .clone();
    let path = detail(&doctor["id"]);

    // PUT with the record's current values.
    let resp = app
        .put(&path)
        .token(&alice)
        .json(body_with(json!({ "bio": "Updated bio." })))
        .send()
        .await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    assert_eq!(resp.body["data"]["bio"], "Updated bio.");
    // PATCH with them, the e-mail in another case.
    let resp = app
        .patch(&path)
        .token(&alice)
        .json(json!({ "email": "DR.Emily@Hospital.com", "license_number": "LIC-2024-007" }))
        .send()
        .await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    assert!(resp.body["data"]["email"]
        .as_str()
        .is_some_and(|e| e.eq_ignore_ascii_case("dr.emily@hospital.com")));

    // Another doctor's values are still duplicates on update.
    let resp = app
        .patch(&path)
        .token(&alice)
        .json(json!({ "email": other["email"] }))
        .send()
        .await;
    assert_invalid(&resp, &["email"]);
    let resp = app
        .patch(&path)
        .token(&alice)
        .json(json!({ "license_number": other["license_number"] }))
        .send()
        .await;
    assert_invalid(&resp, &["license_number"]);
    let resp = app
        .put(&path)
        .token(&alice)
        .json(body_with(json!({
            "email": other["email"],
            "license_number": other["license_number"],
        })))
        .send()
        .await;
    assert_invalid(&resp, &["email", "license_number"]);
    let stored = app.get(&path).token(&alice).send().await;
    assert_eq!(stored.body["data"]["license_number"], "LIC-2024-007");
}

// ---------------------------------------------------------------- filters

#[tokio::test]
async fn search_matches_names_and_hospital_case_insensitively() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let bob = app.register("Bob").await;
    post_doctor(&app, &alice, doctor_body()).await; // Emily Chen, City Medical Center
    post_doctor(
        &app,
        &bob,
        unique_body(
            1,
            json!({ "first_name": "Raj", "last_name": "Patel", "hospital_name": "Mercy General" }),
        ),
    )
    .await;
    post_doctor(
        &app,
        &alice,
        unique_body(
            2,
            json!({ "first_name": "Chenoa", "last_name": "Brooks", "hospital_name": "" }),
        ),
    )
    .await;

    let cases: [(&str, &[&str]); 11] = [
        ("emily", &["Dr. Emily Chen"]),
        ("EMILY", &["Dr. Emily Chen"]),
        ("chen", &["Dr. Chenoa Brooks", "Dr. Emily Chen"]),
        ("patel", &["Dr. Raj Patel"]),
        ("emily chen", &["Dr. Emily Chen"]),
        ("RAJ PAT", &["Dr. Raj Patel"]),
        ("city medical", &["Dr. Emily Chen"]),
        ("MERCY", &["Dr. Raj Patel"]),
        ("general", &["Dr. Raj Patel"]),
        ("nobody", &[]),
        (
            "",
            &["Dr. Chenoa Brooks", "Dr. Emily Chen", "Dr. Raj Patel"],
        ),
    ];
    for (term, expected) in cases {
        let resp = list_by(&app, &alice, "search", term).await;
        assert_eq!(display_names(&resp), expected, "search {term:?}");
    }
}

#[tokio::test]
async fn search_is_unicode_aware_and_wildcards_are_literal() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    for (n, (first, last, hospital)) in [
        ("Zoë", "Adams", "Hôpital Saint-Éloi"),
        ("ZOË", "Baker", ""),
        ("Zoe", "Plain", ""),
        ("Fifty", "Percent", "50% Care"),
        ("Under", "Score", "a_b Clinic"),
        ("Back", "Slash", "back\\slash Health"),
        ("Other", "One", "axb 500 Clinic"),
    ]
    .into_iter()
    .enumerate()
    {
        let resp = post_doctor(
            &app,
            &alice,
            unique_body(
                n,
                json!({ "first_name": first, "last_name": last, "hospital_name": hospital }),
            ),
        )
        .await;
        assert_eq!(resp.status, StatusCode::CREATED, "{}", resp.body);
    }
    let cases: [(&str, &[&str]); 11] = [
        ("ZOË", &["Dr. ZOË Baker", "Dr. Zoë Adams"]),
        ("zoë", &["Dr. ZOË Baker", "Dr. Zoë Adams"]),
        ("zoë adams", &["Dr. Zoë Adams"]),
        ("HÔPITAL", &["Dr. Zoë Adams"]),
        ("saint-éloi", &["Dr. Zoë Adams"]),
        ("%", &["Dr. Fifty Percent"]),
        ("5%", &[]),
        ("_", &["Dr. Under Score"]),
        ("a_b", &["Dr. Under Score"]),
        ("\\", &["Dr. Back Slash"]),
        ("%%", &[]),
    ];
    for (term, expected) in cases {
        let resp = list_by(&app, &alice, "search", term).await;
        assert_eq!(display_names(&resp), expected, "search {term:?}");
    }
}

#[tokio::test]
async fn specialization_filters_exactly() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    for (n, (name, specialization)) in [
        ("Neuro", "neurology"),
        ("Cardio", "cardiology"),
        ("Heart", "cardiology"),
        ("Skin", "dermatology"),
    ]
    .into_iter()
    .enumerate()
    {
        post_doctor(
            &app,
            &alice,
            unique_body(
                n,
                json!({ "first_name": name, "specialization": specialization }),
            ),
        )
        .await;
    }
    let resp = list_by(&app, &alice, "specialization", "cardiology").await;
    assert_eq!(display_names(&resp), ["Dr. Cardio Chen", "Dr. Heart Chen"]);
    let resp = list_by(&app, &alice, "specialization", "neurology").await;
    assert_eq!(display_names(&resp), ["Dr. Neuro Chen"]);
    let resp = list_by(&app, &alice, "specialization", "oncology").await;
    assert!(display_names(&resp).is_empty());
    for bad in ["bogus", "cardio", "Cardiology"] {
        let resp = list_by(&app, &alice, "specialization", bad).await;
        assert_invalid(&resp, &["specialization"]);
    }
}

#[tokio::test]
async fn is_available_filters_on_true_or_false_only() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    post_doctor(
        &app,
        &alice,
        unique_body(1, json!({ "first_name": "Free", "is_available": true })),
    )
    .await;
    post_doctor(
        &app,
        &alice,
        unique_body(2, json!({ "first_name": "Busy", "is_available": false })),
    )
    .await;
    post_doctor(
        &app,
        &alice,
        unique_body(3, json!({ "first_name": "Default", "is_available": null })),
    )
    .await;

    let resp = list_by(&app, &alice, "is_available", "true").await;
    assert_eq!(display_names(&resp), ["Dr. Default Chen", "Dr. Free Chen"]);
    let resp = list_by(&app, &alice, "is_available", "false").await;
    assert_eq!(display_names(&resp), ["Dr. Busy Chen"]);
    for bad in ["yes", "1", "maybe"] {
        let resp = list_by(&app, &alice, "is_available", bad).await;
        assert_invalid(&resp, &["is_available"]);
    }
}

#[tokio::test]
async fn city_filters_case_insensitively_and_exactly() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    for (n, (name, city)) in [
        ("Sf", "San Francisco"),
        ("Sj", "San Jose"),
        ("Zu", "Zürich"),
        ("None", ""),
    ]
    .into_iter()
    .enumerate()
    {
        post_doctor(
            &app,
            &alice,
            unique_body(n, json!({ "first_name": name, "city": city })),
        )
        .await;
    }
    let cases: [(&str, &[&str]); 7] = [
        ("San Francisco", &["Dr. Sf Chen"]),
        ("san francisco", &["Dr. Sf Chen"]),
        ("SAN FRANCISCO", &["Dr. Sf Chen"]),
        ("san", &[]),
        ("francisco", &[]),
        ("ZÜRICH", &["Dr. Zu Chen"]),
        ("san jose", &["Dr. Sj Chen"]),
    ];
    for (city, expected) in cases {
        let resp = list_by(&app, &alice, "city", city).await;
        assert_eq!(display_names(&resp), expected, "city {city:?}");
    }
}

#[tokio::test]
async fn filters_combine() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    for (n, (name, specialization, available, city)) in [
        ("Alpha", "cardiology", true, "Boston"),
        ("Beta", "cardiology", false, "Boston"),
        ("Gamma", "cardiology", true, "Denver"),
        ("Delta", "neurology", true, "Boston"),
    ]
    .into_iter()
    .enumerate()
    {
        post_doctor(
            &app,
            &alice,
            unique_body(
                n,
                json!({
                    "first_name": name,
                    "specialization": specialization,
                    "is_available": available,
                    "city": city,
                }),
            ),
        )
        .await;
    }
    let resp = app
        .get(&format!(
            "{LIST}?specialization=cardiology&is_available=true&city=boston"
        ))
        .token(&alice)
        .send()
        .await;
    assert_eq!(display_names(&resp), ["Dr. Alpha Chen"]);
    let resp = app
        .get(&format!("{LIST}?search=a%20chen&specialization=cardiology"))
        .token(&alice)
        .send()
        .await;
    assert_eq!(
        display_names(&resp),
        ["Dr. Alpha Chen", "Dr. Beta Chen", "Dr. Gamma Chen"]
    );
}

#[tokio::test]
async fn search_and_city_follow_updates() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let doctor = post_doctor(&app, &alice, doctor_body()).await.body["data"].clone();
    let resp = app
        .patch(&detail(&doctor["id"]))
        .token(&alice)
        .json(json!({ "last_name": "Wong", "hospital_name": "Bay Clinic", "city": "Oakland" }))
        .send()
        .await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    let names = |resp: Resp| display_names(&resp);
    assert_eq!(
        names(list_by(&app, &alice, "search", "emily wong").await),
        ["Dr. Emily Wong"]
    );
    assert_eq!(
        names(list_by(&app, &alice, "search", "BAY CLINIC").await),
        ["Dr. Emily Wong"]
    );
    assert!(names(list_by(&app, &alice, "search", "chen").await).is_empty());
    assert!(names(list_by(&app, &alice, "search", "city medical").await).is_empty());
    assert_eq!(
        names(list_by(&app, &alice, "city", "oakland").await),
        ["Dr. Emily Wong"]
    );
    assert!(names(list_by(&app, &alice, "city", "san francisco").await).is_empty());
}

/// `ΑΝΑΣ` (capitals) is a prefix of `Αναστασία`, as `ANAS` is of `Anastasia`:
/// Greek lower case has two sigmas (`σ`, and `ς` at a word's end), and a
/// Unicode-aware case-insensitive match must treat them alike.
#[tokio::test]
async fn search_is_case_insensitive_for_greek_sigma() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let resp = post_doctor(
        &app,
        &alice,
        unique_body(
            1,
            json!({ "first_name": "Αναστασία", "last_name": "Παππάς", "hospital_name": "Ευαγγελισμός" }),
        ),
    )
    .await;
    assert_eq!(resp.status, StatusCode::CREATED, "{}", resp.body);
    for term in ["αναστασία", "ΠΑΠΠΆΣ", "ευαγγελισμός", "ΑΝΑΣ", "ΕΥΑΓΓΕΛΙΣ"]
    {
        let resp = list_by(&app, &alice, "search", term).await;
        assert_eq!(
            display_names(&resp),
            ["Dr. Αναστασία Παππάς"],
            "search {term:?}"
        );
    }
}
