//! `SeaORM` Entity, in the shape sea-orm-codegen generates from the migrations.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mappings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub patient_id: i32,
    pub doctor_id: i32,
    pub is_primary: bool,
    #[sea_orm(column_type = "Text")]
    pub notes: String,
    pub version: i32,
    pub assigned_at: DateTimeWithTimeZone,
    pub updated_at: DateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::patients::Entity",
        from = "Column::PatientId",
        to = "super::patients::Column::Id",
        on_update = "NoAction",
        on_delete = "Cascade"
    )]
    Patients,
    #[sea_orm(
        belongs_to = "super::doctors::Entity",
        from = "Column::DoctorId",
        to = "super::doctors::Column::Id",
        on_update = "NoAction",
        on_delete = "Cascade"
    )]
    Doctors,
}

impl Related<super::patients::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Patients.def()
    }
}

impl Related<super::doctors::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Doctors.def()
    }
}
