//! The authenticated user behind a request. Every scoped query takes a
//! `Caller`: this is the one place where a request's identity meets record
//! access (ownership checks now; the audit trail hooks in here later).
//!
//! An API caller sees their own patients and changes the doctors they
//! created; a staff member in the admin console ([`Caller::staff`]) sees and
//! changes every record.
//!
//! Who a caller is is settled elsewhere (`sessions::authenticate` for a
//! bearer token, the console's session extractor for staff); this type only
//! carries the answer, so it depends on no other model.
use chrono::{DateTime, FixedOffset};
use sea_orm::{ColumnTrait, Condition};

use super::_entities::users;

#[derive(Debug, Clone)]
pub struct Caller {
    pub user: users::Model,
    pub via: Via,
}

/// The door a caller came in by.
#[derive(Debug, Clone)]
pub enum Via {
    /// The API, with the access token the request carried (logout revokes it).
    Api(AccessToken),
    /// The admin console: a staff member, with no ownership limits.
    Console,
}

/// The identity of a verified access token.
#[derive(Debug, Clone)]
pub struct AccessToken {
    pub jti: String,
    pub expires_at: DateTime<FixedOffset>,
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
            via: Via::Console,
        }
    }

    /// A user of the API, signed in with `token`.
    #[must_use]
    pub fn api(user: users::Model, token: AccessToken) -> Self {
        Self {
            user,
            via: Via::Api(token),
        }
    }

    /// Acting through the admin console: no ownership limits.
    #[must_use]
    pub fn in_console(&self) -> bool {
        matches!(self.via, Via::Console)
    }

    /// Limits a query on `owner_column` to the caller's own rows (everything
    /// for staff in the console).
    #[must_use]
    pub fn owned(&self, owner_column: impl ColumnTrait) -> Condition {
        if self.in_console() {
            Condition::all()
        } else {
            Condition::all().add(owner_column.eq(self.id()))
        }
    }

    /// Whether the caller may change a row created by `creator`.
    #[must_use]
    pub fn may_change(&self, creator: Option<i32>) -> bool {
        self.in_console() || creator == Some(self.id())
    }
}
