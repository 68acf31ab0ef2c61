//! What every handler shares: the pool, the clock, authentication and the metrics.

mod auth;
mod client;
mod metrics;
mod rate;

pub use auth::AuthState;
pub use client::client_ip;
pub use metrics::Metrics;
pub use rate::{ClientLimit, RateLimit};

use schakel_domain::Clock;
use schakel_monitor::MonitorView;
use schakel_referral_workflow::WorkflowConfig;
use schakel_store::Pool;
use std::sync::Arc;

/// Shared application state, cloned into every worker.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The database pool.
    pub pool: Pool,
    /// The source of time for every use case.
    pub clock: Arc<dyn Clock>,
    /// Keys, session rules, the hashing limit and the rate limit.
    pub auth: AuthState,
    /// Prometheus metrics.
    pub metrics: Metrics,
    /// Keys, deadlines and retention of case work.
    pub workflow: Arc<WorkflowConfig>,
    /// Where the monitor's tables live and the rules of disclosure control.
    pub monitor: MonitorView,
}

impl AppState {
    /// State over `pool` and `clock` with an ephemeral signing key (tests and tools).
    pub fn new(pool: Pool, clock: Arc<dyn Clock>) -> Result<Self, crate::ApiError> {
        Self::with_auth(pool, clock, AuthState::ephemeral()?)
    }

    /// State with the given authentication setup.
    pub fn with_auth(
        pool: Pool,
        clock: Arc<dyn Clock>,
        auth: AuthState,
    ) -> Result<Self, crate::ApiError> {
        let workflow = Arc::new(WorkflowConfig::with_keys(auth.config.data_keys.clone()));
        Ok(Self {
            pool,
            clock,
            auth,
            metrics: Metrics::new()?,
            workflow,
            monitor: MonitorView::default(),
        })
    }

    /// The same state with other case-work settings.
    pub fn with_workflow(mut self, workflow: WorkflowConfig) -> Self {
        self.workflow = Arc::new(workflow);
        self
    }

    /// The same state with another monitor setup.
    pub fn with_monitor(mut self, monitor: MonitorView) -> Self {
        self.monitor = monitor;
        self
    }
}
