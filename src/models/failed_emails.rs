//! The record of e-mails given up on (see `workers::mail`).
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DbErr};

pub use super::_entities::failed_emails::{ActiveModel, Column, Entity, Model};
use super::now;

/// The longest error text kept (an SMTP reply can be long).
const MAX_ERROR_CHARS: usize = 1_000;

/// Records that an e-mail of `kind` for `user_id` failed `attempts` times.
///
/// # Errors
/// Database errors.
pub async fn record<C: ConnectionTrait>(
    db: &C,
    kind: &str,
    user_id: Option<i32>,
    reference_id: Option<i32>,
    attempts: u32,
    last_error: &str,
) -> Result<Model, DbErr> {
    ActiveModel {
        kind: Set(kind.to_string()),
        user_id: Set(user_id),
        reference_id: Set(reference_id),
        attempts: Set(i32::try_from(attempts).unwrap_or(i32::MAX)),
        last_error: Set(last_error.chars().take(MAX_ERROR_CHARS).collect()),
        failed_at: Set(now()),
        ..Default::default()
    }
    .insert(db)
    .await
}

impl sea_orm::ActiveModelBehavior for ActiveModel {}
