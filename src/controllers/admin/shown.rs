//! A record as the console shows it on its pages and records it in the
//! change log: the API's JSON view of it and a short name.
use serde_json::{json, Value};

use crate::{
    models::{doctors, mappings, patients, users},
    views::{doctors::DoctorView, mappings::MappingView, patients::PatientView, timestamp},
};

/// A record as the console shows and logs it: its JSON and a short name.
pub struct Shown {
    pub id: i32,
    pub repr: String,
    pub json: Value,
    /// The operator may look but not act on it (`staff::may_manage`).
    pub locked: bool,
}

impl Shown {
    pub(super) fn new(id: i32, repr: String, json: Value) -> Self {
        Self {
            id,
            repr,
            json,
            locked: false,
        }
    }
}

fn user_json(user: &users::Model) -> Value {
    json!({
        "id": user.id, "name": user.name, "email": user.email, "is_active": user.is_active,
        "is_staff": user.is_staff, "is_superuser": user.is_superuser,
        "created_at": timestamp(&user.created_at),
        "last_login": user.last_login.as_ref().map(timestamp),
    })
}

pub(super) fn show_user(user: &users::Model) -> Shown {
    Shown::new(user.id, user.email.clone(), user_json(user))
}

pub(super) fn show_patient(patient: patients::Model) -> Shown {
    let (id, repr) = (patient.id, patient.full_name());
    let view = PatientView::new(patient, patients::today());
    Shown::new(id, repr, serde_json::to_value(view).unwrap_or_default())
}

pub(super) fn show_doctor(doctor: doctors::Model) -> Shown {
    let (id, repr) = (doctor.id, doctor.display_name());
    Shown::new(
        id,
        repr,
        serde_json::to_value(DoctorView::from(doctor)).unwrap_or_default(),
    )
}

pub(super) fn show_mapping(detail: mappings::MappingDetail) -> Shown {
    let repr = format!(
        "{} → {}",
        detail.patient.full_name(),
        detail.doctor.display_name()
    );
    let id = detail.mapping.id;
    Shown::new(
        id,
        repr,
        serde_json::to_value(MappingView::from(detail)).unwrap_or_default(),
    )
}
