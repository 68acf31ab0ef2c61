//! Investigations: opened, listed and read by their own law-enforcement agency.

use crate::auth::CurrentActor;
use crate::casework::{with_env, with_etag};
use crate::problem::Problem;
use crate::{ApiError, AppState};
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use schakel_domain::InvestigationId;
use schakel_referral_workflow::offenders::{self as uc, InvestigationView, OpenInvestigationInput};

/// Open an investigation of one's law-enforcement agency (caseworker, coordinator).
/// The reference is encrypted under the compartment's own key.
#[utoipa::path(post, path = "/api/v1/investigations", tag = "investigations",
    request_body = OpenInvestigationInput, security(("bearer" = [])),
    responses(
        (status = 201, description = "Opened", body = InvestigationView,
            headers(("Location" = String, description = "The new investigation"))),
        (status = 403, description = "Not a case worker of a law-enforcement agency", content_type = "application/problem+json", body = Problem),
        (status = 422, description = "A field is not valid", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn open_investigation_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    body: crate::body::Body<OpenInvestigationInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner()?;
    let view = with_env(&state, &req, move |conn, env| {
        Ok(uc::open_investigation(conn, env, &who.0, &input)?)
    })
    .await?;
    let mut res = HttpResponse::Created();
    if let Ok(v) = HeaderValue::from_str(&format!("/api/v1/investigations/{}", view.id)) {
        res.insert_header((header::LOCATION, v));
    }
    Ok(with_etag(res, view.version).json(view))
}

/// The investigations of one's law-enforcement agency, newest first (suspects
/// counted, not listed).
#[utoipa::path(get, path = "/api/v1/investigations", tag = "investigations",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The investigations", body = Vec<InvestigationView>),
        (status = 403, description = "Not a case worker of a law-enforcement agency", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn list_investigations_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let list = with_env(&state, &req, move |conn, env| {
        Ok(uc::list_investigations(conn, env, &who.0)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// One investigation of one's agency, with its suspects.
#[utoipa::path(get, path = "/api/v1/investigations/{id}", tag = "investigations",
    security(("bearer" = [])),
    params(("id" = InvestigationId, Path, description = "Investigation id")),
    responses(
        (status = 200, description = "The investigation", body = InvestigationView,
            headers(("ETag" = String, description = "The version, quoted"))),
        (status = 404, description = "No such investigation of the actor's agency", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn get_investigation_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<InvestigationId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let view = with_env(&state, &req, move |conn, env| {
        Ok(uc::read_investigation(conn, env, &who.0, id)?)
    })
    .await?;
    Ok(with_etag(HttpResponse::Ok(), view.version).json(view))
}
