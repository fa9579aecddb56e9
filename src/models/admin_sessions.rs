//! Admin console sessions, kept in the database so that any instance serves
//! any signed-in operator. The cookie carries a random value; the table holds
//! only its SHA-256, so reading the table opens no session.
use chrono::Duration;
use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection,
    EntityTrait, QueryFilter,
};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

pub use super::_entities::admin_sessions::{ActiveModel, Column, Entity, Model};
use super::error::ModelResult;
use super::{now, users};

/// A session ends this long after sign-in, used or not.
pub const LIFETIME: Duration = Duration::hours(8);

/// How stale the recorded last use may get before a request rewrites it.
/// Writing on every request would make each console page (and each of its
/// requests) a database write; a minute's slack means an idle session may
/// end up to a minute early, never late.
const LAST_SEEN_SLACK: Duration = Duration::minutes(1);

/// 244 random bits, hex: two v4 UUIDs.
#[must_use]
pub fn random_token() -> String {
    format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

fn hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Compares a submitted CSRF token with the expected one in constant time.
#[must_use]
pub fn csrf_matches(expected: &str, submitted: &str) -> bool {
    !expected.is_empty() && bool::from(expected.as_bytes().ct_eq(submitted.as_bytes()))
}

/// Starts a session; returns the cookie value and the session.
///
/// # Errors
/// Database errors.
pub async fn start(db: &DatabaseConnection, user: &users::Model) -> ModelResult<(String, Model)> {
    let token = random_token();
    let started = now();
    let session = ActiveModel {
        token_hash: Set(hash(&token)),
        user_id: Set(user.id),
        csrf_token: Set(random_token()),
        created_at: Set(started),
        expires_at: Set(started + LIFETIME),
        last_seen_at: Set(started),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok((token, session))
}

/// The live session a cookie value names, with its user, if the user may
/// still use the console (active staff). A session is live until its
/// absolute [`LIFETIME`] ends and while it was last used less than
/// `idle_timeout` ago; finding it counts as a use.
///
/// # Errors
/// Database errors.
pub async fn find(
    db: &DatabaseConnection,
    token: &str,
    idle_timeout: Duration,
) -> ModelResult<Option<(Model, users::Model)>> {
    let at = now();
    let found = Entity::find()
        .filter(Column::TokenHash.eq(hash(token)))
        .filter(Column::ExpiresAt.gt(at))
        .filter(Column::LastSeenAt.gt(at - idle_timeout))
        .find_also_related(users::Entity)
        .one(db)
        .await?;
    let Some((session, Some(user))) = found else {
        return Ok(None);
    };
    if !(user.is_active && user.is_staff) {
        return Ok(None);
    }
    if session.last_seen_at < at - LAST_SEEN_SLACK {
        Entity::update_many()
            .col_expr(Column::LastSeenAt, Expr::value(at))
            .filter(Column::Id.eq(session.id))
            .exec(db)
            .await?;
    }
    Ok(Some((session, user)))
}

/// Ends the session a cookie value names (sign-out).
///
/// # Errors
/// Database errors.
pub async fn end(db: &DatabaseConnection, token: &str) -> ModelResult<()> {
    Entity::delete_many()
        .filter(Column::TokenHash.eq(hash(token)))
        .exec(db)
        .await?;
    Ok(())
}

/// Ends every session of a user (deactivation, password reset).
///
/// # Errors
/// Database errors.
pub async fn end_all_for<C: sea_orm::ConnectionTrait>(db: &C, user_id: i32) -> ModelResult<()> {
    Entity::delete_many()
        .filter(Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Deletes the sessions that have expired (`flush_expired_tokens`).
///
/// # Errors
/// Database errors.
pub async fn flush_expired(db: &DatabaseConnection) -> ModelResult<u64> {
    Ok(Entity::delete_many()
        .filter(Column::ExpiresAt.lte(now()))
        .exec(db)
        .await?
        .rows_affected)
}

impl sea_orm::ActiveModelBehavior for ActiveModel {}
