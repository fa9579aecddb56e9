//! Accounts: registration and login.
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, IntoActiveModel, QueryFilter, TransactionTrait,
};
use serde_json::{json, Value};

pub use super::_entities::users::{ActiveModel, Column, Entity, Model};
use super::error::{self, violated_unique_key, FieldErrors, ModelError, ModelResult};
use super::{
    caller::Caller,
    fields::{write_body, Input, Mode},
    jwt::{JwtKeys, TokenPair},
    now, passwords, sessions, tokens,
};

const EMAIL_TAKEN: &str = "user with this email already exists.";

/// Reads `password` and `confirm_password`: Django's validators, with the
/// password compared with whichever of the account's name and e-mail are
/// known, and the two must match (registration, the console's forms).
pub fn new_password(
    input: &mut Input<'_>,
    name: Option<&str>,
    email: Option<&str>,
) -> Option<String> {
    new_password_under(input, "password", name, email)
}

/// [`new_password`] with the password under `field` (a password change
/// names it `new_password`).
pub fn new_password_under(
    input: &mut Input<'_>,
    field: &str,
    name: Option<&str>,
    email: Option<&str>,
) -> Option<String> {
    let password = input.password(field);
    let confirm = input.password("confirm_password");
    check_new_password(
        input,
        field,
        password.as_deref(),
        confirm.as_deref(),
        name,
        email,
    );
    password
}

/// Django's validators on a new `password` read under `field`, and its
/// match with `confirm`; each problem is recorded in `input`.
fn check_new_password(
    input: &mut Input<'_>,
    field: &str,
    password: Option<&str>,
    confirm: Option<&str>,
    name: Option<&str>,
    email: Option<&str>,
) {
    if let Some(password) = password {
        let attributes: Vec<(&str, &str)> = [("name", name), ("email address", email)]
            .into_iter()
            .filter_map(|(label, value)| value.map(|v| (label, v)))
            .collect();
        for problem in passwords::problems(password, &attributes) {
            input.error(field, problem);
        }
    }
    if let (Some(password), Some(confirm)) = (password, confirm) {
        if password != confirm {
            input.error("confirm_password", "Passwords do not match.");
        }
    }
}

write_body! {
    /// `POST /api/auth/register/`.
    pub struct RegisterBody {
        name: text(required, 150) => "Name";
        email: email(required, 254) => "E-mail";
        password: password() => "Password";
        confirm_password: password() => "Password again";
    }
}

write_body! {
    /// `POST /api/auth/login/`. The e-mail is text, not checked as an
    /// address: a malformed one is just an unknown account (401).
    pub struct LoginBody {
        email: text(required, 254) => "E-mail";
        password: password() => "Password";
    }
}

write_body! {
    /// `POST /api/auth/token/refresh/` and `/api/auth/logout/`.
    pub struct RefreshBody {
        refresh: text(required, 4096) => "Refresh token";
    }
}

write_body! {
    /// `POST /api/auth/change-password/`.
    pub struct PasswordChangeBody {
        old_password: password() => "Old password";
        new_password: password() => "New password";
        confirm_password: password() => "New password again";
    }
}

/// A validated `POST /api/auth/register/` body.
struct Registration {
    name: String,
    email: String,
    password: String,
}

impl Registration {
    fn parse(body: &Value) -> ModelResult<Self> {
        let mut input = Input::new(body, Mode::Full)?;
        let RegisterBody {
            name,
            email,
            password,
            confirm_password,
        } = RegisterBody::read(&mut input);
        let email = email.map(|e| e.to_lowercase());
        check_new_password(
            &mut input,
            "password",
            password.as_deref(),
            confirm_password.as_deref(),
            name.as_deref(),
            email.as_deref(),
        );
        let (name, email, password) = input.finish_with(|| Some((name?, email?, password?)))?;
        Ok(Self {
            name,
            email,
            password,
        })
    }
}

/// `POST /api/auth/register/`: the new user and their first token pair.
///
/// # Errors
/// 400 naming each invalid field, or `email` when it is taken.
pub async fn register(
    db: &DatabaseConnection,
    keys: &JwtKeys,
    body: &Value,
) -> ModelResult<(Model, TokenPair)> {
    let Registration {
        name,
        email,
        password,
    } = Registration::parse(body)?;
    refuse_taken(db, &email).await?;
    let password_hash = passwords::hash(password).await?;
    let txn = db.begin().await?;
    let user = insert(&txn, name, email, password_hash, Flags::default()).await?;
    let pair = sessions::sign_in(&txn, keys, user.id).await?;
    txn.commit().await?;
    Ok((user, pair))
}

/// An account's staff flags (Django's `is_staff`, `is_superuser`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Flags {
    pub is_staff: bool,
    pub is_superuser: bool,
}

async fn refuse_taken<C: ConnectionTrait>(db: &C, email: &str) -> ModelResult<()> {
    let taken = Entity::find()
        .filter(Column::Email.eq(email))
        .one(db)
        .await?;
    match taken {
        Some(_) => Err(ModelError::invalid("email", EMAIL_TAKEN)),
        None => Ok(()),
    }
}

async fn insert<C: ConnectionTrait>(
    db: &C,
    name: String,
    email: String,
    password_hash: String,
    flags: Flags,
) -> ModelResult<Model> {
    let timestamp = now();
    let inserted = ActiveModel {
        name: Set(name),
        email: Set(email),
        password_hash: Set(password_hash),
        is_active: Set(true),
        is_staff: Set(flags.is_staff),
        is_superuser: Set(flags.is_superuser),
        created_at: Set(timestamp),
        updated_at: Set(timestamp),
        last_login: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await;
    match inserted {
        Ok(user) => Ok(user),
        // Lost a race with a concurrent registration of the same address.
        Err(err) if violated_unique_key(&err) == Some(error::USERS_EMAIL) => {
            Err(ModelError::invalid("email", EMAIL_TAKEN))
        }
        Err(err) => Err(err.into()),
    }
}

/// Creates an account outside the API (operator tasks, demo data) under the
/// rules of registration: the same field checks and messages, Django's
/// password validators, a unique e-mail.
///
/// # Errors
/// 400 naming each invalid field (`name`, `email`, `password`).
pub async fn create_account<C: ConnectionTrait>(
    db: &C,
    name: &str,
    email: &str,
    password: &str,
    flags: Flags,
) -> ModelResult<Model> {
    let Registration {
        name,
        email,
        password,
    } = Registration::parse(&json!({
        "name": name,
        "email": email,
        "password": password,
        "confirm_password": password,
    }))?;
    refuse_taken(db, &email).await?;
    let password_hash = passwords::hash(password).await?;
    insert(db, name, email, password_hash, flags).await
}

/// Sets the password of the account with `email`, under Django's validators
/// (compared with that user's name and e-mail), and ends every session of
/// the account (the `change_password` task).
///
/// # Errors
/// 400 under `email` for an unknown account, under `password` for each
/// failed validator.
pub async fn set_password(
    db: &DatabaseConnection,
    email: &str,
    password: &str,
) -> ModelResult<Model> {
    let user = Entity::find()
        .filter(Column::Email.eq(email.trim().to_lowercase()))
        .one(db)
        .await?
        .ok_or_else(|| ModelError::invalid("email", "No user with this email address."))?;
    let mut errors = FieldErrors::new();
    let attributes = [
        ("name", user.name.as_str()),
        ("email address", user.email.as_str()),
    ];
    for problem in passwords::problems(password, &attributes) {
        errors.add("password", problem);
    }
    errors.into_result()?;
    let password_hash = passwords::hash(password.to_string()).await?;
    let txn = db.begin().await?;
    let mut active = user.into_active_model();
    active.password_hash = Set(password_hash);
    active.updated_at = Set(now());
    let user = active.update(&txn).await?;
    sessions::end_all(&txn, user.id).await?;
    txn.commit().await?;
    Ok(user)
}

/// `POST /api/auth/password/change/`: checks the old password, sets the new
/// one (registration's validators), ends every session of the user and
/// starts a new one, whose pair is returned.
///
/// # Errors
/// 400 naming each invalid field; under `old_password` when it is wrong.
pub async fn change_password(
    db: &DatabaseConnection,
    keys: &JwtKeys,
    caller: &Caller,
    body: &Value,
) -> ModelResult<TokenPair> {
    let user = &caller.user;
    let mut input = Input::new(body, Mode::Full)?;
    let PasswordChangeBody {
        old_password,
        new_password,
        confirm_password,
    } = PasswordChangeBody::read(&mut input);
    check_new_password(
        &mut input,
        "new_password",
        new_password.as_deref(),
        confirm_password.as_deref(),
        Some(&user.name),
        Some(&user.email),
    );
    let (old, new) = input.finish_with(|| Some((old_password?, new_password?)))?;
    if !passwords::verify(old, Some(user.password_hash.clone())).await? {
        return Err(ModelError::invalid(
            "old_password",
            "Your old password was entered incorrectly. Please enter it again.",
        ));
    }
    let password_hash = passwords::hash(new).await?;
    let txn = db.begin().await?;
    let mut active = user.clone().into_active_model();
    active.password_hash = Set(password_hash);
    active.updated_at = Set(now());
    active.update(&txn).await?;
    // The new session begins at the cutoff itself: the one sign-in the
    // cutoff does not end.
    let cutoff = sessions::end_all(&txn, user.id).await?;
    let family = sessions::start(&txn, user.id, cutoff).await?;
    let pair = tokens::issue_pair(&txn, keys, &family).await?;
    txn.commit().await?;
    Ok(pair)
}

/// `POST /api/auth/login/`.
///
/// # Errors
/// 400 when a field is missing; otherwise one 401 for an unknown e-mail, a
/// wrong password and an inactive account alike, after the same hashing work.
pub async fn login(
    db: &DatabaseConnection,
    keys: &JwtKeys,
    body: &Value,
) -> ModelResult<(Model, TokenPair)> {
    let mut input = Input::new(body, Mode::Full)?;
    let LoginBody { email, password } = LoginBody::read(&mut input);
    let (email, password) = input.finish_with(|| Some((email?, password?)))?;
    let user = Entity::find()
        .filter(Column::Email.eq(email.to_lowercase()))
        .one(db)
        .await?;
    let verified =
        passwords::verify(password, user.as_ref().map(|u| u.password_hash.clone())).await?;
    let user = match user {
        Some(user) if verified && user.is_active => user,
        _ => {
            return Err(ModelError::Unauthenticated(
                "No active account found with the given credentials.".to_string(),
            ))
        }
    };
    let txn = db.begin().await?;
    let mut active = user.into_active_model();
    active.last_login = Set(Some(now()));
    let user = active.update(&txn).await?;
    let pair = sessions::sign_in(&txn, keys, user.id).await?;
    txn.commit().await?;
    Ok((user, pair))
}

/// Reads `refresh` from a token body (`logout`, `token/refresh`).
///
/// # Errors
/// 400 under `refresh` when it is missing or not a string.
pub fn refresh_field(body: &Value) -> ModelResult<String> {
    let mut input = Input::new(body, Mode::Full)?;
    let RefreshBody { refresh } = RefreshBody::read(&mut input);
    input.finish_with(|| refresh)
}

impl sea_orm::ActiveModelBehavior for ActiveModel {}
