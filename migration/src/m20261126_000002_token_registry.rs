//! The JWT registry: every refresh token issued (by `jti`), the blacklist of used
//! or logged-out refresh tokens, and access tokens revoked at logout. It lives in
//! the database so that every server instance sees the same revocations.
use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261126_000001_users::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum OutstandingTokens {
    Table,
    Id,
    UserId,
    Jti,
    CreatedAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum BlacklistedTokens {
    Table,
    Id,
    TokenId,
    BlacklistedAt,
}

#[derive(DeriveIden)]
enum RevokedAccessTokens {
    Table,
    Id,
    UserId,
    Jti,
    RevokedAt,
    ExpiresAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(OutstandingTokens::Table)
                .col(pk_auto(OutstandingTokens::Id))
                .col(integer(OutstandingTokens::UserId))
                .col(string_len_uniq(OutstandingTokens::Jti, 64))
                .col(timestamp_with_time_zone(OutstandingTokens::CreatedAt))
                .col(timestamp_with_time_zone(OutstandingTokens::ExpiresAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_outstanding_tokens_user")
                        .from(OutstandingTokens::Table, OutstandingTokens::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_outstanding_tokens_user")
                .table(OutstandingTokens::Table)
                .col(OutstandingTokens::UserId)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_outstanding_tokens_expires_at")
                .table(OutstandingTokens::Table)
                .col(OutstandingTokens::ExpiresAt)
                .to_owned(),
        )
        .await?;

        // One row per spent refresh token. The unique `token_id` is what makes
        // rotation atomic: of two concurrent refreshes, only one insert wins.
        m.create_table(
            Table::create()
                .table(BlacklistedTokens::Table)
                .col(pk_auto(BlacklistedTokens::Id))
                .col(integer_uniq(BlacklistedTokens::TokenId))
                .col(timestamp_with_time_zone(BlacklistedTokens::BlacklistedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_blacklisted_tokens_token")
                        .from(BlacklistedTokens::Table, BlacklistedTokens::TokenId)
                        .to(OutstandingTokens::Table, OutstandingTokens::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;

        // Access tokens are otherwise stateless; a row here (kept until the
        // token would have expired anyway) refuses one that was logged out.
        m.create_table(
            Table::create()
                .table(RevokedAccessTokens::Table)
                .col(pk_auto(RevokedAccessTokens::Id))
                .col(integer(RevokedAccessTokens::UserId))
                .col(string_len_uniq(RevokedAccessTokens::Jti, 64))
                .col(timestamp_with_time_zone(RevokedAccessTokens::RevokedAt))
                .col(timestamp_with_time_zone(RevokedAccessTokens::ExpiresAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_revoked_access_tokens_user")
                        .from(RevokedAccessTokens::Table, RevokedAccessTokens::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_revoked_access_tokens_expires_at")
                .table(RevokedAccessTokens::Table)
                .col(RevokedAccessTokens::ExpiresAt)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(RevokedAccessTokens::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(BlacklistedTokens::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(OutstandingTokens::Table).to_owned())
            .await
    }
}
