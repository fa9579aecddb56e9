//! Configuration that shows at the HTTP surface: ALLOWED_HOSTS, CORS, health.
use axum::http::{Method, StatusCode};

use crate::support::TestApp;

#[tokio::test]
async fn a_host_outside_allowed_hosts_gets_400_in_the_envelope() {
    let app = TestApp::spawn().await;
    let response = app
        .get("/api/auth/me/")
        .header("host", "evil.example.com")
        .send()
        .await;
    response.error_envelope(StatusCode::BAD_REQUEST);
    insta::assert_json_snapshot!(response.snapshot());
    // Even an unknown path: the host is checked first.
    let response = app
        .get("/nope/")
        .header("host", "evil.example.com")
        .send()
        .await;
    response.error_envelope(StatusCode::BAD_REQUEST);
    // Allowed hosts, with or without a port, pass through (here to a 401).
    for host in ["testserver", "localhost:8000", "127.0.0.1"] {
        let response = app.get("/api/auth/me/").header("host", host).send().await;
        assert_eq!(response.status, StatusCode::UNAUTHORIZED, "{host}");
    }
}

#[tokio::test]
async fn cors_answers_only_the_configured_origins() {
    let app = TestApp::spawn().await;
    let preflight = |origin: &'static str| {
        app.request(Method::OPTIONS, "/api/patients/")
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "authorization,content-type",
            )
            .send()
    };
    let allowed = preflight("http://localhost:3000").await;
    assert_eq!(
        allowed.headers["access-control-allow-origin"], "http://localhost:3000",
        "{:?}",
        allowed.headers
    );
    let refused = preflight("https://evil.example.com").await;
    assert!(
        !refused.headers.contains_key("access-control-allow-origin"),
        "{:?}",
        refused.headers
    );
}

#[tokio::test]
async fn liveness_and_readiness_answer_in_the_envelope() {
    let app = TestApp::spawn().await;
    let live = app.get("/api/health/live/").send().await;
    assert_eq!(live.status, StatusCode::OK);
    assert_eq!(live.body["success"], true);
    let ready = app.get("/api/health/ready/").send().await;
    assert_eq!(ready.status, StatusCode::OK);
    assert_eq!(ready.body["data"]["database"], "ok");
    insta::assert_json_snapshot!(ready.snapshot());
    // Probes are exempt from ALLOWED_HOSTS: orchestrators call them by IP.
    let probe = app
        .get("/api/health/live/")
        .header("host", "10.1.2.3:8000")
        .send()
        .await;
    assert_eq!(probe.status, StatusCode::OK);

    app.ctx.db.close_by_ref().await.expect("close pool");
    let ready = app.get("/api/health/ready/").send().await;
    ready.error_envelope(StatusCode::SERVICE_UNAVAILABLE);
    let live = app.get("/api/health/live/").send().await;
    assert_eq!(
        live.status,
        StatusCode::OK,
        "liveness does not depend on the database"
    );
}

#[tokio::test]
async fn x_request_id_is_honoured_and_echoed() {
    let app = TestApp::spawn().await;
    let response = app
        .get("/api/health/live/")
        .header("x-request-id", "trace-7f3a-0001")
        .send()
        .await;
    assert_eq!(response.headers["x-request-id"], "trace-7f3a-0001");
    let generated = app.get("/api/health/live/").send().await;
    let id = generated.headers["x-request-id"].to_str().unwrap();
    assert!(
        uuid::Uuid::parse_str(id).is_ok(),
        "a fresh id is a UUID: {id}"
    );
}

/// `Host: localhost:@evil.example` once passed ALLOWED_HOSTS (its "name"
/// before the last colon is `localhost`) and then set the host of every
/// list link. The header's syntax is checked first, as Django does.
#[tokio::test]
async fn a_host_header_that_is_not_a_host_name_and_port_gets_400() {
    let app = TestApp::spawn().await;
    let user = app.register("Hostile").await;
    let response = app
        .get("/api/doctors/?page_size=1")
        .token(&user)
        .header("host", "localhost:@evil.example")
        .send()
        .await;
    let errors = response.error_envelope(StatusCode::BAD_REQUEST);
    assert!(
        errors["detail"][0]
            .as_str()
            .is_some_and(|m| m.contains("Host")),
        "{}",
        response.body
    );
    assert!(!response.body.to_string().contains("evil.example"));
}

/// Django's `split_domain_port`: a name of letters, digits, dots and hyphens,
/// or an `[IPv6]` literal, then optionally `:` and one or more digits.
#[tokio::test]
async fn host_headers_are_checked_for_syntax_like_django() {
    let app = TestApp::spawn_with(serde_json::json!({
        "allowed_hosts": "testserver,localhost,127.0.0.1,[::1],.clinic.org,evil.example"
    }))
    .await;
    let good = [
        "localhost",
        "localhost:8000",
        "LOCALHOST:8000",
        "localhost.",
        "127.0.0.1:80",
        "[::1]",
        "[::1]:80",
        "api.clinic.org:443",
        "evil.example",
    ];
    for host in good {
        let response = app.get("/api/auth/me/").header("host", host).send().await;
        assert_eq!(
            response.status,
            StatusCode::UNAUTHORIZED,
            "{host} is a valid host"
        );
    }
    let bad = [
        "",
        "a b",
        "x:y",
        "host:80:80",
        "@evil",
        "localhost:@evil.example",
        "localhost@evil.example",
        "evil.example@localhost",
        "localhost:",
        "localhost:80a",
        "[::1]:",
        "[::1",
        "::1",
        "[localhost]",
        "local_host",
        "localhost/evil",
        "localhost#evil",
        "localhost\\evil",
    ];
    for host in bad {
        let response = app.get("/api/auth/me/").header("host", host).send().await;
        response.error_envelope(StatusCode::BAD_REQUEST);
        assert!(
            response.body["errors"]["detail"][0]
                .as_str()
                .is_some_and(|m| m.contains("Host")),
            "{host:?}: {}",
            response.body
        );
    }
}

/// `next` and `previous` are built on the request's (validated) host.
#[tokio::test]
async fn list_links_are_built_on_the_validated_host() {
    let app = TestApp::spawn_with(serde_json::json!({
        "allowed_hosts": "testserver,.clinic.org"
    }))
    .await;
    let user = app.register("Linker").await;
    for _ in 0..3 {
        app.create_doctor(&user, serde_json::json!({})).await;
    }
    let response = app
        .get("/api/doctors/?page=2&page_size=1")
        .token(&user)
        .header("host", "api.clinic.org:8443")
        .send()
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(
        response.body["next"],
        "http://api.clinic.org:8443/api/doctors/?page_size=1&page=3"
    );
    assert_eq!(
        response.body["previous"],
        "http://api.clinic.org:8443/api/doctors/?page_size=1"
    );
}
