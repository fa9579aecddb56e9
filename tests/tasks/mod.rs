//! Operator tasks, run the way `cargo loco task` runs them (Loco's
//! `run_task` on a booted context) and as the real binary, for exit status
//! and output.
mod accounts;
mod cli;
mod flush_expired_tokens;
mod scheduler;
mod seed_demo;
mod terminal;

use healthcare_backend::app::App;
use loco_rs::{boot::run_task, task::Vars};

use crate::support::TestApp;

/// Runs task `name` with `args` (`key:value` pairs) in-process.
pub async fn run(app: &TestApp, name: &str, args: &[(&str, &str)]) -> loco_rs::Result<()> {
    let vars = Vars::from_cli_args(
        args.iter()
            .map(|(key, value)| ((*key).to_string(), (*value).to_string()))
            .collect(),
    );
    run_task::<App>(&app.ctx, Some(&name.to_string()), &vars).await
}

/// The message of a failed task.
pub async fn refusal(app: &TestApp, name: &str, args: &[(&str, &str)]) -> String {
    match run(app, name, args).await {
        Ok(()) => panic!("{name} {args:?} succeeded"),
        Err(err) => err.to_string(),
    }
}
