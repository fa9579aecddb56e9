//! Money as the contract writes it (`"250.00"`) and as it is stored (whole
//! cents in an integer column, so sums are exact on both databases).

use serde_json::Value;

use super::NOT_NULL;

/// Parses `"250"`, `"250.5"`, `"250.00"` into cents.
pub(super) fn parse_cents(text: &str, max_digits: usize) -> Result<i64, String> {
    const INVALID: &str = "A valid number is required.";
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let digits_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() && fraction.is_empty() || !digits_only(whole) || !digits_only(fraction) {
        return Err(INVALID.to_string());
    }
    if negative && (whole.bytes().any(|b| b != b'0') || fraction.bytes().any(|b| b != b'0')) {
        return Err("Ensure this value is greater than or equal to 0.".to_string());
    }
    let fraction = fraction.trim_end_matches('0');
    if fraction.len() > 2 {
        return Err("Ensure that there are no more than 2 decimal places.".to_string());
    }
    let whole = whole.trim_start_matches('0');
    if whole.len() > max_digits - 2 {
        return Err(format!(
            "Ensure that there are no more than {} digits before the decimal point.",
            max_digits - 2
        ));
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| INVALID.to_string())?
    };
    let fraction: i64 = format!("{fraction:0<2}")
        .parse()
        .map_err(|_| INVALID.to_string())?;
    Ok(whole * 100 + fraction)
}

/// Renders cents as the contract's decimal string, `"250.00"`.
#[must_use]
pub fn format_cents(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

/// A consultation fee's digits in all, two after the point (the seed's
/// `DecimalField(max_digits=10, decimal_places=2)`).
const FEE_MAX_DIGITS: usize = 10;

impl super::Input<'_> {
    /// A fee, in cents (see [`Self::money_cents`]).
    pub fn fee(&mut self, field: &str) -> Option<i64> {
        self.money_cents(field, false, FEE_MAX_DIGITS)
    }

    /// A non-negative decimal with at most two places and `max_digits` digits
    /// in all, given as a string (`"250.00"`) or a number; returned in cents.
    pub fn money_cents(&mut self, field: &str, required: bool, max_digits: usize) -> Option<i64> {
        let value = self.raw(field, required)?;
        let text = match value {
            Value::String(s) => s.trim().to_string(),
            Value::Number(n) => n.to_string(),
            Value::Null => {
                self.errors.add(field, NOT_NULL);
                return None;
            }
            _ => {
                self.errors.add(field, "A valid number is required.");
                return None;
            }
        };
        match parse_cents(&text, max_digits) {
            Ok(cents) => Some(cents),
            Err(message) => {
                self.errors.add(field, message);
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cents_round_trip() {
        assert_eq!(parse_cents("250.00", 10), Ok(25000));
        assert_eq!(parse_cents("250.5", 10), Ok(25050));
        assert_eq!(parse_cents("0", 10), Ok(0));
        assert_eq!(parse_cents(".5", 10), Ok(50));
        assert_eq!(parse_cents("-0.00", 10), Ok(0));
        assert_eq!(parse_cents("99999999.99", 10), Ok(9_999_999_999));
        assert!(parse_cents("100000000", 10).is_err());
        assert!(parse_cents("1.234", 10).is_err());
        assert!(parse_cents("-1", 10).is_err());
        assert!(parse_cents("abc", 10).is_err());
        assert!(parse_cents("1e3", 10).is_err());
        assert!(parse_cents(".", 10).is_err());
        assert_eq!(format_cents(25050), "250.50");
        assert_eq!(format_cents(7), "0.07");
    }
}
