//! The database enforces the data's rules on its own: rows written straight
//! through `app.ctx.db` (bypassing the API and the models' checks) are refused
//! when they break a unique, foreign-key or check constraint, and deletes
//! cascade the way the schema says. Works on SQLite and PostgreSQL alike.
use chrono::{NaiveDate, Utc};
use healthcare_backend::domain::{Gender, KnownBloodGroup, Specialization};
use healthcare_backend::models::{
    _entities::{doctors, mappings, patients, users},
    error::{self, violated_unique_key, UniqueKey},
};
use sea_orm::{
    prelude::DateTimeWithTimeZone, ActiveModelTrait, ColumnTrait, ConnectionTrait,
    DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryFilter, Set, SqlErr,
};
use serde_json::json;

use crate::support::{id, TestApp, User, World};

fn now() -> DateTimeWithTimeZone {
    Utc::now().fixed_offset()
}

fn unique() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

fn user_id(user: &User) -> i32 {
    i32::try_from(user.id).expect("id fits i32")
}

/// A doctor row with only the required columns set (the rest take the
/// schema's defaults).
fn doctor_row(email: &str, license: &str) -> doctors::ActiveModel {
    doctors::ActiveModel {
        first_name: Set("Emily".to_string()),
        last_name: Set("Chen".to_string()),
        email: Set(email.to_string()),
        specialization: Set(Specialization::Neurology),
        license_number: Set(license.to_string()),
        created_at: Set(now()),
        updated_at: Set(now()),
        ..Default::default()
    }
}

fn patient_row(owner_id: i32) -> patients::ActiveModel {
    patients::ActiveModel {
        owner_id: Set(owner_id),
        first_name: Set("John".to_string()),
        last_name: Set("Doe".to_string()),
        date_of_birth: Set(NaiveDate::from_ymd_opt(1985, 6, 15).unwrap()),
        gender: Set(Gender::Male),
        created_at: Set(now()),
        updated_at: Set(now()),
        ..Default::default()
    }
}

fn mapping_row(patient_id: i32, doctor_id: i32, is_primary: bool) -> mappings::ActiveModel {
    mappings::ActiveModel {
        patient_id: Set(patient_id),
        doctor_id: Set(doctor_id),
        is_primary: Set(is_primary),
        assigned_at: Set(now()),
        updated_at: Set(now()),
        ..Default::default()
    }
}

fn user_row(email: &str) -> users::ActiveModel {
    users::ActiveModel {
        name: Set("Direct Insert".to_string()),
        email: Set(email.to_string()),
        password_hash: Set("not-a-real-hash".to_string()),
        is_active: Set(true),
        is_staff: Set(false),
        is_superuser: Set(false),
        created_at: Set(now()),
        updated_at: Set(now()),
        ..Default::default()
    }
}

/// The database refused `result` as a unique violation, and the models tell
/// which constraint it broke by its name on this engine (not the message).
#[track_caller]
fn assert_unique_violation<T: std::fmt::Debug>(
    result: Result<T, DbErr>,
    key: UniqueKey,
    what: &str,
) {
    match result {
        Ok(row) => panic!("{what}: the database accepted {row:?}"),
        Err(err) => {
            assert!(
                matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))),
                "{what}: expected a unique violation, got {err:?}"
            );
            assert_eq!(violated_unique_key(&err), Some(key), "{what}: {err:?}");
        }
    }
}

#[track_caller]
fn assert_foreign_key_violation<T: std::fmt::Debug>(result: Result<T, DbErr>, what: &str) {
    match result {
        Ok(row) => panic!("{what}: the database accepted {row:?}"),
        Err(err) => assert!(
            matches!(
                err.sql_err(),
                Some(SqlErr::ForeignKeyConstraintViolation(_))
            ),
            "{what}: expected a foreign-key violation, got {err:?}"
        ),
    }
}

/// A CHECK failure: SQLite and PostgreSQL both name the constraint.
#[track_caller]
fn assert_check_violation<T: std::fmt::Debug>(result: Result<T, DbErr>, constraint: &str) {
    match result {
        Ok(row) => panic!("{constraint}: the database accepted {row:?}"),
        Err(err) => assert!(
            err.to_string().contains(constraint),
            "expected {constraint} to refuse the row, got {err}"
        ),
    }
}

async fn mappings_of_patient(db: &DatabaseConnection, patient_id: i32) -> u64 {
    mappings::Entity::find()
        .filter(mappings::Column::PatientId.eq(patient_id))
        .count(db)
        .await
        .expect("count")
}

async fn mappings_of_doctor(db: &DatabaseConnection, doctor_id: i32) -> u64 {
    mappings::Entity::find()
        .filter(mappings::Column::DoctorId.eq(doctor_id))
        .count(db)
        .await
        .expect("count")
}

// ---------------------------------------------------------------- unique

#[tokio::test]
async fn doctors_email_is_unique_in_the_database() {
    let app = TestApp::spawn().await;
    let db = &app.ctx.db;
    let email = format!("dr.{}@hospital.com", unique());
    doctor_row(&email, &format!("LIC-{}", &unique()[..12]))
        .insert(db)
        .await
        .expect("the first doctor is stored");
    assert_unique_violation(
        doctor_row(&email, &format!("LIC-{}", &unique()[..12]))
            .insert(db)
            .await,
        error::DOCTORS_EMAIL,
        "a second doctor with the same email",
    );
    // The API's doctor too.
    let user = app.register("Alice").await;
    let doctor = app.create_doctor(&user, json!({})).await;
    assert_unique_violation(
        doctor_row(
            doctor["email"].as_str().unwrap(),
            &format!("LIC-{}", &unique()[..12]),
        )
        .insert(db)
        .await,
        error::DOCTORS_EMAIL,
        "a doctor reusing the API doctor's email",
    );
    assert_eq!(doctors::Entity::find().count(db).await.unwrap(), 2);
}

#[tokio::test]
async fn doctors_license_number_is_unique_in_the_database() {
    let app = TestApp::spawn().await;
    let db = &app.ctx.db;
    let license = format!("LIC-{}", &unique()[..12]);
    doctor_row(&format!("a.{}@hospital.com", unique()), &license)
        .insert(db)
        .await
        .expect("the first doctor is stored");
    assert_unique_violation(
        doctor_row(&format!("b.{}@hospital.com", unique()), &license)
            .insert(db)
            .await,
        error::DOCTORS_LICENSE_NUMBER,
        "a second doctor with the same license number",
    );
    assert_eq!(doctors::Entity::find().count(db).await.unwrap(), 1);
}

#[tokio::test]
async fn users_email_is_unique_in_the_database() {
    let app = TestApp::spawn().await;
    let db = &app.ctx.db;
    let user = app.register("Alice").await;
    assert_unique_violation(
        user_row(&user.email).insert(db).await,
        error::USERS_EMAIL,
        "a second user with a registered email",
    );
    let email = format!("direct-{}@example.com", unique());
    user_row(&email)
        .insert(db)
        .await
        .expect("a new address is fine");
    assert_unique_violation(
        user_row(&email).insert(db).await,
        error::USERS_EMAIL,
        "a second user with the same email",
    );
    assert_eq!(users::Entity::find().count(db).await.unwrap(), 2);
}

#[tokio::test]
async fn a_refresh_token_is_blacklisted_at_most_once_in_the_database() {
    let app = TestApp::spawn().await;
    let db = &app.ctx.db;
    // Registering signs in: one refresh token is outstanding.
    app.register("Alice").await;
    let blacklist = "INSERT INTO blacklisted_tokens (token_id, blacklisted_at) \
                     SELECT id, CURRENT_TIMESTAMP FROM outstanding_tokens";
    db.execute_unprepared(blacklist)
        .await
        .expect("the first spend is fine");
    assert_unique_violation(
        db.execute_unprepared(blacklist).await,
        error::BLACKLISTED_TOKEN,
        "the same refresh token blacklisted twice",
    );
}

#[tokio::test]
async fn the_same_patient_doctor_pair_cannot_be_mapped_twice() {
    let w = World::new().await;
    let db = &w.ctx.db;
    let other = w.create_doctor(&w.alice, json!({})).await;
    mapping_row(id(&w.john), id(&w.chen), false)
        .insert(db)
        .await
        .expect("the first mapping is stored");
    assert_unique_violation(
        mapping_row(id(&w.john), id(&w.chen), false)
            .insert(db)
            .await,
        error::MAPPINGS_PATIENT_DOCTOR,
        "the same pair twice",
    );
    // Raw SQL, so nothing in the entity layer is involved.
    let sql = format!(
        "INSERT INTO mappings (patient_id, doctor_id, is_primary, notes, version, assigned_at, updated_at) \
         VALUES ({}, {}, FALSE, '', 1, '2024-01-01 00:00:00+00:00', '2024-01-01 00:00:00+00:00')",
        id(&w.john),
        id(&w.chen)
    );
    assert_unique_violation(
        db.execute_unprepared(&sql).await,
        error::MAPPINGS_PATIENT_DOCTOR,
        "the same pair twice (raw SQL)",
    );
    // The same patient with another doctor is fine.
    mapping_row(id(&w.john), id(&other), false)
        .insert(db)
        .await
        .expect("another doctor for the patient");
    assert_eq!(mappings_of_patient(db, id(&w.john)).await, 2);
}

#[tokio::test]
async fn a_patient_has_at_most_one_primary_mapping_in_the_database() {
    let app = TestApp::spawn().await;
    let db = &app.ctx.db;
    let user = app.register("Alice").await;
    let patient = app.create_patient(&user, json!({})).await;
    let second_patient = app.create_patient(&user, json!({})).await;
    let mut doctor_ids = Vec::new();
    for _ in 0..4 {
        doctor_ids.push(id(&app.create_doctor(&user, json!({})).await));
    }
    // Any number of non-primary mappings for one patient.
    for doctor_id in &doctor_ids[..2] {
        mapping_row(id(&patient), *doctor_id, false)
            .insert(db)
            .await
            .expect("a non-primary mapping");
    }
    mapping_row(id(&patient), doctor_ids[2], true)
        .insert(db)
        .await
        .expect("the first primary mapping");
    assert_unique_violation(
        mapping_row(id(&patient), doctor_ids[3], true)
            .insert(db)
            .await,
        error::MAPPINGS_ONE_PRIMARY,
        "a second primary mapping for one patient",
    );
    // Promoting an existing non-primary mapping is refused as well.
    let promoted = db
        .execute_unprepared(&format!(
            "UPDATE mappings SET is_primary = TRUE WHERE patient_id = {} AND doctor_id = {}",
            id(&patient),
            doctor_ids[0]
        ))
        .await;
    assert_unique_violation(
        promoted,
        error::MAPPINGS_ONE_PRIMARY,
        "promoting a second primary mapping",
    );
    // The index is per patient: another patient may have its own primary.
    mapping_row(id(&second_patient), doctor_ids[3], true)
        .insert(db)
        .await
        .expect("another patient's primary mapping");
    let primaries = mappings::Entity::find()
        .filter(mappings::Column::PatientId.eq(id(&patient)))
        .filter(mappings::Column::IsPrimary.eq(true))
        .count(db)
        .await
        .unwrap();
    assert_eq!(primaries, 1);
    assert_eq!(mappings_of_patient(db, id(&patient)).await, 3);
}

// ---------------------------------------------------------------- foreign keys

#[tokio::test]
async fn a_mapping_must_point_at_an_existing_patient_and_doctor() {
    let w = World::new().await;
    let db = &w.ctx.db;
    assert_foreign_key_violation(
        mapping_row(999_999, id(&w.chen), false).insert(db).await,
        "a mapping to a nonexistent patient",
    );
    assert_foreign_key_violation(
        mapping_row(id(&w.john), 999_999, false).insert(db).await,
        "a mapping to a nonexistent doctor",
    );
    assert_foreign_key_violation(
        patient_row(999_999).insert(db).await,
        "a patient owned by a nonexistent user",
    );
    let mut orphan = doctor_row(
        &format!("dr.{}@hospital.com", unique()),
        &format!("LIC-{}", &unique()[..12]),
    );
    orphan.created_by = Set(Some(999_999));
    assert_foreign_key_violation(
        orphan.insert(db).await,
        "a doctor created by a nonexistent user",
    );
    assert_eq!(mappings::Entity::find().count(db).await.unwrap(), 0);
}

// ---------------------------------------------------------------- cascades

#[tokio::test]
async fn deleting_a_patient_row_deletes_its_mappings() {
    let w = World::new().await;
    let db = &w.ctx.db;
    let kept = w.create_patient(&w.alice, json!({})).await;
    let other = w.create_doctor(&w.alice, json!({})).await;
    w.assign(&w.alice, &w.john, &w.chen, true).await;
    w.assign(&w.alice, &w.john, &other, false).await;
    w.assign(&w.alice, &kept, &w.chen, true).await;
    assert_eq!(mappings_of_patient(db, id(&w.john)).await, 2);

    db.execute_unprepared(&format!("DELETE FROM patients WHERE id = {}", id(&w.john)))
        .await
        .expect("the patient row deletes");

    assert_eq!(mappings_of_patient(db, id(&w.john)).await, 0);
    assert_eq!(mappings_of_patient(db, id(&kept)).await, 1);
    assert_eq!(doctors::Entity::find().count(db).await.unwrap(), 2);
}

#[tokio::test]
async fn deleting_a_doctor_row_deletes_its_mappings() {
    let w = World::new().await;
    let db = &w.ctx.db;
    let second = w.create_patient(&w.alice, json!({})).await;
    let kept = w.create_doctor(&w.alice, json!({})).await;
    w.assign(&w.alice, &w.john, &w.chen, true).await;
    w.assign(&w.alice, &second, &w.chen, false).await;
    w.assign(&w.alice, &w.john, &kept, false).await;
    assert_eq!(mappings_of_doctor(db, id(&w.chen)).await, 2);

    db.execute_unprepared(&format!("DELETE FROM doctors WHERE id = {}", id(&w.chen)))
        .await
        .expect("the doctor row deletes");

    assert_eq!(mappings_of_doctor(db, id(&w.chen)).await, 0);
    assert_eq!(mappings_of_doctor(db, id(&kept)).await, 1);
    assert_eq!(patients::Entity::find().count(db).await.unwrap(), 2);
}

#[tokio::test]
async fn deleting_a_user_row_deletes_their_patients_and_orphans_their_doctors() {
    let w = World::new().await;
    let bobs_patient = w.bobs_patient().await;
    let db = &w.ctx.db;
    let bobs_doctor = w.create_doctor(&w.bob, json!({})).await;
    w.assign(&w.alice, &w.john, &bobs_doctor, true).await;
    w.assign(&w.bob, &bobs_patient, &w.chen, true).await;

    db.execute_unprepared(&format!("DELETE FROM users WHERE id = {}", w.alice.id))
        .await
        .expect("the user row deletes");

    let remaining: Vec<i32> = patients::Entity::find()
        .all(db)
        .await
        .unwrap()
        .iter()
        .map(|p| p.id)
        .collect();
    assert_eq!(remaining, vec![id(&bobs_patient)]);
    // Alice's patient's mapping went with it; Bob's mapping to Alice's doctor stays.
    assert_eq!(mappings_of_patient(db, id(&w.john)).await, 0);
    assert_eq!(mappings_of_patient(db, id(&bobs_patient)).await, 1);

    let orphan = doctors::Entity::find_by_id(id(&w.chen))
        .one(db)
        .await
        .unwrap()
        .expect("the doctor record outlives its creator");
    assert_eq!(orphan.created_by, None);
    let kept = doctors::Entity::find_by_id(id(&bobs_doctor))
        .one(db)
        .await
        .unwrap()
        .expect("Bob's doctor is untouched");
    assert_eq!(kept.created_by, Some(user_id(&w.bob)));
}

// ---------------------------------------------------------------- checks

#[tokio::test]
async fn patient_choices_are_checked_by_the_database() {
    let app = TestApp::spawn().await;
    let db = &app.ctx.db;
    let user = app.register("Alice").await;
    let owner = user_id(&user);

    // The entity's columns are typed, so a value off the lists can only be
    // written in SQL: raw statements show the database refuses it on its own.
    let insert = |gender: &str, blood_group: &str| {
        format!(
            "INSERT INTO patients (owner_id, first_name, last_name, date_of_birth, gender, \
             blood_group, created_at, updated_at) VALUES ({owner}, 'John', 'Doe', \
             '1985-06-15', '{gender}', '{blood_group}', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
        )
    };
    for (gender, blood_group, check) in [
        ("X", "", "ck_patients_gender"),
        ("m", "", "ck_patients_gender"),
        ("M", "C+", "ck_patients_blood_group"),
    ] {
        let refused = db.execute_unprepared(&insert(gender, blood_group)).await;
        assert_check_violation(refused, check);
    }

    for &gender in Gender::ALL {
        let mut good = patient_row(owner);
        good.gender = Set(gender);
        good.insert(db).await.expect("a valid gender is stored");
    }
    let mut good = patient_row(owner);
    good.blood_group = Set(KnownBloodGroup::UNKNOWN);
    good.insert(db)
        .await
        .expect("a blank blood group is stored");

    // An UPDATE is checked too.
    let updated = db
        .execute_unprepared(&format!(
            "UPDATE patients SET gender = 'X' WHERE owner_id = {owner}"
        ))
        .await;
    assert_check_violation(updated, "ck_patients_gender");
    assert_eq!(patients::Entity::find().count(db).await.unwrap(), 5);
}

#[tokio::test]
async fn doctor_ranges_and_choices_are_checked_by_the_database() {
    let app = TestApp::spawn().await;
    let db = &app.ctx.db;
    let fresh = || {
        doctor_row(
            &format!("dr.{}@hospital.com", unique()),
            &format!("LIC-{}", &unique()[..12]),
        )
    };

    for years in [81, -1, 1000] {
        let mut bad = fresh();
        bad.years_of_experience = Set(years);
        assert_check_violation(bad.insert(db).await, "ck_doctors_years_of_experience");
    }
    let mut bad = fresh();
    bad.consultation_fee_cents = Set(-1);
    assert_check_violation(bad.insert(db).await, "ck_doctors_consultation_fee");
    assert_eq!(doctors::Entity::find().count(db).await.unwrap(), 0);

    for years in [0, 80] {
        let mut good = fresh();
        good.years_of_experience = Set(years);
        good.insert(db).await.expect("0 and 80 years are allowed");
    }
    let updated = db
        .execute_unprepared("UPDATE doctors SET years_of_experience = 81")
        .await;
    assert_check_violation(updated, "ck_doctors_years_of_experience");
    // A specialization off the list can only be written in SQL (the column
    // is typed).
    let updated = db
        .execute_unprepared("UPDATE doctors SET specialization = 'astrology'")
        .await;
    assert_check_violation(updated, "ck_doctors_specialization");
    let max = doctors::Entity::find()
        .all(db)
        .await
        .unwrap()
        .iter()
        .map(|d| d.years_of_experience)
        .max();
    assert_eq!(max, Some(80));
}
