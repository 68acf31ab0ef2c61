//! Who the client of a page request is, and the per-client limit on the forms that take
//! credentials (`/login`, `/login/code`, `/invitation`, `/password-reset`,
//! `/account/password`).
//!
//! The client address is decided as the API decides it: the socket peer, or behind a
//! trusted proxy the nearest untrusted address in `X-Forwarded-For`. The limit draws
//! from the same buckets as `/api/v1/auth/*`, so switching between the API and the
//! forms gains an attacker nothing. Must not: answer anything but the 429 page here.

use crate::WebState;
use crate::session::anonymous_texts;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{HttpRequest, web};
use std::net::IpAddr;
use std::sync::Arc;

/// Takes one request of a client from its bucket: `Err(seconds to wait)` when spent.
pub type ClientLimit = Arc<dyn Fn(IpAddr) -> Result<(), u64> + Send + Sync>;

/// How the pages recognise and limit a client.
#[derive(Clone)]
pub struct ClientRules {
    /// Reverse proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Arc<Vec<IpAddr>>,
    /// The per-client limit of the forms that take credentials.
    pub limit: ClientLimit,
}

impl ClientRules {
    /// No trusted proxy and no limit (for tests of other pages).
    pub fn unlimited() -> Self {
        Self {
            trusted_proxies: Arc::default(),
            limit: Arc::new(|_| Ok(())),
        }
    }
}

impl std::fmt::Debug for ClientRules {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientRules")
            .field("trusted_proxies", &self.trusted_proxies)
            .finish_non_exhaustive()
    }
}

/// The client address of a page request.
pub fn client_ip(req: &HttpRequest, rules: &ClientRules) -> Option<IpAddr> {
    let forwarded = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok());
    schakel_auth::client_address(
        req.peer_addr().map(|a| a.ip()),
        forwarded,
        &rules.trusted_proxies,
    )
}

/// Middleware of the credential forms: every submission takes one request from the
/// client's bucket; over the limit the answer is a 429 page with `Retry-After` (whole
/// seconds, at least 1) and the form is not looked at.
pub async fn limit_submissions(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    if req.method() == Method::POST
        && let Some(state) = req.app_data::<web::Data<WebState>>()
    {
        let ip = client_ip(req.request(), &state.client);
        if let Some(Err(wait)) = ip.map(|ip| (state.client.limit)(ip)) {
            let t = anonymous_texts(req.request());
            let res = crate::pages::too_many_requests(t, wait.max(1));
            return Ok(req.into_response(res));
        }
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}
