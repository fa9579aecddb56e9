//! Resetting a user's password from the console.
use axum::{
    body::Bytes,
    extract::{Path, State},
    http::StatusCode,
    response::Response,
};
use loco_rs::prelude::AppContext;
use serde_json::json;

use super::{
    begin_change, commit_logged, error_page, form_pairs, locate, not_found,
    records::locked,
    refusal,
    resources::{AdminResource, USERS},
    settle,
    shown::Shown,
    Attempt, Logged, StaffSession,
};
use crate::{
    errors::FieldErrors,
    extractors::ClientIp,
    models::error::ModelError,
    models::{caller::Caller, staff},
    views::admin::{self as views, forms, Chrome},
};

fn password_page(
    status: StatusCode,
    chrome: &Chrome,
    user: &Shown,
    errors: &FieldErrors,
) -> Response {
    let fields = USERS.password_fields();
    let data = json!({
        "fields": forms::views(&fields, &json!({}), errors),
        "non_field_errors": forms::other_errors(&fields, errors),
        "action_url": format!("/admin/users/{}/password/", user.id), "delete_url": null,
        "list_url": format!("/admin/users/{}/", user.id), "extra_links": [],
    });
    views::page(
        status,
        "form.html",
        &format!("Reset the password of “{}”", user.repr),
        chrome,
        data,
    )
}

pub async fn password_form(
    State(ctx): State<AppContext>,
    session: StaffSession,
    Path(id): Path<String>,
) -> Response {
    let chrome = session.chrome();
    let (_, id) = match locate("users", Some(&id)) {
        Some(found) => found,
        None => return not_found(&chrome),
    };
    let caller = Caller::staff(session.user.clone());
    match USERS.find(&(&ctx.db).into(), &caller, id).await {
        Ok(user) if user.locked => error_page(&chrome, locked()),
        Ok(user) => password_page(StatusCode::OK, &chrome, &user, &FieldErrors::new()),
        Err(err) => error_page(&chrome, err),
    }
}

pub async fn reset_password(
    State(ctx): State<AppContext>,
    session: StaffSession,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let chrome = session.chrome();
    let pairs = form_pairs(&body);
    if let Some(refused) = session.csrf_refusal(&pairs) {
        return refused;
    }
    let (_, id) = match locate("users", Some(&id)) {
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
    let user = match USERS.find(&(&txn).into(), &caller, id).await {
        Ok(user) => user,
        Err(err) => return error_page(&chrome, err),
    };
    let json = forms::to_json(&USERS.password_fields(), &pairs);
    let outcome = staff::reset_password(&txn, &session.user, id, &json).await;
    match settle(txn, outcome).await {
        Ok((_, txn)) => {
            // The log says a reset happened; it never holds the password.
            if let Some(page) = commit_logged(
                txn,
                &session,
                &ip,
                Logged {
                    action: "reset password",
                    resource: &USERS,
                    shown: &user,
                    before: None,
                    after: None,
                },
            )
            .await
            {
                return page;
            }
            views::redirect(&format!("/admin/users/{id}/?saved=1"), &[])
        }
        Err(ModelError::Invalid(errors)) => {
            password_page(StatusCode::BAD_REQUEST, &chrome, &user, &errors)
        }
        Err(err @ ModelError::Forbidden(_)) => {
            let attempt = Attempt {
                action: "reset password",
                resource: &USERS,
                shown: &user,
            };
            refusal(&ctx, &session, &ip, attempt, err).await
        }
        Err(err) => error_page(&chrome, err),
    }
}
