//! What a model can refuse or fail with, in the model's own terms. The API
//! renders a `ModelError` through `ApiError: From<ModelError>`; the console and
//! the tasks read the same variants. Nothing here knows about HTTP.
use std::collections::BTreeMap;

use sea_orm::{DbErr, RuntimeErr};

/// Errors keyed by field name (`non_field_errors` for the request as a whole),
/// in the order DRF would list them.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct FieldErrors(BTreeMap<String, Vec<String>>);

impl FieldErrors {
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0
            .entry(field.to_string())
            .or_default()
            .push(message.into());
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    #[must_use]
    pub fn contains(&self, field: &str) -> bool {
        self.0.contains_key(field)
    }

    /// `Ok(())` when nothing was recorded.
    ///
    /// # Errors
    /// `ModelError::Invalid` carrying every recorded message.
    pub fn into_result(self) -> ModelResult<()> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(ModelError::Invalid(self))
        }
    }

    /// The messages recorded under `field` (none when it is valid).
    #[must_use]
    pub fn messages(&self, field: &str) -> &[String] {
        self.0.get(field).map_or(&[], Vec::as_slice)
    }

    /// Each field with its messages, fields in name order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.0
            .iter()
            .map(|(field, messages)| (field.as_str(), messages.as_slice()))
    }

    #[must_use]
    pub fn single(field: &str, message: impl Into<String>) -> Self {
        let mut errors = Self::new();
        errors.add(field, message);
        errors
    }
}

/// The `Display` texts are for operators (task output, logs): they never
/// quote a value, since a value may be patient data.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// No such record, or not the caller's: the same answer on purpose.
    #[error("not found")]
    NotFound,
    /// One or more fields (or the input as a whole) break a rule.
    #[error("invalid input")]
    Invalid(FieldErrors),
    /// The credentials or token presented prove nothing (bad, expired, revoked).
    #[error("not authenticated: {0}")]
    Unauthenticated(String),
    /// Authenticated, but not allowed to do this.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// The change clashes with a concurrent one; retrying may succeed.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The database is unreachable or went away mid-request.
    #[error("the database is unavailable")]
    Unavailable,
    /// A fault in our query or schema (never a client's doing).
    #[error("database error ({})", db_error_kind(.0))]
    Database(DbErr),
    /// A library we call failed in a way no input can cause (hashing,
    /// signing, building a statement).
    #[error("internal failure: {0}")]
    Fault(&'static str),
}

pub type ModelResult<T> = Result<T, ModelError>;

impl ModelError {
    #[must_use]
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::Invalid(FieldErrors::single(field, message))
    }
}

impl From<DbErr> for ModelError {
    fn from(err: DbErr) -> Self {
        if is_unavailable(&err) {
            Self::Unavailable
        } else {
            Self::Database(err)
        }
    }
}

impl From<tokio::task::JoinError> for ModelError {
    fn from(_: tokio::task::JoinError) -> Self {
        Self::Fault("a blocking task failed")
    }
}

/// Is this database error a lost or unreachable connection (503) rather than a
/// fault in our query (500)?
#[must_use]
pub fn is_unavailable(err: &DbErr) -> bool {
    match err {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Query(RuntimeErr::SqlxError(inner)) | DbErr::Exec(RuntimeErr::SqlxError(inner)) => {
            match inner.as_ref() {
                sqlx::Error::Io(_)
                | sqlx::Error::Tls(_)
                | sqlx::Error::Protocol(_)
                | sqlx::Error::PoolTimedOut
                | sqlx::Error::PoolClosed
                | sqlx::Error::WorkerCrashed => true,
                // SQLSTATE class 08 (connection exception) and 57P
                // (operator intervention: the server is shutting down).
                sqlx::Error::Database(db) => db
                    .code()
                    .is_some_and(|code| code.starts_with("08") || code.starts_with("57P")),
                _ => false,
            }
        }
        _ => false,
    }
}

/// A short name for the kind of a database error, safe to log: the error's
/// own text can quote the values of a row (patient data) and never is.
#[must_use]
pub fn db_error_kind(err: &DbErr) -> &'static str {
    match err.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => "unique_violation",
        Some(sea_orm::SqlErr::ForeignKeyConstraintViolation(_)) => "foreign_key_violation",
        _ => match err {
            DbErr::Query(_) => "query",
            DbErr::Exec(_) => "exec",
            DbErr::RecordNotFound(_) => "record_not_found",
            DbErr::RecordNotInserted | DbErr::RecordNotUpdated => "record_not_written",
            DbErr::Type(_) | DbErr::Json(_) => "decode",
            _ => "other",
        },
    }
}

/// A unique constraint of the schema, under the name each database reports
/// for it: PostgreSQL the constraint (index) name, SQLite, which names no
/// constraint, the `table.column` list it says failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UniqueKey {
    pub postgres: &'static str,
    pub sqlite: &'static str,
}

pub const USERS_EMAIL: UniqueKey = UniqueKey {
    postgres: "users_email_key",
    sqlite: "users.email",
};
pub const DOCTORS_EMAIL: UniqueKey = UniqueKey {
    postgres: "doctors_email_key",
    sqlite: "doctors.email",
};
pub const DOCTORS_LICENSE_NUMBER: UniqueKey = UniqueKey {
    postgres: "doctors_license_number_key",
    sqlite: "doctors.license_number",
};
pub const MAPPINGS_PATIENT_DOCTOR: UniqueKey = UniqueKey {
    postgres: "uq_mappings_patient_doctor",
    sqlite: "mappings.patient_id, mappings.doctor_id",
};
pub const MAPPINGS_ONE_PRIMARY: UniqueKey = UniqueKey {
    postgres: "uq_mappings_one_primary_per_patient",
    sqlite: "mappings.patient_id",
};
pub const BLACKLISTED_TOKEN: UniqueKey = UniqueKey {
    postgres: "blacklisted_tokens_token_id_key",
    sqlite: "blacklisted_tokens.token_id",
};

/// SQLite's extended result code for a unique (not primary key) violation.
const SQLITE_CONSTRAINT_UNIQUE: &str = "2067";
const SQLITE_UNIQUE_PREFIX: &str = "UNIQUE constraint failed: ";

/// The unique constraint `err` violates, if it is a unique violation of one
/// we know. The one place that reads a driver's constraint report.
#[must_use]
pub fn violated_unique_key(err: &DbErr) -> Option<UniqueKey> {
    let (DbErr::Query(RuntimeErr::SqlxError(inner)) | DbErr::Exec(RuntimeErr::SqlxError(inner))) =
        err
    else {
        return None;
    };
    let sqlx::Error::Database(db) = inner.as_ref() else {
        return None;
    };
    if !matches!(db.kind(), sqlx::error::ErrorKind::UniqueViolation) {
        return None;
    }
    if let Some(name) = db.constraint() {
        return KNOWN_KEYS.into_iter().find(|key| key.postgres == name);
    }
    // SQLite reports no constraint name; its message names the columns
    // instead, in the documented "UNIQUE constraint failed: t.a, t.b" form.
    if db.code().as_deref() != Some(SQLITE_CONSTRAINT_UNIQUE) {
        return None;
    }
    let columns = db.message().strip_prefix(SQLITE_UNIQUE_PREFIX)?;
    KNOWN_KEYS.into_iter().find(|key| key.sqlite == columns)
}

const KNOWN_KEYS: [UniqueKey; 6] = [
    USERS_EMAIL,
    DOCTORS_EMAIL,
    DOCTORS_LICENSE_NUMBER,
    MAPPINGS_PATIENT_DOCTOR,
    MAPPINGS_ONE_PRIMARY,
    BLACKLISTED_TOKEN,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_errors_serialize_as_a_map_of_lists() {
        let mut errors = FieldErrors::single("email", "one");
        errors.add("email", "two");
        errors.add("age", "three");
        assert_eq!(
            serde_json::to_value(&errors).unwrap_or_default(),
            serde_json::json!({"age": ["three"], "email": ["one", "two"]})
        );
    }

    #[test]
    fn a_database_error_that_is_no_unique_violation_names_no_key() {
        assert_eq!(
            violated_unique_key(&DbErr::Custom(
                "UNIQUE constraint failed: users.email".into()
            )),
            None
        );
    }
}
