//! The record of every change made through the admin console: who, what,
//! when, from where, and the record before and after. Append-only: nothing
//! in the application updates or deletes a row.
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DatabaseConnection, EntityTrait,
    QueryOrder,
};
use serde_json::Value;

pub use super::_entities::admin_log::{ActiveModel, Column, Entity, Model};
use super::error::{FieldErrors, ModelResult};
use super::{
    listing::{self, Page, PageRequest, QueryParams},
    now, users,
};

/// One change, as the console records it.
pub struct Change<'a> {
    pub actor: &'a users::Model,
    pub ip: &'a str,
    pub action: &'a str,
    pub object_type: &'a str,
    pub object_id: i32,
    pub object_repr: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// Appends a change (inside the caller's transaction when given one).
///
/// # Errors
/// Database errors.
pub async fn record<C: ConnectionTrait>(db: &C, change: Change<'_>) -> ModelResult<()> {
    let repr: String = change.object_repr.chars().take(300).collect();
    ActiveModel {
        actor_id: Set(Some(change.actor.id)),
        actor_email: Set(change.actor.email.clone()),
        action: Set(change.action.to_string()),
        object_type: Set(change.object_type.to_string()),
        object_id: Set(change.object_id),
        object_repr: Set(repr),
        before: Set(change.before.map(|v| v.to_string())),
        after: Set(change.after.map(|v| v.to_string())),
        ip: Set(change.ip.chars().take(64).collect()),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The newest changes first.
///
/// # Errors
/// 400 for a bad page parameter.
pub async fn list(db: &DatabaseConnection, params: &QueryParams) -> ModelResult<Page<Model>> {
    let mut errors = FieldErrors::new();
    let page = PageRequest::parse(params, &mut errors);
    errors.into_result()?;
    let select = Entity::find().order_by_desc(Column::Id);
    listing::paginate(db, select, page).await
}

impl sea_orm::ActiveModelBehavior for ActiveModel {}
