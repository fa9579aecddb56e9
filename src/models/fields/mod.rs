//! Reading a JSON request body field by field, the way a DRF serializer does:
//! every bad field gets its own message, all of them in one 400, and the
//! messages are DRF's own so a client written against the seed sees the same.
//!
//! The models declare their rules with these readers; the handlers only hand
//! over the parsed body.
use std::str::FromStr;

use chrono::NaiveDate;
use serde_json::{Map, Value};
use validator::ValidateEmail;

use crate::models::error::{FieldErrors, ModelError, ModelResult};

mod cents;
mod spec;
pub use crate::domain::ChoiceField;
pub use cents::format_cents;
pub(crate) use spec::write_body;
pub use spec::{FieldSpec, Rule};

pub const REQUIRED: &str = "This field is required.";
pub const NOT_NULL: &str = "This field may not be null.";
pub const NOT_BLANK: &str = "This field may not be blank.";
/// DRF's `ProhibitNullCharactersValidator`: PostgreSQL cannot store NUL in
/// text, so it is refused as input rather than failing in the database.
pub const NO_NUL: &str = "Null characters are not allowed.";

/// Create (every required field present) or partial update (any subset).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Full,
    Partial,
}

/// A text field's rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Text {
    pub required: bool,
    pub max_len: usize,
}

impl Text {
    #[must_use]
    pub const fn required(max_len: usize) -> Self {
        Self {
            required: true,
            max_len,
        }
    }

    #[must_use]
    pub const fn optional(max_len: usize) -> Self {
        Self {
            required: false,
            max_len,
        }
    }
}

pub struct Input<'a> {
    body: &'a Map<String, Value>,
    mode: Mode,
    errors: FieldErrors,
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "str",
        Value::Array(_) => "list",
        Value::Object(_) => "dict",
    }
}

impl<'a> Input<'a> {
    /// # Errors
    /// 400 under `non_field_errors` when the body is not a JSON object.
    pub fn new(body: &'a Value, mode: Mode) -> ModelResult<Self> {
        match body {
            Value::Object(map) => Ok(Self {
                body: map,
                mode,
                errors: FieldErrors::new(),
            }),
            other => Err(ModelError::invalid(
                "non_field_errors",
                format!(
                    "Invalid data. Expected a dictionary, but got {}.",
                    type_name(other)
                ),
            )),
        }
    }

    pub fn error(&mut self, field: &str, message: impl Into<String>) {
        self.errors.add(field, message);
    }

    /// # Errors
    /// Every message recorded while reading.
    pub fn finish(self) -> ModelResult<()> {
        self.errors.into_result()
    }

    /// Finishes reading and hands back the values of the required fields.
    /// A required reader that returned `None` recorded an error, so `values`
    /// yields `Some` whenever nothing was recorded.
    ///
    /// # Errors
    /// Every message recorded while reading.
    pub fn finish_with<T>(self, values: impl FnOnce() -> Option<T>) -> ModelResult<T> {
        self.errors.into_result()?;
        values().ok_or(ModelError::Fault(
            "a required field read no value and no error",
        ))
    }

    /// The raw value, or `None` when absent. Records "required" when a
    /// required field is missing from a full (non-partial) body.
    fn raw(&mut self, field: &str, required: bool) -> Option<&'a Value> {
        let value = self.body.get(field);
        if value.is_none() && required && self.mode == Mode::Full {
            self.errors.add(field, REQUIRED);
        }
        value
    }

    /// A string, trimmed. Optional text accepts `null` and `""` as blank.
    pub fn text(&mut self, field: &str, rule: Text) -> Option<String> {
        let value = self.raw(field, rule.required)?;
        let text = match value {
            Value::String(s) => s.trim().to_string(),
            Value::Null if !rule.required => String::new(),
            Value::Null => {
                self.errors.add(field, NOT_NULL);
                return None;
            }
            _ => {
                self.errors.add(field, "Not a valid string.");
                return None;
            }
        };
        if text.contains('\0') {
            self.errors.add(field, NO_NUL);
            return None;
        }
        if rule.required && text.is_empty() {
            self.errors.add(field, NOT_BLANK);
            return None;
        }
        if text.chars().count() > rule.max_len {
            self.errors.add(
                field,
                format!(
                    "Ensure this field has no more than {} characters.",
                    rule.max_len
                ),
            );
            return None;
        }
        Some(text)
    }

    /// A required password: taken exactly as typed (never trimmed), bounded so
    /// that hashing cost stays bounded.
    pub fn password(&mut self, field: &str) -> Option<String> {
        const MAX_LEN: usize = 4096;
        match self.raw(field, true)? {
            Value::String(s) if s.is_empty() => {
                self.errors.add(field, NOT_BLANK);
                None
            }
            Value::String(s) if s.chars().count() > MAX_LEN => {
                self.errors.add(
                    field,
                    format!("Ensure this field has no more than {MAX_LEN} characters."),
                );
                None
            }
            Value::String(s) => Some(s.clone()),
            Value::Null => {
                self.errors.add(field, NOT_NULL);
                None
            }
            _ => {
                self.errors.add(field, "Not a valid string.");
                None
            }
        }
    }

    /// One of the values of `T`. Blank passes an optional field only where
    /// `T` reads blank as a value of its own (as `KnownBloodGroup` does).
    pub fn choice<T: FromStr>(&mut self, field: &str, rule: Text) -> Option<T> {
        let text = self.text(field, rule)?;
        if let Ok(choice) = text.parse() {
            Some(choice)
        } else {
            self.errors
                .add(field, format!("\"{text}\" is not a valid choice."));
            None
        }
    }

    /// A valid e-mail address (or blank, when optional).
    pub fn email(&mut self, field: &str, rule: Text) -> Option<String> {
        let text = self.text(field, rule)?;
        if text.is_empty() || text.validate_email() {
            Some(text)
        } else {
            self.errors.add(field, "Enter a valid email address.");
            None
        }
    }

    /// An ISO-8601 calendar date, `YYYY-MM-DD`.
    pub fn date(&mut self, field: &str, required: bool) -> Option<NaiveDate> {
        const WRONG: &str = "Date has wrong format. Use one of these formats instead: YYYY-MM-DD.";
        let value = self.raw(field, required)?;
        match value {
            Value::String(s) => {
                let s = s.trim();
                // chrono accepts a few lenient forms (e.g. "+2020-1-1"); the
                // contract's format is exactly YYYY-MM-DD.
                let well_formed =
                    s.len() == 10 && s.as_bytes()[4] == b'-' && s.as_bytes()[7] == b'-';
                match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
                    Ok(date) if well_formed => Some(date),
                    _ => {
                        self.errors.add(field, WRONG);
                        None
                    }
                }
            }
            Value::Null => {
                self.errors.add(field, NOT_NULL);
                None
            }
            _ => {
                self.errors.add(field, WRONG);
                None
            }
        }
    }

    /// A date of birth: a date, not before 1900-01-01 and not after today.
    pub fn date_of_birth(&mut self, field: &str) -> Option<NaiveDate> {
        let born = self.date(field, true)?;
        let earliest = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or_default();
        if born > chrono::Utc::now().date_naive() {
            self.errors
                .add(field, "Date of birth cannot be in the future.");
            None
        } else if born < earliest {
            self.errors
                .add(field, "Date of birth cannot be before 1900-01-01.");
            None
        } else {
            Some(born)
        }
    }

    /// Years of experience: a whole number from 0 to 80.
    pub fn years_of_experience(&mut self, field: &str) -> Option<i32> {
        self.integer(field, false, 0, 80)
            .and_then(|years| i32::try_from(years).ok())
    }

    /// A JSON boolean.
    pub fn boolean(&mut self, field: &str, required: bool) -> Option<bool> {
        match self.raw(field, required)? {
            Value::Bool(b) => Some(*b),
            Value::Null => {
                self.errors.add(field, NOT_NULL);
                None
            }
            _ => {
                self.errors.add(field, "Must be a valid boolean.");
                None
            }
        }
    }

    /// An integer in `min..=max`. A string of digits is accepted as DRF does.
    pub fn integer(&mut self, field: &str, required: bool, min: i64, max: i64) -> Option<i64> {
        const WRONG: &str = "A valid integer is required.";
        let value = self.raw(field, required)?;
        let parsed = match value {
            Value::Number(n) => n.as_i64().or_else(|| {
                n.as_f64()
                    .filter(|f| f.fract() == 0.0 && f.abs() < 1e15)
                    .map(|f| f as i64)
            }),
            Value::String(s) => s.trim().parse::<i64>().ok(),
            Value::Null => {
                self.errors.add(field, NOT_NULL);
                return None;
            }
            _ => None,
        };
        let Some(number) = parsed else {
            self.errors.add(field, WRONG);
            return None;
        };
        if number < min {
            self.errors.add(
                field,
                format!("Ensure this value is greater than or equal to {min}."),
            );
            None
        } else if number > max {
            self.errors.add(
                field,
                format!("Ensure this value is less than or equal to {max}."),
            );
            None
        } else {
            Some(number)
        }
    }

    /// A primary key given as a JSON integer (or a string of digits).
    pub fn primary_key(&mut self, field: &str, required: bool) -> Option<i32> {
        let value = self.raw(field, required)?;
        let parsed = match value {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.trim().parse::<i64>().ok(),
            Value::Null => {
                self.errors.add(field, NOT_NULL);
                return None;
            }
            _ => None,
        };
        match parsed.map(i32::try_from) {
            Some(Ok(id)) if id > 0 => Some(id),
            Some(_) => {
                self.errors.add(field, does_not_exist(&value_text(value)));
                None
            }
            None => {
                self.errors.add(
                    field,
                    format!(
                        "Incorrect type. Expected pk value, received {}.",
                        type_name(value)
                    ),
                );
                None
            }
        }
    }
}

fn value_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// DRF's message for a related object that does not exist (or is not yours).
#[must_use]
pub fn does_not_exist(pk: &str) -> String {
    format!("Invalid pk \"{pk}\" - object does not exist.")
}
