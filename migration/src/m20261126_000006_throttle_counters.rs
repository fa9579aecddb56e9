//! Request counters for the throttle, shared by every server instance that
//! uses the database (PostgreSQL) as its throttle store.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ThrottleCounters {
    Table,
    Key,
    Count,
    ExpiresAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ThrottleCounters::Table)
                // "<prefix>:<scope>:<client or account>:<window>"
                .col(string_len(ThrottleCounters::Key, 400).primary_key())
                .col(integer(ThrottleCounters::Count))
                .col(timestamp_with_time_zone(ThrottleCounters::ExpiresAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_throttle_counters_expires_at")
                .table(ThrottleCounters::Table)
                .col(ThrottleCounters::ExpiresAt)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ThrottleCounters::Table).to_owned())
            .await
    }
}
