//! Patient–doctor assignments. A caller sees and changes only the mappings of
//! their own patients; someone else's is answered exactly like a missing one.
use sea_orm::{
    sea_query::{Expr, ExprTrait},
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, IntoActiveModel,
    LoaderTrait, ModelTrait, QueryFilter, QueryOrder, QuerySelect, RelationTrait, SqlErr,
    TransactionSession, TransactionTrait,
};
use serde_json::Value;

pub use super::_entities::mappings::{ActiveModel, Column, Entity, Model, Relation};
use super::error::{self, violated_unique_key, FieldErrors, ModelError, ModelResult};
use super::{
    caller::Caller,
    doctors,
    fields::{does_not_exist, write_body, Input, Mode},
    listing::{self, Page, PageRequest, QueryParams},
    now, patients,
};

pub const ORDERING: [(&str, Column); 2] = [("id", Column::Id), ("assigned_at", Column::AssignedAt)];
const DUPLICATE: &str = "The fields patient, doctor must make a unique set.";

/// A mapping with the patient and doctor it joins, as the API shows it.
#[derive(Debug, Clone)]
pub struct MappingDetail {
    pub mapping: Model,
    pub patient: patients::Model,
    pub doctor: doctors::Model,
}

/// Loads the patients and doctors of `mappings`: two queries for any number.
async fn with_details<C: ConnectionTrait>(
    db: &C,
    mappings: Vec<Model>,
) -> ModelResult<Vec<MappingDetail>> {
    let patients = mappings.load_one(patients::Entity, db).await?;
    let doctors = mappings.load_one(doctors::Entity, db).await?;
    mappings
        .into_iter()
        .zip(patients.into_iter().zip(doctors))
        .map(|(mapping, related)| match related {
            (Some(patient), Some(doctor)) => Ok(MappingDetail {
                mapping,
                patient,
                doctor,
            }),
            // Foreign keys forbid this; a dangling row is a server fault.
            _ => Err(ModelError::Fault("a mapping without its patient or doctor")),
        })
        .collect()
}

/// Mappings whose patient belongs to the caller.
fn scoped(caller: &Caller) -> sea_orm::Select<Entity> {
    Entity::find()
        .join(sea_orm::JoinType::InnerJoin, Relation::Patients.def())
        .filter(caller.owned(patients::Column::OwnerId))
}

/// `GET /api/mappings/`.
///
/// # Errors
/// 400 for a bad query parameter.
pub async fn list(
    db: &DatabaseConnection,
    caller: &Caller,
    params: &QueryParams,
) -> ModelResult<Page<MappingDetail>> {
    let mut errors = FieldErrors::new();
    let page = PageRequest::parse(params, &mut errors);
    let mut select = scoped(caller);
    if let Some(patient_id) = params.id("patient_id", &mut errors) {
        select = select.filter(Column::PatientId.eq(patient_id));
    }
    if let Some(doctor_id) = params.id("doctor_id", &mut errors) {
        select = select.filter(Column::DoctorId.eq(doctor_id));
    }
    if let Some(primary) = params.boolean("is_primary", &mut errors) {
        select = select.filter(Column::IsPrimary.eq(primary));
    }
    let select = listing::apply_ordering(select, params, &ORDERING, Column::Id, &mut errors);
    errors.into_result()?;
    let page = listing::paginate(db, select, page).await?;
    let items = with_details(db, page.items).await?;
    Ok(Page {
        items,
        count: page.count,
        request: page.request,
    })
}

/// `GET /api/mappings/<patient_id>/`: the patient and all its doctors.
///
/// # Errors
/// 404 when the patient is not the caller's.
pub async fn for_patient(
    db: &DatabaseConnection,
    caller: &Caller,
    patient_id: i32,
) -> ModelResult<(patients::Model, Vec<MappingDetail>)> {
    let patient = patients::find(db, caller, patient_id).await?;
    // The patient is already loaded: one joined query brings the doctors.
    let rows = patient
        .find_related(Entity)
        .find_also_related(doctors::Entity)
        .order_by_desc(Column::Id)
        .all(db)
        .await?;
    let details = rows
        .into_iter()
        .map(|(mapping, doctor)| {
            // The foreign key forbids a missing doctor; one is a server fault.
            doctor
                .ok_or(ModelError::Fault("a mapping without its doctor"))
                .map(|doctor| MappingDetail {
                    mapping,
                    patient: patient.clone(),
                    doctor,
                })
        })
        .collect::<ModelResult<Vec<_>>>()?;
    Ok((patient, details))
}

/// # Errors
/// 404 when the mapping's patient is not the caller's.
pub async fn find<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    caller: &Caller,
    id: i32,
) -> ModelResult<MappingDetail> {
    let mapping = scoped(caller)
        .filter(Column::Id.eq(id))
        .one(db)
        .await?
        .ok_or(ModelError::NotFound)?;
    with_details(db, vec![mapping])
        .await?
        .pop()
        .ok_or(ModelError::Fault("a loaded mapping lost on the way"))
}

/// Clears the patient's current primary mapping (inside the caller's
/// transaction, before the new primary is written).
async fn demote_primary<C: ConnectionTrait>(db: &C, patient_id: i32) -> Result<(), DbErr> {
    Entity::update_many()
        .col_expr(Column::IsPrimary, Expr::value(false))
        .col_expr(Column::Version, Expr::col(Column::Version).add(1))
        .col_expr(Column::UpdatedAt, Expr::value(now()))
        .filter(Column::PatientId.eq(patient_id))
        .filter(Column::IsPrimary.eq(true))
        .exec(db)
        .await?;
    Ok(())
}

/// A unique violation from a lost race: the same pair twice, or two
/// primaries for one patient at the same instant.
fn unique_error(err: DbErr) -> ModelError {
    match violated_unique_key(&err) {
        Some(error::MAPPINGS_PATIENT_DOCTOR) => ModelError::invalid("non_field_errors", DUPLICATE),
        Some(error::MAPPINGS_ONE_PRIMARY) => ModelError::Conflict(
            "Another primary doctor was assigned to this patient at the same time. Retry."
                .to_string(),
        ),
        _ => err.into(),
    }
}

write_body! {
    /// The body of `POST /api/mappings/`.
    pub struct MappingCreate {
        patient: primary_key(required) => "Patient (id)";
        doctor: primary_key(required) => "Doctor (id)";
        is_primary: boolean(optional) => "Primary doctor";
        notes: long_text(optional, NOTES_MAX) => "Notes";
    }
}

write_body! {
    /// The body of `PATCH`/`PUT /api/mappings/<id>/`: the assignment's own
    /// fields (its patient and doctor stay).
    pub struct MappingPatch {
        is_primary: boolean(optional) => "Primary doctor";
        notes: long_text(optional, NOTES_MAX) => "Notes";
    }
}

const NOTES_MAX: usize = 10_000;

/// `POST /api/mappings/`.
///
/// # Errors
/// 400 under `patient` (not the caller's, or missing: the same message),
/// `doctor`, or `non_field_errors` for a pair that exists already.
pub async fn create<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    caller: &Caller,
    body: &Value,
) -> ModelResult<MappingDetail> {
    let mut input = Input::new(body, Mode::Full)?;
    let MappingCreate {
        patient: patient_id,
        doctor: doctor_id,
        is_primary,
        notes,
    } = MappingCreate::read(&mut input);
    let (is_primary, notes) = (is_primary.unwrap_or(false), notes.unwrap_or_default());
    let mut patient = None;
    if let Some(id) = patient_id {
        // Only "not the caller's, or missing" is the client's mistake; any
        // other failure (a lost database: 503) is answered as itself.
        match patients::find(db, caller, id).await {
            Ok(found) => patient = Some(found),
            Err(ModelError::NotFound) => input.error("patient", does_not_exist(&id.to_string())),
            Err(err) => return Err(err),
        }
    }
    let mut doctor = None;
    if let Some(id) = doctor_id {
        doctor = doctors::Entity::find_by_id(id).one(db).await?;
        if doctor.is_none() {
            input.error("doctor", does_not_exist(&id.to_string()));
        }
    }
    let (patient, doctor) = input.finish_with(|| Some((patient?, doctor?)))?;
    let exists = Entity::find()
        .filter(Column::PatientId.eq(patient.id))
        .filter(Column::DoctorId.eq(doctor.id))
        .one(db)
        .await?;
    if exists.is_some() {
        return Err(ModelError::invalid("non_field_errors", DUPLICATE));
    }

    let txn = db.begin().await?;
    if is_primary {
        demote_primary(&txn, patient.id).await?;
    }
    let mapping = match new_row(patient.id, doctor.id, is_primary, notes)
        .insert(&txn)
        .await
    {
        Ok(mapping) => mapping,
        Err(err)
            if matches!(
                err.sql_err(),
                Some(SqlErr::ForeignKeyConstraintViolation(_))
            ) =>
        {
            txn.rollback().await?;
            return Err(vanished(db, patient.id, doctor.id).await);
        }
        Err(err) => return Err(unique_error(err)),
    };
    txn.commit().await?;
    Ok(MappingDetail {
        mapping,
        patient,
        doctor,
    })
}

/// The patient or the doctor was deleted between its lookup and the insert
/// (a doctor's delete waits for no one): the same 400 as if it had been gone
/// before.
async fn vanished<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    patient_id: i32,
    doctor_id: i32,
) -> ModelError {
    match doctors::Entity::find_by_id(doctor_id).one(db).await {
        Ok(Some(_)) => ModelError::invalid("patient", does_not_exist(&patient_id.to_string())),
        Ok(None) => ModelError::invalid("doctor", does_not_exist(&doctor_id.to_string())),
        Err(err) => err.into(),
    }
}

/// A new assignment, not yet inserted (`create`, and batched demo data:
/// at most one primary per patient is the caller's to ensure).
#[must_use]
pub fn new_row(patient_id: i32, doctor_id: i32, is_primary: bool, notes: String) -> ActiveModel {
    let timestamp = now();
    ActiveModel {
        patient_id: Set(patient_id),
        doctor_id: Set(doctor_id),
        is_primary: Set(is_primary),
        notes: Set(notes),
        version: Set(1),
        assigned_at: Set(timestamp),
        updated_at: Set(timestamp),
        ..Default::default()
    }
}

/// `PATCH /api/mappings/detail/<id>/`: `is_primary` and `notes` only.
///
/// # Errors
/// 404 when not the caller's; 400 naming an invalid field.
pub async fn update<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    caller: &Caller,
    id: i32,
    body: &Value,
) -> ModelResult<MappingDetail> {
    let detail = find(db, caller, id).await?;
    let mut input = Input::new(body, Mode::Partial)?;
    let MappingPatch { is_primary, notes } = MappingPatch::read(&mut input);
    input.finish()?;

    let txn = db.begin().await?;
    let patient_id = detail.mapping.patient_id;
    let version = detail.mapping.version;
    let mut row = detail.mapping.into_active_model();
    if let Some(primary) = is_primary {
        if primary {
            demote_primary(&txn, patient_id).await?;
        }
        row.is_primary = Set(primary);
    }
    if let Some(notes) = notes {
        row.notes = Set(notes);
    }
    row.version = Set(version + 1);
    row.updated_at = Set(now());
    // The demotion above may have bumped this row's version; write ours on top.
    let mapping = row.update(&txn).await.map_err(unique_error)?;
    txn.commit().await?;
    Ok(MappingDetail {
        mapping,
        patient: detail.patient,
        doctor: detail.doctor,
    })
}

/// # Errors
/// 404 when not the caller's.
pub async fn delete<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    caller: &Caller,
    id: i32,
) -> ModelResult<()> {
    let detail = find(db, caller, id).await?;
    detail.mapping.delete(db).await?;
    Ok(())
}

impl sea_orm::ActiveModelBehavior for ActiveModel {}
