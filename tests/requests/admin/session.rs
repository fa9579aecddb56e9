//! Signing in and out: staff only, cookie flags, CSRF, throttling.
use axum::http::{header, StatusCode};
use healthcare_backend::models::{admin_sessions, users};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, IntoActiveModel};
use serde_json::json;

use super::{account, csrf_of, html, location, set_cookie, sign_in_attempt, Console};
use crate::support::TestApp;

#[tokio::test]
async fn a_visitor_without_a_session_is_sent_to_the_sign_in_page() {
    let app = TestApp::spawn().await;
    for path in ["/admin/", "/admin/patients/", "/admin/users/1/"] {
        let response = app.get(path).send().await;
        assert_eq!(response.status, StatusCode::SEE_OTHER, "{path}");
        let expected = format!("/admin/login/?next={}", path.trim_end_matches('/'));
        assert!(
            location(&response).starts_with(&expected),
            "{path} → {}",
            location(&response)
        );
    }
}

#[tokio::test]
async fn staff_sign_in_sets_a_strict_http_only_expiring_cookie() {
    let app = TestApp::spawn().await;
    let staff = account(&app, "Sam Staff", true, false).await;
    let response = sign_in_attempt(&app, &staff.email, crate::support::PASSWORD).await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    assert_eq!(location(&response), "/admin/");
    let cookie = set_cookie(&response, "hc_admin_session").expect("session cookie");
    for attribute in [
        "HttpOnly",
        "SameSite=Strict",
        "Path=/admin",
        "Max-Age=28800",
    ] {
        assert!(
            cookie.contains(attribute),
            "{attribute} missing from {cookie}"
        );
    }
    // Not `Secure` outside production (plain http on localhost); production
    // adds it (src/controllers/admin/session.rs).
    assert!(!cookie.contains("Secure"));
    let value = cookie.split(';').next().unwrap().split('=').nth(1).unwrap();
    assert!(value.len() >= 64, "a long random value");
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_account_get_the_same_answer() {
    let app = TestApp::spawn().await;
    let staff = account(&app, "Sam Staff", true, false).await;
    for (email, password) in [
        (staff.email.as_str(), "Wrong-password-1"),
        ("nobody@example.com", "x"),
    ] {
        let response = sign_in_attempt(&app, email, password).await;
        assert_eq!(response.status, StatusCode::UNAUTHORIZED);
        assert!(html(&response).contains("Please enter the correct e-mail and password"));
        assert!(set_cookie(&response, "hc_admin_session").is_none());
    }
}

#[tokio::test]
async fn a_user_who_is_not_staff_gets_a_plain_refusal() {
    let app = TestApp::spawn().await;
    let clinician = account(&app, "Cleo", false, false).await;
    let response = sign_in_attempt(&app, &clinician.email, crate::support::PASSWORD).await;
    assert_eq!(response.status, StatusCode::FORBIDDEN);
    assert!(html(&response).contains("does not have access to the admin console"));
    assert!(set_cookie(&response, "hc_admin_session").is_none());
}

#[tokio::test]
async fn a_forged_or_missing_csrf_token_is_refused() {
    let app = TestApp::spawn().await;
    let staff = account(&app, "Sam Staff", true, false).await;
    // Sign-in: the form's token must match the cookie set with the form.
    let page = app.get("/admin/login/").send().await;
    let forged = app
        .post("/admin/login/")
        .header("cookie", "hc_admin_csrf=attacker-chosen")
        .raw(
            "application/x-www-form-urlencoded",
            super::form(&[
                ("csrf_token", &csrf_of(&page)),
                ("email", &staff.email),
                ("password", crate::support::PASSWORD),
            ]),
        )
        .send()
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(html(&forged).contains("CSRF verification failed"));

    // Signed in: a change without the session's token changes nothing.
    let console = Console::sign_in(&app, &staff).await;
    let user = app.register("Target").await;
    let path = format!("/admin/users/{}/", user.id);
    for token in [None, Some("0".repeat(64))] {
        let mut pairs = vec![
            ("name", "Renamed"),
            ("email", user.email.as_str()),
            ("is_active", "true"),
        ];
        if let Some(token) = &token {
            pairs.push(("csrf_token", token.as_str()));
        }
        let response = console.post_raw(&path, &pairs).await;
        assert_eq!(response.status, StatusCode::FORBIDDEN);
    }
    let me = app.get("/api/auth/me/").token(&user).send().await;
    assert_eq!(me.body["data"]["name"], json!("Target"));
}

#[tokio::test]
async fn signing_out_ends_the_session() {
    let app = TestApp::spawn().await;
    let staff = account(&app, "Sam Staff", true, false).await;
    let console = Console::sign_in(&app, &staff).await;
    let response = console.post("/admin/logout/", &[]).await;
    assert_eq!(response.status, StatusCode::SEE_OTHER);
    let cleared = set_cookie(&response, "hc_admin_session").unwrap();
    assert!(cleared.contains("Max-Age=0"));
    // The old cookie no longer opens anything, even if a client kept it.
    let after = console.get("/admin/").await;
    assert_eq!(after.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn console_sign_in_shares_the_api_login_throttle() {
    let app = TestApp::spawn_with(
        json!({ "throttle": { "num_proxies": 1, "login_per_account": "2/day" } }),
    )
    .await;
    let staff = account(&app, "Sam Staff", true, false).await;
    for _ in 0..2 {
        let response = sign_in_attempt(&app, &staff.email, "Wrong-password-1").await;
        assert_eq!(response.status, StatusCode::UNAUTHORIZED);
    }
    // The right password no longer helps: the account is throttled, and the
    // API login counts against the same limit.
    let response = sign_in_attempt(&app, &staff.email, crate::support::PASSWORD).await;
    assert_eq!(response.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(html(&response).contains("Too many attempts"));
    let api = app
        .post("/api/auth/login/")
        .json(json!({ "email": staff.email, "password": crate::support::PASSWORD }))
        .send()
        .await;
    assert_eq!(api.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(api.headers.contains_key(header::RETRY_AFTER));
}

#[tokio::test]
async fn an_expired_session_opens_nothing_and_is_flushed() {
    let app = TestApp::spawn().await;
    let staff = account(&app, "Sam Staff", true, false).await;
    let user = users::Entity::find_by_id(i32::try_from(staff.id).unwrap())
        .one(&app.ctx.db)
        .await
        .unwrap()
        .unwrap();
    let (token, session) = admin_sessions::start(&app.ctx.db, &user).await.unwrap();
    let cookie = format!("hc_admin_session={token}");
    let open = app.get("/admin/").header("cookie", &cookie).send().await;
    assert_eq!(open.status, StatusCode::OK);

    let mut expired = session.into_active_model();
    expired.expires_at = Set(chrono::Utc::now().fixed_offset() - chrono::Duration::seconds(1));
    expired.update(&app.ctx.db).await.unwrap();
    let closed = app.get("/admin/").header("cookie", &cookie).send().await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER);
    assert_eq!(admin_sessions::flush_expired(&app.ctx.db).await.unwrap(), 1);
}

#[tokio::test]
async fn signing_in_returns_to_the_page_asked_for_and_only_inside_the_console() {
    let app = TestApp::spawn().await;
    let staff = account(&app, "Sam Staff", true, false).await;
    let asked = app.get("/admin/patients/").send().await;
    let login_url = location(&asked).to_string();
    let page = app.get(&login_url).send().await;
    assert!(html(&page).contains("action=\"/admin/login/?next=/admin/patients\""));
    for (next, expected) in [
        ("/admin/patients", "/admin/patients"),
        ("https://evil.example/", "/admin/"),
    ] {
        let form = app.get(&format!("/admin/login/?next={next}")).send().await;
        let csrf_cookie = set_cookie(&form, "hc_admin_csrf")
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_string();
        let response = app
            .post(&format!("/admin/login/?next={next}"))
            .header("cookie", &csrf_cookie)
            .raw(
                "application/x-www-form-urlencoded",
                super::form(&[
                    ("csrf_token", &csrf_of(&form)),
                    ("email", &staff.email),
                    ("password", crate::support::PASSWORD),
                ]),
            )
            .send()
            .await;
        assert_eq!(response.status, StatusCode::SEE_OTHER);
        assert_eq!(location(&response), expected, "next={next}");
    }
}

/// Sets when the session was last used, as if that long had passed.
async fn last_seen(app: &TestApp, session: &admin_sessions::Model, ago: chrono::Duration) {
    let mut row = session.clone().into_active_model();
    row.last_seen_at = Set(chrono::Utc::now().fixed_offset() - ago);
    row.update(&app.ctx.db).await.unwrap();
}

async fn reread(app: &TestApp, session: &admin_sessions::Model) -> admin_sessions::Model {
    admin_sessions::Entity::find_by_id(session.id)
        .one(&app.ctx.db)
        .await
        .unwrap()
        .unwrap()
}

async fn staff_session(app: &TestApp) -> (String, admin_sessions::Model) {
    let staff = account(app, "Sam Staff", true, false).await;
    let user = users::Entity::find_by_id(i32::try_from(staff.id).unwrap())
        .one(&app.ctx.db)
        .await
        .unwrap()
        .unwrap();
    let (token, session) = admin_sessions::start(&app.ctx.db, &user).await.unwrap();
    (format!("hc_admin_session={token}"), session)
}

#[tokio::test]
async fn a_session_idle_past_the_timeout_goes_back_to_sign_in_and_a_used_one_is_extended() {
    // The default: 30 minutes.
    let app = TestApp::spawn().await;
    let (cookie, session) = staff_session(&app).await;

    last_seen(&app, &session, chrono::Duration::minutes(25)).await;
    let open = app
        .get("/admin/users/")
        .header("cookie", &cookie)
        .send()
        .await;
    assert_eq!(open.status, StatusCode::OK);
    let used = reread(&app, &session).await.last_seen_at;
    let age = chrono::Utc::now().fixed_offset() - used;
    assert!(age < chrono::Duration::seconds(30), "not extended: {age}");

    // 25 more minutes later the session is still open: the request above
    // counted as activity.
    last_seen(&app, &session, chrono::Duration::minutes(29)).await;
    let open = app.get("/admin/").header("cookie", &cookie).send().await;
    assert_eq!(open.status, StatusCode::OK);

    last_seen(&app, &session, chrono::Duration::minutes(31)).await;
    for path in ["/admin/", "/admin/users/"] {
        let idle = app.get(path).header("cookie", &cookie).send().await;
        assert_eq!(idle.status, StatusCode::SEE_OTHER, "{path}");
        assert!(location(&idle).starts_with("/admin/login/?next="), "{path}");
    }
    // Using it again does not revive it.
    let page = app
        .get("/admin/login/")
        .header("cookie", &cookie)
        .send()
        .await;
    assert_eq!(
        page.status,
        StatusCode::OK,
        "the sign-in form, not a redirect"
    );
}

#[tokio::test]
async fn the_idle_timeout_is_configurable() {
    let app = TestApp::spawn_with(json!({ "admin_idle_timeout_minutes": 5 })).await;
    let (cookie, session) = staff_session(&app).await;
    last_seen(&app, &session, chrono::Duration::minutes(4)).await;
    let open = app.get("/admin/").header("cookie", &cookie).send().await;
    assert_eq!(open.status, StatusCode::OK);
    last_seen(&app, &session, chrono::Duration::minutes(6)).await;
    let idle = app.get("/admin/").header("cookie", &cookie).send().await;
    assert_eq!(idle.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_request_within_a_minute_of_the_last_one_writes_nothing() {
    let app = TestApp::spawn().await;
    let (cookie, session) = staff_session(&app).await;
    last_seen(&app, &session, chrono::Duration::seconds(20)).await;
    let before = reread(&app, &session).await.last_seen_at;
    let open = app.get("/admin/").header("cookie", &cookie).send().await;
    assert_eq!(open.status, StatusCode::OK);
    assert_eq!(reread(&app, &session).await.last_seen_at, before);
}
