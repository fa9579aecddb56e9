use sea_orm_migration::{prelude::*, schema::*};

use crate::{m20261126_000003_patients::Patients, m20261126_000004_doctors::Doctors};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Mappings {
    Table,
    Id,
    PatientId,
    DoctorId,
    IsPrimary,
    Notes,
    Version,
    AssignedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Mappings::Table)
                .col(pk_auto(Mappings::Id))
                .col(integer(Mappings::PatientId))
                .col(integer(Mappings::DoctorId))
                .col(boolean(Mappings::IsPrimary).default(false))
                .col(text(Mappings::Notes).default(""))
                .col(integer(Mappings::Version).default(1))
                .col(timestamp_with_time_zone(Mappings::AssignedAt))
                .col(timestamp_with_time_zone(Mappings::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_mappings_patient")
                        .from(Mappings::Table, Mappings::PatientId)
                        .to(Patients::Table, Patients::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_mappings_doctor")
                        .from(Mappings::Table, Mappings::DoctorId)
                        .to(Doctors::Table, Doctors::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_mappings_patient_doctor")
                .table(Mappings::Table)
                .col(Mappings::PatientId)
                .col(Mappings::DoctorId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_mappings_doctor")
                .table(Mappings::Table)
                .col(Mappings::DoctorId)
                .col(Mappings::Id)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_mappings_is_primary")
                .table(Mappings::Table)
                .col(Mappings::IsPrimary)
                .col(Mappings::Id)
                .to_owned(),
        )
        .await?;
        // At most one primary doctor per patient. sea-query has no partial
        // index builder; this statement is the same on SQLite and PostgreSQL.
        m.get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX uq_mappings_one_primary_per_patient \
                 ON mappings (patient_id) WHERE is_primary = TRUE",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Mappings::Table).to_owned())
            .await
    }
}
