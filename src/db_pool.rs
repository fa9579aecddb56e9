//! The PostgreSQL connection pool, rebuilt with the one option Loco's
//! `database:` config cannot express.
//!
//! Loco's `db::connect` keeps sqlx's default of pinging a connection on
//! *every* checkout: one extra round trip per query, which on a two-query
//! patient read is a third of its database traffic. Here a connection is
//! pinged only after it sat idle for a while (the case where a proxy or a
//! restarted server may have dropped it); a connection broken while hot
//! fails its query, which `errors.rs` answers with 503, and sqlx discards it.
use std::time::Duration;

use loco_rs::{app::AppContext, Result};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseBackend};

/// Idle longer than this, a connection is pinged before it is handed out.
const PING_AFTER_IDLE: Duration = Duration::from_secs(1);

/// Replaces the context's PostgreSQL pool (SQLite keeps Loco's: a ping there
/// is an in-process call, and its PRAGMAs are set by Loco's connect).
///
/// # Errors
/// When the database cannot be reached with the configured options.
pub async fn tune(ctx: &mut AppContext) -> Result<()> {
    if ctx.db.get_database_backend() != DatabaseBackend::Postgres {
        return Ok(());
    }
    let config = &ctx.config.database;
    let mut options = ConnectOptions::new(&config.uri);
    options
        .max_connections(config.max_connections)
        .min_connections(config.min_connections)
        .connect_timeout(Duration::from_millis(config.connect_timeout))
        .idle_timeout(Duration::from_millis(config.idle_timeout))
        .sqlx_logging(config.enable_logging)
        .test_before_acquire_if_idle_for(PING_AFTER_IDLE);
    if let Some(acquire_timeout) = config.acquire_timeout {
        options.acquire_timeout(Duration::from_millis(acquire_timeout));
    }
    let tuned = Database::connect(options).await?;
    if let Some(run_on_start) = &config.run_on_start {
        tuned.execute_unprepared(run_on_start).await?;
    }
    let loco_pool = std::mem::replace(&mut ctx.db, tuned);
    loco_pool.close().await?;
    Ok(())
}
