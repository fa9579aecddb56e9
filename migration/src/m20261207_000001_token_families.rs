//! Sessions that can be ended: every sign-in starts a token family (RFC 9700
//! §4.14) that each refresh token and access token names in its `sid` claim,
//! and each user gets a cutoff: a family that began before it is over.
//!
//! - `token_families.signed_in_at` carries the sign-in time through every
//!   rotation (the absolute lifetime is counted from it);
//! - `token_families.revoked_at` is set when a spent refresh token of the
//!   family is presented again after the grace (reuse detection);
//! - `users.sessions_valid_after` moves on a password change, a console
//!   reset, deactivation and "log out everywhere".
use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261126_000001_users::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum TokenFamilies {
    Table,
    Id,
    UserId,
    SignedInAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum SessionCutoff {
    SessionsValidAfter,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(TokenFamilies::Table)
                .col(pk_auto(TokenFamilies::Id))
                .col(integer(TokenFamilies::UserId))
                .col(timestamp_with_time_zone(TokenFamilies::SignedInAt))
                .col(timestamp_with_time_zone_null(TokenFamilies::RevokedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_token_families_user")
                        .from(TokenFamilies::Table, TokenFamilies::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_token_families_user")
                .table(TokenFamilies::Table)
                .col(TokenFamilies::UserId)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Users::Table)
                .add_column(timestamp_with_time_zone_null(
                    SessionCutoff::SessionsValidAfter,
                ))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Users::Table)
                .drop_column(SessionCutoff::SessionsValidAfter)
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table(TokenFamilies::Table).to_owned())
            .await
    }
}
