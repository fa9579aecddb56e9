use axum::{
    response::Response,
    routing::{get, post},
};
use loco_rs::prelude::*;

use crate::{
    errors::ApiResult,
    extractors::{Auth, ClientIp, JsonBody},
    models::{jwt::TokenType, sessions, users},
    settings::RequestServices,
    throttle::Scope,
    views::{auth as views, envelope},
    workers::mail::{self, MailJob},
};

/// The e-mail a login or registration is for, as a throttle key (it need
/// not be valid: an invalid one is counted as typed).
fn account_key(body: &serde_json::Value) -> String {
    body["email"]
        .as_str()
        .unwrap_or_default()
        .trim()
        .to_lowercase()
}

async fn register(
    State(ctx): State<AppContext>,
    ClientIp(ip): ClientIp,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let services = RequestServices::from_context(&ctx);
    services.throttle.hit(Scope::RegisterIp, &ip).await?;
    services
        .throttle
        .hit(Scope::RegisterAccount, &account_key(&body))
        .await?;
    let (user, pair) = users::register(&ctx.db, &services.jwt, &body).await?;
    mail::enqueue(&ctx, MailJob::Welcome { user_id: user.id }).await;
    Ok(envelope::created(
        "User registered successfully.",
        views::registered(&user, pair),
    ))
}

async fn login(
    State(ctx): State<AppContext>,
    ClientIp(ip): ClientIp,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let services = RequestServices::from_context(&ctx);
    services.throttle.hit(Scope::LoginIp, &ip).await?;
    services
        .throttle
        .hit(Scope::LoginAccount, &account_key(&body))
        .await?;
    let (user, pair) = users::login(&ctx.db, &services.jwt, &body).await?;
    Ok(envelope::ok(
        "Login successful.",
        views::logged_in(&user, pair),
    ))
}

async fn logout(
    State(ctx): State<AppContext>,
    Auth(caller): Auth,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let services = RequestServices::from_context(&ctx);
    let refresh = users::refresh_field(&body)?;
    sessions::logout(&ctx.db, &services.jwt, &caller, &refresh).await?;
    Ok(envelope::done("Logout successful."))
}

/// The throttle of login, for what an access token can try: a password
/// change guesses the old password, so it spends the same budget.
async fn throttle_like_login(
    services: &RequestServices,
    ip: &str,
    caller: &crate::models::caller::Caller,
) -> ApiResult<()> {
    services.throttle.hit(Scope::LoginIp, ip).await?;
    services
        .throttle
        .hit(Scope::LoginAccount, &caller.user.email)
        .await
}

async fn logout_all(
    State(ctx): State<AppContext>,
    ClientIp(ip): ClientIp,
    Auth(caller): Auth,
) -> ApiResult<Response> {
    let services = RequestServices::from_context(&ctx);
    throttle_like_login(&services, &ip, &caller).await?;
    sessions::logout_all(&ctx.db, &caller).await?;
    Ok(envelope::done("Logged out of every session."))
}

async fn change_password(
    State(ctx): State<AppContext>,
    ClientIp(ip): ClientIp,
    Auth(caller): Auth,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let services = RequestServices::from_context(&ctx);
    throttle_like_login(&services, &ip, &caller).await?;
    let pair = users::change_password(&ctx.db, &services.jwt, &caller, &body).await?;
    Ok(envelope::ok(
        "Password changed successfully.",
        views::PasswordChanged { tokens: pair },
    ))
}

async fn refresh(
    State(ctx): State<AppContext>,
    ClientIp(ip): ClientIp,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let services = RequestServices::from_context(&ctx);
    services.throttle.hit(Scope::RefreshIp, &ip).await?;
    let refresh = users::refresh_field(&body)?;
    if let Some(claims) = services.jwt.decode(&refresh, TokenType::Refresh) {
        services
            .throttle
            .hit(Scope::RefreshAccount, &claims.user_id.to_string())
            .await?;
    }
    let pair = sessions::rotate(&ctx.db, &services.jwt, &refresh).await?;
    Ok(envelope::ok("Token refreshed successfully.", pair))
}

async fn me(Auth(caller): Auth) -> ApiResult<Response> {
    Ok(envelope::ok(
        "User profile retrieved successfully.",
        views::UserProfile::from(&caller.user),
    ))
}

pub fn routes() -> Routes {
    Routes::new()
        .prefix("/api/auth")
        .add("/register", post(register))
        .add("/login", post(login))
        .add("/logout", post(logout))
        .add("/logout/all", post(logout_all))
        .add("/password/change", post(change_password))
        .add("/token/refresh", post(refresh))
        .add("/me", get(me))
}
