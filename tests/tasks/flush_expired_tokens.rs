//! `flush_expired_tokens`: expired registry entries go, live ones stay.
use chrono::{Duration, Utc};
use healthcare_backend::models::_entities::{
    blacklisted_tokens, outstanding_tokens, revoked_access_tokens, token_families,
};
use sea_orm::{ActiveModelTrait, EntityTrait, PaginatorTrait, Set};

use super::{cli::cli, refusal, run};
use crate::support::TestApp;

async fn outstanding(app: &TestApp, user_id: i32, jti: &str, expires_in: Duration) -> i32 {
    let now = Utc::now().fixed_offset();
    outstanding_tokens::ActiveModel {
        user_id: Set(user_id),
        jti: Set(jti.to_string()),
        created_at: Set(now),
        expires_at: Set(now + expires_in),
        ..Default::default()
    }
    .insert(&app.ctx.db)
    .await
    .unwrap()
    .id
}

async fn blacklist(app: &TestApp, token_id: i32) {
    blacklisted_tokens::ActiveModel {
        token_id: Set(token_id),
        blacklisted_at: Set(Utc::now().fixed_offset()),
        ..Default::default()
    }
    .insert(&app.ctx.db)
    .await
    .unwrap();
}

async fn revoked(app: &TestApp, user_id: i32, jti: &str, expires_in: Duration) {
    let now = Utc::now().fixed_offset();
    revoked_access_tokens::ActiveModel {
        user_id: Set(user_id),
        jti: Set(jti.to_string()),
        revoked_at: Set(now),
        expires_at: Set(now + expires_in),
        ..Default::default()
    }
    .insert(&app.ctx.db)
    .await
    .unwrap();
}

#[tokio::test]
async fn flush_removes_only_expired_entries() {
    let app = TestApp::spawn().await;
    let user = app.register("Tina Tokens").await;
    let id = i32::try_from(user.id).unwrap();
    let old = Duration::days(-1);
    let live = Duration::days(1);
    let expired_spent = outstanding(&app, id, "expired-spent", old).await;
    blacklist(&app, expired_spent).await;
    outstanding(&app, id, "expired-unspent", old).await;
    let live_spent = outstanding(&app, id, "live-spent", live).await;
    blacklist(&app, live_spent).await;
    revoked(&app, id, "revoked-expired", old).await;
    revoked(&app, id, "revoked-live", live).await;
    // Registration registered one live refresh token too.
    let db = &app.ctx.db;
    assert_eq!(
        outstanding_tokens::Entity::find().count(db).await.unwrap(),
        4
    );

    run(&app, "flush_expired_tokens", &[])
        .await
        .expect("flushed");
    assert_eq!(
        outstanding_tokens::Entity::find().count(db).await.unwrap(),
        2
    );
    assert_eq!(
        blacklisted_tokens::Entity::find().count(db).await.unwrap(),
        1
    );
    let revoked: Vec<String> = revoked_access_tokens::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.jti)
        .collect();
    assert_eq!(revoked, ["revoked-live"]);

    // The registration's own tokens still work.
    let refreshed = app
        .post("/api/auth/token/refresh/")
        .json(serde_json::json!({ "refresh": user.refresh }))
        .send()
        .await;
    assert_eq!(refreshed.status, axum::http::StatusCode::OK);
}

#[tokio::test]
async fn flush_prints_its_counts_and_takes_no_arguments() {
    let app = TestApp::spawn().await;
    let text = refusal(&app, "flush_expired_tokens", &[("days", "3")]).await;
    assert!(
        text.contains("unknown argument(s): days (this task takes: none)"),
        "{text}"
    );
    let flushed = cli(&app, &["task", "flush_expired_tokens"], &[]);
    assert_eq!(flushed.status, Some(0), "{flushed:?}");
    assert!(
        flushed.stdout.contains(
            "Flushed expired tokens: 0 refresh token(s), 0 blacklist entries, 0 revoked \
             access-token id(s), 0 ended sign-in(s), 0 admin console session(s)."
        ),
        "{flushed:?}"
    );
}

async fn family(app: &TestApp, user_id: i32, age: Duration, revoked: bool) -> i32 {
    let signed_in_at = Utc::now().fixed_offset() - age;
    token_families::ActiveModel {
        user_id: Set(user_id),
        signed_in_at: Set(signed_in_at),
        revoked_at: Set(revoked.then_some(signed_in_at)),
        ..Default::default()
    }
    .insert(&app.ctx.db)
    .await
    .unwrap()
    .id
}

#[tokio::test]
async fn flush_removes_the_sign_ins_no_token_can_use() {
    let app = TestApp::spawn().await;
    let user = app.register("Fiona Families").await;
    let id = i32::try_from(user.id).unwrap();
    // Past the 30-day chain plus an access token's hour.
    let too_old = family(&app, id, Duration::days(30) + Duration::minutes(61), false).await;
    // Within it: an access token issued at the chain's end may still be valid.
    let near_end = family(&app, id, Duration::days(30) + Duration::minutes(10), false).await;
    let revoked = family(&app, id, Duration::minutes(5), true).await;
    let db = &app.ctx.db;

    run(&app, "flush_expired_tokens", &[])
        .await
        .expect("flushed");
    let left: Vec<i32> = token_families::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|family| family.id)
        .collect();
    assert!(
        !left.contains(&too_old) && !left.contains(&revoked),
        "{left:?}"
    );
    assert!(left.contains(&near_end), "{left:?}");
    // The registration's own sign-in stays, and works.
    assert_eq!(left.len(), 2, "{left:?}");
    let me = app.get("/api/auth/me/").bearer(&user.access).send().await;
    assert_eq!(me.status, axum::http::StatusCode::OK);

    // After a cutoff every earlier sign-in goes.
    healthcare_backend::models::users::set_password(db, &user.email, "Another-Secure-Pass-456")
        .await
        .unwrap();
    run(&app, "flush_expired_tokens", &[])
        .await
        .expect("flushed");
    assert_eq!(token_families::Entity::find().count(db).await.unwrap(), 0);
}
