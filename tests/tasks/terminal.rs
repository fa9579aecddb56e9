//! Tasks run on a terminal (a pseudo-terminal from util-linux `script`, as
//! an operator's shell would give them). When the operator ends the input
//! at a prompt (Ctrl-D), the task stops with an error that starts on a line
//! of its own and ends with a newline, instead of running on with an empty
//! answer or leaving the error on the prompt's line.
use std::{
    io::{Read, Write},
    process::{Command, Stdio},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use crate::support::TestApp;

const CTRL_D: &[u8] = b"\x04";

struct Transcript {
    status: Option<i32>,
    text: String,
}

/// Runs `healthcare_backend-cli <args>` on a terminal; once `prompt` is
/// shown, answers Ctrl-D (again every half second while the task still
/// runs: a Ctrl-D typed before a password prompt switches the terminal to
/// raw mode is not seen as one).
fn on_a_terminal(app: &TestApp, args: &[&str], prompt: &str) -> Transcript {
    let command = std::iter::once(env!("CARGO_BIN_EXE_healthcare_backend-cli"))
        .chain(args.iter().copied())
        .map(|word| format!("'{word}'"))
        .collect::<Vec<_>>()
        .join(" ");
    let mut child = Command::new("script")
        .args(["-qefc", &command, "/dev/null"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("LOCO_ENV", "test")
        .env("DATABASE_URL", &app.ctx.config.database.uri)
        .env_remove("SUPERUSER_PASSWORD")
        .env_remove("DEMO_PASSWORD")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("util-linux `script` runs (package bsdutils)");
    let output = Arc::new(Mutex::new(Vec::new()));
    let mut stdout = child.stdout.take().unwrap();
    let reader = {
        let output = Arc::clone(&output);
        std::thread::spawn(move || {
            let mut chunk = [0_u8; 1024];
            while let Ok(n @ 1..) = stdout.read(&mut chunk) {
                output.lock().unwrap().extend_from_slice(&chunk[..n]);
            }
        })
    };
    let mut stdin = child.stdin.take().unwrap();
    let started = Instant::now();
    let text = || String::from_utf8_lossy(&output.lock().unwrap()).into_owned();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status.code();
        }
        if started.elapsed() > Duration::from_secs(60) {
            child.kill().ok();
            child.wait().ok();
            break None;
        }
        if text().contains(prompt) {
            stdin.write_all(CTRL_D).ok();
            stdin.flush().ok();
            std::thread::sleep(Duration::from_millis(500));
        } else {
            std::thread::sleep(Duration::from_millis(50));
        }
    };
    drop(stdin);
    reader.join().unwrap();
    let text = text().replace("\r\n", "\n");
    Transcript { status, text }
}

impl Transcript {
    /// Exit status 1, and `message` on a line of its own ending with a
    /// newline, right after the prompt's line.
    fn stopped_with(&self, prompt: &str, message: &str) {
        assert_eq!(self.status, Some(1), "{}", self.text);
        let line = format!("{prompt}\nerror: {message}\n");
        assert!(self.text.ends_with(&line), "{:?}", self.text);
    }
}

#[tokio::test]
async fn end_of_input_at_a_prompt_stops_the_task_on_a_line_of_its_own() {
    let app = TestApp::spawn().await;
    let cases: [(&[&str], &str, &str); 5] = [
        (
            &["task", "create_superuser"],
            "Email: ",
            "email: no answer (end of input)",
        ),
        (
            &["task", "create_superuser", "email:r@clinic.example"],
            "Name: ",
            "name: no answer (end of input)",
        ),
        (
            &[
                "task",
                "create_superuser",
                "email:r@clinic.example",
                "name:Rosa Root",
            ],
            "Password: ",
            "password: no answer (end of input)",
        ),
        (
            &["task", "change_password", "email:r@clinic.example"],
            "Password: ",
            "password: no answer (end of input)",
        ),
        (
            &["task", "seed_demo"],
            "Password: ",
            "password: no answer (end of input)",
        ),
    ];
    for (args, prompt, message) in cases {
        on_a_terminal(&app, args, prompt).stopped_with(prompt, message);
    }
}
