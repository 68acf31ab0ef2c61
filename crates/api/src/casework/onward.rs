//! `POST /api/v1/referrals/{id}/case`: the receiving agency opens its own case from a
//! referral it accepted, linked to where it came from, without typing the person again;
//! `GET /api/v1/cases/{id}/chain`: the chain of cases and referrals a case is part of.

use super::with_env;
use crate::auth::CurrentActor;
use crate::problem::Problem;
use crate::{ApiError, AppState};
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use schakel_domain::{CaseId, ReferralId};
use schakel_referral_workflow::cases as uc;
use schakel_referral_workflow::views::{CaseChain, CaseView};

/// Open the agency's own case from a referral it received and accepted (or has in
/// progress); caseworkers and coordinators of the receiving agency, once per referral.
/// The identity is carried over only where a consent or legal basis that holds now
/// covers the agency's kind and the referral's purpose; otherwise the case holds the
/// referral's coarse facts and an identity to fill in. From its own case the agency
/// refers onward like any owner.
#[utoipa::path(post, path = "/api/v1/referrals/{id}/case", tag = "referrals",
    security(("bearer" = [])),
    params(("id" = ReferralId, Path, description = "Referral id")),
    responses(
        (status = 201, description = "Opened", body = CaseView,
            headers(("ETag" = String, description = "The version, quoted"), ("Location" = String, description = "The new case"))),
        (status = 404, description = "No such referral received by the actor's agency", content_type = "application/problem+json", body = Problem),
        (status = 409, description = "Not accepted or in progress, or the agency already opened its case from it", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn open_case_from_referral_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<ReferralId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let case = with_env(&state, &req, move |conn, env| {
        Ok(uc::open_case_from_referral(conn, env, &who.0, id)?)
    })
    .await?;
    let mut res = HttpResponse::Created();
    if let Ok(v) = HeaderValue::from_str(&format!("/api/v1/cases/{}", case.id)) {
        res.insert_header((header::LOCATION, v));
    }
    let version = case.version;
    Ok(super::with_etag(res, version).json(case))
}

/// The chain of cases and referrals a case is part of, oldest hop first: how the person
/// came to the case and where they went on from it. The actor's own agency and the
/// agencies it dealt with directly are named; the rest of the chain shows agency kinds
/// only, and only the hops that carried the person. Case references appear for the
/// actor's own cases only. Anyone who may read the case may read its chain.
#[utoipa::path(get, path = "/api/v1/cases/{id}/chain", tag = "cases",
    security(("bearer" = [])),
    params(("id" = CaseId, Path, description = "Case id")),
    responses(
        (status = 200, description = "The chain", body = CaseChain),
        (status = 404, description = "No such case visible to the actor", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn case_chain_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<CaseId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let chain = with_env(&state, &req, move |conn, env| {
        Ok(uc::case_chain(conn, env, &who.0, id)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(chain))
}
