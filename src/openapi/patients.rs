//! `/api/patients/*`: the caller's patients.
use serde_json::{json, Value};
use utoipa::{
    openapi::{path::HttpMethod, Ref, RefOr, Schema},
    PartialSchema, ToSchema,
};

use super::{envelope, fields, list_envelope, write, Op};
use crate::{
    domain::Gender,
    models::patients::{PatientInput, ORDERING},
    views::patients::PatientView,
};

/// The seed README's patient.
#[must_use]
pub fn seed_example() -> Value {
    json!({
        "first_name": "John",
        "last_name": "Doe",
        "email": "john.doe@email.com",
        "phone": "555-1234",
        "date_of_birth": "1985-06-15",
        "gender": "M",
        "blood_group": "O+",
        "allergies": "Penicillin",
        "medical_history": "Hypertension diagnosed 2020",
        "current_medications": "Lisinopril 10mg",
        "emergency_contact_name": "Jane Doe",
        "emergency_contact_phone": "555-5678",
        "address": "123 Main St",
        "city": "Chicago",
        "state": "IL",
        "country": "USA"
    })
}

/// The writable fields; `full` makes the required ones required (POST,
/// PUT), otherwise any subset may be sent (PATCH).
fn write_schema(full: bool) -> Schema {
    write::body_schema(
        PatientInput::FIELDS,
        full,
        Some(
            "Strings are trimmed; `null` for an optional text means blank. Unknown and \
         read-only fields are ignored.",
        ),
    )
}

#[must_use]
pub fn schemas() -> Vec<(String, RefOr<Schema>)> {
    vec![
        ("PatientWrite".into(), write_schema(true).into()),
        ("PatientPatch".into(), write_schema(false).into()),
        (PatientView::name().into(), PatientView::schema()),
        (
            "PatientResponse".into(),
            envelope(Ref::from_schema_name("PatientView")).into(),
        ),
        ("PatientList".into(), list_envelope("PatientView").into()),
    ]
}

const ID: &str = "A patient id (404 unless it is one of the caller's).";

#[must_use]
pub fn operations() -> Vec<Op> {
    let ordering: Vec<&str> = ORDERING.iter().map(|(name, _)| *name).collect();
    let mut query = vec![
        fields::search("the first name, last name, full name or e-mail"),
        fields::choice_filter("gender", Gender::VALUES, "Exactly this gender."),
        fields::ordering(&ordering),
    ];
    query.extend(fields::paging());
    let example = || vec![("seed", "The seed README's patient", seed_example())];
    let links = |op: Op| {
        op.link("GetPatient", "getPatient", "id", "/data/id")
            .link("UpdatePatient", "updatePatient", "id", "/data/id")
            .link("PatchPatient", "patchPatient", "id", "/data/id")
            .link("DeletePatient", "deletePatient", "id", "/data/id")
            .link("PatientDoctors", "patientDoctors", "patient_id", "/data/id")
    };
    vec![
        Op::new(
            HttpMethod::Get,
            "/api/patients/",
            "listPatients",
            "patients",
            "List the caller's patients",
        )
        .secured()
        .query(query)
        .ok(200, "A page of patients, newest first.", "PatientList"),
        links(
            Op::new(
                HttpMethod::Post,
                "/api/patients/",
                "createPatient",
                "patients",
                "Create a patient",
            )
            .secured()
            .body("PatientWrite", example())
            .ok(201, "Created.", "PatientResponse"),
        ),
        Op::new(
            HttpMethod::Get,
            "/api/patients/{id}/",
            "getPatient",
            "patients",
            "Read a patient",
        )
        .secured()
        .path_id("id", ID)
        .ok(200, "The patient.", "PatientResponse"),
        Op::new(
            HttpMethod::Put,
            "/api/patients/{id}/",
            "updatePatient",
            "patients",
            "Replace a patient",
        )
        .describe("Every required field must be given.")
        .secured()
        .path_id("id", ID)
        .body("PatientWrite", example())
        .ok(200, "Updated.", "PatientResponse"),
        Op::new(
            HttpMethod::Patch,
            "/api/patients/{id}/",
            "patchPatient",
            "patients",
            "Update some fields of a patient",
        )
        .secured()
        .path_id("id", ID)
        .body(
            "PatientPatch",
            vec![(
                "phone",
                "A new phone number",
                json!({ "phone": "555-0000" }),
            )],
        )
        .ok(200, "Updated.", "PatientResponse"),
        Op::new(
            HttpMethod::Delete,
            "/api/patients/{id}/",
            "deletePatient",
            "patients",
            "Delete a patient",
        )
        .describe("Its mappings go with it.")
        .secured()
        .path_id("id", ID)
        .ok(200, "Deleted (`data: null`).", "EmptyResponse"),
    ]
}
