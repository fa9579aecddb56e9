use axum::{extract::FromRequestParts, http::request::Parts};
use loco_rs::app::AppContext;

use crate::{
    errors::ApiError,
    middleware::RequestUser,
    models::{caller::Caller, sessions},
    settings::RequestServices,
    throttle::Scope,
};

/// The authenticated caller, from `Authorization: Bearer <access token>`.
/// Every failure is a 401 with `WWW-Authenticate: Bearer`.
pub struct Auth(pub Caller);

impl FromRequestParts<AppContext> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, ctx: &AppContext) -> Result<Self, ApiError> {
        let header = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .ok_or_else(|| {
                ApiError::Unauthorized("Authentication credentials were not provided.".to_string())
            })?;
        let token =
            match header.split_once(' ') {
                Some((scheme, token))
                    if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
                {
                    token.trim()
                }
                _ => return Err(ApiError::Unauthorized(
                    "Authorization header must contain two space-delimited values: Bearer <token>."
                        .to_string(),
                )),
            };
        let services = RequestServices::from_context(ctx);
        let caller = sessions::authenticate(&ctx.db, &services.jwt, token).await?;
        if let Some(slot) = parts.extensions.get::<RequestUser>() {
            slot.set(caller.id());
        }
        services
            .throttle
            .hit(Scope::ApiUser, &caller.id().to_string())
            .await?;
        Ok(Self(caller))
    }
}
