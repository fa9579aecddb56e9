use axum::{response::Response, routing::get};
use loco_rs::prelude::*;

use crate::{
    errors::ApiResult,
    extractors::{Auth, JsonBody, ListQuery, RecordId},
    models::{caller::Caller, fields::Mode, patients},
    views::{envelope, patients::PatientView},
};

async fn list(
    State(ctx): State<AppContext>,
    Auth(caller): Auth,
    query: ListQuery,
) -> ApiResult<Response> {
    let page = patients::list(&ctx.db, &caller, &query.params).await?;
    let today = patients::today();
    let page = page.map(|patient| PatientView::new(patient, today));
    Ok(envelope::page(
        "Patients retrieved successfully.",
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
    let patient = patients::create(&ctx.db, &caller, &body).await?;
    Ok(envelope::created(
        "Patient created successfully.",
        PatientView::new(patient, patients::today()),
    ))
}

async fn show(
    State(ctx): State<AppContext>,
    Auth(caller): Auth,
    RecordId(id): RecordId,
) -> ApiResult<Response> {
    let patient = patients::find(&ctx.db, &caller, id).await?;
    Ok(envelope::ok(
        "Patient retrieved successfully.",
        PatientView::new(patient, patients::today()),
    ))
}

async fn update(
    ctx: AppContext,
    caller: &Caller,
    id: i32,
    body: &serde_json::Value,
    mode: Mode,
) -> ApiResult<Response> {
    let patient = patients::update(&ctx.db, caller, id, body, mode).await?;
    Ok(envelope::ok(
        "Patient updated successfully.",
        PatientView::new(patient, patients::today()),
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
    patients::delete(&ctx.db, &caller, id).await?;
    Ok(envelope::done("Patient deleted successfully."))
}

pub fn routes() -> Routes {
    Routes::new()
        .prefix("/api/patients")
        .add("/", get(list).post(create))
        .add("/{id}", get(show).put(replace).patch(patch).delete(destroy))
}
