//! The list contract shared by /api/patients/, /api/doctors/ and
//! /api/mappings/: the envelope, pagination, links, ordering and a query
//! count that does not grow with the page size.
use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::support::{id, ids, Resp, TestApp, User, World};

const LISTS: [&str; 3] = ["/api/patients/", "/api/doctors/", "/api/mappings/"];

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

fn envelope_keys() -> Vec<String> {
    let mut keys: Vec<String> = [
        "success",
        "message",
        "count",
        "page",
        "page_size",
        "next",
        "previous",
        "data",
    ]
    .iter()
    .map(ToString::to_string)
    .collect();
    keys.sort();
    keys
}

fn data_len(body: &Value) -> usize {
    body["data"]
        .as_array()
        .unwrap_or_else(|| panic!("no data array: {body}"))
        .len()
}

/// `GET path` as `user`, asserting 200.
async fn get_ok(app: &TestApp, user: &User, path: &str) -> Value {
    let resp = app.get(path).token(user).send().await;
    assert_eq!(resp.status, StatusCode::OK, "GET {path}: {}", resp.body);
    resp.body
}

/// A link split into its base (scheme, host, path) and its query pairs.
fn split_link(link: &Value) -> (String, Vec<(String, String)>) {
    let link = link
        .as_str()
        .unwrap_or_else(|| panic!("not a link: {link}"));
    let (base, query) = link.split_once('?').unwrap_or((link, ""));
    let pairs = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    (base.to_string(), pairs)
}

fn param<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

/// The path and query of an absolute link, to request it through the harness.
fn path_of(link: &Value) -> String {
    let link = link.as_str().expect("link");
    let rest = link
        .strip_prefix("http://testserver")
        .unwrap_or_else(|| panic!("not on http://testserver: {link}"));
    rest.to_string()
}

const FIRST_NAMES: [&str; 10] = [
    "Mila", "Aaron", "Zoe", "Liam", "Chloe", "Owen", "Bella", "Yusuf", "Ines", "Dev",
];

/// Creates `n` patients for `user` with varied names and birth dates.
async fn seed_patients(app: &TestApp, user: &User, n: usize) -> Vec<Value> {
    let mut patients = Vec::with_capacity(n);
    for i in 0..n {
        let patient = app
            .create_patient(
                user,
                json!({
                    "first_name": format!("{}{i:03}", FIRST_NAMES[i % FIRST_NAMES.len()]),
                    "last_name": "Doe",
                    "email": format!("patient{i}@example.org"),
                    "date_of_birth": format!(
                        "{}-{:02}-{:02}",
                        1950 + (i * 7) % 60,
                        1 + i % 12,
                        1 + (i * 3) % 28
                    ),
                }),
            )
            .await;
        patients.push(patient);
    }
    patients
}

async fn seed_doctors(app: &TestApp, user: &User, n: usize) -> Vec<Value> {
    let mut doctors = Vec::with_capacity(n);
    for i in 0..n {
        let doctor = app
            .create_doctor(
                user,
                json!({
                    "first_name": format!("{}{i:03}", FIRST_NAMES[i % FIRST_NAMES.len()]),
                    "last_name": "House",
                    "hospital_name": format!("Hospital {}", i % 5),
                }),
            )
            .await;
        doctors.push(doctor);
    }
    doctors
}

/// One patient, one doctor and one mapping per index: every mapping has its
/// own patient and its own doctor.
async fn seed_mappings(app: &TestApp, user: &User, n: usize) -> Vec<Value> {
    let patients = seed_patients(app, user, n).await;
    let doctors = seed_doctors(app, user, n).await;
    let mut mappings = Vec::with_capacity(n);
    for (i, (patient, doctor)) in patients.iter().zip(&doctors).enumerate() {
        mappings.push(app.assign(user, patient, doctor, i % 2 == 0).await);
    }
    mappings
}

/// SQL statements run by one `GET path`.
async fn queries_for(app: &TestApp, user: &User, path: &str) -> (usize, Value) {
    let before = app.queries();
    let resp = app.get(path).token(user).send().await;
    let used = app.queries() - before;
    assert_eq!(resp.status, StatusCode::OK, "GET {path}: {}", resp.body);
    (used, resp.body)
}

/// The N+1 check: the same number of statements for 2 items as for 50.
async fn assert_constant_queries(app: &TestApp, user: &User, list: &str, rows: usize) {
    // Warm up whatever is prepared or cached on first use.
    get_ok(app, user, &format!("{list}?page_size=50")).await;

    let (small, small_body) = queries_for(app, user, &format!("{list}?page_size=2")).await;
    let (large, large_body) = queries_for(app, user, &format!("{list}?page_size=50")).await;
    eprintln!("queries per list request: {list} page_size=2 -> {small}, page_size=50 -> {large}");

    assert_eq!(data_len(&small_body), 2);
    assert_eq!(data_len(&large_body), rows.min(50));
    assert_eq!(small_body["count"], json!(rows));
    assert!(small > 0, "the query counter counted nothing for {list}");
    assert_eq!(
        small, large,
        "{list}: {small} statements for 2 items but {large} for 50 (N+1)"
    );
}

// ----------------------------------------------------------------- envelope

#[tokio::test]
async fn list_envelope_has_exactly_the_contract_keys() {
    let w = World::assigned(true).await;

    for list in LISTS {
        let body = get_ok(&w, &w.alice, list).await;
        assert_eq!(keys(&body), envelope_keys(), "{list}: {body}");
        assert_eq!(body["success"], json!(true), "{list}");
        assert!(
            body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{list}: {body}"
        );
        assert_eq!(body["count"], json!(1), "{list}");
        assert_eq!(body["page"], json!(1), "{list}");
        assert_eq!(body["page_size"], json!(20), "{list}");
        assert_eq!(body["next"], Value::Null, "{list}");
        assert_eq!(body["previous"], Value::Null, "{list}");
        assert_eq!(data_len(&body), 1, "{list}");
    }
}

#[tokio::test]
async fn empty_list_is_an_empty_page() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;

    for list in LISTS {
        let body = get_ok(&app, &alice, list).await;
        assert_eq!(keys(&body), envelope_keys(), "{list}: {body}");
        assert_eq!(body["count"], json!(0), "{list}");
        assert_eq!(body["page"], json!(1), "{list}");
        assert_eq!(body["data"], json!([]), "{list}");
        assert_eq!(body["next"], Value::Null, "{list}");
        assert_eq!(body["previous"], Value::Null, "{list}");
    }
}

// --------------------------------------------------------------- pagination

#[tokio::test]
async fn default_page_is_1_with_20_items() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let patients = seed_patients(&app, &alice, 25).await;

    let first = get_ok(&app, &alice, "/api/patients/").await;
    assert_eq!(first["count"], json!(25));
    assert_eq!(first["page"], json!(1));
    assert_eq!(first["page_size"], json!(20));
    assert_eq!(data_len(&first), 20);
    assert_eq!(first["previous"], Value::Null);
    assert_eq!(
        first["next"],
        json!("http://testserver/api/patients/?page=2")
    );

    let second = get_ok(&app, &alice, "/api/patients/?page=2").await;
    assert_eq!(second["page"], json!(2));
    assert_eq!(second["page_size"], json!(20));
    assert_eq!(second["count"], json!(25));
    assert_eq!(data_len(&second), 5);
    assert_eq!(second["next"], Value::Null);
    assert_eq!(second["previous"], json!("http://testserver/api/patients/"));

    // The two pages together are every patient exactly once, newest first.
    let mut all = ids(&first);
    all.extend(ids(&second));
    let mut expected: Vec<i32> = patients.iter().map(id).collect();
    expected.reverse();
    assert_eq!(all, expected);
}

#[tokio::test]
async fn page_size_5_works_on_every_list() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    seed_mappings(&app, &alice, 7).await;

    for list in LISTS {
        let first = get_ok(&app, &alice, &format!("{list}?page_size=5")).await;
        assert_eq!(first["page_size"], json!(5), "{list}");
        assert_eq!(first["count"], json!(7), "{list}");
        assert_eq!(data_len(&first), 5, "{list}");
        let (base, pairs) = split_link(&first["next"]);
        assert_eq!(base, format!("http://testserver{list}"));
        assert_eq!(param(&pairs, "page_size"), Some("5"), "{list}");
        assert_eq!(param(&pairs, "page"), Some("2"), "{list}");

        let second = get_ok(&app, &alice, &path_of(&first["next"])).await;
        assert_eq!(second["page"], json!(2), "{list}");
        assert_eq!(data_len(&second), 2, "{list}");
        assert_eq!(second["next"], Value::Null, "{list}");
        let mut seen = ids(&first);
        seen.extend(ids(&second));
        let mut unique = seen.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), 7, "{list}: {seen:?}");
    }
}

#[tokio::test]
async fn page_size_is_capped_at_100() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    seed_patients(&app, &alice, 105).await;

    let body = get_ok(&app, &alice, "/api/patients/?page_size=500").await;
    assert_eq!(body["page_size"], json!(100));
    assert_eq!(body["count"], json!(105));
    assert_eq!(data_len(&body), 100);
    assert!(body["next"].is_string(), "{}", body["next"]);

    let rest = get_ok(&app, &alice, &path_of(&body["next"])).await;
    assert_eq!(rest["page"], json!(2));
    assert_eq!(rest["page_size"], json!(100));
    assert_eq!(data_len(&rest), 5);
    assert_eq!(rest["next"], Value::Null);

    let exactly = get_ok(&app, &alice, "/api/patients/?page_size=100").await;
    assert_eq!(exactly["page_size"], json!(100));
    assert_eq!(data_len(&exactly), 100);

    // The other lists clamp the same way.
    for list in ["/api/doctors/", "/api/mappings/"] {
        let body = get_ok(&app, &alice, &format!("{list}?page_size=500")).await;
        assert_eq!(body["page_size"], json!(100), "{list}");
    }
}

#[tokio::test]
async fn bad_page_parameters_are_400_naming_the_parameter() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    app.create_patient(&alice, json!({})).await;

    let cases = [
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=abc", "page"),
        ("page=", "page"),
        ("page_size=0", "page_size"),
        ("page_size=-5", "page_size"),
        ("page_size=abc", "page_size"),
    ];
    for list in LISTS {
        for (query, field) in cases {
            let resp = app
                .get(&format!("{list}?{query}"))
                .token(&alice)
                .send()
                .await;
            resp.error_envelope(StatusCode::BAD_REQUEST);
            assert_eq!(
                resp.error_fields(),
                vec![field],
                "{list}?{query}: {}",
                resp.body
            );
            assert!(
                resp.body["errors"][field][0]
                    .as_str()
                    .is_some_and(|m| !m.is_empty()),
                "{list}?{query}: {}",
                resp.body
            );
        }
    }

    let both = app
        .get("/api/patients/?page=0&page_size=abc")
        .token(&alice)
        .send()
        .await;
    both.error_envelope(StatusCode::BAD_REQUEST);
    assert_eq!(both.error_fields(), vec!["page", "page_size"]);
    insta::assert_json_snapshot!("bad_page_parameters", both.snapshot());
}

#[tokio::test]
async fn a_page_past_the_end_is_empty_with_the_total_count() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    seed_mappings(&app, &alice, 3).await;

    for list in LISTS {
        let body = get_ok(&app, &alice, &format!("{list}?page=99")).await;
        assert_eq!(keys(&body), envelope_keys(), "{list}");
        assert_eq!(body["success"], json!(true), "{list}");
        assert_eq!(body["page"], json!(99), "{list}");
        assert_eq!(body["count"], json!(3), "{list}");
        assert_eq!(body["data"], json!([]), "{list}");
        assert_eq!(body["next"], Value::Null, "{list}");

        let just_past = get_ok(&app, &alice, &format!("{list}?page=2&page_size=3")).await;
        assert_eq!(just_past["count"], json!(3), "{list}");
        assert_eq!(just_past["data"], json!([]), "{list}");
        assert_eq!(just_past["next"], Value::Null, "{list}");
    }
}

// -------------------------------------------------------------------- links

#[tokio::test]
async fn links_keep_other_parameters_and_drop_page_for_page_1() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    for i in 0..7 {
        app.create_patient(
            &alice,
            json!({"first_name": format!("Ann{i}"), "last_name": "Smith"}),
        )
        .await;
    }
    for i in 0..3 {
        app.create_patient(
            &alice,
            json!({"first_name": format!("Bo{i}"), "last_name": "Jones"}),
        )
        .await;
    }

    let second = get_ok(
        &app,
        &alice,
        "/api/patients/?search=smith&page_size=2&page=2",
    )
    .await;
    assert_eq!(second["count"], json!(7));
    assert_eq!(second["page"], json!(2));

    let (base, next) = split_link(&second["next"]);
    assert_eq!(base, "http://testserver/api/patients/");
    assert_eq!(param(&next, "search"), Some("smith"));
    assert_eq!(param(&next, "page_size"), Some("2"));
    assert_eq!(param(&next, "page"), Some("3"));
    assert_eq!(next.len(), 3, "{next:?}");

    let (base, previous) = split_link(&second["previous"]);
    assert_eq!(base, "http://testserver/api/patients/");
    assert_eq!(param(&previous, "search"), Some("smith"));
    assert_eq!(param(&previous, "page_size"), Some("2"));
    assert_eq!(param(&previous, "page"), None, "{previous:?}");
    assert_eq!(previous.len(), 2, "{previous:?}");

    // Following `previous` gives page 1, whose `previous` is null.
    let first = get_ok(&app, &alice, &path_of(&second["previous"])).await;
    assert_eq!(first["page"], json!(1));
    assert_eq!(first["previous"], Value::Null);

    // Walking `next` from page 1 visits every match exactly once.
    let mut seen = Vec::new();
    let mut page = first;
    loop {
        seen.extend(ids(&page));
        for item in page["data"].as_array().expect("data") {
            assert_eq!(item["last_name"], json!("Smith"), "{item}");
        }
        if page["next"].is_null() {
            break;
        }
        page = get_ok(&app, &alice, &path_of(&page["next"])).await;
    }
    assert_eq!(page["page"], json!(4));
    assert!(page["previous"].is_string());
    let mut unique = seen.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!((seen.len(), unique.len()), (7, 7), "{seen:?}");
}

#[tokio::test]
async fn links_are_absolute_on_every_list_and_keep_filters() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let patient = app.create_patient(&alice, json!({})).await;
    let doctors = seed_doctors(&app, &alice, 3).await;
    for doctor in &doctors {
        app.assign(&alice, &patient, doctor, false).await;
    }

    let query = format!("?patient_id={}&page_size=1&page=2", id(&patient));
    let body = get_ok(&app, &alice, &format!("/api/mappings/{query}")).await;
    assert_eq!(body["count"], json!(3));
    let (base, next) = split_link(&body["next"]);
    assert_eq!(base, "http://testserver/api/mappings/");
    let patient_id = id(&patient).to_string();
    assert_eq!(param(&next, "patient_id"), Some(patient_id.as_str()));
    assert_eq!(param(&next, "page"), Some("3"));
    let (base, previous) = split_link(&body["previous"]);
    assert_eq!(base, "http://testserver/api/mappings/");
    assert_eq!(param(&previous, "patient_id"), Some(patient_id.as_str()));
    assert_eq!(param(&previous, "page"), None);

    let doctors_page = get_ok(&app, &alice, "/api/doctors/?page_size=1&page=2").await;
    assert_eq!(
        doctors_page["next"],
        json!("http://testserver/api/doctors/?page_size=1&page=3")
    );
    assert_eq!(
        doctors_page["previous"],
        json!("http://testserver/api/doctors/?page_size=1")
    );
}

// ----------------------------------------------------------------- ordering

#[tokio::test]
async fn lists_are_newest_first_by_default() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let mappings = seed_mappings(&app, &alice, 6).await;

    let mut patient_ids: Vec<i32> = mappings
        .iter()
        // The brief a mapping carries of its patient has the patient's id.
        .map(|m| id(&m["patient_detail"]))
        .collect();
    let mut doctor_ids: Vec<i32> = mappings.iter().map(|m| id(&m["doctor_detail"])).collect();
    let mut mapping_ids: Vec<i32> = mappings.iter().map(id).collect();
    for (list, expected) in [
        ("/api/patients/", &mut patient_ids),
        ("/api/doctors/", &mut doctor_ids),
        ("/api/mappings/", &mut mapping_ids),
    ] {
        expected.sort_unstable_by(|a, b| b.cmp(a));
        let body = get_ok(&app, &alice, list).await;
        assert_eq!(&ids(&body), expected, "{list}");
    }
}

#[tokio::test]
async fn patients_order_by_first_name_and_by_date_of_birth_descending() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    let patients = seed_patients(&app, &alice, 12).await;

    let by_name = get_ok(
        &app,
        &alice,
        "/api/patients/?ordering=first_name&page_size=100",
    )
    .await;
    let names: Vec<String> = by_name["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|p| p["first_name"].as_str().expect("name").to_string())
        .collect();
    let mut expected: Vec<String> = patients
        .iter()
        .map(|p| p["first_name"].as_str().expect("name").to_string())
        .collect();
    expected.sort();
    assert_eq!(names, expected);
    // The seed's creation order is not alphabetical: the ordering did something.
    assert_ne!(ids(&by_name), {
        let mut newest: Vec<i32> = patients.iter().map(id).collect();
        newest.reverse();
        newest
    });

    let by_birth = get_ok(
        &app,
        &alice,
        "/api/patients/?ordering=-date_of_birth&page_size=100",
    )
    .await;
    let births: Vec<String> = by_birth["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|p| p["date_of_birth"].as_str().expect("date").to_string())
        .collect();
    let mut expected: Vec<String> = patients
        .iter()
        .map(|p| p["date_of_birth"].as_str().expect("date").to_string())
        .collect();
    expected.sort();
    expected.reverse();
    assert_eq!(births, expected);

    // Ordering survives pagination: page 2 continues where page 1 stopped.
    let page1 = get_ok(
        &app,
        &alice,
        "/api/patients/?ordering=first_name&page_size=5",
    )
    .await;
    let page2 = get_ok(&app, &alice, &path_of(&page1["next"])).await;
    let mut both = ids(&page1);
    both.extend(ids(&page2));
    assert_eq!(both, ids(&by_name)[..10].to_vec());
}

#[tokio::test]
async fn unknown_ordering_field_is_400_under_ordering() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    app.create_patient(&alice, json!({})).await;

    for path in [
        "/api/patients/?ordering=password_hash",
        "/api/patients/?ordering=first_name,password_hash",
        "/api/patients/?ordering=-owner_id",
        "/api/doctors/?ordering=password_hash",
        "/api/mappings/?ordering=password_hash",
    ] {
        let resp = app.get(path).token(&alice).send().await;
        resp.error_envelope(StatusCode::BAD_REQUEST);
        assert_eq!(
            resp.error_fields(),
            vec!["ordering"],
            "{path}: {}",
            resp.body
        );
    }
    let resp = app
        .get("/api/patients/?ordering=password_hash")
        .token(&alice)
        .send()
        .await;
    insta::assert_json_snapshot!("unknown_ordering", resp.snapshot());
}

// --------------------------------------------------------------------- N+1

#[tokio::test]
async fn patients_list_query_count_does_not_grow_with_page_size() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    seed_patients(&app, &alice, 50).await;
    assert_constant_queries(&app, &alice, "/api/patients/", 50).await;
}

#[tokio::test]
async fn doctors_list_query_count_does_not_grow_with_page_size() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    seed_doctors(&app, &alice, 50).await;
    assert_constant_queries(&app, &alice, "/api/doctors/", 50).await;
}

#[tokio::test]
async fn mappings_list_query_count_does_not_grow_with_page_size() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    seed_mappings(&app, &alice, 50).await;
    assert_constant_queries(&app, &alice, "/api/mappings/", 50).await;
}

// ------------------------------------------------------------ trailing slash

#[tokio::test]
async fn lists_answer_with_and_without_the_trailing_slash() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    seed_mappings(&app, &alice, 3).await;

    for list in LISTS {
        let bare = list.trim_end_matches('/');
        let with: Resp = app
            .get(&format!("{list}?page_size=1"))
            .token(&alice)
            .send()
            .await;
        let without: Resp = app
            .get(&format!("{bare}?page_size=1"))
            .token(&alice)
            .send()
            .await;
        assert_eq!(with.status, StatusCode::OK, "{list}: {}", with.body);
        assert_eq!(without.status, StatusCode::OK, "{bare}: {}", without.body);
        assert!(
            without.headers.get("location").is_none(),
            "{bare} redirected"
        );
        assert_eq!(with.body, without.body, "{list} vs {bare}");
        assert_eq!(
            with.body["next"],
            json!(format!("http://testserver{list}?page_size=1&page=2"))
        );
    }

    // The plain paths too, as the brief states.
    let with = get_ok(&app, &alice, "/api/patients/").await;
    let without = get_ok(&app, &alice, "/api/patients").await;
    assert_eq!(with, without);
}

#[tokio::test]
async fn links_encode_the_search_term() {
    let app = TestApp::spawn().await;
    let alice = app.register("Alice").await;
    for i in 0..5 {
        app.create_patient(
            &alice,
            json!({"first_name": format!("Ann{i}"), "last_name": "Smith & Jones+Co"}),
        )
        .await;
    }
    app.create_patient(&alice, json!({"first_name": "Other", "last_name": "Smith"}))
        .await;

    let first = get_ok(
        &app,
        &alice,
        "/api/patients/?search=smith%20%26%20jones%2Bco&page_size=2",
    )
    .await;
    assert_eq!(first["count"], json!(5));
    let (_, next) = split_link(&first["next"]);
    assert_eq!(param(&next, "search"), Some("smith & jones+co"), "{next:?}");

    let second = get_ok(&app, &alice, &path_of(&first["next"])).await;
    assert_eq!(second["count"], json!(5));
    assert_eq!(second["page"], json!(2));
    assert_eq!(data_len(&second), 2);
}
