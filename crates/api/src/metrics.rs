//! Prometheus metrics: requests by route pattern and status (from the middleware), the
//! pool, and the outbox backlog, read fresh at every scrape.

use crate::{ApiError, AppState};
use actix_web::{HttpResponse, web};
use actix_web_prom::{PrometheusMetrics, PrometheusMetricsBuilder};
use prometheus::{Encoder, IntGauge, Registry, TextEncoder};
use schakel_store::{outbox, pool_state};

/// The registry, the request middleware and the gauges updated at scrape time.
#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    http: PrometheusMetrics,
    pool_connections: IntGauge,
    pool_idle: IntGauge,
    pool_max: IntGauge,
    db_up: IntGauge,
    outbox_pending: IntGauge,
    outbox_due: IntGauge,
    outbox_failed: IntGauge,
    outbox_oldest_due_age: IntGauge,
    mail_pending: IntGauge,
    mail_due: IntGauge,
    mail_failed: IntGauge,
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

/// Prometheus metrics in text format.
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "operations",
    responses(
        (status = 200, description = "Metrics in Prometheus text format", content_type = "text/plain", body = String),
    )
)]
pub async fn metrics(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let st = state.clone();
    let stats = web::block(move || {
        let mut conn = st.pool.get_timeout(std::time::Duration::from_secs(2))?;
        let now = st.clock.now();
        let outbox = outbox::stats(&mut conn, now)?;
        let mail = schakel_store::mail_queue::stats(&mut conn, now)?;
        Ok::<_, schakel_store::StoreError>((outbox, mail))
    })
    .await?;
    let m = &state.metrics;
    // Without the database the request and pool metrics still matter most: report the
    // database as down and keep the last outbox figures.
    let stats = match stats {
        Ok(stats) => {
            m.db_up.set(1);
            Some(stats)
        }
        Err(e) => {
            tracing::warn!(error = %e, "metrics: the database did not answer");
            m.db_up.set(0);
            None
        }
    };
    let pool = pool_state(&state.pool);
    m.pool_connections.set(pool.connections.into());
    m.pool_idle.set(pool.idle.into());
    m.pool_max.set(pool.max_size.into());
    if let Some((stats, (mail_pending, mail_due, mail_failed))) = stats {
        m.mail_pending.set(mail_pending);
        m.mail_due.set(mail_due);
        m.mail_failed.set(mail_failed);
        m.outbox_pending.set(stats.pending);
        m.outbox_due.set(stats.due);
        m.outbox_failed.set(stats.failed);
        let age = stats
            .oldest_due_at
            .map(|t| (state.clock.now() - t).num_seconds().max(0))
            .unwrap_or(0);
        m.outbox_oldest_due_age.set(age);
    }
    let mut buf = Vec::new();
    TextEncoder::new()
        .encode(&m.registry.gather(), &mut buf)
        .map_err(ApiError::from)?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(buf))
}
