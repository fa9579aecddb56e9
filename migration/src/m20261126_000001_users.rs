use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum Users {
    Table,
    Id,
    Name,
    Email,
    PasswordHash,
    IsActive,
    IsStaff,
    IsSuperuser,
    CreatedAt,
    UpdatedAt,
    LastLogin,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Users::Table)
                .col(pk_auto(Users::Id))
                .col(string_len(Users::Name, 150))
                // Stored lower-cased by the model, so a plain unique index makes
                // the address unique case-insensitively on SQLite and PostgreSQL.
                .col(string_len_uniq(Users::Email, 254))
                .col(string_len(Users::PasswordHash, 255))
                .col(boolean(Users::IsActive).default(true))
                .col(boolean(Users::IsStaff).default(false))
                .col(boolean(Users::IsSuperuser).default(false))
                .col(timestamp_with_time_zone(Users::CreatedAt))
                .col(timestamp_with_time_zone(Users::UpdatedAt))
                .col(timestamp_with_time_zone_null(Users::LastLogin))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Users::Table).to_owned())
            .await
    }
}
