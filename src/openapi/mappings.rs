//! `/api/mappings/*`: doctors assigned to the caller's patients.
use serde_json::{json, Value};
use utoipa::{
    openapi::{path::HttpMethod, Ref, RefOr, Schema},
    PartialSchema, ToSchema,
};

use super::{envelope, fields, list_envelope, write, Op};
use crate::{
    models::mappings::{MappingCreate, MappingPatch, ORDERING},
    views::mappings::{DoctorBrief, MappingView, PatientBrief, PatientDoctors},
};

/// The seed README's assignment.
#[must_use]
pub fn seed_example() -> Value {
    json!({
        "patient": 1,
        "doctor": 3,
        "is_primary": true,
        "notes": "Referred for cardiac evaluation"
    })
}

#[must_use]
pub fn schemas() -> Vec<(String, RefOr<Schema>)> {
    vec![
        (
            "MappingCreate".into(),
            write::body_schema(
                MappingCreate::FIELDS,
                true,
                Some(
                    "`patient` must be one of the caller's patients (400 under `patient` \
                 otherwise, whether or not it exists); an unknown `doctor` is a 400 \
                 under `doctor`; the same pair twice is a 400 under \
                 `non_field_errors`. A new primary demotes the patient's old one.",
                ),
            )
            .into(),
        ),
        (
            "MappingPatch".into(),
            write::body_schema(
                MappingPatch::FIELDS,
                false,
                Some("Other fields are ignored."),
            )
            .into(),
        ),
        (PatientBrief::name().into(), PatientBrief::schema()),
        (DoctorBrief::name().into(), DoctorBrief::schema()),
        (MappingView::name().into(), MappingView::schema()),
        (PatientDoctors::name().into(), PatientDoctors::schema()),
        (
            "MappingResponse".into(),
            envelope(Ref::from_schema_name("MappingView")).into(),
        ),
        ("MappingList".into(), list_envelope("MappingView").into()),
    ]
}

const ID: &str = "A mapping id (404 unless its patient is one of the caller's).";

#[must_use]
pub fn operations() -> Vec<Op> {
    let ordering: Vec<&str> = ORDERING.iter().map(|(name, _)| *name).collect();
    let mut query = vec![
        fields::id_filter("patient_id", "Only this patient's mappings."),
        fields::id_filter("doctor_id", "Only this doctor's mappings."),
        fields::boolean_filter("is_primary", "`true` or `false`."),
        fields::ordering(&ordering),
    ];
    query.extend(fields::paging());
    vec![
        Op::new(
            HttpMethod::Get,
            "/api/mappings/",
            "listMappings",
            "mappings",
            "List the mappings of the caller's patients",
        )
        .secured()
        .query(query)
        .ok(200, "A page of mappings, newest first.", "MappingList"),
        Op::new(
            HttpMethod::Post,
            "/api/mappings/",
            "createMapping",
            "mappings",
            "Assign a doctor to a patient",
        )
        .secured()
        .body(
            "MappingCreate",
            vec![("seed", "The seed README's assignment", seed_example())],
        )
        .errors(&[409])
        .ok(201, "Assigned.", "MappingResponse")
        .link("GetMapping", "getMapping", "id", "/data/id")
        .link("PatchMapping", "patchMapping", "id", "/data/id")
        .link("DeleteMapping", "deleteMapping", "id", "/data/id")
        .link(
            "PatientDoctors",
            "patientDoctors",
            "patient_id",
            "/data/patient",
        ),
        Op::new(
            HttpMethod::Get,
            "/api/mappings/{patient_id}/",
            "patientDoctors",
            "mappings",
            "A patient's doctors",
        )
        .describe(
            "The seed's shape: `patient`, `count` and every mapping, newest first (not paginated).",
        )
        .secured()
        .path_id(
            "patient_id",
            "A patient id (404 unless it is one of the caller's).",
        )
        .ok(200, "The patient and its doctors.", "PatientDoctors"),
        Op::new(
            HttpMethod::Get,
            "/api/mappings/detail/{id}/",
            "getMapping",
            "mappings",
            "Read a mapping",
        )
        .secured()
        .path_id("id", ID)
        .ok(200, "The mapping.", "MappingResponse"),
        Op::new(
            HttpMethod::Patch,
            "/api/mappings/detail/{id}/",
            "patchMapping",
            "mappings",
            "Change `is_primary` or `notes`",
        )
        .secured()
        .path_id("id", ID)
        .body(
            "MappingPatch",
            vec![(
                "primary",
                "Make this the primary doctor",
                json!({ "is_primary": true, "notes": "Primary care physician" }),
            )],
        )
        .errors(&[409])
        .ok(200, "Updated.", "MappingResponse"),
        Op::new(
            HttpMethod::Delete,
            "/api/mappings/detail/{id}/",
            "deleteMapping",
            "mappings",
            "Remove a mapping",
        )
        .secured()
        .path_id("id", ID)
        .ok(200, "Removed (`data: null`).", "EmptyResponse"),
    ]
}
