//! The account e-mails: a welcome on registration, and a notice to a
//! patient's owner when a doctor is assigned. Templates live beside this
//! file (`account/<template>/{subject,html,text}.t`, layout in `shared/`).
#![allow(non_upper_case_globals)]

use loco_rs::prelude::*;
use serde_json::Value;

static shared: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/src/mailers/shared");
static welcome: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/src/mailers/account/welcome");
static doctor_assigned: Dir<'_> =
    include_dir!("$CARGO_MANIFEST_DIR/src/mailers/account/doctor_assigned");

/// Which e-mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Template {
    Welcome,
    DoctorAssigned,
}

/// An e-mail ready to render and send.
#[derive(Debug, Clone)]
pub struct Letter {
    pub template: Template,
    pub to: String,
    pub locals: Value,
}

#[allow(clippy::module_name_repetitions)]
pub struct AccountMailer;

#[async_trait]
impl Mailer for AccountMailer {
    /// Delivers at once instead of queueing Loco's own `MailerWorker`: this
    /// mailer is only called from `workers::mail`, which is already a
    /// background job and owns the retries.
    async fn mail(ctx: &AppContext, email: &mailer::Email) -> Result<()> {
        Self::deliver_now(ctx, email).await
    }

    /// Loco's default logs the transport's error text, which can quote the
    /// recipient's address; the worker records it in the database instead.
    async fn deliver_now(ctx: &AppContext, email: &mailer::Email) -> Result<()> {
        match &ctx.mailer {
            Some(sender) => sender.mail(email).await,
            None => Err(Error::Message(
                "no mailer is configured (`mailer:` in config/<env>.yaml)".to_string(),
            )),
        }
    }
}

impl AccountMailer {
    /// Renders `letter` and hands it to the configured transport (SMTP, or
    /// the in-memory stub in tests).
    ///
    /// # Errors
    /// When rendering fails, no mailer is configured, or the transport fails.
    pub async fn send(ctx: &AppContext, from: &str, letter: &Letter) -> Result<()> {
        let dir = match letter.template {
            Template::Welcome => &welcome,
            Template::DoctorAssigned => &doctor_assigned,
        };
        Self::mail_template_with_shared(
            ctx,
            dir,
            &[&shared],
            mailer::Args {
                from: Some(from.to_string()),
                to: letter.to.clone(),
                locals: letter.locals.clone(),
                ..Default::default()
            },
        )
        .await
    }
}
