//! The binary: `healthcare_backend-cli task ...` on a test's database, with
//! no terminal on stdin (as under cron or CI).
use std::process::{Command, Output, Stdio};

use crate::support::TestApp;

pub struct Run {
    pub status: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// Runs the CLI with `args` in the test environment against `app`'s
/// database; `env` adds variables.
pub fn cli(app: &TestApp, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_healthcare_backend-cli"));
    command
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("LOCO_ENV", "test")
        .env("DATABASE_URL", &app.ctx.config.database.uri)
        .env_remove("SUPERUSER_PASSWORD")
        .env_remove("DEMO_PASSWORD")
        .stdin(Stdio::null());
    for (name, value) in env {
        command.env(name, value);
    }
    let Output {
        status,
        stdout,
        stderr,
    } = command.output().expect("the CLI runs");
    Run {
        status: status.code(),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

impl Run {
    /// Asserts a refusal: exit status 1, `message` on stderr, which ends
    /// with a newline, no panic.
    pub fn refused_with(&self, message: &str) {
        assert_eq!(self.status, Some(1), "{self:?}");
        assert!(self.stderr.contains(message), "{self:?}");
        assert!(self.stderr.ends_with('\n'), "{self:?}");
        assert!(!self.stderr.contains("panicked"), "{self:?}");
        assert!(
            !self.stderr.contains("Message("),
            "Debug formatting: {self:?}"
        );
    }
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "status {:?}\n--- stdout\n{}\n--- stderr\n{}",
            self.status, self.stdout, self.stderr
        )
    }
}
