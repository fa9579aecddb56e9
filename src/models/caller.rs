//! The authenticated user behind a request. Every scoped query takes a
//! `Caller`: this is the one place where a request's identity meets record
//! access (ownership checks now; the audit trail hooks in here later).
//!
//! An API caller sees their own patients and changes the doctors they
//! created; a staff member in the admin console ([`Caller::staff`]) sees and
//! changes every record.
use chrono::{DateTime, FixedOffset};
use sea_orm::{
    sea_query::{Expr, ExprTrait, Query},
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter,
};

use super::error::{ModelError, ModelResult};
use super::{
    _entities::{revoked_access_tokens, users},
    sessions,
    tokens::{JwtKeys, TokenType},
};

#[derive(Debug, Clone)]
pub struct Caller {
    pub user: users::Model,
    /// The access token this request carried (logout revokes it).
    pub access_jti: String,
    pub access_expires_at: DateTime<FixedOffset>,
    /// Acting through the admin console: no ownership limits.
    pub staff_console: bool,
}

impl Caller {
    #[must_use]
    pub fn id(&self) -> i32 {
        self.user.id
    }

    /// A staff member acting in the admin console (the session extractor
    /// checked `is_staff`).
    #[must_use]
    pub fn staff(user: users::Model) -> Self {
        Self {
            user,
            access_jti: String::new(),
            access_expires_at: DateTime::<chrono::Utc>::MIN_UTC.fixed_offset(),
            staff_console: true,
        }
    }

    /// Limits a query on `owner_column` to the caller's own rows (everything
    /// for staff in the console).
    #[must_use]
    pub fn owned(&self, owner_column: impl ColumnTrait) -> Condition {
        if self.staff_console {
            Condition::all()
        } else {
            Condition::all().add(owner_column.eq(self.id()))
        }
    }

    /// Whether the caller may change a row created by `creator`.
    #[must_use]
    pub fn may_change(&self, creator: Option<i32>) -> bool {
        self.staff_console || creator == Some(self.id())
    }

    /// Verifies a bearer access token and loads its user in one indexed
    /// query that also refuses a revoked token and a session that has ended
    /// (see [`sessions`]).
    ///
    /// # Errors
    /// 401 for a bad, expired, wrong-type or revoked token, an ended
    /// session, and a user who is gone or inactive.
    pub async fn authenticate(
        db: &DatabaseConnection,
        keys: &JwtKeys,
        token: &str,
    ) -> ModelResult<Self> {
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
            .filter(Expr::exists(sessions::live_family(claims.sid)))
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
        Ok(Self {
            access_expires_at: claims.expires_at(),
            access_jti: claims.jti,
            user,
            staff_console: false,
        })
    }
}
