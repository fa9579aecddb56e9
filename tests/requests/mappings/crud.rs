//! Snapshots of every mapping endpoint and its main errors.
use super::*;

#[tokio::test]
async fn create_mapping_returns_201_with_details() {
    let w = World::new().await;

    let resp = post_mapping(
        &w,
        &w.alice,
        json!({
            "patient": w.john["id"],
            "doctor": w.chen["id"],
            "is_primary": true,
            "notes": "Primary neurologist",
        }),
    )
    .await;

    assert_eq!(resp.status, StatusCode::CREATED, "{}", resp.body);
    assert_eq!(resp.body["success"], json!(true));
    let data = &resp.body["data"];
    assert_eq!(data["patient"], w.john["id"]);
    assert_eq!(data["patient_detail"]["id"], w.john["id"]);
    assert_eq!(data["doctor"], w.chen["id"]);
    assert_eq!(data["doctor_detail"]["id"], w.chen["id"]);
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
    let w = World::new().await;
    let mary = w
        .create_patient(
            &w.alice,
            json!({"first_name": "Mary", "last_name": "Major"}),
        )
        .await;
    let patel = w
        .create_doctor(
            &w.alice,
            json!({
                "first_name": "Raj",
                "last_name": "Patel",
                "specialization": "cardiology",
                "hospital_name": "Heart Institute",
            }),
        )
        .await;
    let first = w.assign(&w.alice, &w.john, &w.chen, true).await;
    let second = w.assign(&w.alice, &mary, &patel, false).await;

    let resp = w.get("/api/mappings/").token(&w.alice).send().await;

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
    let w = World::new().await;
    let other = w
        .create_patient(&w.alice, json!({"first_name": "Other"}))
        .await;
    let patel = w
        .create_doctor(
            &w.alice,
            json!({"first_name": "Raj", "last_name": "Patel", "specialization": "cardiology"}),
        )
        .await;
    let first = w.assign(&w.alice, &w.john, &w.chen, true).await;
    let second = w.assign(&w.alice, &w.john, &patel, false).await;
    // Another patient's mapping must not show up.
    w.assign(&w.alice, &other, &w.chen, false).await;

    let resp = w
        .get(&format!("/api/mappings/{}/", id(&w.john)))
        .token(&w.alice)
        .send()
        .await;

    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    assert_eq!(
        keys(&resp.body),
        sorted(&["success", "message", "patient", "count", "data"])
    );
    assert_eq!(resp.body["success"], json!(true));
    assert_eq!(keys(&resp.body["patient"]), sorted(&["id", "full_name"]));
    assert_eq!(resp.body["patient"]["id"], w.john["id"]);
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
    let w = World::new().await;

    let resp = w
        .get(&format!("/api/mappings/{}/", id(&w.john)))
        .token(&w.alice)
        .send()
        .await;

    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    assert_eq!(resp.body["count"], json!(0));
    assert_eq!(resp.body["data"], json!([]));
    assert_eq!(resp.body["patient"]["id"], w.john["id"]);
}

#[tokio::test]
async fn mapping_detail_get_patch_delete() {
    let w = World::assigned(false).await;
    let path = format!("/api/mappings/detail/{}/", id(&w.john_chen));

    let shown = w.get(&path).token(&w.alice).send().await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.body);
    assert_eq!(shown.body["data"], w.john_chen);
    insta::assert_json_snapshot!("detail_get", shown.snapshot());

    let patched = w
        .patch(&path)
        .token(&w.alice)
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
    let reread = w.get(&path).token(&w.alice).send().await;
    assert_eq!(reread.body["data"], patched.body["data"]);

    let deleted = w.delete(&path).token(&w.alice).send().await;
    assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.body);
    assert_eq!(deleted.body["success"], json!(true));
    assert_eq!(deleted.body["data"], Value::Null);
    insta::assert_json_snapshot!("detail_delete", deleted.snapshot());

    let gone = w.get(&path).token(&w.alice).send().await;
    gone.error_envelope(StatusCode::NOT_FOUND);
    insta::assert_json_snapshot!("detail_gone", gone.snapshot());
    assert_eq!(list(&w, &w.alice, "").await["count"], json!(0));
    // Deleting it again is 404 too.
    let again = w.delete(&path).token(&w.alice).send().await;
    again.error_envelope(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn main_errors() {
    let w = World::new().await;

    let missing = post_mapping(&w, &w.alice, json!({})).await;
    missing.error_envelope(StatusCode::BAD_REQUEST);
    assert_eq!(missing.error_fields(), sorted(&["doctor", "patient"]));
    insta::assert_json_snapshot!("error_missing_fields", missing.snapshot());

    let no_patient = post_mapping(
        &w,
        &w.alice,
        json!({"patient": 999_999, "doctor": w.chen["id"]}),
    )
    .await;
    no_patient.error_envelope(StatusCode::BAD_REQUEST);
    assert_eq!(no_patient.error_fields(), vec!["patient"]);
    insta::assert_json_snapshot!("error_unknown_patient", no_patient.snapshot());

    let no_doctor = post_mapping(
        &w,
        &w.alice,
        json!({"patient": w.john["id"], "doctor": 999_999}),
    )
    .await;
    no_doctor.error_envelope(StatusCode::BAD_REQUEST);
    assert_eq!(no_doctor.error_fields(), vec!["doctor"]);
    insta::assert_json_snapshot!("error_unknown_doctor", no_doctor.snapshot());

    w.assign(&w.alice, &w.john, &w.chen, false).await;
    let duplicate = post_mapping(
        &w,
        &w.alice,
        json!({"patient": w.john["id"], "doctor": w.chen["id"]}),
    )
    .await;
    duplicate.error_envelope(StatusCode::BAD_REQUEST);
    assert_eq!(duplicate.error_fields(), vec!["non_field_errors"]);
    insta::assert_json_snapshot!("error_duplicate_pair", duplicate.snapshot());

    let not_found = detail(&w, &w.alice, 999_999).await;
    not_found.error_envelope(StatusCode::NOT_FOUND);
    insta::assert_json_snapshot!("error_detail_not_found", not_found.snapshot());

    let no_such_patient = w.get("/api/mappings/999999/").token(&w.alice).send().await;
    no_such_patient.error_envelope(StatusCode::NOT_FOUND);
    insta::assert_json_snapshot!("error_patient_not_found", no_such_patient.snapshot());

    let anonymous = w.get("/api/mappings/").send().await;
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
