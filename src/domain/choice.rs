//! The fixed lists of the seed (`choices=` in its Django models) as enums.
//! Each list is written once, in the `choice_enum!` calls below; the wire
//! values are the seed's, the labels are what the console shows.
use std::{borrow::Cow, fmt, str::FromStr};

use sea_orm::sea_query::StringLen;
use serde::{de, Deserialize, Deserializer, Serialize, Serializer};
use utoipa::{
    openapi::{schema::ObjectBuilder, RefOr, Schema, Type},
    PartialSchema, ToSchema,
};

/// Declares a choice enum: its variants with wire value and label, and the
/// conversions every layer needs: serde as the wire string, the sea-orm
/// mapping onto the migrations' text columns, and the OpenAPI string enum
/// (named after the type). A macro rather than a derive: the lists are plain
/// data and need no proc-macro crate of our own.
macro_rules! choice_enum {
    (
        $(#[$meta:meta])*
        $name:ident, $description:literal {
            $($variant:ident => $wire:tt, $label:literal;)+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, sea_orm::EnumIter, sea_orm::DeriveActiveEnum)]
        #[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
        pub enum $name {
            $(#[sea_orm(string_value = $wire)] $variant,)+
        }

        impl $name {
            /// Every value, in the seed's order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];
            /// The wire values, in the seed's order.
            pub const VALUES: &'static [&'static str] = &[$($wire),+];

            #[must_use]
            pub const fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $wire,)+ }
            }

            /// The console's label.
            #[must_use]
            pub const fn label(self) -> &'static str {
                match self { $(Self::$variant => $label,)+ }
            }
        }

        impl ChoiceField for $name {
            const VALUES: &'static [&'static str] = Self::VALUES;
            const SCHEMA: &'static str = stringify!($name);
        }

        impl FromStr for $name {
            type Err = UnknownChoice;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                match text {
                    $($wire => Ok(Self::$variant),)+
                    _ => Err(UnknownChoice),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = Cow::<str>::deserialize(deserializer)?;
                text.parse().map_err(|_| {
                    de::Error::custom(format!("\"{text}\" is not a valid choice."))
                })
            }
        }

        impl PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .enum_values(Some(Self::VALUES.iter().copied()))
                    .description(Some($description))
                    .build()
                    .into()
            }
        }

        impl ToSchema for $name {
            fn name() -> Cow<'static, str> {
                Cow::Borrowed(stringify!($name))
            }
        }
    };
}

/// A list a write body may take a value of (`models::fields::write_body!`):
/// the values the console offers and the name of its OpenAPI schema.
pub trait ChoiceField: FromStr {
    const VALUES: &'static [&'static str];
    const SCHEMA: &'static str;
}

/// A value that is not one of a list's wire values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("not one of the choices")]
pub struct UnknownChoice;

choice_enum! {
    /// A patient's gender (the seed's choices).
    Gender, "M (male), F (female), O (other), N (prefer not to say)." {
        Male => "M", "Male";
        Female => "F", "Female";
        Other => "O", "Other";
        NotSaid => "N", "Prefer not to say";
    }
}

choice_enum! {
    /// A patient's ABO/Rh blood group (the seed's choices);
    /// optional on a patient, stored blank when not known.
    BloodGroup, "A blood group." {
        APositive => "A+", "A+";
        ANegative => "A-", "A-";
        BPositive => "B+", "B+";
        BNegative => "B-", "B-";
        AbPositive => "AB+", "AB+";
        AbNegative => "AB-", "AB-";
        OPositive => "O+", "O+";
        ONegative => "O-", "O-";
    }
}

choice_enum! {
    /// A doctor's specialization (the seed's choices).
    Specialization, "A doctor's specialization." {
        General => "general", "General Practice";
        Cardiology => "cardiology", "Cardiology";
        Dermatology => "dermatology", "Dermatology";
        Endocrinology => "endocrinology", "Endocrinology";
        Gastroenterology => "gastroenterology", "Gastroenterology";
        Hematology => "hematology", "Hematology";
        InfectiousDisease => "infectious_disease", "Infectious Disease";
        InternalMedicine => "internal_medicine", "Internal Medicine";
        Nephrology => "nephrology", "Nephrology";
        Neurology => "neurology", "Neurology";
        ObstetricsGynecology => "obstetrics_gynecology", "Obstetrics & Gynecology";
        Oncology => "oncology", "Oncology";
        Ophthalmology => "ophthalmology", "Ophthalmology";
        Orthopedics => "orthopedics", "Orthopedics";
        Pediatrics => "pediatrics", "Pediatrics";
        Psychiatry => "psychiatry", "Psychiatry";
        Pulmonology => "pulmonology", "Pulmonology";
        Radiology => "radiology", "Radiology";
        Rheumatology => "rheumatology", "Rheumatology";
        Surgery => "surgery", "Surgery";
        Urology => "urology", "Urology";
        Other => "other", "Other";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_values_round_trip_through_serde_and_from_str() {
        for gender in Gender::ALL {
            let json = serde_json::to_value(gender).unwrap();
            assert_eq!(json, serde_json::Value::from(gender.as_str()));
            assert_eq!(serde_json::from_value::<Gender>(json).unwrap(), *gender);
        }
        assert_eq!("AB-".parse::<BloodGroup>(), Ok(BloodGroup::AbNegative));
        assert_eq!("ab-".parse::<BloodGroup>(), Err(UnknownChoice));
        let err = serde_json::from_str::<Specialization>("\"quackery\"").unwrap_err();
        assert!(err
            .to_string()
            .contains("\"quackery\" is not a valid choice."));
    }

    #[test]
    fn the_database_holds_the_wire_value() {
        use sea_orm::ActiveEnum;
        assert_eq!(Gender::NotSaid.to_value(), "N");
        assert_eq!(
            Specialization::try_from_value(&"obstetrics_gynecology".to_string()).unwrap(),
            Specialization::ObstetricsGynecology
        );
        assert!(BloodGroup::try_from_value(&String::new()).is_err());
    }

    #[test]
    fn the_lists_are_the_seeds() {
        assert_eq!(Gender::VALUES, ["M", "F", "O", "N"]);
        assert_eq!(
            BloodGroup::VALUES,
            ["A+", "A-", "B+", "B-", "AB+", "AB-", "O+", "O-"]
        );
        assert_eq!(
            Specialization::VALUES,
            [
                "general",
                "cardiology",
                "dermatology",
                "endocrinology",
                "gastroenterology",
                "hematology",
                "infectious_disease",
                "internal_medicine",
                "nephrology",
                "neurology",
                "obstetrics_gynecology",
                "oncology",
                "ophthalmology",
                "orthopedics",
                "pediatrics",
                "psychiatry",
                "pulmonology",
                "radiology",
                "rheumatology",
                "surgery",
                "urology",
                "other",
            ]
        );
        for (value, choice) in Specialization::VALUES.iter().zip(Specialization::ALL) {
            assert_eq!(*value, choice.as_str());
        }
        assert_eq!(Specialization::General.label(), "General Practice");
        assert_eq!(<Gender as ToSchema>::name(), "Gender");
    }
}
