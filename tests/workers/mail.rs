//! The account e-mails: queued by the request, sent by the worker, and a
//! failing SMTP server that neither fails nor slows the API.
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use healthcare_backend::models::_entities::{failed_emails, users};
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};
use serde_json::json;

use super::smtp::{smtp_mailer, FakeSmtp};
use crate::support::{
    jobs::{deliveries, drain, queued_jobs, redis_queue_config, run_worker_until},
    patient_body, TestApp,
};

/// The message in `messages` addressed to `to`, whose subject is `subject`.
fn message<'a>(messages: &'a [String], to: &str, subject: &str) -> &'a str {
    messages
        .iter()
        .find(|m| m.contains(&format!("To: {to}")) && m.contains(&format!("Subject: {subject}")))
        .unwrap_or_else(|| panic!("no \"{subject}\" to {to} in {messages:#?}"))
}

#[tokio::test]
async fn registration_queues_a_welcome_email_that_the_worker_sends() {
    let app = TestApp::spawn().await;
    let user = app.register("Alice Welcome").await;

    // The request only queued a job, naming the user by id.
    let jobs = queued_jobs(&app.ctx).await;
    assert_eq!(jobs.len(), 1, "{jobs:?}");
    assert_eq!(jobs[0].name, "MailWorker");
    assert_eq!(jobs[0].status, "queued");
    assert_eq!(
        jobs[0].data,
        json!({ "kind": "welcome", "user_id": user.id })
    );
    assert!(
        deliveries(&app.ctx).is_empty(),
        "nothing sent in the request"
    );

    drain(&app.ctx, &app.ctx).await;
    assert_eq!(queued_jobs(&app.ctx).await[0].status, "completed");
    let sent = deliveries(&app.ctx);
    assert_eq!(sent.len(), 1);
    let welcome = message(&sent, &user.email, "Welcome to Healthcare Records");
    assert!(welcome.contains("From: \"Healthcare Records\" <no-reply@testserver>"));
    assert!(welcome.contains("Hello Alice Welcome,"), "{welcome}");
    assert!(
        welcome.contains("Sign in at http://testserver"),
        "{welcome}"
    );
    assert!(!welcome.contains(crate::support::PASSWORD));
}

#[tokio::test]
async fn a_doctor_assignment_emails_the_patients_owner_with_ids_only() {
    let app = TestApp::spawn().await;
    let owner = app.register("Olive Owner").await;
    let colleague = app.register("Carl Colleague").await;
    let patient = app.create_patient(&owner, json!({})).await;
    let doctor = app.create_doctor(&colleague, json!({})).await;
    let mapping = app.assign(&owner, &patient, &doctor, true).await;

    let jobs = queued_jobs(&app.ctx).await;
    assert_eq!(
        jobs.last().expect("a job").data,
        json!({ "kind": "doctor_assigned", "mapping_id": mapping["id"] })
    );
    drain(&app.ctx, &app.ctx).await;
    let sent = deliveries(&app.ctx);
    assert_eq!(sent.len(), 3, "two welcomes and one assignment");
    let notice = message(
        &sent,
        &owner.email,
        "A doctor was assigned to one of your patients",
    );
    assert!(notice.contains("Hello Olive Owner,"), "{notice}");
    assert!(
        notice.contains(&format!("patient record #{}", patient["id"])),
        "{notice}"
    );
    assert!(
        notice.contains(&format!(
            "http://testserver/api/mappings/{}/",
            patient["id"]
        )),
        "{notice}"
    );
    // Minimal PHI: neither the patient nor the doctor is named, and nothing
    // of the record or the assignment's notes is in the e-mail.
    let body = patient_body();
    for value in [
        &body["first_name"],
        &body["last_name"],
        &body["email"],
        &body["date_of_birth"],
        &body["medical_history"],
        &body["allergies"],
        &doctor["first_name"],
        &doctor["last_name"],
        &doctor["specialization"],
        &mapping["notes"],
    ] {
        let value = value.as_str().expect("a text field");
        assert!(!notice.contains(value), "{value:?} in {notice}");
    }
    // The doctor's creator is not told anything.
    assert!(!sent
        .iter()
        .any(|m| m.contains(&format!("To: {}", colleague.email)) && m.contains("assigned")));
}

#[tokio::test]
async fn no_email_for_a_user_deactivated_before_the_worker_ran() {
    let app = TestApp::spawn().await;
    let user = app.register("Gone Soon").await;
    let row = users::Entity::find_by_id(i32::try_from(user.id).unwrap())
        .one(&app.ctx.db)
        .await
        .unwrap()
        .unwrap();
    let mut row = row.into_active_model();
    row.is_active = Set(false);
    row.update(&app.ctx.db).await.unwrap();

    drain(&app.ctx, &app.ctx).await;
    assert_eq!(queued_jobs(&app.ctx).await[0].status, "completed");
    assert!(deliveries(&app.ctx).is_empty());
}

#[tokio::test]
async fn a_hanging_smtp_server_neither_fails_nor_slows_the_requests() {
    let smtp = FakeSmtp::silent().await;
    let app = TestApp::spawn_configured(json!({}), |config| {
        config.mailer = Some(smtp_mailer(smtp.port));
    })
    .await;
    let started = Instant::now();
    let owner = app.register("Hasty Owner").await;
    let patient = app.create_patient(&owner, json!({})).await;
    let doctor = app.create_doctor(&owner, json!({})).await;
    app.assign(&owner, &patient, &doctor, false).await;
    // Four requests, two of them hashing a password; the server would hold
    // each e-mail for its 60 s timeout.
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(smtp.connections(), 0, "no request talked to SMTP");
    let statuses: Vec<String> = queued_jobs(&app.ctx)
        .await
        .into_iter()
        .map(|job| job.status)
        .collect();
    assert_eq!(statuses, ["queued", "queued"]);
}

#[tokio::test]
async fn a_send_that_keeps_failing_is_retried_with_backoff_then_recorded() {
    let smtp = FakeSmtp::refusing().await;
    let app = TestApp::spawn().await;
    let user = app.register("Unlucky Recipient").await;
    let mut worker_ctx = app.ctx.clone();
    worker_ctx.mailer = Some(
        loco_rs::mailer::EmailSender::smtp(smtp_mailer(smtp.port).smtp.as_ref().unwrap())
            .expect("smtp transport"),
    );

    let started = Instant::now();
    drain(&app.ctx, &worker_ctx).await;
    // config/test.yaml: 3 attempts, waiting 20 ms then 40 ms between them.
    assert!(started.elapsed() >= Duration::from_millis(60));
    assert_eq!(smtp.connections(), 3, "one connection per attempt");

    let job = &queued_jobs(&app.ctx).await[0];
    assert_eq!(job.status, "failed");
    let error = job.data["error"].as_str().expect("Loco keeps the error");
    assert!(
        error.contains("welcome e-mail not sent after 3 attempt(s)"),
        "{error}"
    );
    assert!(!error.contains(&user.email), "{error}");

    let failures = failed_emails::Entity::find()
        .all(&app.ctx.db)
        .await
        .unwrap();
    assert_eq!(failures.len(), 1);
    let failure = &failures[0];
    assert_eq!(failure.kind, "welcome");
    assert_eq!(failure.user_id, Some(i32::try_from(user.id).unwrap()));
    assert_eq!(failure.attempts, 3);
    assert!(failure.last_error.contains("554"), "{}", failure.last_error);
    // The API carries on.
    let me = app.get("/api/auth/me/").token(&user).send().await;
    assert_eq!(me.status, StatusCode::OK);
}

/// With `TEST_REDIS_URL` (CI sets it), the same job through a Redis queue.
#[tokio::test]
async fn the_queue_can_be_redis() {
    let Ok(url) = std::env::var("TEST_REDIS_URL") else {
        eprintln!("TEST_REDIS_URL is not set: Redis queue not tested");
        return;
    };
    // Its own logical database, away from the throttle tests' counters.
    let url = format!("{}/14", url.trim_end_matches('/'));
    let app = TestApp::spawn_configured(json!({}), |config| {
        config.queue = Some(redis_queue_config(&url));
    })
    .await;
    let user = app.register("Rita Redis").await;
    assert!(deliveries(&app.ctx).is_empty());
    run_worker_until(&app.ctx, &app.ctx, || async {
        deliveries(&app.ctx)
            .iter()
            .any(|m| m.contains(&format!("To: {}", user.email)))
    })
    .await;
    let sent = deliveries(&app.ctx);
    message(&sent, &user.email, "Welcome to Healthcare Records");
}
