//! What every handler shares: the pool, the clock and the metrics.

use crate::Metrics;
use schakel_domain::Clock;
use schakel_store::Pool;
use std::sync::Arc;

/// Shared application state, cloned into every worker.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The database pool.
    pub pool: Pool,
    /// The source of time for every use case.
    pub clock: Arc<dyn Clock>,
    /// Prometheus metrics.
    pub metrics: Metrics,
}

impl AppState {
    /// State over `pool` and `clock`, with a fresh metrics registry.
    pub fn new(pool: Pool, clock: Arc<dyn Clock>) -> Result<Self, crate::ApiError> {
        Ok(Self {
            pool,
            clock,
            metrics: Metrics::new()?,
        })
    }
}
