//! `PATCH /api/v1/cases/{id}` and `/api/v1/cases/{id}/history`: correcting a case of the
//! agency (the person's right to rectification) and reading its rectification record.

use super::{if_match, with_env, with_etag};
use crate::auth::CurrentActor;
use crate::problem::Problem;
use crate::{ApiError, AppState};
use actix_web::{HttpRequest, HttpResponse, web};
use schakel_domain::CaseId;
use schakel_referral_workflow::cases::{self as uc, CorrectCaseInput};
use schakel_referral_workflow::views::{CaseView, CorrectionView};

/// Correct a case of the agency, open or closed (caseworker, coordinator); needs
/// `If-Match`. Fields left out stay; `identity`, when given, replaces the identity as a
/// whole. The earlier values go to the case's rectification record; the audit entry
/// names the fields changed, never their values. A correction that changes nothing
/// answers the case as it is.
#[utoipa::path(patch, path = "/api/v1/cases/{id}", tag = "cases", request_body = CorrectCaseInput,
    security(("bearer" = [])),
    params(
        ("id" = CaseId, Path, description = "Case id"),
        ("If-Match" = String, Header, description = "The case's `ETag` last read"),
    ),
    responses(
        (status = 200, description = "Corrected", body = CaseView,
            headers(("ETag" = String, description = "The new version, quoted"))),
        (status = 404, description = "No such case at the actor's agency", content_type = "application/problem+json", body = Problem),
        (status = 409, description = "The person's identity was erased by retention", content_type = "application/problem+json", body = Problem),
        (status = 412, description = "The case changed since that version", content_type = "application/problem+json", body = Problem),
        (status = 422, description = "A field is not valid", content_type = "application/problem+json", body = Problem),
        (status = 428, description = "`If-Match` is missing", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn correct_case_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<CaseId>,
    body: crate::body::Body<CorrectCaseInput>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let precondition = if_match(&req);
    let input = body.into_inner()?;
    let case = with_env(&state, &req, move |conn, env| {
        Ok(uc::correct_case(
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

/// The rectification record of a case of the agency: each correction with who made
/// it, when, the fields it changed and their earlier values. Oldest first.
#[utoipa::path(get, path = "/api/v1/cases/{id}/history", tag = "cases",
    security(("bearer" = [])),
    params(("id" = CaseId, Path, description = "Case id")),
    responses(
        (status = 200, description = "The corrections", body = Vec<CorrectionView>),
        (status = 404, description = "No such case at the actor's agency", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn case_history_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<CaseId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let list = with_env(&state, &req, move |conn, env| {
        Ok(uc::case_history(conn, env, &who.0, id)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(list))
}
