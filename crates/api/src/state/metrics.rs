//! The Prometheus registry: requests by route pattern and status (from the
//! middleware), and the gauges the `/metrics` handler sets at every scrape.

use actix_web_prom::{PrometheusMetrics, PrometheusMetricsBuilder};
use prometheus::{IntGauge, Registry};

/// The registry, the request middleware and the gauges updated at scrape time.
#[derive(Clone)]
pub struct Metrics {
    pub(crate) registry: Registry,
    pub(crate) http: PrometheusMetrics,
    pub(crate) pool_connections: IntGauge,
    pub(crate) pool_idle: IntGauge,
    pub(crate) pool_max: IntGauge,
    pub(crate) db_up: IntGauge,
    pub(crate) outbox_pending: IntGauge,
    pub(crate) outbox_due: IntGauge,
    pub(crate) outbox_failed: IntGauge,
    pub(crate) outbox_oldest_due_age: IntGauge,
    pub(crate) mail_pending: IntGauge,
    pub(crate) mail_due: IntGauge,
    pub(crate) mail_failed: IntGauge,
    pub(crate) audit_unsealed: IntGauge,
    pub(crate) audit_unsealed_seconds: IntGauge,
}

fn gauge(registry: &Registry, name: &str, help: &str) -> Result<IntGauge, prometheus::Error> {
    let g = IntGauge::with_opts(prometheus::Opts::new(name, help).namespace("schakel"))?;
    registry.register(Box::new(g.clone()))?;
    Ok(g)
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

impl Metrics {
    /// A fresh registry with the platform's gauges and request metrics.
    pub fn new() -> Result<Self, crate::ApiError> {
        let registry = Registry::new();
        let http = PrometheusMetricsBuilder::new("schakel")
            .registry(registry.clone())
            .mask_unmatched_patterns("<unmatched>")
            .build()
            .map_err(|e| crate::ApiError::Internal(e.to_string()))?;
        Ok(Self {
            http,
            pool_connections: gauge(
                &registry,
                "db_pool_connections",
                "Open database connections",
            )?,
            pool_idle: gauge(
                &registry,
                "db_pool_idle_connections",
                "Idle database connections",
            )?,
            pool_max: gauge(
                &registry,
                "db_pool_max_connections",
                "Configured maximum connections",
            )?,
            db_up: gauge(
                &registry,
                "db_up",
                "1 if the last scrape could read the database",
            )?,
            outbox_pending: gauge(&registry, "outbox_pending", "Outbox rows not yet delivered")?,
            outbox_due: gauge(
                &registry,
                "outbox_due",
                "Pending outbox rows whose time has come",
            )?,
            outbox_failed: gauge(&registry, "outbox_failed", "Outbox rows given up on")?,
            mail_pending: gauge(&registry, "mail_pending", "Queued emails not yet sent")?,
            mail_due: gauge(&registry, "mail_due", "Queued emails whose time has come")?,
            mail_failed: gauge(&registry, "mail_failed", "Queued emails given up on")?,
            audit_unsealed: gauge(
                &registry,
                "audit_unsealed",
                "Audit entries committed but not yet sealed into the chain",
            )?,
            audit_unsealed_seconds: gauge(
                &registry,
                "audit_unsealed_seconds",
                "How long the oldest unsealed audit entry has waited (0 when none waits)",
            )?,
            outbox_oldest_due_age: gauge(
                &registry,
                "outbox_oldest_due_age_seconds",
                "Age of the oldest due outbox row",
            )?,
            registry,
        })
    }

    /// The middleware that counts requests by route pattern, method and status.
    pub fn http_middleware(&self) -> PrometheusMetrics {
        self.http.clone()
    }
}
