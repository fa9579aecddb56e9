//! Throttling: 429 in the envelope with `Retry-After`, per IP, per account,
//! per user, on every counter store. Rates are per day so that a window
//! boundary never falls inside a test.
use axum::http::{header, StatusCode};
use serde_json::{json, Value};

use crate::support::{Resp, TestApp, PASSWORD};

fn throttled(response: &Resp) {
    response.error_envelope(StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = response.headers[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=86_400).contains(&retry_after), "{retry_after}");
}

async fn login_from(app: &TestApp, ip: &str, email: &str) -> Resp {
    app.post("/api/auth/login/")
        .header("x-forwarded-for", ip)
        .json(json!({ "email": email, "password": "Wrong-password-1" }))
        .send()
        .await
}

fn limits(extra: Value) -> Value {
    let mut throttle = json!({ "num_proxies": 1 });
    throttle
        .as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    json!({ "throttle": throttle })
}

#[tokio::test]
async fn login_is_throttled_per_client_ip() {
    let app = TestApp::spawn_with(limits(json!({ "login_per_ip": "3/day" }))).await;
    for n in 0..3 {
        let response = login_from(&app, "203.0.113.7", &format!("u{n}@example.org")).await;
        assert_eq!(response.status, StatusCode::UNAUTHORIZED, "attempt {n}");
    }
    let response = login_from(&app, "203.0.113.7", "u9@example.org").await;
    throttled(&response);
    insta::assert_json_snapshot!(response.snapshot());
    // Another client is not affected.
    let other = login_from(&app, "198.51.100.2", "u9@example.org").await;
    assert_eq!(other.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn login_is_throttled_per_account_from_any_ip() {
    let app = TestApp::spawn_with(limits(json!({ "login_per_account": "2/day" }))).await;
    for ip in ["192.0.2.1", "192.0.2.2"] {
        let response = login_from(&app, ip, "Target@Example.org").await;
        assert_eq!(response.status, StatusCode::UNAUTHORIZED);
    }
    // The account is the lower-cased address, whatever the case typed.
    throttled(&login_from(&app, "192.0.2.3", "target@example.org").await);
    let other_account = login_from(&app, "192.0.2.3", "someone@example.org").await;
    assert_eq!(other_account.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn registration_is_throttled_per_ip_and_per_account() {
    let app = TestApp::spawn_with(limits(json!({
        "register_per_ip": "2/day",
        "register_per_account": "1/day",
    })))
    .await;
    let register = |ip: &'static str, email: &'static str| {
        app.post("/api/auth/register/")
            .header("x-forwarded-for", ip)
            .json(json!({ "name": "Pat", "email": email, "password": PASSWORD, "confirm_password": PASSWORD }))
            .send()
    };
    assert_eq!(
        register("192.0.2.10", "a@example.org").await.status,
        StatusCode::CREATED
    );
    // Same account again (from elsewhere): throttled before the duplicate check.
    throttled(&register("192.0.2.11", "a@example.org").await);
    assert_eq!(
        register("192.0.2.10", "b@example.org").await.status,
        StatusCode::CREATED
    );
    throttled(&register("192.0.2.10", "c@example.org").await);
}

#[tokio::test]
async fn token_refresh_is_throttled_per_ip() {
    let app = TestApp::spawn_with(limits(json!({ "refresh_per_ip": "2/day" }))).await;
    let refresh = || {
        app.post("/api/auth/token/refresh/")
            .header("x-forwarded-for", "192.0.2.20")
            .json(json!({ "refresh": "not-a-token" }))
            .send()
    };
    assert_eq!(refresh().await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(refresh().await.status, StatusCode::UNAUTHORIZED);
    throttled(&refresh().await);
}

#[tokio::test]
async fn token_refresh_is_throttled_per_account() {
    let app = TestApp::spawn_with(limits(json!({ "refresh_per_account": "1/day" }))).await;
    let user = app.register("Alice").await;
    let first = app
        .post("/api/auth/token/refresh/")
        .header("x-forwarded-for", "192.0.2.30")
        .json(json!({ "refresh": user.refresh }))
        .send()
        .await;
    assert_eq!(first.status, StatusCode::OK);
    let next_refresh = first.body["data"]["refresh"].as_str().unwrap();
    let second = app
        .post("/api/auth/token/refresh/")
        .header("x-forwarded-for", "192.0.2.31")
        .json(json!({ "refresh": next_refresh }))
        .send()
        .await;
    throttled(&second);
}

#[tokio::test]
async fn authenticated_calls_are_throttled_per_user() {
    let app = TestApp::spawn_with(limits(json!({ "api_per_user": "3/day" }))).await;
    let alice = app.register("Alice").await;
    let bob = app.register("Bob").await;
    for _ in 0..3 {
        assert_eq!(
            app.get("/api/patients/").token(&alice).send().await.status,
            StatusCode::OK
        );
    }
    throttled(&app.get("/api/patients/").token(&alice).send().await);
    assert_eq!(
        app.get("/api/patients/").token(&bob).send().await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn throttling_can_be_switched_off() {
    let app = TestApp::spawn_with(json!({
        "throttle": { "enabled": false, "num_proxies": 1, "login_per_ip": "1/day" }
    }))
    .await;
    for _ in 0..5 {
        let response = login_from(&app, "192.0.2.40", "x@example.org").await;
        assert_eq!(response.status, StatusCode::UNAUTHORIZED);
    }
}

/// Every counter store counts the same way. Redis is used when
/// `TEST_REDIS_URL` names a server (CI sets it).
#[tokio::test]
async fn every_counter_store_throttles() {
    let mut backends = vec![
        json!({ "backend": "memory" }),
        json!({ "backend": "database" }),
    ];
    match std::env::var("TEST_REDIS_URL") {
        Ok(url) if !url.is_empty() => {
            backends.push(json!({ "backend": "redis", "redis_url": url }))
        }
        _ => eprintln!("TEST_REDIS_URL unset: the Redis store is not exercised here"),
    }
    for backend in backends {
        let mut settings = backend.clone();
        settings["login_per_ip"] = json!("2/day");
        let app = TestApp::spawn_with(limits(settings)).await;
        for _ in 0..2 {
            let response = login_from(&app, "192.0.2.50", "y@example.org").await;
            assert_eq!(response.status, StatusCode::UNAUTHORIZED, "{backend}");
        }
        throttled(&login_from(&app, "192.0.2.50", "y@example.org").await);
    }
}
