//! The per-client rate limit on the authentication endpoints, keyed on the client
//! address as [`client_ip`](super::client_ip) decides it (so a spoofed
//! `X-Forwarded-For` from an untrusted peer does not change the bucket). Over the limit
//! the answer is 429 with `Retry-After` in whole seconds, at least 1. The pages' forms
//! that take credentials draw from the same buckets through [`ClientLimit`].

use actix_governor::governor::NotUntil;
use actix_governor::governor::clock::{Clock, DefaultClock, QuantaInstant};
use actix_governor::governor::middleware::NoOpMiddleware;
use actix_governor::{
    GovernorConfig, GovernorConfigBuilder, KeyExtractor, SimpleKeyExtractionError,
};
use actix_web::dev::ServiceRequest;
use actix_web::{HttpResponse, HttpResponseBuilder};
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

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

    fn exceed_rate_limit_response(
        &self,
        negative: &NotUntil<QuantaInstant>,
        mut response: HttpResponseBuilder,
    ) -> HttpResponse {
        // governor rounds the wait down, so a sub-second wait would read "retry after 0".
        let wait = retry_after_secs(negative.wait_time_from(DefaultClock::default().now()));
        response
            .insert_header(("retry-after", wait))
            .insert_header(("x-ratelimit-after", wait))
            .finish()
    }
}

/// A wait as `Retry-After` seconds: rounded up, at least 1.
pub fn retry_after_secs(wait: Duration) -> u64 {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    secs.max(1)
}

/// The limiter's shared state: build once, use in every worker.
pub type RateLimit = GovernorConfig<ClientIpKey, NoOpMiddleware>;

/// Takes one request of a client from its bucket: `Err(seconds to wait)` (at least 1)
/// when the bucket is spent.
pub type ClientLimit = Arc<dyn Fn(IpAddr) -> Result<(), u64> + Send + Sync>;

/// The same buckets as `limit`, for callers outside the middleware (the pages).
pub fn client_limit(limit: &RateLimit) -> ClientLimit {
    let limiter = limit.limiter();
    Arc::new(move |ip| {
        limiter
            .check_key(&ip)
            .map_err(|n| retry_after_secs(n.wait_time_from(DefaultClock::default().now())))
    })
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_is_whole_seconds_rounded_up_and_never_zero() {
        let cases = [(0, 1), (1, 1), (499, 1), (1000, 1), (1001, 2), (2500, 3)];
        for (ms, secs) in cases {
            assert_eq!(retry_after_secs(Duration::from_millis(ms)), secs, "{ms} ms");
        }
    }
}
