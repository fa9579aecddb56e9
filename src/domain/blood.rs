//! A patient's blood group when known. The seed stores an unknown group as
//! a blank string (a Django `CharField(blank=True)`), so the column is text
//! that is never NULL; in Rust it is an `Option`, blank on the wire and in
//! the database.
use std::{fmt, str::FromStr};

use sea_orm::DeriveValueType;
use serde::{Serialize, Serializer};

use super::{
    choice::{ChoiceField, UnknownChoice},
    BloodGroup,
};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, DeriveValueType)]
#[sea_orm(
    value_type = "String",
    from_str = "KnownBloodGroup::from_str",
    to_str = "KnownBloodGroup::stored"
)]
pub struct KnownBloodGroup(pub Option<BloodGroup>);

impl KnownBloodGroup {
    pub const UNKNOWN: Self = Self(None);

    /// The wire and database value: the group, or blank.
    #[must_use]
    pub fn as_str(&self) -> &'static str {
        self.0.map_or("", BloodGroup::as_str)
    }

    fn stored(&self) -> String {
        self.as_str().to_string()
    }
}

/// The console offers the groups (its select adds blank); the schema is
/// `BloodGroup`, which lists blank as well.
impl ChoiceField for KnownBloodGroup {
    const VALUES: &'static [&'static str] = BloodGroup::VALUES;
    const SCHEMA: &'static str = "BloodGroup";
}

impl FromStr for KnownBloodGroup {
    type Err = UnknownChoice;

    /// Blank is "not known"; anything else must be one of the groups.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if text.is_empty() {
            Ok(Self::UNKNOWN)
        } else {
            text.parse().map(|group| Self(Some(group)))
        }
    }
}

impl From<BloodGroup> for KnownBloodGroup {
    fn from(group: BloodGroup) -> Self {
        Self(Some(group))
    }
}

impl fmt::Display for KnownBloodGroup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for KnownBloodGroup {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_is_unknown_and_every_group_round_trips() {
        assert_eq!("".parse(), Ok(KnownBloodGroup::UNKNOWN));
        assert_eq!(KnownBloodGroup::UNKNOWN.as_str(), "");
        for &group in BloodGroup::ALL {
            let known = KnownBloodGroup::from(group);
            assert_eq!(known.as_str().parse(), Ok(known));
        }
        assert_eq!("C+".parse::<KnownBloodGroup>(), Err(UnknownChoice));
        assert_eq!(
            serde_json::to_value(KnownBloodGroup::from(BloodGroup::AbNegative)).ok(),
            Some(serde_json::json!("AB-"))
        );
    }
}
