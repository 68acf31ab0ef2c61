//! Prometheus metrics: requests by route pattern and status (from the middleware), the
//! pool, the outbox backlog and the audit entries waiting to be sealed, read fresh at
//! every scrape.

use crate::{ApiError, AppState};
use actix_web::{HttpResponse, web};
use prometheus::{Encoder, TextEncoder};
use schakel_store::{outbox, pool_state};

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
        let sealing = schakel_audit::sealing_state(&mut conn, now, 0)
            .map_err(|e| schakel_store::StoreError::Corrupt(e.to_string()))?;
        Ok::<_, schakel_store::StoreError>((outbox, mail, sealing))
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
    if let Some((stats, (mail_pending, mail_due, mail_failed), sealing)) = stats {
        m.audit_unsealed
            .set(i64::try_from(sealing.unsealed).unwrap_or(i64::MAX));
        m.audit_unsealed_seconds
            .set(i64::try_from(sealing.oldest_seconds).unwrap_or(i64::MAX));
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
