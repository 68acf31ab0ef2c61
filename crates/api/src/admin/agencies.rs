//! `/api/v1/agencies`: the admin lists, reads, creates, changes and deactivates
//! agencies.

use super::{blocking, if_match, with_etag};
use crate::auth::{CurrentActor, request_context};
use crate::problem::Problem;
use crate::{ApiError, AppState};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use schakel_auth::admin::AgencyView;
use schakel_auth::admin::agencies::{self as uc, AgencyInput, AgencyUpdate};
use schakel_domain::{AgencyId, AgencyKind, Region};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An agency as the admin sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgencyResponse {
    /// Agency id.
    pub id: AgencyId,
    /// Name, unique on the platform.
    pub name: String,
    /// Kind.
    pub kind: AgencyKind,
    /// Region.
    pub region: Region,
    /// The address of its general desk.
    pub contact_email: String,
    /// Whether it is on the platform.
    pub active: bool,
    /// Version, also sent as the `ETag`; give it back in `If-Match` to change the agency.
    pub version: i64,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<AgencyView> for AgencyResponse {
    fn from(a: AgencyView) -> Self {
        Self {
            id: a.id,
            name: a.name,
            kind: a.kind,
            region: a.region,
            contact_email: a.contact_email,
            active: a.active,
            version: a.version,
            created_at: a.created_at,
            updated_at: a.updated_at,
        }
    }
}

fn one(res: actix_web::HttpResponseBuilder, agency: AgencyView) -> HttpResponse {
    let version = agency.version;
    with_etag(res, version).json(AgencyResponse::from(agency))
}

/// A new agency.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAgencyRequest {
    /// Name, unique on the platform.
    #[schema(min_length = 1, max_length = 120, example = "Gemeente Utrecht")]
    pub name: String,
    /// Kind.
    pub kind: AgencyKind,
    /// Region.
    pub region: Region,
    /// The address of its general desk (not a person's).
    #[schema(max_length = 254, example = "zorgdesk@utrecht.example")]
    pub contact_email: String,
}

/// Changes to an agency; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateAgencyRequest {
    /// A new name.
    #[schema(min_length = 1, max_length = 120)]
    pub name: Option<String>,
    /// A new kind.
    pub kind: Option<AgencyKind>,
    /// A new region.
    pub region: Option<Region>,
    /// A new contact address.
    #[schema(max_length = 254)]
    pub contact_email: Option<String>,
}

/// Every agency, active or not (admin).
#[utoipa::path(get, path = "/api/v1/agencies", tag = "admin",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "All agencies, by name", body = [AgencyResponse]),
        (status = 401, description = "No complete session", content_type = "application/problem+json", body = Problem),
        (status = 403, description = "Not an admin", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn list_agencies_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let ctx = request_context(&req, &state);
    let list = blocking(&state, move |conn, now| {
        Ok(uc::list_agencies(conn, &who.0, &ctx, now)?)
    })
    .await?;
    let body: Vec<AgencyResponse> = list.into_iter().map(AgencyResponse::from).collect();
    Ok(HttpResponse::Ok().json(body))
}

/// Create an agency (admin).
#[utoipa::path(post, path = "/api/v1/agencies", tag = "admin", request_body = CreateAgencyRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = AgencyResponse,
            headers(("ETag" = String, description = "The version, quoted"), ("Location" = String, description = "The new agency"))),
        (status = 401, description = "No complete session", content_type = "application/problem+json", body = Problem),
        (status = 403, description = "Not an admin", content_type = "application/problem+json", body = Problem),
        (status = 409, description = "The name is taken", content_type = "application/problem+json", body = Problem),
        (status = 422, description = "A field is not valid", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn create_agency_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    body: crate::body::Body<CreateAgencyRequest>,
) -> Result<HttpResponse, ApiError> {
    let ctx = request_context(&req, &state);
    let b = body.into_inner()?;
    let input = AgencyInput {
        name: b.name,
        kind: b.kind,
        region: b.region,
        contact_email: b.contact_email,
    };
    let agency = blocking(&state, move |conn, now| {
        Ok(uc::create_agency(conn, &who.0, &input, &ctx, now)?)
    })
    .await?;
    let mut res = HttpResponse::Created();
    res.insert_header((header::LOCATION, format!("/api/v1/agencies/{}", agency.id)));
    Ok(one(res, agency))
}

/// One agency (admin).
#[utoipa::path(get, path = "/api/v1/agencies/{id}", tag = "admin",
    security(("bearer" = [])),
    params(("id" = AgencyId, Path, description = "Agency id")),
    responses(
        (status = 200, description = "The agency", body = AgencyResponse,
            headers(("ETag" = String, description = "The version, quoted"))),
        (status = 401, description = "No complete session", content_type = "application/problem+json", body = Problem),
        (status = 404, description = "No such agency, or not an admin", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn get_agency_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<AgencyId>,
) -> Result<HttpResponse, ApiError> {
    let ctx = request_context(&req, &state);
    let id = id.into_inner();
    let agency = blocking(&state, move |conn, now| {
        Ok(uc::get_agency(conn, &who.0, id, &ctx, now)?)
    })
    .await?;
    Ok(one(HttpResponse::Ok(), agency))
}

/// Change an agency (admin); needs `If-Match` with the version last read.
#[utoipa::path(patch, path = "/api/v1/agencies/{id}", tag = "admin", request_body = UpdateAgencyRequest,
    security(("bearer" = [])),
    params(
        ("id" = AgencyId, Path, description = "Agency id"),
        ("If-Match" = String, Header, description = "The `ETag` last read, e.g. `\"3\"`"),
    ),
    responses(
        (status = 200, description = "Changed", body = AgencyResponse,
            headers(("ETag" = String, description = "The new version, quoted"))),
        (status = 401, description = "No complete session", content_type = "application/problem+json", body = Problem),
        (status = 404, description = "No such agency, or not an admin", content_type = "application/problem+json", body = Problem),
        (status = 409, description = "The name is taken", content_type = "application/problem+json", body = Problem),
        (status = 412, description = "The agency changed since that version", content_type = "application/problem+json", body = Problem),
        (status = 422, description = "A field is not valid, unknown or not changeable", content_type = "application/problem+json", body = Problem),
        (status = 428, description = "`If-Match` is missing", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn update_agency_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<AgencyId>,
    body: crate::body::Body<UpdateAgencyRequest>,
) -> Result<HttpResponse, ApiError> {
    let ctx = request_context(&req, &state);
    let id = id.into_inner();
    let precondition = if_match(&req);
    let b = body.into_inner()?;
    let update = AgencyUpdate {
        name: b.name,
        kind: b.kind,
        region: b.region,
        contact_email: b.contact_email,
    };
    let agency = blocking(&state, move |conn, now| {
        Ok(uc::update_agency(
            conn,
            &who.0,
            id,
            precondition,
            &update,
            &ctx,
            now,
        )?)
    })
    .await?;
    Ok(one(HttpResponse::Ok(), agency))
}

/// Deactivate an agency with all its accounts (admin); not one's own agency.
#[utoipa::path(post, path = "/api/v1/agencies/{id}/deactivate", tag = "admin",
    security(("bearer" = [])),
    params(("id" = AgencyId, Path, description = "Agency id")),
    responses(
        (status = 200, description = "Deactivated; its accounts are deactivated and their sessions ended", body = AgencyResponse,
            headers(("ETag" = String, description = "The new version, quoted"))),
        (status = 401, description = "No complete session", content_type = "application/problem+json", body = Problem),
        (status = 404, description = "No such agency, or not an admin", content_type = "application/problem+json", body = Problem),
        (status = 409, description = "Already inactive, the admin's own agency, or it holds every active admin", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn deactivate_agency_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<AgencyId>,
) -> Result<HttpResponse, ApiError> {
    let ctx = request_context(&req, &state);
    let id = id.into_inner();
    let agency = blocking(&state, move |conn, now| {
        Ok(uc::deactivate_agency(conn, &who.0, id, &ctx, now)?)
    })
    .await?;
    Ok(one(HttpResponse::Ok(), agency))
}
