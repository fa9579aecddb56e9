//! Request body schemas, read off the models' write-body tables
//! (`models::fields::write_body!`): a property per field, in the table's
//! order, its schema from the field's rule.
use utoipa::openapi::{
    schema::{AnyOfBuilder, ObjectBuilder, Schema, Type},
    Ref, RefOr,
};

use super::fields;
use crate::models::fields::{FieldSpec, Rule};

/// The object a write body is: `full` (create, PUT) lists the required
/// fields; otherwise any subset may be sent (PATCH).
#[must_use]
pub fn body_schema(table: &[FieldSpec], full: bool, description: Option<&str>) -> Schema {
    let mut object = ObjectBuilder::new();
    for field in table {
        object = object.property(field.name, property(field.rule));
    }
    object = object.description(description);
    if full {
        for field in table.iter().filter(|field| field.rule.required()) {
            object = object.required(field.name);
        }
    }
    object.build().into()
}

fn property(rule: Rule) -> RefOr<Schema> {
    match rule {
        Rule::Text { text, .. } if text.required => fields::text(text.max_len).into(),
        Rule::Text { text, .. } => fields::optional_text(text.max_len).into(),
        Rule::Email(text) if text.required => fields::email().into(),
        Rule::Email(_) => fields::optional_email().into(),
        Rule::DateOfBirth => fields::date_of_birth().into(),
        Rule::Choice { text, schema, .. } if text.required => Ref::from_schema_name(schema).into(),
        Rule::Choice { schema, .. } => Schema::AnyOf(
            AnyOfBuilder::new()
                .item(Ref::from_schema_name(schema))
                .item(ObjectBuilder::new().schema_type(Type::Null).build())
                .build(),
        )
        .into(),
        Rule::YearsOfExperience => fields::years_of_experience().into(),
        Rule::Fee => fields::fee().into(),
        Rule::Boolean { .. } => fields::boolean().into(),
        Rule::PrimaryKey { .. } => fields::primary_key().into(),
        Rule::Password => fields::password().into(),
    }
}
