//! Accounts: registration and login.
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, QueryFilter, TransactionTrait,
};
use serde_json::Value;

pub use super::_entities::users::{ActiveModel, Column, Entity, Model};
use super::{
    fields::{Input, Mode, Text},
    now, passwords,
    tokens::{self, is_unique_violation, JwtKeys, TokenPair},
};
use crate::errors::{ApiError, ApiResult, FieldErrors};

const EMAIL_TAKEN: &str = "user with this email already exists.";

/// A validated `POST /api/auth/register/` body.
struct Registration {
    name: String,
    email: String,
    password: String,
}

impl Registration {
    fn parse(body: &Value) -> ApiResult<Self> {
        let mut input = Input::new(body, Mode::Full)?;
        let name = input.text("name", Text::required(150));
        let email = input
            .email("email", Text::required(254))
            .map(|e| e.to_lowercase());
        let password = input.password("password");
        let confirm = input.password("confirm_password");
        if let Some(password) = &password {
            // Compared with whichever of the user's attributes are valid.
            let attributes: Vec<(&str, &str)> = [("name", &name), ("email address", &email)]
                .into_iter()
                .filter_map(|(label, value)| value.as_deref().map(|v| (label, v)))
                .collect();
            for problem in passwords::problems(password, &attributes) {
                input.error("password", problem);
            }
        }
        if let (Some(password), Some(confirm)) = (&password, &confirm) {
            if password != confirm {
                input.error("confirm_password", "Passwords do not match.");
            }
        }
        input.finish()?;
        match (name, email, password) {
            (Some(name), Some(email), Some(password)) => Ok(Self {
                name,
                email,
                password,
            }),
            _ => Err(ApiError::Internal),
        }
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
) -> ApiResult<(Model, TokenPair)> {
    let registration = Registration::parse(body)?;
    let taken = Entity::find()
        .filter(Column::Email.eq(registration.email.as_str()))
        .one(db)
        .await?;
    if taken.is_some() {
        return Err(ApiError::validation("email", EMAIL_TAKEN));
    }
    let password_hash = passwords::hash(registration.password).await?;
    let txn = db.begin().await?;
    let timestamp = now();
    let inserted = ActiveModel {
        name: Set(registration.name),
        email: Set(registration.email),
        password_hash: Set(password_hash),
        is_active: Set(true),
        is_staff: Set(false),
        is_superuser: Set(false),
        created_at: Set(timestamp),
        updated_at: Set(timestamp),
        last_login: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await;
    let user = match inserted {
        Ok(user) => user,
        // Lost a race with a concurrent registration of the same address.
        Err(err) if is_unique_violation(&err) => {
            return Err(ApiError::validation("email", EMAIL_TAKEN))
        }
        Err(err) => return Err(err.into()),
    };
    let pair = tokens::issue_pair(&txn, keys, user.id).await?;
    txn.commit().await?;
    Ok((user, pair))
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
) -> ApiResult<(Model, TokenPair)> {
    let mut input = Input::new(body, Mode::Full)?;
    let email = input.text("email", Text::required(254));
    let password = input.password("password");
    input.finish()?;
    let (Some(email), Some(password)) = (email, password) else {
        return Err(ApiError::Internal);
    };
    let user = Entity::find()
        .filter(Column::Email.eq(email.to_lowercase()))
        .one(db)
        .await?;
    let verified =
        passwords::verify(password, user.as_ref().map(|u| u.password_hash.clone())).await?;
    let user = match user {
        Some(user) if verified && user.is_active => user,
        _ => {
            return Err(ApiError::Unauthorized(
                "No active account found with the given credentials.".to_string(),
            ))
        }
    };
    let txn = db.begin().await?;
    let mut active = user.into_active_model();
    active.last_login = Set(Some(now()));
    let user = active.update(&txn).await?;
    let pair = tokens::issue_pair(&txn, keys, user.id).await?;
    txn.commit().await?;
    Ok((user, pair))
}

/// Reads `refresh` from a token body (`logout`, `token/refresh`).
///
/// # Errors
/// 400 under `refresh` when it is missing or not a string.
pub fn refresh_field(body: &Value) -> ApiResult<String> {
    let mut input = Input::new(body, Mode::Full)?;
    let refresh = input.text("refresh", Text::required(4096));
    input.finish()?;
    refresh.ok_or_else(|| {
        ApiError::Validation(FieldErrors::single("refresh", super::fields::REQUIRED))
    })
}

impl sea_orm::ActiveModelBehavior for ActiveModel {}
