//! Test harness: a private database per test, the booted Loco router, and a
//! small HTTP client over it (no sockets: `tower::ServiceExt::oneshot`). The
//! worlds the record tests start from, and the `id` helpers, are in `world`.
#![allow(dead_code)]

mod database;
pub mod jobs;
pub mod redact;
mod world;

use axum::{
    body::Body,
    http::{header, HeaderMap, HeaderValue, Method, Request, StatusCode},
    Router,
};
use healthcare_backend::{app::App, query_counter::QueryCounter};
use http_body_util::BodyExt;
use loco_rs::{
    app::{AppContext, Hooks},
    boot::{create_app, StartMode},
    config::Config,
    environment::Environment,
};
use migration::Migrator;
use serde_json::{json, Value};
use tower::ServiceExt;

use database::TestDatabase;
pub use world::{id, ids, Users, World};

pub const PASSWORD: &str = "SecurePass123!";

/// One booted application on its own database.
pub struct TestApp {
    pub router: Router,
    pub ctx: AppContext,
    // Dropped last: removes the database once the app is gone.
    _database: TestDatabase,
}

/// A registered user and their tokens.
#[derive(Debug, Clone)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub access: String,
    pub refresh: String,
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(json!({})).await
    }

    /// Boots with `settings` merged over `config/test.yaml`'s `settings:`.
    /// Every app gets its own throttle key prefix, so shared counter stores
    /// (Redis) never mix two tests.
    pub async fn spawn_with(settings: Value) -> Self {
        Self::spawn_configured(settings, |_| {}).await
    }

    /// As [`Self::spawn_with`], then `adjust` edits the rest of the config.
    pub async fn spawn_configured(settings: Value, adjust: impl FnOnce(&mut Config)) -> Self {
        let database = TestDatabase::create().await;
        let mut config = App::load_config(&Environment::Test)
            .await
            .expect("test config loads");
        config.database.uri = database.url();
        config.queue = Some(jobs::queue_config(&database.url()));
        adjust(&mut config);
        let mut merged = config.settings.take().unwrap_or_else(|| json!({}));
        deep_merge(
            &mut merged,
            json!({ "throttle": { "key_prefix": format!("test-{}", uuid::Uuid::new_v4().simple()) } }),
        );
        deep_merge(&mut merged, settings);
        config.settings = Some(merged);
        let boot = create_app::<App, Migrator>(StartMode::ServerOnly, &Environment::Test, config)
            .await
            .expect("app boots");
        Self {
            router: boot.router.expect("server mode has a router"),
            ctx: boot.app_context,
            _database: database,
        }
    }

    pub fn request(&self, method: Method, path: &str) -> Req<'_> {
        Req {
            app: self,
            method,
            path: path.to_string(),
            headers: HeaderMap::new(),
            body: Vec::new(),
        }
    }

    pub fn get(&self, path: &str) -> Req<'_> {
        self.request(Method::GET, path)
    }
    pub fn post(&self, path: &str) -> Req<'_> {
        self.request(Method::POST, path)
    }
    pub fn put(&self, path: &str) -> Req<'_> {
        self.request(Method::PUT, path)
    }
    pub fn patch(&self, path: &str) -> Req<'_> {
        self.request(Method::PATCH, path)
    }
    pub fn delete(&self, path: &str) -> Req<'_> {
        self.request(Method::DELETE, path)
    }

    /// SQL statements run so far by this app (tests count differences).
    pub fn queries(&self) -> usize {
        QueryCounter::of(&self.ctx)
            .expect("count_queries is on in config/test.yaml")
            .get()
    }

    /// Registers `name` with a unique address derived from it.
    pub async fn register(&self, name: &str) -> User {
        let email = format!(
            "{}-{}@example.com",
            name.to_lowercase().replace(' ', "."),
            uuid::Uuid::new_v4().simple()
        );
        let response = self
            .post("/api/auth/register/")
            .json(json!({
                "name": name,
                "email": email,
                "password": PASSWORD,
                "confirm_password": PASSWORD,
            }))
            .send()
            .await;
        assert_eq!(response.status, StatusCode::CREATED, "{}", response.body);
        let data = &response.body["data"];
        User {
            id: data["user"]["id"].as_i64().expect("user id"),
            email,
            access: data["tokens"]["access"]
                .as_str()
                .expect("access")
                .to_string(),
            refresh: data["tokens"]["refresh"]
                .as_str()
                .expect("refresh")
                .to_string(),
        }
    }

    /// Creates a patient for `user`; `fields` override the defaults.
    pub async fn create_patient(&self, user: &User, fields: Value) -> Value {
        let mut body = patient_body();
        merge(&mut body, fields);
        let response = self
            .post("/api/patients/")
            .token(user)
            .json(body)
            .send()
            .await;
        assert_eq!(response.status, StatusCode::CREATED, "{}", response.body);
        response.body["data"].clone()
    }

    /// Creates a doctor for `user` with a unique e-mail and licence number.
    pub async fn create_doctor(&self, user: &User, fields: Value) -> Value {
        let unique = uuid::Uuid::new_v4().simple().to_string();
        let mut body = doctor_body();
        body["email"] = json!(format!("dr.{unique}@hospital.com"));
        body["license_number"] = json!(format!("LIC-{}", &unique[..12]));
        merge(&mut body, fields);
        let response = self
            .post("/api/doctors/")
            .token(user)
            .json(body)
            .send()
            .await;
        assert_eq!(response.status, StatusCode::CREATED, "{}", response.body);
        response.body["data"].clone()
    }

    pub async fn assign(
        &self,
        user: &User,
        patient: &Value,
        doctor: &Value,
        primary: bool,
    ) -> Value {
        let response = self
            .post("/api/mappings/")
            .token(user)
            .json(json!({
                "patient": patient["id"],
                "doctor": doctor["id"],
                "is_primary": primary,
                "notes": "Referred for evaluation",
            }))
            .send()
            .await;
        assert_eq!(response.status, StatusCode::CREATED, "{}", response.body);
        response.body["data"].clone()
    }
}

/// The seed README's patient example.
pub fn patient_body() -> Value {
    json!({
        "first_name": "John",
        "last_name": "Doe",
        "email": "john.doe@email.com",
        "phone": "555-1234",
        "date_of_birth": "1985-06-15",
        "gender": "M",
        "blood_group": "O+",
        "allergies": "Penicillin",
        "medical_history": "Hypertension diagnosed 2020",
        "current_medications": "Lisinopril 10mg",
        "emergency_contact_name": "Jane Doe",
        "emergency_contact_phone": "555-5678",
        "address": "123 Main St",
        "city": "Chicago",
        "state": "IL",
        "country": "USA"
    })
}

/// The seed README's doctor example.
pub fn doctor_body() -> Value {
    json!({
        "first_name": "Emily",
        "last_name": "Chen",
        "email": "dr.emily@hospital.com",
        "phone": "555-9876",
        "specialization": "neurology",
        "license_number": "LIC-2024-007",
        "years_of_experience": 15,
        "qualification": "MD, PhD Neuroscience",
        "bio": "Board-certified neurologist specializing in epilepsy treatment.",
        "consultation_fee": "250.00",
        "is_available": true,
        "hospital_name": "City Medical Center",
        "city": "San Francisco",
        "state": "CA",
        "country": "USA"
    })
}

fn deep_merge(base: &mut Value, patch: Value) {
    match (base, patch) {
        (Value::Object(base), Value::Object(patch)) => {
            for (key, value) in patch {
                deep_merge(base.entry(key).or_insert(Value::Null), value);
            }
        }
        (base, patch) => *base = patch,
    }
}

/// Shallow merge of `fields` into `body`; a `null` in `fields` removes the key.
pub fn merge(body: &mut Value, fields: Value) {
    if let (Some(body), Value::Object(fields)) = (body.as_object_mut(), fields) {
        for (key, value) in fields {
            if value.is_null() {
                body.remove(&key);
            } else {
                body.insert(key, value);
            }
        }
    }
}

pub struct Req<'a> {
    app: &'a TestApp,
    method: Method,
    path: String,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Req<'_> {
    pub fn token(self, user: &User) -> Self {
        let access = user.access.clone();
        self.bearer(&access)
    }

    pub fn bearer(self, token: &str) -> Self {
        self.header("authorization", &format!("Bearer {token}"))
    }

    pub fn header(mut self, name: &'static str, value: &str) -> Self {
        self.headers
            .insert(name, HeaderValue::from_str(value).expect("header value"));
        self
    }

    pub fn json(self, body: Value) -> Self {
        self.raw("application/json", body.to_string().into_bytes())
    }

    pub fn raw(mut self, content_type: &str, body: Vec<u8>) -> Self {
        self.headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_str(content_type).expect("content type"),
        );
        self.body = body;
        self
    }

    pub async fn send(self) -> Resp {
        let mut request = Request::builder()
            .method(self.method)
            .uri(&self.path)
            .header(header::HOST, "testserver")
            .body(Body::from(self.body))
            .expect("request builds");
        request.headers_mut().extend(self.headers);
        let response = self
            .app
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("router is infallible");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body reads")
            .to_bytes();
        let body = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
        Resp {
            status,
            headers,
            body,
        }
    }
}

#[derive(Debug)]
pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Resp {
    /// Asserts the contract's error envelope and returns `errors`.
    pub fn error_envelope(&self, status: StatusCode) -> &Value {
        assert_eq!(self.status, status, "{}", self.body);
        assert_eq!(self.body["success"], json!(false), "{}", self.body);
        assert!(self.body["message"].as_str().is_some_and(|m| !m.is_empty()));
        assert!(self.body["errors"].is_object(), "{}", self.body);
        &self.body["errors"]
    }

    /// The field names under `errors`, sorted.
    pub fn error_fields(&self) -> Vec<String> {
        let mut fields: Vec<String> = self.body["errors"]
            .as_object()
            .map(|errors| errors.keys().cloned().collect())
            .unwrap_or_default();
        fields.sort();
        fields
    }

    /// Status and redacted body, for an insta snapshot.
    pub fn snapshot(&self) -> Value {
        json!({ "status": self.status.as_u16(), "body": redact::redact(&self.body) })
    }
}

/// Asserts a 400 whose `errors` name exactly `fields`, each with messages.
pub fn assert_invalid(resp: &Resp, fields: &[&str]) {
    let errors = resp.error_envelope(StatusCode::BAD_REQUEST);
    assert_eq!(resp.error_fields(), fields, "{}", resp.body);
    for field in fields {
        let messages = errors[field].as_array().expect("a list of messages");
        assert!(!messages.is_empty(), "{}", resp.body);
        assert!(messages
            .iter()
            .all(|m| m.as_str().is_some_and(|m| !m.is_empty())));
    }
}
