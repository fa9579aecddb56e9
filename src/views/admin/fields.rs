//! The fields of each console form: names (the API's), labels, kinds.
use crate::domain::{BloodGroup, Gender, Specialization};

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
pub const PATIENT_FIELDS: [Field; 16] = [
    Field::new("first_name", "First name", T, true),
    Field::new("last_name", "Last name", T, true),
    Field::new("date_of_birth", "Date of birth", Kind::Date, true),
    Field::new("gender", "Gender", Kind::Select(Gender::VALUES), true),
    Field::new(
        "blood_group",
        "Blood group",
        Kind::Select(BloodGroup::VALUES),
        false,
    ),
    Field::new("email", "E-mail", Kind::Email, false),
    Field::new("phone", "Phone", T, false),
    Field::new("allergies", "Allergies", AREA, false),
    Field::new("medical_history", "Medical history", AREA, false),
    Field::new("current_medications", "Current medications", AREA, false),
    Field::new("emergency_contact_name", "Emergency contact", T, false),
    Field::new(
        "emergency_contact_phone",
        "Emergency contact phone",
        T,
        false,
    ),
    Field::new("address", "Address", T, false),
    Field::new("city", "City", T, false),
    Field::new("state", "State", T, false),
    Field::new("country", "Country", T, false),
];
pub const OWNER_FIELD: Field = Field::new("owner", "Owner (user id)", Kind::Number, true)
    .help("The user whose patient this is.");
pub const DOCTOR_FIELDS: [Field; 15] = [
    Field::new("first_name", "First name", T, true),
    Field::new("last_name", "Last name", T, true),
    Field::new("email", "E-mail", Kind::Email, true),
    Field::new("phone", "Phone", T, false),
    Field::new(
        "specialization",
        "Specialization",
        Kind::Select(Specialization::VALUES),
        true,
    ),
    Field::new("license_number", "Licence number", T, true),
    Field::new(
        "years_of_experience",
        "Years of experience",
        Kind::Number,
        false,
    ),
    Field::new("qualification", "Qualification", T, false),
    Field::new("bio", "Bio", AREA, false),
    Field::new("consultation_fee", "Consultation fee", Kind::Decimal, false),
    Field::new("is_available", "Available", Kind::Checkbox, false),
    Field::new("hospital_name", "Hospital", T, false),
    Field::new("city", "City", T, false),
    Field::new("state", "State", T, false),
    Field::new("country", "Country", T, false),
];
pub const MAPPING_NEW_FIELDS: [Field; 4] = [
    Field::new("patient", "Patient (id)", Kind::Number, true),
    Field::new("doctor", "Doctor (id)", Kind::Number, true),
    Field::new("is_primary", "Primary doctor", Kind::Checkbox, false),
    Field::new("notes", "Notes", AREA, false),
];
pub const MAPPING_EDIT_FIELDS: [Field; 2] = [
    Field::new("is_primary", "Primary doctor", Kind::Checkbox, false),
    Field::new("notes", "Notes", AREA, false),
];
