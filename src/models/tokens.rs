//! JSON Web Tokens and their registry: issuing access/refresh pairs, atomic
//! refresh rotation, and logout. The registry is in the database so every
//! server instance honours every revocation.
use chrono::{DateTime, Duration, FixedOffset, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use sea_orm::{
    sea_query::{Expr, InsertStatement, Query},
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    QueryFilter, Set, TransactionTrait,
};
use serde::{Deserialize, Serialize};

use super::error::{self, violated_unique_key, ModelError, ModelResult};
use super::{
    _entities::{blacklisted_tokens, outstanding_tokens, revoked_access_tokens, token_families},
    now,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenType {
    Access,
    Refresh,
}

/// The claims of both token types, as simplejwt names them.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub token_type: TokenType,
    pub jti: String,
    pub exp: i64,
    pub iat: i64,
    pub user_id: i32,
    /// The token family (one sign-in) the token descends from. Tokens signed
    /// before families existed have none and are refused: their holders
    /// sign in once more.
    pub sid: i32,
}

impl Claims {
    #[must_use]
    pub fn expires_at(&self) -> DateTime<FixedOffset> {
        DateTime::<Utc>::from_timestamp(self.exp, 0)
            .unwrap_or_default()
            .fixed_offset()
    }
}

/// An access token and a refresh token (JWT, HS256).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TokenPair {
    pub access: String,
    pub refresh: String,
}

/// Signing and verification keys, built once from `SECRET_KEY`.
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    access_lifetime: Duration,
    refresh_lifetime: Duration,
    refresh_absolute: Duration,
    reuse_grace: Duration,
}

impl JwtKeys {
    #[must_use]
    pub fn new(secret: &str, access_minutes: i64, refresh_days: i64) -> Self {
        // Only HS256 is accepted: `alg: none` and every other algorithm fail
        // verification. No leeway: an expired token is expired.
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.set_required_spec_claims(&["exp", "iat"]);
        Self {
            encoding: EncodingKey::from_secret(secret.as_bytes()),
            decoding: DecodingKey::from_secret(secret.as_bytes()),
            validation,
            access_lifetime: Duration::minutes(access_minutes),
            refresh_lifetime: Duration::days(refresh_days),
            refresh_absolute: Duration::days(30),
            reuse_grace: Duration::seconds(10),
        }
    }

    /// How long a sign-in's refresh chain may last in all
    /// (`JWT_REFRESH_ABSOLUTE_DAYS`), and how long after rotation spent a
    /// refresh token it may come back without ending its family
    /// (`JWT_REFRESH_REUSE_GRACE_SECONDS`: a client that raced itself).
    #[must_use]
    pub fn with_refresh_limits(mut self, absolute_days: i64, reuse_grace_seconds: i64) -> Self {
        self.refresh_absolute = Duration::days(absolute_days);
        self.reuse_grace = Duration::seconds(reuse_grace_seconds);
        self
    }

    /// When the refresh chain of a sign-in at `signed_in_at` ends.
    #[must_use]
    pub fn chain_ends(&self, signed_in_at: DateTime<FixedOffset>) -> DateTime<FixedOffset> {
        signed_in_at + self.refresh_absolute
    }

    #[must_use]
    pub fn reuse_grace(&self) -> Duration {
        self.reuse_grace
    }

    /// How long after its sign-in a token of a family can still be valid:
    /// the chain's end, plus the lifetime of an access token issued just
    /// before it.
    #[must_use]
    pub fn family_lifetime(&self) -> Duration {
        self.refresh_absolute + self.access_lifetime
    }

    /// # Errors
    /// Only if signing fails, which HS256 with a byte key does not.
    pub fn encode(
        &self,
        family: &token_families::Model,
        token_type: TokenType,
    ) -> ModelResult<(String, Claims)> {
        let issued = Utc::now().fixed_offset();
        let expires = match token_type {
            TokenType::Access => issued + self.access_lifetime,
            // A refresh token never outlives its sign-in's chain.
            TokenType::Refresh => {
                (issued + self.refresh_lifetime).min(self.chain_ends(family.signed_in_at))
            }
        };
        let claims = Claims {
            token_type,
            jti: uuid::Uuid::new_v4().simple().to_string(),
            exp: expires.timestamp(),
            iat: issued.timestamp(),
            user_id: family.user_id,
            sid: family.id,
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|_| ModelError::Fault("signing a token failed"))?;
        Ok((token, claims))
    }

    /// Verifies signature, algorithm, expiry and token type.
    #[must_use]
    pub fn decode(&self, token: &str, expected: TokenType) -> Option<Claims> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .ok()
            .map(|data| data.claims)
            .filter(|claims| claims.token_type == expected)
    }
}

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
