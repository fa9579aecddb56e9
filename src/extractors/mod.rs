//! Request extractors: they turn HTTP into typed inputs and fail with an
//! `ApiError`, so a handler only ever sees what it needs.
pub mod auth;
pub mod client_ip;
pub mod json;
pub mod list;
pub mod record_id;

pub use auth::Auth;
pub use client_ip::ClientIp;
pub use json::JsonBody;
pub use list::{InvalidQuery, ListQuery};
pub use record_id::RecordId;
