//! `create_superuser` and `change_password`: the API's rules, clear
//! refusals, and no password in any output.
use axum::http::StatusCode;
use healthcare_backend::models::_entities::users;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use super::{cli::cli, refusal, run};
use crate::support::{TestApp, PASSWORD};

async fn user(app: &TestApp, email: &str) -> Option<users::Model> {
    users::Entity::find()
        .filter(users::Column::Email.eq(email))
        .one(&app.ctx.db)
        .await
        .unwrap()
}

async fn login(app: &TestApp, email: &str, password: &str) -> StatusCode {
    app.post("/api/auth/login/")
        .json(json!({ "email": email, "password": password }))
        .send()
        .await
        .status
}

#[tokio::test]
async fn create_superuser_makes_a_staff_superuser_who_can_sign_in() {
    let app = TestApp::spawn().await;
    run(
        &app,
        "create_superuser",
        &[
            ("email", "Root@Clinic.example"),
            ("name", "Rosa Root"),
            ("password", PASSWORD),
        ],
    )
    .await
    .expect("created");
    let root = user(&app, "root@clinic.example")
        .await
        .expect("stored lower-cased");
    assert!(root.is_staff && root.is_superuser && root.is_active);
    assert_eq!(root.name, "Rosa Root");
    assert_eq!(
        login(&app, "root@clinic.example", PASSWORD).await,
        StatusCode::OK
    );
}

#[tokio::test]
async fn create_superuser_applies_the_registration_rules() {
    let app = TestApp::spawn().await;
    let cases = [
        (
            "not-an-email",
            "Rosa Root",
            PASSWORD,
            "email: Enter a valid email address.",
        ),
        (
            "r@clinic.example",
            "Rosa Root",
            "password",
            "password: This password is too common.",
        ),
        (
            "r@clinic.example",
            "Rosa Root",
            "rosaroot",
            "password: The password is too similar to the name.",
        ),
        (
            "r@clinic.example",
            "Rosa Root",
            "Sh0rt!",
            "This password is too short.",
        ),
        (
            "r@clinic.example",
            "",
            PASSWORD,
            "name: This field may not be blank.",
        ),
    ];
    for (email, name, password, message) in cases {
        let text = refusal(
            &app,
            "create_superuser",
            &[("email", email), ("name", name), ("password", password)],
        )
        .await;
        assert!(text.contains(message), "{email} {password}: {text}");
    }
    assert!(user(&app, "r@clinic.example").await.is_none());

    let taken = app.register("Taken Name").await;
    let text = refusal(
        &app,
        "create_superuser",
        &[
            ("email", &taken.email),
            ("name", "Other"),
            ("password", PASSWORD),
        ],
    )
    .await;
    assert_eq!(text, "email: user with this email already exists.");
    let text = refusal(&app, "create_superuser", &[("emial", "x@y.example")]).await;
    assert!(text.contains("unknown argument(s): emial"), "{text}");
}

#[tokio::test]
async fn the_cli_exits_1_with_the_message_and_never_prints_the_password() {
    let app = TestApp::spawn().await;
    let weak = "password";
    let refused = cli(
        &app,
        &[
            "task",
            "create_superuser",
            "email:r@clinic.example",
            "name:Rosa",
            &format!("password:{weak}"),
        ],
        &[],
    );
    refused.refused_with("error: password: This password is too common.");
    assert!(!refused.stdout.contains(weak) && !refused.stderr.contains(&format!(":{weak}")));

    // No terminal: nothing can be asked, so a missing field is an error.
    cli(
        &app,
        &["task", "create_superuser", "email:r@clinic.example"],
        &[],
    )
    .refused_with("error: name: missing");
    cli(
        &app,
        &[
            "task",
            "create_superuser",
            "email:r@clinic.example",
            "name:Rosa",
        ],
        &[],
    )
    .refused_with("password: missing; give password:VALUE or set SUPERUSER_PASSWORD");

    let created = cli(
        &app,
        &[
            "task",
            "create_superuser",
            "email:r@clinic.example",
            "name:Rosa Root",
        ],
        &[("SUPERUSER_PASSWORD", PASSWORD)],
    );
    assert_eq!(created.status, Some(0), "{created:?}");
    assert!(
        created.stdout.contains("Superuser created: id "),
        "{created:?}"
    );
    assert!(!created.stdout.contains(PASSWORD) && !created.stderr.contains(PASSWORD));
    assert!(user(&app, "r@clinic.example").await.unwrap().is_superuser);

    cli(&app, &["task", "no_such_task"], &[]).refused_with("no_such_task");
}

#[tokio::test]
async fn change_password_sets_a_valid_password_and_signs_sessions_out() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice Changer").await;
    let new_password = "Another-Secure-42";
    run(
        &app,
        "change_password",
        &[
            ("email", &alice.email.to_uppercase()),
            ("password", new_password),
        ],
    )
    .await
    .expect("changed");
    assert_eq!(
        login(&app, &alice.email, PASSWORD).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        login(&app, &alice.email, new_password).await,
        StatusCode::OK
    );
    // The refresh token issued before the change is blacklisted.
    let refreshed = app
        .post("/api/auth/token/refresh/")
        .json(json!({ "refresh": alice.refresh }))
        .send()
        .await;
    refreshed.error_envelope(StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn change_password_refuses_weak_passwords_and_unknown_accounts() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice Changer").await;
    let text = refusal(
        &app,
        "change_password",
        &[("email", &alice.email), ("password", "12345678")],
    )
    .await;
    assert!(text.contains("This password is too common."), "{text}");
    assert!(
        text.contains("This password is entirely numeric."),
        "{text}"
    );
    assert_eq!(login(&app, &alice.email, PASSWORD).await, StatusCode::OK);

    let text = refusal(
        &app,
        "change_password",
        &[("email", "nobody@example.org"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(text, "email: No user with this email address.");

    cli(&app, &["task", "change_password"], &[]).refused_with("error: email: missing");
    cli(
        &app,
        &["task", "change_password", &format!("email:{}", alice.email)],
        &[],
    )
    .refused_with("error: password: missing");
}
