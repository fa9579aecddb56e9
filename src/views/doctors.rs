use serde::Serialize;
use utoipa::ToSchema;

use super::timestamp;
use crate::{
    domain::Specialization,
    models::{doctors::Model, fields::format_cents},
};

/// A doctor as every doctor endpoint answers it.
#[derive(Debug, Serialize, ToSchema)]
pub struct DoctorView {
    pub id: i32,
    pub first_name: String,
    pub last_name: String,
    /// `"Dr. <first_name> <last_name>"`.
    pub display_name: String,
    pub email: String,
    pub phone: String,
    #[schema(schema_with = crate::openapi::fields::specialization)]
    pub specialization: Specialization,
    pub license_number: String,
    #[schema(minimum = 0, maximum = 80)]
    pub years_of_experience: i32,
    pub qualification: String,
    pub bio: String,
    /// A decimal string, `"250.00"`, as DRF renders a `DecimalField`.
    #[schema(schema_with = crate::openapi::fields::fee_out)]
    pub consultation_fee: String,
    pub is_available: bool,
    pub hospital_name: String,
    pub city: String,
    pub state: String,
    pub country: String,
    /// The user who created the record; `null` once that user is deleted.
    #[schema(required = true)]
    pub created_by: Option<i32>,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

impl From<Model> for DoctorView {
    fn from(doctor: Model) -> Self {
        Self {
            id: doctor.id,
            display_name: doctor.display_name(),
            consultation_fee: format_cents(doctor.consultation_fee_cents),
            created_at: timestamp(&doctor.created_at),
            updated_at: timestamp(&doctor.updated_at),
            first_name: doctor.first_name,
            last_name: doctor.last_name,
            email: doctor.email,
            phone: doctor.phone,
            specialization: doctor.specialization,
            license_number: doctor.license_number,
            years_of_experience: doctor.years_of_experience,
            qualification: doctor.qualification,
            bio: doctor.bio,
            is_available: doctor.is_available,
            hospital_name: doctor.hospital_name,
            city: doctor.city,
            state: doctor.state,
            country: doctor.country,
            created_by: doctor.created_by,
        }
    }
}
