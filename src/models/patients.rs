//! Patients: owned by the user who created them and visible to no one else.
//! Someone else's patient is answered exactly like a missing one (404).
use chrono::{Datelike, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, IntoActiveModel, ModelTrait, QueryFilter, TransactionTrait,
};
use serde_json::Value;

pub use super::_entities::patients::{ActiveModel, Column, Entity, Model};
use super::{
    caller::Caller,
    fields::{write_body, Input, Mode},
    listing::{self, Page, PageRequest, QueryParams},
    now,
};
use crate::{
    domain::{Gender, KnownBloodGroup},
    models::error::{FieldErrors, ModelError, ModelResult},
};

const LONG_TEXT: usize = 10_000;

/// Fields a list may be ordered by (`?ordering=-date_of_birth,last_name`).
pub const ORDERING: [(&str, Column); 6] = [
    ("id", Column::Id),
    ("first_name", Column::FirstName),
    ("last_name", Column::LastName),
    ("date_of_birth", Column::DateOfBirth),
    ("created_at", Column::CreatedAt),
    ("updated_at", Column::UpdatedAt),
];

write_body! {
    /// The writable fields of a patient body, each defined once: the API's
    /// reader, its OpenAPI schema and the console's form all read this.
    pub struct PatientInput writes ActiveModel {
        first_name: text(required, 100) => "First name";
        last_name: text(required, 100) => "Last name";
        email: email(optional, 254) => "E-mail";
        phone: text(optional, 20) => "Phone";
        date_of_birth: date_of_birth() => "Date of birth";
        gender: choice(Gender, required, 1) => "Gender";
        blood_group: choice(KnownBloodGroup, optional, 3) => "Blood group";
        allergies: long_text(optional, LONG_TEXT) => "Allergies";
        medical_history: long_text(optional, LONG_TEXT) => "Medical history";
        current_medications: long_text(optional, LONG_TEXT) => "Current medications";
        emergency_contact_name: text(optional, 200) => "Emergency contact";
        emergency_contact_phone: text(optional, 20) => "Emergency contact phone";
        address: text(optional, 500) => "Address";
        city: text(optional, 100) => "City";
        state: text(optional, 100) => "State";
        country: text(optional, 100) => "Country";
    }
}

impl PatientInput {
    /// # Errors
    /// 400 naming every invalid field.
    pub fn parse(body: &Value, mode: Mode) -> ModelResult<Self> {
        let mut input = Input::new(body, mode)?;
        let parsed = Self::read(&mut input);
        input.finish()?;
        Ok(parsed)
    }

    /// Writes the given fields over `row`, refreshing the derived search text.
    fn apply(self, row: &mut ActiveModel) {
        self.set_fields(row);
        let text =
            |value: &sea_orm::ActiveValue<String>| value.try_as_ref().cloned().unwrap_or_default();
        let full_name = format!("{} {}", text(&row.first_name), text(&row.last_name));
        row.search_text = Set(listing::search_text(&[&full_name, &text(&row.email)]));
    }
}

#[must_use]
pub fn today() -> NaiveDate {
    Utc::now().date_naive()
}

impl Model {
    #[must_use]
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }

    /// Age in whole years on `today`.
    #[must_use]
    pub fn age_on(&self, today: NaiveDate) -> i32 {
        let born = self.date_of_birth;
        let mut age = today.year() - born.year();
        if (today.month(), today.day()) < (born.month(), born.day()) {
            age -= 1;
        }
        age.max(0)
    }
}

/// `GET /api/patients/`: the caller's patients, filtered, ordered, paged.
///
/// # Errors
/// 400 for a bad query parameter.
pub async fn list(
    db: &DatabaseConnection,
    caller: &Caller,
    params: &QueryParams,
) -> ModelResult<Page<Model>> {
    let mut errors = FieldErrors::new();
    let page = PageRequest::parse(params, &mut errors);
    let mut select = Entity::find().filter(caller.owned(Column::OwnerId));
    if let Some(term) = params.get_nonempty("search") {
        select = select.filter(listing::contains_folded(Column::SearchText, term));
    }
    if let Some(gender) = params.choice("gender", Gender::VALUES, &mut errors) {
        select = select.filter(Column::Gender.eq(gender));
    }
    let select = listing::apply_ordering(select, params, &ORDERING, Column::Id, &mut errors);
    errors.into_result()?;
    listing::paginate(db, select, page).await
}

/// # Errors
/// 404 when the patient does not exist or is not the caller's.
pub async fn find<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    caller: &Caller,
    id: i32,
) -> ModelResult<Model> {
    Entity::find_by_id(id)
        .filter(caller.owned(Column::OwnerId))
        .one(db)
        .await?
        .ok_or(ModelError::NotFound)
}

/// # Errors
/// 400 naming every invalid field.
pub async fn create<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    caller: &Caller,
    body: &Value,
) -> ModelResult<Model> {
    create_for(db, caller.id(), body).await
}

/// A new patient owned by `owner_id` (the admin console picks the owner).
///
/// # Errors
/// 400 naming every invalid field.
pub async fn create_for<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    owner_id: i32,
    body: &Value,
) -> ModelResult<Model> {
    Ok(new_row(owner_id, body)?.insert(db).await?)
}

/// A new patient of `owner_id` from a create body, validated and with its
/// derived columns, not yet inserted (`create`, and batched demo data).
///
/// # Errors
/// 400 naming every invalid field.
pub fn new_row(owner_id: i32, body: &Value) -> ModelResult<ActiveModel> {
    let input = PatientInput::parse(body, Mode::Full)?;
    let timestamp = now();
    let mut row = ActiveModel {
        owner_id: Set(owner_id),
        email: Set(String::new()),
        phone: Set(String::new()),
        blood_group: Set(KnownBloodGroup::UNKNOWN),
        allergies: Set(String::new()),
        medical_history: Set(String::new()),
        current_medications: Set(String::new()),
        emergency_contact_name: Set(String::new()),
        emergency_contact_phone: Set(String::new()),
        address: Set(String::new()),
        city: Set(String::new()),
        state: Set(String::new()),
        country: Set(String::new()),
        version: Set(1),
        created_at: Set(timestamp),
        updated_at: Set(timestamp),
        ..Default::default()
    };
    input.apply(&mut row);
    Ok(row)
}

/// `PUT` (`Mode::Full`: every required field) or `PATCH` (`Mode::Partial`).
///
/// # Errors
/// 404 as in [`find`]; 400 naming every invalid field.
pub async fn update<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    caller: &Caller,
    id: i32,
    body: &Value,
    mode: Mode,
) -> ModelResult<Model> {
    let existing = find(db, caller, id).await?;
    let input = PatientInput::parse(body, mode)?;
    let version = existing.version;
    let mut row = existing.into_active_model();
    input.apply(&mut row);
    row.version = Set(version + 1);
    row.updated_at = Set(now());
    Ok(row.update(db).await?)
}

/// Deletes the patient and, by cascade, its mappings.
///
/// # Errors
/// 404 as in [`find`].
pub async fn delete<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    caller: &Caller,
    id: i32,
) -> ModelResult<()> {
    let existing = find(db, caller, id).await?;
    existing.delete(db).await?;
    Ok(())
}

impl sea_orm::ActiveModelBehavior for ActiveModel {}
