mod auth;
mod config;
mod constraints;
mod doctors;
mod envelope;
mod listing;
mod mappings;
mod patients;
