//! Patients, doctors and mappings in the console: the API's rules, errors
//! beside their fields, delete confirmation with the cascade, the change log.
use axum::http::StatusCode;
use healthcare_backend::models::admin_log;
use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder};
use serde_json::{json, Value};

use super::{account, html, location, Console};
use crate::support::TestApp;

fn patient_form<'a>(owner: &'a str, born: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("owner", owner),
        ("first_name", "Ada"),
        ("last_name", "Lovelace"),
        ("date_of_birth", born),
        ("gender", "F"),
        ("blood_group", ""),
        ("email", "ada@example.com"),
        ("phone", "+44 20 7946 0000"),
        ("city", "London"),
    ]
}

async fn log(app: &TestApp) -> Vec<admin_log::Model> {
    admin_log::Entity::find()
        .order_by_asc(admin_log::Column::Id)
        .all(&app.ctx.db)
        .await
        .unwrap()
}

/// The text of the form field block for `name` (label, input, errors).
fn field_block<'a>(page: &'a str, name: &str) -> &'a str {
    let start = page
        .find(&format!("id=\"field-{name}\""))
        .unwrap_or_else(|| panic!("no field {name}"));
    let rest = &page[start..];
    let end = rest.find("<div class=\"field").unwrap_or(rest.len());
    &rest[..end]
}

#[tokio::test]
async fn a_patient_is_created_edited_with_field_errors_and_deleted_through_a_confirmation() {
    let app = TestApp::spawn().await;
    let staff = account(&app, "Sam Staff", true, false).await;
    let owner = app.register("Olga Owner").await;
    let doctor = app.create_doctor(&owner, json!({})).await;
    let console = Console::sign_in(&app, &staff).await;
    let owner_id = owner.id.to_string();

    // Create.
    let created = console
        .post(
            "/admin/patients/add/",
            &patient_form(&owner_id, "1990-12-10"),
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let path = location(&created).trim_end_matches("?saved=1").to_string();
    let id: i64 = path
        .trim_matches('/')
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    // The owner sees it through the API.
    let api = app
        .get(&format!("/api/patients/{id}/"))
        .token(&owner)
        .send()
        .await;
    assert_eq!(api.status, StatusCode::OK);
    assert_eq!(api.body["data"]["full_name"], json!("Ada Lovelace"));
    app.assign(&owner, &api.body["data"], &doctor, true).await;

    // Edit with a date of birth in the future: 400, the message beside it,
    // the other fields kept as typed, nothing saved.
    let mut form = patient_form(&owner_id, "2999-01-01");
    form.retain(|(name, _)| *name != "owner");
    form[1] = ("last_name", "Byron");
    let invalid = console.post(&path, &form).await;
    assert_eq!(invalid.status, StatusCode::BAD_REQUEST);
    let page = html(&invalid);
    assert!(field_block(page, "date_of_birth").contains("Date of birth cannot be in the future."));
    assert!(
        field_block(page, "date_of_birth").contains("field invalid")
            || page.contains("class=\"field invalid\" id=\"field-date_of_birth\"")
    );
    assert!(!field_block(page, "first_name").contains("field-error"));
    assert!(field_block(page, "last_name").contains("value=\"Byron\""));
    let unchanged = app
        .get(&format!("/api/patients/{id}/"))
        .token(&owner)
        .send()
        .await;
    assert_eq!(unchanged.body["data"]["last_name"], json!("Lovelace"));

    // Fixed: saved.
    form[2] = ("date_of_birth", "1815-12-10");
    let saved = console.post(&path, &form).await;
    assert_eq!(
        saved.status,
        StatusCode::BAD_REQUEST,
        "1815 is before 1900: the API's rule"
    );
    form[2] = ("date_of_birth", "1915-12-10");
    let saved = console.post(&path, &form).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let after = app
        .get(&format!("/api/patients/{id}/"))
        .token(&owner)
        .send()
        .await;
    assert_eq!(after.body["data"]["last_name"], json!("Byron"));
    assert_eq!(after.body["data"]["date_of_birth"], json!("1915-12-10"));

    // Delete: the confirmation names what goes with it.
    let confirm = console.get(&format!("{path}delete/")).await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(html(&confirm).contains("1 assignment(s) of this patient to doctors"));
    let deleted = console.post(&format!("{path}delete/"), &[]).await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER);
    assert_eq!(location(&deleted), "/admin/patients/");
    let gone = app
        .get(&format!("/api/patients/{id}/"))
        .token(&owner)
        .send()
        .await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    let mappings = app.get("/api/mappings/").token(&owner).send().await;
    assert_eq!(mappings.body["count"], json!(0));

    // Every change is in the log: who, what, before and after.
    let entries = log(&app).await;
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["create", "change", "delete"]);
    for entry in &entries {
        assert_eq!(entry.actor_email, staff.email);
        assert_eq!(entry.object_type, "patient");
        assert_eq!(i64::from(entry.object_id), id);
    }
    let before: Value = serde_json::from_str(entries[1].before.as_deref().unwrap()).unwrap();
    let after: Value = serde_json::from_str(entries[1].after.as_deref().unwrap()).unwrap();
    assert_eq!(
        (before["last_name"].as_str(), after["last_name"].as_str()),
        (Some("Lovelace"), Some("Byron"))
    );
    assert!(entries[2].after.is_none());
    let page = console.get("/admin/log/").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(html(&page).contains("delete"));
    assert!(html(&page).contains(&staff.email));
}

#[tokio::test]
async fn lists_search_filter_sort_and_page_like_the_api() {
    let app = TestApp::spawn().await;
    let staff = account(&app, "Sam Staff", true, false).await;
    let owner = app.register("Olga Owner").await;
    let other = app.register("Otto Other").await;
    app.create_patient(&owner, json!({ "first_name": "Zelda", "gender": "F" }))
        .await;
    app.create_patient(&other, json!({ "first_name": "Yannick", "gender": "M" }))
        .await;
    let console = Console::sign_in(&app, &staff).await;

    // Staff see every owner's patients.
    let all = html(&console.get("/admin/patients/").await).to_string();
    assert!(all.contains("Zelda") && all.contains("Yannick"));
    let searched = html(&console.get("/admin/patients/?search=zel").await).to_string();
    assert!(searched.contains("Zelda") && !searched.contains("Yannick"));
    let filtered = html(&console.get("/admin/patients/?gender=M").await).to_string();
    assert!(!filtered.contains("Zelda") && filtered.contains("Yannick"));
    let sorted = html(&console.get("/admin/patients/?ordering=first_name").await).to_string();
    assert!(sorted.find("Yannick").unwrap() < sorted.find("Zelda").unwrap());
    // The column header links toggle the order.
    assert!(sorted.contains("href=\"/admin/patients/?ordering=-first_name\""));
    // A bad parameter is the API's 400 message, on the page.
    let bad = console.get("/admin/patients/?gender=X").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(html(&bad).contains("Select a valid choice."));
    let paged = html(&console.get("/admin/patients/?page_size=1").await).to_string();
    assert!(paged.contains("Page 1 of 2") && paged.contains("page=2"));

    // `%` and `_` match themselves, as in the API's search.
    let wildcard = html(&console.get("/admin/users/?search=%25").await).to_string();
    assert!(wildcard.contains("0 users"), "{wildcard}");
    let olga = html(&console.get("/admin/users/?search=OLGA").await).to_string();
    assert!(olga.contains("1 users") && olga.contains("Olga Owner"));
    for resource in ["users", "doctors", "mappings"] {
        let page = console.get(&format!("/admin/{resource}/")).await;
        assert_eq!(page.status, StatusCode::OK, "{resource}");
    }
    assert_eq!(
        console.get("/admin/nurses/").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        console.get("/admin/patients/abc/").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn doctors_and_mappings_use_the_api_rules() {
    let app = TestApp::spawn().await;
    let staff = account(&app, "Sam Staff", true, false).await;
    let owner = app.register("Olga Owner").await;
    let patient = app.create_patient(&owner, json!({})).await;
    let console = Console::sign_in(&app, &staff).await;

    let bad = console
        .post(
            "/admin/doctors/add/",
            &[
                ("first_name", "Gregory"),
                ("last_name", "House"),
                ("email", "not-an-email"),
                ("specialization", "diagnostics"),
                ("license_number", ""),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let page = html(&bad);
    assert!(field_block(page, "email").contains("Enter a valid email address."));
    assert!(field_block(page, "specialization").contains("is not a valid choice"));
    assert!(field_block(page, "license_number").contains("This field may not be blank."));

    let made = console
        .post(
            "/admin/doctors/add/",
            &[
                ("first_name", "Gregory"),
                ("last_name", "House"),
                ("email", "house@example.com"),
                ("specialization", "cardiology"),
                ("license_number", "LIC-1"),
                ("consultation_fee", "150.5"),
                ("is_available", "true"),
            ],
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let doctor_id = location(&made).split('/').nth(3).unwrap().to_string();
    let doctor = app
        .get(&format!("/api/doctors/{doctor_id}/"))
        .token(&owner)
        .send()
        .await;
    assert_eq!(doctor.body["data"]["consultation_fee"], json!("150.50"));

    let patient_id = patient["id"].to_string();
    let mapped = console
        .post(
            "/admin/mappings/add/",
            &[
                ("patient", &patient_id),
                ("doctor", &doctor_id),
                ("is_primary", "true"),
            ],
        )
        .await;
    assert_eq!(mapped.status, StatusCode::SEE_OTHER, "{}", mapped.body);
    let duplicate = console
        .post(
            "/admin/mappings/add/",
            &[("patient", &patient_id), ("doctor", &doctor_id)],
        )
        .await;
    assert_eq!(duplicate.status, StatusCode::BAD_REQUEST);
    assert!(html(&duplicate).contains("The fields patient, doctor must make a unique set."));
    let list = app
        .get(&format!("/api/mappings/{patient_id}/"))
        .token(&owner)
        .send()
        .await;
    assert_eq!(
        list.body["data"][0]["is_primary"],
        json!(true),
        "{}",
        list.body
    );
}

#[tokio::test]
async fn list_filters_cover_the_api_filters_typed_as_text() {
    let app = TestApp::spawn().await;
    let staff = account(&app, "Sam Staff", true, false).await;
    let owner = app.register("Olga Owner").await;
    let patient = app.create_patient(&owner, json!({})).await;
    let oslo = app
        .create_doctor(&owner, json!({ "city": "Oslo", "last_name": "Nordmann" }))
        .await;
    let bergen = app
        .create_doctor(&owner, json!({ "city": "Bergen", "last_name": "Vestland" }))
        .await;
    app.assign(&owner, &patient, &oslo, true).await;
    app.assign(&owner, &patient, &bergen, false).await;
    let console = Console::sign_in(&app, &staff).await;

    let doctors = console.get("/admin/doctors/?city=oslo").await;
    let page = html(&doctors);
    assert!(page.contains("Nordmann") && !page.contains("Vestland"));
    assert!(page.contains("name=\"city\" value=\"oslo\""));
    let mappings = console
        .get(&format!("/admin/mappings/?doctor_id={}", bergen["id"]))
        .await;
    let page = html(&mappings);
    assert!(page.contains("Vestland") && !page.contains("Nordmann"));
    assert!(page.contains("name=\"patient_id\""));
}

#[tokio::test]
async fn a_change_the_log_cannot_record_is_not_made() {
    let app = TestApp::spawn().await;
    let staff = account(&app, "Sam Staff", true, false).await;
    let owner = app.register("Olga Owner").await;
    let patient = app.create_patient(&owner, json!({})).await;
    let id = patient["id"].as_i64().expect("an id");
    let console = Console::sign_in(&app, &staff).await;
    // The change log is gone (a broken table, a revoked grant): every
    // insert into it fails.
    app.ctx
        .db
        .execute_unprepared("ALTER TABLE admin_log RENAME TO admin_log_unwritable")
        .await
        .expect("rename");

    let deleted = console
        .post(&format!("/admin/patients/{id}/delete/"), &[])
        .await;
    assert_eq!(deleted.status, StatusCode::INTERNAL_SERVER_ERROR);
    let kept = app
        .get(&format!("/api/patients/{id}/"))
        .token(&owner)
        .send()
        .await;
    assert_eq!(kept.status, StatusCode::OK, "the delete was rolled back");

    let edited = console
        .post(
            &format!("/admin/patients/{id}/"),
            &[
                ("first_name", "Renamed"),
                ("last_name", "Doe"),
                ("date_of_birth", "1985-06-15"),
                ("gender", "M"),
            ],
        )
        .await;
    assert_eq!(edited.status, StatusCode::INTERNAL_SERVER_ERROR);
    let after = app
        .get(&format!("/api/patients/{id}/"))
        .token(&owner)
        .send()
        .await;
    assert_eq!(
        after.body["data"]["first_name"], "John",
        "the edit was rolled back"
    );
}
