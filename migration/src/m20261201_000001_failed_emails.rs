//! E-mails the mail worker gave up on after its last retry: what was to be
//! sent, to which user, how often it was tried and why the last try failed.
//! No foreign keys: a record outlives the user or mapping it was about.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum FailedEmails {
    Table,
    Id,
    Kind,
    UserId,
    ReferenceId,
    Attempts,
    LastError,
    FailedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(FailedEmails::Table)
                .col(pk_auto(FailedEmails::Id))
                // "welcome" or "doctor_assigned"
                .col(string_len(FailedEmails::Kind, 40))
                .col(integer_null(FailedEmails::UserId))
                // The mapping of a "doctor_assigned" e-mail.
                .col(integer_null(FailedEmails::ReferenceId))
                .col(integer(FailedEmails::Attempts))
                .col(text(FailedEmails::LastError))
                .col(timestamp_with_time_zone(FailedEmails::FailedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_failed_emails_failed_at")
                .table(FailedEmails::Table)
                .col(FailedEmails::FailedAt)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(FailedEmails::Table).to_owned())
            .await
    }
}
