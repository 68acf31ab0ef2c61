//! What the pages share: the pool, the clock, the authentication rules, the case-work
//! settings, the monitor the analyst reads and whether cookies must be `Secure`.

use schakel_auth::AuthConfig;
use schakel_domain::Clock;
use schakel_referral_workflow::WorkflowConfig;
use schakel_store::Pool;
use std::sync::Arc;

/// Shared state of the web pages.
#[derive(Clone)]
pub struct WebState {
    /// The database pool.
    pub pool: Pool,
    /// The source of time.
    pub clock: Arc<dyn Clock>,
    /// Session, throttling and second-factor rules.
    pub auth: Arc<AuthConfig>,
    /// The password-hashing threads and their admission bound (shared with the API).
    pub hashing: schakel_auth::hash_pool::HashPool,
    /// Keys, deadlines and retention of case work.
    pub workflow: Arc<WorkflowConfig>,
    /// Whether cookies carry `Secure` (everywhere but plain HTTP on loopback).
    pub secure_cookies: bool,
    /// The monitor's tables, as the analyst's dashboard reads them.
    pub monitor: schakel_monitor::MonitorView,
    /// Trusted proxies and the per-client limit of the credential forms.
    pub client: crate::client_rules::ClientRules,
}

impl std::fmt::Debug for WebState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebState")
            .field("secure_cookies", &self.secure_cookies)
            .finish()
    }
}
