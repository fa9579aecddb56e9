//! Patients in the console: every owner's, and created for a chosen owner.
use async_trait::async_trait;
use sea_orm::{
    ColumnTrait, DatabaseConnection, DatabaseExecutor, DatabaseTransaction, EntityTrait,
    PaginatorTrait, QueryFilter,
};
use serde_json::Value;

use super::{list_page, AdminResource};
use crate::{
    controllers::admin::shown::{show_patient, Shown},
    domain::Gender,
    models::{
        caller::Caller,
        error::{ModelError, ModelResult},
        fields::{Mode, REQUIRED},
        listing::QueryParams,
        mappings, patients, users,
    },
    views::{
        admin::{
            fields::{form_fields, OWNER_FIELD},
            forms::Field,
            tables::{self, col, Row},
        },
        timestamp,
    },
};

pub struct Patients;

pub static PATIENTS: Patients = Patients;

#[async_trait]
impl AdminResource for Patients {
    fn path(&self) -> &'static str {
        "patients"
    }

    fn names(&self) -> (&'static str, &'static str) {
        ("patient", "patients")
    }

    fn fields(&self, creating: bool) -> Vec<Field> {
        if creating {
            let mut fields = vec![OWNER_FIELD];
            fields.extend(form_fields(patients::PatientInput::FIELDS));
            fields
        } else {
            form_fields(patients::PatientInput::FIELDS)
        }
    }

    async fn count(&self, db: &DatabaseConnection) -> ModelResult<u64> {
        Ok(patients::Entity::find().count(db).await?)
    }

    async fn list(
        &self,
        db: &DatabaseConnection,
        caller: &Caller,
        params: &QueryParams,
    ) -> ModelResult<Value> {
        Ok(list_page(
            self,
            params,
            patients::list(db, caller, params).await?,
            &[
                col("Name", Some("last_name")),
                col("First name", Some("first_name")),
                col("Date of birth", Some("date_of_birth")),
                col("Gender", None),
                col("Owner", None),
                col("Created", Some("created_at")),
            ],
            vec![tables::choices("gender", "Gender", Gender::VALUES)],
            |p: &patients::Model| Row {
                url: format!("/admin/patients/{}/", p.id),
                cells: vec![
                    p.full_name(),
                    p.first_name.clone(),
                    p.date_of_birth.to_string(),
                    p.gender.to_string(),
                    p.owner_id.to_string(),
                    timestamp(&p.created_at),
                ],
            },
        ))
    }

    async fn find(
        &self,
        db: &DatabaseExecutor<'_>,
        caller: &Caller,
        id: i32,
    ) -> ModelResult<Shown> {
        Ok(show_patient(patients::find(db, caller, id).await?))
    }

    async fn create(
        &self,
        db: &DatabaseTransaction,
        _caller: &Caller,
        body: &Value,
    ) -> ModelResult<Shown> {
        let owner = owner_of(db, body).await?;
        Ok(show_patient(patients::create_for(db, owner, body).await?))
    }

    async fn update(
        &self,
        db: &DatabaseTransaction,
        caller: &Caller,
        id: i32,
        body: &Value,
    ) -> ModelResult<Shown> {
        Ok(show_patient(
            patients::update(db, caller, id, body, Mode::Full).await?,
        ))
    }

    async fn cascade(&self, db: &DatabaseConnection, id: i32) -> ModelResult<Vec<String>> {
        let assigned = mappings::Entity::find()
            .filter(mappings::Column::PatientId.eq(id))
            .count(db)
            .await?;
        Ok(vec![format!(
            "{assigned} assignment(s) of this patient to doctors"
        )])
    }

    async fn delete(&self, db: &DatabaseTransaction, caller: &Caller, id: i32) -> ModelResult<()> {
        patients::delete(db, caller, id).await
    }
}

/// The owner a new patient is created for: an existing user's id.
async fn owner_of(db: &DatabaseTransaction, body: &Value) -> ModelResult<i32> {
    let raw = body
        .get("owner")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let Ok(id) = raw.trim().parse::<i32>() else {
        return Err(ModelError::invalid("owner", REQUIRED));
    };
    match users::Entity::find_by_id(id).one(db).await? {
        Some(_) => Ok(id),
        None => Err(ModelError::invalid(
            "owner",
            format!("Invalid pk \"{id}\" - object does not exist."),
        )),
    }
}
