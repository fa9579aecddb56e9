//! The delete screens of every record type: a confirmation page that lists
//! what the cascade removes, then the delete.
use axum::{
    body::Bytes,
    extract::{Path, State},
    http::StatusCode,
    response::Response,
};
use loco_rs::prelude::AppContext;
use serde_json::json;

use super::{
    begin_change, commit_logged, error_page, form_pairs, locate, not_found, records::locked,
    refusal, resources::Resource, settle, shown::Shown, Attempt, Logged, StaffSession,
};
use crate::{
    errors::FieldErrors,
    extractors::ClientIp,
    models::caller::Caller,
    models::error::ModelError,
    views::admin::{self as views, Chrome},
};

pub async fn delete_page(
    ctx: &AppContext,
    chrome: &Chrome,
    resource: Resource,
    shown: &Shown,
    errors: &FieldErrors,
) -> Response {
    let cascade = match resource.cascade(&ctx.db, shown.id).await {
        Ok(cascade) => cascade,
        Err(err) => return error_page(chrome, err),
    };
    let base = format!("/admin/{}/", resource.path());
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let data = json!({
        "singular": resource.names().0, "repr": shown.repr, "cascade": cascade,
        "action_url": format!("{base}{}/delete/", shown.id), "back_url": format!("{base}{}/", shown.id),
        "non_field_errors": errors.iter().flat_map(|(_, m)| m.to_vec()).collect::<Vec<_>>(),
    });
    views::page(status, "confirm_delete.html", "Are you sure?", chrome, data)
}

pub async fn delete_form(
    State(ctx): State<AppContext>,
    session: StaffSession,
    Path((resource, id)): Path<(String, String)>,
) -> Response {
    let chrome = session.chrome();
    let (resource, id) = match locate(&resource, Some(&id)) {
        Some(found) => found,
        None => return not_found(&chrome),
    };
    let caller = Caller::staff(session.user.clone());
    match resource.find(&(&ctx.db).into(), &caller, id).await {
        Ok(shown) if shown.locked => error_page(&chrome, locked()),
        Ok(shown) => delete_page(&ctx, &chrome, resource, &shown, &FieldErrors::new()).await,
        Err(err) => error_page(&chrome, err),
    }
}

pub async fn delete(
    State(ctx): State<AppContext>,
    session: StaffSession,
    ClientIp(ip): ClientIp,
    Path((resource, id)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let chrome = session.chrome();
    if let Some(refused) = session.csrf_refusal(&form_pairs(&body)) {
        return refused;
    }
    let (resource, id) = match locate(&resource, Some(&id)) {
        Some(found) => found,
        None => return not_found(&chrome),
    };
    let caller = Caller::staff(session.user.clone());
    // The record as it was, read in the change's own transaction, so the
    // log's "before" is what the change replaced.
    let txn = match begin_change(&ctx.db).await {
        Ok(txn) => txn,
        Err(err) => return error_page(&chrome, err),
    };
    let shown = match resource.find(&(&txn).into(), &caller, id).await {
        Ok(shown) => shown,
        Err(err) => return error_page(&chrome, err),
    };
    let outcome = resource.delete(&txn, &caller, id).await;
    match settle(txn, outcome).await {
        Ok(((), txn)) => {
            if let Some(page) = commit_logged(
                txn,
                &session,
                &ip,
                Logged {
                    action: "delete",
                    resource,
                    shown: &shown,
                    before: Some(shown.json.clone()),
                    after: None,
                },
            )
            .await
            {
                return page;
            }
            views::redirect(&format!("/admin/{}/", resource.path()), &[])
        }
        Err(ModelError::Invalid(errors)) => {
            delete_page(&ctx, &chrome, resource, &shown, &errors).await
        }
        Err(err @ ModelError::Forbidden(_)) => {
            let attempt = Attempt {
                action: "delete",
                resource,
                shown: &shown,
            };
            refusal(&ctx, &session, &ip, attempt, err).await
        }
        Err(err) => error_page(&chrome, err),
    }
}
