//! The admin console at `/admin/`: server-rendered pages for staff. Handlers
//! parse the form, call the same model functions as the API (so the rules
//! are the API's), record the change, and render a page.
use axum::{
    body::Bytes,
    extract::State,
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use loco_rs::prelude::{AppContext, Routes};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, SqliteTransactionMode,
    TransactionOptions, TransactionTrait,
};
use serde_json::{json, Value};

use crate::{
    models::admin_log,
    models::error::ModelError,
    views::admin::{self as views, Chrome},
};

mod accounts;
mod deletion;
mod log;
mod records;
mod resources;
pub mod session;
mod shown;

use resources::Resource;
use session::{error_page, StaffSession};
use shown::Shown;

pub(super) fn form_pairs(body: &Bytes) -> Vec<(String, String)> {
    form_urlencoded::parse(body).into_owned().collect()
}

pub(super) fn not_found(chrome: &Chrome) -> Response {
    error_page(chrome, ModelError::NotFound)
}

/// The resource and record id of a path (`None`: the 404 page).
pub(super) fn locate(resource: &str, id: Option<&str>) -> Option<(Resource, i32)> {
    let resource = resources::parse(resource)?;
    let id = match id {
        None => 0,
        Some(raw) => raw.parse::<i32>().ok().filter(|id| *id > 0)?,
    };
    Some((resource, id))
}

async fn index(State(ctx): State<AppContext>, session: StaffSession) -> Response {
    let chrome = session.chrome();
    let mut tiles = Vec::new();
    for resource in resources::all() {
        let count = resource.count(&ctx.db).await;
        match count {
            Ok(count) => tiles.push(json!({
                "label": resource.names().1, "count": count,
                "url": format!("/admin/{}/", resource.path()),
            })),
            Err(err) => return error_page(&chrome, err),
        }
    }
    views::page(
        StatusCode::OK,
        "index.html",
        "Site administration",
        &chrome,
        json!({ "tiles": tiles }),
    )
}

/// The transaction a console change runs in, with its change-log row: on
/// SQLite it takes the write lock at once, so that the model's own reads
/// inside it never have to upgrade a read lock.
pub(super) async fn begin_change(
    db: &DatabaseConnection,
) -> Result<DatabaseTransaction, ModelError> {
    let options = TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..TransactionOptions::default()
    };
    Ok(db.begin_with_options(options).await?)
}

/// A model change's outcome in `txn`: on success the value and the
/// transaction, for [`commit_logged`]; on failure the transaction is rolled
/// back at once, before a refusal is logged outside it.
pub(super) async fn settle<T>(
    txn: DatabaseTransaction,
    outcome: Result<T, ModelError>,
) -> Result<(T, DatabaseTransaction), ModelError> {
    match outcome {
        Ok(value) => Ok((value, txn)),
        Err(err) => {
            // Nothing was written that must stay; a failed rollback ends
            // with the connection, which drops the transaction anyway.
            let _ = txn.rollback().await;
            Err(err)
        }
    }
}

/// Records the change made in `txn` and commits both: a change the log
/// cannot record is not made (the error page says so).
pub(super) async fn commit_logged(
    txn: DatabaseTransaction,
    session: &StaffSession,
    ip: &str,
    logged: Logged<'_>,
) -> Option<Response> {
    if let Some(page) = record(&txn, session, ip, logged).await {
        return Some(page);
    }
    txn.commit()
        .await
        .err()
        .map(|err| error_page(&session.chrome(), ModelError::from(err)))
}

/// Appends an entry to the console's log; a failure to record is logged
/// and answered as an error, because an unrecorded action must be noticed.
async fn record<C: ConnectionTrait>(
    db: &C,
    session: &StaffSession,
    ip: &str,
    logged: Logged<'_>,
) -> Option<Response> {
    let change = admin_log::Change {
        actor: &session.user,
        ip,
        action: logged.action,
        object_type: logged.resource.names().0,
        object_id: logged.shown.id,
        object_repr: logged.shown.repr.clone(),
        before: logged.before,
        after: logged.after,
    };
    admin_log::record(db, change)
        .await
        .err()
        .map(|err| error_page(&session.chrome(), err))
}

/// A refused action (the models' 403): recorded in the change log as
/// `refused: <action>`, with nothing of what was attempted (it may be a
/// password), then the 403 page.
pub(super) async fn refusal(
    ctx: &AppContext,
    session: &StaffSession,
    ip: &str,
    attempt: Attempt<'_>,
    err: ModelError,
) -> Response {
    let action = format!("refused: {}", attempt.action);
    let logged = Logged {
        action: &action,
        resource: attempt.resource,
        shown: attempt.shown,
        before: None,
        after: None,
    };
    if let Some(page) = record(&ctx.db, session, ip, logged).await {
        return page;
    }
    error_page(&session.chrome(), err)
}

/// What an operator tried to do to which record.
pub(super) struct Attempt<'a> {
    pub(super) action: &'a str,
    pub(super) resource: Resource,
    pub(super) shown: &'a Shown,
}

/// A change to record: what was done to which record, before and after.
pub(super) struct Logged<'a> {
    pub(super) action: &'a str,
    pub(super) resource: Resource,
    pub(super) shown: &'a Shown,
    pub(super) before: Option<Value>,
    pub(super) after: Option<Value>,
}

async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        views::STYLESHEET,
    )
        .into_response()
}

pub fn routes() -> Routes {
    Routes::new()
        .prefix("/admin")
        .add("/", get(index))
        .add("/login", get(session::login_form).post(session::login))
        .add("/logout", post(session::logout))
        .add("/log", get(log::change_log))
        .add("/static/admin.css", get(stylesheet))
        .add(
            "/users/{id}/password",
            get(accounts::password_form).post(accounts::reset_password),
        )
        .add("/{resource}", get(records::list))
        .add("/{resource}/add", get(records::add_form).post(records::add))
        .add(
            "/{resource}/{id}",
            get(records::change_form).post(records::change),
        )
        .add(
            "/{resource}/{id}/delete",
            get(deletion::delete_form).post(deletion::delete),
        )
}
