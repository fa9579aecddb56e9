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
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let bob = app.register("Bob").await;
    let carol = app.register("Carol").await;
    let doctor = app.create_doctor(&alice, json!({})).await;
    let alices = app.create_patient(&alice, json!({})).await;
    app.assign(&alice, &alices, &doctor, true).await;
    for _ in 0..2 {
        let patient = app.create_patient(&bob, json!({})).await;
        app.assign(&bob, &patient, &doctor, false).await;
    }
    let carols = app.create_patient(&carol, json!({})).await;
    app.assign(&carol, &carols, &doctor, true).await;

    let resp = app
        .delete(&detail(&doctor["id"]))
        .token(&alice)
        .send()
        .await;
    let errors = resp.error_envelope(StatusCode::CONFLICT);
    let message = errors["detail"][0].as_str().expect("a detail message");
    assert!(message.contains("3 patients of other users"), "{message}");
    assert!(message.contains("is_available=false"), "{message}");
    insta::assert_json_snapshot!(resp.snapshot());

    // Nothing was deleted: the record and every assignment, Alice's too.
    let kept = app.get(&detail(&doctor["id"])).token(&alice).send().await;
    assert_eq!(kept.status, StatusCode::OK, "{}", kept.body);
    assert_eq!(kept.body["data"], doctor);
    assert_eq!(mappings_of(&app, &alice, &doctor).await, json!(1));
    assert_eq!(mappings_of(&app, &bob, &doctor).await, json!(2));
    assert_eq!(mappings_of(&app, &carol, &doctor).await, json!(1));

    // The way out the message offers works.
    let resp = app
        .patch(&detail(&doctor["id"]))
        .token(&alice)
        .json(json!({ "is_available": false }))
        .send()
        .await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    assert_eq!(resp.body["data"]["is_available"], json!(false));

    // One patient left: the message counts in the singular.
    let bobs = app
        .get(&format!("/api/mappings/?doctor_id={}", doctor["id"]))
        .token(&bob)
        .send()
        .await;
    for mapping in bobs.body["data"].as_array().expect("data") {
        let resp = app
            .delete(&format!("/api/mappings/detail/{}/", mapping["id"]))
            .token(&bob)
            .send()
            .await;
        assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    }
    let resp = app
        .delete(&detail(&doctor["id"]))
        .token(&alice)
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
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let doctor = app.create_doctor(&alice, json!({})).await;
    let patient = app.create_patient(&alice, json!({})).await;
    app.assign(&alice, &patient, &doctor, true).await;
    let other = app.create_patient(&alice, json!({})).await;
    app.assign(&alice, &other, &doctor, false).await;

    let resp = app
        .delete(&detail(&doctor["id"]))
        .token(&alice)
        .send()
        .await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    app.get(&detail(&doctor["id"]))
        .token(&alice)
        .send()
        .await
        .error_envelope(StatusCode::NOT_FOUND);
    // Her assignments went with it (the cascade); her patients stay.
    assert_eq!(mappings_of(&app, &alice, &doctor).await, json!(0));
    let patient = app
        .get(&format!("/api/patients/{}/", patient["id"]))
        .token(&alice)
        .send()
        .await;
    assert_eq!(patient.status, StatusCode::OK);
}

#[tokio::test]
async fn staff_in_the_console_may_still_delete_a_doctor_assigned_to_anyones_patients() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let bob = app.register("Bob").await;
    let doctor = app.create_doctor(&alice, json!({})).await;
    let patient = app.create_patient(&bob, json!({})).await;
    app.assign(&bob, &patient, &doctor, true).await;
    let path = format!("/admin/doctors/{}/", doctor["id"]);

    let staff = account(&app, "Staff Deleter", true, false).await;
    let console = Console::sign_in(&app, &staff).await;
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

    app.get(&detail(&doctor["id"]))
        .token(&alice)
        .send()
        .await
        .error_envelope(StatusCode::NOT_FOUND);
    assert_eq!(mappings_of(&app, &bob, &doctor).await, json!(0));
}

/// Another user's assignment racing the creator's delete: either the delete
/// sees it (409) or the assignment finds no doctor (400); never both a 200
/// delete and a 201 assignment that the cascade then silently removed.
#[tokio::test]
async fn an_assignment_racing_the_delete_is_never_lost_silently() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let bob = app.register("Bob").await;
    let patient = app.create_patient(&bob, json!({})).await;
    for round in 0..8 {
        let doctor = app.create_doctor(&alice, json!({})).await;
        let delete = app.delete(&detail(&doctor["id"])).token(&alice).send();
        let assign = app
            .post("/api/mappings/")
            .token(&bob)
            .json(json!({ "patient": patient["id"], "doctor": doctor["id"] }))
            .send();
        let (deleted, assigned) = if round % 2 == 0 {
            join(delete, assign).await
        } else {
            let (assigned, deleted) = join(assign, delete).await;
            (deleted, assigned)
        };
        let exists = app.get(&detail(&doctor["id"])).token(&bob).send().await;
        let bobs = mappings_of(&app, &bob, &doctor).await;
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
