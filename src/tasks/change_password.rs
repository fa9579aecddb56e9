//! `cargo loco task change_password email:.. [password:..]`, like Django's
//! `changepassword`, under the API's password rules. Without `password:` it
//! is asked twice on a terminal, without echo. The account's refresh tokens
//! are blacklisted: its sessions must sign in again.
use loco_rs::prelude::*;

use super::{arg, ask_new_password, interactive, only_args, refused};
use crate::models::users;

pub struct ChangePassword;

#[async_trait]
impl Task for ChangePassword {
    fn task(&self) -> TaskInfo {
        TaskInfo {
            name: "change_password".to_string(),
            detail: "Set a user's password: email: password: (asked on a terminal when missing)"
                .to_string(),
        }
    }

    async fn run(&self, ctx: &AppContext, vars: &task::Vars) -> Result<()> {
        only_args(vars, &["email", "password"])?;
        let email = arg(vars, "email")
            .ok_or_else(|| Error::Message("email: missing; give email:ADDRESS".to_string()))?;
        let password = match arg(vars, "password") {
            Some(password) => password.to_string(),
            None if interactive() => ask_new_password()?,
            None => {
                return Err(Error::Message(
                    "password: missing; give password:VALUE (stdin is not a terminal, so it \
                     cannot be asked)"
                        .to_string(),
                ))
            }
        };
        let user = users::set_password(&ctx.db, email, &password)
            .await
            .map_err(refused)?;
        println!(
            "Password changed for user id {} ({}); their sessions must sign in again.",
            user.id, user.email
        );
        Ok(())
    }
}
