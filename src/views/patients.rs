use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use super::timestamp;
use crate::{
    domain::{Gender, KnownBloodGroup},
    models::patients::Model,
};

/// A patient as every patient endpoint answers it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PatientView {
    pub id: i32,
    pub first_name: String,
    pub last_name: String,
    /// `"<first_name> <last_name>"`.
    pub full_name: String,
    /// Blank or an e-mail address, as given.
    pub email: String,
    pub phone: String,
    #[schema(format = Date, example = "1985-06-15")]
    pub date_of_birth: String,
    /// Whole years today.
    #[schema(minimum = 0)]
    pub age: i32,
    #[schema(schema_with = crate::openapi::fields::gender)]
    pub gender: Gender,
    #[schema(schema_with = crate::openapi::fields::blood_group)]
    pub blood_group: KnownBloodGroup,
    pub allergies: String,
    pub medical_history: String,
    pub current_medications: String,
    pub emergency_contact_name: String,
    pub emergency_contact_phone: String,
    pub address: String,
    pub city: String,
    pub state: String,
    pub country: String,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

impl PatientView {
    #[must_use]
    pub fn new(patient: Model, today: NaiveDate) -> Self {
        Self {
            id: patient.id,
            full_name: patient.full_name(),
            age: patient.age_on(today),
            date_of_birth: patient.date_of_birth.format("%Y-%m-%d").to_string(),
            created_at: timestamp(&patient.created_at),
            updated_at: timestamp(&patient.updated_at),
            first_name: patient.first_name,
            last_name: patient.last_name,
            email: patient.email,
            phone: patient.phone,
            gender: patient.gender,
            blood_group: patient.blood_group,
            allergies: patient.allergies,
            medical_history: patient.medical_history,
            current_medications: patient.current_medications,
            emergency_contact_name: patient.emergency_contact_name,
            emergency_contact_phone: patient.emergency_contact_phone,
            address: patient.address,
            city: patient.city,
            state: patient.state,
            country: patient.country,
        }
    }
}
