//! The application's own settings, read from the `settings:` block of
//! `config/<env>.yaml` (which is where the environment variables are read).
use std::sync::Arc;

use loco_rs::{app::AppContext, environment::Environment};
use serde::Deserialize;

use crate::{
    mailers::MailSettings,
    models::jwt::JwtKeys,
    throttle::{Throttle, ThrottleSettings},
};

/// Every value is required: the defaults are written once, in
/// `config/<env>.yaml` (each beside the environment variable that overrides
/// it), never again here.
#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    /// Signs every JWT (HS256). `SECRET_KEY`.
    pub secret_key: String,
    /// `JWT_ACCESS_TOKEN_LIFETIME_MINUTES`, default 60.
    pub jwt_access_token_lifetime_minutes: i64,
    /// `JWT_REFRESH_TOKEN_LIFETIME_DAYS`, default 7.
    pub jwt_refresh_token_lifetime_days: i64,
    /// `JWT_REFRESH_ABSOLUTE_DAYS`, default 30: how long rotation can keep a
    /// sign-in going.
    pub jwt_refresh_absolute_days: i64,
    /// `JWT_REFRESH_REUSE_GRACE_SECONDS`, default 10: a spent refresh token
    /// presented again later than this revokes its sign-in.
    pub jwt_refresh_reuse_grace_seconds: i64,
    /// `DEBUG` (`True`/`False`, default `True` as in the seed). Production
    /// refuses to start with it on.
    pub debug: String,
    /// `ALLOWED_HOSTS`, comma-separated: `*`, an exact host, or `.example.com`
    /// for the domain and its subdomains.
    pub allowed_hosts: String,
    /// `CORS_ALLOWED_ORIGINS`, comma-separated.
    pub cors_allowed_origins: String,
    /// How long in-flight requests may take to finish after SIGTERM.
    pub shutdown_grace_seconds: u64,
    /// Request throttling (see `crate::throttle`).
    pub throttle: ThrottleSettings,
    /// Counts the SQL statements each app instance runs (tests only).
    pub count_queries: bool,
    /// The account e-mails (see `crate::workers::mail`).
    pub mail: MailSettings,
    /// `ADMIN_IDLE_TIMEOUT_MINUTES`, default 30: an admin console session
    /// unused this long ends (on top of its 8-hour absolute limit).
    pub admin_idle_timeout_minutes: i64,
    /// `SECURE_HSTS_SECONDS` (Django's name), default 0: no HSTS header.
    pub secure_hsts_seconds: u64,
}

fn comma_list(raw: &str) -> Vec<String> {
    raw.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_string)
        .collect()
}

/// The development default of `SECRET_KEY` (config/development.yaml).
pub const DEVELOPMENT_SECRET_KEY: &str = "django-insecure-dev-key-change-me-in-production";

impl Settings {
    /// `DEBUG` read the way Django's settings read it from the environment.
    #[must_use]
    pub fn debug(&self) -> bool {
        matches!(
            self.debug.trim().to_ascii_lowercase().as_str(),
            "true" | "1" | "yes" | "on"
        )
    }

    #[must_use]
    pub fn allowed_hosts(&self) -> Vec<String> {
        comma_list(&self.allowed_hosts)
            .into_iter()
            .map(|host| host.to_ascii_lowercase())
            .collect()
    }

    #[must_use]
    pub fn cors_allowed_origins(&self) -> Vec<String> {
        comma_list(&self.cors_allowed_origins)
    }

    /// The console's idle timeout; at least a minute, so that no value
    /// turns idle logoff off.
    #[must_use]
    pub fn admin_idle_timeout(&self) -> chrono::Duration {
        chrono::Duration::minutes(self.admin_idle_timeout_minutes.max(1))
    }

    /// Refuses a production start with DEBUG on or a weak signing key:
    /// anyone who can guess the key can forge tokens.
    ///
    /// # Errors
    /// A message naming the problem and the fix.
    pub fn check_for(&self, environment: &Environment) -> Result<(), String> {
        if *environment != Environment::Production {
            return Ok(());
        }
        if self.debug() {
            return Err(
                "DEBUG is on: production refuses to start, because debug mode is \
                        meant for development only. Set DEBUG=False."
                    .to_string(),
            );
        }
        if self.secret_key.trim().is_empty() || self.is_development_key() {
            return Err(
                "SECRET_KEY is empty or the development key: production refuses to \
                        start. Set SECRET_KEY to a long random value."
                    .to_string(),
            );
        }
        check_key_strength(&self.secret_key)
    }

    /// The development key is public (it is in the source): refused whenever
    /// the server listens on more than the loopback interface, in any
    /// environment.
    ///
    /// # Errors
    /// A message naming the problem and the fix.
    pub fn check_binding(&self, binding: &str) -> Result<(), String> {
        if self.is_development_key() && !is_loopback(binding) {
            return Err(format!(
                "SECRET_KEY is the development key and the server would listen on {binding}, \
                 reachable from other machines: anyone could forge its tokens. Set SECRET_KEY \
                 to a long random value (openssl rand -hex 32), or bind to 127.0.0.1."
            ));
        }
        Ok(())
    }

    /// The published development key (or any of Django's `django-insecure-`
    /// keys).
    #[must_use]
    pub fn is_development_key(&self) -> bool {
        self.secret_key == DEVELOPMENT_SECRET_KEY || self.secret_key.starts_with("django-insecure")
    }

    /// `Strict-Transport-Security`, sent in production only, when
    /// `SECURE_HSTS_SECONDS` is above 0. Without `includeSubDomains` (Django's
    /// default too): sibling hosts of the API may not all serve HTTPS.
    #[must_use]
    pub fn hsts(&self, environment: &Environment) -> Option<String> {
        (*environment == Environment::Production && self.secure_hsts_seconds > 0)
            .then(|| format!("max-age={}", self.secure_hsts_seconds))
    }
}

/// The shortest production `SECRET_KEY`, in bytes (HS256 wants a key at
/// least as long as its 256-bit hash).
pub const SECRET_KEY_MIN_BYTES: usize = 32;
/// Fewer distinct characters than this is no random key (Django's check).
pub const SECRET_KEY_MIN_DISTINCT: usize = 5;

/// A production key is long enough and not a repeated pattern.
fn check_key_strength(key: &str) -> Result<(), String> {
    if key.len() < SECRET_KEY_MIN_BYTES {
        return Err(format!(
            "SECRET_KEY is {} bytes long: production refuses a key shorter than \
             {SECRET_KEY_MIN_BYTES} bytes, which could be guessed. Set SECRET_KEY to a long \
             random value (openssl rand -hex 32).",
            key.len()
        ));
    }
    let distinct = key.chars().collect::<std::collections::BTreeSet<_>>().len();
    if distinct < SECRET_KEY_MIN_DISTINCT {
        return Err(format!(
            "SECRET_KEY has only {distinct} distinct characters: production refuses a key \
             with fewer than {SECRET_KEY_MIN_DISTINCT}, which is no random value. Set \
             SECRET_KEY to a long random value (openssl rand -hex 32)."
        ));
    }
    Ok(())
}

/// `127.0.0.1` (any of `127.0.0.0/8`), `::1` (bracketed or not) or
/// `localhost`; `0.0.0.0` and every other address or name is not.
fn is_loopback(binding: &str) -> bool {
    let address = binding.trim().trim_start_matches('[').trim_end_matches(']');
    address.eq_ignore_ascii_case("localhost")
        || address
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// What the request path needs at hand, built once at boot and kept in the
/// context's shared store: it is immutable, so every instance derives the
/// same from the same configuration.
#[derive(Clone)]
pub struct RequestServices {
    pub jwt: Arc<JwtKeys>,
    pub allowed_hosts: Arc<Vec<String>>,
    pub throttle: Arc<Throttle>,
}

impl RequestServices {
    /// # Panics
    /// If the boot hook did not install it (a programming error).
    #[must_use]
    pub fn from_context(ctx: &AppContext) -> Self {
        ctx.shared_store
            .get::<Self>()
            .expect("RequestServices is installed by App::after_context")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_key(key: &str) -> Settings {
        let settings = serde_json::json!({
            "secret_key": key,
            "jwt_access_token_lifetime_minutes": 60,
            "jwt_refresh_token_lifetime_days": 7,
            "jwt_refresh_absolute_days": 30,
            "jwt_refresh_reuse_grace_seconds": 10,
            "debug": "False",
            "allowed_hosts": "localhost,127.0.0.1",
            "cors_allowed_origins": "http://localhost:3000",
            "shutdown_grace_seconds": 10,
            "throttle": {
                "enabled": true, "backend": "auto", "redis_url": "", "key_prefix": "t",
                "num_proxies": 0, "login_per_ip": "30/minute", "login_per_account": "10/minute",
                "register_per_ip": "20/hour", "register_per_account": "5/hour",
                "refresh_per_ip": "60/minute", "refresh_per_account": "30/minute",
                "api_per_user": "1200/minute"
            },
            "count_queries": false,
            "mail": {
                "from": "x <x@localhost>", "public_url": "http://localhost:8000",
                "max_attempts": 5, "retry_backoff_ms": 2000
            },
            "admin_idle_timeout_minutes": 30,
            "secure_hsts_seconds": 0
        });
        serde_json::from_value(settings).expect("every setting given")
    }

    #[test]
    fn production_refuses_an_empty_or_development_secret_key() {
        let production = Environment::Production;
        assert!(with_key("").check_for(&production).is_err());
        assert!(with_key(DEVELOPMENT_SECRET_KEY)
            .check_for(&production)
            .is_err());
        assert!(with_key("k3Jx-long-random-value-9f2a-0123456789")
            .check_for(&production)
            .is_ok());
        assert!(with_key(DEVELOPMENT_SECRET_KEY)
            .check_for(&Environment::Development)
            .is_ok());
    }

    #[test]
    fn production_refuses_a_short_or_patterned_secret_key_and_says_why() {
        let production = Environment::Production;
        let short = with_key("k3Jx-long-random-value-9f2a").check_for(&production);
        assert!(
            short.as_ref().is_err_and(|why| why.contains("SECRET_KEY")
                && why.contains("27 bytes")
                && why.contains("32")),
            "{short:?}"
        );
        assert!(with_key(&"x".repeat(31)).check_for(&production).is_err());
        // Bytes, not characters: "€αβγδ" is 5 characters in 11 bytes.
        assert!(with_key(&"€αβγδ".repeat(3)).check_for(&production).is_ok());
        let patterned = with_key(&"abcd".repeat(16)).check_for(&production);
        assert!(
            patterned
                .as_ref()
                .is_err_and(|why| why.contains("SECRET_KEY") && why.contains("4 distinct")),
            "{patterned:?}"
        );
        assert!(with_key(&"abcde".repeat(7)).check_for(&production).is_ok());
        assert!(
            with_key("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")
                .check_for(&production)
                .is_ok()
        );
        // Development and test take any key.
        assert!(with_key("short")
            .check_for(&Environment::Development)
            .is_ok());
        assert!(with_key("aaaa").check_for(&Environment::Test).is_ok());
    }

    #[test]
    fn the_development_key_is_refused_on_any_but_the_loopback_interface() {
        let development = with_key(DEVELOPMENT_SECRET_KEY);
        for loopback in ["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]"] {
            assert!(development.check_binding(loopback).is_ok(), "{loopback}");
        }
        for open in [
            "0.0.0.0",
            "::",
            "[::]",
            "192.168.1.20",
            "10.0.0.5",
            "example.org",
        ] {
            let refusal = development.check_binding(open).unwrap_err();
            assert!(
                refusal.contains("SECRET_KEY") && refusal.contains(open),
                "{refusal}"
            );
        }
        assert!(with_key("django-insecure-abc")
            .check_binding("0.0.0.0")
            .is_err());
        assert!(with_key("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822c")
            .check_binding("0.0.0.0")
            .is_ok());
    }

    #[test]
    fn production_refuses_debug_and_says_why() {
        let mut settings = with_key("k3Jx-long-random-value-9f2a-0123456789");
        for on in ["True", "true", "1"] {
            settings.debug = on.to_string();
            let refusal = settings.check_for(&Environment::Production).unwrap_err();
            assert!(refusal.contains("DEBUG"), "{refusal}");
        }
        settings.debug = "False".to_string();
        assert!(settings.check_for(&Environment::Production).is_ok());
    }

    #[test]
    fn hsts_is_sent_in_production_only_when_configured() {
        let mut settings = with_key("k3Jx-long-random-value-9f2a");
        assert_eq!(settings.hsts(&Environment::Production), None);
        settings.secure_hsts_seconds = 31_536_000;
        assert_eq!(
            settings.hsts(&Environment::Production).as_deref(),
            Some("max-age=31536000")
        );
        assert_eq!(settings.hsts(&Environment::Development), None);
        assert_eq!(settings.hsts(&Environment::Test), None);
    }

    #[test]
    fn lists_are_comma_separated() {
        let mut settings = with_key("x");
        settings.allowed_hosts = " Example.COM, .clinic.org ,".to_string();
        assert_eq!(settings.allowed_hosts(), ["example.com", ".clinic.org"]);
        assert_eq!(settings.cors_allowed_origins(), ["http://localhost:3000"]);
    }
}
