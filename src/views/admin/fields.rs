//! The fields of each console form: names (the API's), labels, kinds. The
//! patient and doctor forms are read off the models' write-body tables.
use crate::models::fields::{FieldSpec, Rule};

use super::forms::{Field, Kind};

const T: Kind = Kind::Text;
const AREA: Kind = Kind::TextArea;

pub const USER_FIELDS: [Field; 5] = [
    Field::new("name", "Name", T, true),
    Field::new("email", "E-mail", Kind::Email, true),
    Field::new("is_active", "Active", Kind::Checkbox, false)
        .help("Unticking signs the user out: their API tokens stop working at once."),
    Field::new("is_staff", "Staff", Kind::Checkbox, false)
        .help("May sign in to this console. Only superusers may change it."),
    Field::new("is_superuser", "Superuser", Kind::Checkbox, false),
];
pub const PASSWORD_FIELDS: [Field; 2] = [
    Field::new("password", "Password", Kind::Password, true),
    Field::new("confirm_password", "Password again", Kind::Password, true),
];
pub const OWNER_FIELD: Field = Field::new("owner", "Owner (user id)", Kind::Number, true)
    .help("The user whose patient this is.");
/// The console's form for a write body: its fields in the body's order,
/// each shown by its rule.
#[must_use]
pub fn form_fields(table: &[FieldSpec]) -> Vec<Field> {
    table
        .iter()
        .map(|field| {
            let kind = match field.rule {
                Rule::Text { long: false, .. } => T,
                Rule::Text { long: true, .. } => AREA,
                Rule::Email(_) => Kind::Email,
                Rule::DateOfBirth => Kind::Date,
                Rule::Choice { values, .. } => Kind::Select(values),
                Rule::YearsOfExperience | Rule::PrimaryKey { .. } => Kind::Number,
                Rule::Fee => Kind::Decimal,
                Rule::Boolean { .. } => Kind::Checkbox,
                Rule::Password => Kind::Password,
            };
            Field::new(field.name, field.label, kind, field.rule.required())
        })
        .collect()
}
