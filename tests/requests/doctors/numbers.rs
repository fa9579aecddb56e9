//! Numeric fields, types, lengths and updates.
use super::*;

#[tokio::test]
async fn years_of_experience_is_between_0_and_80() {
    let w = World::new().await;
    for (n, good) in [0, 1, 79, 80].into_iter().enumerate() {
        let resp = post_doctor(
            &w,
            &w.alice,
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
            &w,
            &w.alice,
            unique_body(50, json!({ "years_of_experience": bad.clone() })),
        )
        .await;
        assert_eq!(resp.status, StatusCode::BAD_REQUEST, "{bad}: {}", resp.body);
        assert_invalid(&resp, &["years_of_experience"]);
    }
    // The bounds hold on PATCH too.
    for bad in [-1, 81] {
        let resp = w
            .patch(&detail(&w.chen["id"]))
            .token(&w.alice)
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
    let w = Users::new().await;
    let resp = post_doctor(
        &w,
        &w.bob,
        body_with(json!({
            "id": 777_777,
            "created_by": w.alice.id,
            "display_name": "Prof. Nobody",
            "created_at": "2001-01-01T00:00:00Z",
        })),
    )
    .await;
    assert_eq!(resp.status, StatusCode::CREATED, "{}", resp.body);
    let data = resp.body["data"].clone();
    assert_ne!(data["id"], 777_777);
    assert_eq!(data["created_by"], json!(w.bob.id));
    assert_eq!(data["display_name"], "Dr. Emily Chen");
    assert_ne!(data["created_at"], "2001-01-01T00:00:00Z");

    // Only Bob may change it, whatever the body says about its creator.
    let resp = w
        .patch(&detail(&data["id"]))
        .token(&w.alice)
        .json(json!({ "first_name": "Evil" }))
        .send()
        .await;
    resp.error_envelope(StatusCode::FORBIDDEN);
    let resp = w
        .patch(&detail(&data["id"]))
        .token(&w.bob)
        .json(json!({
            "first_name": "Emilia",
            "created_by": w.alice.id,
            "display_name": "X",
            "id": 1_234_567,
        }))
        .send()
        .await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    assert_eq!(resp.body["data"]["display_name"], "Dr. Emilia Chen");
    assert_eq!(resp.body["data"]["created_by"], json!(w.bob.id));
    assert_eq!(resp.body["data"]["id"], data["id"]);
    let resp = w
        .patch(&detail(&data["id"]))
        .token(&w.alice)
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
