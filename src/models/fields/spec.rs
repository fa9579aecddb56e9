//! One definition per write body. A body is declared once with
//! [`write_body!`]: each field's name, console label and rule. From that one
//! table come the typed struct the model works with, the reader that fills
//! it (every bad field reported, DRF's messages), the OpenAPI request schema
//! (`openapi::write`) and the console's form fields (`views::admin::fields`).
//!
//! A table rather than `#[derive(Deserialize, Validate, ToSchema)]`: serde
//! stops at a body's first type error, where the contract reports every bad
//! field in one 400, and its leniencies (trimming, `null` as blank, digit
//! strings as integers, NUL refusal) would each need a wrapper type per
//! field. Here each rule is written once, in the readers of this module.

/// What one writable field accepts, as plain data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    /// Trimmed text; `long` shows as a text area in the console.
    Text {
        text: super::Text,
        long: bool,
    },
    /// An e-mail address (blank allowed when optional).
    Email(super::Text),
    /// `YYYY-MM-DD`, from 1900-01-01 and not in the future.
    DateOfBirth,
    /// One value of a domain list (`crate::domain`), named `schema` in the
    /// OpenAPI document.
    Choice {
        text: super::Text,
        values: &'static [&'static str],
        schema: &'static str,
    },
    /// A doctor's years of experience, 0 to 80.
    YearsOfExperience,
    /// A consultation fee: a decimal with two places at most, in cents.
    Fee,
    Boolean {
        required: bool,
    },
    /// A record's id (an integer or its digits).
    PrimaryKey {
        required: bool,
    },
    /// A password, taken as typed (never trimmed); always required.
    Password,
}

impl Rule {
    /// Whether a full (create, PUT) body must carry the field.
    #[must_use]
    pub const fn required(self) -> bool {
        match self {
            Self::Text { text, .. } | Self::Email(text) | Self::Choice { text, .. } => {
                text.required
            }
            Self::DateOfBirth | Self::Password => true,
            Self::YearsOfExperience | Self::Fee => false,
            Self::Boolean { required } | Self::PrimaryKey { required } => required,
        }
    }
}

/// A field of a write body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldSpec {
    /// The JSON key (and the form field's name).
    pub name: &'static str,
    /// The console's label.
    pub label: &'static str,
    pub rule: Rule,
}

/// Declares a write body: the struct (`Option` per field, `None` when not
/// given), `FIELDS` (its table), `read` (fills it from an [`Input`],
/// recording every bad field) and `set_fields` (writes the given ones onto
/// the entity's active model named after `writes`; `field as column` where
/// the column is named otherwise). Rules: `text(required|optional, max)`,
/// `long_text(..)`, `email(required|optional, max)`, `date_of_birth()`,
/// `choice(Type, required|optional, max)`, `years_of_experience()`, `fee()`,
/// `boolean(required|optional)`, `primary_key(required|optional)`,
/// `password()`. Without
/// `writes`, no `set_fields` (a body whose model writes its rows itself).
///
/// [`Input`]: super::Input
macro_rules! write_body {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident writes $row:ty {
            $( $field:ident $(as $column:ident)? : $rule:ident ( $($arg:tt)* ) => $label:literal; )+
        }
    ) => {
        $crate::models::fields::write_body! {
            $(#[$meta])*
            $vis struct $name {
                $( $field : $rule ( $($arg)* ) => $label; )+
            }
        }

        impl $name {
            /// Writes the given fields over `row` (its column of the same
            /// name, or the one named after `as`).
            fn set_fields(self, row: &mut $row) {
                $( $crate::models::fields::write_body!(@set row, self.$field, $field $($column)?); )+
            }
        }
    };
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident {
            $( $field:ident : $rule:ident ( $($arg:tt)* ) => $label:literal; )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Default)]
        $vis struct $name {
            $( pub $field: Option<$crate::models::fields::write_body!(@type $rule($($arg)*))>, )+
        }

        impl $name {
            /// The body's fields, in the order the API documents them.
            pub const FIELDS: &'static [$crate::models::fields::FieldSpec] = &[
                $( $crate::models::fields::FieldSpec {
                    name: stringify!($field),
                    label: $label,
                    rule: $crate::models::fields::write_body!(@rule $rule($($arg)*)),
                }, )+
            ];

            /// Reads every field of the body; each bad one is recorded in
            /// `input` (see `Input::finish`).
            pub fn read(input: &mut $crate::models::fields::Input<'_>) -> Self {
                Self {
                    $( $field: $crate::models::fields::write_body!(
                        @read input, stringify!($field), $rule($($arg)*)
                    ), )+
                }
            }
        }
    };

    (@set $row:ident, $value:expr, $field:ident) => {
        if let Some(value) = $value {
            $row.$field = sea_orm::ActiveValue::Set(value);
        }
    };
    (@set $row:ident, $value:expr, $field:ident $column:ident) => {
        if let Some(value) = $value {
            $row.$column = sea_orm::ActiveValue::Set(value);
        }
    };

    (@required required) => { true };
    (@required optional) => { false };
    (@text $req:ident, $max:expr) => {
        $crate::models::fields::Text {
            required: $crate::models::fields::write_body!(@required $req),
            max_len: $max,
        }
    };

    (@type text($($a:tt)*)) => { String };
    (@type long_text($($a:tt)*)) => { String };
    (@type email($($a:tt)*)) => { String };
    (@type date_of_birth()) => { chrono::NaiveDate };
    (@type choice($t:ty, $($a:tt)*)) => { $t };
    (@type years_of_experience()) => { i32 };
    (@type fee()) => { i64 };
    (@type boolean($($a:tt)*)) => { bool };
    (@type primary_key($($a:tt)*)) => { i32 };
    (@type password()) => { String };

    (@rule text($req:ident, $max:expr)) => {
        $crate::models::fields::Rule::Text {
            text: $crate::models::fields::write_body!(@text $req, $max),
            long: false,
        }
    };
    (@rule long_text($req:ident, $max:expr)) => {
        $crate::models::fields::Rule::Text {
            text: $crate::models::fields::write_body!(@text $req, $max),
            long: true,
        }
    };
    (@rule email($req:ident, $max:expr)) => {
        $crate::models::fields::Rule::Email($crate::models::fields::write_body!(@text $req, $max))
    };
    (@rule date_of_birth()) => { $crate::models::fields::Rule::DateOfBirth };
    (@rule choice($t:ty, $req:ident, $max:expr)) => {
        $crate::models::fields::Rule::Choice {
            text: $crate::models::fields::write_body!(@text $req, $max),
            values: <$t as $crate::models::fields::ChoiceField>::VALUES,
            schema: <$t as $crate::models::fields::ChoiceField>::SCHEMA,
        }
    };
    (@rule years_of_experience()) => { $crate::models::fields::Rule::YearsOfExperience };
    (@rule fee()) => { $crate::models::fields::Rule::Fee };
    (@rule boolean($req:ident)) => {
        $crate::models::fields::Rule::Boolean {
            required: $crate::models::fields::write_body!(@required $req),
        }
    };

    (@read $input:ident, $name:expr, text($req:ident, $max:expr)) => {
        $input.text($name, $crate::models::fields::write_body!(@text $req, $max))
    };
    (@read $input:ident, $name:expr, long_text($req:ident, $max:expr)) => {
        $input.text($name, $crate::models::fields::write_body!(@text $req, $max))
    };
    (@read $input:ident, $name:expr, email($req:ident, $max:expr)) => {
        $input.email($name, $crate::models::fields::write_body!(@text $req, $max))
    };
    (@read $input:ident, $name:expr, date_of_birth()) => {
        $input.date_of_birth($name)
    };
    (@read $input:ident, $name:expr, choice($t:ty, $req:ident, $max:expr)) => {
        $input.choice::<$t>($name, $crate::models::fields::write_body!(@text $req, $max))
    };
    (@rule primary_key($req:ident)) => {
        $crate::models::fields::Rule::PrimaryKey {
            required: $crate::models::fields::write_body!(@required $req),
        }
    };

    (@rule password()) => { $crate::models::fields::Rule::Password };
    (@read $input:ident, $name:expr, password()) => {
        $input.password($name)
    };
    (@read $input:ident, $name:expr, primary_key($req:ident)) => {
        $input.primary_key($name, $crate::models::fields::write_body!(@required $req))
    };
    (@read $input:ident, $name:expr, years_of_experience()) => {
        $input.years_of_experience($name)
    };
    (@read $input:ident, $name:expr, fee()) => {
        $input.fee($name)
    };
    (@read $input:ident, $name:expr, boolean($req:ident)) => {
        $input.boolean($name, $crate::models::fields::write_body!(@required $req))
    };
}
pub(crate) use write_body;

#[cfg(test)]
mod tests {
    use sea_orm::ActiveValue;
    use serde_json::json;

    use crate::{
        domain::Gender,
        models::fields::{FieldSpec, Input, Mode, Rule, Text},
    };

    #[derive(Default)]
    struct Row {
        name: ActiveValue<String>,
        gender: ActiveValue<Gender>,
        fee_cents: ActiveValue<i64>,
    }

    write_body! {
        struct Example writes Row {
            name: text(required, 5) => "Name";
            gender: choice(Gender, required, 1) => "Gender";
            fee as fee_cents: fee() => "Fee";
        }
    }

    #[test]
    fn the_table_lists_each_field_with_its_rule() {
        assert_eq!(
            Example::FIELDS[0],
            FieldSpec {
                name: "name",
                label: "Name",
                rule: Rule::Text {
                    text: Text::required(5),
                    long: false
                },
            }
        );
        assert!(matches!(
            Example::FIELDS[1].rule,
            Rule::Choice {
                values: ["M", "F", "O", "N"],
                schema: "Gender",
                ..
            }
        ));
        assert_eq!(Example::FIELDS[2].rule, Rule::Fee);
        let required: Vec<bool> = Example::FIELDS.iter().map(|f| f.rule.required()).collect();
        assert_eq!(required, [true, true, false]);
    }

    #[test]
    fn reading_reports_every_bad_field_and_writes_the_good_ones() {
        let bad = json!({"name": "toolong", "gender": "X", "fee": "-1"});
        let mut input = Input::new(&bad, Mode::Full).expect("an object");
        Example::read(&mut input);
        let Err(crate::models::error::ModelError::Invalid(errors)) = input.finish() else {
            panic!("three bad fields");
        };
        assert_eq!(
            errors.iter().map(|(field, _)| field).collect::<Vec<_>>(),
            ["fee", "gender", "name"]
        );

        let good = json!({"name": " Ann ", "gender": "F", "fee": "2.50"});
        let mut input = Input::new(&good, Mode::Full).expect("an object");
        let body = Example::read(&mut input);
        assert!(input.finish().is_ok());
        let mut row = Row::default();
        body.set_fields(&mut row);
        assert_eq!(row.name, ActiveValue::Set("Ann".to_string()));
        assert_eq!(row.gender, ActiveValue::Set(Gender::Female));
        assert_eq!(row.fee_cents, ActiveValue::Set(250));
    }
}
