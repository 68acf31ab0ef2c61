//! Facts about the request that the audit trail records, and who the client is.

use std::net::IpAddr;

/// Where a request came from, for audit entries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestContext {
    /// The client address (the socket peer, or the first untrusted hop behind a trusted
    /// proxy).
    pub source_ip: Option<IpAddr>,
    /// The request id.
    pub request_id: Option<String>,
    /// The client's `User-Agent` (kept only with a session started by the request, so its
    /// user can tell their sessions apart; never in the audit trail).
    pub user_agent: Option<String>,
}

/// The client's address: the socket `peer`, or — only when the peer is one of the
/// `trusted` proxies — the nearest address in the `X-Forwarded-For` values that is not
/// itself a trusted proxy. A spoofed header from anyone else changes nothing. The API
/// and the pages both decide the client this way (for rate limits and audit entries).
pub fn client_address<'a>(
    peer: Option<IpAddr>,
    forwarded_for: impl Iterator<Item = &'a str>,
    trusted: &[IpAddr],
) -> Option<IpAddr> {
    let peer = peer?;
    if !trusted.contains(&peer) {
        return Some(peer);
    }
    let forwarded: Vec<IpAddr> = forwarded_for
        .flat_map(|v| v.split(','))
        .filter_map(|part| part.trim().parse().ok())
        .collect();
    Some(
        forwarded
            .iter()
            .rev()
            .find(|ip| !trusted.contains(ip))
            .copied()
            .unwrap_or(peer),
    )
}
