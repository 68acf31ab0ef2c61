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
    pub monitor: MonitorView,
    /// Trusted proxies and the per-client limit of the credential forms.
    pub client: crate::client_rules::ClientRules,
}

/// The monitor as the pages read it: the same copy, database and rules as the API.
#[derive(Clone, Default)]
pub struct MonitorView {
    /// The in-memory copy of the monitor's facts the tables are counted from.
    pub cube: Arc<schakel_monitor::Cube>,
    /// The monitor's own database; `None`: the operational one.
    pub pool: Option<Pool>,
    /// Suppression threshold and rounding of published tables.
    pub rules: schakel_monitor::Rules,
    /// The k of the HTCDS export's k-anonymity (`monitor.export_k`).
    pub export_k: schakel_monitor::htcds::ExportK,
}

impl std::fmt::Debug for MonitorView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MonitorView")
            .field("rules", &self.rules)
            .field("export_k", &self.export_k)
            .finish()
    }
}

impl std::fmt::Debug for WebState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebState")
            .field("secure_cookies", &self.secure_cookies)
            .finish()
    }
}
