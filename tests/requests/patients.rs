//! Tests: patients. `/api/patients/` is scoped to the user who created each
//! record; see `/work/shared/API.md`, "Patients".
use axum::http::{header, StatusCode};
use chrono::{Days, Months, NaiveDate, Utc};
use serde_json::{json, Value};

use crate::support::{merge, patient_body, Resp, TestApp, User};

const LIST: &str = "/api/patients/";

fn detail(id: &Value) -> String {
    format!("/api/patients/{id}/")
}

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// The seed's patient body with `fields` merged over it (`null` removes a key).
fn body_with(fields: Value) -> Value {
    let mut body = patient_body();
    merge(&mut body, fields);
    body
}

async fn post_patient(app: &TestApp, user: &User, body: Value) -> Resp {
    app.post(LIST).token(user).json(body).send().await
}

/// `GET /api/patients/?search=<term>` (the term URL-encoded).
async fn search(app: &TestApp, user: &User, term: &str) -> Resp {
    let term: String = form_urlencoded::byte_serialize(term.as_bytes()).collect();
    app.get(&format!("{LIST}?search={term}"))
        .token(user)
        .send()
        .await
}

/// The sorted `full_name`s of a list response, after checking it is a 200
/// list whose `count` matches its (single page of) `data`.
fn full_names(resp: &Resp) -> Vec<String> {
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    assert_eq!(resp.body["success"], json!(true), "{}", resp.body);
    let data = resp.body["data"].as_array().expect("data is a list");
    assert_eq!(resp.body["count"], json!(data.len()), "{}", resp.body);
    let mut names: Vec<String> = data
        .iter()
        .map(|item| item["full_name"].as_str().expect("full_name").to_string())
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

// ---------------------------------------------------------------- snapshots

#[tokio::test]
async fn create_returns_the_patient_snapshot() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let resp = post_patient(&app, &alice, patient_body()).await;
    assert_eq!(resp.status, StatusCode::CREATED, "{}", resp.body);
    assert_eq!(resp.body["success"], json!(true));
    let data = &resp.body["data"];
    // Everything sent comes back as sent.
    for (key, value) in patient_body().as_object().unwrap() {
        assert_eq!(&data[key], value, "field {key}");
    }
    assert_eq!(data["full_name"], "John Doe");
    assert!(data["id"].as_i64().is_some_and(|id| id > 0));
    assert!(data["age"].is_i64());
    insta::assert_json_snapshot!("create_returns_the_patient", resp.snapshot());
}

#[tokio::test]
async fn list_returns_own_patients_newest_first_snapshot() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let first = app.create_patient(&alice, json!({})).await;
    let second = app
        .create_patient(
            &alice,
            json!({
                "first_name": "Mary",
                "last_name": "Major",
                "email": "mary.major@email.com",
                "gender": "F",
                "blood_group": "AB-",
                "date_of_birth": "1990-01-31",
            }),
        )
        .await;
    let resp = app.get(LIST).token(&alice).send().await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    assert_eq!(resp.body["count"], 2);
    assert_eq!(resp.body["page"], 1);
    assert_eq!(resp.body["page_size"], 20);
    assert_eq!(resp.body["next"], Value::Null);
    assert_eq!(resp.body["previous"], Value::Null);
    assert_eq!(ids(&resp), vec![second["id"].clone(), first["id"].clone()]);
    insta::assert_json_snapshot!("list_returns_own_patients", resp.snapshot());
}

#[tokio::test]
async fn detail_returns_the_patient_snapshot() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let created = app.create_patient(&alice, json!({})).await;
    let resp = app.get(&detail(&created["id"])).token(&alice).send().await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    assert_eq!(resp.body["data"], created);
    insta::assert_json_snapshot!("detail_returns_the_patient", resp.snapshot());
}

#[tokio::test]
async fn put_replaces_the_patient_snapshot() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let created = app.create_patient(&alice, json!({})).await;
    let body = json!({
        "first_name": "Jonathan",
        "last_name": "Doe-Smith",
        "email": "jonathan@email.com",
        "phone": "555-0000",
        "date_of_birth": "1984-02-29",
        "gender": "O",
        "blood_group": "B-",
        "allergies": "",
        "medical_history": "None",
        "current_medications": "",
        "emergency_contact_name": "Jim Doe",
        "emergency_contact_phone": "555-1111",
        "address": "1 Elm St",
        "city": "Boston",
        "state": "MA",
        "country": "USA"
    });
    let resp = app
        .put(&detail(&created["id"]))
        .token(&alice)
        .json(body.clone())
        .send()
        .await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    for (key, value) in body.as_object().unwrap() {
        assert_eq!(&resp.body["data"][key], value, "field {key}");
    }
    assert_eq!(resp.body["data"]["id"], created["id"]);
    assert_eq!(resp.body["data"]["full_name"], "Jonathan Doe-Smith");
    // The change is stored, not only echoed.
    let again = app.get(&detail(&created["id"])).token(&alice).send().await;
    assert_eq!(again.body["data"], resp.body["data"]);
    insta::assert_json_snapshot!("put_replaces_the_patient", resp.snapshot());
}

#[tokio::test]
async fn patch_updates_the_patient_snapshot() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let created = app.create_patient(&alice, json!({})).await;
    let resp = app
        .patch(&detail(&created["id"]))
        .token(&alice)
        .json(json!({ "phone": "555-4321", "blood_group": "A+" }))
        .send()
        .await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    assert_eq!(resp.body["data"]["phone"], "555-4321");
    assert_eq!(resp.body["data"]["blood_group"], "A+");
    assert_eq!(resp.body["data"]["first_name"], "John");
    insta::assert_json_snapshot!("patch_updates_the_patient", resp.snapshot());
}

#[tokio::test]
async fn delete_removes_the_patient_snapshot() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let created = app.create_patient(&alice, json!({})).await;
    let resp = app
        .delete(&detail(&created["id"]))
        .token(&alice)
        .send()
        .await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    assert_eq!(resp.body["success"], json!(true));
    assert!(resp.body["data"].is_null());
    assert!(resp.body.as_object().unwrap().contains_key("data"));
    insta::assert_json_snapshot!("delete_removes_the_patient", resp.snapshot());

    let gone = app.get(&detail(&created["id"])).token(&alice).send().await;
    gone.error_envelope(StatusCode::NOT_FOUND);
    let list = app.get(LIST).token(&alice).send().await;
    assert_eq!(list.body["count"], 0);
    let again = app
        .delete(&detail(&created["id"]))
        .token(&alice)
        .send()
        .await;
    again.error_envelope(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn create_with_several_bad_fields_names_each_snapshot() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let resp = post_patient(
        &app,
        &alice,
        body_with(json!({
            "first_name": "",
            "last_name": null,
            "email": "not-an-email",
            "date_of_birth": "15/06/1985",
            "gender": "X",
            "blood_group": "C+",
        })),
    )
    .await;
    assert_invalid(
        &resp,
        &[
            "blood_group",
            "date_of_birth",
            "email",
            "first_name",
            "gender",
            "last_name",
        ],
    );
    insta::assert_json_snapshot!("create_with_several_bad_fields", resp.snapshot());
    // Nothing was written.
    let list = app.get(LIST).token(&alice).send().await;
    assert_eq!(list.body["count"], 0);
}

#[tokio::test]
async fn another_users_patient_is_not_found_snapshot() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let bob = app.register("Bob").await;
    let patient = app.create_patient(&alice, json!({})).await;
    let resp = app.get(&detail(&patient["id"])).token(&bob).send().await;
    let errors = resp.error_envelope(StatusCode::NOT_FOUND);
    assert!(errors["detail"].is_array(), "{}", resp.body);
    insta::assert_json_snapshot!("another_users_patient_is_not_found", resp.snapshot());
}

#[tokio::test]
async fn list_without_token_is_unauthorized_snapshot() {
    let app = TestApp::spawn().await;
    let resp = app.get(LIST).send().await;
    let errors = resp.error_envelope(StatusCode::UNAUTHORIZED);
    assert!(errors["detail"].is_array(), "{}", resp.body);
    let challenge = resp
        .headers
        .get(header::WWW_AUTHENTICATE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(challenge.starts_with("Bearer"), "{challenge:?}");
    insta::assert_json_snapshot!("list_without_token_is_unauthorized", resp.snapshot());
}

#[tokio::test]
async fn every_patient_endpoint_needs_a_token() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let patient = app.create_patient(&alice, json!({})).await;
    let path = detail(&patient["id"]);
    for resp in [
        app.get(LIST).send().await,
        app.post(LIST).json(patient_body()).send().await,
        app.get(&path).send().await,
        app.put(&path).json(patient_body()).send().await,
        app.patch(&path)
            .json(json!({"first_name": "X"}))
            .send()
            .await,
        app.delete(&path).send().await,
        app.get(LIST).bearer("not-a-jwt").send().await,
    ] {
        resp.error_envelope(StatusCode::UNAUTHORIZED);
        assert!(resp.headers.contains_key(header::WWW_AUTHENTICATE));
    }
    // Nothing changed behind the 401s.
    let list = app.get(LIST).token(&alice).send().await;
    assert_eq!(list.body["count"], 1);
    assert_eq!(list.body["data"][0], patient);
}

// ---------------------------------------------------------------- validation

#[tokio::test]
async fn each_required_field_missing_is_named() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    for field in ["first_name", "last_name", "date_of_birth", "gender"] {
        let resp = post_patient(&app, &alice, body_with(json!({ field: null }))).await;
        assert_invalid(&resp, &[field]);
    }
    // All four at once.
    let resp = post_patient(&app, &alice, json!({ "email": "a@b.com" })).await;
    assert_invalid(
        &resp,
        &["date_of_birth", "first_name", "gender", "last_name"],
    );
    // An empty object.
    let resp = post_patient(&app, &alice, json!({})).await;
    assert_invalid(
        &resp,
        &["date_of_birth", "first_name", "gender", "last_name"],
    );
    let list = app.get(LIST).token(&alice).send().await;
    assert_eq!(list.body["count"], 0);
}

#[tokio::test]
async fn required_fields_may_not_be_null() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    for field in ["first_name", "last_name", "date_of_birth", "gender"] {
        let mut body = patient_body();
        body[field] = Value::Null;
        let resp = post_patient(&app, &alice, body).await;
        assert_invalid(&resp, &[field]);
    }
}

#[tokio::test]
async fn blank_required_text_is_rejected() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    for (field, blank) in [
        ("first_name", ""),
        ("first_name", "   "),
        ("last_name", ""),
        ("gender", ""),
        ("date_of_birth", ""),
    ] {
        let resp = post_patient(&app, &alice, body_with(json!({ field: blank }))).await;
        assert_invalid(&resp, &[field]);
    }
}

#[tokio::test]
async fn optional_fields_may_be_omitted_or_blank() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    const OPTIONAL: [&str; 12] = [
        "email",
        "phone",
        "blood_group",
        "allergies",
        "medical_history",
        "current_medications",
        "emergency_contact_name",
        "emergency_contact_phone",
        "address",
        "city",
        "state",
        "country",
    ];
    let minimal = json!({
        "first_name": "Min",
        "last_name": "Imal",
        "date_of_birth": "2000-01-01",
        "gender": "N",
    });
    let resp = post_patient(&app, &alice, minimal).await;
    assert_eq!(resp.status, StatusCode::CREATED, "{}", resp.body);
    for field in OPTIONAL {
        assert_eq!(resp.body["data"][field], "", "omitted {field}");
    }

    let mut blank = patient_body();
    for field in OPTIONAL {
        blank[field] = json!("");
    }
    let resp = post_patient(&app, &alice, blank).await;
    assert_eq!(resp.status, StatusCode::CREATED, "{}", resp.body);
    for field in OPTIONAL {
        assert_eq!(resp.body["data"][field], "", "blank {field}");
    }
    let stored = app
        .get(&detail(&resp.body["data"]["id"]))
        .token(&alice)
        .send()
        .await;
    assert_eq!(stored.body["data"], resp.body["data"]);
}

#[tokio::test]
async fn email_is_validated_when_given() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    for bad in ["not-an-email", "john@", "@email.com", "john doe@email.com"] {
        let resp = post_patient(&app, &alice, body_with(json!({ "email": bad }))).await;
        assert_invalid(&resp, &["email"]);
    }
    for good in ["john.doe@email.com", "j+tag@sub.example.org", ""] {
        let resp = post_patient(&app, &alice, body_with(json!({ "email": good }))).await;
        assert_eq!(resp.status, StatusCode::CREATED, "{good}: {}", resp.body);
        assert_eq!(resp.body["data"]["email"], good);
    }
    // A PATCH is validated too.
    let patient = app.create_patient(&alice, json!({})).await;
    let resp = app
        .patch(&detail(&patient["id"]))
        .token(&alice)
        .json(json!({ "email": "nope" }))
        .send()
        .await;
    assert_invalid(&resp, &["email"]);
}

#[tokio::test]
async fn date_of_birth_must_be_between_1900_and_today() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let tomorrow = today() + Days::new(1);
    for bad in [
        tomorrow.format("%Y-%m-%d").to_string(),
        "2999-01-01".to_string(),
        "1899-12-31".to_string(),
        "1800-06-15".to_string(),
    ] {
        let resp = post_patient(&app, &alice, body_with(json!({ "date_of_birth": bad }))).await;
        assert_invalid(&resp, &["date_of_birth"]);
    }
    for good in [
        "1900-01-01".to_string(),
        today().format("%Y-%m-%d").to_string(),
        "2000-02-29".to_string(),
    ] {
        let resp = post_patient(
            &app,
            &alice,
            body_with(json!({ "date_of_birth": good.clone() })),
        )
        .await;
        assert_eq!(resp.status, StatusCode::CREATED, "{good}: {}", resp.body);
        assert_eq!(resp.body["data"]["date_of_birth"], json!(good));
    }
    // The same rules on PATCH.
    let patient = app.create_patient(&alice, json!({})).await;
    let resp = app
        .patch(&detail(&patient["id"]))
        .token(&alice)
        .json(json!({ "date_of_birth": tomorrow.format("%Y-%m-%d").to_string() }))
        .send()
        .await;
    assert_invalid(&resp, &["date_of_birth"]);
}

#[tokio::test]
async fn date_of_birth_must_be_yyyy_mm_dd() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    for bad in [
        json!("15-06-1985"),
        json!("1985/06/15"),
        json!("06/15/1985"),
        json!("1985-13-01"),
        json!("1985-02-30"),
        json!("1985-06-15T00:00:00Z"),
        json!("yesterday"),
        json!(19_850_615),
        json!(true),
    ] {
        let resp = post_patient(
            &app,
            &alice,
            body_with(json!({ "date_of_birth": bad.clone() })),
        )
        .await;
        assert_eq!(resp.status, StatusCode::BAD_REQUEST, "{bad}: {}", resp.body);
        assert_invalid(&resp, &["date_of_birth"]);
    }
}

#[tokio::test]
async fn gender_must_be_one_of_the_choices() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    for good in ["M", "F", "O", "N"] {
        let resp = post_patient(&app, &alice, body_with(json!({ "gender": good }))).await;
        assert_eq!(resp.status, StatusCode::CREATED, "{good}: {}", resp.body);
        assert_eq!(resp.body["data"]["gender"], good);
    }
    for bad in ["X", "Male", "MF"] {
        let resp = post_patient(&app, &alice, body_with(json!({ "gender": bad }))).await;
        assert_invalid(&resp, &["gender"]);
    }
}

#[tokio::test]
async fn blood_group_must_be_one_of_the_choices_or_blank() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    for good in ["A+", "A-", "B+", "B-", "AB+", "AB-", "O+", "O-", ""] {
        let resp = post_patient(&app, &alice, body_with(json!({ "blood_group": good }))).await;
        assert_eq!(resp.status, StatusCode::CREATED, "{good}: {}", resp.body);
        assert_eq!(resp.body["data"]["blood_group"], good);
    }
    for bad in ["C+", "O", "AB", "A+B", "O+ve"] {
        let resp = post_patient(&app, &alice, body_with(json!({ "blood_group": bad }))).await;
        assert_invalid(&resp, &["blood_group"]);
    }
}

#[tokio::test]
async fn names_have_a_maximum_length_of_100() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    for field in ["first_name", "last_name"] {
        let resp = post_patient(&app, &alice, body_with(json!({ field: "a".repeat(101) }))).await;
        assert_invalid(&resp, &[field]);

        let resp = post_patient(&app, &alice, body_with(json!({ field: "a".repeat(100) }))).await;
        assert_eq!(resp.status, StatusCode::CREATED, "{}", resp.body);
        assert_eq!(resp.body["data"][field], "a".repeat(100));

        // Characters, not bytes: 100 two-byte characters fit.
        let resp = post_patient(&app, &alice, body_with(json!({ field: "é".repeat(100) }))).await;
        assert_eq!(resp.status, StatusCode::CREATED, "{}", resp.body);
        assert_eq!(resp.body["data"][field], "é".repeat(100));
    }
}

#[tokio::test]
async fn other_text_fields_have_sane_maximum_lengths() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    // Far past any sane limit for these short fields.
    for field in [
        "phone",
        "emergency_contact_phone",
        "emergency_contact_name",
        "city",
        "state",
        "country",
    ] {
        let resp = post_patient(&app, &alice, body_with(json!({ field: "1".repeat(5_000) }))).await;
        assert_invalid(&resp, &[field]);
    }
    let long_email = format!("{}@email.com", "a".repeat(300));
    let resp = post_patient(&app, &alice, body_with(json!({ "email": long_email }))).await;
    assert_invalid(&resp, &["email"]);
}

#[tokio::test]
async fn wrong_json_types_are_named() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    for (field, value) in [
        ("first_name", json!(123)),
        ("last_name", json!(["Doe"])),
        ("gender", json!(1)),
        ("email", json!(true)),
        ("blood_group", json!({"type": "O+"})),
        ("city", json!(42)),
    ] {
        let resp = post_patient(&app, &alice, body_with(json!({ field: value }))).await;
        assert_invalid(&resp, &[field]);
    }
    let resp = post_patient(
        &app,
        &alice,
        body_with(json!({ "first_name": 123, "last_name": false, "gender": 7 })),
    )
    .await;
    assert_invalid(&resp, &["first_name", "gender", "last_name"]);
    // Not an object at all.
    let resp = post_patient(&app, &alice, json!(["John", "Doe"])).await;
    resp.error_envelope(StatusCode::BAD_REQUEST);
    let list = app.get(LIST).token(&alice).send().await;
    assert_eq!(list.body["count"], 0);
}

#[tokio::test]
async fn malformed_json_is_a_400_in_the_envelope() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let resp = app
        .post(LIST)
        .token(&alice)
        .raw("application/json", b"{\"first_name\": \"John\",".to_vec())
        .send()
        .await;
    resp.error_envelope(StatusCode::BAD_REQUEST);
    let resp = app
        .post(LIST)
        .token(&alice)
        .raw("text/plain", patient_body().to_string().into_bytes())
        .send()
        .await;
    resp.error_envelope(StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[tokio::test]
async fn read_only_and_owner_fields_in_the_body_are_ignored() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let bob = app.register("Bob").await;
    let resp = post_patient(
        &app,
        &alice,
        body_with(json!({
            "id": 999_999,
            "owner": bob.id,
            "owner_id": bob.id,
            "created_by": bob.id,
            "full_name": "Someone Else",
            "age": 3,
            "created_at": "2001-01-01T00:00:00Z",
            "updated_at": "2001-01-01T00:00:00Z",
        })),
    )
    .await;
    assert_eq!(resp.status, StatusCode::CREATED, "{}", resp.body);
    let data = &resp.body["data"];
    assert_ne!(data["id"], 999_999);
    assert_eq!(data["full_name"], "John Doe");
    assert_ne!(data["age"], 3);
    assert_ne!(data["created_at"], "2001-01-01T00:00:00Z");
    assert!(data
        .get("owner")
        .is_none_or(|owner| owner != &json!(bob.id)));

    // Still Alice's, not Bob's.
    let mine = app.get(&detail(&data["id"])).token(&alice).send().await;
    assert_eq!(mine.status, StatusCode::OK, "{}", mine.body);
    let theirs = app.get(&detail(&data["id"])).token(&bob).send().await;
    theirs.error_envelope(StatusCode::NOT_FOUND);
    let bobs = app.get(LIST).token(&bob).send().await;
    assert_eq!(bobs.body["count"], 0);

    // Nor may a PATCH move it to Bob or change its id.
    let resp = app
        .patch(&detail(&data["id"]))
        .token(&alice)
        .json(json!({ "owner": bob.id, "created_by": bob.id, "id": 424_242, "full_name": "X Y" }))
        .send()
        .await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    assert_eq!(resp.body["data"]["id"], data["id"]);
    assert_eq!(resp.body["data"]["full_name"], "John Doe");
    let theirs = app.get(&detail(&data["id"])).token(&bob).send().await;
    theirs.error_envelope(StatusCode::NOT_FOUND);
    let mine = app.get(&detail(&data["id"])).token(&alice).send().await;
    assert_eq!(mine.status, StatusCode::OK, "{}", mine.body);
}

#[tokio::test]
async fn put_needs_every_required_field() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let patient = app.create_patient(&alice, json!({})).await;
    for field in ["first_name", "last_name", "date_of_birth", "gender"] {
        let resp = app
            .put(&detail(&patient["id"]))
            .token(&alice)
            .json(body_with(json!({ "first_name": "Changed", field: null })))
            .send()
            .await;
        assert_invalid(&resp, &[field]);
    }
    let resp = app
        .put(&detail(&patient["id"]))
        .token(&alice)
        .json(json!({ "phone": "555-0000" }))
        .send()
        .await;
    assert_invalid(
        &resp,
        &["date_of_birth", "first_name", "gender", "last_name"],
    );
    // Nothing was written by the failed PUTs.
    let stored = app.get(&detail(&patient["id"])).token(&alice).send().await;
    assert_eq!(stored.body["data"], patient);
}

#[tokio::test]
async fn patch_changes_only_the_given_fields() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let patient = app.create_patient(&alice, json!({})).await;
    let resp = app
        .patch(&detail(&patient["id"]))
        .token(&alice)
        .json(json!({ "first_name": "Johnny", "city": "Denver", "allergies": "" }))
        .send()
        .await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    let data = &resp.body["data"];
    let mut expected = patient.clone();
    expected["first_name"] = json!("Johnny");
    expected["full_name"] = json!("Johnny Doe");
    expected["city"] = json!("Denver");
    expected["allergies"] = json!("");
    for (key, value) in expected.as_object().unwrap() {
        if key != "updated_at" {
            assert_eq!(&data[key], value, "field {key}");
        }
    }
    let stored = app.get(&detail(&patient["id"])).token(&alice).send().await;
    assert_eq!(&stored.body["data"], data);

    // An empty PATCH is a no-op that still succeeds.
    let resp = app
        .patch(&detail(&patient["id"]))
        .token(&alice)
        .json(json!({}))
        .send()
        .await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    assert_eq!(resp.body["data"]["first_name"], "Johnny");
    assert_eq!(resp.body["data"]["email"], "john.doe@email.com");
}

#[tokio::test]
async fn patch_validates_what_it_is_given() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let patient = app.create_patient(&alice, json!({})).await;
    for (field, value) in [
        ("first_name", json!("")),
        ("first_name", Value::Null),
        ("last_name", json!("b".repeat(101))),
        ("gender", json!("X")),
        ("blood_group", json!("C+")),
        ("date_of_birth", json!("1899-12-31")),
    ] {
        let resp = app
            .patch(&detail(&patient["id"]))
            .token(&alice)
            .json(json!({ field: value }))
            .send()
            .await;
        assert_invalid(&resp, &[field]);
    }
    let stored = app.get(&detail(&patient["id"])).token(&alice).send().await;
    assert_eq!(stored.body["data"], patient);
}

#[tokio::test]
async fn full_name_is_first_then_last() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let patient = app
        .create_patient(
            &alice,
            json!({ "first_name": "Ada", "last_name": "Lovelace" }),
        )
        .await;
    assert_eq!(patient["full_name"], "Ada Lovelace");
    let resp = app
        .patch(&detail(&patient["id"]))
        .token(&alice)
        .json(json!({ "last_name": "King" }))
        .send()
        .await;
    assert_eq!(resp.body["data"]["full_name"], "Ada King");
    let list = app.get(LIST).token(&alice).send().await;
    assert_eq!(list.body["data"][0]["full_name"], "Ada King");
}

#[tokio::test]
async fn age_is_whole_years_as_of_today() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let today = today();
    let thirty_years_ago = |day: NaiveDate| {
        day.checked_sub_months(Months::new(12 * 30))
            .expect("a valid date")
            .format("%Y-%m-%d")
            .to_string()
    };
    let cases = [
        // Thirtieth birthday today.
        (thirty_years_ago(today), 30),
        // Thirtieth birthday tomorrow.
        (thirty_years_ago(today + Days::new(1)), 29),
        // Thirtieth birthday yesterday.
        (thirty_years_ago(today - Days::new(1)), 30),
        // Born today.
        (today.format("%Y-%m-%d").to_string(), 0),
        // Born a year ago tomorrow.
        (
            (today + Days::new(1))
                .checked_sub_months(Months::new(12))
                .unwrap()
                .format("%Y-%m-%d")
                .to_string(),
            0,
        ),
    ];
    for (born, age) in cases {
        let resp = post_patient(
            &app,
            &alice,
            body_with(json!({ "date_of_birth": born.clone() })),
        )
        .await;
        assert_eq!(resp.status, StatusCode::CREATED, "{}", resp.body);
        assert_eq!(resp.body["data"]["age"], age, "born {born}");
        let shown = app
            .get(&detail(&resp.body["data"]["id"]))
            .token(&alice)
            .send()
            .await;
        assert_eq!(shown.body["data"]["age"], age, "born {born}");
    }
}

// ---------------------------------------------------------------- isolation

#[tokio::test]
async fn another_user_cannot_read_change_or_delete_a_patient() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let bob = app.register("Bob").await;
    let patient = app.create_patient(&alice, json!({})).await;
    let path = detail(&patient["id"]);
    let missing = detail(&json!(999_999));

    for (theirs, nobodys) in [
        (
            app.get(&path).token(&bob).send().await,
            app.get(&missing).token(&bob).send().await,
        ),
        (
            app.put(&path).token(&bob).json(patient_body()).send().await,
            app.put(&missing)
                .token(&bob)
                .json(patient_body())
                .send()
                .await,
        ),
        (
            app.patch(&path)
                .token(&bob)
                .json(json!({ "first_name": "Hacked" }))
                .send()
                .await,
            app.patch(&missing)
                .token(&bob)
                .json(json!({ "first_name": "Hacked" }))
                .send()
                .await,
        ),
        (
            app.delete(&path).token(&bob).send().await,
            app.delete(&missing).token(&bob).send().await,
        ),
    ] {
        theirs.error_envelope(StatusCode::NOT_FOUND);
        nobodys.error_envelope(StatusCode::NOT_FOUND);
        // Indistinguishable from a record that does not exist.
        assert_eq!(theirs.body, nobodys.body);
    }
    // An invalid body does not reveal it either (404, not 400).
    let resp = app
        .patch(&path)
        .token(&bob)
        .json(json!({ "gender": "X" }))
        .send()
        .await;
    resp.error_envelope(StatusCode::NOT_FOUND);

    // Alice's record is untouched.
    let stored = app.get(&path).token(&alice).send().await;
    assert_eq!(stored.status, StatusCode::OK, "{}", stored.body);
    assert_eq!(stored.body["data"], patient);
}

#[tokio::test]
async fn lists_never_show_another_users_patients() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let bob = app.register("Bob").await;
    let a1 = app.create_patient(&alice, json!({})).await;
    let b1 = app
        .create_patient(&bob, json!({ "first_name": "Bobby", "last_name": "Builder", "email": "bobby@builder.com", "gender": "F" }))
        .await;
    let a2 = app
        .create_patient(&alice, json!({ "first_name": "Jane", "gender": "F" }))
        .await;

    let alices = app.get(LIST).token(&alice).send().await;
    assert_eq!(ids(&alices), vec![a2["id"].clone(), a1["id"].clone()]);
    assert_eq!(alices.body["count"], 2);
    let bobs = app.get(LIST).token(&bob).send().await;
    assert_eq!(ids(&bobs), vec![b1["id"].clone()]);
    assert_eq!(bobs.body["count"], 1);

    // Nor through search or filters.
    let resp = search(&app, &bob, "john").await;
    assert!(full_names(&resp).is_empty());
    let resp = search(&app, &bob, "").await;
    assert_eq!(ids(&resp), vec![b1["id"].clone()]);
    let resp = app
        .get(&format!("{LIST}?gender=F"))
        .token(&bob)
        .send()
        .await;
    assert_eq!(ids(&resp), vec![b1["id"].clone()]);
    let resp = app
        .get(&format!("{LIST}?gender=F"))
        .token(&alice)
        .send()
        .await;
    assert_eq!(ids(&resp), vec![a2["id"].clone()]);
}

// ---------------------------------------------------------------- search and filters

#[tokio::test]
async fn search_matches_names_and_email_case_insensitively() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    app.create_patient(&alice, json!({})).await; // John Doe, john.doe@email.com
    app.create_patient(
        &alice,
        json!({ "first_name": "Mary", "last_name": "Smith", "email": "mary@clinic.org" }),
    )
    .await;
    app.create_patient(
        &alice,
        json!({ "first_name": "Peter", "last_name": "Johnson", "email": "" }),
    )
    .await;

    let cases: [(&str, &[&str]); 12] = [
        ("john", &["John Doe", "Peter Johnson"]),
        ("JOHN", &["John Doe", "Peter Johnson"]),
        ("doe", &["John Doe"]),
        ("DoE", &["John Doe"]),
        ("john do", &["John Doe"]),
        ("JOHN DOE", &["John Doe"]),
        ("n d", &["John Doe"]),
        ("mary@clinic", &["Mary Smith"]),
        ("CLINIC.ORG", &["Mary Smith"]),
        ("@email.com", &["John Doe"]),
        ("mit", &["Mary Smith"]),
        ("nobody", &[]),
    ];
    for (term, expected) in cases {
        let resp = search(&app, &alice, term).await;
        assert_eq!(full_names(&resp), expected, "search {term:?}");
    }
}

#[tokio::test]
async fn search_does_not_match_other_fields() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    app.create_patient(&alice, json!({})).await;
    // City, phone, allergies are not searched.
    for term in ["Chicago", "555-1234", "Penicillin"] {
        let resp = search(&app, &alice, term).await;
        assert!(full_names(&resp).is_empty(), "search {term:?}");
    }
}

#[tokio::test]
async fn search_is_unicode_case_insensitive() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    app.create_patient(&alice, json!({ "first_name": "Zoë", "last_name": "Adams" }))
        .await;
    app.create_patient(&alice, json!({ "first_name": "ZOË", "last_name": "Baker" }))
        .await;
    app.create_patient(
        &alice,
        json!({ "first_name": "Åsa", "last_name": "STRÖM", "email": "" }),
    )
    .await;
    app.create_patient(&alice, json!({ "first_name": "Zoe", "last_name": "Plain" }))
        .await;

    let cases: [(&str, &[&str]); 7] = [
        ("ZOË", &["ZOË Baker", "Zoë Adams"]),
        ("zoë", &["ZOË Baker", "Zoë Adams"]),
        ("Zoë Ad", &["Zoë Adams"]),
        ("ZOË BAKER", &["ZOË Baker"]),
        ("ström", &["Åsa STRÖM"]),
        ("åSA", &["Åsa STRÖM"]),
        ("åsa str", &["Åsa STRÖM"]),
    ];
    for (term, expected) in cases {
        let resp = search(&app, &alice, term).await;
        assert_eq!(full_names(&resp), expected, "search {term:?}");
    }
}

#[tokio::test]
async fn search_treats_wildcards_literally() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    for (first, last) in [
        ("Fifty", "50%"),
        ("Fifty", "500"),
        ("Under", "a_b"),
        ("Under", "axb"),
        ("Back", "back\\slash"),
        ("Back", "backslash"),
    ] {
        app.create_patient(
            &alice,
            json!({ "first_name": first, "last_name": last, "email": "" }),
        )
        .await;
    }
    let cases: [(&str, &[&str]); 10] = [
        ("%", &["Fifty 50%"]),
        ("50%", &["Fifty 50%"]),
        ("5%", &[]),
        ("_", &["Under a_b"]),
        ("a_b", &["Under a_b"]),
        ("A_B", &["Under a_b"]),
        ("\\", &["Back back\\slash"]),
        ("k\\s", &["Back back\\slash"]),
        ("\\\\", &[]),
        ("%%", &[]),
    ];
    for (term, expected) in cases {
        let resp = search(&app, &alice, term).await;
        assert_eq!(full_names(&resp), expected, "search {term:?}");
    }
}

#[tokio::test]
async fn gender_filters_exactly() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    app.create_patient(&alice, json!({ "first_name": "Male", "gender": "M" }))
        .await;
    app.create_patient(&alice, json!({ "first_name": "Fem", "gender": "F" }))
        .await;
    app.create_patient(&alice, json!({ "first_name": "Femme", "gender": "F" }))
        .await;
    app.create_patient(&alice, json!({ "first_name": "Other", "gender": "O" }))
        .await;

    let get = |query: &str| {
        let path = format!("{LIST}?{query}");
        let app = &app;
        let alice = &alice;
        async move { app.get(&path).token(alice).send().await }
    };
    assert_eq!(full_names(&get("gender=F").await), ["Fem Doe", "Femme Doe"]);
    assert_eq!(full_names(&get("gender=M").await), ["Male Doe"]);
    assert_eq!(full_names(&get("gender=O").await), ["Other Doe"]);
    assert!(full_names(&get("gender=N").await).is_empty());
    // Combined with a search.
    assert_eq!(
        full_names(&get("gender=F&search=femme").await),
        ["Femme Doe"]
    );
    // Not a choice: 400 naming the parameter.
    let resp = get("gender=X").await;
    assert_invalid(&resp, &["gender"]);
}

// ---------------------------------------------------------------- paths

#[tokio::test]
async fn a_non_positive_or_non_integer_id_is_not_found() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    app.create_patient(&alice, json!({})).await;
    for id in [
        "abc",
        "0",
        "-1",
        "1.5",
        "1e3",
        "99999999999999999999",
        "999999",
    ] {
        let path = format!("/api/patients/{id}/");
        for resp in [
            app.get(&path).token(&alice).send().await,
            app.put(&path)
                .token(&alice)
                .json(patient_body())
                .send()
                .await,
            app.patch(&path)
                .token(&alice)
                .json(json!({ "first_name": "X" }))
                .send()
                .await,
            app.delete(&path).token(&alice).send().await,
        ] {
            let errors = resp.error_envelope(StatusCode::NOT_FOUND);
            assert!(errors["detail"].is_array(), "{id}: {}", resp.body);
        }
    }
    // Nothing was changed.
    let list = app.get(LIST).token(&alice).send().await;
    assert_eq!(list.body["data"][0]["first_name"], "John");
}

#[tokio::test]
async fn paths_work_without_the_trailing_slash() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let resp = app
        .post("/api/patients")
        .token(&alice)
        .json(patient_body())
        .send()
        .await;
    assert_eq!(resp.status, StatusCode::CREATED, "{}", resp.body);
    let id = resp.body["data"]["id"].clone();
    let resp = app.get("/api/patients").token(&alice).send().await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    assert_eq!(resp.body["count"], 1);
    let resp = app
        .get(&format!("/api/patients/{id}"))
        .token(&alice)
        .send()
        .await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    assert_eq!(resp.body["data"]["id"], id);
}

#[tokio::test]
async fn search_follows_updates() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let patient = app.create_patient(&alice, json!({})).await;
    let resp = app
        .patch(&detail(&patient["id"]))
        .token(&alice)
        .json(json!({ "first_name": "Jonathan", "email": "jd@newmail.net" }))
        .send()
        .await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    assert_eq!(
        full_names(&search(&app, &alice, "jonathan doe").await),
        ["Jonathan Doe"]
    );
    assert_eq!(
        full_names(&search(&app, &alice, "NEWMAIL").await),
        ["Jonathan Doe"]
    );
    assert!(full_names(&search(&app, &alice, "john.doe@email").await).is_empty());
    assert!(full_names(&search(&app, &alice, "john doe").await).is_empty());

    let resp = app
        .put(&detail(&patient["id"]))
        .token(&alice)
        .json(body_with(
            json!({ "first_name": "Ann", "last_name": "Other", "email": "" }),
        ))
        .send()
        .await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    assert_eq!(
        full_names(&search(&app, &alice, "ann oth").await),
        ["Ann Other"]
    );
    assert!(full_names(&search(&app, &alice, "jonathan").await).is_empty());
    assert!(full_names(&search(&app, &alice, "newmail").await).is_empty());
}

/// "Case-insensitive" is Unicode-aware: a term typed in capitals finds the
/// name whatever its case, including where Greek lower case has two forms of
/// sigma (`σ` inside a word, `ς` at its end): `ΑΝΑΣ` is a prefix of
/// `Αναστασία` just as `ANAS` is of `Anastasia`.
#[tokio::test]
async fn search_is_case_insensitive_for_greek_sigma() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    app.create_patient(
        &alice,
        json!({ "first_name": "Αναστασία", "last_name": "Παππάς", "email": "" }),
    )
    .await;
    let cases: [(&str, &[&str]); 5] = [
        ("αναστασία", &["Αναστασία Παππάς"]),
        ("ΑΝΑΣΤΑΣΊΑ", &["Αναστασία Παππάς"]),
        ("ΠΑΠΠΆΣ", &["Αναστασία Παππάς"]),
        ("ανασ", &["Αναστασία Παππάς"]),
        // A term ending in capital sigma, in the middle of the stored name.
        ("ΑΝΑΣ", &["Αναστασία Παππάς"]),
    ];
    for (term, expected) in cases {
        let resp = search(&app, &alice, term).await;
        assert_eq!(full_names(&resp), expected, "search {term:?}");
    }
}
