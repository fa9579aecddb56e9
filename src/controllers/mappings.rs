use axum::{response::Response, routing::get, Json};
use loco_rs::prelude::*;

use crate::{
    errors::ApiResult,
    extractors::{Auth, JsonBody, ListQuery, RecordId},
    models::mappings,
    views::{
        envelope,
        mappings::{MappingView, PatientDoctors},
    },
    workers::mail::{self, MailJob},
};

async fn list(
    State(ctx): State<AppContext>,
    Auth(caller): Auth,
    query: ListQuery,
) -> ApiResult<Response> {
    let page = mappings::list(&ctx.db, &caller, &query.params)
        .await?
        .map(MappingView::from);
    Ok(envelope::page(
        "Mappings retrieved successfully.",
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
    let mapping = mappings::create(&ctx.db, &caller, &body).await?;
    let mapping_id = mapping.mapping.id;
    mail::enqueue(&ctx, MailJob::DoctorAssigned { mapping_id }).await;
    Ok(envelope::created(
        "Doctor assigned to patient successfully.",
        MappingView::from(mapping),
    ))
}

async fn for_patient(
    State(ctx): State<AppContext>,
    Auth(caller): Auth,
    RecordId(patient_id): RecordId,
) -> ApiResult<Response> {
    let (patient, details) = mappings::for_patient(&ctx.db, &caller, patient_id).await?;
    let data: Vec<MappingView> = details.into_iter().map(MappingView::from).collect();
    Ok(Json(PatientDoctors {
        success: true,
        message: "Doctors assigned to patient retrieved successfully.",
        patient: (&patient).into(),
        count: data.len(),
        data,
    })
    .into_response())
}

async fn show(
    State(ctx): State<AppContext>,
    Auth(caller): Auth,
    RecordId(id): RecordId,
) -> ApiResult<Response> {
    let mapping = mappings::find(&ctx.db, &caller, id).await?;
    Ok(envelope::ok(
        "Mapping retrieved successfully.",
        MappingView::from(mapping),
    ))
}

async fn patch(
    State(ctx): State<AppContext>,
    Auth(caller): Auth,
    RecordId(id): RecordId,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let mapping = mappings::update(&ctx.db, &caller, id, &body).await?;
    Ok(envelope::ok(
        "Mapping updated successfully.",
        MappingView::from(mapping),
    ))
}

async fn destroy(
    State(ctx): State<AppContext>,
    Auth(caller): Auth,
    RecordId(id): RecordId,
) -> ApiResult<Response> {
    mappings::delete(&ctx.db, &caller, id).await?;
    Ok(envelope::done("Mapping removed successfully."))
}

pub fn routes() -> Routes {
    Routes::new()
        .prefix("/api/mappings")
        .add("/", get(list).post(create))
        .add("/detail/{id}", get(show).patch(patch).delete(destroy))
        .add("/{id}", get(for_patient))
}
