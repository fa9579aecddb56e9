//! The token registry: issuing access/refresh pairs, atomic refresh
//! rotation, blacklisting and flushing. It lives in the database so every
//! server instance honours every revocation.
use sea_orm::{
    sea_query::{Expr, InsertStatement, Query},
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    QueryFilter, Set, TransactionTrait,
};

use super::error::{self, violated_unique_key, ModelError, ModelResult};
use super::{
    _entities::{blacklisted_tokens, outstanding_tokens, revoked_access_tokens, token_families},
    jwt::{JwtKeys, TokenPair, TokenType},
    now,
};

/// Signs a new access/refresh pair of `family` and registers the refresh
/// token.
///
/// # Errors
/// Database errors.
pub async fn issue_pair<C: ConnectionTrait>(
    db: &C,
    keys: &JwtKeys,
    family: &token_families::Model,
) -> ModelResult<TokenPair> {
    let (access, _) = keys.encode(family, TokenType::Access)?;
    let (refresh, claims) = keys.encode(family, TokenType::Refresh)?;
    outstanding_tokens::ActiveModel {
        user_id: Set(family.user_id),
        jti: Set(claims.jti.clone()),
        created_at: Set(now()),
        expires_at: Set(claims.expires_at()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(TokenPair { access, refresh })
}

/// Puts the refresh token `jti` on the blacklist. `Ok(false)` when it was
/// never issued here or is blacklisted already.
///
/// The insert is the transaction's first statement, so it takes SQLite's
/// write lock at once, and the unique `token_id` lets exactly one of two
/// concurrent spends of the same token succeed on PostgreSQL.
pub(super) async fn spend<C: ConnectionTrait>(db: &C, jti: &str) -> ModelResult<bool> {
    let statement = blacklist_where(Condition::all().add(outstanding_tokens::Column::Jti.eq(jti)))?;
    match db.execute(&statement).await {
        Ok(result) => Ok(result.rows_affected() == 1),
        Err(err) if violated_unique_key(&err) == Some(error::BLACKLISTED_TOKEN) => Ok(false),
        Err(err) => Err(err.into()),
    }
}

/// `INSERT INTO blacklisted_tokens (token_id, blacklisted_at) SELECT id, now
/// FROM outstanding_tokens WHERE <condition>`.
fn blacklist_where(condition: Condition) -> ModelResult<InsertStatement> {
    Ok(Query::insert()
        .into_table(blacklisted_tokens::Entity)
        .columns([
            blacklisted_tokens::Column::TokenId,
            blacklisted_tokens::Column::BlacklistedAt,
        ])
        .select_from(
            Query::select()
                .column(outstanding_tokens::Column::Id)
                .expr(Expr::val(now()))
                .from(outstanding_tokens::Entity)
                .cond_where(condition)
                .to_owned(),
        )
        .map_err(|_| ModelError::Fault("building the blacklist statement failed"))?
        .to_owned())
}

/// Blacklists every refresh token of `user_id` that is still outstanding
/// (not expired, not blacklisted): each of their sessions must sign in again.
///
/// # Errors
/// Database errors.
pub async fn blacklist_all_refresh<C: ConnectionTrait>(db: &C, user_id: i32) -> ModelResult<u64> {
    let statement = blacklist_where(
        Condition::all()
            .add(outstanding_tokens::Column::UserId.eq(user_id))
            .add(outstanding_tokens::Column::ExpiresAt.gt(now()))
            .add(
                outstanding_tokens::Column::Id.not_in_subquery(
                    Query::select()
                        .column(blacklisted_tokens::Column::TokenId)
                        .from(blacklisted_tokens::Entity)
                        .to_owned(),
                ),
            ),
    )?;
    Ok(db.execute(&statement).await?.rows_affected())
}

/// What [`flush_expired`] removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Flushed {
    pub outstanding: u64,
    pub blacklisted: u64,
    pub revoked_access: u64,
}

/// simplejwt's `flushexpiredtokens`: deletes the refresh tokens that have
/// expired (and their blacklist entries), and the revoked access-token ids
/// whose tokens have expired: none of them can be presented any more.
///
/// # Errors
/// Database errors.
pub async fn flush_expired(db: &DatabaseConnection) -> ModelResult<Flushed> {
    let timestamp = now();
    let txn = db.begin().await?;
    // The foreign key cascades these; deleted explicitly so the count is
    // right and nothing depends on SQLite's `foreign_keys` pragma.
    let blacklisted = blacklisted_tokens::Entity::delete_many()
        .filter(
            blacklisted_tokens::Column::TokenId.in_subquery(
                Query::select()
                    .column(outstanding_tokens::Column::Id)
                    .from(outstanding_tokens::Entity)
                    .and_where(outstanding_tokens::Column::ExpiresAt.lte(timestamp))
                    .to_owned(),
            ),
        )
        .exec(&txn)
        .await?
        .rows_affected;
    let outstanding = outstanding_tokens::Entity::delete_many()
        .filter(outstanding_tokens::Column::ExpiresAt.lte(timestamp))
        .exec(&txn)
        .await?
        .rows_affected;
    let revoked_access = revoked_access_tokens::Entity::delete_many()
        .filter(revoked_access_tokens::Column::ExpiresAt.lte(timestamp))
        .exec(&txn)
        .await?
        .rows_affected;
    txn.commit().await?;
    Ok(Flushed {
        outstanding,
        blacklisted,
        revoked_access,
    })
}

impl sea_orm::ActiveModelBehavior for outstanding_tokens::ActiveModel {}
impl sea_orm::ActiveModelBehavior for blacklisted_tokens::ActiveModel {}
impl sea_orm::ActiveModelBehavior for revoked_access_tokens::ActiveModel {}
