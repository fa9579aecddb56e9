use axum::{
    response::Response,
    routing::{get, post},
};
use loco_rs::prelude::*;

use crate::{
    errors::ApiResult,
    extractors::{Auth, JsonBody},
    models::{tokens, users},
    settings::Runtime,
    views::{auth as views, envelope},
};

async fn register(State(ctx): State<AppContext>, JsonBody(body): JsonBody) -> ApiResult<Response> {
    let runtime = Runtime::from_context(&ctx);
    let (user, pair) = users::register(&ctx.db, &runtime.jwt, &body).await?;
    Ok(envelope::created(
        "User registered successfully.",
        views::registered(&user, pair),
    ))
}

async fn login(State(ctx): State<AppContext>, JsonBody(body): JsonBody) -> ApiResult<Response> {
    let runtime = Runtime::from_context(&ctx);
    let (user, pair) = users::login(&ctx.db, &runtime.jwt, &body).await?;
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
    let runtime = Runtime::from_context(&ctx);
    let refresh = users::refresh_field(&body)?;
    tokens::logout(&ctx.db, &runtime.jwt, &caller, &refresh).await?;
    Ok(envelope::done("Logout successful."))
}

async fn refresh(State(ctx): State<AppContext>, JsonBody(body): JsonBody) -> ApiResult<Response> {
    let runtime = Runtime::from_context(&ctx);
    let refresh = users::refresh_field(&body)?;
    let pair = tokens::rotate(&ctx.db, &runtime.jwt, &refresh).await?;
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
        .add("/token/refresh", post(refresh))
        .add("/me", get(me))
}
