//! Running a use case on the blocking pool with a connection and the current time.

use crate::{ApiError, AppState};
use actix_web::web;
use chrono::{DateTime, Utc};
use schakel_store::DbConn;

/// Runs `f` with a pooled connection and the current time on the blocking pool.
pub async fn blocking<T, F>(state: &web::Data<AppState>, f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConn, DateTime<Utc>) -> Result<T, ApiError> + Send + 'static,
{
    let st = state.clone();
    web::block(move || {
        let mut conn = schakel_store::get_conn(&st.pool)?;
        f(&mut conn, st.clock.now())
    })
    .await?
}
