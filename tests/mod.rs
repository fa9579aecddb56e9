//! The integration suite: one test binary (one link) for every module.
//! Each test boots the app on a database of its own (see `support`), so the
//! tests run in parallel on SQLite and on PostgreSQL alike.
mod models;
mod requests;
mod support;
mod tasks;
mod workers;
