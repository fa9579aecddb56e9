//! Accounts in the console. Only a superuser changes staff flags; other staff
//! see them read-only (`staff` holds the rules).
use async_trait::async_trait;
use sea_orm::{
    DatabaseConnection, DatabaseExecutor, DatabaseTransaction, EntityTrait, PaginatorTrait,
};
use serde_json::{json, Value};

use super::{flag, list_page, AdminResource};
use crate::{
    controllers::admin::shown::{show_user, Shown},
    models::{caller::Caller, error::ModelResult, listing::QueryParams, staff, users},
    views::{
        admin::{
            fields::{PASSWORD_FIELDS, USER_FIELDS},
            forms::Field,
            tables::{self, col, Row},
        },
        timestamp,
    },
};

pub struct Users;

pub static USERS: Users = Users;

const STAFF_FLAGS: [&str; 2] = ["is_staff", "is_superuser"];

impl Users {
    /// The fields of the password reset form.
    #[must_use]
    pub fn password_fields(&self) -> Vec<Field> {
        PASSWORD_FIELDS.to_vec()
    }
}

#[async_trait]
impl AdminResource for Users {
    fn path(&self) -> &'static str {
        "users"
    }

    fn names(&self) -> (&'static str, &'static str) {
        ("user", "users")
    }

    fn fields(&self, creating: bool) -> Vec<Field> {
        if creating {
            let mut fields = USER_FIELDS[..2].to_vec();
            fields.extend(PASSWORD_FIELDS);
            fields.extend_from_slice(&USER_FIELDS[2..]);
            fields
        } else {
            USER_FIELDS.to_vec()
        }
    }

    /// Deactivation and staff changes are named, since they are what an
    /// auditor looks for.
    fn change_action(&self, before: &Value, after: &Value) -> &'static str {
        let changed = |key: &str| before.get(key) != after.get(key);
        if changed("is_active") {
            if after["is_active"] == json!(false) {
                "deactivate"
            } else {
                "reactivate"
            }
        } else if STAFF_FLAGS.into_iter().any(changed) {
            "change staff status"
        } else {
            "change"
        }
    }

    fn extra_links(&self, shown: &Shown) -> Vec<Value> {
        vec![json!({
            "url": format!("/admin/users/{}/password/", shown.id),
            "label": "Reset password",
        })]
    }

    fn readonly_for(&self, field: &str, actor: &users::Model) -> bool {
        STAFF_FLAGS.contains(&field) && !actor.is_superuser
    }

    /// Other staff see the flag boxes disabled, so a browser sends neither:
    /// absent means unchanged. One that is sent anyway is an attempt, which
    /// the model refuses (`staff::update`, 403, logged).
    fn edit_body(
        &self,
        mut submitted: Value,
        before: &Shown,
        pairs: &[(String, String)],
        actor: &users::Model,
    ) -> Value {
        if !actor.is_superuser {
            for key in STAFF_FLAGS {
                if !pairs.iter().any(|(name, _)| name == key) {
                    submitted[key] = before.json[key].clone();
                }
            }
        }
        submitted
    }

    async fn count(&self, db: &DatabaseConnection) -> ModelResult<u64> {
        Ok(users::Entity::find().count(db).await?)
    }

    async fn list(
        &self,
        db: &DatabaseConnection,
        _caller: &Caller,
        params: &QueryParams,
    ) -> ModelResult<Value> {
        Ok(list_page(
            self,
            params,
            staff::list(db, params).await?,
            &[
                col("E-mail", Some("email")),
                col("Name", Some("name")),
                col("Active", None),
                col("Staff", None),
                col("Superuser", None),
                col("Last login", Some("last_login")),
            ],
            vec![
                tables::yes_no("is_active", "Active"),
                tables::yes_no("is_staff", "Staff"),
                tables::yes_no("is_superuser", "Superuser"),
            ],
            |u: &users::Model| Row {
                url: format!("/admin/users/{}/", u.id),
                cells: vec![
                    u.email.clone(),
                    u.name.clone(),
                    flag(u.is_active),
                    flag(u.is_staff),
                    flag(u.is_superuser),
                    u.last_login.as_ref().map(timestamp).unwrap_or_default(),
                ],
            },
        ))
    }

    async fn find(
        &self,
        db: &DatabaseExecutor<'_>,
        caller: &Caller,
        id: i32,
    ) -> ModelResult<Shown> {
        let user = staff::find(db, id).await?;
        Ok(Shown {
            locked: !staff::may_manage(&caller.user, &user),
            ..show_user(&user)
        })
    }

    async fn create(
        &self,
        db: &DatabaseTransaction,
        caller: &Caller,
        body: &Value,
    ) -> ModelResult<Shown> {
        Ok(show_user(&staff::create(db, &caller.user, body).await?))
    }

    async fn update(
        &self,
        db: &DatabaseTransaction,
        caller: &Caller,
        id: i32,
        body: &Value,
    ) -> ModelResult<Shown> {
        Ok(show_user(&staff::update(db, &caller.user, id, body).await?))
    }

    async fn cascade(&self, db: &DatabaseConnection, id: i32) -> ModelResult<Vec<String>> {
        staff::cascade(db, &staff::find(db, id).await?).await
    }

    async fn delete(&self, db: &DatabaseTransaction, caller: &Caller, id: i32) -> ModelResult<()> {
        staff::delete(db, &caller.user, id).await.map(|_| ())
    }
}
