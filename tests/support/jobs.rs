//! The job queue in tests: a queue in each test's own database, a look at its
//! jobs, and a worker run inside the test (Loco's own queue loop, the one
//! `cargo loco start --worker` runs), stopped once the queue is drained.
use std::{
    future::Future,
    time::{Duration, Instant},
};

use healthcare_backend::workers::mail::MailWorker;
use loco_rs::{app::AppContext, bgworker::BackgroundWorker, config::QueueConfig};
use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
use serde_json::{json, Value};

/// The queue for a test database: its `pg_loco_queue` or `sqlt_loco_queue`.
pub fn queue_config(database_url: &str) -> QueueConfig {
    let kind = if database_url.starts_with("postgres") {
        "Postgres"
    } else {
        "Sqlite"
    };
    from_json(json!({ "kind": kind, "uri": database_url }))
}

/// A Redis queue.
pub fn redis_queue_config(url: &str) -> QueueConfig {
    from_json(json!({ "kind": "Redis", "uri": url }))
}

fn from_json(config: Value) -> QueueConfig {
    let mut config = config;
    config["num_workers"] = json!(1);
    config["poll_interval_sec"] = json!(1);
    config["max_connections"] = json!(2);
    serde_json::from_value(config).expect("queue config")
}

/// A job as the queue table holds it.
#[derive(Debug, Clone)]
pub struct QueuedJob {
    pub name: String,
    pub status: String,
    pub data: Value,
}

/// Every job in the database queue, oldest first.
pub async fn queued_jobs(ctx: &AppContext) -> Vec<QueuedJob> {
    let backend = ctx.db.get_database_backend();
    let sql = match backend {
        DatabaseBackend::Postgres => {
            "SELECT name, status, task_data::text AS data FROM pg_loco_queue ORDER BY id"
        }
        _ => {
            "SELECT name, status, CAST(task_data AS TEXT) AS data FROM sqlt_loco_queue ORDER BY id"
        }
    };
    let rows = ctx
        .db
        .query_all_raw(Statement::from_string(backend, sql))
        .await
        .expect("read the queue");
    rows.iter()
        .map(|row| QueuedJob {
            name: row.try_get("", "name").expect("name"),
            status: row.try_get("", "status").expect("status"),
            data: serde_json::from_str(&row.try_get::<String>("", "data").expect("data"))
                .expect("job data is JSON"),
        })
        .collect()
}

/// Runs the mail worker, built from `worker_ctx` (whose mailer may differ),
/// over `ctx`'s queue until `done` holds, then stops it.
pub async fn run_worker_until<F, Fut>(ctx: &AppContext, worker_ctx: &AppContext, done: F)
where
    F: Fn() -> Fut,
    Fut: Future<Output = bool>,
{
    let queue = ctx
        .queue_provider
        .clone()
        .expect("workers.mode BackgroundQueue has a queue");
    queue
        .register(MailWorker::build(worker_ctx))
        .await
        .expect("register the mail worker");
    let runner = {
        let queue = queue.clone();
        tokio::spawn(async move { queue.run(vec![]).await })
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    while !done().await {
        assert!(Instant::now() < deadline, "the queue did not drain in 30 s");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    queue.shutdown().expect("stop the worker");
    runner
        .await
        .expect("worker loop joins")
        .expect("worker loop ends cleanly");
}

/// Runs the mail worker until no job is queued or processing.
pub async fn drain(ctx: &AppContext, worker_ctx: &AppContext) {
    run_worker_until(ctx, worker_ctx, || async {
        queued_jobs(ctx)
            .await
            .iter()
            .all(|job| job.status != "queued" && job.status != "processing")
    })
    .await;
}

/// The messages the stub mailer of `ctx` has delivered, as RFC 5322 text
/// with quoted-printable parts decoded (so bodies read as written).
pub fn deliveries(ctx: &AppContext) -> Vec<String> {
    ctx.mailer
        .as_ref()
        .expect("the test config stubs the mailer")
        .deliveries()
        .messages
        .iter()
        .map(|message| decode_quoted_printable(message))
        .collect()
}

/// Soft line breaks (`=` at a line end) removed, `=XX` turned into bytes.
fn decode_quoted_printable(text: &str) -> String {
    let joined = text.replace("=\r\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|pair| std::str::from_utf8(pair).ok())
            .and_then(|pair| u8::from_str_radix(pair, 16).ok());
        match (bytes[i], hex) {
            (b'=', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
