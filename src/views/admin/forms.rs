//! Record forms: what each field is, how a submitted form becomes the JSON
//! body the models validate (the API's own rules), and how values and errors
//! are shown beside their fields.
use serde::Serialize;
use serde_json::{Map, Value};

use crate::errors::FieldErrors;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    TextArea,
    Email,
    Date,
    /// Whole numbers and record ids: an empty box means "not given".
    Number,
    /// A decimal amount (`consultation_fee`): an empty box means "not given".
    Decimal,
    Password,
    Checkbox,
    Select(&'static [&'static str]),
}

#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    pub label: &'static str,
    pub kind: Kind,
    pub required: bool,
    pub help: Option<&'static str>,
}

impl Field {
    #[must_use]
    pub const fn new(name: &'static str, label: &'static str, kind: Kind, required: bool) -> Self {
        Self {
            name,
            label,
            kind,
            required,
            help: None,
        }
    }

    #[must_use]
    pub const fn help(mut self, help: &'static str) -> Self {
        self.help = Some(help);
        self
    }
}

/// The last value of `name` in a submitted form.
#[must_use]
pub fn value<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .rev()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

/// The JSON body the models read, from a submitted form. Only the form's
/// declared fields are taken (the CSRF token and anything else are not).
#[must_use]
pub fn to_json(fields: &[Field], pairs: &[(String, String)]) -> Value {
    let mut body = Map::new();
    for field in fields {
        let submitted = value(pairs, field.name);
        let json = match field.kind {
            Kind::Checkbox => Some(Value::Bool(submitted.is_some())),
            Kind::Number | Kind::Decimal | Kind::Date => submitted
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(|v| Value::String(v.to_string())),
            _ => submitted.map(|v| Value::String(v.to_string())),
        };
        if let Some(json) = json {
            body.insert(field.name.to_string(), json);
        }
    }
    Value::Object(body)
}

#[derive(Debug, Serialize)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

/// A field as the form template shows it.
#[derive(Debug, Serialize)]
pub struct FieldView {
    pub name: &'static str,
    pub label: &'static str,
    pub kind: &'static str,
    pub required: bool,
    pub value: String,
    pub checked: bool,
    pub readonly: bool,
    pub choices: Vec<Choice>,
    pub help: Option<&'static str>,
    pub errors: Vec<String>,
}

fn display(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// The fields with their current `values` (a record's JSON or the submitted
/// body) and the errors recorded against each.
#[must_use]
pub fn views(fields: &[Field], values: &Value, errors: &FieldErrors) -> Vec<FieldView> {
    fields
        .iter()
        .map(|field| {
            let current = values.get(field.name);
            let (kind, choices) = match field.kind {
                Kind::Text => ("text", Vec::new()),
                Kind::TextArea => ("textarea", Vec::new()),
                Kind::Email => ("email", Vec::new()),
                Kind::Date => ("date", Vec::new()),
                Kind::Number | Kind::Decimal => ("text", Vec::new()),
                Kind::Password => ("password", Vec::new()),
                Kind::Checkbox => ("checkbox", Vec::new()),
                Kind::Select(options) => (
                    "select",
                    options
                        .iter()
                        .map(|option| Choice {
                            value: (*option).to_string(),
                            label: (*option).to_string(),
                        })
                        .collect(),
                ),
            };
            FieldView {
                name: field.name,
                label: field.label,
                kind,
                required: field.required,
                // A password is never echoed back into the page.
                value: if field.kind == Kind::Password {
                    String::new()
                } else {
                    display(current)
                },
                checked: current.and_then(Value::as_bool).unwrap_or(false),
                readonly: false,
                choices,
                help: field.help,
                errors: errors.messages(field.name).to_vec(),
            }
        })
        .collect()
}

/// Errors that belong to no field of the form (shown above it).
#[must_use]
pub fn other_errors(fields: &[Field], errors: &FieldErrors) -> Vec<String> {
    errors
        .iter()
        .filter(|(name, _)| !fields.iter().any(|field| field.name == *name))
        .flat_map(|(name, messages)| {
            messages.iter().map(move |message| {
                if name == "non_field_errors" {
                    message.clone()
                } else {
                    format!("{name}: {message}")
                }
            })
        })
        .collect()
}
