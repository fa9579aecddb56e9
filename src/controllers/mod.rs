//! Thin HTTP handlers: extract, call the model, render a view.
pub mod admin;
pub mod auth;
pub mod docs;
pub mod doctors;
pub mod health;
pub mod mappings;
pub mod patients;
