use serde::Serialize;
use utoipa::ToSchema;

use super::timestamp;
use crate::{
    domain::Specialization,
    models::{mappings::MappingDetail, patients},
};

#[derive(Debug, Serialize, ToSchema)]
pub struct PatientBrief {
    pub id: i32,
    pub full_name: String,
}

impl From<&patients::Model> for PatientBrief {
    fn from(patient: &patients::Model) -> Self {
        Self {
            id: patient.id,
            full_name: patient.full_name(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DoctorBrief {
    pub id: i32,
    pub display_name: String,
    #[schema(schema_with = crate::openapi::fields::specialization)]
    pub specialization: Specialization,
    pub hospital_name: String,
}

/// A patient–doctor assignment as every mapping endpoint answers it.
#[derive(Debug, Serialize, ToSchema)]
pub struct MappingView {
    pub id: i32,
    pub patient: i32,
    pub patient_detail: PatientBrief,
    pub doctor: i32,
    pub doctor_detail: DoctorBrief,
    pub is_primary: bool,
    pub notes: String,
    #[schema(format = DateTime)]
    pub assigned_at: String,
}

impl From<MappingDetail> for MappingView {
    fn from(detail: MappingDetail) -> Self {
        let MappingDetail {
            mapping,
            patient,
            doctor,
        } = detail;
        Self {
            id: mapping.id,
            patient: mapping.patient_id,
            patient_detail: (&patient).into(),
            doctor: mapping.doctor_id,
            doctor_detail: DoctorBrief {
                id: doctor.id,
                display_name: doctor.display_name(),
                specialization: doctor.specialization,
                hospital_name: doctor.hospital_name,
            },
            is_primary: mapping.is_primary,
            notes: mapping.notes,
            assigned_at: timestamp(&mapping.assigned_at),
        }
    }
}

/// `GET /api/mappings/<patient_id>/`, in the seed's shape.
#[derive(Debug, Serialize, ToSchema)]
pub struct PatientDoctors {
    #[schema(schema_with = crate::openapi::fields::success_true)]
    pub success: bool,
    pub message: &'static str,
    pub patient: PatientBrief,
    #[schema(minimum = 0)]
    pub count: usize,
    pub data: Vec<MappingView>,
}
