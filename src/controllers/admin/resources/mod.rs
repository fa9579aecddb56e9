//! The console's record types. Each is an [`AdminResource`] in a file of its
//! own: what its screens show (list columns and filters, form fields) and the
//! model calls behind them (the API's own functions, run with a staff
//! [`Caller`] that sees every record). The handlers only pick a resource by
//! its path and call it.
use async_trait::async_trait;
use sea_orm::{DatabaseConnection, DatabaseExecutor, DatabaseTransaction};
use serde_json::Value;

use super::shown::Shown;
use crate::{
    models::{caller::Caller, error::ModelResult, listing::Page, listing::QueryParams},
    views::admin::{
        forms::Field,
        tables::{self, Column, Filter, Row},
    },
};

mod doctors;
mod mappings;
mod patients;
mod users;

pub use users::USERS;

/// A record type of the console.
#[async_trait]
pub trait AdminResource: Send + Sync {
    /// Its path segment, `/admin/<path>/`.
    fn path(&self) -> &'static str;

    /// Singular and plural, in lower case (`("patient", "patients")`).
    fn names(&self) -> (&'static str, &'static str);

    /// The form's fields: for a new record (`creating`) or an existing one.
    fn fields(&self, creating: bool) -> Vec<Field>;

    /// What the change log calls an edit from `before` to `after` (their
    /// JSON).
    fn change_action(&self, _before: &Value, _after: &Value) -> &'static str {
        "change"
    }

    /// Links beside an editable record's form (none by default).
    fn extra_links(&self, _shown: &Shown) -> Vec<Value> {
        Vec::new()
    }

    /// Whether `field` is read-only for `actor` on this resource's form,
    /// beyond a locked record (where every field is).
    fn readonly_for(&self, _field: &str, _actor: &crate::models::users::Model) -> bool {
        false
    }

    /// The body of an edit: `submitted`, completed from the record as it was
    /// (`before`) where the form could not have sent a field.
    fn edit_body(
        &self,
        submitted: Value,
        _before: &Shown,
        _pairs: &[(String, String)],
        _actor: &crate::models::users::Model,
    ) -> Value {
        submitted
    }

    /// How many there are (the index page's tiles).
    async fn count(&self, db: &DatabaseConnection) -> ModelResult<u64>;

    /// The list page's context (columns, filters, rows, paging links).
    ///
    /// # Errors
    /// 400 for a bad query parameter (the API's messages).
    async fn list(
        &self,
        db: &DatabaseConnection,
        caller: &Caller,
        params: &QueryParams,
    ) -> ModelResult<Value>;

    /// On a connection for a page, on the change's transaction for a change.
    ///
    /// # Errors
    /// 404 when there is no such record.
    async fn find(&self, db: &DatabaseExecutor<'_>, caller: &Caller, id: i32)
        -> ModelResult<Shown>;

    /// Creates, updates and deletes run in the transaction that records the
    /// change in the log (see `commit_logged`).
    ///
    /// # Errors
    /// 400 naming each invalid field (the API's rules).
    async fn create(
        &self,
        db: &DatabaseTransaction,
        caller: &Caller,
        body: &Value,
    ) -> ModelResult<Shown>;

    /// # Errors
    /// 404 when missing; 400 naming each invalid field.
    async fn update(
        &self,
        db: &DatabaseTransaction,
        caller: &Caller,
        id: i32,
        body: &Value,
    ) -> ModelResult<Shown>;

    /// What deleting the record also removes, for the confirmation page.
    ///
    /// # Errors
    /// Database errors.
    async fn cascade(&self, db: &DatabaseConnection, id: i32) -> ModelResult<Vec<String>>;

    /// # Errors
    /// 404 when missing; 400 when an operator deletes themselves.
    async fn delete(&self, db: &DatabaseTransaction, caller: &Caller, id: i32) -> ModelResult<()>;
}

/// A resource, as the handlers hold one.
pub type Resource = &'static dyn AdminResource;

/// Every record type, in the console's order.
#[must_use]
pub fn all() -> [Resource; 4] {
    [
        &users::USERS,
        &patients::PATIENTS,
        &doctors::DOCTORS,
        &mappings::MAPPINGS,
    ]
}

/// The resource at `/admin/<path>/`.
#[must_use]
pub fn parse(path: &str) -> Option<Resource> {
    all().into_iter().find(|resource| resource.path() == path)
}

/// One page of a list, in the context the list template reads.
fn list_page<T>(
    resource: &dyn AdminResource,
    params: &QueryParams,
    page: Page<T>,
    columns: &[Column],
    filters: Vec<Filter>,
    row: fn(&T) -> Row,
) -> Value {
    let (singular, plural) = resource.names();
    let base = format!("/admin/{}/", resource.path());
    tables::context(tables::ListPage {
        base: &base,
        singular,
        plural,
        params,
        columns,
        filters,
        page,
        row,
    })
}

fn flag(value: bool) -> String {
    if value { "yes" } else { "no" }.to_string()
}
