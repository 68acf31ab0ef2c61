//! `GET /api/v1/directory/hsds`: the directory as Open Referral's Human Services Data
//! Specification 3.0 (organizations, services, locations, services at locations, the
//! taxonomy of services and its terms), for any signed-in user. What it holds and what
//! never leaves (addresses, free places, non-public contact details) is the domain's
//! `hsds` module; the export is audited.

use crate::admin::blocking;
use crate::auth::{CurrentActor, request_context};
use crate::problem::Problem;
use crate::{ApiError, AppState};
use actix_web::{HttpRequest, HttpResponse, web};
use schakel_auth::admin::hsds as uc;

/// Every active agency as an HSDS 3.0 `organization`, each service it offers as a
/// `service` (eligibility, ages, languages, the regions served as `service_area`s, its
/// code as an `attribute` into the taxonomy), one virtual `location` per agency (named by
/// region, never an address), a `service_at_location` per service, and the taxonomy with
/// its terms. Hours, telephone and email only for agencies that made them public; free
/// places never. Audited as `directory.export`.
#[utoipa::path(get, path = "/api/v1/directory/hsds", tag = "directory",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The directory as HSDS 3.0: {hsds_version, generated_at, organizations, services, locations, service_at_locations, taxonomies, taxonomy_terms}", body = Object),
        (status = 401, description = "No complete session", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn hsds_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let ctx = request_context(&req, &state);
    let directory = blocking(&state, move |conn, now| {
        Ok(uc::export(conn, &who.0, &ctx, now)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(directory))
}

/// The route (inside `/api/v1`).
pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/directory/hsds").route(web::get().to(hsds_handler)));
}
