//! Console idle logoff: when each admin session was last used, so that one
//! left idle for `ADMIN_IDLE_TIMEOUT_MINUTES` ends (on top of its 8-hour
//! absolute limit).
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AdminSessions {
    Table,
    LastSeenAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds a NOT NULL column only with a constant default. The
        // epoch makes a session opened before this migration count as idle:
        // its last use is unknown, so its operator signs in again once.
        m.alter_table(
            Table::alter()
                .table(AdminSessions::Table)
                .add_column(
                    timestamp_with_time_zone(AdminSessions::LastSeenAt)
                        .default("1970-01-01 00:00:00+00:00"),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(AdminSessions::Table)
                .drop_column(AdminSessions::LastSeenAt)
                .to_owned(),
        )
        .await
    }
}
