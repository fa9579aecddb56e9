//! Where the counters live: one trait, one implementation per store.
use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicU64, Ordering},
        Mutex,
    },
};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sea_orm::{
    sea_query::{Expr, ExprTrait, OnConflict, Query},
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
};

use super::now_secs;
use crate::models::_entities::throttle_counters;

/// A counter store. `count` adds one hit under `key` (a key per window) and
/// returns the window's total; the key may be forgotten after `window_end`
/// (Unix seconds). An error names its kind only, for the log.
#[async_trait]
pub trait ThrottleStore: Send + Sync {
    fn name(&self) -> &'static str;

    async fn count(&self, key: &str, window_end: u64) -> Result<u64, &'static str>;
}

/// Single process only (the SQLite development default).
#[derive(Default)]
pub struct MemoryStore(Mutex<HashMap<String, u64>>);

#[async_trait]
impl ThrottleStore for MemoryStore {
    fn name(&self) -> &'static str {
        "memory"
    }

    async fn count(&self, key: &str, _window_end: u64) -> Result<u64, &'static str> {
        let mut counters = self.0.lock().map_err(|_| "memory_poisoned")?;
        // Old windows are never read again; dropping them all now and then
        // bounds the memory without tracking each one's end.
        if counters.len() > 100_000 {
            counters.clear();
        }
        let count = counters.entry(key.to_string()).or_insert(0);
        *count += 1;
        Ok(*count)
    }
}

/// Shared by every instance on one PostgreSQL database.
pub struct DatabaseStore {
    db: DatabaseConnection,
    hits: AtomicU64,
}

impl DatabaseStore {
    #[must_use]
    pub fn new(db: DatabaseConnection) -> Self {
        Self {
            db,
            hits: AtomicU64::new(0),
        }
    }

    /// Deletes expired counters now and then (every 1,000th hit of this
    /// process), off the request's path.
    fn sweep_expired(&self) {
        if !self
            .hits
            .fetch_add(1, Ordering::Relaxed)
            .is_multiple_of(1000)
        {
            return;
        }
        let db = self.db.clone();
        tokio::spawn(async move {
            let now = Utc::now().fixed_offset();
            let _ = throttle_counters::Entity::delete_many()
                .filter(throttle_counters::Column::ExpiresAt.lt(now))
                .exec(&db)
                .await;
        });
    }
}

#[async_trait]
impl ThrottleStore for DatabaseStore {
    fn name(&self) -> &'static str {
        "database"
    }

    async fn count(&self, key: &str, window_end: u64) -> Result<u64, &'static str> {
        self.sweep_expired();
        let expires_at =
            DateTime::<Utc>::from_timestamp(i64::try_from(window_end).unwrap_or(i64::MAX), 0)
                .unwrap_or_default()
                .fixed_offset();
        let upsert = Query::insert()
            .into_table(throttle_counters::Entity)
            .columns([
                throttle_counters::Column::Key,
                throttle_counters::Column::Count,
                throttle_counters::Column::ExpiresAt,
            ])
            .values([key.into(), 1.into(), expires_at.into()])
            .map_err(|_| "database_statement")?
            .on_conflict(
                OnConflict::column(throttle_counters::Column::Key)
                    .value(
                        throttle_counters::Column::Count,
                        Expr::col((throttle_counters::Entity, throttle_counters::Column::Count))
                            .add(1),
                    )
                    .to_owned(),
            )
            .returning_col(throttle_counters::Column::Count)
            .to_owned();
        let row = self
            .db
            .query_one(&upsert)
            .await
            .map_err(|_| "database")?
            .ok_or("database_no_row")?;
        let count: i32 = row.try_get("", "count").map_err(|_| "database_decode")?;
        Ok(u64::try_from(count).unwrap_or(0))
    }
}

/// Shared by every instance that reaches one Redis.
pub struct RedisStore(redis::aio::ConnectionManager);

impl RedisStore {
    /// # Errors
    /// A `REDIS_URL` that is no Redis URL, or a Redis that does not answer.
    pub async fn connect(url: &str) -> Result<Self, String> {
        let client =
            redis::Client::open(url).map_err(|err| format!("REDIS_URL is not usable: {err}"))?;
        let manager = redis::aio::ConnectionManager::new(client)
            .await
            .map_err(|err| format!("Redis is unreachable: {err}"))?;
        Ok(Self(manager))
    }
}

#[async_trait]
impl ThrottleStore for RedisStore {
    fn name(&self) -> &'static str {
        "redis"
    }

    async fn count(&self, key: &str, window_end: u64) -> Result<u64, &'static str> {
        let mut connection = self.0.clone();
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

impl sea_orm::ActiveModelBehavior for throttle_counters::ActiveModel {}
