//! JSON Schemas of single fields and query parameters, written to accept
//! exactly what the server accepts (`models::fields`, `models::listing`):
//! the fuzzer (`tests/fuzz`) sends values just inside and just outside each
//! schema and fails on any disagreement. Choice lists come from the models.
use utoipa::openapi::{
    extensions::ExtensionsBuilder,
    path::{Parameter, ParameterBuilder, ParameterIn},
    schema::{AnyOfBuilder, KnownFormat, ObjectBuilder, Schema, SchemaFormat, SchemaType, Type},
    Ref, RefOr, Required,
};

use utoipa::{PartialSchema, ToSchema};

use crate::domain::{BloodGroup, Gender, Specialization};

/// The characters Rust's `str::trim` removes (Unicode `White_Space`), spelt
/// out so that every regex engine (ECMA, Python, Rust) reads the same class.
const WS: &str = r"\t\n\x0B\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000";

/// Text without NUL characters (the server answers 400 to those, as DRF's
/// `ProhibitNullCharactersValidator` does).
fn no_nul() -> String {
    r"^[^\u0000]*$".to_string()
}

/// Text with at least one character that is neither white space nor NUL:
/// required text is trimmed and may not be blank.
fn not_blank() -> String {
    format!(r"^[^\u0000]*[^\u0000{WS}][^\u0000]*$")
}

fn types(list: &[Type]) -> SchemaType {
    list.iter().cloned().collect()
}

fn string() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String)
}

/// Required text of at most `max` characters (after trimming).
#[must_use]
pub fn text(max: usize) -> Schema {
    string()
        .max_length(Some(max))
        .pattern(Some(not_blank()))
        .build()
        .into()
}

/// Optional text: blank, `null` (stored blank) or at most `max` characters.
#[must_use]
pub fn optional_text(max: usize) -> Schema {
    ObjectBuilder::new()
        .schema_type(types(&[Type::String, Type::Null]))
        .max_length(Some(max))
        .pattern(Some(no_nul()))
        .build()
        .into()
}

/// A password: taken as typed (never trimmed), 1 to 4096 characters.
#[must_use]
pub fn password() -> Schema {
    string()
        .min_length(Some(1))
        .max_length(Some(4096))
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Password)))
        .build()
        .into()
}

/// A required e-mail address.
#[must_use]
pub fn email() -> Schema {
    string()
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Email)))
        .max_length(Some(254))
        .build()
        .into()
}

/// An optional e-mail address: a valid address, blank, or `null`.
#[must_use]
pub fn optional_email() -> Schema {
    AnyOfBuilder::new()
        .item(email())
        .item(string().pattern(Some(format!("^[{WS}]*$"))).build())
        .item(ObjectBuilder::new().schema_type(Type::Null).build())
        .description(Some("A valid e-mail address, or blank."))
        .build()
        .into()
}

/// One of `choices`.
#[must_use]
pub fn choice(choices: &[&str]) -> Schema {
    string().enum_values(Some(choices.to_vec())).build().into()
}

/// A blood group (or blank), or `null` for blank.
#[must_use]
pub fn optional_blood_group() -> Schema {
    AnyOfBuilder::new()
        .item(blood_group())
        .item(ObjectBuilder::new().schema_type(Type::Null).build())
        .build()
        .into()
}

/// `YYYY-MM-DD`, from 1900-01-01 and not in the future. JSON Schema cannot
/// name today's date: the pattern bounds the year to 1900–2099.
#[must_use]
pub fn date_of_birth() -> Schema {
    string()
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
        .pattern(Some(r"^(19|20)[0-9]{2}-[0-9]{2}-[0-9]{2}$"))
        .description(Some(
            "YYYY-MM-DD, not before 1900-01-01 and not in the future.",
        ))
        .examples(["1985-06-15"])
        .build()
        .into()
}

/// A JSON boolean (`null` is refused).
#[must_use]
pub fn boolean() -> Schema {
    ObjectBuilder::new()
        .schema_type(Type::Boolean)
        .build()
        .into()
}

/// Years of experience, 0–80: an integer, or a string of digits as DRF
/// accepts.
#[must_use]
pub fn years_of_experience() -> Schema {
    ObjectBuilder::new()
        .schema_type(types(&[Type::Integer, Type::String]))
        .minimum(Some(0))
        .maximum(Some(80))
        .pattern(Some(format!(
            r"^[{WS}]*(\+?0*([0-9]|[1-7][0-9]|80)|-0+)[{WS}]*$"
        )))
        .description(Some("0 to 80; an integer, or its digits as a string."))
        .examples([15])
        .build()
        .into()
}

/// A record's id given in a body: a positive integer, or its digits.
#[must_use]
pub fn primary_key() -> Schema {
    ObjectBuilder::new()
        .schema_type(types(&[Type::Integer, Type::String]))
        .minimum(Some(1))
        .maximum(Some(i32::MAX))
        .pattern(Some(format!(r"^[{WS}]*\+?[0-9]+[{WS}]*$")))
        .description(Some("A record id; an integer, or its digits as a string."))
        .build()
        .into()
}

/// The consultation fee: a decimal string (`"250.00"`) or a number, at least
/// 0, at most two decimal places and eight digits before the point.
#[must_use]
pub fn fee() -> Schema {
    let digits = r"(\+?(0*[0-9]{1,8}(\.[0-9]{0,2}0*)?|\.[0-9]{1,2}0*)|-(0+(\.0*)?|\.0+))";
    ObjectBuilder::new()
        .schema_type(types(&[Type::String, Type::Number]))
        .minimum(Some(0))
        .maximum(Some(99_999_999.99))
        .multiple_of(Some(0.01))
        .pattern(Some(format!("^[{WS}]*{digits}[{WS}]*$")))
        .description(Some(
            "A decimal at least 0 with at most 2 decimal places and 8 digits before the point; \
             a string (\"250.00\") or a number. Defaults to \"0.00\".",
        ))
        .examples(["250.00"])
        .build()
        .into()
}

/// The fee as the server writes it back: always a string with two places.
#[must_use]
pub fn fee_out() -> Schema {
    string()
        .pattern(Some(r"^[0-9]{1,8}\.[0-9]{2}$"))
        .examples(["250.00"])
        .build()
        .into()
}

/// `A+` -> `A_POSITIVE`, `AB-` -> `AB_NEGATIVE`, blank -> `BLANK`.
fn blood_group_names(groups: &[&str]) -> Vec<String> {
    groups
        .iter()
        .map(
            |group| match group.split_at(group.len().saturating_sub(1)) {
                (letters, "+") => format!("{letters}_POSITIVE"),
                (letters, "-") => format!("{letters}_NEGATIVE"),
                _ => "BLANK".to_string(),
            },
        )
        .collect()
}

/// The choice lists, as named components (`Gender`, `BloodGroup`,
/// `Specialization`), so that clients get one type for each. The blood group
/// adds blank (unknown) and names for generated clients to the domain list.
#[must_use]
pub fn choice_schemas() -> Vec<(String, RefOr<Schema>)> {
    let mut blood_groups = BloodGroup::VALUES.to_vec();
    blood_groups.push("");
    let described = |schema: Schema, text: &str| -> RefOr<Schema> {
        match schema {
            Schema::Object(mut object) => {
                object.description = Some(text.to_string());
                Schema::Object(object).into()
            }
            other => other.into(),
        }
    };
    vec![
        (Gender::name().into(), Gender::schema()),
        (
            "BloodGroup".into(),
            described(
                string()
                    .enum_values(Some(blood_groups.clone()))
                    // Names for generated clients: `A+` and `A-` would both
                    // become `A` (openapi-python-client reads this extension).
                    .extensions(Some(
                        ExtensionsBuilder::new()
                            .add("x-enum-varnames", blood_group_names(&blood_groups))
                            .build(),
                    ))
                    .build()
                    .into(),
                "A blood group, or blank (unknown).",
            ),
        ),
        (Specialization::name().into(), Specialization::schema()),
    ]
}

#[must_use]
pub fn gender() -> Ref {
    Ref::from_schema_name("Gender")
}

/// A blood group, or blank.
#[must_use]
pub fn blood_group() -> Ref {
    Ref::from_schema_name("BloodGroup")
}

#[must_use]
pub fn specialization() -> Ref {
    Ref::from_schema_name("Specialization")
}

/// `success: true` of the success envelopes.
#[must_use]
pub fn success_true() -> Schema {
    ObjectBuilder::new()
        .schema_type(Type::Boolean)
        .enum_values(Some([true]))
        .build()
        .into()
}

// ---- query and path parameters ------------------------------------------

fn query(name: &str, schema: Schema, description: &str) -> Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Query)
        .required(Required::False)
        .schema(Some(schema))
        .description(Some(description))
        .build()
}

/// `{id}` in a path: a positive 32-bit integer (anything else is a 404).
#[must_use]
pub fn path_id(name: &str, description: &str) -> Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Path)
        .required(Required::True)
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .minimum(Some(1))
                .maximum(Some(i32::MAX))
                .build(),
        ))
        .description(Some(description))
        .build()
}

/// `page` and `page_size`: positive integers (`page_size` above 100 is
/// served as 100).
#[must_use]
pub fn paging() -> Vec<Parameter> {
    let positive = || {
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .minimum(Some(1))
            .maximum(Some(usize::MAX))
            .build()
            .into()
    };
    vec![
        query("page", positive(), "Page number, from 1 (default 1)."),
        query(
            "page_size",
            positive(),
            "Items per page (default 20; above 100 is served as 100).",
        ),
    ]
}

/// `ordering=field,-field` over `fields`; blank terms are ignored.
#[must_use]
pub fn ordering(fields: &[&str]) -> Parameter {
    let term = format!("[{WS}]*(-?({}))?[{WS}]*", fields.join("|"));
    query(
        "ordering",
        string()
            .pattern(Some(format!("^{term}(,{term})*$")))
            .build()
            .into(),
        &format!(
            "Comma-separated fields, `-` for descending: {}. The id, newest first, breaks ties.",
            fields.join(", ")
        ),
    )
}

/// A case-insensitive substring search.
#[must_use]
pub fn search(what: &str) -> Parameter {
    query(
        "search",
        string().pattern(Some(no_nul())).build().into(),
        &format!("Case-insensitive substring of {what}."),
    )
}

/// A filter on one of `choices`; blank means no filter.
#[must_use]
pub fn choice_filter(name: &str, choices: &[&str], description: &str) -> Parameter {
    let mut values = choices.to_vec();
    values.push("");
    query(name, choice(&values), description)
}

/// `true` or `false`; blank means no filter.
#[must_use]
pub fn boolean_filter(name: &str, description: &str) -> Parameter {
    choice_filter(name, &["true", "false"], description)
}

/// A positive id filter; blank means no filter.
#[must_use]
pub fn id_filter(name: &str, description: &str) -> Parameter {
    let schema = AnyOfBuilder::new()
        .item(
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .minimum(Some(1))
                .maximum(Some(i32::MAX))
                .build(),
        )
        .item(string().enum_values(Some([""])).build())
        .build();
    query(name, schema.into(), description)
}

/// A free-text filter (exact, case-insensitive).
#[must_use]
pub fn text_filter(name: &str, description: &str) -> Parameter {
    query(
        name,
        string().pattern(Some(no_nul())).build().into(),
        description,
    )
}
