//! `cargo loco task flush_expired_tokens`, like simplejwt's
//! `flushexpiredtokens`; `config/scheduler.yaml` runs it daily.
use loco_rs::prelude::*;

use super::{only_args, refused};
use crate::{
    models::{admin_sessions, sessions, tokens},
    settings::RequestServices,
};

pub struct FlushExpiredTokens;

#[async_trait]
impl Task for FlushExpiredTokens {
    fn task(&self) -> TaskInfo {
        TaskInfo {
            name: "flush_expired_tokens".to_string(),
            detail: "Delete expired refresh tokens, their blacklist entries, expired revoked \
                     access-token ids, ended sign-ins and expired console sessions"
                .to_string(),
        }
    }

    async fn run(&self, ctx: &AppContext, vars: &task::Vars) -> Result<()> {
        only_args(vars, &[])?;
        let flushed = tokens::flush_expired(&ctx.db).await.map_err(refused)?;
        let families = sessions::flush_ended(&ctx.db, &RequestServices::from_context(ctx).jwt)
            .await
            .map_err(refused)?;
        let console_sessions = admin_sessions::flush_expired(&ctx.db)
            .await
            .map_err(refused)?;
        println!(
            "Flushed expired tokens: {} refresh token(s), {} blacklist entr{}, {} revoked \
             access-token id(s), {} ended sign-in(s), {} admin console session(s).",
            flushed.outstanding,
            flushed.blacklisted,
            if flushed.blacklisted == 1 { "y" } else { "ies" },
            flushed.revoked_access,
            families,
            console_sessions
        );
        Ok(())
    }
}
