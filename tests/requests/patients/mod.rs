//! Tests: patients. `/api/patients/` is scoped to the user who created each
//! record; see `/work/shared/API.md`, "Patients".
use axum::http::{header, StatusCode};
use chrono::{Days, Months, NaiveDate, Utc};
use serde_json::{json, Value};

use crate::support::{
    assert_invalid, id, ids, merge, patient_body, Resp, TestApp, User, Users, World,
};

const LIST: &str = "/api/patients/";

fn detail(id: &Value) -> String {
    format!("/api/patients/{id}/")
}

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// The seed's patient body with `fields` merged over it (`null` removes a key).
fn body_with(fields: Value) -> Value {
    let mut body = patient_body();
    merge(&mut body, fields);
    body
}

async fn post_patient(app: &TestApp, user: &User, body: Value) -> Resp {
    app.post(LIST).token(user).json(body).send().await
}

/// `GET /api/patients/?search=<term>` (the term URL-encoded).
async fn search(app: &TestApp, user: &User, term: &str) -> Resp {
    let term: String = form_urlencoded::byte_serialize(term.as_bytes()).collect();
    app.get(&format!("{LIST}?search={term}"))
        .token(user)
        .send()
        .await
}

/// The sorted `full_name`s of a list response, after checking it is a 200
/// list whose `count` matches its (single page of) `data`.
fn full_names(resp: &Resp) -> Vec<String> {
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    assert_eq!(resp.body["success"], json!(true), "{}", resp.body);
    let data = resp.body["data"].as_array().expect("data is a list");
    assert_eq!(resp.body["count"], json!(data.len()), "{}", resp.body);
    let mut names: Vec<String> = data
        .iter()
        .map(|item| item["full_name"].as_str().expect("full_name").to_string())
        .collect();
    names.sort();
    names
}

mod access;
mod crud;
mod updates;
mod validation;
