//! How the account e-mails are sent: read from `settings.mail`, used by the
//! mail worker. Here, beside the mailers, so that the settings module and
//! the worker both depend on it rather than on each other.
use serde::Deserialize;

/// `settings.mail` in `config/<env>.yaml`.
#[derive(Debug, Clone, Deserialize)]
pub struct MailSettings {
    /// The `From` of every e-mail (`MAIL_FROM`).
    pub from: String,
    /// Where recipients sign in; links in e-mails start here (`PUBLIC_URL`).
    pub public_url: String,
    /// Tries per e-mail before it is recorded as failed (`MAIL_MAX_ATTEMPTS`).
    pub max_attempts: u32,
    /// The first retry waits this long, each later one twice the one before
    /// (`MAIL_RETRY_BACKOFF_MS`).
    pub retry_backoff_ms: u64,
}
