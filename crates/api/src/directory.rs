//! `/api/v1/directory/agencies`: the active agencies a caseworker or coordinator can
//! refer to — id, name, kind and region only.

use crate::admin::blocking;
use crate::auth::{CurrentActor, request_context};
use crate::problem::Problem;
use crate::{ApiError, AppState};
use actix_web::{HttpRequest, HttpResponse, web};
use schakel_auth::admin::agencies::{self as uc, DirectoryFilter};
use schakel_domain::{AgencyId, AgencyKind, Region};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// An agency in the directory.
#[derive(Debug, Serialize, ToSchema)]
pub struct DirectoryAgency {
    /// Agency id (the recipient of a referral).
    pub id: AgencyId,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: AgencyKind,
    /// Region.
    pub region: Region,
}

/// Which agencies to list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DirectoryQuery {
    /// Only agencies of this kind.
    #[param(value_type = Option<AgencyKind>)]
    pub kind: Option<AgencyKind>,
    /// Only agencies in this region.
    #[param(value_type = Option<Region>)]
    pub region: Option<Region>,
}

/// Active agencies to refer to, by name (caseworkers and coordinators).
#[utoipa::path(get, path = "/api/v1/directory/agencies", tag = "directory",
    security(("bearer" = [])),
    params(DirectoryQuery),
    responses(
        (status = 200, description = "Active agencies, by name", body = [DirectoryAgency]),
        (status = 400, description = "Unknown kind or region", content_type = "application/problem+json", body = Problem),
        (status = 401, description = "No complete session", content_type = "application/problem+json", body = Problem),
        (status = 403, description = "The role does not refer", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn directory_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<DirectoryQuery>,
) -> Result<HttpResponse, ApiError> {
    let ctx = request_context(&req, &state);
    let q = query.into_inner();
    let filter = DirectoryFilter {
        kind: q.kind,
        region: q.region,
    };
    let list = blocking(&state, move |conn, now| {
        Ok(uc::directory(conn, &who.0, filter, &ctx, now)?)
    })
    .await?;
    let body: Vec<DirectoryAgency> = list
        .into_iter()
        .map(|a| DirectoryAgency {
            id: a.id,
            name: a.name,
            kind: a.kind,
            region: a.region,
        })
        .collect();
    Ok(HttpResponse::Ok().json(body))
}

/// The directory route (inside `/api/v1`).
pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/directory/agencies").route(web::get().to(directory_handler)));
}
