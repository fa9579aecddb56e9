#![allow(elided_lifetimes_in_paths)]
#![allow(clippy::wildcard_imports)]
pub use sea_orm_migration::prelude::*;

mod m20261126_000001_users;
mod m20261126_000002_token_registry;
mod m20261126_000003_patients;
mod m20261126_000004_doctors;
mod m20261126_000005_mappings;
mod m20261126_000006_throttle_counters;
mod m20261126_000007_admin_console;
mod m20261201_000001_failed_emails;
mod m20261207_000001_token_families;
mod m20261207_000002_admin_session_idle;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261126_000001_users::Migration),
            Box::new(m20261126_000002_token_registry::Migration),
            Box::new(m20261126_000003_patients::Migration),
            Box::new(m20261126_000004_doctors::Migration),
            Box::new(m20261126_000005_mappings::Migration),
            Box::new(m20261126_000006_throttle_counters::Migration),
            Box::new(m20261126_000007_admin_console::Migration),
            Box::new(m20261201_000001_failed_emails::Migration),
            Box::new(m20261207_000001_token_families::Migration),
            Box::new(m20261207_000002_admin_session_idle::Migration),
            // inject-above (do not remove this comment)
        ]
    }
}
