//! Request throttling: fixed-window counters per client IP, per account and
//! per user, answering 429 with `Retry-After`.
//!
//! The counters must be shared by every server instance, so they live in
//! Redis (when `REDIS_URL` is set) or in the database (PostgreSQL). Only the
//! single-process development default (SQLite) keeps them in memory.
use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicU64, Ordering},
        Mutex,
    },
    time::{SystemTime, UNIX_EPOCH},
};

use chrono::{DateTime, Utc};
use sea_orm::{
    sea_query::{Expr, ExprTrait, OnConflict, Query},
    ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, EntityTrait, QueryFilter,
};
use serde::Deserialize;

use crate::{errors::ApiError, models::_entities::throttle_counters};

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

/// A DRF-style rate: `"10/minute"` (also `s`, `sec`, `m`, `min`, `h`, `hour`, `d`, `day`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub limit: u64,
    pub period_secs: u64,
}

impl Rate {
    /// # Errors
    /// A message naming the malformed rate.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let error = || format!("invalid throttle rate {raw:?}: use N/second|minute|hour|day");
        let (limit, period) = raw.trim().split_once('/').ok_or_else(error)?;
        let limit: u64 = limit.trim().parse().map_err(|_| error())?;
        let period_secs = match period.trim().to_ascii_lowercase().as_str() {
            "s" | "sec" | "second" => 1,
            "m" | "min" | "minute" => 60,
            "h" | "hour" => 3600,
            "d" | "day" => 86_400,
            _ => return Err(error()),
        };
        Ok(Self { limit, period_secs })
    }
}

/// `settings.throttle` in `config/<env>.yaml`; every value has an
/// environment variable (see the README) and its default there.
#[derive(Debug, Clone, Deserialize)]
pub struct ThrottleSettings {
    pub enabled: bool,
    /// `auto` (Redis if `redis_url`, else the database if PostgreSQL, else
    /// memory), `redis`, `database` or `memory`.
    pub backend: String,
    pub redis_url: String,
    /// Namespaces the counters; instances that share limits share it.
    pub key_prefix: String,
    /// Like DRF's `NUM_PROXIES`: how many proxies append to
    /// `X-Forwarded-For`; 0 uses the connection's peer address.
    pub num_proxies: usize,
    pub login_per_ip: String,
    pub login_per_account: String,
    pub register_per_ip: String,
    pub register_per_account: String,
    pub refresh_per_ip: String,
    pub refresh_per_account: String,
    pub api_per_user: String,
}

enum Store {
    /// Single process only (the SQLite development default).
    Memory(Mutex<HashMap<String, u64>>),
    Database(DatabaseConnection),
    Redis(redis::aio::ConnectionManager),
}

pub struct Throttle {
    store: Option<Store>,
    prefix: String,
    num_proxies: usize,
    rates: HashMap<&'static str, Rate>,
    hits: AtomicU64,
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

impl Throttle {
    /// # Errors
    /// A malformed rate, an unknown backend, or an unreachable Redis.
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
        let backend = match settings.backend.as_str() {
            "auto" if !settings.redis_url.is_empty() => "redis",
            "auto" if db.get_database_backend() == DatabaseBackend::Postgres => "database",
            "auto" => "memory",
            other => other,
        };
        let store = if !settings.enabled {
            None
        } else {
            Some(match backend {
                "memory" => Store::Memory(Mutex::new(HashMap::new())),
                "database" => Store::Database(db.clone()),
                "redis" => {
                    let client = redis::Client::open(settings.redis_url.as_str())
                        .map_err(|err| format!("REDIS_URL is not usable: {err}"))?;
                    let manager = redis::aio::ConnectionManager::new(client)
                        .await
                        .map_err(|err| format!("Redis is unreachable: {err}"))?;
                    Store::Redis(manager)
                }
                other => return Err(format!("unknown throttle backend {other:?}")),
            })
        };
        Ok(Self {
            store,
            prefix: settings.key_prefix.clone(),
            num_proxies: settings.num_proxies,
            rates,
            hits: AtomicU64::new(0),
        })
    }

    #[must_use]
    pub fn is_enabled(&self) -> bool {
        self.store.is_some()
    }

    #[must_use]
    pub fn backend_name(&self) -> &'static str {
        match &self.store {
            None => "off",
            Some(Store::Memory(_)) => "memory",
            Some(Store::Database(_)) => "database",
            Some(Store::Redis(_)) => "redis",
        }
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
        let count = match self.count(store, &key, window_end).await {
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

    async fn count(&self, store: &Store, key: &str, window_end: u64) -> Result<u64, &'static str> {
        match store {
            Store::Memory(counters) => {
                let mut counters = counters.lock().map_err(|_| "memory_poisoned")?;
                if counters.len() > 100_000 {
                    counters.clear();
                }
                let count = counters.entry(key.to_string()).or_insert(0);
                *count += 1;
                Ok(*count)
            }
            Store::Database(db) => {
                self.sweep_expired(db);
                let expires_at = DateTime::<Utc>::from_timestamp(
                    i64::try_from(window_end).unwrap_or(i64::MAX),
                    0,
                )
                .unwrap_or_default()
                .fixed_offset();
                let upsert = Query::insert()
                    .into_table(throttle_counters::Entity)
                    .columns([
                        throttle_counters::Column::Key,
                        throttle_counters::Column::Count,
                        throttle_counters::Column::ExpiresAt,
                    ])
                    .values_panic([key.into(), 1.into(), expires_at.into()])
                    .on_conflict(
                        OnConflict::column(throttle_counters::Column::Key)
                            .value(
                                throttle_counters::Column::Count,
                                Expr::col((
                                    throttle_counters::Entity,
                                    throttle_counters::Column::Count,
                                ))
                                .add(1),
                            )
                            .to_owned(),
                    )
                    .returning_col(throttle_counters::Column::Count)
                    .to_owned();
                let row = db
                    .query_one(&upsert)
                    .await
                    .map_err(|_| "database")?
                    .ok_or("database_no_row")?;
                let count: i32 = row.try_get("", "count").map_err(|_| "database_decode")?;
                Ok(u64::try_from(count).unwrap_or(0))
            }
            Store::Redis(manager) => {
                let mut connection = manager.clone();
                let ttl = Ord::max(window_end.saturating_sub(now_secs()), 1);
                let (count,): (u64,) = redis::pipe()
                    .atomic()
                    .incr(key, 1)
                    .expire(key, i64::try_from(ttl).unwrap_or(60))
                    .ignore()
                    .query_async(&mut connection)
                    .await
                    .map_err(|_| "redis")?;
                Ok(count)
            }
        }
    }

    /// Deletes expired database counters now and then (every 1,000th hit of
    /// this process), off the request's path.
    fn sweep_expired(&self, db: &DatabaseConnection) {
        if !self
            .hits
            .fetch_add(1, Ordering::Relaxed)
            .is_multiple_of(1000)
        {
            return;
        }
        let db = db.clone();
        tokio::spawn(async move {
            let now = Utc::now().fixed_offset();
            let _ = throttle_counters::Entity::delete_many()
                .filter(throttle_counters::Column::ExpiresAt.lt(now))
                .exec(&db)
                .await;
        });
    }
}

impl sea_orm::ActiveModelBehavior for throttle_counters::ActiveModel {}

#[cfg(test)]
mod tests {
    use super::Rate;

    #[test]
    fn rates_read_like_drf() {
        assert_eq!(
            Rate::parse("10/minute"),
            Ok(Rate {
                limit: 10,
                period_secs: 60
            })
        );
        assert_eq!(Rate::parse(" 5 / s ").map(|r| r.period_secs), Ok(1));
        assert_eq!(Rate::parse("1000/day").map(|r| r.limit), Ok(1000));
        assert!(Rate::parse("ten/minute").is_err());
        assert!(Rate::parse("10/fortnight").is_err());
        assert!(Rate::parse("10").is_err());
    }
}
