//! `GET /api/v1/agency/dashboard`: the coordinator's own agency's figures: referrals
//! waiting for its answer (near their deadline, overdue), answered this month and last
//! with the median time to answer, how they ended, and open cases per worker. Only ever
//! the caller's own agency: there is no agency to name.

use super::with_env;
use crate::auth::CurrentActor;
use crate::problem::Problem;
use crate::{ApiError, AppState};
use actix_web::{HttpRequest, HttpResponse, web};
use schakel_referral_workflow::agency_figures::{self as uc, AgencyDashboard};

/// The figures of the caller's own agency (coordinators; audited as
/// `agency.dashboard`). Months are calendar months in Dutch time; a referral counts in
/// the month it was answered (accepted, declined, redirected) or expired.
#[utoipa::path(get, path = "/api/v1/agency/dashboard", tag = "cases",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The agency's own figures", body = AgencyDashboard),
        (status = 403, description = "Not a coordinator", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn dashboard_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let figures = with_env(&state, &req, move |conn, env| {
        Ok(uc::agency_dashboard(conn, env, &who.0)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(figures))
}
