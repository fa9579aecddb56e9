use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261126_000001_users::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum Patients {
    Table,
    Id,
    OwnerId,
    FirstName,
    LastName,
    Email,
    Phone,
    DateOfBirth,
    Gender,
    BloodGroup,
    Allergies,
    MedicalHistory,
    CurrentMedications,
    EmergencyContactName,
    EmergencyContactPhone,
    Address,
    City,
    State,
    Country,
    SearchText,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Patients::Table)
                .col(pk_auto(Patients::Id))
                .col(integer(Patients::OwnerId))
                .col(string_len(Patients::FirstName, 100))
                .col(string_len(Patients::LastName, 100))
                .col(string_len(Patients::Email, 254).default(""))
                .col(string_len(Patients::Phone, 20).default(""))
                .col(date(Patients::DateOfBirth))
                .col(string_len(Patients::Gender, 1).check((
                    "ck_patients_gender",
                    Expr::col(Patients::Gender).is_in(["M", "F", "O", "N"]),
                )))
                .col(
                    string_len(Patients::BloodGroup, 3).default("").check((
                        "ck_patients_blood_group",
                        Expr::col(Patients::BloodGroup)
                            .is_in(["", "A+", "A-", "B+", "B-", "AB+", "AB-", "O+", "O-"]),
                    )),
                )
                .col(text(Patients::Allergies).default(""))
                .col(text(Patients::MedicalHistory).default(""))
                .col(text(Patients::CurrentMedications).default(""))
                .col(string_len(Patients::EmergencyContactName, 200).default(""))
                .col(string_len(Patients::EmergencyContactPhone, 20).default(""))
                .col(text(Patients::Address).default(""))
                .col(string_len(Patients::City, 100).default(""))
                .col(string_len(Patients::State, 100).default(""))
                .col(string_len(Patients::Country, 100).default(""))
                // Lower-cased "first last\u{1f}email", kept by the model: SQLite's
                // LOWER/LIKE fold ASCII only, so Unicode-aware search needs the
                // folding done in Rust, the same way for both databases.
                .col(text(Patients::SearchText).default(""))
                // Row version for optimistic locking (ETag / If-Match).
                .col(integer(Patients::Version).default(1))
                .col(timestamp_with_time_zone(Patients::CreatedAt))
                .col(timestamp_with_time_zone(Patients::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_patients_owner")
                        .from(Patients::Table, Patients::OwnerId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        // Every patient query is scoped to its owner and ordered by id.
        m.create_index(
            Index::create()
                .name("idx_patients_owner_id")
                .table(Patients::Table)
                .col(Patients::OwnerId)
                .col(Patients::Id)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_patients_owner_gender")
                .table(Patients::Table)
                .col(Patients::OwnerId)
                .col(Patients::Gender)
                .col(Patients::Id)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Patients::Table).to_owned())
            .await
    }
}
