pub mod _entities;
pub mod admin_log;
pub mod admin_sessions;
pub mod caller;
pub mod doctors;
pub mod error;
pub mod failed_emails;
pub mod fields;
pub mod jwt;
pub mod listing;
pub mod mappings;
pub mod passwords;
pub mod patients;
pub mod sessions;
pub mod staff;
pub mod tokens;
pub mod users;

use chrono::{DateTime, FixedOffset, SubsecRound, Utc};

/// The current time at the database's precision (microseconds), so that a
/// value rendered before and after a round trip is the same.
#[must_use]
pub fn now() -> DateTime<FixedOffset> {
    Utc::now().trunc_subsecs(6).fixed_offset()
}
