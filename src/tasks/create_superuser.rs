//! `cargo loco task create_superuser [email:.. name:.. password:..]`, like
//! Django's `createsuperuser`: a staff superuser under the API's rules.
//! What is not given is asked for on a terminal (the password twice,
//! without echo); with no terminal, everything must be given. The password
//! may also come from `SUPERUSER_PASSWORD`, which keeps it out of the shell
//! history and the process list.
use loco_rs::prelude::*;

use super::{arg, ask, ask_new_password, interactive, only_args, refused};
use crate::models::users::{self, Flags};

pub const PASSWORD_VARIABLE: &str = "SUPERUSER_PASSWORD";

pub struct CreateSuperuser;

/// `key:` from the arguments, else asked, else an error naming it.
fn given_or_asked(vars: &task::Vars, key: &str, label: &str) -> Result<String> {
    if let Some(value) = arg(vars, key) {
        return Ok(value.to_string());
    }
    if interactive() {
        return ask(key, label);
    }
    Err(Error::Message(format!(
        "{key}: missing; give {key}:VALUE (stdin is not a terminal, so it cannot be asked)"
    )))
}

#[async_trait]
impl Task for CreateSuperuser {
    fn task(&self) -> TaskInfo {
        TaskInfo {
            name: "create_superuser".to_string(),
            detail: "Create a staff superuser: email: name: password: (asked on a terminal when \
                     missing; or SUPERUSER_PASSWORD)"
                .to_string(),
        }
    }

    async fn run(&self, ctx: &AppContext, vars: &task::Vars) -> Result<()> {
        only_args(vars, &["email", "name", "password"])?;
        let email = given_or_asked(vars, "email", "Email")?;
        let name = given_or_asked(vars, "name", "Name")?;
        let password = match arg(vars, "password") {
            Some(password) => password.to_string(),
            None => match std::env::var(PASSWORD_VARIABLE) {
                Ok(password) if !password.is_empty() => password,
                _ if interactive() => ask_new_password()?,
                _ => {
                    return Err(Error::Message(format!(
                        "password: missing; give password:VALUE or set {PASSWORD_VARIABLE} \
                         (stdin is not a terminal, so it cannot be asked)"
                    )))
                }
            },
        };
        let flags = Flags {
            is_staff: true,
            is_superuser: true,
        };
        let user = users::create_account(&ctx.db, &name, &email, &password, flags)
            .await
            .map_err(refused)?;
        println!(
            "Superuser created: id {}, {} (staff, superuser).",
            user.id, user.email
        );
        Ok(())
    }
}
