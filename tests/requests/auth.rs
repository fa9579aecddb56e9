use axum::http::StatusCode;
use serde_json::json;

use crate::support::{TestApp, PASSWORD};

#[tokio::test]
async fn register_returns_the_user_and_a_token_pair() {
    let app = TestApp::spawn().await;
    let response = app
        .post("/api/auth/register/")
        .json(json!({
            "name": "Dr. Alice Johnson",
            "email": "Alice@Hospital.com",
            "password": PASSWORD,
            "confirm_password": PASSWORD,
        }))
        .send()
        .await;
    assert_eq!(response.status, StatusCode::CREATED);
    assert_eq!(response.body["data"]["user"]["email"], "alice@hospital.com");
    insta::assert_json_snapshot!(response.snapshot());
}
