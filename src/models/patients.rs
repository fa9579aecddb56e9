//! Patients: owned by the user who created them and visible to no one else.
//! Someone else's patient is answered exactly like a missing one (404).
use chrono::{Datelike, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, ModelTrait, QueryFilter,
};
use serde_json::Value;

pub use super::_entities::patients::{ActiveModel, Column, Entity, Model};
use super::{
    caller::Caller,
    fields::{Input, Mode, Text},
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

/// The writable fields of a patient body; `None` means "not given".
#[derive(Debug, Default)]
pub struct PatientInput {
    first_name: Option<String>,
    last_name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    date_of_birth: Option<NaiveDate>,
    gender: Option<Gender>,
    blood_group: Option<KnownBloodGroup>,
    allergies: Option<String>,
    medical_history: Option<String>,
    current_medications: Option<String>,
    emergency_contact_name: Option<String>,
    emergency_contact_phone: Option<String>,
    address: Option<String>,
    city: Option<String>,
    state: Option<String>,
    country: Option<String>,
}

impl PatientInput {
    /// # Errors
    /// 400 naming every invalid field.
    pub fn parse(body: &Value, mode: Mode, today: NaiveDate) -> ModelResult<Self> {
        let mut input = Input::new(body, mode)?;
        let optional = Text::optional;
        let parsed = Self {
            first_name: input.text("first_name", Text::required(100)),
            last_name: input.text("last_name", Text::required(100)),
            email: input.email("email", optional(254)),
            phone: input.text("phone", optional(20)),
            date_of_birth: input.date("date_of_birth", true),
            gender: input.choice("gender", Text::required(1)),
            blood_group: input.choice("blood_group", optional(3)),
            allergies: input.text("allergies", optional(LONG_TEXT)),
            medical_history: input.text("medical_history", optional(LONG_TEXT)),
            current_medications: input.text("current_medications", optional(LONG_TEXT)),
            emergency_contact_name: input.text("emergency_contact_name", optional(200)),
            emergency_contact_phone: input.text("emergency_contact_phone", optional(20)),
            address: input.text("address", optional(500)),
            city: input.text("city", optional(100)),
            state: input.text("state", optional(100)),
            country: input.text("country", optional(100)),
        };
        if let Some(born) = parsed.date_of_birth {
            if born > today {
                input.error("date_of_birth", "Date of birth cannot be in the future.");
            } else if born < earliest_birth_date() {
                input.error(
                    "date_of_birth",
                    "Date of birth cannot be before 1900-01-01.",
                );
            }
        }
        input.finish()?;
        Ok(parsed)
    }

    /// Writes the given fields over `row`, refreshing the derived search text.
    fn apply(self, row: &mut ActiveModel) {
        macro_rules! set {
            ($($field:ident),*) => { $( if let Some(value) = self.$field { row.$field = Set(value); } )* };
        }
        set!(
            first_name,
            last_name,
            email,
            phone,
            date_of_birth,
            gender,
            blood_group,
            allergies,
            medical_history,
            current_medications,
            emergency_contact_name,
            emergency_contact_phone,
            address,
            city,
            state,
            country
        );
        let text =
            |value: &sea_orm::ActiveValue<String>| value.try_as_ref().cloned().unwrap_or_default();
        let full_name = format!("{} {}", text(&row.first_name), text(&row.last_name));
        row.search_text = Set(listing::search_text(&[&full_name, &text(&row.email)]));
    }
}

fn earliest_birth_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or_default()
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
pub async fn find(db: &DatabaseConnection, caller: &Caller, id: i32) -> ModelResult<Model> {
    Entity::find_by_id(id)
        .filter(caller.owned(Column::OwnerId))
        .one(db)
        .await?
        .ok_or(ModelError::NotFound)
}

/// # Errors
/// 400 naming every invalid field.
pub async fn create(db: &DatabaseConnection, caller: &Caller, body: &Value) -> ModelResult<Model> {
    create_for(db, caller.id(), body).await
}

/// A new patient owned by `owner_id` (the admin console picks the owner).
///
/// # Errors
/// 400 naming every invalid field.
pub async fn create_for(
    db: &DatabaseConnection,
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
    let input = PatientInput::parse(body, Mode::Full, today())?;
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
pub async fn update(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
    body: &Value,
    mode: Mode,
) -> ModelResult<Model> {
    let existing = find(db, caller, id).await?;
    let input = PatientInput::parse(body, mode, today())?;
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
pub async fn delete(db: &DatabaseConnection, caller: &Caller, id: i32) -> ModelResult<()> {
    let existing = find(db, caller, id).await?;
    existing.delete(db).await?;
    Ok(())
}

impl sea_orm::ActiveModelBehavior for ActiveModel {}
