//! Response headers that keep patient data out of caches, stop MIME sniffing
//! and referrer leaks, and keep the HTML pages from being framed or running
//! anything but their own files.
use axum::http::{header, Method, StatusCode};
use serde_json::json;

use crate::{
    requests::admin::{account, Console},
    support::{Resp, TestApp},
};

/// The console's pages: nothing but the page's own origin; no JavaScript at
/// all is needed, so none is allowed from anywhere.
const CONSOLE_CSP: &str =
    "default-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'; object-src 'none'";

fn header_of<'a>(response: &'a Resp, name: &str) -> Option<&'a str> {
    response.headers.get(name).and_then(|v| v.to_str().ok())
}

/// What every `/api/` answer carries, whatever its status.
fn assert_api_headers(response: &Resp, what: &str) {
    assert_eq!(
        header_of(response, "cache-control"),
        Some("no-store"),
        "{what}: {:?}",
        response.headers
    );
    assert_eq!(
        header_of(response, "x-content-type-options"),
        Some("nosniff"),
        "{what}"
    );
    assert_eq!(
        header_of(response, "referrer-policy"),
        Some("no-referrer"),
        "{what}"
    );
    assert_eq!(header_of(response, "x-powered-by"), None, "{what}");
    // Not production: no HSTS (settings.rs tests when it is sent).
    assert_eq!(
        header_of(response, "strict-transport-security"),
        None,
        "{what}"
    );
}

/// What an HTML page carries.
fn assert_page_headers(response: &Resp, what: &str) {
    assert!(
        header_of(response, "content-type").is_some_and(|t| t.starts_with("text/html")),
        "{what}: {:?}",
        response.headers
    );
    let csp = header_of(response, "content-security-policy")
        .unwrap_or_else(|| panic!("{what}: no Content-Security-Policy"));
    assert!(csp.starts_with("default-src 'self';"), "{what}: {csp}");
    for directive in ["frame-ancestors 'none'", "object-src 'none'"] {
        assert!(csp.contains(directive), "{what}: {csp}");
    }
    // Never a way to run inline code or `eval`.
    assert!(!csp.contains("unsafe"), "{what}: {csp}");
    assert_eq!(
        header_of(response, "x-frame-options"),
        Some("DENY"),
        "{what}"
    );
    assert_eq!(
        header_of(response, "x-content-type-options"),
        Some("nosniff"),
        "{what}"
    );
    assert_eq!(
        header_of(response, "referrer-policy"),
        Some("no-referrer"),
        "{what}"
    );
    assert_eq!(header_of(response, "x-powered-by"), None, "{what}");
}

#[tokio::test]
async fn every_api_answer_carries_no_store_nosniff_and_no_referrer() {
    let app = TestApp::spawn_with(json!({ "throttle": { "api_per_user": "4/day" } })).await;
    let user = app.register("Headers").await;
    let doctor = app.create_doctor(&user, json!({})).await;

    let list = app.get("/api/doctors/").token(&user).send().await;
    assert_eq!(list.status, StatusCode::OK);
    assert_api_headers(&list, "a list");
    let one = app
        .get(&format!("/api/doctors/{}/", doctor["id"]))
        .token(&user)
        .send()
        .await;
    assert_eq!(one.status, StatusCode::OK);
    assert_api_headers(&one, "a record");

    let cases = [
        (
            app.get("/api/auth/me/").send().await,
            StatusCode::UNAUTHORIZED,
            "401",
        ),
        (
            app.get("/api/nope/").send().await,
            StatusCode::NOT_FOUND,
            "404",
        ),
        (
            app.get("/nope/").send().await,
            StatusCode::NOT_FOUND,
            "404 outside /api/",
        ),
        (
            app.put("/api/auth/login/").send().await,
            StatusCode::METHOD_NOT_ALLOWED,
            "405",
        ),
        (
            app.post("/api/auth/login/")
                .raw("text/plain", b"x".to_vec())
                .send()
                .await,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "415",
        ),
        (
            app.post("/api/patients/")
                .token(&user)
                .json(json!({}))
                .send()
                .await,
            StatusCode::BAD_REQUEST,
            "400",
        ),
        (
            app.get("/api/auth/me/")
                .header("host", "evil.example")
                .send()
                .await,
            StatusCode::BAD_REQUEST,
            "a Host outside ALLOWED_HOSTS",
        ),
        (
            app.get("/api/doctors/").token(&user).send().await,
            StatusCode::TOO_MANY_REQUESTS,
            "429",
        ),
        (
            app.get("/api/openapi.json").send().await,
            StatusCode::OK,
            "the document",
        ),
        (
            app.get("/api/health/live/").send().await,
            StatusCode::OK,
            "a probe",
        ),
    ];
    for (response, status, what) in &cases {
        assert_eq!(response.status, *status, "{what}: {}", response.body);
        if !what.contains("outside /api/") {
            assert_api_headers(response, what);
        }
    }
    // Outside /api/ the cache is the page's business, the rest holds.
    let (outside, _, _) = &cases[2];
    assert_eq!(
        header_of(outside, "x-content-type-options"),
        Some("nosniff")
    );
    assert_eq!(header_of(outside, "x-powered-by"), None);

    // A CORS preflight, answered by the CORS layer itself.
    let preflight = app
        .request(Method::OPTIONS, "/api/patients/")
        .header("origin", "http://localhost:3000")
        .header("access-control-request-method", "POST")
        .send()
        .await;
    assert!(preflight.status.is_success(), "{}", preflight.status);
    assert!(preflight
        .headers
        .contains_key("access-control-allow-origin"));
    assert_api_headers(&preflight, "a CORS preflight");
}

#[tokio::test]
async fn swagger_ui_allows_only_its_own_files() {
    let app = TestApp::spawn().await;
    let page = app.get("/api/docs/").send().await;
    assert_eq!(page.status, StatusCode::OK);
    assert_page_headers(&page, "Swagger UI");
    assert_api_headers(&page, "Swagger UI");
    // Its stylesheet draws a few icons as `data:` images; nothing else is
    // taken from anywhere but the page's origin.
    let csp = header_of(&page, "content-security-policy").unwrap();
    assert_eq!(
        csp,
        "default-src 'self'; img-src 'self' data:; base-uri 'self'; form-action 'self'; \
         frame-ancestors 'none'; object-src 'none'"
    );
    // The page runs no inline code, so `script-src 'self'` lets it work.
    let html = page.body.as_str().expect("html");
    assert!(!html.contains("<style"), "{html}");
    for script in html.split("<script").skip(1) {
        assert!(script.trim_start().starts_with("src=\"./"), "{html}");
        let body = script.split_once('>').unwrap().1;
        assert!(
            body.split("</script>").next().unwrap().trim().is_empty(),
            "{html}"
        );
    }
    let script = app.get("/api/docs/swagger-initializer.js").send().await;
    assert_eq!(
        header_of(&script, "x-content-type-options"),
        Some("nosniff")
    );
    assert!(header_of(&script, "content-type").is_some_and(|t| t.contains("javascript")));
}

#[tokio::test]
async fn console_pages_allow_only_their_own_origin_and_are_never_framed() {
    let app = TestApp::spawn().await;
    let login = app.get("/admin/login/").send().await;
    assert_eq!(login.status, StatusCode::OK);
    assert_page_headers(&login, "the sign-in page");
    assert_eq!(
        header_of(&login, "content-security-policy"),
        Some(CONSOLE_CSP)
    );

    let staff = account(&app, "Staff Headers", true, false).await;
    let console = Console::sign_in(&app, &staff).await;
    for path in [
        "/admin/",
        "/admin/doctors/",
        "/admin/doctors/add/",
        "/admin/log/",
    ] {
        let page = console.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert_page_headers(&page, path);
        assert_eq!(
            header_of(&page, "content-security-policy"),
            Some(CONSOLE_CSP),
            "{path}"
        );
        assert_eq!(
            header_of(&page, "cache-control"),
            Some("no-store"),
            "{path}"
        );
        let html = page.body.as_str().expect("html");
        for inline in ["<script", "<style", " style=", " onclick=", "javascript:"] {
            assert!(!html.contains(inline), "{path} has {inline}");
        }
    }
    let stylesheet = app.get("/admin/static/admin.css").send().await;
    assert_eq!(stylesheet.status, StatusCode::OK);
    assert!(header_of(&stylesheet, header::CONTENT_TYPE.as_str())
        .is_some_and(|t| t.starts_with("text/css")));
    assert_eq!(
        header_of(&stylesheet, "x-content-type-options"),
        Some("nosniff")
    );
    assert_eq!(header_of(&stylesheet, "x-powered-by"), None);
}
