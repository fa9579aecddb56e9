pub use super::blacklisted_tokens::Entity as BlacklistedTokens;
pub use super::doctors::Entity as Doctors;
pub use super::mappings::Entity as Mappings;
pub use super::outstanding_tokens::Entity as OutstandingTokens;
pub use super::patients::Entity as Patients;
pub use super::revoked_access_tokens::Entity as RevokedAccessTokens;
pub use super::throttle_counters::Entity as ThrottleCounters;
pub use super::users::Entity as Users;
