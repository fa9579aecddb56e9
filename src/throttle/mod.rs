//! Request throttling: fixed-window counters per client IP, per account and
//! per user, answering 429 with `Retry-After`.
//!
//! The counters must be shared by every server instance, so they live in
//! Redis (when `REDIS_URL` is set) or in the database (PostgreSQL). Only the
//! single-process development default (SQLite) keeps them in memory.
use std::{
    collections::HashMap,
    time::{SystemTime, UNIX_EPOCH},
};

use sea_orm::{DatabaseBackend, DatabaseConnection};

use crate::errors::ApiError;

mod settings;
mod store;

pub use settings::{Rate, ThrottleBackend, ThrottleSettings};
pub use store::{DatabaseStore, MemoryStore, RedisStore, ThrottleStore};

/// What is being counted, and by what.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    LoginIp,
    LoginAccount,
    RegisterIp,
    RegisterAccount,
    RefreshIp,
    RefreshAccount,
    ApiUser,
}

impl Scope {
    fn name(self) -> &'static str {
        match self {
            Self::LoginIp => "login-ip",
            Self::LoginAccount => "login-account",
            Self::RegisterIp => "register-ip",
            Self::RegisterAccount => "register-account",
            Self::RefreshIp => "refresh-ip",
            Self::RefreshAccount => "refresh-account",
            Self::ApiUser => "api-user",
        }
    }
}

pub struct Throttle {
    /// `None` when throttling is off.
    store: Option<Box<dyn ThrottleStore>>,
    prefix: String,
    num_proxies: usize,
    rates: HashMap<&'static str, Rate>,
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

impl Throttle {
    /// # Errors
    /// A malformed rate, or an unreachable Redis.
    pub async fn new(settings: &ThrottleSettings, db: &DatabaseConnection) -> Result<Self, String> {
        let mut rates = HashMap::new();
        for (scope, raw) in [
            (Scope::LoginIp, &settings.login_per_ip),
            (Scope::LoginAccount, &settings.login_per_account),
            (Scope::RegisterIp, &settings.register_per_ip),
            (Scope::RegisterAccount, &settings.register_per_account),
            (Scope::RefreshIp, &settings.refresh_per_ip),
            (Scope::RefreshAccount, &settings.refresh_per_account),
            (Scope::ApiUser, &settings.api_per_user),
        ] {
            rates.insert(scope.name(), Rate::parse(raw)?);
        }
        let store: Option<Box<dyn ThrottleStore>> = if settings.enabled {
            Some(match settings.backend {
                ThrottleBackend::Redis => Box::new(RedisStore::connect(&settings.redis_url).await?),
                ThrottleBackend::Auto if !settings.redis_url.is_empty() => {
                    Box::new(RedisStore::connect(&settings.redis_url).await?)
                }
                ThrottleBackend::Database => Box::new(DatabaseStore::new(db.clone())),
                ThrottleBackend::Auto if db.get_database_backend() == DatabaseBackend::Postgres => {
                    Box::new(DatabaseStore::new(db.clone()))
                }
                ThrottleBackend::Auto | ThrottleBackend::Memory => Box::new(MemoryStore::default()),
            })
        } else {
            None
        };
        Ok(Self {
            store,
            prefix: settings.key_prefix.clone(),
            num_proxies: settings.num_proxies,
            rates,
        })
    }

    #[must_use]
    pub fn is_enabled(&self) -> bool {
        self.store.is_some()
    }

    #[must_use]
    pub fn backend_name(&self) -> &'static str {
        self.store.as_ref().map_or("off", |store| store.name())
    }

    #[must_use]
    pub fn num_proxies(&self) -> usize {
        self.num_proxies
    }

    /// Counts one request of `scope` by `ident`.
    ///
    /// # Errors
    /// 429 with the seconds until the window ends, once over the limit.
    pub async fn hit(&self, scope: Scope, ident: &str) -> Result<(), ApiError> {
        let Some(store) = &self.store else {
            return Ok(());
        };
        let Some(rate) = self.rates.get(scope.name()).copied() else {
            return Ok(());
        };
        let now = now_secs();
        let window = now / rate.period_secs;
        let window_end = (window + 1) * rate.period_secs;
        let key = format!("{}:{}:{ident}:{window}", self.prefix, scope.name());
        let count = match store.count(&key, window_end).await {
            Ok(count) => count,
            // A broken counter store must not take the API down with it:
            // the request goes through, and the failure is logged.
            Err(kind) => {
                tracing::error!(error.kind = kind, "throttle store unavailable");
                return Ok(());
            }
        };
        if count > rate.limit {
            Err(ApiError::TooManyRequests {
                retry_after_secs: Ord::max(window_end.saturating_sub(now), 1),
            })
        } else {
            Ok(())
        }
    }
}
