//! The mail worker: sends the account e-mails from the job queue, never from
//! a request. A request only enqueues a job naming ids (no address, no
//! patient data in the queue); the worker loads what it needs when it runs,
//! tries up to `max_attempts` times with doubling delays, then records the
//! failure in `failed_emails` and fails the job (Loco marks it `failed`).
use std::time::Duration;

use loco_rs::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::{
    mailers::{
        account::{AccountMailer, Letter, Template},
        MailSettings,
    },
    models::{_entities::mappings, failed_emails, patients, users},
    settings::Settings,
};

/// A job: which e-mail, about which record. Ids only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MailJob {
    /// To a user who has just registered.
    Welcome { user_id: i32 },
    /// To the owner of the patient of a new mapping.
    DoctorAssigned { mapping_id: i32 },
}

impl MailJob {
    #[must_use]
    pub const fn kind(&self) -> &'static str {
        match self {
            Self::Welcome { .. } => "welcome",
            Self::DoctorAssigned { .. } => "doctor_assigned",
        }
    }

    const fn reference_id(&self) -> Option<i32> {
        match self {
            Self::Welcome { .. } => None,
            Self::DoctorAssigned { mapping_id } => Some(*mapping_id),
        }
    }
}

/// Queues `job` for the mail worker. A failure to queue is logged, not
/// returned: the request that wanted the e-mail has succeeded, and its answer
/// must not depend on mail. (The logged error names at most the job's ids.)
pub async fn enqueue(ctx: &AppContext, job: MailJob) {
    if let Err(err) = MailWorker::perform_later(ctx, job.clone()).await {
        tracing::error!(mail = job.kind(), error = %err, "could not queue an e-mail");
    }
}

pub struct MailWorker {
    pub ctx: AppContext,
}

/// One try's failure: the recipient, if known by then, and why.
struct Failure {
    user_id: Option<i32>,
    error: String,
}

#[async_trait]
impl BackgroundWorker<MailJob> for MailWorker {
    fn build(ctx: &AppContext) -> Self {
        Self { ctx: ctx.clone() }
    }

    fn class_name() -> String {
        "MailWorker".to_string()
    }

    async fn perform(&self, job: MailJob) -> Result<()> {
        let settings = self.ctx.config.settings::<Settings>()?.mail;
        let max_attempts = settings.max_attempts.max(1);
        let mut delay = Duration::from_millis(settings.retry_backoff_ms);
        let mut attempt = 0;
        loop {
            attempt += 1;
            let failure = match self.try_once(&job, &settings).await {
                Ok(Some(user_id)) => {
                    tracing::info!(mail = job.kind(), user_id, attempt, "e-mail sent");
                    return Ok(());
                }
                Ok(None) => {
                    tracing::info!(
                        mail = job.kind(),
                        "e-mail not needed: its user or record is gone or inactive"
                    );
                    return Ok(());
                }
                Err(failure) => failure,
            };
            // No transport is a configuration fault: retrying cannot help.
            if attempt >= max_attempts || self.ctx.mailer.is_none() {
                return Err(self.give_up(&job, attempt, failure).await);
            }
            tracing::warn!(
                mail = job.kind(),
                user_id = failure.user_id,
                attempt,
                retry_in_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                "e-mail not sent; will retry"
            );
            tokio::time::sleep(delay).await;
            delay = delay.saturating_mul(2);
        }
    }
}

impl MailWorker {
    /// Composes and sends once. `Ok(Some(user))` sent to that user,
    /// `Ok(None)` nothing to send.
    async fn try_once(
        &self,
        job: &MailJob,
        settings: &MailSettings,
    ) -> std::result::Result<Option<i32>, Failure> {
        let letter = compose(&self.ctx.db, job, settings)
            .await
            .map_err(|err| Failure {
                user_id: None,
                error: format!("loading the e-mail's records failed: {err}"),
            })?;
        let Some((user_id, letter)) = letter else {
            return Ok(None);
        };
        match AccountMailer::send(&self.ctx, &settings.from, &letter).await {
            Ok(()) => Ok(Some(user_id)),
            Err(err) => Err(Failure {
                user_id: Some(user_id),
                error: err.to_string(),
            }),
        }
    }

    /// Records the failure and returns the job's error. The error text (an
    /// SMTP reply may quote the address) goes to the table, not to the log.
    async fn give_up(&self, job: &MailJob, attempts: u32, failure: Failure) -> Error {
        let user_id = failure.user_id.or(match job {
            MailJob::Welcome { user_id } => Some(*user_id),
            MailJob::DoctorAssigned { .. } => None,
        });
        let recorded = failed_emails::record(
            &self.ctx.db,
            job.kind(),
            user_id,
            job.reference_id(),
            attempts,
            &failure.error,
        )
        .await;
        let record = match recorded {
            Ok(row) => format!("failed_emails #{}", row.id),
            Err(_) => "not recorded: the database refused".to_string(),
        };
        tracing::error!(
            mail = job.kind(),
            user_id,
            attempts,
            record = record.as_str(),
            "e-mail given up"
        );
        Error::Message(format!(
            "{} e-mail not sent after {attempts} attempt(s) ({record})",
            job.kind()
        ))
    }
}

/// The recipient and the e-mail for `job`, or `None` when its user or
/// record is gone, or the user is inactive.
async fn compose(
    db: &DatabaseConnection,
    job: &MailJob,
    settings: &MailSettings,
) -> std::result::Result<Option<(i32, Letter)>, DbErr> {
    let public_url = settings.public_url.trim_end_matches('/');
    match job {
        MailJob::Welcome { user_id } => {
            let Some(user) = active_user(db, *user_id).await? else {
                return Ok(None);
            };
            let locals =
                json!({ "name": user.name, "email": user.email, "public_url": public_url });
            Ok(Some((
                user.id,
                Letter {
                    template: Template::Welcome,
                    to: user.email,
                    locals,
                },
            )))
        }
        MailJob::DoctorAssigned { mapping_id } => {
            let Some(mapping) = mappings::Entity::find_by_id(*mapping_id).one(db).await? else {
                return Ok(None);
            };
            let Some(patient) = patients::Entity::find_by_id(mapping.patient_id)
                .one(db)
                .await?
            else {
                return Ok(None);
            };
            let Some(owner) = active_user(db, patient.owner_id).await? else {
                return Ok(None);
            };
            // Ids and a link only: no patient or doctor names (README).
            let locals = json!({
                "name": owner.name,
                "patient_id": patient.id,
                "mapping_id": mapping.id,
                "link": format!("{public_url}/api/mappings/{}/", patient.id),
            });
            Ok(Some((
                owner.id,
                Letter {
                    template: Template::DoctorAssigned,
                    to: owner.email,
                    locals,
                },
            )))
        }
    }
}

async fn active_user(
    db: &DatabaseConnection,
    id: i32,
) -> std::result::Result<Option<users::Model>, DbErr> {
    Ok(users::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|user| user.is_active))
}
