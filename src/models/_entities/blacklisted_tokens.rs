//! `SeaORM` Entity, in the shape sea-orm-codegen generates from the migrations.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "blacklisted_tokens")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub token_id: i32,
    pub blacklisted_at: DateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::outstanding_tokens::Entity",
        from = "Column::TokenId",
        to = "super::outstanding_tokens::Column::Id",
        on_update = "NoAction",
        on_delete = "Cascade"
    )]
    OutstandingTokens,
}

impl Related<super::outstanding_tokens::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::OutstandingTokens.def()
    }
}
