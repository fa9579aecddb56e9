//! The admin console: server-side sessions (so any instance can serve any
//! signed-in operator) and the record of every change made through it.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum AdminSessions {
    Table,
    Id,
    /// SHA-256 of the cookie's random value: a leaked table opens no session.
    TokenHash,
    UserId,
    CsrfToken,
    CreatedAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum AdminLog {
    Table,
    Id,
    ActorId,
    ActorEmail,
    Action,
    ObjectType,
    ObjectId,
    ObjectRepr,
    Before,
    After,
    Ip,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(AdminSessions::Table)
                .col(pk_auto(AdminSessions::Id))
                .col(string_len_uniq(AdminSessions::TokenHash, 64))
                .col(integer(AdminSessions::UserId))
                .col(string_len(AdminSessions::CsrfToken, 64))
                .col(timestamp_with_time_zone(AdminSessions::CreatedAt))
                .col(timestamp_with_time_zone(AdminSessions::ExpiresAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_admin_sessions_user")
                        .from(AdminSessions::Table, AdminSessions::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_admin_sessions_expires_at")
                .table(AdminSessions::Table)
                .col(AdminSessions::ExpiresAt)
                .to_owned(),
        )
        .await?;
        // The actor is kept by e-mail too: the record outlives a deleted user.
        m.create_table(
            Table::create()
                .table(AdminLog::Table)
                .col(pk_auto(AdminLog::Id))
                .col(integer_null(AdminLog::ActorId))
                .col(string_len(AdminLog::ActorEmail, 254))
                .col(string_len(AdminLog::Action, 40))
                .col(string_len(AdminLog::ObjectType, 40))
                .col(integer(AdminLog::ObjectId))
                .col(string_len(AdminLog::ObjectRepr, 300))
                .col(text_null(AdminLog::Before))
                .col(text_null(AdminLog::After))
                .col(string_len(AdminLog::Ip, 64))
                .col(timestamp_with_time_zone(AdminLog::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_admin_log_actor")
                        .from(AdminLog::Table, AdminLog::ActorId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_admin_log_created_at")
                .table(AdminLog::Table)
                .col(AdminLog::CreatedAt)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(AdminLog::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(AdminSessions::Table).to_owned())
            .await
    }
}
