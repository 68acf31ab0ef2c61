//! Facts about the request that the audit trail records.

use std::net::IpAddr;

/// Where a request came from, for audit entries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestContext {
    /// The client address (the socket peer, or the first untrusted hop behind a trusted
    /// proxy).
    pub source_ip: Option<IpAddr>,
    /// The request id.
    pub request_id: Option<String>,
}
