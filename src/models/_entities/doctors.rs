//! `SeaORM` Entity, in the shape sea-orm-codegen generates from the migrations.

use sea_orm::entity::prelude::*;

use crate::domain::Specialization;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "doctors")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub created_by: Option<i32>,
    pub first_name: String,
    pub last_name: String,
    #[sea_orm(unique)]
    pub email: String,
    pub phone: String,
    // Typed by hand (codegen writes `String`): the migration's check
    // constraint holds the column to the domain's list.
    pub specialization: Specialization,
    #[sea_orm(unique)]
    pub license_number: String,
    pub years_of_experience: i32,
    pub qualification: String,
    #[sea_orm(column_type = "Text")]
    pub bio: String,
    pub consultation_fee_cents: i64,
    pub is_available: bool,
    pub hospital_name: String,
    pub city: String,
    pub city_key: String,
    pub state: String,
    pub country: String,
    #[sea_orm(column_type = "Text")]
    pub search_text: String,
    pub version: i32,
    pub created_at: DateTimeWithTimeZone,
    pub updated_at: DateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::users::Entity",
        from = "Column::CreatedBy",
        to = "super::users::Column::Id",
        on_update = "NoAction",
        on_delete = "SetNull"
    )]
    Users,
    #[sea_orm(has_many = "super::mappings::Entity")]
    Mappings,
}

impl Related<super::users::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Users.def()
    }
}

impl Related<super::mappings::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Mappings.def()
    }
}
