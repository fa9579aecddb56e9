//! Field rules of a patient body.
use super::*;

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
    let w = World::new().await;
    for bad in ["not-an-email", "john@", "@email.com", "john doe@email.com"] {
        let resp = post_patient(&w, &w.alice, body_with(json!({ "email": bad }))).await;
        assert_invalid(&resp, &["email"]);
    }
    for good in ["john.doe@email.com", "j+tag@sub.example.org", ""] {
        let resp = post_patient(&w, &w.alice, body_with(json!({ "email": good }))).await;
        assert_eq!(resp.status, StatusCode::CREATED, "{good}: {}", resp.body);
        assert_eq!(resp.body["data"]["email"], good);
    }
    // A PATCH is validated too.
    let resp = w
        .patch(&detail(&w.john["id"]))
        .token(&w.alice)
        .json(json!({ "email": "nope" }))
        .send()
        .await;
    assert_invalid(&resp, &["email"]);
}

#[tokio::test]
async fn date_of_birth_must_be_between_1900_and_today() {
    let w = World::new().await;
    let tomorrow = today() + Days::new(1);
    for bad in [
        tomorrow.format("%Y-%m-%d").to_string(),
        "2999-01-01".to_string(),
        "1899-12-31".to_string(),
        "1800-06-15".to_string(),
    ] {
        let resp = post_patient(&w, &w.alice, body_with(json!({ "date_of_birth": bad }))).await;
        assert_invalid(&resp, &["date_of_birth"]);
    }
    for good in [
        "1900-01-01".to_string(),
        today().format("%Y-%m-%d").to_string(),
        "2000-02-29".to_string(),
    ] {
        let resp = post_patient(
            &w,
            &w.alice,
            body_with(json!({ "date_of_birth": good.clone() })),
        )
        .await;
        assert_eq!(resp.status, StatusCode::CREATED, "{good}: {}", resp.body);
        assert_eq!(resp.body["data"]["date_of_birth"], json!(good));
    }
    // The same rules on PATCH.
    let resp = w
        .patch(&detail(&w.john["id"]))
        .token(&w.alice)
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
