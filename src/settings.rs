//! The application's own settings, read from the `settings:` block of
//! `config/<env>.yaml` (which is where the environment variables are read).
use std::sync::Arc;

use loco_rs::{app::AppContext, environment::Environment};
use serde::Deserialize;

use crate::models::tokens::JwtKeys;

#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    /// Signs every JWT (HS256). `SECRET_KEY`.
    pub secret_key: String,
    /// `JWT_ACCESS_TOKEN_LIFETIME_MINUTES`, default 60.
    pub jwt_access_token_lifetime_minutes: i64,
    /// `JWT_REFRESH_TOKEN_LIFETIME_DAYS`, default 7.
    pub jwt_refresh_token_lifetime_days: i64,
    /// Counts the SQL statements each app instance runs (tests only).
    #[serde(default)]
    pub count_queries: bool,
}

/// The development default of `SECRET_KEY` (config/development.yaml).
pub const DEVELOPMENT_SECRET_KEY: &str = "django-insecure-dev-key-change-me-in-production";

impl Settings {
    /// Refuses a production start with an empty or development signing key:
    /// anyone could forge tokens with it.
    ///
    /// # Errors
    /// A message naming the problem and the fix.
    pub fn check_for(&self, environment: &Environment) -> Result<(), String> {
        if *environment == Environment::Production
            && (self.secret_key.trim().is_empty()
                || self.secret_key == DEVELOPMENT_SECRET_KEY
                || self.secret_key.starts_with("django-insecure"))
        {
            return Err(
                "SECRET_KEY is empty or the development key: production refuses to \
                        start. Set SECRET_KEY to a long random value."
                    .to_string(),
            );
        }
        Ok(())
    }
}

/// What the request path needs at hand, built once at boot and kept in the
/// context's shared store: it is immutable, so every instance derives the
/// same from the same configuration.
#[derive(Clone)]
pub struct Runtime {
    pub jwt: Arc<JwtKeys>,
}

impl Runtime {
    /// # Panics
    /// If the boot hook did not install it (a programming error).
    #[must_use]
    pub fn from_context(ctx: &AppContext) -> Self {
        ctx.shared_store
            .get::<Self>()
            .expect("Runtime is installed by App::after_context")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_key(key: &str) -> Settings {
        Settings {
            secret_key: key.to_string(),
            jwt_access_token_lifetime_minutes: 60,
            jwt_refresh_token_lifetime_days: 7,
            count_queries: false,
        }
    }

    #[test]
    fn production_refuses_an_empty_or_development_secret_key() {
        let production = Environment::Production;
        assert!(with_key("").check_for(&production).is_err());
        assert!(with_key(DEVELOPMENT_SECRET_KEY)
            .check_for(&production)
            .is_err());
        assert!(with_key("k3Jx-long-random-value-9f2a")
            .check_for(&production)
            .is_ok());
        assert!(with_key(DEVELOPMENT_SECRET_KEY)
            .check_for(&Environment::Development)
            .is_ok());
    }
}
