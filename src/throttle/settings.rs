//! `settings.throttle`: which store keeps the counters, and the rates.
use serde::Deserialize;

/// `settings.throttle` in `config/<env>.yaml`; every value has an
/// environment variable (see the README) and its default there.
#[derive(Debug, Clone, Deserialize)]
pub struct ThrottleSettings {
    pub enabled: bool,
    pub backend: ThrottleBackend,
    pub redis_url: String,
    /// Namespaces the counters; instances that share limits share it.
    pub key_prefix: String,
    /// Like DRF's `NUM_PROXIES`: how many proxies append to
    /// `X-Forwarded-For`; 0 uses the connection's peer address.
    pub num_proxies: usize,
    pub login_per_ip: String,
    pub login_per_account: String,
    pub register_per_ip: String,
    pub register_per_account: String,
    pub refresh_per_ip: String,
    pub refresh_per_account: String,
    pub api_per_user: String,
}

/// `THROTTLE_BACKEND`: where the counters live.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ThrottleBackend {
    /// Redis if `redis_url` is set, else the database if it is PostgreSQL,
    /// else memory.
    Auto,
    Redis,
    Database,
    Memory,
}

/// A DRF-style rate: `"10/minute"` (also `s`, `sec`, `m`, `min`, `h`, `hour`, `d`, `day`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub limit: u64,
    pub period_secs: u64,
}

impl Rate {
    /// # Errors
    /// A message naming the malformed rate.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let error = || format!("invalid throttle rate {raw:?}: use N/second|minute|hour|day");
        let (limit, period) = raw.trim().split_once('/').ok_or_else(error)?;
        let limit: u64 = limit.trim().parse().map_err(|_| error())?;
        let period_secs = match period.trim().to_ascii_lowercase().as_str() {
            "s" | "sec" | "second" => 1,
            "m" | "min" | "minute" => 60,
            "h" | "hour" => 3600,
            "d" | "day" => 86_400,
            _ => return Err(error()),
        };
        Ok(Self { limit, period_secs })
    }
}

#[cfg(test)]
mod tests {
    use super::{Rate, ThrottleBackend};

    #[test]
    fn rates_read_like_drf() {
        assert_eq!(
            Rate::parse("10/minute"),
            Ok(Rate {
                limit: 10,
                period_secs: 60
            })
        );
        assert_eq!(Rate::parse(" 5 / s ").map(|r| r.period_secs), Ok(1));
        assert_eq!(Rate::parse("1000/day").map(|r| r.limit), Ok(1000));
        assert!(Rate::parse("ten/minute").is_err());
        assert!(Rate::parse("10/fortnight").is_err());
        assert!(Rate::parse("10").is_err());
    }

    #[test]
    fn backends_are_named_in_lower_case_and_nothing_else_is_one() {
        let backend = |name: &str| serde_json::from_value::<ThrottleBackend>(name.into());
        assert_eq!(backend("auto").ok(), Some(ThrottleBackend::Auto));
        assert_eq!(backend("redis").ok(), Some(ThrottleBackend::Redis));
        assert_eq!(backend("database").ok(), Some(ThrottleBackend::Database));
        assert_eq!(backend("memory").ok(), Some(ThrottleBackend::Memory));
        assert!(backend("postgres").is_err());
    }
}
