//! Directory integrity: the creator of a doctor record may not delete it from
//! under other users' patients (409, nothing deleted); their own assignments
//! go with it, and staff in the console may still delete it, seeing what goes.
use futures::future::join;

use super::*;
use crate::requests::admin::{account, html, location, Console};

async fn mappings_of(app: &TestApp, user: &User, doctor: &Value) -> Value {
    let resp = app
        .get(&format!("/api/mappings/?doctor_id={}", doctor["id"]))
        .token(user)
        .send()
        .await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    resp.body["count"].clone()
}

#[tokio::test]
async fn deleting_a_doctor_assigned_to_other_users_patients_is_409_and_deletes_nothing() {
    let w = World::new().await;
    let carol = w.register("Carol").await;
    w.assign(&w.alice, &w.john, &w.chen, true).await;
    for _ in 0..2 {
        let patient = w.create_patient(&w.bob, json!({})).await;
        w.assign(&w.bob, &patient, &w.chen, false).await;
    }
    let carols = w.create_patient(&carol, json!({})).await;
    w.assign(&carol, &carols, &w.chen, true).await;

    let resp = w
        .delete(&detail(&w.chen["id"]))
        .token(&w.alice)
        .send()
        .await;
    let errors = resp.error_envelope(StatusCode::CONFLICT);
    let message = errors["detail"][0].as_str().expect("a detail message");
    assert!(message.contains("3 patients of other users"), "{message}");
    assert!(message.contains("is_available=false"), "{message}");
    insta::assert_json_snapshot!(resp.snapshot());

    // Nothing was deleted: the record and every assignment, Alice's too.
    let kept = w.get(&detail(&w.chen["id"])).token(&w.alice).send().await;
    assert_eq!(kept.status, StatusCode::OK, "{}", kept.body);
    assert_eq!(kept.body["data"], w.chen);
    assert_eq!(mappings_of(&w, &w.alice, &w.chen).await, json!(1));
    assert_eq!(mappings_of(&w, &w.bob, &w.chen).await, json!(2));
    assert_eq!(mappings_of(&w, &carol, &w.chen).await, json!(1));

    // The way out the message offers works.
    let resp = w
        .patch(&detail(&w.chen["id"]))
        .token(&w.alice)
        .json(json!({ "is_available": false }))
        .send()
        .await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    assert_eq!(resp.body["data"]["is_available"], json!(false));

    // One patient left: the message counts in the singular.
    let bobs = w
        .get(&format!("/api/mappings/?doctor_id={}", w.chen["id"]))
        .token(&w.bob)
        .send()
        .await;
    for mapping in bobs.body["data"].as_array().expect("data") {
        let resp = w
            .delete(&format!("/api/mappings/detail/{}/", mapping["id"]))
            .token(&w.bob)
            .send()
            .await;
        assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    }
    let resp = w
        .delete(&detail(&w.chen["id"]))
        .token(&w.alice)
        .send()
        .await;
    let errors = resp.error_envelope(StatusCode::CONFLICT);
    assert!(
        errors["detail"][0]
            .as_str()
            .is_some_and(|m| m.contains("1 patient of another user")),
        "{}",
        resp.body
    );
}

#[tokio::test]
async fn the_creators_own_assignments_do_not_block_the_delete() {
    let w = World::assigned(true).await;
    let other = w.create_patient(&w.alice, json!({})).await;
    w.assign(&w.alice, &other, &w.chen, false).await;

    let resp = w
        .delete(&detail(&w.chen["id"]))
        .token(&w.alice)
        .send()
        .await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    w.get(&detail(&w.chen["id"]))
        .token(&w.alice)
        .send()
        .await
        .error_envelope(StatusCode::NOT_FOUND);
    // Her assignments went with it (the cascade); her patients stay.
    assert_eq!(mappings_of(&w, &w.alice, &w.chen).await, json!(0));
    let patient = w
        .get(&format!("/api/patients/{}/", w.john["id"]))
        .token(&w.alice)
        .send()
        .await;
    assert_eq!(patient.status, StatusCode::OK);
}

#[tokio::test]
async fn staff_in_the_console_may_still_delete_a_doctor_assigned_to_anyones_patients() {
    let w = World::new().await;
    let patient = w.bobs_patient().await;
    w.assign(&w.bob, &patient, &w.chen, true).await;
    let path = format!("/admin/doctors/{}/", w.chen["id"]);

    let staff = account(&w, "Staff Deleter", true, false).await;
    let console = Console::sign_in(&w, &staff).await;
    let confirm = console.get(&format!("{path}delete/")).await;
    assert_eq!(confirm.status, StatusCode::OK, "{}", confirm.body);
    assert!(
        html(&confirm).contains("1 assignment(s)"),
        "{}",
        html(&confirm)
    );
    let deleted = console.post(&format!("{path}delete/"), &[]).await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER, "{}", deleted.body);
    assert_eq!(location(&deleted), "/admin/doctors/");

    w.get(&detail(&w.chen["id"]))
        .token(&w.alice)
        .send()
        .await
        .error_envelope(StatusCode::NOT_FOUND);
    assert_eq!(mappings_of(&w, &w.bob, &w.chen).await, json!(0));
}

/// Another user's assignment racing the creator's delete: either the delete
/// sees it (409) or the assignment finds no doctor (400); never both a 200
/// delete and a 201 assignment that the cascade then silently removed.
#[tokio::test]
async fn an_assignment_racing_the_delete_is_never_lost_silently() {
    let w = Users::new().await;
    let patient = w.bobs_patient().await;
    for round in 0..8 {
        let doctor = w.create_doctor(&w.alice, json!({})).await;
        let delete = w.delete(&detail(&doctor["id"])).token(&w.alice).send();
        let assign = w
            .post("/api/mappings/")
            .token(&w.bob)
            .json(json!({ "patient": patient["id"], "doctor": doctor["id"] }))
            .send();
        let (deleted, assigned) = if round % 2 == 0 {
            join(delete, assign).await
        } else {
            let (assigned, deleted) = join(assign, delete).await;
            (deleted, assigned)
        };
        let exists = w.get(&detail(&doctor["id"])).token(&w.bob).send().await;
        let bobs = mappings_of(&w, &w.bob, &doctor).await;
        match (deleted.status, assigned.status) {
            (StatusCode::CONFLICT, StatusCode::CREATED) => {
                assert_eq!(exists.status, StatusCode::OK, "round {round}");
                assert_eq!(bobs, json!(1), "round {round}");
            }
            (StatusCode::OK, StatusCode::BAD_REQUEST) => {
                assert_eq!(assigned.error_fields(), ["doctor"], "{}", assigned.body);
                assert_eq!(exists.status, StatusCode::NOT_FOUND, "round {round}");
                assert_eq!(bobs, json!(0), "round {round}");
            }
            other => panic!(
                "round {round}: delete {} / assign {}: {other:?} ({} / {})",
                deleted.status, assigned.status, deleted.body, assigned.body
            ),
        }
    }
}
