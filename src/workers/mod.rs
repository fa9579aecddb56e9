//! Background workers, run by `cargo loco start --worker` (or
//! `--server-and-worker`) from the job queue.
pub mod mail;
