//! `cargo loco task seed_demo password:..`: a demo data set for trying the
//! system and for benchmarks: a staff user and three clinicians (all with
//! the given password), 1,000 patients owned by the clinicians, 200 doctors
//! and one to three doctors assigned to each patient.
//!
//! All of it is written in one transaction, so a run loads everything or
//! nothing, and a second run finds the staff user and does nothing. The
//! rows are built by the models from API-shaped bodies (the same validation
//! and derived search columns as a client's records) and inserted in
//! batches. It refuses the production environment unless `production:yes`.
use std::time::Instant;

use loco_rs::{environment::Environment, prelude::*};
use sea_orm::{DatabaseTransaction, QuerySelect};

use super::{
    arg, ask_new_password, demo_data,
    demo_data::{Rng, CLINICIANS, NOTES, STAFF},
    interactive, only_args, refused,
};
use crate::models::{
    doctors, mappings, patients,
    users::{self, Flags},
};

pub const PASSWORD_VARIABLE: &str = "DEMO_PASSWORD";
const PATIENTS: usize = 1_000;
const DOCTORS: usize = 200;
/// Rows per INSERT: under SQLite's and PostgreSQL's bind-parameter limits.
const BATCH: usize = 500;

pub struct SeedDemo;

fn db_error(err: DbErr) -> Error {
    refused(err.into())
}

fn password(vars: &task::Vars) -> Result<String> {
    if let Some(password) = arg(vars, "password") {
        return Ok(password.to_string());
    }
    match std::env::var(PASSWORD_VARIABLE) {
        Ok(password) if !password.is_empty() => Ok(password),
        _ if interactive() => ask_new_password(),
        _ => Err(Error::Message(format!(
            "password: missing; the demo accounts need one: give password:VALUE or set \
             {PASSWORD_VARIABLE}"
        ))),
    }
}

async fn insert_batches<A>(txn: &DatabaseTransaction, rows: Vec<A>) -> Result<()>
where
    A: ActiveModelTrait + Send,
{
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let batch: Vec<A> = rows.by_ref().take(BATCH).collect();
        A::Entity::insert_many(batch)
            .exec_without_returning(txn)
            .await
            .map_err(db_error)?;
    }
    Ok(())
}

/// Inserts the doctors (created by the staff user) and returns their ids.
async fn seed_doctors(txn: &DatabaseTransaction, rng: &mut Rng, staff: i32) -> Result<Vec<i32>> {
    let rows = (1..=DOCTORS)
        .map(|n| doctors::new_row(Some(staff), &demo_data::doctor(rng, n)))
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(refused)?;
    insert_batches(txn, rows).await?;
    doctors::Entity::find()
        .select_only()
        .column(doctors::Column::Id)
        .filter(doctors::Column::CreatedBy.eq(staff))
        .into_tuple()
        .all(txn)
        .await
        .map_err(db_error)
}

/// Inserts the patients, shared among the clinicians, and returns their ids.
async fn seed_patients(
    txn: &DatabaseTransaction,
    rng: &mut Rng,
    owners: &[(i32, u32)],
) -> Result<Vec<i32>> {
    let parts: u32 = owners.iter().map(|(_, part)| part).sum();
    let mut rows = Vec::with_capacity(PATIENTS);
    for n in 1..=PATIENTS {
        // Owner by share: the first 5/10 to the first clinician, and so on.
        let slot = u32::try_from(n * parts as usize / (PATIENTS + 1)).unwrap_or(0);
        let mut owner = owners[0].0;
        let mut upto = 0;
        for (id, part) in owners {
            upto += part;
            if slot < upto {
                owner = *id;
                break;
            }
        }
        rows.push(patients::new_row(owner, &demo_data::patient(rng, n)).map_err(refused)?);
    }
    insert_batches(txn, rows).await?;
    let owner_ids: Vec<i32> = owners.iter().map(|(id, _)| *id).collect();
    patients::Entity::find()
        .select_only()
        .column(patients::Column::Id)
        .filter(patients::Column::OwnerId.is_in(owner_ids))
        .into_tuple()
        .all(txn)
        .await
        .map_err(db_error)
}

/// One to three distinct doctors a patient, the first of them primary.
async fn seed_mappings(
    txn: &DatabaseTransaction,
    rng: &mut Rng,
    patient_ids: &[i32],
    doctor_ids: &[i32],
) -> Result<usize> {
    let mut rows = Vec::with_capacity(patient_ids.len() * 2);
    for patient in patient_ids {
        let first = rng.below(doctor_ids.len());
        let count = 1 + rng.below(3);
        for k in 0..count {
            // Consecutive doctors from a random start: distinct by construction.
            let doctor = doctor_ids[(first + k * 7) % doctor_ids.len()];
            let notes = rng.pick(&NOTES).to_string();
            rows.push(mappings::new_row(*patient, doctor, k == 0, notes));
        }
    }
    let count = rows.len();
    insert_batches(txn, rows).await?;
    Ok(count)
}

#[async_trait]
impl Task for SeedDemo {
    fn task(&self) -> TaskInfo {
        TaskInfo {
            name: "seed_demo".to_string(),
            detail: "Load demo data (4 users, 1,000 patients, 200 doctors, mappings): password: \
                     for the demo accounts (or DEMO_PASSWORD)"
                .to_string(),
        }
    }

    async fn run(&self, ctx: &AppContext, vars: &task::Vars) -> Result<()> {
        only_args(vars, &["password", "production"])?;
        if ctx.environment == Environment::Production && arg(vars, "production") != Some("yes") {
            return Err(Error::Message(
                "refusing to load demo accounts and invented patients into the production \
                 environment; add production:yes if you mean it"
                    .to_string(),
            ));
        }
        let existing = users::Entity::find()
            .filter(users::Column::Email.eq(STAFF.1))
            .one(&ctx.db)
            .await
            .map_err(db_error)?;
        if existing.is_some() {
            println!(
                "Demo data already loaded ({} exists); nothing done.",
                STAFF.1
            );
            return Ok(());
        }
        let password = password(vars)?;
        let started = Instant::now();
        let mut rng = Rng::new(20_241_126);
        let txn = ctx.db.begin().await.map_err(db_error)?;
        let staff_flags = Flags {
            is_staff: true,
            is_superuser: false,
        };
        let staff = users::create_account(&txn, STAFF.0, STAFF.1, &password, staff_flags)
            .await
            .map_err(refused)?;
        let mut owners = Vec::new();
        for (name, email, part) in CLINICIANS {
            let user = users::create_account(&txn, name, email, &password, Flags::default())
                .await
                .map_err(refused)?;
            owners.push((user.id, part));
        }
        let doctor_ids = seed_doctors(&txn, &mut rng, staff.id).await?;
        let patient_ids = seed_patients(&txn, &mut rng, &owners).await?;
        let mappings = seed_mappings(&txn, &mut rng, &patient_ids, &doctor_ids).await?;
        txn.commit().await.map_err(db_error)?;
        println!(
            "Demo data loaded in {:.1} s: {} users (staff: {}; clinicians: {}), {} patients, {} \
             doctors, {mappings} mappings. The demo accounts use the password you gave.",
            started.elapsed().as_secs_f64(),
            1 + CLINICIANS.len(),
            STAFF.1,
            CLINICIANS.map(|(_, email, _)| email).join(", "),
            patient_ids.len(),
            doctor_ids.len(),
        );
        Ok(())
    }
}
