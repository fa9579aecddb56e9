//! `SeaORM` Entity, in the shape sea-orm-codegen generates from the migrations.

use sea_orm::entity::prelude::*;

use crate::domain::{Gender, KnownBloodGroup};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "patients")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub owner_id: i32,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: String,
    pub date_of_birth: Date,
    // Typed by hand (codegen writes `String`): the migration's check
    // constraints hold these columns to the domain's lists.
    pub gender: Gender,
    pub blood_group: KnownBloodGroup,
    #[sea_orm(column_type = "Text")]
    pub allergies: String,
    #[sea_orm(column_type = "Text")]
    pub medical_history: String,
    #[sea_orm(column_type = "Text")]
    pub current_medications: String,
    pub emergency_contact_name: String,
    pub emergency_contact_phone: String,
    #[sea_orm(column_type = "Text")]
    pub address: String,
    pub city: String,
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
        from = "Column::OwnerId",
        to = "super::users::Column::Id",
        on_update = "NoAction",
        on_delete = "Cascade"
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
