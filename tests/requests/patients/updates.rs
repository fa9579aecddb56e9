//! PUT, PATCH and the derived fields.
use super::*;

#[tokio::test]
async fn read_only_and_owner_fields_in_the_body_are_ignored() {
    let w = Users::new().await;
    let resp = post_patient(
        &w,
        &w.alice,
        body_with(json!({
            "id": 999_999,
            "owner": w.bob.id,
            "owner_id": w.bob.id,
            "created_by": w.bob.id,
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
        .is_none_or(|owner| owner != &json!(w.bob.id)));

    // Still Alice's, not Bob's.
    let mine = w.get(&detail(&data["id"])).token(&w.alice).send().await;
    assert_eq!(mine.status, StatusCode::OK, "{}", mine.body);
    let theirs = w.get(&detail(&data["id"])).token(&w.bob).send().await;
    theirs.error_envelope(StatusCode::NOT_FOUND);
    let bobs = w.get(LIST).token(&w.bob).send().await;
    assert_eq!(bobs.body["count"], 0);

    // Nor may a PATCH move it to Bob or change its id.
    let resp = w
        .patch(&detail(&data["id"]))
        .token(&w.alice)
        .json(
            json!({ "owner": w.bob.id, "created_by": w.bob.id, "id": 424_242, "full_name": "X Y" }),
        )
        .send()
        .await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    assert_eq!(resp.body["data"]["id"], data["id"]);
    assert_eq!(resp.body["data"]["full_name"], "John Doe");
    let theirs = w.get(&detail(&data["id"])).token(&w.bob).send().await;
    theirs.error_envelope(StatusCode::NOT_FOUND);
    let mine = w.get(&detail(&data["id"])).token(&w.alice).send().await;
    assert_eq!(mine.status, StatusCode::OK, "{}", mine.body);
}

#[tokio::test]
async fn put_needs_every_required_field() {
    let w = World::new().await;
    for field in ["first_name", "last_name", "date_of_birth", "gender"] {
        let resp = w
            .put(&detail(&w.john["id"]))
            .token(&w.alice)
            .json(body_with(json!({ "first_name": "Changed", field: null })))
            .send()
            .await;
        assert_invalid(&resp, &[field]);
    }
    let resp = w
        .put(&detail(&w.john["id"]))
        .token(&w.alice)
        .json(json!({ "phone": "555-0000" }))
        .send()
        .await;
    assert_invalid(
        &resp,
        &["date_of_birth", "first_name", "gender", "last_name"],
    );
    // Nothing was written by the failed PUTs.
    let stored = w.get(&detail(&w.john["id"])).token(&w.alice).send().await;
    assert_eq!(stored.body["data"], w.john);
}

#[tokio::test]
async fn patch_changes_only_the_given_fields() {
    let w = World::new().await;
    let resp = w
        .patch(&detail(&w.john["id"]))
        .token(&w.alice)
        .json(json!({ "first_name": "Johnny", "city": "Denver", "allergies": "" }))
        .send()
        .await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    let data = &resp.body["data"];
    let mut expected = w.john.clone();
    expected["first_name"] = json!("Johnny");
    expected["full_name"] = json!("Johnny Doe");
    expected["city"] = json!("Denver");
    expected["allergies"] = json!("");
    for (key, value) in expected.as_object().unwrap() {
        if key != "updated_at" {
            assert_eq!(&data[key], value, "field {key}");
        }
    }
    let stored = w.get(&detail(&w.john["id"])).token(&w.alice).send().await;
    assert_eq!(&stored.body["data"], data);

    // An empty PATCH is a no-op that still succeeds.
    let resp = w
        .patch(&detail(&w.john["id"]))
        .token(&w.alice)
        .json(json!({}))
        .send()
        .await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    assert_eq!(resp.body["data"]["first_name"], "Johnny");
    assert_eq!(resp.body["data"]["email"], "john.doe@email.com");
}

#[tokio::test]
async fn patch_validates_what_it_is_given() {
    let w = World::new().await;
    for (field, value) in [
        ("first_name", json!("")),
        ("first_name", Value::Null),
        ("last_name", json!("b".repeat(101))),
        ("gender", json!("X")),
        ("blood_group", json!("C+")),
        ("date_of_birth", json!("1899-12-31")),
    ] {
        let resp = w
            .patch(&detail(&w.john["id"]))
            .token(&w.alice)
            .json(json!({ field: value }))
            .send()
            .await;
        assert_invalid(&resp, &[field]);
    }
    let stored = w.get(&detail(&w.john["id"])).token(&w.alice).send().await;
    assert_eq!(stored.body["data"], w.john);
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
