//! Operator tasks: `cargo loco task NAME key:value ...` (or
//! `healthcare_backend-cli task ...`). Each prints what it did. On bad input a
//! task returns an error with a plain message; `src/bin/main.rs` prints it
//! (ending with a newline) and exits with status 1. A prompt whose input
//! ends (Ctrl-D) is such an error too, on a line of its own. Passwords and
//! patient data are never printed.

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

use crate::models::error::ModelError;

/// The error a task ends with when the model refuses its input or the
/// database fails: the field messages of the API, one line each. The one
/// place a task reads a `ModelError`.
pub(crate) fn refused(err: ModelError) -> Error {
    let text = match err {
        ModelError::Invalid(errors) => errors
            .iter()
            .map(|(field, messages)| format!("{field}: {}", messages.join(" ")))
            .collect::<Vec<_>>()
            .join("\n"),
        // The kind only (`Display`): the driver's text can quote a row.
        ModelError::Database(_) => format!(
            "the task failed ({err}); is the database migrated \
             (`cargo loco db migrate`)?"
        ),
        other => format!("the task failed: {other}"),
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

/// The error of a prompt left without an answer: the input ended (Ctrl-D)
/// or could not be read. The terminal echoes no newline then, so one is
/// written to `prompt_line` first: the message then starts on a line of its
/// own instead of after the prompt.
fn unanswered(key: &str, err: &std::io::Error, mut prompt_line: impl Write) -> Error {
    let _ = writeln!(prompt_line).and_then(|()| prompt_line.flush());
    let why = match err.kind() {
        std::io::ErrorKind::UnexpectedEof => "no answer (end of input)".to_string(),
        std::io::ErrorKind::Interrupted => "no answer (interrupted)".to_string(),
        _ => format!("could not be read ({err})"),
    };
    Error::Message(format!("{key}: {why}"))
}

/// Reads one line after printing `label` (for e-mail and name); the end of
/// the input is an error naming `key`, not an empty answer.
pub(crate) fn ask(key: &str, label: &str) -> loco_rs::Result<String> {
    print!("{label}: ");
    std::io::stdout().flush()?;
    let mut line = String::new();
    match std::io::stdin().lock().read_line(&mut line) {
        Ok(0) => {
            let eof = std::io::Error::from(std::io::ErrorKind::UnexpectedEof);
            Err(unanswered(key, &eof, std::io::stdout()))
        }
        Ok(_) => Ok(line.trim().to_string()),
        Err(err) => Err(unanswered(key, &err, std::io::stdout())),
    }
}

/// One password prompt. `rpassword` prompts on the terminal itself
/// (`/dev/tty`), so that is where the prompt's line is ended.
fn ask_password(prompt: &str) -> loco_rs::Result<String> {
    rpassword::prompt_password(prompt).map_err(|err| {
        let terminal = std::fs::OpenOptions::new().write(true).open("/dev/tty");
        match terminal {
            Ok(terminal) => unanswered("password", &err, terminal),
            Err(_) => unanswered("password", &err, std::io::stderr()),
        }
    })
}

/// Reads a new password twice from the terminal, without echo.
pub(crate) fn ask_new_password() -> loco_rs::Result<String> {
    let first = ask_password("Password: ")?;
    let second = ask_password("Password (again): ")?;
    if first != second {
        return Err(Error::Message(
            "password: the two passwords do not match".to_string(),
        ));
    }
    Ok(first)
}
