use std::path::Path;

use async_trait::async_trait;
use axum::Router as AxumRouter;
use loco_rs::{
    app::{AppContext, Hooks, Initializer},
    bgworker::{BackgroundWorker, Queue},
    boot::{create_app, shutdown_signal, BootResult, ServeParams, StartMode},
    config::Config,
    controller::{
        middleware::{self, cors::Cors, MiddlewareLayer, MiddlewareStackExt},
        AppRoutes,
    },
    db::truncate_table,
    environment::Environment,
    task::Tasks,
    Result,
};
use migration::Migrator;
use std::sync::Arc;

use crate::{
    controllers,
    models::{_entities, jwt::JwtKeys},
    query_counter::QueryCounter,
    settings::{RequestServices, Settings},
    tasks,
    throttle::Throttle,
    workers::mail::MailWorker,
};

pub struct App;

#[async_trait]
impl Hooks for App {
    fn app_name() -> &'static str {
        env!("CARGO_CRATE_NAME")
    }

    fn app_version() -> String {
        format!(
            "{} ({})",
            env!("CARGO_PKG_VERSION"),
            option_env!("BUILD_SHA").unwrap_or("dev")
        )
    }

    async fn boot(
        mode: StartMode,
        environment: &Environment,
        config: Config,
    ) -> Result<BootResult> {
        create_app::<Self, Migrator>(mode, environment, config).await
    }

    async fn initializers(_ctx: &AppContext) -> Result<Vec<Box<dyn Initializer>>> {
        Ok(vec![])
    }

    fn routes(_ctx: &AppContext) -> AppRoutes {
        AppRoutes::empty()
            .add_route(controllers::health::routes())
            .add_route(controllers::auth::routes())
            .add_route(controllers::patients::routes())
            .add_route(controllers::doctors::routes())
            .add_route(controllers::mappings::routes())
            .add_route(controllers::admin::routes())
            .add_route(controllers::docs::routes())
    }

    /// Unknown paths answer the 404 envelope.
    async fn before_routes(_ctx: &AppContext) -> Result<AxumRouter<AppContext>> {
        Ok(AxumRouter::new().fallback(crate::middleware::not_found))
    }

    /// Loco's `fallback` middleware answers unknown paths with an HTML page
    /// outside production; the contract wants the envelope everywhere.
    fn middlewares(ctx: &AppContext) -> Vec<Box<dyn MiddlewareLayer>> {
        let mut stack = middleware::default_middleware_stack(ctx);
        stack.delete("fallback");
        // Loco's request logger records the full URI, query string included
        // (`?search=<patient name>`): PHI must not reach the logs. Our own
        // `middleware::request_log` logs the route template instead.
        stack.delete("logger");
        // `x-powered-by: loco.rs` tells an attacker which framework to probe.
        stack.delete("powered_by");
        // CORS answers only CORS_ALLOWED_ORIGINS; the variable is a comma-
        // separated list, which the YAML template cannot split into Loco's
        // `allow_origins` list, so the layer is built from our settings.
        if let Ok(settings) = ctx.config.settings::<Settings>() {
            stack.replace(
                "cors",
                Box::new(Cors {
                    enable: true,
                    allow_origins: settings.cors_allowed_origins(),
                    ..Cors::default()
                }),
            );
        }
        stack
    }

    /// Loco's `serve` with a bound on the drain: after SIGTERM/Ctrl-C the
    /// listener stops accepting, in-flight requests get `shutdown_grace_seconds`
    /// to finish, then the process exits even if some have not.
    async fn serve(app: AxumRouter, ctx: &AppContext, params: &ServeParams) -> Result<()> {
        use axum::serve::ListenerExt;
        let settings: Settings = ctx.config.settings()?;
        // Only here is the address known (`start --binding` overrides the
        // config's).
        settings
            .check_binding(&params.binding)
            .map_err(loco_rs::Error::Message)?;
        let grace = std::time::Duration::from_secs(settings.shutdown_grace_seconds);
        let listener =
            tokio::net::TcpListener::bind(format!("{}:{}", params.binding, params.port)).await?;
        let (closing, close_rx) = tokio::sync::watch::channel(false);
        let listener = crate::draining::DrainingListener::new(listener, close_rx).tap_io(|_| {});
        let (stopping, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = axum::serve(
            listener,
            app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            shutdown_signal().await;
            tracing::info!("shutting down: draining in-flight requests");
            // Accept what the kernel already queued, close the listener, and give
            // accepted connections a moment to deliver their first request before
            // hyper's graceful shutdown closes the ones it considers idle.
            let _ = closing.send(true);
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            let _ = stopping.send(());
        });
        tokio::select! {
            served = server => served?,
            () = async {
                if stopped.await.is_ok() {
                    tokio::time::sleep(grace).await;
                } else {
                    std::future::pending::<()>().await;
                }
            } => tracing::warn!("grace period over: exiting with requests still in flight"),
        }
        Self::on_shutdown(ctx).await;
        Ok(())
    }

    async fn after_routes(router: AxumRouter, ctx: &AppContext) -> Result<AxumRouter> {
        let allowed_hosts = RequestServices::from_context(ctx).allowed_hosts;
        let settings: Settings = ctx.config.settings()?;
        let security_headers = Arc::new(crate::middleware::SecurityHeaders {
            hsts: settings
                .hsts(&ctx.environment)
                .and_then(|value| axum::http::HeaderValue::from_str(&value).ok()),
        });
        let router = router
            .layer(axum::middleware::from_fn(crate::middleware::envelope))
            .layer(axum::middleware::from_fn_with_state(
                allowed_hosts,
                crate::middleware::allowed_hosts,
            ))
            // Outside the Host check, so that its refusals carry them too.
            .layer(axum::middleware::from_fn_with_state(
                security_headers,
                crate::middleware::security_headers,
            ))
            .layer(axum::middleware::from_fn(crate::middleware::request_log));
        Ok(crate::middleware::accept_trailing_slash(router))
    }

    async fn after_context(mut ctx: AppContext) -> Result<AppContext> {
        let settings: Settings = ctx.config.settings()?;
        settings
            .check_for(&ctx.environment)
            .map_err(loco_rs::Error::Message)?;
        if settings.is_development_key() {
            tracing::warn!(
                "SECRET_KEY is the development key, which is public: anyone can forge \
                 tokens. Use it on this machine only; set SECRET_KEY to a long random value."
            );
        }
        crate::db_pool::tune(&mut ctx).await?;
        let jwt = JwtKeys::new(
            &settings.secret_key,
            settings.jwt_access_token_lifetime_minutes,
            settings.jwt_refresh_token_lifetime_days,
        )
        .with_refresh_limits(
            settings.jwt_refresh_absolute_days,
            settings.jwt_refresh_reuse_grace_seconds,
        );
        let throttle = Throttle::new(&settings.throttle, &ctx.db)
            .await
            .map_err(loco_rs::Error::Message)?;
        if throttle.is_enabled() {
            tracing::info!(backend = throttle.backend_name(), "throttling on");
        } else if ctx.environment == Environment::Production {
            tracing::warn!("throttling is OFF (THROTTLE_ENABLED=false): login, registration and the API are not rate limited");
        }
        if ctx.environment == Environment::Production && ctx.mailer.is_none() {
            tracing::warn!(
                "no SMTP server (SMTP_HOST): e-mails will be recorded as failed, not sent"
            );
        }
        ctx.shared_store.insert(RequestServices {
            jwt: Arc::new(jwt),
            allowed_hosts: Arc::new(settings.allowed_hosts()),
            throttle: Arc::new(throttle),
        });
        if settings.count_queries {
            QueryCounter::install(&mut ctx);
        }
        Ok(ctx)
    }

    async fn connect_workers(ctx: &AppContext, queue: &Queue) -> Result<()> {
        queue.register(MailWorker::build(ctx)).await?;
        Ok(())
    }

    fn register_tasks(tasks: &mut Tasks) {
        tasks.register(tasks::create_superuser::CreateSuperuser);
        tasks.register(tasks::change_password::ChangePassword);
        tasks.register(tasks::flush_expired_tokens::FlushExpiredTokens);
        tasks.register(tasks::seed_demo::SeedDemo);
        // tasks-inject (do not remove)
    }

    async fn truncate(ctx: &AppContext) -> Result<()> {
        truncate_table(&ctx.db, _entities::failed_emails::Entity).await?;
        truncate_table(&ctx.db, _entities::mappings::Entity).await?;
        truncate_table(&ctx.db, _entities::doctors::Entity).await?;
        truncate_table(&ctx.db, _entities::patients::Entity).await?;
        truncate_table(&ctx.db, _entities::revoked_access_tokens::Entity).await?;
        truncate_table(&ctx.db, _entities::blacklisted_tokens::Entity).await?;
        truncate_table(&ctx.db, _entities::outstanding_tokens::Entity).await?;
        truncate_table(&ctx.db, _entities::users::Entity).await?;
        Ok(())
    }

    async fn seed(_ctx: &AppContext, _base: &Path) -> Result<()> {
        Ok(())
    }
}
