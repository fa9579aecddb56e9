//! Assignments of doctors to patients in the console.
use async_trait::async_trait;
use sea_orm::{
    DatabaseConnection, DatabaseExecutor, DatabaseTransaction, EntityTrait, PaginatorTrait,
};
use serde_json::Value;

use super::{flag, list_page, AdminResource};
use crate::{
    controllers::admin::shown::{show_mapping, Shown},
    models::{caller::Caller, error::ModelResult, listing::QueryParams, mappings},
    views::{
        admin::{
            fields::form_fields,
            forms::Field,
            tables::{self, col, Row},
        },
        timestamp,
    },
};

pub struct Mappings;

pub static MAPPINGS: Mappings = Mappings;

#[async_trait]
impl AdminResource for Mappings {
    fn path(&self) -> &'static str {
        "mappings"
    }

    fn names(&self) -> (&'static str, &'static str) {
        ("mapping", "mappings")
    }

    fn fields(&self, creating: bool) -> Vec<Field> {
        if creating {
            form_fields(mappings::MappingCreate::FIELDS)
        } else {
            form_fields(mappings::MappingPatch::FIELDS)
        }
    }

    async fn count(&self, db: &DatabaseConnection) -> ModelResult<u64> {
        Ok(mappings::Entity::find().count(db).await?)
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
            mappings::list(db, caller, params).await?,
            &[
                col("Id", Some("id")),
                col("Patient", None),
                col("Doctor", None),
                col("Primary", None),
                col("Assigned", Some("assigned_at")),
            ],
            vec![
                tables::text("patient_id", "Patient id"),
                tables::text("doctor_id", "Doctor id"),
                tables::yes_no("is_primary", "Primary"),
            ],
            |m: &mappings::MappingDetail| Row {
                url: format!("/admin/mappings/{}/", m.mapping.id),
                cells: vec![
                    m.mapping.id.to_string(),
                    m.patient.full_name(),
                    m.doctor.display_name(),
                    flag(m.mapping.is_primary),
                    timestamp(&m.mapping.assigned_at),
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
        Ok(show_mapping(mappings::find(db, caller, id).await?))
    }

    async fn create(
        &self,
        db: &DatabaseTransaction,
        caller: &Caller,
        body: &Value,
    ) -> ModelResult<Shown> {
        Ok(show_mapping(mappings::create(db, caller, body).await?))
    }

    async fn update(
        &self,
        db: &DatabaseTransaction,
        caller: &Caller,
        id: i32,
        body: &Value,
    ) -> ModelResult<Shown> {
        Ok(show_mapping(mappings::update(db, caller, id, body).await?))
    }

    async fn cascade(&self, _db: &DatabaseConnection, _id: i32) -> ModelResult<Vec<String>> {
        Ok(vec![
            "nothing else: the patient and the doctor stay".to_string()
        ])
    }

    async fn delete(&self, db: &DatabaseTransaction, caller: &Caller, id: i32) -> ModelResult<()> {
        mappings::delete(db, caller, id).await
    }
}
