use axum::{response::Response, routing::get};
use loco_rs::prelude::*;

use crate::{
    errors::ApiResult,
    extractors::{Auth, JsonBody, ListQuery, RecordId},
    models::{caller::Caller, doctors, fields::Mode},
    views::{doctors::DoctorView, envelope},
};

async fn list(
    State(ctx): State<AppContext>,
    Auth(_caller): Auth,
    query: ListQuery,
) -> ApiResult<Response> {
    let page = doctors::list(&ctx.db, &query.params)
        .await?
        .map(DoctorView::from);
    Ok(envelope::page(
        "Doctors retrieved successfully.",
        &page,
        &query.base_url,
        &query.params,
    ))
}

async fn create(
    State(ctx): State<AppContext>,
    Auth(caller): Auth,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let doctor = doctors::create(&ctx.db, &caller, &body).await?;
    Ok(envelope::created(
        "Doctor created successfully.",
        DoctorView::from(doctor),
    ))
}

async fn show(
    State(ctx): State<AppContext>,
    Auth(_caller): Auth,
    RecordId(id): RecordId,
) -> ApiResult<Response> {
    let doctor = doctors::find(&ctx.db, id).await?;
    Ok(envelope::ok(
        "Doctor retrieved successfully.",
        DoctorView::from(doctor),
    ))
}

async fn update(
    ctx: AppContext,
    caller: &Caller,
    id: i32,
    body: &serde_json::Value,
    mode: Mode,
) -> ApiResult<Response> {
    let doctor = doctors::update(&ctx.db, caller, id, body, mode).await?;
    Ok(envelope::ok(
        "Doctor updated successfully.",
        DoctorView::from(doctor),
    ))
}

async fn replace(
    State(ctx): State<AppContext>,
    Auth(caller): Auth,
    RecordId(id): RecordId,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    update(ctx, &caller, id, &body, Mode::Full).await
}

async fn patch(
    State(ctx): State<AppContext>,
    Auth(caller): Auth,
    RecordId(id): RecordId,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    update(ctx, &caller, id, &body, Mode::Partial).await
}

async fn destroy(
    State(ctx): State<AppContext>,
    Auth(caller): Auth,
    RecordId(id): RecordId,
) -> ApiResult<Response> {
    doctors::delete(&ctx.db, &caller, id).await?;
    Ok(envelope::done("Doctor deleted successfully."))
}

pub fn routes() -> Routes {
    Routes::new()
        .prefix("/api/doctors")
        .add("/", get(list).post(create))
        .add("/{id}", get(show).put(replace).patch(patch).delete(destroy))
}
