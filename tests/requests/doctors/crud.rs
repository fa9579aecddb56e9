//! Snapshots of every doctor endpoint and its main errors.
use super::*;

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
    let w = Users::new().await;
    let first = post_doctor(&w, &w.alice, doctor_body()).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    let second = post_doctor(
        &w,
        &w.bob,
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
    for user in [&w.alice, &w.bob] {
        let resp = w.get(LIST).token(user).send().await;
        assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
        assert_eq!(resp.body["count"], 2);
        assert_eq!(
            ids(&resp.body),
            vec![id(&second.body["data"]), id(&first.body["data"])]
        );
    }
    let resp = w.get(LIST).token(&w.alice).send().await;
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
    let w = Users::new().await;
    let first = post_doctor(&w, &w.alice, doctor_body()).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    // Uniqueness is global, not per user.
    let resp = post_doctor(&w, &w.bob, doctor_body()).await;
    assert_invalid(&resp, &["email", "license_number"]);
    insta::assert_json_snapshot!("duplicate_email_and_license", resp.snapshot());
    assert_eq!(count(&w, &w.alice).await, 1);
}

#[tokio::test]
async fn another_users_doctor_is_forbidden_snapshot() {
    let w = Users::new().await;
    let created = post_doctor(&w, &w.alice, doctor_body()).await.body["data"].clone();
    let resp = w
        .patch(&detail(&created["id"]))
        .token(&w.bob)
        .json(json!({ "is_available": false }))
        .send()
        .await;
    let errors = resp.error_envelope(StatusCode::FORBIDDEN);
    assert!(errors["detail"].is_array(), "{}", resp.body);
    insta::assert_json_snapshot!("another_users_doctor_is_forbidden", resp.snapshot());
}
