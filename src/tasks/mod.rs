//! `cargo loco task` commands (operator tasks arrive with the admin issue).
