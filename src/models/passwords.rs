//! Password hashing (Argon2id, always off the async runtime) and the four
//! checks of Django's default `AUTH_PASSWORD_VALIDATORS`.
use std::{collections::HashSet, sync::LazyLock, sync::OnceLock};

use argon2::{
    password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Argon2,
};

use super::error::{ModelError, ModelResult};

pub const MIN_LENGTH: usize = 8;
/// Django's `UserAttributeSimilarityValidator.DEFAULT_MAX_SIMILARITY`.
const MAX_SIMILARITY: f64 = 0.7;

/// Django's list of 20,000 common passwords (see `src/data/README.md`).
static COMMON_PASSWORDS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("../data/common-passwords.txt")
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect()
});

fn hash_blocking(password: &str) -> ModelResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|_| ModelError::Fault("password hashing failed"))
}

fn verify_blocking(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Argon2id (m=19 MiB, t=2, p=1) on the blocking pool.
///
/// # Errors
/// 500 if hashing fails or the blocking task is lost.
pub async fn hash(password: String) -> ModelResult<String> {
    tokio::task::spawn_blocking(move || hash_blocking(&password)).await?
}

/// Verifies against `hash`, or, when there is no such user, against a dummy
/// hash of the same cost, so that an unknown e-mail takes as long as a
/// wrong password.
///
/// # Errors
/// 500 if the blocking task is lost.
pub async fn verify(password: String, hash: Option<String>) -> ModelResult<bool> {
    static DUMMY_HASH: OnceLock<String> = OnceLock::new();
    tokio::task::spawn_blocking(move || match hash {
        Some(hash) => Ok(verify_blocking(&password, &hash)),
        None => {
            let dummy = DUMMY_HASH.get_or_init(|| {
                hash_blocking("timing-equaliser-not-a-password").unwrap_or_default()
            });
            verify_blocking(&password, dummy);
            Ok(false)
        }
    })
    .await?
}

/// Every failed check's message, in Django's order. `attributes` are the
/// user's own values with their names, e.g. `("name", "Alice")`.
#[must_use]
pub fn problems(password: &str, attributes: &[(&str, &str)]) -> Vec<String> {
    let mut found = Vec::new();
    if let Some(name) = too_similar(password, attributes) {
        found.push(format!("The password is too similar to the {name}."));
    }
    if password.chars().count() < MIN_LENGTH {
        found.push(format!(
            "This password is too short. It must contain at least {MIN_LENGTH} characters."
        ));
    }
    if COMMON_PASSWORDS.contains(password.trim().to_lowercase().as_str()) {
        found.push("This password is too common.".to_string());
    }
    if !password.is_empty() && password.chars().all(|c| c.is_numeric()) {
        found.push("This password is entirely numeric.".to_string());
    }
    found
}

/// `UserAttributeSimilarityValidator`: the password against each attribute
/// and each of its `\W+`-separated parts, by difflib's `quick_ratio`.
fn too_similar<'a>(password: &str, attributes: &[(&'a str, &str)]) -> Option<&'a str> {
    let password = password.to_lowercase();
    let password_len = password.chars().count();
    for (name, value) in attributes {
        let value = value.to_lowercase();
        let parts = value
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .filter(|part| !part.is_empty())
            .chain(std::iter::once(value.as_str()));
        for part in parts {
            let part_len = part.chars().count();
            // Django skips parts far shorter than the password: they cannot
            // make it "similar" enough to matter.
            #[allow(clippy::cast_precision_loss)]
            let too_short = password_len >= 10 * part_len
                && (part_len as f64) < MAX_SIMILARITY / 2.0 * password_len as f64;
            if !too_short && quick_ratio(&password, part) >= MAX_SIMILARITY {
                return Some(name);
            }
        }
    }
    None
}

/// difflib's `SequenceMatcher.quick_ratio`: twice the size of the characters'
/// multiset intersection over the total length.
#[allow(clippy::cast_precision_loss)]
fn quick_ratio(a: &str, b: &str) -> f64 {
    let total = a.chars().count() + b.chars().count();
    if total == 0 {
        return 1.0;
    }
    let mut available: std::collections::HashMap<char, usize> = std::collections::HashMap::new();
    for c in b.chars() {
        *available.entry(c).or_default() += 1;
    }
    let mut matches = 0usize;
    for c in a.chars() {
        if let Some(n) = available.get_mut(&c) {
            if *n > 0 {
                *n -= 1;
                matches += 1;
            }
        }
    }
    2.0 * matches as f64 / total as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALICE: &[(&str, &str)] = &[
        ("name", "Dr. Alice Johnson"),
        ("email address", "alice@hospital.com"),
    ];

    #[test]
    fn a_strong_password_passes() {
        assert!(problems("SecurePass123!", ALICE).is_empty());
    }

    #[test]
    fn each_django_check_fires() {
        assert_eq!(
            problems("short1!", ALICE),
            ["This password is too short. It must contain at least 8 characters."]
        );
        assert_eq!(
            problems("password", ALICE),
            ["This password is too common."]
        );
        assert!(problems("83749261530", ALICE)
            .contains(&"This password is entirely numeric.".to_string()));
        assert_eq!(
            problems("alicejohnson", ALICE),
            ["The password is too similar to the name."]
        );
        assert_eq!(
            problems("alice@hospital", ALICE),
            ["The password is too similar to the email address."]
        );
    }

    #[test]
    fn the_common_list_is_large_enough() {
        assert!(COMMON_PASSWORDS.len() >= 20_000);
    }
}
