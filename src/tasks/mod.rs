//! Operator tasks: `cargo loco task NAME key:value ...` (or
//! `healthcare_backend-cli task ...`). Each prints what it did. On bad input a
//! task returns an error with a plain message; `src/bin/main.rs` prints it and
//! exits with status 1. Passwords and patient data are never printed.

// A task returns `loco_rs::Error`, the framework's (large) error type; its
// helpers return the same so that `?` carries their messages through.
#![allow(clippy::result_large_err)]
pub mod change_password;
pub mod create_superuser;
mod demo_data;
pub mod flush_expired_tokens;
pub mod seed_demo;

use std::io::{BufRead, IsTerminal, Write};

use loco_rs::{task::Vars, Error};

use crate::errors::ApiError;

/// The error a task ends with when the model refuses its input or the
/// database fails: the field messages of the API, one line each.
pub(crate) fn refused(err: ApiError) -> Error {
    let text = match err {
        ApiError::Validation(errors) => errors
            .iter()
            .map(|(field, messages)| format!("{field}: {}", messages.join(" ")))
            .collect::<Vec<_>>()
            .join("\n"),
        ApiError::Unavailable(_) => "the database is unavailable".to_string(),
        other => format!(
            "the task failed ({}); see the log. Is the database migrated \
             (`cargo loco db migrate`)?",
            other.status()
        ),
    };
    Error::Message(text)
}

/// Refuses arguments the task does not take (a typo such as `emial:`).
pub(crate) fn only_args(vars: &Vars, allowed: &[&str]) -> loco_rs::Result<()> {
    let unknown: Vec<&str> = vars
        .cli
        .keys()
        .map(String::as_str)
        .filter(|key| !allowed.contains(key))
        .collect();
    if unknown.is_empty() {
        return Ok(());
    }
    let expected = if allowed.is_empty() {
        "none".to_string()
    } else {
        allowed
            .iter()
            .map(|key| format!("{key}:"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    Err(Error::Message(format!(
        "unknown argument(s): {} (this task takes: {expected})",
        unknown.join(", ")
    )))
}

pub(crate) fn arg<'a>(vars: &'a Vars, key: &str) -> Option<&'a str> {
    vars.cli.get(key).map(String::as_str)
}

/// Whether the task may ask questions (stdin is a terminal).
pub(crate) fn interactive() -> bool {
    std::io::stdin().is_terminal()
}

/// Reads one line after printing `label` (for e-mail and name).
pub(crate) fn ask(label: &str) -> loco_rs::Result<String> {
    print!("{label}: ");
    std::io::stdout().flush()?;
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim().to_string())
}

/// Reads a new password twice from the terminal, without echo.
pub(crate) fn ask_new_password() -> loco_rs::Result<String> {
    let first = rpassword::prompt_password("Password: ")?;
    let second = rpassword::prompt_password("Password (again): ")?;
    if first != second {
        return Err(Error::Message(
            "password: the two passwords do not match".to_string(),
        ));
    }
    Ok(first)
}
