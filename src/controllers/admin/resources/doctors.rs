//! The doctor directory in the console: every doctor, whoever created it.
use async_trait::async_trait;
use sea_orm::{
    ColumnTrait, DatabaseConnection, DatabaseExecutor, DatabaseTransaction, EntityTrait,
    PaginatorTrait, QueryFilter,
};
use serde_json::Value;

use super::{flag, list_page, AdminResource};
use crate::{
    controllers::admin::shown::{show_doctor, Shown},
    domain::Specialization,
    models::{
        caller::Caller, doctors, error::ModelResult, fields::Mode, listing::QueryParams, mappings,
    },
    views::admin::{
        fields::form_fields,
        forms::Field,
        tables::{self, col, Row},
    },
};

pub struct Doctors;

pub static DOCTORS: Doctors = Doctors;

#[async_trait]
impl AdminResource for Doctors {
    fn path(&self) -> &'static str {
        "doctors"
    }

    fn names(&self) -> (&'static str, &'static str) {
        ("doctor", "doctors")
    }

    fn fields(&self, _creating: bool) -> Vec<Field> {
        form_fields(doctors::DoctorInput::FIELDS)
    }

    async fn count(&self, db: &DatabaseConnection) -> ModelResult<u64> {
        Ok(doctors::Entity::find().count(db).await?)
    }

    async fn list(
        &self,
        db: &DatabaseConnection,
        _caller: &Caller,
        params: &QueryParams,
    ) -> ModelResult<Value> {
        Ok(list_page(
            self,
            params,
            doctors::list(db, params).await?,
            &[
                col("Name", Some("last_name")),
                col("Specialization", None),
                col("E-mail", None),
                col("Hospital", None),
                col("Available", None),
                col("Experience", Some("years_of_experience")),
            ],
            vec![
                tables::choices("specialization", "Specialization", Specialization::VALUES),
                tables::yes_no("is_available", "Available"),
                tables::text("city", "City"),
            ],
            |d: &doctors::Model| Row {
                url: format!("/admin/doctors/{}/", d.id),
                cells: vec![
                    d.display_name(),
                    d.specialization.to_string(),
                    d.email.clone(),
                    d.hospital_name.clone(),
                    flag(d.is_available),
                    d.years_of_experience.to_string(),
                ],
            },
        ))
    }

    async fn find(
        &self,
        db: &DatabaseExecutor<'_>,
        _caller: &Caller,
        id: i32,
    ) -> ModelResult<Shown> {
        Ok(show_doctor(doctors::find(db, id).await?))
    }

    async fn create(
        &self,
        db: &DatabaseTransaction,
        caller: &Caller,
        body: &Value,
    ) -> ModelResult<Shown> {
        Ok(show_doctor(doctors::create(db, caller, body).await?))
    }

    async fn update(
        &self,
        db: &DatabaseTransaction,
        caller: &Caller,
        id: i32,
        body: &Value,
    ) -> ModelResult<Shown> {
        Ok(show_doctor(
            doctors::update(db, caller, id, body, Mode::Full).await?,
        ))
    }

    async fn cascade(&self, db: &DatabaseConnection, id: i32) -> ModelResult<Vec<String>> {
        let assigned = mappings::Entity::find()
            .filter(mappings::Column::DoctorId.eq(id))
            .count(db)
            .await?;
        Ok(vec![format!(
            "{assigned} assignment(s) of patients to this doctor"
        )])
    }

    async fn delete(&self, db: &DatabaseTransaction, caller: &Caller, id: i32) -> ModelResult<()> {
        doctors::delete(db, caller, id).await
    }
}
