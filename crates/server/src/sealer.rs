//! The audit sealer inside `schakel serve` and `schakel worker`: every
//! `audit.seal_interval_ms` it links the entries of finished transactions into the
//! chain (PostgreSQL; on SQLite entries are sealed at their append and a round finds
//! nothing). Any number of instances run it; one at a time holds the sealer's lock.
//! A failed round is logged and the next tries again; a round is one transaction, so
//! a crash leaves nothing half sealed.

use schakel_store::{Backend, Pool};
use std::time::Duration;

/// Starts the sealer on the current runtime when the database needs one; it stops
/// with the runtime.
pub fn spawn(pool: Pool, backend: Backend, every: Duration) {
    if backend != Backend::Postgres {
        return;
    }
    actix_web::rt::spawn(async move {
        let mut interval = tokio::time::interval(every);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            interval.tick().await;
            let pool = pool.clone();
            let round = actix_web::web::block(move || {
                let mut conn = schakel_store::get_conn(&pool).map_err(|e| e.to_string())?;
                schakel_audit::seal_all(&mut conn).map_err(|e| e.to_string())
            })
            .await;
            match round {
                Ok(Ok(n)) => tracing::debug!(entries = n, "audit entries sealed"),
                Ok(Err(e)) => tracing::error!(error = %e, "audit sealing failed"),
                Err(e) => tracing::error!(error = %e, "audit sealing could not run"),
            }
        }
    });
}
