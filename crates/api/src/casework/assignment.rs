//! `PUT /api/v1/cases/{id}/assignee` and `GET /api/v1/caseload`: who is responsible for
//! a case of the agency, and the agency's open cases per worker (coordinators);
//! `PUT /api/v1/referrals/{id}/assignee`: who at the receiving agency is responsible for
//! a referral it accepted.

use super::{if_match, with_env, with_etag};
use crate::auth::CurrentActor;
use crate::problem::Problem;
use crate::{ApiError, AppState};
use actix_web::{HttpRequest, HttpResponse, web};
use schakel_domain::{CaseId, ReferralId};
use schakel_referral_workflow::cases::{self as uc, AssignCaseInput};
use schakel_referral_workflow::referrals::{AssignReferralInput, assign_referral};
use schakel_referral_workflow::views::{CaseView, Caseload, ReferralView};

/// Make an active caseworker or coordinator of the agency responsible for one of its
/// cases, or nobody (`user_id: null`); coordinators, with `If-Match`. Emails about the
/// case then go to that worker, and to the agency's coordinators while nobody is
/// responsible.
#[utoipa::path(put, path = "/api/v1/cases/{id}/assignee", tag = "cases", request_body = AssignCaseInput,
    security(("bearer" = [])),
    params(
        ("id" = CaseId, Path, description = "Case id"),
        ("If-Match" = String, Header, description = "The case's `ETag` last read"),
    ),
    responses(
        (status = 200, description = "Assigned", body = CaseView,
            headers(("ETag" = String, description = "The new version, quoted"))),
        (status = 403, description = "A caseworker: only coordinators assign", content_type = "application/problem+json", body = Problem),
        (status = 404, description = "No such case at the actor's agency", content_type = "application/problem+json", body = Problem),
        (status = 412, description = "The case changed since that version", content_type = "application/problem+json", body = Problem),
        (status = 422, description = "Not an active caseworker or coordinator of the agency", content_type = "application/problem+json", body = Problem),
        (status = 428, description = "`If-Match` is missing", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn assign_case_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<CaseId>,
    body: crate::body::Body<AssignCaseInput>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let precondition = if_match(&req);
    let input = body.into_inner()?;
    let case = with_env(&state, &req, move |conn, env| {
        Ok(uc::assign_case(
            conn,
            env,
            &who.0,
            id,
            precondition,
            &input,
        )?)
    })
    .await?;
    let version = case.version;
    Ok(with_etag(HttpResponse::Ok(), version).json(case))
}

/// The agency's open cases per responsible worker, those nobody is responsible for,
/// and those of workers no longer active (coordinators).
#[utoipa::path(get, path = "/api/v1/caseload", tag = "cases",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caseload", body = Caseload),
        (status = 403, description = "Not a coordinator", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn caseload_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let load = with_env(&state, &req, move |conn, env| {
        Ok(uc::caseload(conn, env, &who.0)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(load))
}

/// Make an active caseworker or coordinator of the receiving agency responsible for a
/// referral it accepted or has in progress, or nobody (`user_id: null`); the receiving
/// agency's coordinators, with `If-Match`. Emails to the agency about the referral then
/// go to that worker, and to its coordinators while nobody is responsible; a case the
/// agency opens from the referral starts with the same worker.
#[utoipa::path(put, path = "/api/v1/referrals/{id}/assignee", tag = "referrals", request_body = AssignReferralInput,
    security(("bearer" = [])),
    params(
        ("id" = ReferralId, Path, description = "Referral id"),
        ("If-Match" = String, Header, description = "The referral's `ETag` last read"),
    ),
    responses(
        (status = 200, description = "Assigned", body = ReferralView,
            headers(("ETag" = String, description = "The new version, quoted"))),
        (status = 403, description = "A caseworker: only coordinators assign", content_type = "application/problem+json", body = Problem),
        (status = 404, description = "No such referral received by the actor's agency", content_type = "application/problem+json", body = Problem),
        (status = 409, description = "Not accepted or in progress", content_type = "application/problem+json", body = Problem),
        (status = 412, description = "The referral changed since that version", content_type = "application/problem+json", body = Problem),
        (status = 422, description = "Not an active caseworker or coordinator of the agency", content_type = "application/problem+json", body = Problem),
        (status = 428, description = "`If-Match` is missing", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn assign_referral_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<ReferralId>,
    body: crate::body::Body<AssignReferralInput>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let precondition = if_match(&req);
    let input = body.into_inner()?;
    let referral = with_env(&state, &req, move |conn, env| {
        Ok(assign_referral(
            conn,
            env,
            &who.0,
            id,
            precondition,
            &input,
        )?)
    })
    .await?;
    let version = referral.version;
    Ok(with_etag(HttpResponse::Ok(), version).json(referral))
}
