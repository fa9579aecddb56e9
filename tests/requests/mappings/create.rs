//! Creating mappings and the one-primary rule.
use super::*;

#[tokio::test]
async fn create_defaults_is_primary_false_and_notes_empty() {
    let w = World::new().await;

    let resp = post_mapping(
        &w,
        &w.alice,
        json!({"patient": w.john["id"], "doctor": w.chen["id"]}),
    )
    .await;

    assert_eq!(resp.status, StatusCode::CREATED, "{}", resp.body);
    assert_eq!(resp.body["data"]["is_primary"], json!(false));
    assert_eq!(resp.body["data"]["notes"], json!(""));
    // And so it is stored.
    let stored = detail(&w, &w.alice, id(&resp.body["data"])).await;
    assert_eq!(stored.body["data"]["is_primary"], json!(false));
    assert_eq!(stored.body["data"]["notes"], json!(""));
}

#[tokio::test]
async fn create_with_someone_elses_patient_does_not_reveal_it_exists() {
    let w = Users::new().await;
    let bobs_patient = w.create_patient(&w.bob, json!({})).await;
    let doctor = w.create_doctor(&w.alice, json!({})).await;
    let body = json!({"patient": bobs_patient["id"], "doctor": doctor["id"]});

    let foreign = post_mapping(&w, &w.alice, body.clone()).await;
    foreign.error_envelope(StatusCode::BAD_REQUEST);
    assert_eq!(foreign.error_fields(), vec!["patient"]);

    // The same id once the patient no longer exists: the very same answer.
    let removed = w
        .delete(&format!("/api/patients/{}/", id(&bobs_patient)))
        .token(&w.bob)
        .send()
        .await;
    assert_eq!(removed.status, StatusCode::OK, "{}", removed.body);
    let missing = post_mapping(&w, &w.alice, body).await;
    missing.error_envelope(StatusCode::BAD_REQUEST);
    assert_eq!(missing.body, foreign.body);
    assert_eq!(
        field_message(&foreign, "patient"),
        field_message(&missing, "patient")
    );
    assert_eq!(list(&w, &w.alice, "").await["count"], json!(0));
}

#[tokio::test]
async fn create_with_someone_elses_patient_creates_nothing_for_them() {
    let w = Users::new().await;
    let bobs_patient = w.bobs_patient().await;
    let doctor = w.create_doctor(&w.bob, json!({})).await;

    let resp = post_mapping(
        &w,
        &w.alice,
        json!({"patient": bobs_patient["id"], "doctor": doctor["id"], "is_primary": true}),
    )
    .await;
    resp.error_envelope(StatusCode::BAD_REQUEST);

    assert_eq!(list(&w, &w.bob, "").await["count"], json!(0));
    assert_eq!(list(&w, &w.alice, "").await["count"], json!(0));
}

#[tokio::test]
async fn create_with_unknown_doctor_is_400_under_doctor() {
    let w = World::new().await;

    let resp = post_mapping(
        &w,
        &w.alice,
        json!({"patient": w.john["id"], "doctor": 424_242}),
    )
    .await;

    resp.error_envelope(StatusCode::BAD_REQUEST);
    assert_eq!(resp.error_fields(), vec!["doctor"]);
    assert!(
        field_message(&resp, "doctor").contains("424242"),
        "{}",
        resp.body
    );
    assert_eq!(list(&w, &w.alice, "").await["count"], json!(0));
}

#[tokio::test]
async fn create_same_pair_twice_is_400_under_non_field_errors() {
    let w = World::assigned(false).await;

    // Even with different flags and notes, the pair is the same.
    let resp = post_mapping(
        &w,
        &w.alice,
        json!({
            "patient": w.john["id"],
            "doctor": w.chen["id"],
            "is_primary": true,
            "notes": "again",
        }),
    )
    .await;

    resp.error_envelope(StatusCode::BAD_REQUEST);
    assert_eq!(resp.error_fields(), vec!["non_field_errors"]);
    let body = list(&w, &w.alice, "").await;
    assert_eq!(body["count"], json!(1));
    assert_eq!(body["data"][0], w.john_chen);
}

#[tokio::test]
async fn create_without_patient_or_doctor_names_them() {
    let w = World::new().await;

    let no_patient = post_mapping(&w, &w.alice, json!({"doctor": w.chen["id"]})).await;
    no_patient.error_envelope(StatusCode::BAD_REQUEST);
    assert_eq!(no_patient.error_fields(), vec!["patient"]);

    let no_doctor = post_mapping(&w, &w.alice, json!({"patient": w.john["id"]})).await;
    no_doctor.error_envelope(StatusCode::BAD_REQUEST);
    assert_eq!(no_doctor.error_fields(), vec!["doctor"]);

    let neither = post_mapping(&w, &w.alice, json!({"is_primary": true, "notes": "x"})).await;
    neither.error_envelope(StatusCode::BAD_REQUEST);
    assert_eq!(neither.error_fields(), sorted(&["doctor", "patient"]));

    let nulls = post_mapping(&w, &w.alice, json!({"patient": null, "doctor": null})).await;
    nulls.error_envelope(StatusCode::BAD_REQUEST);
    assert_eq!(nulls.error_fields(), sorted(&["doctor", "patient"]));

    assert_eq!(list(&w, &w.alice, "").await["count"], json!(0));
}

#[tokio::test]
async fn create_with_wrong_types_is_400_naming_the_field() {
    let w = World::new().await;

    let cases = [
        (json!({"patient": "abc", "doctor": w.chen["id"]}), "patient"),
        (json!({"patient": true, "doctor": w.chen["id"]}), "patient"),
        (
            json!({"patient": [w.john["id"]], "doctor": w.chen["id"]}),
            "patient",
        ),
        (
            json!({"patient": {"id": w.john["id"]}, "doctor": w.chen["id"]}),
            "patient",
        ),
        (json!({"patient": w.john["id"], "doctor": "abc"}), "doctor"),
        (json!({"patient": w.john["id"], "doctor": true}), "doctor"),
        (
            json!({"patient": w.john["id"], "doctor": w.chen["id"], "is_primary": "maybe"}),
            "is_primary",
        ),
        (
            json!({"patient": w.john["id"], "doctor": w.chen["id"], "is_primary": null}),
            "is_primary",
        ),
    ];
    for (body, field) in cases {
        let resp = post_mapping(&w, &w.alice, body.clone()).await;
        resp.error_envelope(StatusCode::BAD_REQUEST);
        assert_eq!(
            resp.error_fields(),
            vec![field],
            "body {body}: {}",
            resp.body
        );
    }

    let both = post_mapping(&w, &w.alice, json!({"patient": "abc", "doctor": true})).await;
    both.error_envelope(StatusCode::BAD_REQUEST);
    assert_eq!(both.error_fields(), sorted(&["doctor", "patient"]));

    let not_an_object = post_mapping(&w, &w.alice, json!([1, 2])).await;
    assert_eq!(
        not_an_object.status,
        StatusCode::BAD_REQUEST,
        "{}",
        not_an_object.body
    );
    assert_eq!(not_an_object.body["success"], json!(false));

    assert_eq!(list(&w, &w.alice, "").await["count"], json!(0));
}

#[tokio::test]
async fn a_second_primary_demotes_the_first() {
    let w = World::assigned(true).await;
    let mary = w.mary().await;
    let patel = w.patel().await;
    // Mary's primary must survive John's change.
    let marys = w.assign(&w.alice, &mary, &w.chen, true).await;

    let second = w.assign(&w.alice, &w.john, &patel, true).await;

    assert_eq!(second["is_primary"], json!(true));
    assert_eq!(primaries(&w, &w.alice, &w.john).await, vec![id(&second)]);
    let old = detail(&w, &w.alice, id(&w.john_chen)).await;
    assert_eq!(old.status, StatusCode::OK, "{}", old.body);
    assert_eq!(old.body["data"]["is_primary"], json!(false));
    assert_eq!(old.body["data"]["notes"], w.john_chen["notes"]);
    assert_eq!(primaries(&w, &w.alice, &mary).await, vec![id(&marys)]);

    // The patient's own view agrees: exactly one primary.
    let resp = w
        .get(&format!("/api/mappings/{}/", id(&w.john)))
        .token(&w.alice)
        .send()
        .await;
    let flags: Vec<(i32, bool)> = resp.body["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|m| (id(m), m["is_primary"].as_bool().expect("bool")))
        .collect();
    assert_eq!(flags, vec![(id(&second), true), (id(&w.john_chen), false)]);
}

#[tokio::test]
async fn a_non_primary_assignment_keeps_the_primary() {
    let w = World::assigned(true).await;
    let patel = w.patel().await;

    w.assign(&w.alice, &w.john, &patel, false).await;

    assert_eq!(
        primaries(&w, &w.alice, &w.john).await,
        vec![id(&w.john_chen)]
    );
}

#[tokio::test]
async fn patch_is_primary_true_demotes_the_other() {
    let w = World::assigned(true).await;
    let mary = w.mary().await;
    let patel = w.patel().await;
    let other = w.assign(&w.alice, &w.john, &patel, false).await;
    let marys = w.assign(&w.alice, &mary, &patel, true).await;

    let resp = w
        .patch(&format!("/api/mappings/detail/{}/", id(&other)))
        .token(&w.alice)
        .json(json!({"is_primary": true}))
        .send()
        .await;

    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    assert_eq!(resp.body["data"]["is_primary"], json!(true));
    // PATCH of is_primary alone leaves the notes.
    assert_eq!(resp.body["data"]["notes"], other["notes"]);
    assert_eq!(primaries(&w, &w.alice, &w.john).await, vec![id(&other)]);
    let demoted = detail(&w, &w.alice, id(&w.john_chen)).await;
    assert_eq!(demoted.body["data"]["is_primary"], json!(false));
    assert_eq!(primaries(&w, &w.alice, &mary).await, vec![id(&marys)]);
}

#[tokio::test]
async fn patch_is_primary_true_on_the_primary_keeps_it_primary() {
    let w = World::assigned(true).await;

    let resp = w
        .patch(&format!("/api/mappings/detail/{}/", id(&w.john_chen)))
        .token(&w.alice)
        .json(json!({"is_primary": true}))
        .send()
        .await;

    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    assert_eq!(resp.body["data"]["is_primary"], json!(true));
    assert_eq!(
        primaries(&w, &w.alice, &w.john).await,
        vec![id(&w.john_chen)]
    );
}

#[tokio::test]
async fn patch_notes_only_leaves_is_primary() {
    let w = World::assigned(true).await;
    let patel = w.patel().await;
    let other = w.assign(&w.alice, &w.john, &patel, false).await;

    for (mapping, flag) in [(&w.john_chen, true), (&other, false)] {
        let path = format!("/api/mappings/detail/{}/", id(mapping));
        let resp = w
            .patch(&path)
            .token(&w.alice)
            .json(json!({"notes": "Follow-up in 3 months"}))
            .send()
            .await;
        assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
        assert_eq!(resp.body["data"]["notes"], json!("Follow-up in 3 months"));
        assert_eq!(resp.body["data"]["is_primary"], json!(flag));
        let stored = w.get(&path).token(&w.alice).send().await;
        assert_eq!(stored.body["data"]["is_primary"], json!(flag));
        assert_eq!(stored.body["data"]["notes"], json!("Follow-up in 3 months"));
    }
    assert_eq!(
        primaries(&w, &w.alice, &w.john).await,
        vec![id(&w.john_chen)]
    );
}

#[tokio::test]
async fn patch_is_primary_false_demotes_only_that_mapping() {
    let w = World::assigned(true).await;

    let resp = w
        .patch(&format!("/api/mappings/detail/{}/", id(&w.john_chen)))
        .token(&w.alice)
        .json(json!({"is_primary": false}))
        .send()
        .await;

    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    assert_eq!(resp.body["data"]["is_primary"], json!(false));
    assert!(primaries(&w, &w.alice, &w.john).await.is_empty());
}

#[tokio::test]
async fn patch_with_wrong_types_is_400_and_changes_nothing() {
    let w = World::assigned(false).await;
    let path = format!("/api/mappings/detail/{}/", id(&w.john_chen));

    let resp = w
        .patch(&path)
        .token(&w.alice)
        .json(json!({"is_primary": "yes please", "notes": "changed"}))
        .send()
        .await;

    resp.error_envelope(StatusCode::BAD_REQUEST);
    assert_eq!(resp.error_fields(), vec!["is_primary"]);
    let stored = w.get(&path).token(&w.alice).send().await;
    assert_eq!(stored.body["data"], w.john_chen);
}
