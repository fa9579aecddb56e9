//! The four record types of the console and what each screen needs of them:
//! form fields, list columns and filters, and the model calls (the API's own
//! functions, run with a staff [`Caller`] that sees every record).
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::Value;

use super::shown::{show_doctor, show_mapping, show_patient, show_user, Shown};
use crate::{
    domain::{Gender, Specialization},
    models::error::{ModelError, ModelResult},
    models::{
        caller::Caller, doctors, fields::Mode, listing::QueryParams, mappings, patients, staff,
        users,
    },
    views::{
        admin::{
            fields::{
                DOCTOR_FIELDS, MAPPING_EDIT_FIELDS, MAPPING_NEW_FIELDS, OWNER_FIELD,
                PASSWORD_FIELDS, PATIENT_FIELDS, USER_FIELDS,
            },
            forms::Field,
            tables::{self, col, Column, Row},
        },
        timestamp,
    },
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    Users,
    Patients,
    Doctors,
    Mappings,
}

fn flag(value: bool) -> String {
    if value { "yes" } else { "no" }.to_string()
}

impl Resource {
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "users" => Some(Self::Users),
            "patients" => Some(Self::Patients),
            "doctors" => Some(Self::Doctors),
            "mappings" => Some(Self::Mappings),
            _ => None,
        }
    }

    #[must_use]
    pub const fn path(self) -> &'static str {
        match self {
            Self::Users => "users",
            Self::Patients => "patients",
            Self::Doctors => "doctors",
            Self::Mappings => "mappings",
        }
    }

    #[must_use]
    pub const fn names(self) -> (&'static str, &'static str) {
        match self {
            Self::Users => ("user", "users"),
            Self::Patients => ("patient", "patients"),
            Self::Doctors => ("doctor", "doctors"),
            Self::Mappings => ("mapping", "mappings"),
        }
    }

    /// The form's fields: for a new record (`creating`) or an existing one.
    #[must_use]
    pub fn fields(self, creating: bool) -> Vec<Field> {
        match (self, creating) {
            (Self::Users, true) => {
                let mut fields = USER_FIELDS[..2].to_vec();
                fields.extend(PASSWORD_FIELDS);
                fields.extend_from_slice(&USER_FIELDS[2..]);
                fields
            }
            (Self::Users, false) => USER_FIELDS.to_vec(),
            (Self::Patients, true) => {
                let mut fields = vec![OWNER_FIELD];
                fields.extend(PATIENT_FIELDS);
                fields
            }
            (Self::Patients, false) => PATIENT_FIELDS.to_vec(),
            (Self::Doctors, _) => DOCTOR_FIELDS.to_vec(),
            (Self::Mappings, true) => MAPPING_NEW_FIELDS.to_vec(),
            (Self::Mappings, false) => MAPPING_EDIT_FIELDS.to_vec(),
        }
    }

    #[must_use]
    pub fn password_fields() -> Vec<Field> {
        PASSWORD_FIELDS.to_vec()
    }

    /// The list page's context (columns, filters, rows, paging links).
    ///
    /// # Errors
    /// 400 for a bad query parameter (the API's messages).
    pub async fn list(
        self,
        db: &DatabaseConnection,
        caller: &Caller,
        params: &QueryParams,
    ) -> ModelResult<Value> {
        let (singular, plural) = self.names();
        let base = format!("/admin/{}/", self.path());
        macro_rules! page {
            ($page:expr, $columns:expr, $filters:expr, $row:expr) => {{
                let columns: &[Column] = $columns;
                Ok(tables::context(tables::ListPage {
                    base: &base,
                    singular,
                    plural,
                    params,
                    columns,
                    filters: $filters,
                    page: $page,
                    row: $row,
                }))
            }};
        }
        match self {
            Self::Users => page!(
                staff::list(db, params).await?,
                &[
                    col("E-mail", Some("email")),
                    col("Name", Some("name")),
                    col("Active", None),
                    col("Staff", None),
                    col("Superuser", None),
                    col("Last login", Some("last_login"))
                ],
                vec![
                    tables::yes_no("is_active", "Active"),
                    tables::yes_no("is_staff", "Staff"),
                    tables::yes_no("is_superuser", "Superuser")
                ],
                |u: &users::Model| Row {
                    url: format!("/admin/users/{}/", u.id),
                    cells: vec![
                        u.email.clone(),
                        u.name.clone(),
                        flag(u.is_active),
                        flag(u.is_staff),
                        flag(u.is_superuser),
                        u.last_login.as_ref().map(timestamp).unwrap_or_default()
                    ],
                }
            ),
            Self::Patients => page!(
                patients::list(db, caller, params).await?,
                &[
                    col("Name", Some("last_name")),
                    col("First name", Some("first_name")),
                    col("Date of birth", Some("date_of_birth")),
                    col("Gender", None),
                    col("Owner", None),
                    col("Created", Some("created_at"))
                ],
                vec![tables::choices("gender", "Gender", Gender::VALUES)],
                |p: &patients::Model| Row {
                    url: format!("/admin/patients/{}/", p.id),
                    cells: vec![
                        p.full_name(),
                        p.first_name.clone(),
                        p.date_of_birth.to_string(),
                        p.gender.to_string(),
                        p.owner_id.to_string(),
                        timestamp(&p.created_at)
                    ],
                }
            ),
            Self::Doctors => page!(
                doctors::list(db, params).await?,
                &[
                    col("Name", Some("last_name")),
                    col("Specialization", None),
                    col("E-mail", None),
                    col("Hospital", None),
                    col("Available", None),
                    col("Experience", Some("years_of_experience"))
                ],
                vec![
                    tables::choices("specialization", "Specialization", Specialization::VALUES),
                    tables::yes_no("is_available", "Available"),
                    tables::text("city", "City"),
                ],
                |d: &doctors::Model| Row {
                    url: format!("/admin/doctors/{}/", d.id),
                    cells: vec![
                        d.display_name(),
                        d.specialization.to_string(),
                        d.email.clone(),
                        d.hospital_name.clone(),
                        flag(d.is_available),
                        d.years_of_experience.to_string()
                    ],
                }
            ),
            Self::Mappings => page!(
                mappings::list(db, caller, params).await?,
                &[
                    col("Id", Some("id")),
                    col("Patient", None),
                    col("Doctor", None),
                    col("Primary", None),
                    col("Assigned", Some("assigned_at"))
                ],
                vec![
                    tables::text("patient_id", "Patient id"),
                    tables::text("doctor_id", "Doctor id"),
                    tables::yes_no("is_primary", "Primary"),
                ],
                |m: &mappings::MappingDetail| Row {
                    url: format!("/admin/mappings/{}/", m.mapping.id),
                    cells: vec![
                        m.mapping.id.to_string(),
                        m.patient.full_name(),
                        m.doctor.display_name(),
                        flag(m.mapping.is_primary),
                        timestamp(&m.mapping.assigned_at)
                    ],
                }
            ),
        }
    }

    /// # Errors
    /// 404 when there is no such record.
    pub async fn find(
        self,
        db: &DatabaseConnection,
        caller: &Caller,
        id: i32,
    ) -> ModelResult<Shown> {
        Ok(match self {
            Self::Users => {
                let user = staff::find(db, id).await?;
                Shown {
                    locked: !staff::may_manage(&caller.user, &user),
                    ..show_user(&user)
                }
            }
            Self::Patients => show_patient(patients::find(db, caller, id).await?),
            Self::Doctors => show_doctor(doctors::find(db, id).await?),
            Self::Mappings => show_mapping(mappings::find(db, caller, id).await?),
        })
    }

    /// # Errors
    /// 400 naming each invalid field (the API's rules).
    pub async fn create(
        self,
        db: &DatabaseConnection,
        caller: &Caller,
        body: &Value,
    ) -> ModelResult<Shown> {
        Ok(match self {
            Self::Users => show_user(&staff::create(db, &caller.user, body).await?),
            Self::Patients => {
                let owner = owner_of(db, body).await?;
                show_patient(patients::create_for(db, owner, body).await?)
            }
            Self::Doctors => show_doctor(doctors::create(db, caller, body).await?),
            Self::Mappings => show_mapping(mappings::create(db, caller, body).await?),
        })
    }

    /// # Errors
    /// 404 when missing; 400 naming each invalid field.
    pub async fn update(
        self,
        db: &DatabaseConnection,
        caller: &Caller,
        id: i32,
        body: &Value,
    ) -> ModelResult<Shown> {
        Ok(match self {
            Self::Users => show_user(&staff::update(db, &caller.user, id, body).await?),
            Self::Patients => {
                show_patient(patients::update(db, caller, id, body, Mode::Full).await?)
            }
            Self::Doctors => show_doctor(doctors::update(db, caller, id, body, Mode::Full).await?),
            Self::Mappings => show_mapping(mappings::update(db, caller, id, body).await?),
        })
    }

    /// What deleting the record also removes, for the confirmation page.
    ///
    /// # Errors
    /// Database errors.
    pub async fn cascade(self, db: &DatabaseConnection, id: i32) -> ModelResult<Vec<String>> {
        let mappings_where = |column: mappings::Column| async move {
            mappings::Entity::find()
                .filter(column.eq(id))
                .count(db)
                .await
        };
        Ok(match self {
            Self::Users => staff::cascade(db, &staff::find(db, id).await?).await?,
            Self::Patients => vec![format!(
                "{} assignment(s) of this patient to doctors",
                mappings_where(mappings::Column::PatientId).await?
            )],
            Self::Doctors => vec![format!(
                "{} assignment(s) of patients to this doctor",
                mappings_where(mappings::Column::DoctorId).await?
            )],
            Self::Mappings => vec!["nothing else: the patient and the doctor stay".to_string()],
        })
    }

    /// # Errors
    /// 404 when missing; 400 when an operator deletes themselves.
    pub async fn delete(
        self,
        db: &DatabaseConnection,
        caller: &Caller,
        id: i32,
    ) -> ModelResult<()> {
        match self {
            Self::Users => staff::delete(db, &caller.user, id).await.map(|_| ()),
            Self::Patients => patients::delete(db, caller, id).await,
            Self::Doctors => doctors::delete(db, caller, id).await,
            Self::Mappings => mappings::delete(db, caller, id).await,
        }
    }
}

/// The owner a new patient is created for: an existing user's id.
async fn owner_of(db: &DatabaseConnection, body: &Value) -> ModelResult<i32> {
    let raw = body
        .get("owner")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let Ok(id) = raw.trim().parse::<i32>() else {
        return Err(ModelError::invalid(
            "owner",
            crate::models::fields::REQUIRED,
        ));
    };
    match users::Entity::find_by_id(id).one(db).await? {
        Some(_) => Ok(id),
        None => Err(ModelError::invalid(
            "owner",
            format!("Invalid pk \"{id}\" - object does not exist."),
        )),
    }
}

/// Every record type, in the console's order.
#[must_use]
pub fn all() -> [Resource; 4] {
    [
        Resource::Users,
        Resource::Patients,
        Resource::Doctors,
        Resource::Mappings,
    ]
}
