//! The cost of one Argon2id hash with the server's parameters (the `argon2`
//! crate's defaults: m=19 MiB, t=2, p=1, as `src/models/passwords.rs`), on one
//! thread and on as many threads as the machine has cores. A login verifies
//! one hash, so `cores / seconds per hash` bounds logins per second.
//!
//! `cargo run --release --locked -- [hashes]` (in bench/argon2-cost) prints one JSON line.
use std::{thread, time::Instant};

use argon2::{
    password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Argon2,
};

fn verify_many(hash: &str, count: usize) {
    let parsed = PasswordHash::new(hash).expect("a PHC string");
    for _ in 0..count {
        Argon2::default()
            .verify_password(b"Bench-Load-2024!pw", &parsed)
            .expect("the password verifies");
    }
}

fn main() {
    let count: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(200);
    let cores = thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let salt = SaltString::generate(&mut OsRng);
    let hash = Argon2::default()
        .hash_password(b"Bench-Load-2024!pw", &salt)
        .expect("hashing works")
        .to_string();

    let started = Instant::now();
    verify_many(&hash, count);
    let one_thread = started.elapsed().as_secs_f64() / count as f64;

    let started = Instant::now();
    thread::scope(|scope| {
        for _ in 0..cores {
            scope.spawn(|| verify_many(&hash, count / cores));
        }
    });
    let all_cores = (count / cores * cores) as f64 / started.elapsed().as_secs_f64();

    println!(
        "{{\"hashes\":{count},\"cores\":{cores},\"ms_per_hash\":{:.3},\"ceiling_rps\":{:.1},\"measured_parallel_rps\":{:.1}}}",
        one_thread * 1000.0,
        cores as f64 / one_thread,
        all_cores
    );
}
