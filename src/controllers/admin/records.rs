//! The list, add and change screens of every record type.
use axum::{
    body::Bytes,
    extract::{Path, RawQuery, State},
    http::StatusCode,
    response::Response,
};
use loco_rs::prelude::AppContext;
use serde_json::{json, Value};

use super::{
    begin_change, commit_logged, error_page, form_pairs, locate, not_found, refusal,
    resources::Resource, settle, shown::Shown, Attempt, Logged, StaffSession,
};
use crate::{
    errors::FieldErrors,
    extractors::{ClientIp, InvalidQuery, ListQuery},
    models::{caller::Caller, error::ModelError, listing::QueryParams, staff, users},
    views::admin::{self as views, forms, Chrome},
};

/// A list page. Its query is read as the API's lists read theirs (a NUL
/// character in a value is a 400, which PostgreSQL would otherwise answer
/// with an error).
pub async fn list(
    State(ctx): State<AppContext>,
    session: StaffSession,
    Path(resource): Path<String>,
    query: Result<ListQuery, InvalidQuery>,
) -> Response {
    let chrome = session.chrome();
    let (resource, _) = match locate(&resource, None) {
        Some(found) => found,
        None => return not_found(&chrome),
    };
    let caller = Caller::staff(session.user.clone());
    let title = capitalized(resource.names().1);
    let listed = match query {
        Ok(query) => resource.list(&ctx.db, &caller, &query.params).await,
        Err(err) => Err(err.into()),
    };
    match listed {
        Ok(data) => views::page(StatusCode::OK, "list.html", &title, &chrome, data),
        Err(ModelError::Invalid(errors)) => {
            let base = format!("/admin/{}/", resource.path());
            let data = views::tables::invalid(&base, resource.names().0, &errors);
            views::page(StatusCode::BAD_REQUEST, "list.html", &title, &chrome, data)
        }
        Err(err) => error_page(&chrome, err),
    }
}

/// The refusal of a page that leads only to an action the operator may not
/// take on this record (`Shown::locked`).
pub(super) fn locked() -> ModelError {
    ModelError::Forbidden(staff::NEEDS_SUPERUSER.to_string())
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// The record form, with `values` and `errors` beside their fields. A
/// record the operator may not act on (`Shown::locked`) is shown read-only,
/// with no way on to its password or delete pages; the staff flags are
/// read-only to anyone but a superuser.
fn form_page(
    status: StatusCode,
    chrome: &Chrome,
    actor: &users::Model,
    resource: Resource,
    record: Option<&Shown>,
    values: &Value,
    errors: &FieldErrors,
) -> Response {
    let (singular, _) = resource.names();
    let fields = resource.fields(record.is_none());
    let base = format!("/admin/{}/", resource.path());
    let locked = record.is_some_and(|shown| shown.locked);
    let (title, action, delete_url, mut extra_links) = match record {
        Some(shown) => (
            format!("Change {singular} “{}”", shown.repr),
            format!("{base}{}/", shown.id),
            (!locked).then(|| format!("{base}{}/delete/", shown.id)),
            Vec::new(),
        ),
        None => (
            format!("Add {singular}"),
            format!("{base}add/"),
            None,
            Vec::new(),
        ),
    };
    if let (Some(shown), false) = (record, locked) {
        extra_links.extend(resource.extra_links(shown));
    }
    let mut field_views = forms::views(&fields, values, errors);
    for field in &mut field_views {
        field.readonly = locked || resource.readonly_for(field.name, actor);
    }
    let data = json!({
        "fields": field_views,
        "non_field_errors": forms::other_errors(&fields, errors),
        "action_url": action, "delete_url": delete_url, "list_url": base,
        "extra_links": extra_links, "locked": locked.then_some(staff::NEEDS_SUPERUSER),
    });
    views::page(status, "form.html", &title, chrome, data)
}

pub async fn add_form(session: StaffSession, Path(resource): Path<String>) -> Response {
    let chrome = session.chrome();
    match locate(&resource, None) {
        Some((resource, _)) => {
            let defaults = json!({ "is_active": true, "is_available": true });
            form_page(
                StatusCode::OK,
                &chrome,
                &session.user,
                resource,
                None,
                &defaults,
                &FieldErrors::new(),
            )
        }
        None => not_found(&chrome),
    }
}

pub async fn add(
    State(ctx): State<AppContext>,
    session: StaffSession,
    ClientIp(ip): ClientIp,
    Path(resource): Path<String>,
    body: Bytes,
) -> Response {
    let chrome = session.chrome();
    let pairs = form_pairs(&body);
    if let Some(refused) = session.csrf_refusal(&pairs) {
        return refused;
    }
    let (resource, _) = match locate(&resource, None) {
        Some(found) => found,
        None => return not_found(&chrome),
    };
    let json = forms::to_json(&resource.fields(true), &pairs);
    let caller = Caller::staff(session.user.clone());
    let txn = match begin_change(&ctx.db).await {
        Ok(txn) => txn,
        Err(err) => return error_page(&chrome, err),
    };
    let outcome = resource.create(&txn, &caller, &json).await;
    match settle(txn, outcome).await {
        Ok((shown, txn)) => {
            if let Some(page) = commit_logged(
                txn,
                &session,
                &ip,
                Logged {
                    action: "create",
                    resource,
                    shown: &shown,
                    before: None,
                    after: Some(shown.json.clone()),
                },
            )
            .await
            {
                return page;
            }
            views::redirect(
                &format!("/admin/{}/{}/?saved=1", resource.path(), shown.id),
                &[],
            )
        }
        Err(ModelError::Invalid(errors)) => form_page(
            StatusCode::BAD_REQUEST,
            &chrome,
            &session.user,
            resource,
            None,
            &json,
            &errors,
        ),
        Err(err) => error_page(&chrome, err),
    }
}

pub async fn change_form(
    State(ctx): State<AppContext>,
    session: StaffSession,
    Path((resource, id)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Response {
    let mut chrome = session.chrome();
    let (resource, id) = match locate(&resource, Some(&id)) {
        Some(found) => found,
        None => return not_found(&chrome),
    };
    if QueryParams::parse(query.as_deref()).get("saved").is_some() {
        chrome.notice = Some("Saved.".to_string());
    }
    let caller = Caller::staff(session.user.clone());
    match resource.find(&(&ctx.db).into(), &caller, id).await {
        Ok(shown) => form_page(
            StatusCode::OK,
            &chrome,
            &session.user,
            resource,
            Some(&shown),
            &shown.json,
            &FieldErrors::new(),
        ),
        Err(err) => error_page(&chrome, err),
    }
}

pub async fn change(
    State(ctx): State<AppContext>,
    session: StaffSession,
    ClientIp(ip): ClientIp,
    Path((resource, id)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let chrome = session.chrome();
    let pairs = form_pairs(&body);
    if let Some(refused) = session.csrf_refusal(&pairs) {
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
    let before = match resource.find(&(&txn).into(), &caller, id).await {
        Ok(shown) => shown,
        Err(err) => return error_page(&chrome, err),
    };
    let submitted = forms::to_json(&resource.fields(false), &pairs);
    let json = resource.edit_body(submitted, &before, &pairs, &session.user);
    let outcome = resource.update(&txn, &caller, id, &json).await;
    match settle(txn, outcome).await {
        Ok((after, txn)) => {
            let action = resource.change_action(&before.json, &after.json);
            if let Some(page) = commit_logged(
                txn,
                &session,
                &ip,
                Logged {
                    action,
                    resource,
                    shown: &after,
                    before: Some(before.json),
                    after: Some(after.json.clone()),
                },
            )
            .await
            {
                return page;
            }
            views::redirect(&format!("/admin/{}/{}/?saved=1", resource.path(), id), &[])
        }
        Err(ModelError::Invalid(errors)) => form_page(
            StatusCode::BAD_REQUEST,
            &chrome,
            &session.user,
            resource,
            Some(&before),
            &json,
            &errors,
        ),
        Err(err @ ModelError::Forbidden(_)) => {
            let action = resource.change_action(&before.json, &json);
            let attempt = Attempt {
                action,
                resource,
                shown: &before,
            };
            refusal(&ctx, &session, &ip, attempt, err).await
        }
        Err(err) => error_page(&chrome, err),
    }
}
