use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261126_000001_users::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum Doctors {
    Table,
    Id,
    CreatedBy,
    FirstName,
    LastName,
    Email,
    Phone,
    Specialization,
    LicenseNumber,
    YearsOfExperience,
    Qualification,
    Bio,
    ConsultationFeeCents,
    IsAvailable,
    HospitalName,
    City,
    CityKey,
    State,
    Country,
    SearchText,
    Version,
    CreatedAt,
    UpdatedAt,
}

const SPECIALIZATIONS: [&str; 22] = [
    "general",
    "cardiology",
    "dermatology",
    "endocrinology",
    "gastroenterology",
    "hematology",
    "infectious_disease",
    "internal_medicine",
    "nephrology",
    "neurology",
    "obstetrics_gynecology",
    "oncology",
    "ophthalmology",
    "orthopedics",
    "pediatrics",
    "psychiatry",
    "pulmonology",
    "radiology",
    "rheumatology",
    "surgery",
    "urology",
    "other",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Doctors::Table)
                .col(pk_auto(Doctors::Id))
                // The directory is shared: a departed creator leaves the record.
                .col(integer_null(Doctors::CreatedBy))
                .col(string_len(Doctors::FirstName, 100))
                .col(string_len(Doctors::LastName, 100))
                .col(string_len_uniq(Doctors::Email, 254))
                .col(string_len(Doctors::Phone, 20).default(""))
                .col(string_len(Doctors::Specialization, 30).check((
                    "ck_doctors_specialization",
                    Expr::col(Doctors::Specialization).is_in(SPECIALIZATIONS),
                )))
                .col(string_len_uniq(Doctors::LicenseNumber, 50))
                .col(integer(Doctors::YearsOfExperience).default(0).check((
                    "ck_doctors_years_of_experience",
                    Expr::col(Doctors::YearsOfExperience).between(0, 80),
                )))
                .col(string_len(Doctors::Qualification, 200).default(""))
                .col(text(Doctors::Bio).default(""))
                // Money as integer cents: exact on both databases (SQLite has
                // no DECIMAL), rendered back as "250.00".
                .col(
                    big_integer(Doctors::ConsultationFeeCents)
                        .default(0)
                        .check((
                            "ck_doctors_consultation_fee",
                            Expr::col(Doctors::ConsultationFeeCents).gte(0),
                        )),
                )
                .col(boolean(Doctors::IsAvailable).default(true))
                .col(string_len(Doctors::HospitalName, 200).default(""))
                .col(string_len(Doctors::City, 100).default(""))
                // Unicode lower-case of `city`, for the case-insensitive filter.
                .col(string_len(Doctors::CityKey, 100).default(""))
                .col(string_len(Doctors::State, 100).default(""))
                .col(string_len(Doctors::Country, 100).default(""))
                // Lower-cased "first last\u{1f}hospital" (see patients.search_text).
                .col(text(Doctors::SearchText).default(""))
                .col(integer(Doctors::Version).default(1))
                .col(timestamp_with_time_zone(Doctors::CreatedAt))
                .col(timestamp_with_time_zone(Doctors::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_doctors_created_by")
                        .from(Doctors::Table, Doctors::CreatedBy)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
        )
        .await?;
        for (name, col) in [
            ("idx_doctors_specialization", Doctors::Specialization),
            ("idx_doctors_is_available", Doctors::IsAvailable),
            ("idx_doctors_city_key", Doctors::CityKey),
            ("idx_doctors_created_by", Doctors::CreatedBy),
        ] {
            m.create_index(
                Index::create()
                    .name(name)
                    .table(Doctors::Table)
                    .col(col)
                    .col(Doctors::Id)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Doctors::Table).to_owned())
            .await
    }
}
