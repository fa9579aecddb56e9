//! The doctor directory: every authenticated user reads it and may add to
//! it; only a record's creator may change or delete it (403 for others).
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, IntoActiveModel, JoinType, ModelTrait, PaginatorTrait, QueryFilter, QuerySelect,
    RelationTrait, SqliteTransactionMode, TransactionOptions, TransactionSession, TransactionTrait,
};
use serde_json::Value;

pub use super::_entities::doctors::{ActiveModel, Column, Entity, Model};
use super::{
    caller::Caller,
    fields::{write_body, Input, Mode},
    listing::{self, fold, Page, PageRequest, QueryParams},
    mappings, now, patients,
};
use crate::{
    domain::Specialization,
    models::error::{self, violated_unique_key, FieldErrors, ModelError, ModelResult},
};

pub const ORDERING: [(&str, Column); 7] = [
    ("id", Column::Id),
    ("first_name", Column::FirstName),
    ("last_name", Column::LastName),
    ("years_of_experience", Column::YearsOfExperience),
    ("consultation_fee", Column::ConsultationFeeCents),
    ("created_at", Column::CreatedAt),
    ("updated_at", Column::UpdatedAt),
];

const EMAIL_TAKEN: &str = "doctor with this email already exists.";
const LICENSE_TAKEN: &str = "doctor with this license number already exists.";

write_body! {
    /// The writable fields of a doctor body, each defined once: the API's
    /// reader, its OpenAPI schema and the console's form all read this.
    pub struct DoctorInput writes ActiveModel {
        first_name: text(required, 100) => "First name";
        last_name: text(required, 100) => "Last name";
        email: email(required, 254) => "E-mail";
        phone: text(optional, 20) => "Phone";
        specialization: choice(Specialization, required, 30) => "Specialization";
        license_number: text(required, 50) => "Licence number";
        years_of_experience: years_of_experience() => "Years of experience";
        qualification: text(optional, 200) => "Qualification";
        bio: long_text(optional, 10_000) => "Bio";
        consultation_fee as consultation_fee_cents: fee() => "Consultation fee";
        is_available: boolean(optional) => "Available";
        hospital_name: text(optional, 200) => "Hospital";
        city: text(optional, 100) => "City";
        state: text(optional, 100) => "State";
        country: text(optional, 100) => "Country";
    }
}

impl DoctorInput {
    /// # Errors
    /// 400 naming every invalid field.
    pub fn parse(body: &Value, mode: Mode) -> ModelResult<Self> {
        let mut input = Input::new(body, mode)?;
        let mut parsed = Self::read(&mut input);
        input.finish()?;
        // Stored lower-cased so that uniqueness is case-insensitive.
        parsed.email = parsed.email.map(|email| email.to_lowercase());
        Ok(parsed)
    }

    fn apply(self, row: &mut ActiveModel) {
        self.set_fields(row);
        let text =
            |value: &sea_orm::ActiveValue<String>| value.try_as_ref().cloned().unwrap_or_default();
        let full_name = format!("{} {}", text(&row.first_name), text(&row.last_name));
        row.search_text = Set(listing::search_text(&[
            &full_name,
            &text(&row.hospital_name),
        ]));
        row.city_key = Set(fold(&text(&row.city)));
    }
}

impl Model {
    #[must_use]
    pub fn display_name(&self) -> String {
        format!("Dr. {} {}", self.first_name, self.last_name)
    }
}

/// Checks the unique fields before writing, so that both clashes are named
/// at once; the database's unique indexes still decide under a race.
async fn check_unique<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    email: Option<&str>,
    license: Option<&str>,
    except: Option<i32>,
) -> ModelResult<()> {
    let mut errors = FieldErrors::new();
    for (value, column, field, message) in [
        (email, Column::Email, "email", EMAIL_TAKEN),
        (
            license,
            Column::LicenseNumber,
            "license_number",
            LICENSE_TAKEN,
        ),
    ] {
        let Some(value) = value else { continue };
        let mut query = Entity::find().filter(column.eq(value));
        if let Some(id) = except {
            query = query.filter(Column::Id.ne(id));
        }
        if query.one(db).await?.is_some() {
            errors.add(field, message);
        }
    }
    errors.into_result()
}

/// A unique violation from a lost race, named by its field.
fn unique_error(err: DbErr) -> ModelError {
    match violated_unique_key(&err) {
        Some(error::DOCTORS_LICENSE_NUMBER) => ModelError::invalid("license_number", LICENSE_TAKEN),
        Some(error::DOCTORS_EMAIL) => ModelError::invalid("email", EMAIL_TAKEN),
        _ => err.into(),
    }
}

/// # Errors
/// 400 for a bad query parameter.
pub async fn list(db: &DatabaseConnection, params: &QueryParams) -> ModelResult<Page<Model>> {
    let mut errors = FieldErrors::new();
    let page = PageRequest::parse(params, &mut errors);
    let mut select = Entity::find();
    if let Some(term) = params.get_nonempty("search") {
        select = select.filter(listing::contains_folded(Column::SearchText, term));
    }
    if let Some(specialization) =
        params.choice("specialization", Specialization::VALUES, &mut errors)
    {
        select = select.filter(Column::Specialization.eq(specialization));
    }
    if let Some(available) = params.boolean("is_available", &mut errors) {
        select = select.filter(Column::IsAvailable.eq(available));
    }
    if let Some(city) = params.get_nonempty("city") {
        select = select.filter(Column::CityKey.eq(fold(city.trim())));
    }
    let select = listing::apply_ordering(select, params, &ORDERING, Column::Id, &mut errors);
    errors.into_result()?;
    listing::paginate(db, select, page).await
}

/// # Errors
/// 404 when there is no such doctor.
pub async fn find<C: ConnectionTrait + TransactionTrait>(db: &C, id: i32) -> ModelResult<Model> {
    Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(ModelError::NotFound)
}

/// A doctor the caller may change: 404 if missing, 403 if someone else's.
/// `lock` takes the row's write lock (PostgreSQL; inside a transaction).
async fn find_writable<C: ConnectionTrait>(
    db: &C,
    caller: &Caller,
    id: i32,
    lock: bool,
) -> ModelResult<Model> {
    let mut select = Entity::find_by_id(id);
    if lock {
        select = select.lock_exclusive();
    }
    let doctor = select.one(db).await?.ok_or(ModelError::NotFound)?;
    if caller.may_change(doctor.created_by) {
        Ok(doctor)
    } else {
        Err(ModelError::Forbidden(
            "Only the user who created this doctor record may change or delete it.".to_string(),
        ))
    }
}

/// # Errors
/// 400 naming every invalid or duplicate field.
pub async fn create<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    caller: &Caller,
    body: &Value,
) -> ModelResult<Model> {
    let input = DoctorInput::parse(body, Mode::Full)?;
    check_unique(
        db,
        input.email.as_deref(),
        input.license_number.as_deref(),
        None,
    )
    .await?;
    row_from(Some(caller.id()), input)
        .insert(db)
        .await
        .map_err(unique_error)
}

/// A new doctor from a create body, validated and with its derived columns,
/// not yet inserted; uniqueness is left to the database's constraints
/// (batched demo data).
///
/// # Errors
/// 400 naming every invalid field.
pub fn new_row(created_by: Option<i32>, body: &Value) -> ModelResult<ActiveModel> {
    Ok(row_from(created_by, DoctorInput::parse(body, Mode::Full)?))
}

fn row_from(created_by: Option<i32>, input: DoctorInput) -> ActiveModel {
    let timestamp = now();
    let mut row = ActiveModel {
        created_by: Set(created_by),
        phone: Set(String::new()),
        years_of_experience: Set(0),
        qualification: Set(String::new()),
        bio: Set(String::new()),
        consultation_fee_cents: Set(0),
        is_available: Set(true),
        hospital_name: Set(String::new()),
        city: Set(String::new()),
        state: Set(String::new()),
        country: Set(String::new()),
        version: Set(1),
        created_at: Set(timestamp),
        updated_at: Set(timestamp),
        ..Default::default()
    };
    input.apply(&mut row);
    row
}

/// # Errors
/// 404 if missing, 403 if not the caller's, 400 naming every invalid field.
pub async fn update<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    caller: &Caller,
    id: i32,
    body: &Value,
    mode: Mode,
) -> ModelResult<Model> {
    let existing = find_writable(db, caller, id, false).await?;
    let input = DoctorInput::parse(body, mode)?;
    check_unique(
        db,
        input.email.as_deref(),
        input.license_number.as_deref(),
        Some(id),
    )
    .await?;
    let version = existing.version;
    let mut row = existing.into_active_model();
    input.apply(&mut row);
    row.version = Set(version + 1);
    row.updated_at = Set(now());
    row.update(db).await.map_err(unique_error)
}

/// Deletes the doctor and, by cascade, its mappings. Through the API, the
/// creator may not delete a doctor assigned to other users' patients: the
/// cascade would remove their assignments without a word (409; they can set
/// `is_available=false` instead). Staff in the console may, after a
/// confirmation page that lists what goes.
///
/// The check and the delete run in one transaction that first takes the
/// doctor row's write lock, so an assignment cannot slip in between them: on
/// PostgreSQL `SELECT ... FOR UPDATE` (a new mapping's foreign key check
/// waits for it, then finds the doctor gone); on SQLite `BEGIN IMMEDIATE`
/// (the database's one write lock, so concurrent writers wait).
///
/// # Errors
/// 404 if missing, 403 if not the caller's, 409 if assigned to other users'
/// patients.
pub async fn delete<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    caller: &Caller,
    id: i32,
) -> ModelResult<()> {
    let txn = db
        .begin_with_options(TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..TransactionOptions::default()
        })
        .await?;
    let existing = find_writable(&txn, caller, id, true).await?;
    if !caller.in_console() {
        let others = mappings::Entity::find()
            .join(JoinType::InnerJoin, mappings::Relation::Patients.def())
            .filter(mappings::Column::DoctorId.eq(id))
            .filter(patients::Column::OwnerId.ne(caller.id()))
            .count(&txn)
            .await?;
        if others > 0 {
            return Err(ModelError::Conflict(assigned_elsewhere(others)));
        }
    }
    existing.delete(&txn).await?;
    txn.commit().await?;
    Ok(())
}

/// The 409's message: how many patients, and what to do instead.
fn assigned_elsewhere(patients: u64) -> String {
    let whose = if patients == 1 {
        "1 patient of another user".to_string()
    } else {
        format!("{patients} patients of other users")
    };
    format!(
        "This doctor is assigned to {whose}; deleting the record would remove those \
         assignments. Nothing was deleted. Set is_available=false instead to stop new \
         assignments."
    )
}

impl sea_orm::ActiveModelBehavior for ActiveModel {}
