//! Snapshots of every patient endpoint and its main errors.
use super::*;

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
    let w = World::new().await;
    let second = w
        .create_patient(
            &w.alice,
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
    let resp = w.get(LIST).token(&w.alice).send().await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    assert_eq!(resp.body["count"], 2);
    assert_eq!(resp.body["page"], 1);
    assert_eq!(resp.body["page_size"], 20);
    assert_eq!(resp.body["next"], Value::Null);
    assert_eq!(resp.body["previous"], Value::Null);
    assert_eq!(ids(&resp.body), vec![id(&second), id(&w.john)]);
    insta::assert_json_snapshot!("list_returns_own_patients", resp.snapshot());
}

#[tokio::test]
async fn detail_returns_the_patient_snapshot() {
    let w = World::new().await;
    let resp = w.get(&detail(&w.john["id"])).token(&w.alice).send().await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    assert_eq!(resp.body["data"], w.john);
    insta::assert_json_snapshot!("detail_returns_the_patient", resp.snapshot());
}

#[tokio::test]
async fn put_replaces_the_patient_snapshot() {
    let w = World::new().await;
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
    let resp = w
        .put(&detail(&w.john["id"]))
        .token(&w.alice)
        .json(body.clone())
        .send()
        .await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    for (key, value) in body.as_object().unwrap() {
        assert_eq!(&resp.body["data"][key], value, "field {key}");
    }
    assert_eq!(resp.body["data"]["id"], w.john["id"]);
    assert_eq!(resp.body["data"]["full_name"], "Jonathan Doe-Smith");
    // The change is stored, not only echoed.
    let again = w.get(&detail(&w.john["id"])).token(&w.alice).send().await;
    assert_eq!(again.body["data"], resp.body["data"]);
    insta::assert_json_snapshot!("put_replaces_the_patient", resp.snapshot());
}

#[tokio::test]
async fn patch_updates_the_patient_snapshot() {
    let w = World::new().await;
    let resp = w
        .patch(&detail(&w.john["id"]))
        .token(&w.alice)
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
    let w = World::new().await;
    let resp = w
        .delete(&detail(&w.john["id"]))
        .token(&w.alice)
        .send()
        .await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    assert_eq!(resp.body["success"], json!(true));
    assert!(resp.body["data"].is_null());
    assert!(resp.body.as_object().unwrap().contains_key("data"));
    insta::assert_json_snapshot!("delete_removes_the_patient", resp.snapshot());

    let gone = w.get(&detail(&w.john["id"])).token(&w.alice).send().await;
    gone.error_envelope(StatusCode::NOT_FOUND);
    let list = w.get(LIST).token(&w.alice).send().await;
    assert_eq!(list.body["count"], 0);
    let again = w
        .delete(&detail(&w.john["id"]))
        .token(&w.alice)
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
    let w = World::new().await;
    let resp = w.get(&detail(&w.john["id"])).token(&w.bob).send().await;
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
    let w = World::new().await;
    let path = detail(&w.john["id"]);
    for resp in [
        w.get(LIST).send().await,
        w.post(LIST).json(patient_body()).send().await,
        w.get(&path).send().await,
        w.put(&path).json(patient_body()).send().await,
        w.patch(&path).json(json!({"first_name": "X"})).send().await,
        w.delete(&path).send().await,
        w.get(LIST).bearer("not-a-jwt").send().await,
    ] {
        resp.error_envelope(StatusCode::UNAUTHORIZED);
        assert!(resp.headers.contains_key(header::WWW_AUTHENTICATE));
    }
    // Nothing changed behind the 401s.
    let list = w.get(LIST).token(&w.alice).send().await;
    assert_eq!(list.body["count"], 1);
    assert_eq!(list.body["data"][0], w.john);
}
