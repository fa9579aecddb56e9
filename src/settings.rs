//! The application's own settings, read from the `settings:` block of
//! `config/<env>.yaml` (which is where the environment variables are read).
use std::sync::Arc;

use loco_rs::app::AppContext;
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
