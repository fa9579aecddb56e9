//! Scoping, filters, cascades and races.
use super::*;

#[tokio::test]
async fn list_never_shows_another_users_mappings() {
    let w = World::new().await;
    let bobs_patient = w
        .create_patient(&w.bob, json!({"first_name": "Bobby"}))
        .await;
    let alices = w.assign(&w.alice, &w.john, &w.chen, true).await;
    let bobs = w.assign(&w.bob, &bobs_patient, &w.chen, true).await;

    let all = list(&w, &w.bob, "").await;
    assert_eq!(all["count"], json!(1));
    assert_eq!(ids(&all), vec![id(&bobs)]);

    let by_alices_patient = list(&w, &w.bob, &format!("?patient_id={}", id(&w.john))).await;
    assert_eq!(by_alices_patient["count"], json!(0));
    assert_eq!(by_alices_patient["data"], json!([]));

    let by_doctor = list(&w, &w.bob, &format!("?doctor_id={}", id(&w.chen))).await;
    assert_eq!(ids(&by_doctor), vec![id(&bobs)]);

    let primaries_only = list(&w, &w.bob, "?is_primary=true").await;
    assert_eq!(ids(&primaries_only), vec![id(&bobs)]);

    let alices_view = list(&w, &w.alice, "").await;
    assert_eq!(ids(&alices_view), vec![id(&alices)]);
}

#[tokio::test]
async fn patient_doctors_of_another_users_patient_is_404() {
    let w = World::assigned(true).await;

    let foreign = w
        .get(&format!("/api/mappings/{}/", id(&w.john)))
        .token(&w.bob)
        .send()
        .await;
    foreign.error_envelope(StatusCode::NOT_FOUND);

    // Answered exactly like a patient that does not exist.
    let missing = w.get("/api/mappings/999999/").token(&w.bob).send().await;
    missing.error_envelope(StatusCode::NOT_FOUND);
    assert_eq!(foreign.body, missing.body);
}

#[tokio::test]
async fn mapping_detail_of_another_user_is_404_and_untouched() {
    let w = Users::new().await;
    let alices_patient = w.create_patient(&w.alice, json!({})).await;
    // Bob created the doctor; the mapping is still Alice's (its patient is).
    let doctor = w.create_doctor(&w.bob, json!({})).await;
    let mapping = w.assign(&w.alice, &alices_patient, &doctor, false).await;
    let path = format!("/api/mappings/detail/{}/", id(&mapping));

    let shown = w.get(&path).token(&w.bob).send().await;
    shown.error_envelope(StatusCode::NOT_FOUND);
    let missing = w
        .get("/api/mappings/detail/999999/")
        .token(&w.bob)
        .send()
        .await;
    assert_eq!(shown.body, missing.body);

    let patched = w
        .patch(&path)
        .token(&w.bob)
        .json(json!({"is_primary": true, "notes": "hijacked"}))
        .send()
        .await;
    patched.error_envelope(StatusCode::NOT_FOUND);

    let deleted = w.delete(&path).token(&w.bob).send().await;
    deleted.error_envelope(StatusCode::NOT_FOUND);

    let stored = w.get(&path).token(&w.alice).send().await;
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
    let w = Users::new().await;
    let alices_patient = w.create_patient(&w.alice, json!({})).await;
    let bobs_doctor = w
        .create_doctor(
            &w.bob,
            json!({"first_name": "Raj", "last_name": "Patel", "specialization": "cardiology"}),
        )
        .await;

    let resp = post_mapping(
        &w,
        &w.alice,
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
    assert_eq!(ids(&list(&w, &w.alice, "").await), vec![id(data)]);
    // Bob sees nothing: the patient is not his.
    assert_eq!(list(&w, &w.bob, "").await["count"], json!(0));
}

#[tokio::test]
async fn list_filters_by_patient_doctor_and_is_primary() {
    let w = World::assigned(true).await;
    let mary = w.mary().await;
    let patel = w.patel().await;
    let john_patel = w.assign(&w.alice, &w.john, &patel, false).await;
    let mary_chen = w.assign(&w.alice, &mary, &w.chen, false).await;

    let cases = [
        (
            format!("?patient_id={}", id(&w.john)),
            vec![&john_patel, &w.john_chen],
        ),
        (format!("?patient_id={}", id(&mary)), vec![&mary_chen]),
        (
            format!("?doctor_id={}", id(&w.chen)),
            vec![&mary_chen, &w.john_chen],
        ),
        (format!("?doctor_id={}", id(&patel)), vec![&john_patel]),
        ("?is_primary=true".to_string(), vec![&w.john_chen]),
        (
            "?is_primary=false".to_string(),
            vec![&mary_chen, &john_patel],
        ),
        (
            format!("?patient_id={}&is_primary=false", id(&w.john)),
            vec![&john_patel],
        ),
        (
            format!("?patient_id={}&doctor_id={}", id(&mary), id(&w.chen)),
            vec![&mary_chen],
        ),
        (
            format!("?patient_id={}&doctor_id={}", id(&mary), id(&patel)),
            vec![],
        ),
        ("?patient_id=999999".to_string(), vec![]),
        ("".to_string(), vec![&mary_chen, &john_patel, &w.john_chen]),
    ];
    for (query, expected) in cases {
        let body = list(&w, &w.alice, &query).await;
        let want: Vec<i32> = expected.iter().map(|m| id(m)).collect();
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

#[tokio::test]
async fn deleting_a_patient_deletes_its_mappings() {
    let w = World::assigned(true).await;
    let mary = w.mary().await;
    let patel = w.patel().await;
    let john_patel = w.assign(&w.alice, &w.john, &patel, false).await;
    let mary_chen = w.assign(&w.alice, &mary, &w.chen, true).await;

    let resp = w
        .delete(&format!("/api/patients/{}/", id(&w.john)))
        .token(&w.alice)
        .send()
        .await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);

    assert_eq!(ids(&list(&w, &w.alice, "").await), vec![id(&mary_chen)]);
    for gone in [&w.john_chen, &john_patel] {
        detail(&w, &w.alice, id(gone))
            .await
            .error_envelope(StatusCode::NOT_FOUND);
    }
    let filtered = list(&w, &w.alice, &format!("?doctor_id={}", id(&w.chen))).await;
    assert_eq!(ids(&filtered), vec![id(&mary_chen)]);
    // The doctors themselves remain.
    for doctor in [&w.chen, &patel] {
        let resp = w
            .get(&format!("/api/doctors/{}/", id(doctor)))
            .token(&w.alice)
            .send()
            .await;
        assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    }
}

#[tokio::test]
async fn deleting_a_doctor_deletes_its_mappings() {
    let w = World::new().await;
    let bobs_patient = w.bobs_patient().await;
    // Bob's doctor, assigned by Alice and by Bob.
    let patel = w
        .create_doctor(&w.bob, json!({"first_name": "Raj", "last_name": "Patel"}))
        .await;
    let john_chen = w.assign(&w.alice, &w.john, &w.chen, false).await;
    let john_patel = w.assign(&w.alice, &w.john, &patel, true).await;
    let bobs_mapping = w.assign(&w.bob, &bobs_patient, &patel, true).await;

    // Alice's assignment of Bob's doctor blocks his delete (409, nothing
    // deleted: tests/requests/doctors/integrity.rs) until she removes it;
    // then his own assignment goes with the doctor.
    let delete_patel = || {
        w.delete(&format!("/api/doctors/{}/", id(&patel)))
            .token(&w.bob)
            .send()
    };
    delete_patel().await.error_envelope(StatusCode::CONFLICT);
    let resp = w
        .delete(&format!("/api/mappings/detail/{}/", id(&john_patel)))
        .token(&w.alice)
        .send()
        .await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    let resp = delete_patel().await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);

    assert_eq!(ids(&list(&w, &w.alice, "").await), vec![id(&john_chen)]);
    assert_eq!(list(&w, &w.bob, "").await["count"], json!(0));
    detail(&w, &w.alice, id(&john_patel))
        .await
        .error_envelope(StatusCode::NOT_FOUND);
    detail(&w, &w.bob, id(&bobs_mapping))
        .await
        .error_envelope(StatusCode::NOT_FOUND);
    let johns = w
        .get(&format!("/api/mappings/{}/", id(&w.john)))
        .token(&w.alice)
        .send()
        .await;
    assert_eq!(johns.body["count"], json!(1));
    assert_eq!(ids(&johns.body), vec![id(&john_chen)]);
}

#[tokio::test]
async fn a_doctor_with_mappings_cannot_be_deleted_by_someone_else() {
    let w = Users::new().await;
    let john = w.create_patient(&w.alice, json!({})).await;
    let bobs_doctor = w.create_doctor(&w.bob, json!({})).await;
    let mapping = w.assign(&w.alice, &john, &bobs_doctor, true).await;

    let resp = w
        .delete(&format!("/api/doctors/{}/", id(&bobs_doctor)))
        .token(&w.alice)
        .send()
        .await;
    resp.error_envelope(StatusCode::FORBIDDEN);

    let stored = detail(&w, &w.alice, id(&mapping)).await;
    assert_eq!(stored.status, StatusCode::OK, "{}", stored.body);
    assert_eq!(stored.body["data"], mapping);
}

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
    let w = World::new().await;

    let responses = futures::future::join_all((0..5).map(|_| {
        post_mapping(
            &w,
            &w.alice,
            json!({"patient": w.john["id"], "doctor": w.chen["id"]}),
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
    assert_eq!(list(&w, &w.alice, "").await["count"], json!(1));
}
