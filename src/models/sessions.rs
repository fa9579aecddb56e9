//! API sessions, and how they end. A sign-in starts a token family (RFC 9700
//! §4.14): every access and refresh token it leads to names the family in
//! its `sid` claim, and rotation keeps the family, so the sign-in time is
//! carried forward. A session is over when
//! - its family was revoked (logout, or a spent refresh token presented
//!   again after the grace: someone else holds a copy),
//! - it began before the user's cutoff (`users.sessions_valid_after`, moved
//!   by a password change, a console reset, deactivation, "log out
//!   everywhere"), or
//! - for refresh, its chain reached `JWT_REFRESH_ABSOLUTE_DAYS`.
//!
//! Everything is in the database, so every instance ends the same sessions
//! at once.
use chrono::{DateTime, FixedOffset};
use sea_orm::{
    sea_query::{Expr, ExprTrait, OnConflict, Query, SelectStatement},
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    QueryFilter, QuerySelect, Set, TransactionTrait,
};

pub use super::_entities::token_families::{ActiveModel, Column, Entity, Model};
use super::error::{ModelError, ModelResult};
use super::{
    _entities::{blacklisted_tokens, outstanding_tokens, revoked_access_tokens, users},
    admin_sessions,
    caller::{AccessToken, Caller, Via},
    jwt::{Claims, JwtKeys, TokenPair, TokenType},
    now, tokens,
};

fn unauthorized(message: &str) -> ModelError {
    ModelError::Unauthenticated(message.to_string())
}

/// Starts the family of a sign-in at `signed_in_at`.
///
/// # Errors
/// Database errors.
pub async fn start<C: ConnectionTrait>(
    db: &C,
    user_id: i32,
    signed_in_at: DateTime<FixedOffset>,
) -> ModelResult<Model> {
    Ok(ActiveModel {
        user_id: Set(user_id),
        signed_in_at: Set(signed_in_at),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// A sign-in: a new family and its first token pair.
///
/// # Errors
/// Database errors.
pub async fn sign_in<C: ConnectionTrait>(
    db: &C,
    keys: &JwtKeys,
    user_id: i32,
) -> ModelResult<TokenPair> {
    let family = start(db, user_id, now()).await?;
    tokens::issue_pair(db, keys, &family).await
}

/// Moves the user's cutoff to now: every token issued before it is refused,
/// on every instance; the outstanding refresh tokens are blacklisted and the
/// console sessions end too. Returns the cutoff.
///
/// # Errors
/// Database errors.
pub async fn end_all<C: ConnectionTrait>(
    db: &C,
    user_id: i32,
) -> ModelResult<DateTime<FixedOffset>> {
    let cutoff = now();
    users::Entity::update_many()
        .col_expr(users::Column::SessionsValidAfter, Expr::val(cutoff))
        .filter(users::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    tokens::blacklist_all_refresh(db, user_id).await?;
    admin_sessions::end_all_for(db, user_id).await?;
    Ok(cutoff)
}

/// Ends one family: its access tokens and its refresh chain.
async fn revoke<C: ConnectionTrait>(db: &C, family_id: i32) -> ModelResult<()> {
    Entity::update_many()
        .col_expr(Column::RevokedAt, Expr::val(now()))
        .filter(Column::Id.eq(family_id))
        .filter(Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// `EXISTS` this subquery when the family `sid` of the user row being read
/// is live: not revoked, and begun at or after the user's cutoff. Part of
/// the one query that authenticates an access token.
#[must_use]
pub fn live_family(sid: i32) -> SelectStatement {
    let cutoff = Expr::col((users::Entity, users::Column::SessionsValidAfter));
    Query::select()
        .expr(Expr::val(1))
        .from(Entity)
        .and_where(Column::Id.eq(sid))
        .and_where(Expr::col((Entity, Column::UserId)).equals((users::Entity, users::Column::Id)))
        .and_where(Column::RevokedAt.is_null())
        .cond_where(
            Condition::any()
                .add(cutoff.clone().is_null())
                .add(Expr::col((Entity, Column::SignedInAt)).gte(cutoff)),
        )
        .to_owned()
}

/// Verifies a bearer access token and loads its user in one indexed
/// query that also refuses a revoked token and a session that has ended
/// (see [`live_family`]).
///
/// # Errors
/// 401 for a bad, expired, wrong-type or revoked token, an ended
/// session, and a user who is gone or inactive.
pub async fn authenticate(
    db: &DatabaseConnection,
    keys: &JwtKeys,
    token: &str,
) -> ModelResult<Caller> {
    let claims = keys.decode(token, TokenType::Access).ok_or_else(|| {
        ModelError::Unauthenticated("Given token not valid for any token type.".to_string())
    })?;
    let revoked = Query::select()
        .expr(Expr::val(1))
        .from(revoked_access_tokens::Entity)
        .and_where(revoked_access_tokens::Column::Jti.eq(claims.jti.as_str()))
        .to_owned();
    let user = users::Entity::find_by_id(claims.user_id)
        .filter(Expr::exists(revoked).not())
        .filter(Expr::exists(live_family(claims.sid)))
        .one(db)
        .await?
        .ok_or_else(|| {
            ModelError::Unauthenticated(
                "Token has been revoked, its session has ended, or its user no longer \
                 exists."
                    .to_string(),
            )
        })?;
    if !user.is_active {
        return Err(ModelError::Unauthenticated("User is inactive.".to_string()));
    }
    let token = AccessToken {
        expires_at: claims.expires_at(),
        jti: claims.jti,
    };
    Ok(Caller::api(user, token))
}

/// Whether a refresh of `family` (of `user`) may go on.
fn check_refresh(keys: &JwtKeys, family: &Model, user: &users::Model) -> ModelResult<()> {
    if !user.is_active {
        return Err(unauthorized("User not found or inactive."));
    }
    let before_cutoff = user
        .sessions_valid_after
        .is_some_and(|cutoff| family.signed_in_at < cutoff);
    if family.revoked_at.is_some() || before_cutoff {
        return Err(unauthorized("Session has ended: sign in again."));
    }
    if now() >= keys.chain_ends(family.signed_in_at) {
        return Err(unauthorized(
            "Session has reached its maximum lifetime: sign in again.",
        ));
    }
    Ok(())
}

/// `POST /api/auth/token/refresh/`: spends the refresh token and issues a new
/// pair in the same family, all or nothing.
///
/// # Errors
/// 401 for a token that is invalid, expired or spent, whose session has
/// ended, or whose user is gone or inactive.
pub async fn rotate(
    db: &DatabaseConnection,
    keys: &JwtKeys,
    refresh: &str,
) -> ModelResult<TokenPair> {
    let claims = keys
        .decode(refresh, TokenType::Refresh)
        .ok_or_else(|| unauthorized("Token is invalid or expired."))?;
    let txn = db.begin().await?;
    if !tokens::spend(&txn, &claims.jti).await? {
        txn.rollback().await?;
        revoke_on_reuse(db, keys, &claims).await?;
        return Err(unauthorized("Token is blacklisted."));
    }
    let found = Entity::find_by_id(claims.sid)
        .find_also_related(users::Entity)
        .one(&txn)
        .await?;
    let (family, user) = match found {
        Some((family, Some(user))) if family.user_id == claims.user_id => (family, user),
        _ => {
            txn.rollback().await?;
            return Err(unauthorized("User not found or inactive."));
        }
    };
    if let Err(refusal) = check_refresh(keys, &family, &user) {
        txn.rollback().await?;
        return Err(refusal);
    }
    let pair = tokens::issue_pair(&txn, keys, &family).await?;
    txn.commit().await?;
    Ok(pair)
}

/// A refresh token that was spent more than the grace ago is back: a copy
/// is in someone else's hands, so its whole family ends. Within the grace it
/// is the owner's client racing itself, and nothing more happens.
async fn revoke_on_reuse(
    db: &DatabaseConnection,
    keys: &JwtKeys,
    claims: &Claims,
) -> ModelResult<()> {
    let spent_at: Option<DateTime<FixedOffset>> = blacklisted_tokens::Entity::find()
        .select_only()
        .column(blacklisted_tokens::Column::BlacklistedAt)
        .inner_join(outstanding_tokens::Entity)
        .filter(outstanding_tokens::Column::Jti.eq(claims.jti.as_str()))
        .into_tuple()
        .one(db)
        .await?;
    if spent_at.is_some_and(|spent_at| now() - spent_at > keys.reuse_grace()) {
        revoke(db, claims.sid).await?;
        tracing::warn!(
            user_id = claims.user_id,
            family = claims.sid,
            "a spent refresh token was presented again: its sign-in is revoked"
        );
    }
    Ok(())
}

/// `POST /api/auth/logout/`: blacklists the caller's refresh token, ends its
/// sign-in, and revokes the access token the call was made with.
///
/// # Errors
/// 400 under `refresh` for a token that is invalid, expired or another
/// user's; 401 for one that is blacklisted (as everywhere).
pub async fn logout(
    db: &DatabaseConnection,
    keys: &JwtKeys,
    caller: &Caller,
    refresh: &str,
) -> ModelResult<()> {
    let claims = keys
        .decode(refresh, TokenType::Refresh)
        .ok_or_else(|| ModelError::invalid("refresh", "Token is invalid or expired."))?;
    if claims.user_id != caller.id() {
        return Err(ModelError::invalid(
            "refresh",
            "Token does not belong to the authenticated user.",
        ));
    }
    let txn = db.begin().await?;
    if !tokens::spend(&txn, &claims.jti).await? {
        txn.rollback().await?;
        return Err(unauthorized("Token is blacklisted."));
    }
    revoke_access(&txn, caller).await?;
    revoke(&txn, claims.sid).await?;
    txn.commit().await?;
    Ok(())
}

/// Refuses the caller's access token from now on. Idempotent: two logouts
/// racing with the same access token (and different refresh tokens) both
/// succeed, where a plain insert would hit the unique `jti`.
async fn revoke_access<C: ConnectionTrait>(db: &C, caller: &Caller) -> ModelResult<()> {
    // The console signs out by ending its own session; it holds no token.
    let Via::Api(token) = &caller.via else {
        return Ok(());
    };
    let mut insert = Query::insert();
    insert
        .into_table(revoked_access_tokens::Entity)
        .columns([
            revoked_access_tokens::Column::UserId,
            revoked_access_tokens::Column::Jti,
            revoked_access_tokens::Column::RevokedAt,
            revoked_access_tokens::Column::ExpiresAt,
        ])
        .values([
            caller.id().into(),
            token.jti.clone().into(),
            now().into(),
            token.expires_at.into(),
        ])
        .map_err(|_| ModelError::Fault("building the revocation statement failed"))?
        .on_conflict(
            OnConflict::column(revoked_access_tokens::Column::Jti)
                .do_nothing()
                .to_owned(),
        );
    db.execute(&insert).await?;
    Ok(())
}

/// Deletes the families no token can use any more (`flush_expired_tokens`):
/// revoked, begun before their user's cutoff, or older than every token they
/// can have issued. A token naming a deleted family is refused, as it was.
///
/// # Errors
/// Database errors.
pub async fn flush_ended(db: &DatabaseConnection, keys: &JwtKeys) -> ModelResult<u64> {
    let before_cutoff = Query::select()
        .column((Entity, Column::Id))
        .from(Entity)
        .inner_join(
            users::Entity,
            Expr::col((users::Entity, users::Column::Id)).equals((Entity, Column::UserId)),
        )
        .and_where(Expr::col((Entity, Column::SignedInAt)).lt(Expr::col((
            users::Entity,
            users::Column::SessionsValidAfter,
        ))))
        .to_owned();
    Ok(Entity::delete_many()
        .filter(
            Condition::any()
                .add(Column::RevokedAt.is_not_null())
                .add(Column::SignedInAt.lt(now() - keys.family_lifetime()))
                .add(Column::Id.in_subquery(before_cutoff)),
        )
        .exec(db)
        .await?
        .rows_affected)
}

/// `POST /api/auth/logout/all/`: ends every session of the caller.
///
/// # Errors
/// Database errors.
pub async fn logout_all(db: &DatabaseConnection, caller: &Caller) -> ModelResult<()> {
    let txn = db.begin().await?;
    end_all(&txn, caller.id()).await?;
    txn.commit().await?;
    Ok(())
}

impl sea_orm::ActiveModelBehavior for ActiveModel {}
