//! How sessions end: password change, "log out everywhere", the per-user
//! cutoff, refresh token families (absolute lifetime, reuse detection) and
//! logout's contract for a spent refresh token.
use axum::http::{header, StatusCode};
use chrono::{Duration, Utc};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use sea_orm::{sea_query::Expr, ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use serde_json::{json, Value};

use crate::support::{Resp, TestApp, User, Users, PASSWORD};
use healthcare_backend::models::_entities::{
    blacklisted_tokens, outstanding_tokens, token_families, users,
};

const NEW_PASSWORD: &str = "Another-Secure-Pass-456";

/// The access and refresh token of one answer's `data` (or `data.tokens`).
fn pair(response: &Resp) -> (String, String) {
    let data = &response.body["data"];
    let tokens = if data["tokens"].is_object() {
        &data["tokens"]
    } else {
        data
    };
    let take = |name: &str| {
        tokens[name]
            .as_str()
            .unwrap_or_else(|| panic!("{name} in {}", response.body))
            .to_string()
    };
    (take("access"), take("refresh"))
}

async fn sign_in(app: &TestApp, email: &str, password: &str) -> Resp {
    app.post("/api/auth/login/")
        .json(json!({ "email": email, "password": password }))
        .send()
        .await
}

/// A second session of `user`: its (access, refresh).
async fn second_session(app: &TestApp, user: &User) -> (String, String) {
    let response = sign_in(app, &user.email, PASSWORD).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    pair(&response)
}

async fn refresh(app: &TestApp, token: &str) -> Resp {
    app.post("/api/auth/token/refresh/")
        .json(json!({ "refresh": token }))
        .send()
        .await
}

async fn me_status(app: &TestApp, access: &str) -> StatusCode {
    app.get("/api/auth/me/").bearer(access).send().await.status
}

/// Asserts that both tokens of a session work (the refresh is spent).
async fn assert_goes_on(app: &TestApp, access: &str, refresh_token: &str) {
    assert_eq!(me_status(app, access).await, StatusCode::OK);
    assert_eq!(refresh(app, refresh_token).await.status, StatusCode::OK);
}

/// Asserts that neither token of a session works any more.
async fn assert_ended(app: &TestApp, access: &str, refresh_token: &str) {
    assert_eq!(me_status(app, access).await, StatusCode::UNAUTHORIZED);
    refresh(app, refresh_token)
        .await
        .error_envelope(StatusCode::UNAUTHORIZED);
}

fn claim(token: &str, name: &str) -> Value {
    use base64::Engine;
    let payload = token.split('.').nth(1).expect("three parts");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .expect("base64url payload");
    let claims: Value = serde_json::from_slice(&bytes).expect("json claims");
    claims[name].clone()
}

fn family_of(token: &str) -> i32 {
    i32::try_from(claim(token, "sid").as_i64().expect("sid claim")).expect("an i32 id")
}

async fn change_password(app: &TestApp, access: &str, body: Value) -> Resp {
    app.post("/api/auth/password/change/")
        .bearer(access)
        .json(body)
        .send()
        .await
}

fn change_body(old: &str, new: &str) -> Value {
    json!({ "old_password": old, "new_password": new, "confirm_password": new })
}

#[tokio::test]
async fn password_change_returns_a_fresh_pair_and_ends_every_other_session() {
    let app = TestApp::spawn().await;
    let user = app.register("Alice").await;
    let (other_access, other_refresh) = second_session(&app, &user).await;

    let response = change_password(&app, &user.access, change_body(PASSWORD, NEW_PASSWORD)).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    insta::assert_json_snapshot!(response.snapshot());
    let (access, refresh_token) = pair(&response);

    // Both earlier sessions, including the one that made the change, end.
    assert_ended(&app, &user.access, &user.refresh).await;
    assert_ended(&app, &other_access, &other_refresh).await;
    // The new session works and refreshes.
    assert_goes_on(&app, &access, &refresh_token).await;
    // Only the new password signs in.
    sign_in(&app, &user.email, PASSWORD)
        .await
        .error_envelope(StatusCode::UNAUTHORIZED);
    assert_eq!(
        sign_in(&app, &user.email, NEW_PASSWORD).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn password_change_refuses_a_wrong_old_password_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let user = app.register("Alice").await;
    let response = change_password(
        &app,
        &user.access,
        change_body("Not-my-password-1", NEW_PASSWORD),
    )
    .await;
    crate::support::assert_invalid(&response, &["old_password"]);
    insta::assert_json_snapshot!(response.snapshot());
    assert_eq!(me_status(&app, &user.access).await, StatusCode::OK);
    assert_eq!(
        sign_in(&app, &user.email, PASSWORD).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn password_change_checks_registration_rules() {
    let app = TestApp::spawn().await;
    let user = app.register("Alice").await;
    let cases = [
        (
            json!({}),
            vec!["confirm_password", "new_password", "old_password"],
        ),
        // Common and entirely numeric.
        (change_body(PASSWORD, "12345678"), vec!["new_password"]),
        (
            json!({ "old_password": PASSWORD, "new_password": NEW_PASSWORD,
                    "confirm_password": "Something-else-789" }),
            vec!["confirm_password"],
        ),
    ];
    for (body, fields) in cases {
        let response = change_password(&app, &user.access, body).await;
        crate::support::assert_invalid(&response, &fields);
    }
    assert_eq!(me_status(&app, &user.access).await, StatusCode::OK);
}

#[tokio::test]
async fn password_change_and_logout_all_need_an_access_token() {
    let app = TestApp::spawn().await;
    let user = app.register("Alice").await;
    for path in ["/api/auth/password/change/", "/api/auth/logout/all/"] {
        let response = app
            .post(path)
            .json(change_body(PASSWORD, NEW_PASSWORD))
            .send()
            .await;
        response.error_envelope(StatusCode::UNAUTHORIZED);
        let refused = app
            .post(path)
            .bearer(&user.refresh)
            .json(change_body(PASSWORD, NEW_PASSWORD))
            .send()
            .await;
        refused.error_envelope(StatusCode::UNAUTHORIZED);
    }
}

#[tokio::test]
async fn logout_all_ends_every_session_of_the_caller_only() {
    let w = Users::new().await;
    let (other_access, other_refresh) = second_session(&w, &w.alice).await;

    let response = w.post("/api/auth/logout/all/").token(&w.alice).send().await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(response.body["data"], Value::Null);
    insta::assert_json_snapshot!(response.snapshot());

    assert_ended(&w, &w.alice.access, &w.alice.refresh).await;
    assert_ended(&w, &other_access, &other_refresh).await;
    assert_eq!(me_status(&w, &w.bob.access).await, StatusCode::OK);
    // Signing in again starts a session after the cutoff.
    let (access, refresh_token) = second_session(&w, &w.alice).await;
    assert_goes_on(&w, &access, &refresh_token).await;
}

#[tokio::test]
async fn password_change_and_logout_all_are_throttled_like_login() {
    let app = TestApp::spawn_with(json!({
        "throttle": { "num_proxies": 1, "login_per_account": "2/day" }
    }))
    .await;
    let user = app.register("Alice").await;
    for _ in 0..2 {
        let response = change_password(
            &app,
            &user.access,
            change_body("Not-my-password-1", NEW_PASSWORD),
        )
        .await;
        response.error_envelope(StatusCode::BAD_REQUEST);
    }
    let throttled = change_password(&app, &user.access, change_body(PASSWORD, NEW_PASSWORD)).await;
    throttled.error_envelope(StatusCode::TOO_MANY_REQUESTS);
    assert!(throttled.headers.contains_key(header::RETRY_AFTER));
    let logout_all = app.post("/api/auth/logout/all/").token(&user).send().await;
    logout_all.error_envelope(StatusCode::TOO_MANY_REQUESTS);
    // The login budget of the account is the same one.
    sign_in(&app, &user.email, PASSWORD)
        .await
        .error_envelope(StatusCode::TOO_MANY_REQUESTS);

    // Per client IP too, across accounts.
    let per_ip = TestApp::spawn_with(json!({
        "throttle": { "num_proxies": 1, "login_per_ip": "1/day" }
    }))
    .await;
    let (alice, bob) = (per_ip.register("Alice").await, per_ip.register("Bob").await);
    let mut statuses = Vec::new();
    for user in [&alice, &bob] {
        let response = per_ip
            .post("/api/auth/password/change/")
            .token(user)
            .header("x-forwarded-for", "203.0.113.9")
            .json(change_body("Not-my-password-1", NEW_PASSWORD))
            .send()
            .await;
        statuses.push(response.status);
    }
    assert_eq!(
        statuses,
        [StatusCode::BAD_REQUEST, StatusCode::TOO_MANY_REQUESTS]
    );
}

/// Moves the sign-in of `token`'s family back by `days`.
async fn age_sign_in(app: &TestApp, token: &str, days: i64) {
    let signed_in_at = (Utc::now() - Duration::days(days)).fixed_offset();
    token_families::Entity::update_many()
        .col_expr(token_families::Column::SignedInAt, Expr::val(signed_in_at))
        .filter(token_families::Column::Id.eq(family_of(token)))
        .exec(&app.ctx.db)
        .await
        .expect("update the family");
}

#[tokio::test]
async fn rotation_keeps_the_sign_in_and_ends_after_the_absolute_lifetime() {
    let app = TestApp::spawn().await;
    let user = app.register("Alice").await;
    let first = refresh(&app, &user.refresh).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let (access, refresh_token) = pair(&first);
    // Rotation stays in the family of the sign-in.
    assert_eq!(family_of(&access), family_of(&user.refresh));
    assert_eq!(family_of(&refresh_token), family_of(&user.refresh));

    // 29 days after sign-in the chain still goes on ...
    age_sign_in(&app, &refresh_token, 29).await;
    let second = refresh(&app, &refresh_token).await;
    assert_eq!(second.status, StatusCode::OK, "{}", second.body);
    let (_, refresh_token) = pair(&second);
    // ... and a refresh token of that chain expires with it, at 30 days.
    let chain_ends = (Utc::now() + Duration::days(1)).timestamp();
    let exp = claim(&refresh_token, "exp").as_i64().unwrap();
    assert!(
        exp <= chain_ends + 5,
        "exp {exp} beyond the chain's end {chain_ends}"
    );

    // After 30 days it does not, however recent the refresh token.
    age_sign_in(&app, &refresh_token, 30).await;
    let ended = refresh(&app, &refresh_token).await;
    ended.error_envelope(StatusCode::UNAUTHORIZED);
    assert!(ended.headers.contains_key(header::WWW_AUTHENTICATE));
    insta::assert_json_snapshot!(ended.snapshot());
    // Signing in again starts a new chain.
    let (_, fresh) = second_session(&app, &user).await;
    assert_eq!(refresh(&app, &fresh).await.status, StatusCode::OK);
}

#[tokio::test]
async fn the_absolute_lifetime_is_configurable() {
    let app = TestApp::spawn_with(json!({ "jwt_refresh_absolute_days": 0 })).await;
    let user = app.register("Alice").await;
    refresh(&app, &user.refresh)
        .await
        .error_envelope(StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_spent_refresh_token_back_within_the_grace_is_a_plain_401() {
    let app = TestApp::spawn().await;
    let user = app.register("Alice").await;
    let rotated = refresh(&app, &user.refresh).await;
    let (access, refresh_token) = pair(&rotated);

    refresh(&app, &user.refresh)
        .await
        .error_envelope(StatusCode::UNAUTHORIZED);
    // The client that raced itself keeps its session.
    assert_goes_on(&app, &access, &refresh_token).await;
}

/// Moves the moment `token` was spent back by `seconds`.
async fn age_spend(app: &TestApp, token: &str, seconds: i64) {
    let jti = claim(token, "jti").as_str().unwrap().to_string();
    let spent_at = (Utc::now() - Duration::seconds(seconds)).fixed_offset();
    let token_id: i32 = outstanding_tokens::Entity::find()
        .select_only()
        .column(outstanding_tokens::Column::Id)
        .filter(outstanding_tokens::Column::Jti.eq(jti))
        .into_tuple()
        .one(&app.ctx.db)
        .await
        .unwrap()
        .expect("an outstanding token");
    let updated = blacklisted_tokens::Entity::update_many()
        .col_expr(
            blacklisted_tokens::Column::BlacklistedAt,
            Expr::val(spent_at),
        )
        .filter(blacklisted_tokens::Column::TokenId.eq(token_id))
        .exec(&app.ctx.db)
        .await
        .unwrap();
    assert_eq!(updated.rows_affected, 1, "the token was spent");
}

#[tokio::test]
async fn a_spent_refresh_token_back_after_the_grace_revokes_its_sign_in() {
    let app = TestApp::spawn().await;
    let user = app.register("Alice").await;
    let (other_access, other_refresh) = second_session(&app, &user).await;
    let rotated = refresh(&app, &user.refresh).await;
    let (access, refresh_token) = pair(&rotated);

    age_spend(&app, &user.refresh, 11).await;
    let reused = refresh(&app, &user.refresh).await;
    reused.error_envelope(StatusCode::UNAUTHORIZED);
    insta::assert_json_snapshot!(reused.snapshot());

    // Every token of that sign-in is refused, old and new ...
    assert_ended(&app, &access, &refresh_token).await;
    assert_eq!(
        me_status(&app, &user.access).await,
        StatusCode::UNAUTHORIZED
    );
    // ... and the user's other sign-in goes on.
    assert_goes_on(&app, &other_access, &other_refresh).await;
}

#[tokio::test]
async fn the_reuse_grace_is_configurable() {
    let app = TestApp::spawn_with(json!({ "jwt_refresh_reuse_grace_seconds": 3600 })).await;
    let user = app.register("Alice").await;
    let (access, _) = pair(&refresh(&app, &user.refresh).await);
    age_spend(&app, &user.refresh, 11).await;
    refresh(&app, &user.refresh)
        .await
        .error_envelope(StatusCode::UNAUTHORIZED);
    assert_eq!(me_status(&app, &access).await, StatusCode::OK);
}

#[tokio::test]
async fn logout_with_a_blacklisted_refresh_token_is_401() {
    let app = TestApp::spawn().await;
    let user = app.register("Alice").await;
    let (other_access, _) = second_session(&app, &user).await;
    // Spent by rotation, then offered to logout from another session.
    let rotated = refresh(&app, &user.refresh).await;
    assert_eq!(rotated.status, StatusCode::OK);
    let response = app
        .post("/api/auth/logout/")
        .bearer(&other_access)
        .json(json!({ "refresh": user.refresh }))
        .send()
        .await;
    response.error_envelope(StatusCode::UNAUTHORIZED);
    assert!(response.headers.contains_key(header::WWW_AUTHENTICATE));
    insta::assert_json_snapshot!(response.snapshot());
    // Nothing was revoked.
    assert_eq!(me_status(&app, &other_access).await, StatusCode::OK);
}

#[tokio::test]
async fn logout_ends_the_sign_in_of_its_refresh_token() {
    let app = TestApp::spawn().await;
    let user = app.register("Alice").await;
    let (other_access, other_refresh) = second_session(&app, &user).await;
    // An access token of the same sign-in, from a rotation.
    let (rotated_access, rotated_refresh) = pair(&refresh(&app, &user.refresh).await);
    let response = app
        .post("/api/auth/logout/")
        .bearer(&rotated_access)
        .json(json!({ "refresh": rotated_refresh }))
        .send()
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(
        me_status(&app, &user.access).await,
        StatusCode::UNAUTHORIZED
    );
    assert_goes_on(&app, &other_access, &other_refresh).await;
}

#[tokio::test]
async fn concurrent_logouts_with_one_access_token_never_fail() {
    let app = TestApp::spawn().await;
    let user = app.register("Alice").await;
    let mut refresh_tokens = vec![user.refresh.clone()];
    for _ in 0..5 {
        refresh_tokens.push(second_session(&app, &user).await.1);
    }
    // The same refresh token twice too.
    refresh_tokens.push(user.refresh.clone());
    let logouts = refresh_tokens.iter().map(|token| {
        app.post("/api/auth/logout/")
            .token(&user)
            .json(json!({ "refresh": token }))
            .send()
    });
    let statuses: Vec<u16> = futures::future::join_all(logouts)
        .await
        .iter()
        .map(|response| response.status.as_u16())
        .collect();
    assert!(statuses.contains(&200), "{statuses:?}");
    assert!(
        statuses.iter().all(|status| [200, 401].contains(status)),
        "{statuses:?}"
    );
    assert_eq!(
        me_status(&app, &user.access).await,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_token_without_a_session_is_refused() {
    let w = Users::new().await;
    let now = Utc::now().timestamp();
    // A well-signed token as issued before sessions existed: no `sid`.
    let claims = json!({ "token_type": "access", "jti": "0123456789abcdef",
                         "iat": now, "exp": now + 600, "user_id": w.alice.id });
    let token = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(b"test-secret-key-not-for-production"),
    )
    .unwrap();
    assert_eq!(me_status(&w, &token).await, StatusCode::UNAUTHORIZED);
    // Nor one naming another user's session.
    let mut forged = claims;
    forged["sid"] = json!(family_of(&w.bob.access));
    let token = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &forged,
        &EncodingKey::from_secret(b"test-secret-key-not-for-production"),
    )
    .unwrap();
    assert_eq!(me_status(&w, &token).await, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_change_password_task_ends_every_session() {
    let app = TestApp::spawn().await;
    let user = app.register("Alice").await;
    healthcare_backend::models::users::set_password(&app.ctx.db, &user.email, NEW_PASSWORD)
        .await
        .expect("password set");
    assert_ended(&app, &user.access, &user.refresh).await;
    let cutoff: Option<Option<chrono::DateTime<chrono::FixedOffset>>> = users::Entity::find()
        .select_only()
        .column(users::Column::SessionsValidAfter)
        .filter(users::Column::Id.eq(i32::try_from(user.id).unwrap()))
        .into_tuple()
        .one(&app.ctx.db)
        .await
        .unwrap();
    assert!(cutoff.flatten().is_some(), "the cutoff moved");
}
