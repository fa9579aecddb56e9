//! `SeaORM` Entity, in the shape sea-orm-codegen generates from the migrations.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub name: String,
    #[sea_orm(unique)]
    pub email: String,
    pub password_hash: String,
    pub is_active: bool,
    pub is_staff: bool,
    pub is_superuser: bool,
    pub created_at: DateTimeWithTimeZone,
    pub updated_at: DateTimeWithTimeZone,
    pub last_login: Option<DateTimeWithTimeZone>,
    pub sessions_valid_after: Option<DateTimeWithTimeZone>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::patients::Entity")]
    Patients,
    #[sea_orm(has_many = "super::outstanding_tokens::Entity")]
    OutstandingTokens,
    #[sea_orm(has_many = "super::token_families::Entity")]
    TokenFamilies,
}

impl Related<super::patients::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Patients.def()
    }
}

impl Related<super::outstanding_tokens::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::OutstandingTokens.def()
    }
}

impl Related<super::token_families::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::TokenFamilies.def()
    }
}
