//! Patient–doctor mappings: creation, the one-primary rule, scoping to the
//! caller's patients, filters, cascades, and the response shapes.
use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::support::{Resp, TestApp, User};

/// The keys of a JSON object, sorted.
fn keys(value: &Value) -> Vec<String> {
    let mut keys: Vec<String> = value
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {value}"))
        .keys()
        .cloned()
        .collect();
    keys.sort();
    keys
}

fn sorted(names: &[&str]) -> Vec<String> {
    let mut names: Vec<String> = names.iter().map(ToString::to_string).collect();
    names.sort();
    names
}

fn id(value: &Value) -> i64 {
    value["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("no id: {value}"))
}

/// The first message under `errors.<field>`.
fn field_message(resp: &Resp, field: &str) -> String {
    resp.body["errors"][field][0]
        .as_str()
        .unwrap_or_else(|| panic!("no message under errors.{field}: {}", resp.body))
        .to_string()
}

/// `GET /api/mappings/<query>` as `user`, asserting 200.
async fn list(app: &TestApp, user: &User, query: &str) -> Value {
    let resp = app
        .get(&format!("/api/mappings/{query}"))
        .token(user)
        .send()
        .await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    resp.body
}

/// The mapping ids of a list body, in order.
fn ids(body: &Value) -> Vec<i64> {
    body["data"]
        .as_array()
        .unwrap_or_else(|| panic!("no data array: {body}"))
        .iter()
        .map(id)
        .collect()
}

/// `GET /api/mappings/detail/<id>/` as `user`.
async fn detail(app: &TestApp, user: &User, mapping_id: i64) -> Resp {
    app.get(&format!("/api/mappings/detail/{mapping_id}/"))
        .token(user)
        .send()
        .await
}

async fn post_mapping(app: &TestApp, user: &User, body: Value) -> Resp {
    app.post("/api/mappings/")
        .token(user)
        .json(body)
        .send()
        .await
}

/// The ids of the primary mappings of `patient`, as its owner sees them.
async fn primaries(app: &TestApp, user: &User, patient: &Value) -> Vec<i64> {
    let body = list(
        app,
        user,
        &format!("?patient_id={}&page_size=100", id(patient)),
    )
    .await;
    body["data"]
        .as_array()
        .expect("data")
        .iter()
        .filter(|item| item["is_primary"] == json!(true))
        .map(id)
        .collect()
}

// ---------------------------------------------------------------- snapshots

#[tokio::test]
async fn create_mapping_returns_201_with_details() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let patient = app.create_patient(&alice, json!({})).await;
    let doctor = app.create_doctor(&alice, json!({})).await;

    let resp = post_mapping(
        &app,
        &alice,
        json!({
            "patient": patient["id"],
            "doctor": doctor["id"],
            "is_primary": true,
            "notes": "Primary neurologist",
        }),
    )
    .await;

    assert_eq!(resp.status, StatusCode::CREATED, "{}", resp.body);
    assert_eq!(resp.body["success"], json!(true));
    let data = &resp.body["data"];
    assert_eq!(data["patient"], patient["id"]);
    assert_eq!(data["patient_detail"]["id"], patient["id"]);
    assert_eq!(data["doctor"], doctor["id"]);
    assert_eq!(data["doctor_detail"]["id"], doctor["id"]);
    assert_eq!(
        keys(data),
        sorted(&[
            "id",
            "patient",
            "patient_detail",
            "doctor",
            "doctor_detail",
            "is_primary",
            "notes",
            "assigned_at"
        ])
    );
    insta::assert_json_snapshot!("create_mapping", resp.snapshot());
}

#[tokio::test]
async fn list_mappings_shows_details_in_the_list_envelope() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let john = app.create_patient(&alice, json!({})).await;
    let mary = app
        .create_patient(&alice, json!({"first_name": "Mary", "last_name": "Major"}))
        .await;
    let chen = app.create_doctor(&alice, json!({})).await;
    let patel = app
        .create_doctor(
            &alice,
            json!({
                "first_name": "Raj",
                "last_name": "Patel",
                "specialization": "cardiology",
                "hospital_name": "Heart Institute",
            }),
        )
        .await;
    let first = app.assign(&alice, &john, &chen, true).await;
    let second = app.assign(&alice, &mary, &patel, false).await;

    let resp = app.get("/api/mappings/").token(&alice).send().await;

    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    assert_eq!(
        keys(&resp.body),
        sorted(&[
            "success",
            "message",
            "count",
            "page",
            "page_size",
            "next",
            "previous",
            "data"
        ])
    );
    assert_eq!(resp.body["count"], json!(2));
    // Newest first.
    assert_eq!(ids(&resp.body), vec![id(&second), id(&first)]);
    let item = &resp.body["data"][0];
    assert_eq!(keys(&item["patient_detail"]), sorted(&["id", "full_name"]));
    assert_eq!(
        keys(&item["doctor_detail"]),
        sorted(&["id", "display_name", "specialization", "hospital_name"])
    );
    assert_eq!(item["patient_detail"]["id"], mary["id"]);
    assert_eq!(item["patient_detail"]["full_name"], json!("Mary Major"));
    assert_eq!(item["doctor_detail"]["id"], patel["id"]);
    assert_eq!(
        item["doctor_detail"]["display_name"],
        json!("Dr. Raj Patel")
    );
    insta::assert_json_snapshot!("list_mappings", resp.snapshot());
}

#[tokio::test]
async fn patient_doctors_has_the_seed_shape() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let john = app.create_patient(&alice, json!({})).await;
    let other = app
        .create_patient(&alice, json!({"first_name": "Other"}))
        .await;
    let chen = app.create_doctor(&alice, json!({})).await;
    let patel = app
        .create_doctor(
            &alice,
            json!({"first_name": "Raj", "last_name": "Patel", "specialization": "cardiology"}),
        )
        .await;
    let first = app.assign(&alice, &john, &chen, true).await;
    let second = app.assign(&alice, &john, &patel, false).await;
    // Another patient's mapping must not show up.
    app.assign(&alice, &other, &chen, false).await;

    let resp = app
        .get(&format!("/api/mappings/{}/", id(&john)))
        .token(&alice)
        .send()
        .await;

    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    assert_eq!(
        keys(&resp.body),
        sorted(&["success", "message", "patient", "count", "data"])
    );
    assert_eq!(resp.body["success"], json!(true));
    assert_eq!(keys(&resp.body["patient"]), sorted(&["id", "full_name"]));
    assert_eq!(resp.body["patient"]["id"], john["id"]);
    assert_eq!(resp.body["patient"]["full_name"], json!("John Doe"));
    assert_eq!(resp.body["count"], json!(2));
    let mut got = ids(&resp.body);
    got.sort_unstable();
    let mut want = vec![id(&first), id(&second)];
    want.sort_unstable();
    assert_eq!(got, want);
    insta::assert_json_snapshot!("patient_doctors", resp.snapshot());
}

#[tokio::test]
async fn patient_doctors_of_a_patient_without_mappings_is_empty() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let john = app.create_patient(&alice, json!({})).await;

    let resp = app
        .get(&format!("/api/mappings/{}/", id(&john)))
        .token(&alice)
        .send()
        .await;

    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    assert_eq!(resp.body["count"], json!(0));
    assert_eq!(resp.body["data"], json!([]));
    assert_eq!(resp.body["patient"]["id"], john["id"]);
}

#[tokio::test]
async fn mapping_detail_get_patch_delete() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let patient = app.create_patient(&alice, json!({})).await;
    let doctor = app.create_doctor(&alice, json!({})).await;
    let mapping = app.assign(&alice, &patient, &doctor, false).await;
    let path = format!("/api/mappings/detail/{}/", id(&mapping));

    let shown = app.get(&path).token(&alice).send().await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.body);
    assert_eq!(shown.body["data"], mapping);
    insta::assert_json_snapshot!("detail_get", shown.snapshot());

    let patched = app
        .patch(&path)
        .token(&alice)
        .json(json!({"is_primary": true, "notes": "Now the primary doctor"}))
        .send()
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.body);
    assert_eq!(patched.body["data"]["is_primary"], json!(true));
    assert_eq!(
        patched.body["data"]["notes"],
        json!("Now the primary doctor")
    );
    insta::assert_json_snapshot!("detail_patch", patched.snapshot());
    // The change is stored.
    let reread = app.get(&path).token(&alice).send().await;
    assert_eq!(reread.body["data"], patched.body["data"]);

    let deleted = app.delete(&path).token(&alice).send().await;
    assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.body);
    assert_eq!(deleted.body["success"], json!(true));
    assert_eq!(deleted.body["data"], Value::Null);
    insta::assert_json_snapshot!("detail_delete", deleted.snapshot());

    let gone = app.get(&path).token(&alice).send().await;
    gone.error_envelope(StatusCode::NOT_FOUND);
    insta::assert_json_snapshot!("detail_gone", gone.snapshot());
    assert_eq!(list(&app, &alice, "").await["count"], json!(0));
    // Deleting it again is 404 too.
    let again = app.delete(&path).token(&alice).send().await;
    again.error_envelope(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn main_errors() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let patient = app.create_patient(&alice, json!({})).await;
    let doctor = app.create_doctor(&alice, json!({})).await;

    let missing = post_mapping(&app, &alice, json!({})).await;
    missing.error_envelope(StatusCode::BAD_REQUEST);
    assert_eq!(missing.error_fields(), sorted(&["doctor", "patient"]));
    insta::assert_json_snapshot!("error_missing_fields", missing.snapshot());

    let no_patient = post_mapping(
        &app,
        &alice,
        json!({"patient": 999_999, "doctor": doctor["id"]}),
    )
    .await;
    no_patient.error_envelope(StatusCode::BAD_REQUEST);
    assert_eq!(no_patient.error_fields(), vec!["patient"]);
    insta::assert_json_snapshot!("error_unknown_patient", no_patient.snapshot());

    let no_doctor = post_mapping(
        &app,
        &alice,
        json!({"patient": patient["id"], "doctor": 999_999}),
    )
    .await;
    no_doctor.error_envelope(StatusCode::BAD_REQUEST);
    assert_eq!(no_doctor.error_fields(), vec!["doctor"]);
    insta::assert_json_snapshot!("error_unknown_doctor", no_doctor.snapshot());

    app.assign(&alice, &patient, &doctor, false).await;
    let duplicate = post_mapping(
        &app,
        &alice,
        json!({"patient": patient["id"], "doctor": doctor["id"]}),
    )
    .await;
    duplicate.error_envelope(StatusCode::BAD_REQUEST);
    assert_eq!(duplicate.error_fields(), vec!["non_field_errors"]);
    insta::assert_json_snapshot!("error_duplicate_pair", duplicate.snapshot());

    let not_found = detail(&app, &alice, 999_999).await;
    not_found.error_envelope(StatusCode::NOT_FOUND);
    insta::assert_json_snapshot!("error_detail_not_found", not_found.snapshot());

    let no_such_patient = app.get("/api/mappings/999999/").token(&alice).send().await;
    no_such_patient.error_envelope(StatusCode::NOT_FOUND);
    insta::assert_json_snapshot!("error_patient_not_found", no_such_patient.snapshot());

    let anonymous = app.get("/api/mappings/").send().await;
    anonymous.error_envelope(StatusCode::UNAUTHORIZED);
    assert!(
        anonymous
            .headers
            .get("www-authenticate")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("Bearer")),
        "{:?}",
        anonymous.headers
    );
    insta::assert_json_snapshot!("error_unauthenticated", anonymous.snapshot());
}

// --------------------------------------------------------------------- POST

#[tokio::test]
async fn create_defaults_is_primary_false_and_notes_empty() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let patient = app.create_patient(&alice, json!({})).await;
    let doctor = app.create_doctor(&alice, json!({})).await;

    let resp = post_mapping(
        &app,
        &alice,
        json!({"patient": patient["id"], "doctor": doctor["id"]}),
    )
    .await;

    assert_eq!(resp.status, StatusCode::CREATED, "{}", resp.body);
    assert_eq!(resp.body["data"]["is_primary"], json!(false));
    assert_eq!(resp.body["data"]["notes"], json!(""));
    // And so it is stored.
    let stored = detail(&app, &alice, id(&resp.body["data"])).await;
    assert_eq!(stored.body["data"]["is_primary"], json!(false));
    assert_eq!(stored.body["data"]["notes"], json!(""));
}

#[tokio::test]
async fn create_with_someone_elses_patient_does_not_reveal_it_exists() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let bob = app.register("Bob").await;
    let bobs_patient = app.create_patient(&bob, json!({})).await;
    let doctor = app.create_doctor(&alice, json!({})).await;
    let body = json!({"patient": bobs_patient["id"], "doctor": doctor["id"]});

    let foreign = post_mapping(&app, &alice, body.clone()).await;
    foreign.error_envelope(StatusCode::BAD_REQUEST);
    assert_eq!(foreign.error_fields(), vec!["patient"]);

    // The same id once the patient no longer exists: the very same answer.
    let removed = app
        .delete(&format!("/api/patients/{}/", id(&bobs_patient)))
        .token(&bob)
        .send()
        .await;
    assert_eq!(removed.status, StatusCode::OK, "{}", removed.body);
    let missing = post_mapping(&app, &alice, body).await;
    missing.error_envelope(StatusCode::BAD_REQUEST);
    assert_eq!(missing.body, foreign.body);
    assert_eq!(
        field_message(&foreign, "patient"),
        field_message(&missing, "patient")
    );
    assert_eq!(list(&app, &alice, "").await["count"], json!(0));
}

#[tokio::test]
async fn create_with_someone_elses_patient_creates_nothing_for_them() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let bob = app.register("Bob").await;
    let bobs_patient = app.create_patient(&bob, json!({})).await;
    let doctor = app.create_doctor(&bob, json!({})).await;

    let resp = post_mapping(
        &app,
        &alice,
        json!({"patient": bobs_patient["id"], "doctor": doctor["id"], "is_primary": true}),
    )
    .await;
    resp.error_envelope(StatusCode::BAD_REQUEST);

    assert_eq!(list(&app, &bob, "").await["count"], json!(0));
    assert_eq!(list(&app, &alice, "").await["count"], json!(0));
}

#[tokio::test]
async fn create_with_unknown_doctor_is_400_under_doctor() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let patient = app.create_patient(&alice, json!({})).await;

    let resp = post_mapping(
        &app,
        &alice,
        json!({"patient": patient["id"], "doctor": 424_242}),
    )
    .await;

    resp.error_envelope(StatusCode::BAD_REQUEST);
    assert_eq!(resp.error_fields(), vec!["doctor"]);
    assert!(
        field_message(&resp, "doctor").contains("424242"),
        "{}",
        resp.body
    );
    assert_eq!(list(&app, &alice, "").await["count"], json!(0));
}

#[tokio::test]
async fn create_same_pair_twice_is_400_under_non_field_errors() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let patient = app.create_patient(&alice, json!({})).await;
    let doctor = app.create_doctor(&alice, json!({})).await;
    let first = app.assign(&alice, &patient, &doctor, false).await;

    // Even with different flags and notes, the pair is the same.
    let resp = post_mapping(
        &app,
        &alice,
        json!({
            "patient": patient["id"],
            "doctor": doctor["id"],
            "is_primary": true,
            "notes": "again",
        }),
    )
    .await;

    resp.error_envelope(StatusCode::BAD_REQUEST);
    assert_eq!(resp.error_fields(), vec!["non_field_errors"]);
    let body = list(&app, &alice, "").await;
    assert_eq!(body["count"], json!(1));
    assert_eq!(body["data"][0], first);
}

#[tokio::test]
async fn create_without_patient_or_doctor_names_them() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let patient = app.create_patient(&alice, json!({})).await;
    let doctor = app.create_doctor(&alice, json!({})).await;

    let no_patient = post_mapping(&app, &alice, json!({"doctor": doctor["id"]})).await;
    no_patient.error_envelope(StatusCode::BAD_REQUEST);
    assert_eq!(no_patient.error_fields(), vec!["patient"]);

    let no_doctor = post_mapping(&app, &alice, json!({"patient": patient["id"]})).await;
    no_doctor.error_envelope(StatusCode::BAD_REQUEST);
    assert_eq!(no_doctor.error_fields(), vec!["doctor"]);

    let neither = post_mapping(&app, &alice, json!({"is_primary": true, "notes": "x"})).await;
    neither.error_envelope(StatusCode::BAD_REQUEST);
    assert_eq!(neither.error_fields(), sorted(&["doctor", "patient"]));

    let nulls = post_mapping(&app, &alice, json!({"patient": null, "doctor": null})).await;
    nulls.error_envelope(StatusCode::BAD_REQUEST);
    assert_eq!(nulls.error_fields(), sorted(&["doctor", "patient"]));

    assert_eq!(list(&app, &alice, "").await["count"], json!(0));
}

#[tokio::test]
async fn create_with_wrong_types_is_400_naming_the_field() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let patient = app.create_patient(&alice, json!({})).await;
    let doctor = app.create_doctor(&alice, json!({})).await;

    let cases = [
        (json!({"patient": "abc", "doctor": doctor["id"]}), "patient"),
        (json!({"patient": true, "doctor": doctor["id"]}), "patient"),
        (
            json!({"patient": [patient["id"]], "doctor": doctor["id"]}),
            "patient",
        ),
        (
            json!({"patient": {"id": patient["id"]}, "doctor": doctor["id"]}),
            "patient",
        ),
        (json!({"patient": patient["id"], "doctor": "abc"}), "doctor"),
        (json!({"patient": patient["id"], "doctor": true}), "doctor"),
        (
            json!({"patient": patient["id"], "doctor": doctor["id"], "is_primary": "maybe"}),
            "is_primary",
        ),
        (
            json!({"patient": patient["id"], "doctor": doctor["id"], "is_primary": null}),
            "is_primary",
        ),
    ];
    for (body, field) in cases {
        let resp = post_mapping(&app, &alice, body.clone()).await;
        resp.error_envelope(StatusCode::BAD_REQUEST);
        assert_eq!(
            resp.error_fields(),
            vec![field],
            "body {body}: {}",
            resp.body
        );
    }

    let both = post_mapping(&app, &alice, json!({"patient": "abc", "doctor": true})).await;
    both.error_envelope(StatusCode::BAD_REQUEST);
    assert_eq!(both.error_fields(), sorted(&["doctor", "patient"]));

    let not_an_object = post_mapping(&app, &alice, json!([1, 2])).await;
    assert_eq!(
        not_an_object.status,
        StatusCode::BAD_REQUEST,
        "{}",
        not_an_object.body
    );
    assert_eq!(not_an_object.body["success"], json!(false));

    assert_eq!(list(&app, &alice, "").await["count"], json!(0));
}

// ---------------------------------------------------------- one primary rule

#[tokio::test]
async fn a_second_primary_demotes_the_first() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let john = app.create_patient(&alice, json!({})).await;
    let mary = app
        .create_patient(&alice, json!({"first_name": "Mary"}))
        .await;
    let chen = app.create_doctor(&alice, json!({})).await;
    let patel = app
        .create_doctor(&alice, json!({"first_name": "Raj", "last_name": "Patel"}))
        .await;
    let first = app.assign(&alice, &john, &chen, true).await;
    // Mary's primary must survive John's change.
    let marys = app.assign(&alice, &mary, &chen, true).await;

    let second = app.assign(&alice, &john, &patel, true).await;

    assert_eq!(second["is_primary"], json!(true));
    assert_eq!(primaries(&app, &alice, &john).await, vec![id(&second)]);
    let old = detail(&app, &alice, id(&first)).await;
    assert_eq!(old.status, StatusCode::OK, "{}", old.body);
    assert_eq!(old.body["data"]["is_primary"], json!(false));
    assert_eq!(old.body["data"]["notes"], first["notes"]);
    assert_eq!(primaries(&app, &alice, &mary).await, vec![id(&marys)]);

    // The patient's own view agrees: exactly one primary.
    let resp = app
        .get(&format!("/api/mappings/{}/", id(&john)))
        .token(&alice)
        .send()
        .await;
    let flags: Vec<(i64, bool)> = resp.body["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|m| (id(m), m["is_primary"].as_bool().expect("bool")))
        .collect();
    assert_eq!(flags, vec![(id(&second), true), (id(&first), false)]);
}

#[tokio::test]
async fn a_non_primary_assignment_keeps_the_primary() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let john = app.create_patient(&alice, json!({})).await;
    let chen = app.create_doctor(&alice, json!({})).await;
    let patel = app
        .create_doctor(&alice, json!({"first_name": "Raj", "last_name": "Patel"}))
        .await;
    let first = app.assign(&alice, &john, &chen, true).await;

    app.assign(&alice, &john, &patel, false).await;

    assert_eq!(primaries(&app, &alice, &john).await, vec![id(&first)]);
}

#[tokio::test]
async fn patch_is_primary_true_demotes_the_other() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let john = app.create_patient(&alice, json!({})).await;
    let mary = app
        .create_patient(&alice, json!({"first_name": "Mary"}))
        .await;
    let chen = app.create_doctor(&alice, json!({})).await;
    let patel = app
        .create_doctor(&alice, json!({"first_name": "Raj", "last_name": "Patel"}))
        .await;
    let primary = app.assign(&alice, &john, &chen, true).await;
    let other = app.assign(&alice, &john, &patel, false).await;
    let marys = app.assign(&alice, &mary, &patel, true).await;

    let resp = app
        .patch(&format!("/api/mappings/detail/{}/", id(&other)))
        .token(&alice)
        .json(json!({"is_primary": true}))
        .send()
        .await;

    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    assert_eq!(resp.body["data"]["is_primary"], json!(true));
    // PATCH of is_primary alone leaves the notes.
    assert_eq!(resp.body["data"]["notes"], other["notes"]);
    assert_eq!(primaries(&app, &alice, &john).await, vec![id(&other)]);
    let demoted = detail(&app, &alice, id(&primary)).await;
    assert_eq!(demoted.body["data"]["is_primary"], json!(false));
    assert_eq!(primaries(&app, &alice, &mary).await, vec![id(&marys)]);
}

#[tokio::test]
async fn patch_is_primary_true_on_the_primary_keeps_it_primary() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let john = app.create_patient(&alice, json!({})).await;
    let chen = app.create_doctor(&alice, json!({})).await;
    let primary = app.assign(&alice, &john, &chen, true).await;

    let resp = app
        .patch(&format!("/api/mappings/detail/{}/", id(&primary)))
        .token(&alice)
        .json(json!({"is_primary": true}))
        .send()
        .await;

    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    assert_eq!(resp.body["data"]["is_primary"], json!(true));
    assert_eq!(primaries(&app, &alice, &john).await, vec![id(&primary)]);
}

#[tokio::test]
async fn patch_notes_only_leaves_is_primary() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let john = app.create_patient(&alice, json!({})).await;
    let chen = app.create_doctor(&alice, json!({})).await;
    let patel = app
        .create_doctor(&alice, json!({"first_name": "Raj", "last_name": "Patel"}))
        .await;
    let primary = app.assign(&alice, &john, &chen, true).await;
    let other = app.assign(&alice, &john, &patel, false).await;

    for (mapping, flag) in [(&primary, true), (&other, false)] {
        let path = format!("/api/mappings/detail/{}/", id(mapping));
        let resp = app
            .patch(&path)
            .token(&alice)
            .json(json!({"notes": "Follow-up in 3 months"}))
            .send()
            .await;
        assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
        assert_eq!(resp.body["data"]["notes"], json!("Follow-up in 3 months"));
        assert_eq!(resp.body["data"]["is_primary"], json!(flag));
        let stored = app.get(&path).token(&alice).send().await;
        assert_eq!(stored.body["data"]["is_primary"], json!(flag));
        assert_eq!(stored.body["data"]["notes"], json!("Follow-up in 3 months"));
    }
    assert_eq!(primaries(&app, &alice, &john).await, vec![id(&primary)]);
}

#[tokio::test]
async fn patch_is_primary_false_demotes_only_that_mapping() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let john = app.create_patient(&alice, json!({})).await;
    let chen = app.create_doctor(&alice, json!({})).await;
    let primary = app.assign(&alice, &john, &chen, true).await;

    let resp = app
        .patch(&format!("/api/mappings/detail/{}/", id(&primary)))
        .token(&alice)
        .json(json!({"is_primary": false}))
        .send()
        .await;

    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    assert_eq!(resp.body["data"]["is_primary"], json!(false));
    assert!(primaries(&app, &alice, &john).await.is_empty());
}

#[tokio::test]
async fn patch_with_wrong_types_is_400_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let john = app.create_patient(&alice, json!({})).await;
    let chen = app.create_doctor(&alice, json!({})).await;
    let mapping = app.assign(&alice, &john, &chen, false).await;
    let path = format!("/api/mappings/detail/{}/", id(&mapping));

    let resp = app
        .patch(&path)
        .token(&alice)
        .json(json!({"is_primary": "yes please", "notes": "changed"}))
        .send()
        .await;

    resp.error_envelope(StatusCode::BAD_REQUEST);
    assert_eq!(resp.error_fields(), vec!["is_primary"]);
    let stored = app.get(&path).token(&alice).send().await;
    assert_eq!(stored.body["data"], mapping);
}

// ------------------------------------------------------------------ scoping

#[tokio::test]
async fn list_never_shows_another_users_mappings() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let bob = app.register("Bob").await;
    let alices_patient = app.create_patient(&alice, json!({})).await;
    let bobs_patient = app
        .create_patient(&bob, json!({"first_name": "Bobby"}))
        .await;
    let shared_doctor = app.create_doctor(&alice, json!({})).await;
    let alices = app
        .assign(&alice, &alices_patient, &shared_doctor, true)
        .await;
    let bobs = app.assign(&bob, &bobs_patient, &shared_doctor, true).await;

    let all = list(&app, &bob, "").await;
    assert_eq!(all["count"], json!(1));
    assert_eq!(ids(&all), vec![id(&bobs)]);

    let by_alices_patient = list(&app, &bob, &format!("?patient_id={}", id(&alices_patient))).await;
    assert_eq!(by_alices_patient["count"], json!(0));
    assert_eq!(by_alices_patient["data"], json!([]));

    let by_doctor = list(&app, &bob, &format!("?doctor_id={}", id(&shared_doctor))).await;
    assert_eq!(ids(&by_doctor), vec![id(&bobs)]);

    let primaries_only = list(&app, &bob, "?is_primary=true").await;
    assert_eq!(ids(&primaries_only), vec![id(&bobs)]);

    let alices_view = list(&app, &alice, "").await;
    assert_eq!(ids(&alices_view), vec![id(&alices)]);
}

#[tokio::test]
async fn patient_doctors_of_another_users_patient_is_404() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let bob = app.register("Bob").await;
    let alices_patient = app.create_patient(&alice, json!({})).await;
    let doctor = app.create_doctor(&alice, json!({})).await;
    app.assign(&alice, &alices_patient, &doctor, true).await;

    let foreign = app
        .get(&format!("/api/mappings/{}/", id(&alices_patient)))
        .token(&bob)
        .send()
        .await;
    foreign.error_envelope(StatusCode::NOT_FOUND);

    // Answered exactly like a patient that does not exist.
    let missing = app.get("/api/mappings/999999/").token(&bob).send().await;
    missing.error_envelope(StatusCode::NOT_FOUND);
    assert_eq!(foreign.body, missing.body);
}

#[tokio::test]
async fn mapping_detail_of_another_user_is_404_and_untouched() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let bob = app.register("Bob").await;
    let alices_patient = app.create_patient(&alice, json!({})).await;
    // Bob created the doctor; the mapping is still Alice's (its patient is).
    let doctor = app.create_doctor(&bob, json!({})).await;
    let mapping = app.assign(&alice, &alices_patient, &doctor, false).await;
    let path = format!("/api/mappings/detail/{}/", id(&mapping));

    let shown = app.get(&path).token(&bob).send().await;
    shown.error_envelope(StatusCode::NOT_FOUND);
    let missing = app
        .get("/api/mappings/detail/999999/")
        .token(&bob)
        .send()
        .await;
    assert_eq!(shown.body, missing.body);

    let patched = app
        .patch(&path)
        .token(&bob)
        .json(json!({"is_primary": true, "notes": "hijacked"}))
        .send()
        .await;
    patched.error_envelope(StatusCode::NOT_FOUND);

    let deleted = app.delete(&path).token(&bob).send().await;
    deleted.error_envelope(StatusCode::NOT_FOUND);

    let stored = app.get(&path).token(&alice).send().await;
    assert_eq!(stored.status, StatusCode::OK, "{}", stored.body);
    assert_eq!(stored.body["data"], mapping);
    assert_eq!(stored.body["data"]["is_primary"], json!(false));
    assert_eq!(
        stored.body["data"]["notes"],
        json!("Referred for evaluation")
    );
}

#[tokio::test]
async fn a_doctor_created_by_another_user_can_be_assigned() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let bob = app.register("Bob").await;
    let alices_patient = app.create_patient(&alice, json!({})).await;
    let bobs_doctor = app
        .create_doctor(
            &bob,
            json!({"first_name": "Raj", "last_name": "Patel", "specialization": "cardiology"}),
        )
        .await;

    let resp = post_mapping(
        &app,
        &alice,
        json!({"patient": alices_patient["id"], "doctor": bobs_doctor["id"], "is_primary": true}),
    )
    .await;

    assert_eq!(resp.status, StatusCode::CREATED, "{}", resp.body);
    let data = &resp.body["data"];
    assert_eq!(data["doctor"], bobs_doctor["id"]);
    assert_eq!(
        data["doctor_detail"]["display_name"],
        json!("Dr. Raj Patel")
    );
    assert_eq!(data["doctor_detail"]["specialization"], json!("cardiology"));
    assert_eq!(ids(&list(&app, &alice, "").await), vec![id(data)]);
    // Bob sees nothing: the patient is not his.
    assert_eq!(list(&app, &bob, "").await["count"], json!(0));
}

// ------------------------------------------------------------------ filters

#[tokio::test]
async fn list_filters_by_patient_doctor_and_is_primary() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let john = app.create_patient(&alice, json!({})).await;
    let mary = app
        .create_patient(&alice, json!({"first_name": "Mary"}))
        .await;
    let chen = app.create_doctor(&alice, json!({})).await;
    let patel = app
        .create_doctor(&alice, json!({"first_name": "Raj", "last_name": "Patel"}))
        .await;
    let john_chen = app.assign(&alice, &john, &chen, true).await;
    let john_patel = app.assign(&alice, &john, &patel, false).await;
    let mary_chen = app.assign(&alice, &mary, &chen, false).await;

    let cases = [
        (
            format!("?patient_id={}", id(&john)),
            vec![&john_patel, &john_chen],
        ),
        (format!("?patient_id={}", id(&mary)), vec![&mary_chen]),
        (
            format!("?doctor_id={}", id(&chen)),
            vec![&mary_chen, &john_chen],
        ),
        (format!("?doctor_id={}", id(&patel)), vec![&john_patel]),
        ("?is_primary=true".to_string(), vec![&john_chen]),
        (
            "?is_primary=false".to_string(),
            vec![&mary_chen, &john_patel],
        ),
        (
            format!("?patient_id={}&is_primary=false", id(&john)),
            vec![&john_patel],
        ),
        (
            format!("?patient_id={}&doctor_id={}", id(&mary), id(&chen)),
            vec![&mary_chen],
        ),
        (
            format!("?patient_id={}&doctor_id={}", id(&mary), id(&patel)),
            vec![],
        ),
        ("?patient_id=999999".to_string(), vec![]),
        ("".to_string(), vec![&mary_chen, &john_patel, &john_chen]),
    ];
    for (query, expected) in cases {
        let body = list(&app, &alice, &query).await;
        let want: Vec<i64> = expected.iter().map(|m| id(m)).collect();
        assert_eq!(ids(&body), want, "query {query}: {body}");
        assert_eq!(body["count"], json!(want.len()), "query {query}");
    }
}

#[tokio::test]
async fn list_rejects_bad_filter_values() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;

    for (query, field) in [
        ("?is_primary=maybe", "is_primary"),
        ("?patient_id=abc", "patient_id"),
        ("?doctor_id=abc", "doctor_id"),
    ] {
        let resp = app
            .get(&format!("/api/mappings/{query}"))
            .token(&alice)
            .send()
            .await;
        resp.error_envelope(StatusCode::BAD_REQUEST);
        assert_eq!(
            resp.error_fields(),
            vec![field],
            "query {query}: {}",
            resp.body
        );
    }

    let both = app
        .get("/api/mappings/?is_primary=maybe&patient_id=abc")
        .token(&alice)
        .send()
        .await;
    both.error_envelope(StatusCode::BAD_REQUEST);
    assert_eq!(both.error_fields(), sorted(&["is_primary", "patient_id"]));
    insta::assert_json_snapshot!("error_bad_filters", both.snapshot());
}

// ----------------------------------------------------------------- cascades

#[tokio::test]
async fn deleting_a_patient_deletes_its_mappings() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let john = app.create_patient(&alice, json!({})).await;
    let mary = app
        .create_patient(&alice, json!({"first_name": "Mary"}))
        .await;
    let chen = app.create_doctor(&alice, json!({})).await;
    let patel = app
        .create_doctor(&alice, json!({"first_name": "Raj", "last_name": "Patel"}))
        .await;
    let john_chen = app.assign(&alice, &john, &chen, true).await;
    let john_patel = app.assign(&alice, &john, &patel, false).await;
    let mary_chen = app.assign(&alice, &mary, &chen, true).await;

    let resp = app
        .delete(&format!("/api/patients/{}/", id(&john)))
        .token(&alice)
        .send()
        .await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);

    assert_eq!(ids(&list(&app, &alice, "").await), vec![id(&mary_chen)]);
    for gone in [&john_chen, &john_patel] {
        detail(&app, &alice, id(gone))
            .await
            .error_envelope(StatusCode::NOT_FOUND);
    }
    let filtered = list(&app, &alice, &format!("?doctor_id={}", id(&chen))).await;
    assert_eq!(ids(&filtered), vec![id(&mary_chen)]);
    // The doctors themselves remain.
    for doctor in [&chen, &patel] {
        let resp = app
            .get(&format!("/api/doctors/{}/", id(doctor)))
            .token(&alice)
            .send()
            .await;
        assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    }
}

#[tokio::test]
async fn deleting_a_doctor_deletes_its_mappings() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let bob = app.register("Bob").await;
    let john = app.create_patient(&alice, json!({})).await;
    let bobs_patient = app.create_patient(&bob, json!({})).await;
    let chen = app.create_doctor(&alice, json!({})).await;
    // Bob's doctor, assigned by Alice and by Bob.
    let patel = app
        .create_doctor(&bob, json!({"first_name": "Raj", "last_name": "Patel"}))
        .await;
    let john_chen = app.assign(&alice, &john, &chen, false).await;
    let john_patel = app.assign(&alice, &john, &patel, true).await;
    let bobs_mapping = app.assign(&bob, &bobs_patient, &patel, true).await;

    let resp = app
        .delete(&format!("/api/doctors/{}/", id(&patel)))
        .token(&bob)
        .send()
        .await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);

    assert_eq!(ids(&list(&app, &alice, "").await), vec![id(&john_chen)]);
    assert_eq!(list(&app, &bob, "").await["count"], json!(0));
    detail(&app, &alice, id(&john_patel))
        .await
        .error_envelope(StatusCode::NOT_FOUND);
    detail(&app, &bob, id(&bobs_mapping))
        .await
        .error_envelope(StatusCode::NOT_FOUND);
    let johns = app
        .get(&format!("/api/mappings/{}/", id(&john)))
        .token(&alice)
        .send()
        .await;
    assert_eq!(johns.body["count"], json!(1));
    assert_eq!(ids(&johns.body), vec![id(&john_chen)]);
}

#[tokio::test]
async fn a_doctor_with_mappings_cannot_be_deleted_by_someone_else() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let bob = app.register("Bob").await;
    let john = app.create_patient(&alice, json!({})).await;
    let bobs_doctor = app.create_doctor(&bob, json!({})).await;
    let mapping = app.assign(&alice, &john, &bobs_doctor, true).await;

    let resp = app
        .delete(&format!("/api/doctors/{}/", id(&bobs_doctor)))
        .token(&alice)
        .send()
        .await;
    resp.error_envelope(StatusCode::FORBIDDEN);

    let stored = detail(&app, &alice, id(&mapping)).await;
    assert_eq!(stored.status, StatusCode::OK, "{}", stored.body);
    assert_eq!(stored.body["data"], mapping);
}

// -------------------------------------------------------------- concurrency

#[tokio::test]
async fn concurrent_primaries_leave_exactly_one_primary() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let john = app.create_patient(&alice, json!({})).await;
    let mut doctors = Vec::new();
    for i in 0..5 {
        doctors.push(
            app.create_doctor(&alice, json!({"first_name": format!("Doc{i}")}))
                .await,
        );
    }

    let responses = futures::future::join_all(doctors.iter().map(|doctor| {
        post_mapping(
            &app,
            &alice,
            json!({"patient": john["id"], "doctor": doctor["id"], "is_primary": true}),
        )
    }))
    .await;

    let mut created = 0;
    for resp in &responses {
        if resp.status == StatusCode::CREATED {
            created += 1;
        } else {
            // A lost race may be refused (409, in the envelope), never a 500.
            resp.error_envelope(StatusCode::CONFLICT);
        }
    }
    assert!(created >= 1, "{responses:?}");
    let body = list(&app, &alice, &format!("?patient_id={}", id(&john))).await;
    assert_eq!(body["count"], json!(created));
    assert_eq!(primaries(&app, &alice, &john).await.len(), 1, "{body}");
}

#[tokio::test]
async fn concurrent_duplicates_create_one_mapping() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let john = app.create_patient(&alice, json!({})).await;
    let chen = app.create_doctor(&alice, json!({})).await;

    let responses = futures::future::join_all((0..5).map(|_| {
        post_mapping(
            &app,
            &alice,
            json!({"patient": john["id"], "doctor": chen["id"]}),
        )
    }))
    .await;

    let created = responses
        .iter()
        .filter(|resp| resp.status == StatusCode::CREATED)
        .count();
    assert_eq!(created, 1, "{responses:?}");
    for resp in responses.iter().filter(|r| r.status != StatusCode::CREATED) {
        resp.error_envelope(StatusCode::BAD_REQUEST);
        assert_eq!(resp.error_fields(), vec!["non_field_errors"]);
    }
    assert_eq!(list(&app, &alice, "").await["count"], json!(1));
}
