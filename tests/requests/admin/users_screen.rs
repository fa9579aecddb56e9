//! The users screen: deactivation stops API tokens at once, password reset
//! with the API's validators, staff flags for superusers only.
use axum::http::StatusCode;
use healthcare_backend::models::{staff, users};
use sea_orm::EntityTrait;
use serde_json::json;

use super::{account, html, Console};
use crate::support::{TestApp, PASSWORD};

async fn row(app: &TestApp, id: i64) -> users::Model {
    users::Entity::find_by_id(i32::try_from(id).unwrap())
        .one(&app.ctx.db)
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn deactivating_a_user_refuses_their_api_token_at_once() {
    let app = TestApp::spawn().await;
    let staff = account(&app, "Sam Staff", true, false).await;
    let user = app.register("Dana Departed").await;
    assert_eq!(
        app.get("/api/auth/me/").token(&user).send().await.status,
        StatusCode::OK
    );
    let console = Console::sign_in(&app, &staff).await;
    // The box left unticked: not active.
    let response = console
        .post(
            &format!("/admin/users/{}/", user.id),
            &[("name", "Dana Departed"), ("email", &user.email)],
        )
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    let refused = app.get("/api/auth/me/").token(&user).send().await;
    refused.error_envelope(StatusCode::UNAUTHORIZED);
    let refresh = app
        .post("/api/auth/token/refresh/")
        .json(json!({ "refresh": user.refresh }))
        .send()
        .await;
    refresh.error_envelope(StatusCode::UNAUTHORIZED);
    let entries = html(&console.get("/admin/log/").await).to_string();
    assert!(entries.contains("deactivate"));
}

#[tokio::test]
async fn reactivating_a_user_revives_none_of_their_sessions() {
    let app = TestApp::spawn().await;
    let staff = account(&app, "Sam Staff", true, false).await;
    let user = app.register("Rex Returning").await;
    let console = Console::sign_in(&app, &staff).await;
    let path = format!("/admin/users/{}/", user.id);
    for active in [None, Some(("is_active", "true"))] {
        let mut fields = vec![("name", "Rex Returning"), ("email", user.email.as_str())];
        fields.extend(active);
        let response = console.post(&path, &fields).await;
        assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    }
    assert!(row(&app, user.id).await.is_active);
    let me = app.get("/api/auth/me/").token(&user).send().await;
    me.error_envelope(StatusCode::UNAUTHORIZED);
    let refresh = app
        .post("/api/auth/token/refresh/")
        .json(json!({ "refresh": user.refresh }))
        .send()
        .await;
    refresh.error_envelope(StatusCode::UNAUTHORIZED);
    // A new sign-in works.
    let login = app
        .post("/api/auth/login/")
        .json(json!({ "email": user.email, "password": PASSWORD }))
        .send()
        .await;
    assert_eq!(login.status, StatusCode::OK, "{}", login.body);
}

#[tokio::test]
async fn only_superusers_change_staff_flags() {
    let app = TestApp::spawn().await;
    let staff = account(&app, "Sam Staff", true, false).await;
    let root = account(&app, "Rita Root", true, true).await;
    let user = app.register("Uma User").await;
    let path = format!("/admin/users/{}/", user.id);
    let grant = [
        ("name", "Uma User"),
        ("email", user.email.as_str()),
        ("is_active", "true"),
        ("is_staff", "true"),
    ];

    let plain_staff = Console::sign_in(&app, &staff).await;
    let response = plain_staff.post(&path, &grant).await;
    // A refused action: 403, nothing changes (escalation.rs covers the log).
    assert_eq!(response.status, StatusCode::FORBIDDEN);
    assert!(
        !row(&app, user.id).await.is_staff,
        "a staff member cannot grant staff"
    );

    let superuser = Console::sign_in(&app, &root).await;
    let response = superuser.post(&path, &grant).await;
    assert_eq!(response.status, StatusCode::SEE_OTHER);
    assert!(row(&app, user.id).await.is_staff);
    let entries = html(&superuser.get("/admin/log/").await).to_string();
    assert!(entries.contains("change staff status"));

    // The rule is the model's, whatever the form sends.
    let actor = row(&app, staff.id).await;
    let refused = staff::update(
        &app.ctx.db,
        &actor,
        i32::try_from(user.id).unwrap(),
        &json!({ "name": "Uma User", "email": user.email, "is_active": true, "is_staff": false }),
    )
    .await;
    assert!(refused.is_err());
    assert!(row(&app, user.id).await.is_staff);
}

#[tokio::test]
async fn a_password_reset_runs_the_api_validators_and_signs_the_user_out() {
    let app = TestApp::spawn().await;
    let staff = account(&app, "Sam Staff", true, false).await;
    let user = app.register("Pia Patient").await;
    let console = Console::sign_in(&app, &staff).await;
    let path = format!("/admin/users/{}/password/", user.id);
    assert_eq!(console.get(&path).await.status, StatusCode::OK);

    let weak = console
        .post(
            &path,
            &[("password", "password"), ("confirm_password", "password")],
        )
        .await;
    assert_eq!(weak.status, StatusCode::BAD_REQUEST);
    assert!(html(&weak).contains("This password is too common."));
    let mismatch = console
        .post(
            &path,
            &[
                ("password", "N3w-Secret-Phrase"),
                ("confirm_password", "other"),
            ],
        )
        .await;
    assert!(html(&mismatch).contains("Passwords do not match."));

    let done = console
        .post(
            &path,
            &[
                ("password", "N3w-Secret-Phrase"),
                ("confirm_password", "N3w-Secret-Phrase"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let old = app
        .post("/api/auth/login/")
        .json(json!({ "email": user.email, "password": PASSWORD }))
        .send()
        .await;
    old.error_envelope(StatusCode::UNAUTHORIZED);
    let new = app
        .post("/api/auth/login/")
        .json(json!({ "email": user.email, "password": "N3w-Secret-Phrase" }))
        .send()
        .await;
    assert_eq!(new.status, StatusCode::OK);
    // Refresh and access tokens issued before the reset are void: the
    // reset moved the account's session cutoff.
    let refresh = app
        .post("/api/auth/token/refresh/")
        .json(json!({ "refresh": user.refresh }))
        .send()
        .await;
    refresh.error_envelope(StatusCode::UNAUTHORIZED);
    let me = app.get("/api/auth/me/").token(&user).send().await;
    me.error_envelope(StatusCode::UNAUTHORIZED);
    let entries = html(&console.get("/admin/log/").await).to_string();
    assert!(entries.contains("reset password"));
    assert!(!entries.contains("N3w-Secret-Phrase"));
}

#[tokio::test]
async fn deleting_a_user_lists_the_cascade_and_an_operator_cannot_delete_themselves() {
    let app = TestApp::spawn().await;
    let staff = account(&app, "Sam Staff", true, false).await;
    let user = app.register("Leo Leaving").await;
    app.create_patient(&user, json!({})).await;
    app.create_patient(&user, json!({})).await;
    let console = Console::sign_in(&app, &staff).await;
    let confirm = console
        .get(&format!("/admin/users/{}/delete/", user.id))
        .await;
    assert!(html(&confirm).contains("2 patient(s) owned by this user"));
    let own = console
        .post(&format!("/admin/users/{}/delete/", staff.id), &[])
        .await;
    assert_eq!(own.status, StatusCode::BAD_REQUEST);
    assert!(html(&own).contains("You cannot delete your own account."));
    let deleted = console
        .post(&format!("/admin/users/{}/delete/", user.id), &[])
        .await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER);
    assert!(users::Entity::find_by_id(i32::try_from(user.id).unwrap())
        .one(&app.ctx.db)
        .await
        .unwrap()
        .is_none());
}
