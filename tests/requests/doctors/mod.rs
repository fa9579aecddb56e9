//! Tests: doctors. `/api/doctors/` is a directory every authenticated user
//! reads; only a record's creator may change or delete it. See
//! `/work/shared/API.md`, "Doctors".
use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::support::{
    assert_invalid, doctor_body, id, ids, merge, Resp, TestApp, User, Users, World,
};

const LIST: &str = "/api/doctors/";

const SPECIALIZATIONS: [&str; 22] = [
    "general",
    "cardiology",
    "dermatology",
    "endocrinology",
    "gastroenterology",
    "hematology",
    "infectious_disease",
    "internal_medicine",
    "nephrology",
    "neurology",
    "obstetrics_gynecology",
    "oncology",
    "ophthalmology",
    "orthopedics",
    "pediatrics",
    "psychiatry",
    "pulmonology",
    "radiology",
    "rheumatology",
    "surgery",
    "urology",
    "other",
];

fn detail(id: &Value) -> String {
    format!("/api/doctors/{id}/")
}

/// The seed's doctor body with `fields` merged over it (`null` removes a key).
fn body_with(fields: Value) -> Value {
    let mut body = doctor_body();
    merge(&mut body, fields);
    body
}

/// A body with an e-mail address and licence number of its own (`n`), so that
/// several may be created in one test.
fn unique_body(n: usize, fields: Value) -> Value {
    let mut body = doctor_body();
    body["email"] = json!(format!("doctor{n}@hospital.com"));
    body["license_number"] = json!(format!("LIC-TEST-{n:04}"));
    merge(&mut body, fields);
    body
}

async fn post_doctor(app: &TestApp, user: &User, body: Value) -> Resp {
    app.post(LIST).token(user).json(body).send().await
}

/// `GET /api/doctors/?<name>=<value>` (the value URL-encoded).
async fn list_by(app: &TestApp, user: &User, name: &str, value: &str) -> Resp {
    let value: String = form_urlencoded::byte_serialize(value.as_bytes()).collect();
    app.get(&format!("{LIST}?{name}={value}"))
        .token(user)
        .send()
        .await
}

/// The sorted `display_name`s of a list response, after checking it is a 200
/// list whose `count` matches its (single page of) `data`.
fn display_names(resp: &Resp) -> Vec<String> {
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    assert_eq!(resp.body["success"], json!(true), "{}", resp.body);
    let data = resp.body["data"].as_array().expect("data is a list");
    assert_eq!(resp.body["count"], json!(data.len()), "{}", resp.body);
    let mut names: Vec<String> = data
        .iter()
        .map(|item| {
            item["display_name"]
                .as_str()
                .expect("display_name")
                .to_string()
        })
        .collect();
    names.sort();
    names
}

async fn count(app: &TestApp, user: &User) -> Value {
    app.get(LIST).token(user).send().await.body["count"].clone()
}

mod access;
mod crud;
mod integrity;
mod numbers;
mod validation;
