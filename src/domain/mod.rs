//! Types for the values the service's rules talk about, each defined once:
//! the parsers, the OpenAPI document, the console and the database mapping
//! all read them from here.
mod blood;
mod choice;
pub use blood::KnownBloodGroup;
pub use choice::{BloodGroup, ChoiceField, Gender, Specialization, UnknownChoice};
