//! Patient–doctor mappings: creation, the one-primary rule, scoping to the
//! caller's patients, filters, cascades, and the response shapes.
use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::support::{id, ids, Resp, TestApp, User, Users, World};

/// The keys of a JSON object, sorted.
fn keys(value: &Value) -> Vec<String> {
    let mut keys: Vec<String> = value
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {value}"))
        .keys()
        .cloned()
        .collect();
    keys.sort();
    keys
}

fn sorted(names: &[&str]) -> Vec<String> {
    let mut names: Vec<String> = names.iter().map(ToString::to_string).collect();
    names.sort();
    names
}

/// The first message under `errors.<field>`.
fn field_message(resp: &Resp, field: &str) -> String {
    resp.body["errors"][field][0]
        .as_str()
        .unwrap_or_else(|| panic!("no message under errors.{field}: {}", resp.body))
        .to_string()
}

/// `GET /api/mappings/<query>` as `user`, asserting 200.
async fn list(app: &TestApp, user: &User, query: &str) -> Value {
    let resp = app
        .get(&format!("/api/mappings/{query}"))
        .token(user)
        .send()
        .await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    resp.body
}

/// `GET /api/mappings/detail/<id>/` as `user`.
async fn detail(app: &TestApp, user: &User, mapping_id: i32) -> Resp {
    app.get(&format!("/api/mappings/detail/{mapping_id}/"))
        .token(user)
        .send()
        .await
}

async fn post_mapping(app: &TestApp, user: &User, body: Value) -> Resp {
    app.post("/api/mappings/")
        .token(user)
        .json(body)
        .send()
        .await
}

/// The ids of the primary mappings of `patient`, as its owner sees them.
async fn primaries(app: &TestApp, user: &User, patient: &Value) -> Vec<i32> {
    let body = list(
        app,
        user,
        &format!("?patient_id={}&page_size=100", id(patient)),
    )
    .await;
    body["data"]
        .as_array()
        .expect("data")
        .iter()
        .filter(|item| item["is_primary"] == json!(true))
        .map(id)
        .collect()
}

mod access;
mod create;
mod crud;
mod lost_database;
