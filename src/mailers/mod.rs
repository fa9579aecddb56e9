//! Mailers: Tera templates rendered and delivered through Loco's mailer.
//! Only the mail worker (`workers::mail`) calls them, never a request.
pub mod account;
pub mod settings;

pub use settings::MailSettings;
