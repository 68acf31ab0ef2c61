//! Liveness and readiness.

use crate::{ApiError, AppState, ProblemKind};
use actix_web::{HttpResponse, web};
use serde::Serialize;
use utoipa::ToSchema;

/// The answer of a health probe.
#[derive(Debug, Serialize, ToSchema)]
pub struct HealthResponse {
    /// Always `ok` when the probe answers 200.
    #[schema(example = "ok")]
    pub status: &'static str,
}

/// Alive: the process answers requests.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "operations",
    responses((status = 200, description = "The process is alive", body = HealthResponse))
)]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(HealthResponse { status: "ok" })
}

/// Ready: the database answers and every migration is applied.
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "operations",
    responses(
        (status = 200, description = "Ready to serve", body = HealthResponse),
        (status = 503, description = "The database is unreachable or not migrated", content_type = "application/problem+json", body = crate::problem::Problem),
    )
)]
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let st = state.clone();
    let ready = web::block(move || -> Result<bool, schakel_store::StoreError> {
        // A probe must answer quickly: wait for a connection at most two seconds.
        let mut conn = st.pool.get_timeout(std::time::Duration::from_secs(2))?;
        schakel_store::check_connection(&mut conn)?;
        Ok(schakel_store::migrations::pending_count(&mut conn)? == 0)
    })
    .await?;
    match ready {
        Ok(true) => Ok(HttpResponse::Ok().json(HealthResponse { status: "ok" })),
        Ok(false) => Err(ApiError::Problem(ProblemKind::Unavailable)),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            Err(ApiError::Problem(ProblemKind::Unavailable))
        }
    }
}
