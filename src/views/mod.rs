//! JSON response shapes. `envelope` holds the contract's success and list
//! envelopes; each resource module holds its record's shape. `admin` holds
//! the admin console's HTML.
pub mod admin;
pub mod auth;
pub mod doctors;
pub mod envelope;
pub mod mappings;
pub mod patients;

use chrono::Utc;
use sea_orm::prelude::DateTimeWithTimeZone;

/// ISO 8601 in UTC with microseconds, as DRF renders a `DateTimeField`.
#[must_use]
pub fn timestamp(value: &DateTimeWithTimeZone) -> String {
    value
        .with_timezone(&Utc)
        .format("%Y-%m-%dT%H:%M:%S%.6fZ")
        .to_string()
}
