use serde::Serialize;
use utoipa::ToSchema;

use super::timestamp;
use crate::models::{jwt::TokenPair, users};

/// `GET /api/auth/me/` and the `user` of a registration.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserProfile {
    pub id: i32,
    pub name: String,
    #[schema(format = Email)]
    pub email: String,
    #[schema(format = DateTime)]
    pub created_at: String,
}

impl From<&users::Model> for UserProfile {
    fn from(user: &users::Model) -> Self {
        Self {
            id: user.id,
            name: user.name.clone(),
            email: user.email.clone(),
            created_at: timestamp(&user.created_at),
        }
    }
}

/// The `user` of a login, as the seed shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserSummary {
    pub id: i32,
    pub name: String,
    #[schema(format = Email)]
    pub email: String,
}

/// `POST /api/auth/password/change/`: the pair of the session that goes on.
#[derive(Debug, Serialize, ToSchema)]
pub struct PasswordChanged {
    pub tokens: TokenPair,
}

#[derive(Debug, Serialize)]
pub struct Session<U: Serialize> {
    pub user: U,
    pub tokens: TokenPair,
}

#[must_use]
pub fn registered(user: &users::Model, tokens: TokenPair) -> Session<UserProfile> {
    Session {
        user: user.into(),
        tokens,
    }
}

#[must_use]
pub fn logged_in(user: &users::Model, tokens: TokenPair) -> Session<UserSummary> {
    Session {
        user: UserSummary {
            id: user.id,
            name: user.name.clone(),
            email: user.email.clone(),
        },
        tokens,
    }
}
