//! Typed request and response bodies of resources made with
//! `cargo loco generate scaffold`, one module per resource. The generator
//! writes `<plural>.rs` here and declares it below; `common` holds the types
//! every scaffolded controller names.
pub mod common;
