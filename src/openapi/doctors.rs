//! `/api/doctors/*`: the doctor directory.
use serde_json::{json, Value};
use utoipa::{
    openapi::{path::HttpMethod, Ref, RefOr, Schema},
    PartialSchema, ToSchema,
};

use super::{envelope, fields, list_envelope, write, Op};
use crate::{
    domain::Specialization,
    models::doctors::{DoctorInput, ORDERING},
    views::doctors::DoctorView,
};

/// The seed README's doctor.
#[must_use]
pub fn seed_example() -> Value {
    json!({
        "first_name": "Emily",
        "last_name": "Chen",
        "email": "dr.emily@hospital.com",
        "phone": "555-9876",
        "specialization": "neurology",
        "license_number": "LIC-2024-007",
        "years_of_experience": 15,
        "qualification": "MD, PhD Neuroscience",
        "bio": "Board-certified neurologist specializing in epilepsy treatment.",
        "consultation_fee": "250.00",
        "is_available": true,
        "hospital_name": "City Medical Center",
        "city": "San Francisco",
        "state": "CA",
        "country": "USA"
    })
}

/// The writable fields; `full` makes the five required ones required.
fn write_schema(full: bool) -> Schema {
    write::body_schema(
        DoctorInput::FIELDS,
        full,
        Some(
            "`email` and `license_number` are unique (a duplicate is a 400 naming the field); \
         e-mails are stored lower-cased. Strings are trimmed; unknown and read-only \
         fields are ignored.",
        ),
    )
}

#[must_use]
pub fn schemas() -> Vec<(String, RefOr<Schema>)> {
    vec![
        ("DoctorWrite".into(), write_schema(true).into()),
        ("DoctorPatch".into(), write_schema(false).into()),
        (DoctorView::name().into(), DoctorView::schema()),
        (
            "DoctorResponse".into(),
            envelope(Ref::from_schema_name("DoctorView")).into(),
        ),
        ("DoctorList".into(), list_envelope("DoctorView").into()),
    ]
}

const ID: &str = "A doctor id.";
const ONLY_CREATOR: &str = "Only the user who created the record may do this (403 otherwise).";

#[must_use]
pub fn operations() -> Vec<Op> {
    let ordering: Vec<&str> = ORDERING.iter().map(|(name, _)| *name).collect();
    let mut query = vec![
        fields::search("the first name, last name, full name or hospital"),
        fields::choice_filter(
            "specialization",
            Specialization::VALUES,
            "Exactly this specialization.",
        ),
        fields::boolean_filter("is_available", "`true` or `false`."),
        fields::text_filter("city", "The city, case-insensitively."),
        fields::ordering(&ordering),
    ];
    query.extend(fields::paging());
    let example = || vec![("seed", "The seed README's doctor", seed_example())];
    let links = |op: Op| {
        op.link("GetDoctor", "getDoctor", "id", "/data/id")
            .link("UpdateDoctor", "updateDoctor", "id", "/data/id")
            .link("PatchDoctor", "patchDoctor", "id", "/data/id")
            .link("DeleteDoctor", "deleteDoctor", "id", "/data/id")
    };
    vec![
        Op::new(
            HttpMethod::Get,
            "/api/doctors/",
            "listDoctors",
            "doctors",
            "List doctors",
        )
        .secured()
        .query(query)
        .ok(200, "A page of doctors, newest first.", "DoctorList"),
        links(
            Op::new(
                HttpMethod::Post,
                "/api/doctors/",
                "createDoctor",
                "doctors",
                "Add a doctor",
            )
            .secured()
            .body("DoctorWrite", example())
            .ok(201, "Created.", "DoctorResponse"),
        ),
        Op::new(
            HttpMethod::Get,
            "/api/doctors/{id}/",
            "getDoctor",
            "doctors",
            "Read a doctor",
        )
        .secured()
        .path_id("id", ID)
        .ok(200, "The doctor.", "DoctorResponse"),
        Op::new(
            HttpMethod::Put,
            "/api/doctors/{id}/",
            "updateDoctor",
            "doctors",
            "Replace a doctor",
        )
        .describe(ONLY_CREATOR)
        .secured()
        .path_id("id", ID)
        .body("DoctorWrite", example())
        .errors(&[403])
        .ok(200, "Updated.", "DoctorResponse"),
        Op::new(
            HttpMethod::Patch,
            "/api/doctors/{id}/",
            "patchDoctor",
            "doctors",
            "Update some fields of a doctor",
        )
        .describe(ONLY_CREATOR)
        .secured()
        .path_id("id", ID)
        .body(
            "DoctorPatch",
            vec![(
                "availability",
                "Not taking patients",
                json!({ "is_available": false }),
            )],
        )
        .errors(&[403])
        .ok(200, "Updated.", "DoctorResponse"),
        Op::new(
            HttpMethod::Delete,
            "/api/doctors/{id}/",
            "deleteDoctor",
            "doctors",
            "Delete a doctor",
        )
        .describe(
            "Only the user who created the record may do this (403 otherwise). Its \
             assignments to the creator's own patients are deleted with it; while it is \
             assigned to patients of other users the answer is 409, naming how many, and \
             nothing is deleted: set `is_available` to `false` instead.",
        )
        .secured()
        .path_id("id", ID)
        .errors(&[403, 409])
        .ok(200, "Deleted (`data: null`).", "EmptyResponse"),
    ]
}
