//! `SeaORM` entities, one per table, in the shape `sea-orm-cli generate entity`
//! writes them from the migrations. Domain logic lives beside them in `models/`.
pub mod prelude;

pub mod admin_log;
pub mod admin_sessions;
pub mod blacklisted_tokens;
pub mod doctors;
pub mod failed_emails;
pub mod mappings;
pub mod outstanding_tokens;
pub mod patients;
pub mod revoked_access_tokens;
pub mod throttle_counters;
pub mod token_families;
pub mod users;
