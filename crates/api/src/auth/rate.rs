//! The per-client rate limit on the authentication endpoints, keyed on the client
//! address as [`client_ip`](super::client_ip) decides it (so a spoofed
//! `X-Forwarded-For` from an untrusted peer does not change the bucket). Over the limit
//! the answer is 429 with `Retry-After`.

use actix_governor::governor::middleware::NoOpMiddleware;
use actix_governor::{
    GovernorConfig, GovernorConfigBuilder, KeyExtractor, SimpleKeyExtractionError,
};
use actix_web::dev::ServiceRequest;
use std::net::IpAddr;
use std::sync::Arc;

/// Buckets requests by client address.
#[derive(Debug, Clone)]
pub struct ClientIpKey {
    trusted: Arc<Vec<IpAddr>>,
}

impl KeyExtractor for ClientIpKey {
    type Key = IpAddr;
    type KeyExtractionError = SimpleKeyExtractionError<&'static str>;

    fn extract(&self, req: &ServiceRequest) -> Result<IpAddr, Self::KeyExtractionError> {
        super::client_ip(req.request(), &self.trusted)
            .ok_or_else(|| SimpleKeyExtractionError::new("no client address"))
    }
}

/// The limiter's shared state: build once, use in every worker.
pub type RateLimit = GovernorConfig<ClientIpKey, NoOpMiddleware>;

/// A limit of `per_second` sustained requests with bursts of `burst` per client.
pub fn rate_limit(per_second: u64, burst: u32, trusted: Arc<Vec<IpAddr>>) -> Option<RateLimit> {
    // governor counts the time to replenish one request; sub-second periods need
    // milliseconds.
    let period_ms = (1000 / per_second.max(1)).max(1);
    GovernorConfigBuilder::default()
        .period(std::time::Duration::from_millis(period_ms))
        .burst_size(burst.max(1))
        .key_extractor(ClientIpKey { trusted })
        .finish()
}
