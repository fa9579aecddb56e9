//! Console lists refuse a NUL character (`%00`) in any query parameter with
//! a 400 page, as the API's lists do: no filter can match it, and PostgreSQL
//! cannot take it as text (it was a 500 there).
use axum::http::StatusCode;

use super::{account, html, Console};
use crate::support::TestApp;

/// Each list with the parameters it reads (and `q`, which none reads).
const LISTS: [(&str, &[&str]); 5] = [
    (
        "/admin/users/",
        &[
            "search",
            "is_active",
            "is_staff",
            "is_superuser",
            "ordering",
        ],
    ),
    ("/admin/patients/", &["search", "gender", "ordering"]),
    (
        "/admin/doctors/",
        &[
            "search",
            "specialization",
            "is_available",
            "city",
            "ordering",
        ],
    ),
    (
        "/admin/mappings/",
        &["patient_id", "doctor_id", "is_primary", "ordering"],
    ),
    ("/admin/log/", &[]),
];

#[tokio::test]
async fn a_nul_character_in_a_console_list_query_is_a_400_page() {
    let app = TestApp::spawn().await;
    let staff = account(&app, "Sam Staff", true, false).await;
    let console = Console::sign_in(&app, &staff).await;
    for (path, params) in LISTS {
        let ok = console.get(path).await;
        assert_eq!(ok.status, StatusCode::OK, "{path}");
        for param in params.iter().chain(&["q", "page", "page_size"]) {
            for value in ["%00", "a%00b"] {
                let url = format!("{path}?{param}={value}");
                let response = console.get(&url).await;
                assert_eq!(response.status, StatusCode::BAD_REQUEST, "{url}");
                let page = html(&response);
                assert!(
                    page.contains("Null characters are not allowed."),
                    "{url}: {page}"
                );
                // The console's own page, signed in.
                assert!(page.contains("Sign out"), "{url}");
            }
        }
    }
    // The change log's paging errors were a 500 page too.
    let response = console.get("/admin/log/?page=x").await;
    assert_eq!(response.status, StatusCode::BAD_REQUEST);
    assert!(html(&response).contains("page: Must be a positive whole number."));
}
