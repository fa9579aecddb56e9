//! JSON Web Tokens: the claims simplejwt defines, and the keys that sign and
//! verify them. No database here; the registry of issued tokens is
//! [`super::tokens`].
use chrono::{DateTime, Duration, FixedOffset, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use super::{
    _entities::token_families,
    error::{ModelError, ModelResult},
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenType {
    Access,
    Refresh,
}

/// The claims of both token types, as simplejwt names them.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub token_type: TokenType,
    pub jti: String,
    pub exp: i64,
    pub iat: i64,
    pub user_id: i32,
    /// The token family (one sign-in) the token descends from. Tokens signed
    /// before families existed have none and are refused: their holders
    /// sign in once more.
    pub sid: i32,
}

impl Claims {
    #[must_use]
    pub fn expires_at(&self) -> DateTime<FixedOffset> {
        DateTime::<Utc>::from_timestamp(self.exp, 0)
            .unwrap_or_default()
            .fixed_offset()
    }
}

/// An access token and a refresh token (JWT, HS256).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TokenPair {
    pub access: String,
    pub refresh: String,
}

/// Signing and verification keys, built once from `SECRET_KEY`.
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    access_lifetime: Duration,
    refresh_lifetime: Duration,
    refresh_absolute: Duration,
    reuse_grace: Duration,
}

impl JwtKeys {
    #[must_use]
    pub fn new(secret: &str, access_minutes: i64, refresh_days: i64) -> Self {
        // Only HS256 is accepted: `alg: none` and every other algorithm fail
        // verification. No leeway: an expired token is expired.
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.set_required_spec_claims(&["exp", "iat"]);
        Self {
            encoding: EncodingKey::from_secret(secret.as_bytes()),
            decoding: DecodingKey::from_secret(secret.as_bytes()),
            validation,
            access_lifetime: Duration::minutes(access_minutes),
            refresh_lifetime: Duration::days(refresh_days),
            refresh_absolute: Duration::days(30),
            reuse_grace: Duration::seconds(10),
        }
    }

    /// How long a sign-in's refresh chain may last in all
    /// (`JWT_REFRESH_ABSOLUTE_DAYS`), and how long after rotation spent a
    /// refresh token it may come back without ending its family
    /// (`JWT_REFRESH_REUSE_GRACE_SECONDS`: a client that raced itself).
    #[must_use]
    pub fn with_refresh_limits(mut self, absolute_days: i64, reuse_grace_seconds: i64) -> Self {
        self.refresh_absolute = Duration::days(absolute_days);
        self.reuse_grace = Duration::seconds(reuse_grace_seconds);
        self
    }

    /// When the refresh chain of a sign-in at `signed_in_at` ends.
    #[must_use]
    pub fn chain_ends(&self, signed_in_at: DateTime<FixedOffset>) -> DateTime<FixedOffset> {
        signed_in_at + self.refresh_absolute
    }

    #[must_use]
    pub fn reuse_grace(&self) -> Duration {
        self.reuse_grace
    }

    /// How long after its sign-in a token of a family can still be valid:
    /// the chain's end, plus the lifetime of an access token issued just
    /// before it.
    #[must_use]
    pub fn family_lifetime(&self) -> Duration {
        self.refresh_absolute + self.access_lifetime
    }

    /// # Errors
    /// Only if signing fails, which HS256 with a byte key does not.
    pub fn encode(
        &self,
        family: &token_families::Model,
        token_type: TokenType,
    ) -> ModelResult<(String, Claims)> {
        let issued = Utc::now().fixed_offset();
        let expires = match token_type {
            TokenType::Access => issued + self.access_lifetime,
            // A refresh token never outlives its sign-in's chain.
            TokenType::Refresh => {
                (issued + self.refresh_lifetime).min(self.chain_ends(family.signed_in_at))
            }
        };
        let claims = Claims {
            token_type,
            jti: uuid::Uuid::new_v4().simple().to_string(),
            exp: expires.timestamp(),
            iat: issued.timestamp(),
            user_id: family.user_id,
            sid: family.id,
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|_| ModelError::Fault("signing a token failed"))?;
        Ok((token, claims))
    }

    /// Verifies signature, algorithm, expiry and token type.
    #[must_use]
    pub fn decode(&self, token: &str, expected: TokenType) -> Option<Claims> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .ok()
            .map(|data| data.claims)
            .filter(|claims| claims.token_type == expected)
    }
}
