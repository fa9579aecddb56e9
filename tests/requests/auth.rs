//! Registration, login, the token rules of API.md, refresh rotation, logout.
use axum::http::{header, StatusCode};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};
use serde_json::{json, Value};

use crate::support::{TestApp, User, Users, PASSWORD};
use healthcare_backend::models::_entities::users;

/// The signing key of `config/test.yaml`.
const TEST_SECRET: &str = "test-secret-key-not-for-production";

fn registration(name: &str, email: &str, password: &str) -> Value {
    json!({ "name": name, "email": email, "password": password, "confirm_password": password })
}

fn claims_of(token: &str) -> Value {
    use base64::Engine;
    let payload = token.split('.').nth(1).expect("three parts");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .expect("base64url payload");
    serde_json::from_slice(&bytes).expect("json claims")
}

fn sign(claims: &Value, algorithm: Algorithm, secret: &str) -> String {
    jsonwebtoken::encode(
        &Header::new(algorithm),
        claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .expect("sign")
}

fn access_claims(user: &User) -> Value {
    let now = chrono::Utc::now().timestamp();
    // The session (`sid`) of the user's sign-in, so that a well-signed
    // token of these claims is accepted.
    let sid = claims_of(&user.access)["sid"].clone();
    json!({ "token_type": "access", "jti": "0123456789abcdef", "iat": now, "exp": now + 600,
            "user_id": user.id, "sid": sid })
}

async fn assert_refused(app: &TestApp, token: &str) {
    let response = app.get("/api/auth/me/").bearer(token).send().await;
    response.error_envelope(StatusCode::UNAUTHORIZED);
    let challenge = response.headers[header::WWW_AUTHENTICATE].to_str().unwrap();
    assert!(challenge.starts_with("Bearer"), "{challenge}");
}

#[tokio::test]
async fn register_returns_the_user_and_a_token_pair() {
    let app = TestApp::spawn().await;
    let response = app
        .post("/api/auth/register/")
        .json(registration(
            "Dr. Alice Johnson",
            "Alice@Hospital.com",
            PASSWORD,
        ))
        .send()
        .await;
    assert_eq!(response.status, StatusCode::CREATED);
    assert_eq!(response.body["data"]["user"]["email"], "alice@hospital.com");
    insta::assert_json_snapshot!(response.snapshot());
}

#[tokio::test]
async fn register_applies_each_of_djangos_password_validators() {
    let app = TestApp::spawn().await;
    let cases = [
        (
            "Sh0rt!x",
            "This password is too short. It must contain at least 8 characters.",
        ),
        ("password123", "This password is too common."),
        ("83749261530472", "This password is entirely numeric."),
        ("AliceJohnson", "The password is too similar to the name."),
        (
            "alice@hospital",
            "The password is too similar to the email address.",
        ),
    ];
    for (password, message) in cases {
        let response = app
            .post("/api/auth/register/")
            .json(registration(
                "Alice Johnson",
                "alice@hospital.com",
                password,
            ))
            .send()
            .await;
        let errors = response.error_envelope(StatusCode::BAD_REQUEST);
        let messages: Vec<&str> = errors["password"]
            .as_array()
            .unwrap_or_else(|| panic!("no password error for {password}: {errors}"))
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert!(messages.contains(&message), "{password}: {messages:?}");
        assert_eq!(response.error_fields(), ["password"], "{password}");
    }
}

#[tokio::test]
async fn register_reports_every_failed_rule_at_once() {
    let app = TestApp::spawn().await;
    let response = app
        .post("/api/auth/register/")
        .json(json!({ "name": "", "email": "not-an-email", "password": "123", "confirm_password": "456" }))
        .send()
        .await;
    response.error_envelope(StatusCode::BAD_REQUEST);
    assert_eq!(
        response.error_fields(),
        ["confirm_password", "email", "name", "password"]
    );
    insta::assert_json_snapshot!(response.snapshot());

    let response = app
        .post("/api/auth/register/")
        .json(json!({ "name": "Bob", "email": "bob@example.org", "password": "123", "confirm_password": "456" }))
        .send()
        .await;
    response.error_envelope(StatusCode::BAD_REQUEST);
    assert_eq!(response.error_fields(), ["confirm_password", "password"]);
    let password_errors = response.body["errors"]["password"].as_array().unwrap();
    assert_eq!(
        password_errors.len(),
        3,
        "too short, too common, numeric: {password_errors:?}"
    );
}

#[tokio::test]
async fn register_requires_every_field() {
    let app = TestApp::spawn().await;
    let response = app.post("/api/auth/register/").json(json!({})).send().await;
    response.error_envelope(StatusCode::BAD_REQUEST);
    assert_eq!(
        response.error_fields(),
        ["confirm_password", "email", "name", "password"]
    );
    assert_eq!(
        response.body["errors"]["email"],
        json!(["This field is required."])
    );
}

#[tokio::test]
async fn register_bounds_the_name_to_150_characters() {
    let app = TestApp::spawn().await;
    let long = "n".repeat(151);
    let response = app
        .post("/api/auth/register/")
        .json(registration(&long, "long@example.org", PASSWORD))
        .send()
        .await;
    response.error_envelope(StatusCode::BAD_REQUEST);
    assert_eq!(response.error_fields(), ["name"]);

    let response = app
        .post("/api/auth/register/")
        .json(registration(&"n".repeat(150), "long@example.org", PASSWORD))
        .send()
        .await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.body);
}

#[tokio::test]
async fn register_refuses_an_email_taken_in_any_case() {
    let app = TestApp::spawn().await;
    let first = app
        .post("/api/auth/register/")
        .json(registration("Alice", "alice@hospital.com", PASSWORD))
        .send()
        .await;
    assert_eq!(first.status, StatusCode::CREATED);
    let again = app
        .post("/api/auth/register/")
        .json(registration("Alice Two", "ALICE@Hospital.COM", PASSWORD))
        .send()
        .await;
    let errors = again.error_envelope(StatusCode::BAD_REQUEST);
    assert_eq!(
        errors["email"],
        json!(["user with this email already exists."])
    );
    insta::assert_json_snapshot!(again.snapshot());
}

#[tokio::test]
async fn register_never_echoes_the_password() {
    let app = TestApp::spawn().await;
    let response = app
        .post("/api/auth/register/")
        .json(registration(
            "Alice",
            "alice@hospital.com",
            "Xq7-zebra-Lantern",
        ))
        .send()
        .await;
    assert_eq!(response.status, StatusCode::CREATED);
    assert!(!response.body.to_string().contains("Xq7-zebra-Lantern"));
    let stored = users::Entity::find().all(&app.ctx.db).await.unwrap();
    assert!(
        stored[0].password_hash.starts_with("$argon2id$"),
        "Argon2id"
    );
}

#[tokio::test]
async fn login_returns_the_user_and_tokens() {
    let app = TestApp::spawn().await;
    let user = app.register("Dr. Alice Johnson").await;
    let response = app
        .post("/api/auth/login/")
        .json(json!({ "email": user.email.to_uppercase(), "password": PASSWORD }))
        .send()
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(response.body["data"]["user"]["id"], json!(user.id));
    insta::assert_json_snapshot!(response.snapshot());
    let stored = users::Entity::find_by_id(i32::try_from(user.id).unwrap())
        .one(&app.ctx.db)
        .await
        .unwrap()
        .unwrap();
    assert!(stored.last_login.is_some(), "login records last_login");
}

#[tokio::test]
async fn login_failure_is_the_same_for_unknown_email_wrong_password_and_inactive_user() {
    let app = TestApp::spawn().await;
    let user = app.register("Alice").await;
    let wrong_password = app
        .post("/api/auth/login/")
        .json(json!({ "email": user.email, "password": "Wrong-password-1" }))
        .send()
        .await;
    let unknown_email = app
        .post("/api/auth/login/")
        .json(json!({ "email": "nobody@example.org", "password": PASSWORD }))
        .send()
        .await;
    deactivate(&app, &user).await;
    let inactive = app
        .post("/api/auth/login/")
        .json(json!({ "email": user.email, "password": PASSWORD }))
        .send()
        .await;
    for response in [&wrong_password, &unknown_email, &inactive] {
        response.error_envelope(StatusCode::UNAUTHORIZED);
        assert!(response.headers.contains_key(header::WWW_AUTHENTICATE));
        assert_eq!(response.body, wrong_password.body);
    }
    insta::assert_json_snapshot!(wrong_password.snapshot());
}

#[tokio::test]
async fn login_requires_email_and_password() {
    let app = TestApp::spawn().await;
    let response = app.post("/api/auth/login/").json(json!({})).send().await;
    response.error_envelope(StatusCode::BAD_REQUEST);
    assert_eq!(response.error_fields(), ["email", "password"]);
}

#[tokio::test]
async fn me_returns_the_profile() {
    let app = TestApp::spawn().await;
    let user = app.register("Dr. Alice Johnson").await;
    let response = app.get("/api/auth/me/").token(&user).send().await;
    assert_eq!(response.status, StatusCode::OK);
    let data = response.body["data"].as_object().unwrap();
    let mut keys: Vec<&str> = data.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["created_at", "email", "id", "name"]);
    insta::assert_json_snapshot!(response.snapshot());
}

#[tokio::test]
async fn tokens_carry_the_contract_claims_and_lifetimes() {
    let app = TestApp::spawn().await;
    let user = app.register("Alice").await;
    let access = claims_of(&user.access);
    let refresh = claims_of(&user.refresh);
    assert_eq!(access["token_type"], "access");
    assert_eq!(refresh["token_type"], "refresh");
    for claims in [&access, &refresh] {
        assert_eq!(claims["user_id"], json!(user.id));
        assert!(claims["jti"].as_str().is_some_and(|jti| jti.len() >= 16));
    }
    assert_ne!(access["jti"], refresh["jti"]);
    let lifetime = |c: &Value| c["exp"].as_i64().unwrap() - c["iat"].as_i64().unwrap();
    assert_eq!(lifetime(&access), 60 * 60);
    assert_eq!(lifetime(&refresh), 7 * 24 * 60 * 60);
    let header = jsonwebtoken::decode_header(&user.access).unwrap();
    assert_eq!(header.alg, Algorithm::HS256);
}

#[tokio::test]
async fn every_bad_access_token_is_a_401_with_a_bearer_challenge() {
    let app = TestApp::spawn().await;
    let user = app.register("Alice").await;

    let response = app.get("/api/auth/me/").send().await;
    response.error_envelope(StatusCode::UNAUTHORIZED);
    assert!(response.headers.contains_key(header::WWW_AUTHENTICATE));
    insta::assert_json_snapshot!("no_token", response.snapshot());

    let response = app
        .get("/api/auth/me/")
        .header("authorization", "Basic YWxpY2U6cHc=")
        .send()
        .await;
    response.error_envelope(StatusCode::UNAUTHORIZED);

    assert_refused(&app, "not-a-jwt").await;
    // Signed with another key.
    assert_refused(
        &app,
        &sign(&access_claims(&user), Algorithm::HS256, "another-secret"),
    )
    .await;
    // Expired.
    let mut expired = access_claims(&user);
    expired["exp"] = json!(chrono::Utc::now().timestamp() - 5);
    assert_refused(&app, &sign(&expired, Algorithm::HS256, TEST_SECRET)).await;
    // The right key, but an algorithm other than the configured HS256.
    assert_refused(
        &app,
        &sign(&access_claims(&user), Algorithm::HS512, TEST_SECRET),
    )
    .await;
    // `alg: none`, unsigned.
    use base64::Engine;
    let b64 = |v: &Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    let unsigned = format!(
        "{}.{}.",
        b64(&json!({"alg": "none", "typ": "JWT"})),
        b64(&access_claims(&user))
    );
    assert_refused(&app, &unsigned).await;
    // A refresh token where an access token is expected.
    assert_refused(&app, &user.refresh).await;
    // Missing claims.
    let mut no_jti = access_claims(&user);
    no_jti.as_object_mut().unwrap().remove("jti");
    assert_refused(&app, &sign(&no_jti, Algorithm::HS256, TEST_SECRET)).await;
    // A correctly forged token is accepted: the checks above are not vacuous.
    let forged = sign(&access_claims(&user), Algorithm::HS256, TEST_SECRET);
    let response = app.get("/api/auth/me/").bearer(&forged).send().await;
    assert_eq!(response.status, StatusCode::OK);
}

async fn deactivate(app: &TestApp, user: &User) {
    let stored = users::Entity::find_by_id(i32::try_from(user.id).unwrap())
        .one(&app.ctx.db)
        .await
        .unwrap()
        .unwrap();
    let mut active = stored.into_active_model();
    active.is_active = Set(false);
    active.update(&app.ctx.db).await.unwrap();
}

#[tokio::test]
async fn a_deactivated_or_deleted_user_is_refused_at_once() {
    let w = Users::new().await;
    deactivate(&w, &w.alice).await;
    assert_refused(&w, &w.alice.access).await;
    let refreshed = w
        .post("/api/auth/token/refresh/")
        .json(json!({ "refresh": w.alice.refresh }))
        .send()
        .await;
    refreshed.error_envelope(StatusCode::UNAUTHORIZED);

    users::Entity::delete_by_id(i32::try_from(w.bob.id).unwrap())
        .exec(&w.ctx.db)
        .await
        .unwrap();
    assert_refused(&w, &w.bob.access).await;
}

#[tokio::test]
async fn refresh_rotates_and_spends_the_old_token() {
    let app = TestApp::spawn().await;
    let user = app.register("Alice").await;
    let response = app
        .post("/api/auth/token/refresh/")
        .json(json!({ "refresh": user.refresh }))
        .send()
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    insta::assert_json_snapshot!(response.snapshot());
    let access = response.body["data"]["access"]
        .as_str()
        .unwrap()
        .to_string();
    let refresh = response.body["data"]["refresh"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(refresh, user.refresh);
    assert_eq!(claims_of(&access)["token_type"], "access");

    let me = app.get("/api/auth/me/").bearer(&access).send().await;
    assert_eq!(me.status, StatusCode::OK);

    let reused = app
        .post("/api/auth/token/refresh/")
        .json(json!({ "refresh": user.refresh }))
        .send()
        .await;
    reused.error_envelope(StatusCode::UNAUTHORIZED);
    assert!(reused.headers.contains_key(header::WWW_AUTHENTICATE));
    insta::assert_json_snapshot!("reused_refresh", reused.snapshot());

    let next = app
        .post("/api/auth/token/refresh/")
        .json(json!({ "refresh": refresh }))
        .send()
        .await;
    assert_eq!(next.status, StatusCode::OK, "the rotated token works");
}

#[tokio::test]
async fn refresh_refuses_access_tokens_garbage_and_a_missing_token() {
    let app = TestApp::spawn().await;
    let user = app.register("Alice").await;
    for token in [user.access.as_str(), "garbage"] {
        let response = app
            .post("/api/auth/token/refresh/")
            .json(json!({ "refresh": token }))
            .send()
            .await;
        response.error_envelope(StatusCode::UNAUTHORIZED);
    }
    let response = app
        .post("/api/auth/token/refresh/")
        .json(json!({}))
        .send()
        .await;
    response.error_envelope(StatusCode::BAD_REQUEST);
    assert_eq!(response.error_fields(), ["refresh"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_refreshes_with_one_token_yield_exactly_one_success() {
    let app = TestApp::spawn().await;
    let user = app.register("Alice").await;
    let attempts = (0..6).map(|_| {
        app.post("/api/auth/token/refresh/")
            .json(json!({ "refresh": user.refresh }))
            .send()
    });
    let responses = futures::future::join_all(attempts).await;
    let statuses: Vec<u16> = responses.iter().map(|r| r.status.as_u16()).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 401).count(),
        5,
        "{statuses:?}"
    );
}

#[tokio::test]
async fn logout_blacklists_the_refresh_token_and_revokes_the_access_token() {
    let app = TestApp::spawn().await;
    let user = app.register("Alice").await;
    let other_session = app
        .post("/api/auth/login/")
        .json(json!({ "email": user.email, "password": PASSWORD }))
        .send()
        .await;
    let other_access = other_session.body["data"]["tokens"]["access"]
        .as_str()
        .unwrap()
        .to_string();

    let response = app
        .post("/api/auth/logout/")
        .token(&user)
        .json(json!({ "refresh": user.refresh }))
        .send()
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(response.body["data"], Value::Null);
    insta::assert_json_snapshot!(response.snapshot());

    assert_refused(&app, &user.access).await;
    let refreshed = app
        .post("/api/auth/token/refresh/")
        .json(json!({ "refresh": user.refresh }))
        .send()
        .await;
    refreshed.error_envelope(StatusCode::UNAUTHORIZED);
    // Only the session that logged out ends.
    let me = app.get("/api/auth/me/").bearer(&other_access).send().await;
    assert_eq!(me.status, StatusCode::OK);
}

#[tokio::test]
async fn logout_refuses_another_users_refresh_token() {
    let w = Users::new().await;
    let response = w
        .post("/api/auth/logout/")
        .token(&w.alice)
        .json(json!({ "refresh": w.bob.refresh }))
        .send()
        .await;
    response.error_envelope(StatusCode::BAD_REQUEST);
    assert_eq!(response.error_fields(), ["refresh"]);
    insta::assert_json_snapshot!(response.snapshot());
    // Nothing was revoked: both sessions still work.
    assert_eq!(
        w.get("/api/auth/me/").token(&w.alice).send().await.status,
        StatusCode::OK
    );
    let bob_refresh = w
        .post("/api/auth/token/refresh/")
        .json(json!({ "refresh": w.bob.refresh }))
        .send()
        .await;
    assert_eq!(bob_refresh.status, StatusCode::OK);
}

#[tokio::test]
async fn logout_needs_an_access_token_and_a_valid_refresh_token() {
    let app = TestApp::spawn().await;
    let user = app.register("Alice").await;
    let response = app
        .post("/api/auth/logout/")
        .json(json!({ "refresh": user.refresh }))
        .send()
        .await;
    response.error_envelope(StatusCode::UNAUTHORIZED);

    for body in [
        json!({}),
        json!({ "refresh": "garbage" }),
        json!({ "refresh": user.access }),
    ] {
        let response = app
            .post("/api/auth/logout/")
            .token(&user)
            .json(body)
            .send()
            .await;
        response.error_envelope(StatusCode::BAD_REQUEST);
        assert_eq!(response.error_fields(), ["refresh"]);
    }
    // A failed logout revoked nothing.
    assert_eq!(
        app.get("/api/auth/me/").token(&user).send().await.status,
        StatusCode::OK
    );
}
