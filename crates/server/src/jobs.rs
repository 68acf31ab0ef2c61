//! The platform's scheduled jobs inside `schakel serve` and `schakel worker`: the
//! deadline job (reminding the receiving agency at the deadline, escalating to both
//! agencies' coordinators and expiring unanswered referrals) and the whole retention
//! job (closed cases, signals never opened as a case, stored idempotent responses).
//! Each tick runs the job on the blocking pool with the clock's time; a failure is
//! logged and the next tick tries again (every item is its own transaction, so nothing
//! is left half done).

use crate::casework_settings::CaseworkSettings;
use schakel_api::AppState;
use schakel_referral_workflow::jobs;
use std::time::Duration;

/// Starts the jobs on the current runtime; they stop with it.
pub fn spawn(state: &AppState, settings: &CaseworkSettings) {
    let every = |secs: u64| Duration::from_secs(secs);
    tick(
        state.clone(),
        every(settings.expiry_interval_secs),
        "deadlines",
        |st| {
            let mut conn = schakel_store::get_conn(&st.pool).map_err(|e| e.to_string())?;
            jobs::deadline_jobs(&mut conn, &st.workflow, st.clock.now())
                .map(|done| done.reminded + done.escalated + done.expired)
                .map_err(|e| e.to_string())
        },
    );
    tick(
        state.clone(),
        every(settings.retention_interval_secs),
        "retention",
        |st| {
            let mut conn = schakel_store::get_conn(&st.pool).map_err(|e| e.to_string())?;
            jobs::retention(&mut conn, &st.workflow, st.clock.now(), false)
                .map(|report| report.cases.len() + report.signals.len())
                .map_err(|e| e.to_string())
        },
    );
}

fn tick(
    state: AppState,
    period: Duration,
    name: &'static str,
    job: fn(&AppState) -> Result<usize, String>,
) {
    actix_web::rt::spawn(async move {
        let mut interval = tokio::time::interval(period);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            interval.tick().await;
            let st = state.clone();
            match actix_web::web::block(move || job(&st)).await {
                Ok(Ok(0)) => {}
                Ok(Ok(n)) => tracing::info!(job = name, items = n, "job done"),
                Ok(Err(e)) => tracing::error!(job = name, error = %e, "job failed"),
                Err(e) => tracing::error!(job = name, error = %e, "job could not run"),
            }
        }
    });
}
