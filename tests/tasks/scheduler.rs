//! `config/scheduler.yaml`: parses, names registered tasks, and Loco's own
//! `scheduler --list` accepts it.
use healthcare_backend::app::App;
use loco_rs::{environment::Environment, scheduler::Scheduler};

use super::cli::cli;
use crate::support::TestApp;

const CONFIG: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/config/scheduler.yaml");

#[tokio::test]
async fn the_scheduler_runs_flush_expired_tokens_daily() {
    let scheduler = Scheduler::from_config::<App>(CONFIG.as_ref(), &Environment::Test)
        .expect("config/scheduler.yaml is valid and names registered tasks");
    let job = &scheduler.jobs["flush_expired_tokens"];
    assert_eq!(job.run, "flush_expired_tokens");
    assert!(!job.shell);
    // sec min hour day-of-month month day-of-week: once a day.
    let fields: Vec<&str> = job.cron.split_whitespace().collect();
    assert_eq!(fields.len(), 6, "{}", job.cron);
    assert!(
        fields[..3].iter().all(|f| f.parse::<u32>().is_ok()),
        "{}",
        job.cron
    );
    assert_eq!(fields[3..], ["*", "*", "*"], "{}", job.cron);

    let app = TestApp::spawn().await;
    let listed = cli(&app, &["scheduler", "--config", CONFIG, "--list"], &[]);
    assert_eq!(listed.status, Some(0), "{listed:?}");
    assert!(listed.stdout.contains("flush_expired_tokens"), "{listed:?}");
}
