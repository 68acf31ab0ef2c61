//! Who the client of a page request is, and the rules the pages recognise and limit it
//! by: the trusted proxies and the per-client limit of the forms that take credentials.
//!
//! The client address is decided as the API decides it: the socket peer, or behind a
//! trusted proxy the nearest untrusted address in `X-Forwarded-For`. Depends on no other
//! module of the crate, so the shared state and the session may name it.

use actix_web::HttpRequest;
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
