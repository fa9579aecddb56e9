//! What operators do to accounts in the admin console: sign in, list, create,
//! edit, deactivate, reset a password, grant or revoke staff, delete. The
//! rules (password validators, e-mail uniqueness) are the API's own.
use sea_orm::{
    sea_query::{Expr, ExprTrait, Func},
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel,
    ModelTrait, PaginatorTrait, QueryFilter, TransactionSession, TransactionTrait,
};
use serde_json::Value;

use super::error::{self, violated_unique_key, FieldErrors, ModelError, ModelResult};
use super::{
    _entities::{doctors, mappings, patients},
    admin_sessions,
    fields::{Input, Mode, Text},
    listing::{self, Page, PageRequest, QueryParams},
    now, passwords, sessions,
    users::{self, ActiveModel, Column, Entity, Model},
};

const EMAIL_TAKEN: &str = "user with this email already exists.";
const FLAGS_NEED_SUPERUSER: &str = "Only superusers may change staff or superuser status.";
/// Why an action on a staff or superuser account is refused to a staff
/// member who is not a superuser.
pub const NEEDS_SUPERUSER: &str = "Only a superuser may change a staff or superuser account.";

/// Fields a user list may be ordered by.
const ORDERING: [(&str, Column); 5] = [
    ("id", Column::Id),
    ("name", Column::Name),
    ("email", Column::Email),
    ("created_at", Column::CreatedAt),
    ("last_login", Column::LastLogin),
];

/// The console's sign-in check: the user whose password matches, if active
/// (staff is checked by the caller, which answers a plain refusal). The same
/// hashing work is done for an unknown e-mail.
///
/// # Errors
/// Database or hashing failures.
pub async fn authenticate(
    db: &DatabaseConnection,
    email: &str,
    password: &str,
) -> ModelResult<Option<Model>> {
    let user = Entity::find()
        .filter(Column::Email.eq(email.trim().to_lowercase()))
        .one(db)
        .await?;
    let verified = passwords::verify(
        password.to_string(),
        user.as_ref().map(|u| u.password_hash.clone()),
    )
    .await?;
    Ok(user.filter(|user| verified && user.is_active))
}

/// # Errors
/// 400 for a bad query parameter.
pub async fn list(db: &DatabaseConnection, params: &QueryParams) -> ModelResult<Page<Model>> {
    let mut errors = FieldErrors::new();
    let page = PageRequest::parse(params, &mut errors);
    let mut select = Entity::find();
    if let Some(term) = params.get_nonempty("search") {
        // E-mails are stored lower-cased; names are lowered by the database
        // (ASCII only on SQLite, which is a development database).
        let pattern = listing::folded_pattern(term.trim());
        select = select.filter(
            Condition::any()
                .add(Column::Email.like(pattern.clone()))
                .add(Expr::expr(Func::lower(Expr::col(Column::Name))).like(pattern)),
        );
    }
    for (name, column) in [
        ("is_active", Column::IsActive),
        ("is_staff", Column::IsStaff),
        ("is_superuser", Column::IsSuperuser),
    ] {
        if let Some(flag) = params.boolean(name, &mut errors) {
            select = select.filter(column.eq(flag));
        }
    }
    let select = listing::apply_ordering(select, params, &ORDERING, Column::Id, &mut errors);
    errors.into_result()?;
    listing::paginate(db, select, page).await
}

/// # Errors
/// 404 when there is no such user.
pub async fn find<C: ConnectionTrait + TransactionTrait>(db: &C, id: i32) -> ModelResult<Model> {
    Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(ModelError::NotFound)
}

/// The console's one rule for acting on an account (edit, password reset,
/// deactivation, deletion): a superuser may act on any account; any other
/// staff member on plain accounts and on their own, whose flags `flags`
/// still guards. Without it a staff member could reset a superuser's
/// password and sign in as them.
#[must_use]
pub fn may_manage(actor: &Model, target: &Model) -> bool {
    actor.is_superuser || actor.id == target.id || !(target.is_staff || target.is_superuser)
}

/// [`may_manage`] as the models' error: 403 when it says no.
fn ensure_may_manage(actor: &Model, target: &Model) -> ModelResult<()> {
    if may_manage(actor, target) {
        Ok(())
    } else {
        Err(ModelError::Forbidden(NEEDS_SUPERUSER.to_string()))
    }
}

/// Reads the staff flags, refusing any change to them unless the actor is a
/// superuser: on a new account as a field error, on an existing one (the
/// actor's own included) as a refused action, 403.
fn flags(
    input: &mut Input<'_>,
    actor: &Model,
    current: Option<&Model>,
) -> ModelResult<(bool, bool, bool)> {
    let is_active = input.boolean("is_active", false).unwrap_or(true);
    let is_staff = input.boolean("is_staff", false).unwrap_or(false);
    let is_superuser = input.boolean("is_superuser", false).unwrap_or(false);
    let (was_staff, was_superuser) =
        current.map_or((false, false), |u| (u.is_staff, u.is_superuser));
    if !actor.is_superuser && (is_staff != was_staff || is_superuser != was_superuser) {
        if current.is_some() {
            return Err(ModelError::Forbidden(FLAGS_NEED_SUPERUSER.to_string()));
        }
        input.error("is_staff", FLAGS_NEED_SUPERUSER);
    }
    Ok((is_active, is_staff, is_superuser))
}

/// Creates an account from the console's form.
///
/// # Errors
/// 400 naming each invalid field.
pub async fn create<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    actor: &Model,
    body: &Value,
) -> ModelResult<Model> {
    let mut input = Input::new(body, Mode::Full)?;
    let name = input.text("name", Text::required(150));
    let email = input
        .email("email", Text::required(254))
        .map(|e| e.to_lowercase());
    let password = users::new_password(&mut input, name.as_deref(), email.as_deref());
    let (is_active, is_staff, is_superuser) = flags(&mut input, actor, None)?;
    let (name, email, password) = input.finish_with(|| Some((name?, email?, password?)))?;
    let password_hash = passwords::hash(password).await?;
    let timestamp = now();
    ActiveModel {
        name: Set(name),
        email: Set(email),
        password_hash: Set(password_hash),
        is_active: Set(is_active),
        is_staff: Set(is_staff),
        is_superuser: Set(is_superuser),
        created_at: Set(timestamp),
        updated_at: Set(timestamp),
        last_login: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(email_error)
}

fn email_error(err: sea_orm::DbErr) -> ModelError {
    if violated_unique_key(&err) == Some(error::USERS_EMAIL) {
        ModelError::invalid("email", EMAIL_TAKEN)
    } else {
        err.into()
    }
}

/// Edits name, e-mail and flags. Deactivating ends every session of the
/// account (API and console), so reactivating it later revives none of
/// them; taking away `is_staff` ends its console sessions.
///
/// # Errors
/// 404 when missing; 403 when the actor may not manage the account
/// ([`may_manage`]); 400 naming each invalid field.
pub async fn update<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    actor: &Model,
    id: i32,
    body: &Value,
) -> ModelResult<Model> {
    let existing = find(db, id).await?;
    ensure_may_manage(actor, &existing)?;
    let mut input = Input::new(body, Mode::Full)?;
    let name = input.text("name", Text::required(150));
    let email = input
        .email("email", Text::required(254))
        .map(|e| e.to_lowercase());
    let (is_active, is_staff, is_superuser) = flags(&mut input, actor, Some(&existing))?;
    if actor.id == id && !is_active {
        input.error("is_active", "You cannot deactivate your own account.");
    }
    let (name, email) = input.finish_with(|| Some((name?, email?)))?;
    let txn = db.begin().await?;
    let mut row = existing.into_active_model();
    row.name = Set(name);
    row.email = Set(email);
    row.is_active = Set(is_active);
    row.is_staff = Set(is_staff);
    row.is_superuser = Set(is_superuser);
    row.updated_at = Set(now());
    let user = row.update(&txn).await.map_err(email_error)?;
    if !user.is_active {
        sessions::end_all(&txn, user.id).await?;
    } else if !user.is_staff {
        admin_sessions::end_all_for(&txn, user.id).await?;
    }
    txn.commit().await?;
    Ok(user)
}

/// Sets a new password (the API's validators) and ends every session of the
/// account (API and console).
///
/// # Errors
/// 404 when missing; 403 when the actor may not manage the account
/// ([`may_manage`]); 400 naming each invalid field.
pub async fn reset_password<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    actor: &Model,
    id: i32,
    body: &Value,
) -> ModelResult<Model> {
    let existing = find(db, id).await?;
    ensure_may_manage(actor, &existing)?;
    let mut input = Input::new(body, Mode::Full)?;
    let password = users::new_password(&mut input, Some(&existing.name), Some(&existing.email));
    let password = input.finish_with(|| password)?;
    let password_hash = passwords::hash(password).await?;
    let txn = db.begin().await?;
    let mut row = existing.into_active_model();
    row.password_hash = Set(password_hash);
    row.updated_at = Set(now());
    let user = row.update(&txn).await?;
    sessions::end_all(&txn, user.id).await?;
    txn.commit().await?;
    Ok(user)
}

/// What deleting a user removes with it, for the confirmation page.
///
/// # Errors
/// Database errors.
pub async fn cascade<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    user: &Model,
) -> ModelResult<Vec<String>> {
    let patients = user.find_related(patients::Entity).count(db).await?;
    let mappings = mappings::Entity::find()
        .inner_join(patients::Entity)
        .filter(patients::Column::OwnerId.eq(user.id))
        .count(db)
        .await?;
    let doctors = doctors::Entity::find()
        .filter(doctors::Column::CreatedBy.eq(user.id))
        .count(db)
        .await?;
    Ok(vec![
        format!("{patients} patient(s) owned by this user"),
        format!("{mappings} assignment(s) of those patients to doctors"),
        "the account's tokens and console sessions".to_string(),
        format!("{doctors} doctor record(s) created by this user are kept, without a creator"),
    ])
}

/// Deletes the account and, by cascade, its patients and their mappings.
///
/// # Errors
/// 404 when missing; 400 when an operator tries to delete themselves; 403
/// when the actor may not manage the account ([`may_manage`]).
pub async fn delete<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    actor: &Model,
    id: i32,
) -> ModelResult<Model> {
    if actor.id == id {
        return Err(ModelError::invalid(
            "non_field_errors",
            "You cannot delete your own account.",
        ));
    }
    let existing = find(db, id).await?;
    ensure_may_manage(actor, &existing)?;
    existing.clone().delete(db).await?;
    Ok(existing)
}
