use std::{convert::Infallible, net::SocketAddr};

use axum::{
    extract::{ConnectInfo, FromRequestParts},
    http::request::Parts,
};
use loco_rs::app::AppContext;

use crate::settings::RequestServices;

/// The client's address, for per-IP throttling. Behind `num_proxies`
/// proxies it is read from `X-Forwarded-For` the way DRF reads it (that many
/// entries from the right); otherwise it is the connection's peer.
pub struct ClientIp(pub String);

impl FromRequestParts<AppContext> for ClientIp {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, ctx: &AppContext) -> Result<Self, Infallible> {
        let num_proxies = RequestServices::from_context(ctx).throttle.num_proxies();
        if num_proxies > 0 {
            let forwarded: Vec<&str> = parts
                .headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|value| value.to_str().ok())
                .flat_map(|value| value.split(','))
                .map(str::trim)
                .filter(|address| !address.is_empty())
                .collect();
            if !forwarded.is_empty() {
                let index = forwarded.len().saturating_sub(num_proxies);
                return Ok(Self(forwarded[index].to_string()));
            }
        }
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or_else(|| "unknown".to_string(), |info| info.0.ip().to_string());
        Ok(Self(peer))
    }
}
